//! An XLSForm workbook into a koers questionnaire (YAML). Every row is translated or
//! reported; a top-level group is a step (`page_break`), a group inside it a section, a
//! repeat an expandable.

use crate::relevant::{apply_conditions, Pending};
use crate::sheet::{read, Row};
use crate::{language_code, CellProblem};
use serde_yaml_ng::{Mapping, Value};
use std::collections::BTreeMap;

/// Columns koers reads; any other column with something in it is reported.
const SURVEY_COLUMNS: &[&str] = &[
    "type",
    "name",
    "label",
    "hint",
    "required",
    "required_message",
    "constraint",
    "constraint_message",
    "relevant",
    "appearance",
    "default",
    "parameters",
    "repeat_count",
    "labels",
];

pub(crate) fn is_language_column(column: &str, base: &str) -> bool {
    column.strip_prefix(base).is_some_and(|rest| rest.starts_with("::"))
}

fn known_column(column: &str) -> bool {
    SURVEY_COLUMNS.contains(&column)
        || ["label", "hint", "labels", "constraint_message", "required_message"]
            .iter()
            .any(|b| is_language_column(column, b))
}

pub(crate) fn key(s: &str) -> Value {
    Value::String(s.to_string())
}

/// A text from a column and its language variants: plain, or {nl: ..., en: ...}.
pub(crate) fn text_of(row: &Row, base: &str) -> Option<Value> {
    let mut langs = Mapping::new();
    for (column, value) in &row.cells {
        if is_language_column(column, base) && !value.trim().is_empty() {
            langs.insert(key(&language_code(&column[base.len() + 2..])), key(value.trim()));
        }
    }
    match (row.get(base), langs.is_empty()) {
        (Some(plain), true) => Some(key(plain)),
        (_, false) => Some(Value::Mapping(langs)),
        (None, true) => None,
    }
}

struct Importer {
    problems: Vec<CellProblem>,
    choices: BTreeMap<String, Vec<Value>>,
    pending: Vec<Pending>,
}

impl Importer {
    fn problem(&mut self, sheet: &str, row: usize, column: &str, message: impl Into<String>) {
        self.problems.push(CellProblem { sheet: sheet.into(), row, column: column.into(), message: message.into() });
    }
}

/// Where rows go while the survey is read: the questionnaire, a repeat, or a group.
enum Frame {
    Top,
    Repeat { item: Mapping, row: usize },
    Section { label: Option<Value>, row: usize, relevant: Option<(String, usize)> },
    Step { relevant: Option<(String, usize)>, first: usize, row: usize },
}

/// Reads a workbook into koers YAML. `file_stem` is the key when neither `key` nor the
/// settings' `form_id` gives one.
pub fn import(bytes: &[u8], file_stem: &str, key_arg: Option<&str>) -> Result<String, Vec<CellProblem>> {
    let book = read(bytes).map_err(|p| vec![p])?;
    let mut im = Importer { problems: Vec::new(), choices: BTreeMap::new(), pending: Vec::new() };
    let Some(survey) = book.sheets.get("survey") else {
        im.problem("survey", 0, "", "the workbook has no sheet called survey");
        return Err(im.problems);
    };
    for row in book.sheets.get("choices").into_iter().flatten() {
        let (Some(list), Some(name)) = (row.get("list_name"), row.get("name")) else {
            im.problem("choices", row.number, "list_name", "a choice needs a list_name and a name");
            continue;
        };
        let mut option = Mapping::new();
        option.insert(key("title"), text_of(row, "label").unwrap_or_else(|| key(name)));
        option.insert(key("value"), key(name));
        // Not XLSForm's, but a choice list may carry columns of its own: koers keeps the
        // number a score takes from the choice.
        match row.get("numeric_value").map(str::parse::<f64>) {
            None => {}
            Some(Ok(v)) => {
                let v = if v.fract() == 0.0 { Value::from(v as i64) } else { Value::from(v) };
                option.insert(key("numeric_value"), v);
            }
            Some(Err(_)) => im.problem("choices", row.number, "numeric_value", "must be a number"),
        }
        im.choices.entry(list.to_string()).or_default().push(Value::Mapping(option));
    }
    let settings = book.sheets.get("settings").and_then(|rows| rows.first());
    let mut top = Mapping::new();
    let form_key = key_arg
        .map(str::to_string)
        .or_else(|| settings.and_then(|s| s.get("form_id")).map(str::to_string))
        .unwrap_or_else(|| file_stem.to_string());
    top.insert(key("key"), key(&form_key));
    if let Some(title) = settings.and_then(|s| text_of(s, "form_title")) {
        top.insert(key("title"), title);
    }
    let mut stack: Vec<(Frame, Vec<Value>)> = vec![(Frame::Top, Vec::new())];
    let mut after_step = false;
    let mut steps = 0;
    for row in survey {
        for column in row.cells.keys() {
            if !known_column(column) && row.get(column).is_some() {
                im.problem("survey", row.number, column, "koers cannot translate this column");
            }
        }
        let Some(kind) = row.get("type") else {
            im.problem("survey", row.number, "type", "the row has no type");
            continue;
        };
        let kind = kind.split_whitespace().collect::<Vec<_>>().join(" ");
        // `begin group` and `begin_group` are the same.
        let kind = match kind.to_lowercase().as_str() {
            k @ ("begin group" | "end group" | "begin repeat" | "end repeat") => k.replace(' ', "_"),
            _ => kind,
        };
        match kind.as_str() {
            "begin_group" => {
                let relevant = row.get("relevant").map(|r| (r.to_string(), row.number));
                let in_top = matches!(stack.last().map(|f| &f.0), Some(Frame::Top));
                if in_top {
                    steps += 1;
                    let mut pb = Mapping::new();
                    let name = row.get("name").unwrap_or("");
                    if !name.is_empty() && name != format!("step_{steps}") {
                        pb.insert(key("id"), key(name));
                    }
                    pb.insert(key("type"), key("page_break"));
                    if let Some(t) = text_of(row, "label") {
                        pb.insert(key("title"), t);
                    }
                    let items = &mut stack.last_mut().expect("top").1;
                    items.push(Value::Mapping(pb));
                    let first = items.len();
                    stack.push((Frame::Step { relevant, first, row: row.number }, Vec::new()));
                } else {
                    let label = text_of(row, "label");
                    stack.push((Frame::Section { label, row: row.number, relevant }, Vec::new()));
                }
                after_step = false;
            }
            "end_group" => match stack.pop() {
                Some((Frame::Step { relevant, first, .. }, items)) => {
                    let parent = &mut stack.last_mut().expect("top").1;
                    let start = parent.len();
                    parent.extend(items);
                    if let Some((r, n)) = relevant {
                        im.group_relevant(&parent[start.max(first)..], &r, n);
                    }
                    after_step = true;
                }
                Some((Frame::Section { label, row: begun, relevant, .. }, mut items)) => {
                    if items.is_empty() {
                        im.problem("survey", begun, "type", "this group has no questions");
                    } else {
                        if let (Some(l), Some(Value::Mapping(m))) = (label, items.first_mut()) {
                            m.insert(key("section_start"), l);
                        }
                        if let Some(Value::Mapping(m)) = items.last_mut() {
                            m.insert(key("section_end"), Value::Bool(true));
                        }
                        if let Some((r, n)) = relevant {
                            im.group_relevant(&items, &r, n);
                        }
                    }
                    stack.last_mut().expect("a frame").1.extend(items);
                }
                other => {
                    im.problem("survey", row.number, "type", "end_group without a begin_group");
                    if let Some(f) = other {
                        stack.push(f);
                    }
                }
            },
            "begin_repeat" => {
                let mut m = Mapping::new();
                if let Some(name) = row.get("name") {
                    m.insert(key("id"), key(name));
                }
                m.insert(key("type"), key("expandable"));
                if let Some(t) = text_of(row, "label") {
                    m.insert(key("title"), t);
                }
                match row.get("repeat_count").map(str::parse::<u32>) {
                    None => {}
                    Some(Ok(n)) => {
                        m.insert(key("max_expansions"), Value::from(n));
                    }
                    Some(Err(_)) => im.problem("survey", row.number, "repeat_count", "koers takes only a number here"),
                }
                if let Some(r) = row.get("relevant") {
                    im.pending.push(Pending::new(row.get("name").unwrap_or(""), r, row.number));
                }
                stack.push((Frame::Repeat { item: m, row: row.number }, Vec::new()));
            }
            "end_repeat" => match stack.pop() {
                Some((Frame::Repeat { mut item, row: begun, .. }, items)) => {
                    if items.is_empty() {
                        im.problem("survey", begun, "type", "this repeat has no questions");
                    }
                    item.insert(key("content"), Value::Sequence(items));
                    push_item(&mut stack, &mut after_step, Value::Mapping(item));
                }
                other => {
                    im.problem("survey", row.number, "type", "end_repeat without a begin_repeat");
                    if let Some(f) = other {
                        stack.push(f);
                    }
                }
            },
            "start" | "end" | "today" => {} // koers records when a questionnaire was opened and sent
            _ => {
                if let Some(item) = im.question(row, &kind) {
                    push_item(&mut stack, &mut after_step, Value::Mapping(item));
                }
            }
        }
    }
    for (frame, _) in stack.iter().skip(1) {
        let (what, n) = match frame {
            Frame::Repeat { row, .. } => ("begin_repeat", *row),
            Frame::Section { row, .. } | Frame::Step { row, .. } => ("begin_group", *row),
            Frame::Top => continue,
        };
        im.problem("survey", n, "type", format!("this {what} is never ended"));
    }
    stack.truncate(1);
    let mut items = stack.pop().map(|(_, items)| items).unwrap_or_default();
    let pending = std::mem::take(&mut im.pending);
    apply_conditions(&mut items, pending, &mut im.problems);
    top.insert(key("questions"), Value::Sequence(items));
    if !im.problems.is_empty() {
        im.problems.sort_by_key(|p| (p.sheet.clone(), p.row));
        return Err(im.problems);
    }
    let yaml = serde_yaml_ng::to_string(&Value::Mapping(top)).map_err(|e| {
        vec![CellProblem { sheet: "survey".into(), row: 0, column: String::new(), message: e.to_string() }]
    })?;
    Ok(yaml)
}

fn push_item(stack: &mut [(Frame, Vec<Value>)], after_step: &mut bool, item: Value) {
    let frame = stack.last_mut().expect("a frame");
    if *after_step && matches!(frame.0, Frame::Top) {
        // Questions after a group's end start a step of their own.
        let mut pb = Mapping::new();
        pb.insert(key("type"), key("page_break"));
        frame.1.push(Value::Mapping(pb));
        *after_step = false;
    }
    frame.1.push(item);
}

impl Importer {
    /// A group's `relevant` holds for every question in it.
    fn group_relevant(&mut self, items: &[Value], relevant: &str, row: usize) {
        for item in items {
            if let Some(id) = item.get("id").and_then(Value::as_str) {
                self.pending.push(Pending::new(id, relevant, row));
            }
        }
    }

    fn question(&mut self, row: &Row, kind: &str) -> Option<Mapping> {
        let n = row.number;
        let mut m = Mapping::new();
        let Some(name) = row.get("name") else {
            self.problem("survey", n, "name", "a question needs a name");
            return None;
        };
        // A note without a name of its own was named note_N on the way out.
        let unnamed_note = kind == "note"
            && row.get("relevant").is_none()
            && name.strip_prefix("note_").is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if !unnamed_note {
            m.insert(key("id"), key(name));
        }
        let mut words = kind.split_whitespace();
        let base = words.next().unwrap_or("").to_lowercase();
        let base = base.as_str();
        let list = words.next();
        let or_other = words.next() == Some("or_other");
        let appearance = row.get("appearance").unwrap_or("").to_lowercase();
        let koers_type = match base {
            "select_one" if appearance.contains("minimal") => "dropdown",
            "select_one" if appearance.contains("likert") => "likert",
            "select_one" => "radio",
            "select_multiple" => "checkbox",
            "integer" | "decimal" => "number",
            "text" if appearance.contains("multiline") => "textarea",
            "text" => "textfield",
            "date" => "date",
            "time" => "time_fancy",
            "note" => "raw",
            "range" => "range",
            other => {
                self.problem("survey", n, "type", format!("koers has no '{other}' questions"));
                return None;
            }
        };
        let known = ["", "minimal", "likert", "multiline", "field-list"];
        if !known.contains(&appearance.as_str()) {
            self.problem("survey", n, "appearance", format!("koers cannot show '{appearance}'"));
        }
        m.insert(key("type"), key(koers_type));
        let label = text_of(row, "label");
        if koers_type == "raw" {
            m.insert(key("content"), label.unwrap_or_else(|| key("")));
        } else if let Some(l) = label {
            m.insert(key("title"), l);
        }
        if let Some(h) = text_of(row, "hint") {
            m.insert(key("tooltip"), h);
        }
        let required = match row.get("required").map(str::to_lowercase).as_deref() {
            None | Some("no" | "false" | "false()" | "0") => false,
            Some("yes" | "true" | "true()" | "1") => true,
            Some(other) => {
                self.problem("survey", n, "required", format!("koers takes yes or no here, not '{other}'"));
                false
            }
        };
        let by_default = matches!(koers_type, "radio" | "likert" | "dropdown");
        if required != by_default && koers_type != "raw" {
            m.insert(key("required"), Value::Bool(required));
        }
        if matches!(base, "select_one" | "select_multiple") {
            let Some(list) = list else {
                self.problem("survey", n, "type", format!("{base} needs the name of its choice list"));
                return None;
            };
            if matches!(koers_type, "radio" | "checkbox") {
                m.insert(key("show_otherwise"), Value::Bool(or_other));
            } else if or_other {
                self.problem("survey", n, "type", "koers offers 'other' only with radios and checkboxes");
            }
            match self.choices.get(list) {
                Some(options) => {
                    m.insert(key("options"), Value::Sequence(options.clone()));
                }
                None => {
                    self.problem("survey", n, "type", format!("there is no choice list '{list}' on the choices sheet"))
                }
            }
        }
        self.numbers(row, base, &mut m);
        if let Some(d) = row.get("default") {
            match koers_type {
                "textfield" | "textarea" | "number" => {
                    m.insert(key("default_value"), key(d));
                }
                _ => self.problem("survey", n, "default", "koers has a default only for text and number questions"),
            }
        }
        if let Some(r) = row.get("relevant") {
            self.pending.push(Pending::new(name, r, n));
        }
        if base == "range" {
            let labels = split_labels(row);
            if !labels.is_empty() {
                m.insert(key("labels"), Value::Sequence(labels));
            }
        } else if text_of(row, "labels").is_some() {
            self.problem("survey", n, "labels", "only a range has labels");
        }
        Some(m)
    }

    /// `constraint` (numeric limits, `regex(., '...')`, `string-length(.) <= n`) and
    /// `parameters` (a range's start, end and step; a decimal's step).
    fn numbers(&mut self, row: &Row, base: &str, m: &mut Mapping) {
        let n = row.number;
        let mut params: BTreeMap<String, f64> = BTreeMap::new();
        for part in row.get("parameters").unwrap_or("").split_whitespace() {
            match part.split_once('=').map(|(k, v)| (k.trim(), v.trim().parse::<f64>())) {
                Some((k, Ok(v))) if ["start", "end", "step"].contains(&k) => {
                    params.insert(k.to_string(), v);
                }
                _ => self.problem("survey", n, "parameters", format!("koers cannot translate '{part}'")),
            }
        }
        let num = |v: f64| if v.fract() == 0.0 { Value::from(v as i64) } else { Value::from(v) };
        match base {
            "range" => {
                for (p, k) in [("start", "min"), ("end", "max"), ("step", "step")] {
                    if let Some(v) = params.get(p) {
                        m.insert(key(k), num(*v));
                    }
                }
            }
            "decimal" => {
                m.insert(key("step"), num(params.get("step").copied().unwrap_or(0.01)));
            }
            _ if !params.is_empty() => {
                self.problem("survey", n, "parameters", "only a range or decimal has parameters")
            }
            _ => {}
        }
        let Some(constraint) = row.get("constraint") else { return };
        for clause in constraint.split(" and ") {
            let c = clause.trim().replace(' ', "");
            let numeric = |s: &str| s.parse::<f64>().ok();
            let done = if let Some(v) = c.strip_prefix(".>=").and_then(numeric) {
                m.insert(key("min"), num(v));
                true
            } else if let Some(v) = c.strip_prefix(".<=").and_then(numeric) {
                m.insert(key("max"), num(v));
                true
            } else if let (Some(v), "integer") = (c.strip_prefix(".>").and_then(numeric), base) {
                m.insert(key("min"), num(v + 1.0));
                true
            } else if let (Some(v), "integer") = (c.strip_prefix(".<").and_then(numeric), base) {
                m.insert(key("max"), num(v - 1.0));
                true
            } else if let Some(v) = c.strip_prefix("string-length(.)<=").and_then(|s| s.parse::<u32>().ok()) {
                m.insert(key("maxlength"), Value::from(v));
                true
            } else if let Some(p) = regex_of(clause.trim()) {
                m.insert(key("pattern"), key(&p));
                if let Some(msg) = text_of(row, "constraint_message") {
                    m.insert(key("hint"), msg);
                }
                true
            } else {
                false
            };
            let fits = match base {
                "integer" | "decimal" => !c.starts_with("string-length") && !c.starts_with("regex"),
                "text" => c.starts_with("string-length") || c.starts_with("regex"),
                _ => false,
            };
            if !done || !fits {
                self.problem("survey", n, "constraint", format!("koers cannot translate '{}'", clause.trim()));
            }
        }
    }
}

/// `regex(., '^[0-9]{4}$')` gives `^[0-9]{4}$`.
fn regex_of(clause: &str) -> Option<String> {
    let inner = clause.strip_prefix("regex(")?.strip_suffix(')')?;
    let (dot, rest) = inner.split_once(',')?;
    if dot.trim() != "." {
        return None;
    }
    let rest = rest.trim();
    let q = rest.chars().next()?;
    (matches!(q, '\'' | '"') && rest.ends_with(q) && rest.len() >= 2).then(|| rest[1..rest.len() - 1].to_string())
}

/// A range's `labels` column, split at `|`; with language columns, each label translated.
fn split_labels(row: &Row) -> Vec<Value> {
    let Some(t) = text_of(row, "labels") else { return Vec::new() };
    match t {
        Value::String(s) => s.split('|').map(|l| key(l.trim())).collect(),
        Value::Mapping(langs) => {
            let split: Vec<(Value, Vec<String>)> = langs
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").split('|').map(|l| l.trim().to_string()).collect()))
                .collect();
            let count = split.iter().map(|(_, l)| l.len()).max().unwrap_or(0);
            (0..count)
                .map(|i| {
                    let mut m = Mapping::new();
                    for (k, l) in &split {
                        m.insert(k.clone(), key(l.get(i).map_or("", String::as_str)));
                    }
                    Value::Mapping(m)
                })
                .collect()
        }
        _ => Vec::new(),
    }
}
