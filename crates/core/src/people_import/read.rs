//! Reading the rows of an import file, each checked on its own.

use super::{file_problem, problem, ImportContext, ImportProblem, PhonesSeen, PlannedPerson, Row};
use super::{parse_date, COLUMNS, MAX_BYTES, MAX_EMAIL, MAX_NAME, MAX_ROWS, REQUIRED};
use crate::msg::Msg;
use crate::people::{Gender, Locale, Role};
use crate::phone::normalise_mobile;
use crate::suggest::nearest;
use std::collections::{BTreeSet, HashMap};

pub(super) fn read_rows(
    data: &[u8],
    ctx: &ImportContext,
    problems: &mut Vec<ImportProblem>,
    phones_seen: &mut PhonesSeen,
) -> Result<Vec<Row>, Vec<ImportProblem>> {
    if data.len() > MAX_BYTES {
        return Err(file_problem(0, Msg::new("import-file-too-large").arg("mb", MAX_BYTES / 1024 / 1024)));
    }
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    if let Err(e) = std::str::from_utf8(data) {
        let line = 1 + data[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() as u64;
        return Err(file_problem(line, Msg::new("import-not-utf8")));
    }
    let first_line = data.split(|b| *b == b'\n').next().unwrap_or_default();
    // Dutch spreadsheets write CSV with semicolons.
    let delimiter = if first_line.contains(&b';') && !first_line.contains(&b',') { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).trim(csv::Trim::All).from_reader(data);

    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => return Err(file_problem(1, Msg::new("import-header-unreadable").arg("detail", e))),
    };
    if headers.iter().all(|h| h.is_empty()) {
        return Err(file_problem(1, Msg::new("import-file-empty").arg("columns", REQUIRED.join(","))));
    }
    let mut header_problems = Vec::new();
    let mut seen = BTreeSet::new();
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            let msg = match nearest(h, COLUMNS.iter().copied()) {
                Some(n) => Msg::new("import-column-unknown-suggest").arg("suggestion", n),
                None => Msg::new("import-column-unknown"),
            };
            header_problems.push(problem(1, h, msg.arg("known", COLUMNS.join(", "))));
        } else if !seen.insert(h.clone()) {
            header_problems.push(problem(1, h, Msg::new("import-column-twice")));
        }
    }
    for r in REQUIRED {
        if !headers.iter().any(|h| h == r) {
            header_problems.push(problem(1, r, Msg::new("import-column-missing")));
        }
    }
    if !header_problems.is_empty() {
        return Err(header_problems);
    }
    let index: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h.as_str(), i)).collect();

    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        if n >= MAX_ROWS {
            return Err(file_problem(0, Msg::new("import-too-many-rows").arg("max", MAX_ROWS)));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(ImportProblem {
                    line,
                    column: None,
                    msg: Msg::new("import-line-unreadable").arg("detail", e),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(n as u64 + 2);
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        if record.len() > headers.len() {
            problems.push(ImportProblem {
                line,
                column: None,
                msg: Msg::new("import-too-many-fields").arg("fields", record.len()).arg("columns", headers.len()),
            });
            continue;
        }
        let fields = Fields { index: &index, record: &record };
        if let Ok(phone) = normalise_mobile(fields.get("mobile_phone")) {
            phones_seen.entry(phone).or_insert((line, Role::from_import(fields.get("type")) == Some(Role::Mentor)));
        }
        if let Some(row) = read_row(line, &fields, ctx, problems) {
            rows.push(row);
        }
    }
    if rows.is_empty() && problems.is_empty() {
        return Err(file_problem(1, Msg::new("import-no-people")));
    }
    Ok(rows)
}

/// The cells of one record by column name; a column the file lacks reads as empty.
struct Fields<'a> {
    index: &'a HashMap<&'a str, usize>,
    record: &'a csv::StringRecord,
}

impl<'a> Fields<'a> {
    fn get(&self, column: &str) -> &'a str {
        self.index.get(column).and_then(|i| self.record.get(*i)).unwrap_or("")
    }
}

fn read_row(line: u64, fields: &Fields<'_>, ctx: &ImportContext, problems: &mut Vec<ImportProblem>) -> Option<Row> {
    let get = |c: &str| fields.get(c);
    let before = problems.len();
    let text = |column: &str, max: usize, required: bool, problems: &mut Vec<ImportProblem>| -> Option<String> {
        let v = get(column);
        if v.is_empty() {
            if required {
                problems.push(problem(line, column, Msg::new("import-required")));
            }
            None
        } else if v.chars().count() > max {
            problems.push(problem(line, column, Msg::new("import-too-long").arg("max", max)));
            None
        } else if v.chars().any(char::is_control) {
            problems.push(problem(line, column, Msg::new("import-control-character")));
            None
        } else {
            Some(v.to_string())
        }
    };

    let role = match get("type") {
        "" => {
            problems.push(problem(line, "type", Msg::new("import-type-empty")));
            None
        }
        t => {
            let r = Role::from_import(t);
            if r.is_none() {
                problems.push(problem(line, "type", Msg::new("import-type-unknown").arg("value", t)));
            }
            r
        }
    };
    let team_name = text("team_name", MAX_NAME, true, problems);
    if let Some(team) = &team_name {
        if !ctx.create_teams && !ctx.known_teams.contains(team) {
            let msg = match nearest(team, ctx.known_teams.iter().map(String::as_str)) {
                Some(n) => Msg::new("import-team-unknown-suggest").arg("suggestion", n),
                None => Msg::new("import-team-unknown"),
            };
            problems.push(problem(line, "team_name", msg.arg("team", team)));
        }
    }
    let role_title = text("role_title", MAX_NAME, false, problems);
    let first_name = text("first_name", MAX_NAME, true, problems);
    let last_name = text("last_name", MAX_NAME, false, problems);
    let gender = Gender::from_import(get("gender"))
        .map_err(|_| {
            problems.push(problem(line, "gender", Msg::new("import-gender-unknown").arg("value", get("gender"))))
        })
        .ok()
        .flatten();
    let locale = Locale::from_import(get("locale"))
        .map_err(|_| {
            problems.push(problem(line, "locale", Msg::new("import-locale-unknown").arg("value", get("locale"))))
        })
        .ok()
        .flatten();
    let group = match get("group").trim() {
        "" => None,
        g => crate::groups::check_group(g, &ctx.groups).map_err(|m| problems.push(problem(line, "group", m))).ok(),
    };
    let phone = match get("mobile_phone") {
        "" => {
            problems.push(problem(line, "mobile_phone", Msg::new("import-phone-empty")));
            None
        }
        p => normalise_mobile(p).map_err(|e| problems.push(problem(line, "mobile_phone", e.msg()))).ok(),
    };
    let email = text("email", MAX_EMAIL, false, problems).and_then(|e| {
        if valid_email(&e) {
            Some(e.to_lowercase())
        } else {
            problems.push(problem(line, "email", Msg::new("import-email-invalid").arg("value", &e)));
            None
        }
    });
    let protocol = text("protocol_name", MAX_NAME, false, problems);
    if let Some(p) = &protocol {
        check_protocol(line, "protocol_name", p, role, ctx, problems);
    }
    let start = match get("start_date") {
        "" => Some(ctx.today),
        d => parse_date(d).map_err(|m| problems.push(problem(line, "start_date", m))).ok(),
    };
    let end = match get("end_date") {
        "" => None,
        d => parse_date(d).map_err(|m| problems.push(problem(line, "end_date", m))).ok(),
    };
    if let (Some(s), Some(e)) = (start, end) {
        if e <= s {
            problems.push(problem(line, "end_date", Msg::new("import-end-before-start").arg("end", e).arg("start", s)));
        }
    }
    let filling_out_for = match get("filling_out_for") {
        "" => None,
        p if role == Some(Role::Student) => {
            problems.push(problem(line, "filling_out_for", Msg::new("import-student-fills-out-for").arg("value", p)));
            None
        }
        p => normalise_mobile(p).map_err(|e| problems.push(problem(line, "filling_out_for", e.msg()))).ok(),
    };
    let filling_out_for_protocol = text("filling_out_for_protocol", MAX_NAME, false, problems);
    if let Some(p) = &filling_out_for_protocol {
        if get("filling_out_for").is_empty() {
            problems.push(problem(line, "filling_out_for_protocol", Msg::new("import-protocol-without-student")));
        } else {
            check_protocol(line, "filling_out_for_protocol", p, Some(Role::Student), ctx, problems);
        }
    }
    if problems.len() > before {
        return None;
    }
    Some(Row {
        line,
        person: PlannedPerson {
            line,
            role: role?,
            team_name: team_name?,
            role_title,
            first_name: first_name?,
            last_name,
            gender,
            phone: phone?,
            email,
            locale,
            group,
        },
        protocol,
        start: start?,
        end,
        filling_out_for,
        filling_out_for_protocol,
    })
}

fn check_protocol(
    line: u64,
    column: &str,
    name: &str,
    role: Option<Role>,
    ctx: &ImportContext,
    problems: &mut Vec<ImportProblem>,
) {
    match ctx.protocols.get(name) {
        None => {
            let msg = match nearest(name, ctx.protocols.keys().map(String::as_str)) {
                Some(n) => Msg::new("import-protocol-unknown-suggest").arg("suggestion", n),
                None => Msg::new("import-protocol-unknown"),
            };
            problems.push(problem(line, column, msg.arg("name", name)));
        }
        Some(Some(for_role)) if role.is_some() && role != Some(*for_role) => {
            problems.push(problem(
                line,
                column,
                Msg::new("import-protocol-wrong-role")
                    .arg("name", name)
                    .arg("for_role", for_role.as_str())
                    .arg("role", role.map(Role::as_str).unwrap_or("")),
            ));
        }
        Some(_) => {}
    }
}

fn valid_email(e: &str) -> bool {
    let mut parts = e.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.chars().any(char::is_whitespace)
        }
        _ => false,
    }
}
