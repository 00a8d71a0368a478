//! Planning an import of people from a CSV file with u-can-act's columns.
//!
//! The plan is made in full before anything is written: every problem of every row is collected
//! (so a coordinator fixes a file in one go), and the store applies a plan only when it has no
//! problems, in one transaction. Re-importing the same file plans the same people, which the
//! store recognises by phone number, so nothing changes.

use crate::people::{Gender, Locale, Role};
use crate::phone::normalise_mobile;
use crate::suggest::nearest;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

/// The columns an import file may have, in u-can-act's order (`locale` is koers's own).
pub const COLUMNS: &[&str] = &[
    "type",
    "team_name",
    "role_title",
    "first_name",
    "last_name",
    "gender",
    "mobile_phone",
    "email",
    "protocol_name",
    "start_date",
    "filling_out_for",
    "filling_out_for_protocol",
    "end_date",
    "locale",
];
const REQUIRED: &[&str] = &["type", "team_name", "first_name", "mobile_phone"];

/// Larger files are refused before parsing: an import is a class list, not a data dump.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_ROWS: usize = 100_000;
const MAX_NAME: usize = 100;
const MAX_EMAIL: usize = 254;

/// One thing wrong with an import file; shown as `FILE:LINE: column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "{}: {}: {}", self.line, c, self.message),
            None => write!(f, "{}: {}", self.line, self.message),
        }
    }
}

/// What the database already holds that an import must agree with.
#[derive(Debug, Clone, Default)]
pub struct ImportContext {
    /// Dates without a `start_date` start today (in the study's zone).
    pub today: NaiveDate,
    pub known_teams: BTreeSet<String>,
    pub create_teams: bool,
    /// Protocol names, with the role they are for when the protocol says so.
    pub protocols: BTreeMap<String, Option<Role>>,
    /// People already enrolled, by E.164 phone number.
    pub existing: HashMap<String, Role>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPerson {
    pub line: u64,
    pub role: Role,
    pub team_name: String,
    pub role_title: Option<String>,
    pub first_name: String,
    pub last_name: Option<String>,
    pub gender: Option<Gender>,
    pub phone: String,
    pub email: Option<String>,
    pub locale: Option<Locale>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlannedSubscription {
    pub phone: String,
    pub protocol: String,
    pub filling_out_for: Option<String>,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub line: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPair {
    pub line: u64,
    pub mentor_phone: String,
    pub student_phone: String,
    pub start: NaiveDate,
}

/// Everything a valid file asks for, with people listed once each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    pub new_teams: Vec<String>,
    pub people: Vec<PlannedPerson>,
    pub subscriptions: Vec<PlannedSubscription>,
    pub pairs: Vec<PlannedPair>,
}

/// One row as read, before cross-row checks.
struct Row {
    line: u64,
    person: PlannedPerson,
    protocol: Option<String>,
    start: NaiveDate,
    end: Option<NaiveDate>,
    filling_out_for: Option<String>,
    filling_out_for_protocol: Option<String>,
}

/// Reads and checks a whole file; either a plan or every problem found.
pub fn plan_people_import(data: &[u8], ctx: &ImportContext) -> Result<ImportPlan, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut phones_seen = HashMap::new();
    let rows = read_rows(data, ctx, &mut problems, &mut phones_seen)?;
    let plan = cross_check(rows, &phones_seen, ctx, &mut problems);
    if problems.is_empty() {
        Ok(plan)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

fn problem(line: u64, column: &str, message: impl Into<String>) -> Problem {
    Problem { line, column: Some(column.to_string()), message: message.into() }
}

fn file_problem(line: u64, message: impl Into<String>) -> Vec<Problem> {
    vec![Problem { line, column: None, message: message.into() }]
}

/// Every phone number read, with its line and whether the row was a mentor's, so that a
/// number used twice is reported even when the other row had mistakes of its own.
/// Only the first line a number is on is kept.
type PhonesSeen = HashMap<String, (u64, bool)>;

fn read_rows(
    data: &[u8],
    ctx: &ImportContext,
    problems: &mut Vec<Problem>,
    phones_seen: &mut PhonesSeen,
) -> Result<Vec<Row>, Vec<Problem>> {
    if data.len() > MAX_BYTES {
        return Err(file_problem(
            0,
            format!("the file is larger than {} MB; split it into smaller files", MAX_BYTES / 1024 / 1024),
        ));
    }
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    if let Err(e) = std::str::from_utf8(data) {
        let line = 1 + data[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() as u64;
        return Err(file_problem(line, "the file is not UTF-8 text; in a spreadsheet, save it as 'CSV UTF-8'"));
    }
    let first_line = data.split(|b| *b == b'\n').next().unwrap_or_default();
    // Dutch spreadsheets write CSV with semicolons.
    let delimiter = if first_line.contains(&b';') && !first_line.contains(&b',') { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).trim(csv::Trim::All).from_reader(data);

    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => return Err(file_problem(1, format!("cannot read the header line: {e}"))),
    };
    if headers.iter().all(|h| h.is_empty()) {
        return Err(file_problem(
            1,
            format!("the file is empty; the first line must name the columns, e.g. {}", REQUIRED.join(",")),
        ));
    }
    let mut header_problems = Vec::new();
    let mut seen = BTreeSet::new();
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            let hint =
                nearest(h, COLUMNS.iter().copied()).map(|n| format!("; did you mean '{n}'?")).unwrap_or_default();
            header_problems.push(problem(1, h, format!("unknown column{hint} Known columns: {}", COLUMNS.join(", "))));
        } else if !seen.insert(h.clone()) {
            header_problems.push(problem(1, h, "this column appears twice"));
        }
    }
    for r in REQUIRED {
        if !headers.iter().any(|h| h == r) {
            header_problems.push(problem(1, r, "this column is required but missing"));
        }
    }
    if !header_problems.is_empty() {
        return Err(header_problems);
    }
    let index: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h.as_str(), i)).collect();

    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        if n >= MAX_ROWS {
            return Err(file_problem(
                0,
                format!("the file has more than {MAX_ROWS} rows; split it into smaller files"),
            ));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(Problem { line, column: None, message: format!("cannot read this line: {e}") });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(n as u64 + 2);
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        if record.len() > headers.len() {
            problems.push(Problem {
                line,
                column: None,
                message: format!(
                    "this line has {} fields but the header names {} columns",
                    record.len(),
                    headers.len()
                ),
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
        return Err(file_problem(1, "the file has a header but no people"));
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

fn read_row(line: u64, fields: &Fields<'_>, ctx: &ImportContext, problems: &mut Vec<Problem>) -> Option<Row> {
    let get = |c: &str| fields.get(c);
    let before = problems.len();
    let text = |column: &str, max: usize, required: bool, problems: &mut Vec<Problem>| -> Option<String> {
        let v = get(column);
        if v.is_empty() {
            if required {
                problems.push(problem(line, column, "is empty but required"));
            }
            None
        } else if v.chars().count() > max {
            problems.push(problem(line, column, format!("is longer than {max} characters")));
            None
        } else if v.chars().any(char::is_control) {
            problems.push(problem(line, column, "contains a control character (a tab or line break inside the cell?)"));
            None
        } else {
            Some(v.to_string())
        }
    };

    let role = match get("type") {
        "" => {
            problems.push(problem(line, "type", "is empty; write Student or Mentor"));
            None
        }
        t => {
            let r = Role::from_import(t);
            if r.is_none() {
                problems.push(problem(line, "type", format!("'{t}' is not a type; write Student or Mentor")));
            }
            r
        }
    };
    let team_name = text("team_name", MAX_NAME, true, problems);
    if let Some(team) = &team_name {
        if !ctx.create_teams && !ctx.known_teams.contains(team) {
            let hint = nearest(team, ctx.known_teams.iter().map(String::as_str))
                .map(|n| format!("did you mean '{n}'? "))
                .unwrap_or_default();
            problems.push(problem(
                line,
                "team_name",
                format!("unknown team '{team}'; {hint}create it first or import with --create-teams"),
            ));
        }
    }
    let role_title = text("role_title", MAX_NAME, false, problems);
    let first_name = text("first_name", MAX_NAME, true, problems);
    let last_name = text("last_name", MAX_NAME, false, problems);
    let gender = Gender::from_import(get("gender"))
        .map_err(|_| {
            problems.push(problem(
                line,
                "gender",
                format!("'{}' is not a gender; write male, female or other (or leave it empty)", get("gender")),
            ))
        })
        .ok()
        .flatten();
    let locale = Locale::from_import(get("locale"))
        .map_err(|_| {
            problems.push(problem(
                line,
                "locale",
                format!("'{}' is not a language koers speaks; write nl or en", get("locale")),
            ))
        })
        .ok()
        .flatten();
    let phone = match get("mobile_phone") {
        "" => {
            problems.push(problem(line, "mobile_phone", "is empty but required: invitations go by SMS"));
            None
        }
        p => normalise_mobile(p).map_err(|e| problems.push(problem(line, "mobile_phone", e.to_string()))).ok(),
    };
    let email = text("email", MAX_EMAIL, false, problems).and_then(|e| {
        if valid_email(&e) {
            Some(e.to_lowercase())
        } else {
            problems.push(problem(line, "email", format!("'{e}' is not an e-mail address")));
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
            problems.push(problem(line, "end_date", format!("{e} is not after the start date {s}")));
        }
    }
    let filling_out_for = match get("filling_out_for") {
        "" => None,
        p if role == Some(Role::Student) => {
            problems.push(problem(
                line,
                "filling_out_for",
                format!("'{p}' is set for a student; only mentors fill out for someone"),
            ));
            None
        }
        p => normalise_mobile(p).map_err(|e| problems.push(problem(line, "filling_out_for", e.to_string()))).ok(),
    };
    let filling_out_for_protocol = text("filling_out_for_protocol", MAX_NAME, false, problems);
    if let Some(p) = &filling_out_for_protocol {
        if get("filling_out_for").is_empty() {
            problems.push(problem(
                line,
                "filling_out_for_protocol",
                "is set but filling_out_for (the student's phone number) is empty",
            ));
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
    problems: &mut Vec<Problem>,
) {
    match ctx.protocols.get(name) {
        None => {
            let hint = nearest(name, ctx.protocols.keys().map(String::as_str))
                .map(|n| format!("; did you mean '{n}'?"))
                .unwrap_or_default();
            problems.push(problem(line, column, format!("unknown protocol '{name}'{hint}")));
        }
        Some(Some(for_role)) if role.is_some() && role != Some(*for_role) => {
            problems.push(problem(
                line,
                column,
                format!(
                    "protocol '{name}' is for {}s, not for this {}",
                    for_role,
                    role.map(Role::as_str).unwrap_or("")
                ),
            ));
        }
        Some(_) => {}
    }
}

fn cross_check(
    rows: Vec<Row>,
    phones_seen: &PhonesSeen,
    ctx: &ImportContext,
    problems: &mut Vec<Problem>,
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let mut by_phone: HashMap<String, usize> = HashMap::new();
    let mut new_teams = BTreeSet::new();
    for row in &rows {
        let p = &row.person;
        if !ctx.known_teams.contains(&p.team_name) {
            new_teams.insert(p.team_name.clone());
        }
        if let Some(existing) = ctx.existing.get(&p.phone) {
            if *existing != p.role {
                problems.push(problem(
                    row.line,
                    "mobile_phone",
                    format!("{} is already enrolled as a {existing}, not a {}", p.phone, p.role),
                ));
                continue;
            }
        }
        let earlier = phones_seen.get(&p.phone).filter(|(line, _)| *line < row.line);
        match by_phone.get(&p.phone) {
            None if earlier.is_some_and(|(_, mentor)| !(*mentor && p.role == Role::Mentor)) => {
                let line = earlier.map(|e| e.0).unwrap_or_default();
                problems.push(problem(
                    row.line,
                    "mobile_phone",
                    format!("{} is also the phone number on line {line}; every person needs their own number", p.phone),
                ));
            }
            None => {
                by_phone.insert(p.phone.clone(), plan.people.len());
                plan.people.push(p.clone());
            }
            Some(&i) => {
                let first = &plan.people[i];
                if first.role == Role::Mentor && p.role == Role::Mentor {
                    for (column, a, b) in [
                        ("first_name", Some(&first.first_name), Some(&p.first_name)),
                        ("last_name", first.last_name.as_ref(), p.last_name.as_ref()),
                        ("team_name", Some(&first.team_name), Some(&p.team_name)),
                        ("email", first.email.as_ref(), p.email.as_ref()),
                    ] {
                        if a != b {
                            problems.push(problem(
                                row.line,
                                column,
                                format!(
                                    "this mentor (same phone number as line {}) has a different {column} there",
                                    first.line
                                ),
                            ));
                        }
                    }
                    if first.gender != p.gender {
                        problems.push(problem(
                            row.line,
                            "gender",
                            format!(
                                "this mentor (same phone number as line {}) has a different gender there",
                                first.line
                            ),
                        ));
                    }
                } else {
                    problems.push(problem(
                        row.line,
                        "mobile_phone",
                        format!(
                            "{} is also the phone number on line {}; every person needs their own number",
                            p.phone, first.line
                        ),
                    ));
                }
            }
        }
    }
    plan.new_teams = new_teams.into_iter().collect();

    let is_student = |phone: &str| -> bool {
        by_phone.get(phone).map(|i| plan.people[*i].role == Role::Student).unwrap_or(false)
            || ctx.existing.get(phone) == Some(&Role::Student)
    };
    let mut subs: BTreeMap<(String, String, Option<String>), PlannedSubscription> = BTreeMap::new();
    let mut pairs_seen: HashMap<(String, String), u64> = HashMap::new();
    let mut add_sub = |phone: &str, protocol: &str, fof: Option<&String>, row: &Row| {
        subs.entry((phone.to_string(), protocol.to_string(), fof.cloned())).or_insert(PlannedSubscription {
            phone: phone.to_string(),
            protocol: protocol.to_string(),
            filling_out_for: fof.cloned(),
            start: row.start,
            end: row.end,
            line: row.line,
        });
    };
    for row in &rows {
        let p = &row.person;
        if let Some(student) = &row.filling_out_for {
            if student == &p.phone {
                problems.push(problem(
                    row.line,
                    "filling_out_for",
                    "is the mentor's own phone number; write the student's number",
                ));
                continue;
            }
            if !is_student(student) {
                problems.push(problem(row.line, "filling_out_for", format!("{student} is not a student in this file or in the study; import the student first or check the number")));
                continue;
            }
            if let Some(first) = pairs_seen.insert((p.phone.clone(), student.clone()), row.line) {
                problems.push(problem(
                    row.line,
                    "filling_out_for",
                    format!("line {first} already pairs this mentor with this student"),
                ));
                continue;
            }
            plan.pairs.push(PlannedPair {
                line: row.line,
                mentor_phone: p.phone.clone(),
                student_phone: student.clone(),
                start: row.start,
            });
            if let Some(fop) = &row.filling_out_for_protocol {
                add_sub(student, fop, None, row);
            }
        }
        if let Some(protocol) = &row.protocol {
            add_sub(&p.phone, protocol, row.filling_out_for.as_ref(), row);
        }
    }
    plan.subscriptions = subs.into_values().collect();
    plan
}

/// Dates as people type them: ISO (2026-09-01) or Dutch (01-09-2026, 1/9/2026).
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    for fmt in ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            if (1900..=2200).contains(&chrono::Datelike::year(&d)) {
                return Ok(d);
            }
        }
    }
    Err(format!("'{s}' is not a date; write it as 2026-09-01 or 01-09-2026"))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ImportContext {
        ImportContext {
            today: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            known_teams: ["Team Noord", "Team Zuid"].iter().map(|s| s.to_string()).collect(),
            create_teams: false,
            protocols: [("studenten".to_string(), Some(Role::Student)), ("mentoren".to_string(), Some(Role::Mentor))]
                .into_iter()
                .collect(),
            existing: HashMap::new(),
        }
    }

    const HEADER: &str = "type,team_name,role_title,first_name,last_name,gender,mobile_phone,email,protocol_name,start_date,filling_out_for,filling_out_for_protocol,end_date\n";

    fn plan(body: &str) -> Result<ImportPlan, Vec<String>> {
        plan_people_import(format!("{HEADER}{body}").as_bytes(), &ctx())
            .map_err(|ps| ps.iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn students_and_mentors_in_one_file_make_people_subscriptions_and_pairs() {
        let p = plan(
            "Student,Team Noord,Student,Sanne,de Vries,female,06 12345678,,studenten,2026-09-03,,,\n\
             Student,Team Noord,Student,Ahmed,Yilmaz,male,0612345679,,studenten,,,,\n\
             Mentor,Team Noord,Mentor,Joris,Bakker,male,0687654321,j.bakker@school.nl,mentoren,03-09-2026,0612345678,,\n\
             Mentor,Team Noord,Mentor,Joris,Bakker,male,0687654321,j.bakker@school.nl,mentoren,03-09-2026,+31612345679,,\n",
        )
        .unwrap();
        assert_eq!(p.people.len(), 3, "the mentor's two rows are one person");
        assert_eq!(p.people[0].phone, "+31612345678");
        assert_eq!(p.people[2].email.as_deref(), Some("j.bakker@school.nl"));
        assert_eq!(p.pairs.len(), 2);
        assert_eq!(p.subscriptions.len(), 4, "two student subscriptions, one mentor subscription per student");
        let ahmed = p.subscriptions.iter().find(|s| s.phone == "+31612345679" && s.filling_out_for.is_none()).unwrap();
        assert_eq!(ahmed.start, NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(), "no start date means today");
        assert!(p.new_teams.is_empty());
    }

    #[test]
    fn every_mistake_is_reported_with_its_line_and_column() {
        let errors = plan(
            "Student,Team West,,Sanne,,female,0612345678,,studenten,,,,\n\
             Student,Team Noord,,Ahmed,,male,0612345678,,studenten,,,,\n\
             Student,Team Noord,,Lisa,,vrouw,020 1234567,,studenten,,,,\n\
             Student,Team Noord,,Tim,,m,0612345670,,studentn,31-02-2026,,,\n\
             Mentor,Team Noord,,Joris,,m,0687654321,,mentoren,,0612345677,,\n\
             Teacher,Team Noord,,Eva,,x,0687654322,not-an-email,,,,,\n",
        )
        .unwrap_err();
        let expected = [
            "2: team_name: unknown team 'Team West'; create it first or import with --create-teams",
            "3: mobile_phone: +31612345678 is also the phone number on line 2; every person needs their own number",
            "4: mobile_phone: '020 1234567' is not a mobile number, so it cannot receive SMS",
            "5: protocol_name: unknown protocol 'studentn'; did you mean 'studenten'?",
            "5: start_date: '31-02-2026' is not a date; write it as 2026-09-01 or 01-09-2026",
            "6: filling_out_for: +31612345677 is not a student in this file or in the study; import the student first or check the number",
            "7: type: 'Teacher' is not a type; write Student or Mentor",
            "7: email: 'not-an-email' is not an e-mail address",
        ];
        assert_eq!(errors, expected);
    }

    #[test]
    fn header_mistakes_name_the_column_and_suggest_the_right_one() {
        let errors = plan_people_import(b"type,team_name,first_name,mobile_phon\n", &ctx()).unwrap_err();
        let text: Vec<String> = errors.iter().map(|p| p.to_string()).collect();
        assert!(text[0].starts_with("1: mobile_phon: unknown column; did you mean 'mobile_phone'?"), "{text:?}");
        assert_eq!(text[1], "1: mobile_phone: this column is required but missing");
    }

    #[test]
    fn semicolon_files_from_dutch_spreadsheets_and_a_bom_are_read() {
        let data = "\u{feff}type;team_name;first_name;mobile_phone\nStudent;Team Zuid;Noor;0611111111\n";
        let p = plan_people_import(data.as_bytes(), &ctx()).unwrap();
        assert_eq!(p.people[0].first_name, "Noor");
    }

    #[test]
    fn with_create_teams_unknown_teams_are_planned() {
        let mut c = ctx();
        c.create_teams = true;
        let p = plan_people_import(b"type,team_name,first_name,mobile_phone\nStudent,Team Oost,Noor,0611111111\n", &c)
            .unwrap();
        assert_eq!(p.new_teams, vec!["Team Oost".to_string()]);
    }

    #[test]
    fn a_mentor_may_point_at_a_student_enrolled_earlier_but_not_take_their_number() {
        let mut c = ctx();
        c.existing.insert("+31612345678".into(), Role::Student);
        let ok = plan_people_import(
            b"type,team_name,first_name,mobile_phone,filling_out_for\nMentor,Team Noord,Joris,0687654321,0612345678\n",
            &c,
        )
        .unwrap();
        assert_eq!(ok.pairs.len(), 1);
        let err =
            plan_people_import(b"type,team_name,first_name,mobile_phone\nMentor,Team Noord,Joris,0612345678\n", &c)
                .unwrap_err();
        assert_eq!(err[0].to_string(), "2: mobile_phone: +31612345678 is already enrolled as a student, not a mentor");
    }

    #[test]
    fn protocols_for_the_other_role_and_dates_in_the_wrong_order_are_refused() {
        let errors = plan("Student,Team Noord,,Sanne,,,0612345678,,mentoren,2026-09-10,,,2026-09-01\n").unwrap_err();
        assert_eq!(
            errors,
            [
                "2: protocol_name: protocol 'mentoren' is for mentors, not for this student",
                "2: end_date: 2026-09-01 is not after the start date 2026-09-10",
            ]
        );
    }

    #[test]
    fn non_utf8_and_oversized_files_get_one_clear_problem() {
        let err = plan_people_import(
            b"type,team_name,first_name,mobile_phone\nStudent,Team Noord,J\xe9r\xf4me,0611111111\n",
            &ctx(),
        )
        .unwrap_err();
        assert_eq!(err[0].line, 2);
        assert!(err[0].message.contains("CSV UTF-8"));
        let big = vec![b'a'; MAX_BYTES + 1];
        assert!(plan_people_import(&big, &ctx()).unwrap_err()[0].message.contains("larger than"));
    }

    #[test]
    fn a_mentor_described_twice_differently_is_an_error() {
        let errors = plan(
            "Student,Team Noord,,Sanne,,,0612345678,,,,,,\n\
             Student,Team Noord,,Ahmed,,,0612345679,,,,,,\n\
             Mentor,Team Noord,,Joris,Bakker,,0687654321,,,,0612345678,,\n\
             Mentor,Team Zuid,,Joris,Bakker,,0687654321,,,,0612345679,,\n",
        )
        .unwrap_err();
        assert_eq!(errors, ["5: team_name: this mentor (same phone number as line 4) has a different team_name there"]);
    }
}
