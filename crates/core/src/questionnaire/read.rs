//! The reader's small steps: one value of one key, with every mistake named by its place in
//! the file. Values are taken the way u-can-act's Ruby took them (a number where a text is
//! expected is that text; `2018/06/14` is a date) so its files read unchanged.

use super::model::*;
use super::problem::QuestionnaireProblem;
use crate::suggest::nearest;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_yaml_ng::{Mapping, Value};
use std::collections::BTreeMap;

pub const MAX_TEXT_CHARS: usize = 20_000;

pub(super) struct Reader {
    pub problems: Vec<QuestionnaireProblem>,
    pub items: usize,
}

pub(super) fn at(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub(super) fn kind_of(v: &Value) -> &'static str {
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

/// Where a key stands: doing something here, known to the format but doing nothing here
/// (warned, with `why`), or unknown (an error).
pub(super) struct Keys<'a> {
    pub effective: &'a [&'a str],
    pub known: &'a [&'a str],
    pub why: &'a str,
}

impl Reader {
    pub fn error(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(QuestionnaireProblem::error(path, message));
    }

    pub fn warn(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(QuestionnaireProblem::warning(path, message));
    }

    /// A mapping whose keys are all in `keys.effective` (or, warned, in `keys.known`).
    pub fn mapping<'v>(&mut self, v: &'v Value, path: &str, keys: &Keys<'_>, what: &str) -> Option<&'v Mapping> {
        let Some(m) = v.as_mapping() else {
            self.error(path, format!("must be {what} (a mapping of keys to values), not {}", kind_of(v)));
            return None;
        };
        for k in m.keys() {
            match k.as_str() {
                Some(key) if keys.effective.contains(&key) => {}
                Some(key) if keys.known.contains(&key) => {
                    let why = keys.why;
                    self.warn(&at(path, key), format!("'{key}' {why}; koers ignores it"));
                }
                Some(key) => {
                    let hint = nearest(key, keys.effective.iter().copied())
                        .or_else(|| nearest(key, keys.known.iter().copied()))
                        .map(|n| format!("; did you mean '{n}'?"))
                        .unwrap_or_default();
                    self.error(&at(path, key), format!("unknown key '{key}'{hint}"));
                }
                None => self.error(path, format!("a key must be a word, not {}", kind_of(k))),
            }
        }
        Some(m)
    }

    pub fn text(&mut self, v: &Value, path: &str) -> Option<Text> {
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
                    let lang = k.as_str();
                    let text = match t {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    };
                    let (Some(lang), Some(s)) = (lang, text) else {
                        self.error(path, "a translated text maps language codes to texts, e.g. {nl: Ja, en: Yes}");
                        return None;
                    };
                    if lang != "i18n" && !(lang.len() == 2 || (lang.len() == 5 && lang.as_bytes()[2] == b'-')) {
                        self.warn(
                            &at(path, lang),
                            format!("'{lang}' does not look like a language code (nl, en, fr-BE)"),
                        );
                    }
                    check_len(self, &s);
                    out.insert(lang.to_string(), s);
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

    pub fn opt_text(&mut self, m: &Mapping, key: &str, path: &str) -> Option<Text> {
        m.get(key).filter(|v| !v.is_null()).and_then(|v| self.text(v, &at(path, key)))
    }

    /// true/false; u-can-act also read `'true'`, 1 and 0 as such.
    pub fn flag(&mut self, m: &Mapping, key: &str, path: &str) -> Option<bool> {
        match m.get(key)? {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" || s == "false" => Some(s == "true"),
            Value::Number(n) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => Some(n.as_i64() == Some(1)),
            other => {
                self.error(&at(path, key), format!("must be true or false, not {}", kind_of(other)));
                None
            }
        }
    }

    pub fn bool(&mut self, m: &Mapping, key: &str, path: &str) -> bool {
        self.flag(m, key, path).unwrap_or(false)
    }

    pub fn number(&mut self, m: &Mapping, key: &str, path: &str) -> Option<f64> {
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

    pub fn integer(&mut self, m: &Mapping, key: &str, path: &str) -> Option<i64> {
        let n = self.number(m, key, path)?;
        if n.fract() != 0.0 || n.abs() > 1e12 {
            self.error(&at(path, key), format!("must be a whole number, not {n}"));
            return None;
        }
        Some(n as i64)
    }

    pub fn string(&mut self, m: &Mapping, key: &str, path: &str) -> Option<String> {
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

    /// A list of ids; one id alone is a list of one.
    pub fn ids(&mut self, m: &Mapping, key: &str, path: &str) -> Vec<String> {
        match m.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Number(n)) => vec![n.to_string()],
            Some(Value::Sequence(seq)) => seq
                .iter()
                .enumerate()
                .filter_map(|(i, v)| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => {
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

    pub fn show_after(&mut self, v: &Value, path: &str) -> Option<ShowAfter> {
        match v {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)).map(ShowAfter::Seconds),
            Value::String(s) if s == "only_on_final_questionnaire" || s == "finalizing_study" => {
                Some(ShowAfter::OnlyOnFinalQuestionnaire)
            }
            Value::String(s) if s.trim().parse::<i64>().is_ok() => s.trim().parse().ok().map(ShowAfter::Seconds),
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

    pub fn date_bound(&mut self, v: &Value, path: &str) -> Option<DateBound> {
        match v {
            Value::Null | Value::Bool(false) => None,
            Value::Bool(true) => Some(DateBound::DaysFromToday(0)),
            Value::Number(n) if n.as_i64().is_some() => n.as_i64().map(DateBound::DaysFromToday),
            Value::String(s) if s.trim().parse::<i64>().is_ok() => s.trim().parse().ok().map(DateBound::DaysFromToday),
            Value::String(s) => match parse_date(s) {
                Some(d) => Some(DateBound::Fixed(d)),
                None => {
                    self.error(
                        path,
                        format!("'{s}' is not a date (2026-09-01), a number of days from today, true or false"),
                    );
                    None
                }
            },
            other => {
                self.error(path, format!("must be a date, a number of days, true or false, not {}", kind_of(other)));
                None
            }
        }
    }
}

/// A date as u-can-act's files write it: `2026-09-01`, `2026/09/01`, `01-09-2026`,
/// `01/09/2026`, or the date of a date-time.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%d-%m-%Y", "%d/%m/%Y", "%Y%m%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        .or_else(|| parse_instant(s).map(|t| t.date_naive()))
}

/// `2018-06-27 00:00:00 +0000` (u-can-act) or ISO 8601 / RFC 3339; a date alone is midnight UTC.
pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S %z")
        .or_else(|_| DateTime::parse_from_rfc3339(s))
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%:z"))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok().map(|t| t.and_utc()))
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok().map(|t| t.and_utc()))
        .or_else(|| {
            ["%Y-%m-%d", "%Y/%m/%d"].iter().find_map(|f| {
                NaiveDate::parse_from_str(s, f).ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
            })
        })
}
