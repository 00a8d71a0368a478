//! Reading a questionnaire file (YAML, or JSON, which is YAML too) into the model. The file is
//! first read as a generic value and then walked by hand, so every problem can name its place
//! (`questions[12].options[3]`) and every unknown key can be reported with the nearest known one.

use super::model::*;
use crate::suggest::nearest;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_yaml_ng::{Mapping, Value};
use std::collections::BTreeMap;
use std::fmt;

/// One problem in a questionnaire, shown as `PATH: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
    pub warning: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.warning { "warning: " } else { "" };
        match self.path.as_str() {
            "" => write!(f, "{kind}{}", self.message),
            p => write!(f, "{p}: {kind}{}", self.message),
        }
    }
}

pub const MAX_SOURCE_BYTES: usize = 1024 * 1024;
pub const MAX_ITEMS: usize = 2_000;
pub const MAX_TEXT_CHARS: usize = 20_000;
pub const MAX_OPTIONS: usize = 200;
const MAX_DEPTH: usize = 4;

const TOP_KEYS: &[&str] = &["key", "name", "title", "questions", "scores"];
const SCORE_KEYS: &[&str] = &["id", "label", "ids", "operation", "require_all", "round_to_decimals"];

/// Reads a questionnaire; `file_stem` is the key when the file gives none. Errors (of reading
/// and of the checks) are `Err`; warnings come along with the questionnaire.
pub fn parse_questionnaire(
    source: &str,
    file_stem: Option<&str>,
) -> Result<(Questionnaire, Vec<Problem>), Vec<Problem>> {
    let mut r = Reader { problems: Vec::new(), items: 0 };
    if source.len() > MAX_SOURCE_BYTES {
        return Err(vec![r.problem(
            "",
            format!("the file is larger than {} KiB; split the questionnaire", MAX_SOURCE_BYTES / 1024),
        )]);
    }
    let value: Value =
        serde_yaml_ng::from_str(source).map_err(|e| vec![r.problem("", format!("not valid YAML or JSON: {e}"))])?;
    let q = r.questionnaire(&value, file_stem, crate::content::content_hash(source));
    let mut problems = r.problems;
    if let Some(q) = &q {
        problems.extend(super::check::check(q, &[]));
    }
    match q {
        Some(q) if problems.iter().all(|p| p.warning) => Ok((q, problems)),
        _ => Err(problems),
    }
}

struct Reader {
    problems: Vec<Problem>,
    items: usize,
}

fn at(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

impl Reader {
    fn problem(&self, path: &str, message: impl Into<String>) -> Problem {
        Problem { path: path.to_string(), message: message.into(), warning: false }
    }

    fn error(&mut self, path: &str, message: impl Into<String>) {
        let p = self.problem(path, message);
        self.problems.push(p);
    }

    /// A mapping whose keys are all in `allowed`; unknown keys are reported with a suggestion.
    fn mapping<'v>(&mut self, v: &'v Value, path: &str, allowed: &[&str], what: &str) -> Option<&'v Mapping> {
        let Some(m) = v.as_mapping() else {
            self.error(path, format!("must be {what} (a mapping of keys to values), not {}", kind_of(v)));
            return None;
        };
        for k in m.keys() {
            match k.as_str() {
                Some(key) if allowed.contains(&key) => {}
                Some(key) => {
                    let hint = nearest(key, allowed.iter().copied())
                        .map(|n| format!("; did you mean '{n}'?"))
                        .unwrap_or_default();
                    self.error(&at(path, key), format!("unknown key '{key}'{hint}"));
                }
                None => self.error(path, format!("a key must be a word, not {}", kind_of(k))),
            }
        }
        Some(m)
    }

    fn text(&mut self, v: &Value, path: &str) -> Option<Text> {
        let check_len = |r: &mut Reader, s: &str| {
            if s.chars().count() > MAX_TEXT_CHARS {
                r.error(path, format!("the text is longer than {MAX_TEXT_CHARS} characters"));
            }
        };
        match v {
            Value::String(s) => {
                check_len(self, s);
                Some(Text::Plain(s.clone()))
            }
            Value::Number(n) => Some(Text::Plain(n.to_string())),
            Value::Bool(b) => Some(Text::Plain(if *b { "true" } else { "false" }.to_string())),
            Value::Mapping(m) => {
                let mut out = BTreeMap::new();
                for (k, t) in m {
                    let (Some(lang), Some(s)) = (k.as_str(), t.as_str()) else {
                        self.error(path, "a translated text maps language codes to texts, e.g. {nl: Ja, en: Yes}");
                        return None;
                    };
                    if lang != "i18n" && !(lang.len() == 2 || (lang.len() == 5 && lang.as_bytes()[2] == b'-')) {
                        let p = Problem {
                            path: at(path, lang),
                            message: format!("'{lang}' does not look like a language code (nl, en, fr-BE)"),
                            warning: true,
                        };
                        self.problems.push(p);
                    }
                    check_len(self, s);
                    out.insert(lang.to_string(), s.to_string());
                }
                if out.keys().all(|k| k == "i18n") {
                    self.error(path, "a translated text needs at least one language");
                    return None;
                }
                Some(Text::ByLanguage(out))
            }
            other => {
                self.error(path, format!("must be a text or a map of translations, not {}", kind_of(other)));
                None
            }
        }
    }

    fn opt_text(&mut self, m: &Mapping, key: &str, path: &str) -> Option<Text> {
        m.get(key).filter(|v| !v.is_null()).and_then(|v| self.text(v, &at(path, key)))
    }

    fn bool(&mut self, m: &Mapping, key: &str, path: &str) -> bool {
        match m.get(key) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.error(&at(path, key), format!("must be true or false, not {}", kind_of(other)));
                false
            }
        }
    }

    fn number(&mut self, m: &Mapping, key: &str, path: &str) -> Option<f64> {
        match m.get(key)? {
            Value::Null => None,
            Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
            Value::String(s) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => s.trim().parse().ok(),
            other => {
                self.error(&at(path, key), format!("must be a number, not {}", kind_of(other)));
                None
            }
        }
    }

    fn integer(&mut self, m: &Mapping, key: &str, path: &str) -> Option<i64> {
        let n = self.number(m, key, path)?;
        if n.fract() != 0.0 || n.abs() > 1e12 {
            self.error(&at(path, key), format!("must be a whole number, not {n}"));
            return None;
        }
        Some(n as i64)
    }

    fn string(&mut self, m: &Mapping, key: &str, path: &str) -> Option<String> {
        match m.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            other => {
                self.error(&at(path, key), format!("must be a text, not {}", kind_of(other)));
                None
            }
        }
    }

    fn ids(&mut self, m: &Mapping, key: &str, path: &str) -> Vec<String> {
        match m.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Sequence(seq)) => seq
                .iter()
                .enumerate()
                .filter_map(|(i, v)| match v.as_str() {
                    Some(s) => Some(s.to_string()),
                    None => {
                        self.error(&format!("{}[{i}]", at(path, key)), "must be an id");
                        None
                    }
                })
                .collect(),
            Some(other) => {
                self.error(&at(path, key), format!("must be a list of ids, not {}", kind_of(other)));
                Vec::new()
            }
        }
    }

    fn questionnaire(&mut self, v: &Value, file_stem: Option<&str>, version: String) -> Option<Questionnaire> {
        // A bare list of items is u-can-act's `content` on its own.
        let (questions_value, m) = match v {
            Value::Sequence(_) => (Some(v), None),
            _ => {
                let m = self.mapping(v, "", TOP_KEYS, "a questionnaire")?;
                (m.get("questions"), Some(m))
            }
        };
        let key = match m.and_then(|m| m.get("key")) {
            Some(k) => k.as_str().map(str::to_string),
            None => file_stem.map(str::to_string),
        };
        let key = match key {
            Some(k) if !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') => {
                k
            }
            Some(k) => {
                self.error("key", format!("'{k}' may hold only a-z, 0-9 and _"));
                k
            }
            None => {
                self.error("key", "the questionnaire has no key; add key: or name the file after it");
                String::new()
            }
        };
        let name = m.and_then(|m| self.string(m, "name", ""));
        let title = m.and_then(|m| self.opt_text(m, "title", ""));
        let questions = match questions_value {
            Some(Value::Sequence(seq)) => self.items(seq, "questions", 0),
            Some(other) => {
                self.error("questions", format!("must be a list of items, not {}", kind_of(other)));
                Vec::new()
            }
            None => {
                self.error("questions", "the questionnaire has no questions");
                Vec::new()
            }
        };
        let scores = match m.and_then(|m| m.get("scores")) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(seq)) => {
                seq.iter().enumerate().filter_map(|(i, s)| self.score(s, &format!("scores[{i}]"))).collect()
            }
            Some(other) => {
                self.error("scores", format!("must be a list, not {}", kind_of(other)));
                Vec::new()
            }
        };
        Some(Questionnaire { key, name, title, questions, scores, version })
    }

    fn items(&mut self, seq: &[Value], path: &str, depth: usize) -> Vec<Item> {
        let mut out = Vec::new();
        for (i, v) in seq.iter().enumerate() {
            self.items += 1;
            if self.items > MAX_ITEMS {
                self.error(path, format!("more than {MAX_ITEMS} items; split the questionnaire"));
                return out;
            }
            if let Some(item) = self.item(v, &format!("{path}[{i}]"), depth) {
                out.push(item);
            }
        }
        out
    }

    fn item(&mut self, v: &Value, path: &str, depth: usize) -> Option<Item> {
        let Some(m) = v.as_mapping() else {
            self.error(path, format!("an item must be a mapping of keys to values, not {}", kind_of(v)));
            return None;
        };
        let kind = match m.get("type").map(|t| t.as_str()) {
            None => {
                self.error(path, "the item has no type");
                return None;
            }
            Some(Some(t)) => match ItemType::ALL.iter().find(|(n, _)| *n == t) {
                Some((_, k)) => *k,
                None => {
                    let hint = nearest(t, ItemType::ALL.iter().map(|(n, _)| *n))
                        .map(|n| format!("; did you mean '{n}'?"))
                        .unwrap_or_default();
                    self.error(&at(path, "type"), format!("unknown type '{t}'{hint}"));
                    return None;
                }
            },
            Some(None) => {
                self.error(&at(path, "type"), "must be a type name such as radio or range");
                return None;
            }
        };
        let allowed: Vec<&str> = COMMON_KEYS.iter().chain(kind.own_keys()).copied().collect();
        self.mapping(v, path, &allowed, "an item")?;
        let mut item = Item::new(kind, path.to_string());
        item.id = self.string(m, "id", path);
        item.title = self.opt_text(m, "title", path);
        item.tooltip = self.opt_text(m, "tooltip", path);
        item.required = self.bool(m, "required", path);
        item.hidden = self.bool(m, "hidden", path);
        item.section_start = self.opt_text(m, "section_start", path);
        item.section_end = self.bool(m, "section_end", path);
        item.show_after =
            m.get("show_after").filter(|v| !v.is_null()).and_then(|v| self.show_after(v, &at(path, "show_after")));
        item.combines_with = self.ids(m, "combines_with", path);
        item.show_otherwise = self.bool(m, "show_otherwise", path);
        item.otherwise_label = self.opt_text(m, "otherwise_label", path);
        item.otherwise_tooltip = self.opt_text(m, "otherwise_tooltip", path);
        item.otherwise_placeholder = self.opt_text(m, "otherwise_placeholder", path);
        match self.string(m, "foreach", path).as_deref() {
            None => {}
            Some("student") => item.foreach_student = true,
            Some(other) => self.error(
                &at(path, "foreach"),
                format!("'{other}' is not something to repeat for; the only one is student"),
            ),
        }
        item.label = self.string(m, "label", path);
        if let Some(u) = m.get("uses").filter(|v| !v.is_null()) {
            let up = at(path, "uses");
            if let Some(um) = self.mapping(u, &up, &["previous", "default"], "uses") {
                match self.string(um, "previous", &up) {
                    Some(previous) => item.uses = Some(Uses { previous, default: self.opt_text(um, "default", &up) }),
                    None => self.error(&up, "needs previous: the id whose previous answer is used"),
                }
            }
        }
        if kind.has_options() {
            item.options = self.options(m, path);
        }
        item.max_selections = self.integer(m, "max_selections", path);
        item.placeholder = self.opt_text(m, "placeholder", path);
        if matches!(kind, ItemType::Date | ItemType::DateAndTime) {
            item.date_min = m.get("min").and_then(|v| self.date_bound(v, &at(path, "min")));
            item.date_max = m.get("max").and_then(|v| self.date_bound(v, &at(path, "max")));
            item.default_date = m.get("default_date").and_then(|v| self.date_bound(v, &at(path, "default_date")));
            item.today = self.bool(m, "today", path);
        } else {
            item.min = self.number(m, "min", path);
            item.max = self.number(m, "max", path);
        }
        item.step = self.number(m, "step", path);
        item.labels = match m.get("labels") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(seq)) => {
                seq.iter().enumerate().filter_map(|(i, v)| self.text(v, &format!("{path}.labels[{i}]"))).collect()
            }
            Some(other) => {
                self.error(&at(path, "labels"), format!("must be a list of texts, not {}", kind_of(other)));
                Vec::new()
            }
        };
        item.ticks = self.bool(m, "ticks", path);
        item.vertical = self.bool(m, "vertical", path);
        item.gradient = self.bool(m, "gradient", path);
        item.no_initial_thumb = self.bool(m, "no_initial_thumb", path);
        item.maxlength = self.integer(m, "maxlength", path);
        item.links_to_expandable = self.string(m, "links_to_expandable", path);
        item.pattern = self.string(m, "pattern", path);
        item.hint = self.opt_text(m, "hint", path);
        item.time = TimeSettings {
            hours_from: self.integer(m, "hours_from", path),
            hours_to: self.integer(m, "hours_to", path),
            hours_step: self.integer(m, "hours_step", path),
            hours_label: self.opt_text(m, "hours_label", path),
            minutes_label: self.opt_text(m, "minutes_label", path),
            hours_id: self.string(m, "hours_id", path),
            minutes_id: self.string(m, "minutes_id", path),
            am_pm: self.bool(m, "am_pm", path),
        };
        item.days = DaysSettings {
            from_days_ago: self.integer(m, "from_days_ago", path),
            exclude_weekends: self.bool(m, "exclude_weekends", path),
            include_today: self.bool(m, "include_today", path),
            morning_and_afternoon: self.bool(m, "morning_and_afternoon", path),
            date_format: self.string(m, "date_format", path),
        };
        if kind == ItemType::Expandable {
            match m.get("content") {
                Some(Value::Sequence(seq)) if depth < MAX_DEPTH => {
                    item.content = self.items(seq, &at(path, "content"), depth + 1)
                }
                Some(Value::Sequence(_)) => {
                    self.error(&at(path, "content"), format!("expandables nest at most {MAX_DEPTH} deep"))
                }
                Some(Value::Null) | None => {}
                Some(other) => {
                    self.error(&at(path, "content"), format!("must be a list of items, not {}", kind_of(other)))
                }
            }
        } else if let Some(c) = m.get("content").filter(|v| !v.is_null()) {
            let cp = at(path, "content");
            item.raw_content = match c {
                Value::Mapping(cm) if cm.contains_key("first") || cm.contains_key("normal") => {
                    self.mapping(c, &cp, &["first", "normal"], "content")?;
                    match (self.opt_text(cm, "first", &cp), self.opt_text(cm, "normal", &cp)) {
                        (Some(first), Some(normal)) => Some(RawContent::FirstAndNormal { first, normal }),
                        _ => {
                            self.error(&cp, "needs both first: and normal:");
                            None
                        }
                    }
                }
                other => self.text(other, &cp).map(RawContent::Same),
            };
        }
        item.default_expansions = self.integer(m, "default_expansions", path);
        item.max_expansions = self.integer(m, "max_expansions", path);
        item.add_button_label = self.opt_text(m, "add_button_label", path);
        item.remove_button_label = self.opt_text(m, "remove_button_label", path);
        item.button_text = self.opt_text(m, "button_text", path);
        item.drawing = DrawingSettings {
            image: self.string(m, "image", path),
            color: self.string(m, "color", path),
            width: self.number(m, "width", path),
            height: self.number(m, "height", path),
            radius: self.number(m, "radius", path),
            density: self.number(m, "density", path),
        };
        Some(item)
    }

    fn options(&mut self, m: &Mapping, path: &str) -> Vec<Choice> {
        let op = at(path, "options");
        let seq = match m.get("options") {
            Some(Value::Sequence(seq)) => seq,
            None | Some(Value::Null) => return Vec::new(),
            Some(other) => {
                self.error(&op, format!("must be a list of options, not {}", kind_of(other)));
                return Vec::new();
            }
        };
        if seq.len() > MAX_OPTIONS {
            self.error(&op, format!("more than {MAX_OPTIONS} options"));
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, v) in seq.iter().enumerate() {
            let p = format!("{op}[{i}]");
            // An object has `title`; anything else (a string, or a map of translations) is a title.
            let as_object = v.as_mapping().is_some_and(|om| {
                om.keys().any(|k| k.as_str().is_some_and(|k| OPTION_KEYS.contains(&k) && k != "i18n"))
            });
            let choice = if as_object {
                let Some(om) = self.mapping(v, &p, OPTION_KEYS, "an option") else { continue };
                let Some(title) = self.opt_text(om, "title", &p) else {
                    self.error(&p, "the option has no title");
                    continue;
                };
                let value = self.string(om, "value", &p).unwrap_or_else(|| title.resolve("", "").to_string());
                Choice {
                    numeric_value: self.number(om, "numeric_value", &p),
                    tooltip: self.opt_text(om, "tooltip", &p),
                    shows_questions: self.ids(om, "shows_questions", &p),
                    hides_questions: self.ids(om, "hides_questions", &p),
                    stop_subscription: self.bool(om, "stop_subscription", &p),
                    value,
                    title,
                }
            } else {
                let Some(title) = self.text(v, &p) else { continue };
                Choice {
                    value: title.resolve("", "").to_string(),
                    title,
                    numeric_value: None,
                    tooltip: None,
                    shows_questions: Vec::new(),
                    hides_questions: Vec::new(),
                    stop_subscription: false,
                }
            };
            out.push(choice);
        }
        out
    }

    fn show_after(&mut self, v: &Value, path: &str) -> Option<ShowAfter> {
        match v {
            Value::Number(n) => n.as_i64().map(ShowAfter::Seconds).or_else(|| {
                self.error(path, "a number of seconds must be whole");
                None
            }),
            Value::String(s) if s == "only_on_final_questionnaire" => Some(ShowAfter::OnlyOnFinalQuestionnaire),
            Value::String(s) => match parse_instant(s) {
                Some(t) => Some(ShowAfter::At(t)),
                None => {
                    self.error(path, format!("'{s}' is not seconds, a date-time (2018-06-27 00:00:00 +0000) or only_on_final_questionnaire"));
                    None
                }
            },
            other => {
                self.error(
                    path,
                    format!("must be seconds, a date-time or only_on_final_questionnaire, not {}", kind_of(other)),
                );
                None
            }
        }
    }

    fn date_bound(&mut self, v: &Value, path: &str) -> Option<DateBound> {
        match v {
            Value::Null | Value::Bool(false) => None,
            Value::Bool(true) => Some(DateBound::DaysFromToday(0)),
            Value::Number(n) if n.as_i64().is_some() => n.as_i64().map(DateBound::DaysFromToday),
            Value::String(s) => {
                match NaiveDate::parse_from_str(s, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(s, "%d-%m-%Y")) {
                    Ok(d) => Some(DateBound::Fixed(d)),
                    Err(_) => {
                        self.error(
                            path,
                            format!("'{s}' is not a date (2026-09-01), a number of days from today, true or false"),
                        );
                        None
                    }
                }
            }
            other => {
                self.error(path, format!("must be a date, a number of days, true or false, not {}", kind_of(other)));
                None
            }
        }
    }

    fn score(&mut self, v: &Value, path: &str) -> Option<Score> {
        let m = self.mapping(v, path, SCORE_KEYS, "a score")?;
        let Some(id) = self.string(m, "id", path) else {
            self.error(path, "the score has no id");
            return None;
        };
        let operation = match self.string(m, "operation", path).as_deref() {
            Some("average") | None => Operation::Average,
            Some("sum") => Operation::Sum,
            Some(other) => {
                self.error(&at(path, "operation"), format!("'{other}' is not an operation; use average or sum"));
                Operation::Average
            }
        };
        let round = self.integer(m, "round_to_decimals", path);
        if round.is_some_and(|r| !(0..=10).contains(&r)) {
            self.error(&at(path, "round_to_decimals"), "must be between 0 and 10");
        }
        Some(Score {
            path: path.to_string(),
            label: self.string(m, "label", path),
            ids: self.ids(m, "ids", path),
            require_all: self.bool(m, "require_all", path),
            round_to_decimals: round.and_then(|r| u32::try_from(r).ok()).filter(|r| *r <= 10),
            operation,
            id,
        })
    }
}

/// `2018-06-27 00:00:00 +0000` (u-can-act) or ISO 8601 / RFC 3339; a date alone is midnight UTC.
pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S %z")
        .or_else(|_| DateTime::parse_from_rfc3339(s))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok().map(|t| t.and_utc()))
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        })
}
