//! Reading a questionnaire file (YAML, or JSON, which is YAML too) into the model. The file is
//! first read as a generic value and then walked by hand, so every problem can name its place
//! (`questions[12].options[3]`) and every unknown key can be reported with the nearest known one.
//!
//! Three shapes are read: koers's (`key`, `questions`, `scores`), u-can-act's record
//! (`content: {questions, scores}` or `content: [...]`) and a bare list of items.

use super::model::*;
use super::problem::QuestionnaireProblem;
use super::read::{at, kind_of, Keys, Reader};
use super::vocabulary::*;
use serde_yaml_ng::{Mapping, Value};
use std::collections::BTreeMap;

pub use super::read::{parse_date, parse_instant, MAX_TEXT_CHARS};

pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;
pub const MAX_ITEMS: usize = 2_000;
/// A dropdown of all countries has some 250 options; a list of birth years 100.
pub const MAX_OPTIONS: usize = 1_000;

/// Reads a questionnaire; `file_stem` is the key when the file gives none. Errors (of reading
/// and of the checks) are `Err`; warnings come along with the questionnaire.
pub fn parse_questionnaire(
    source: &str,
    file_stem: Option<&str>,
) -> Result<(Questionnaire, Vec<QuestionnaireProblem>), Vec<QuestionnaireProblem>> {
    let mut r = Reader { problems: Vec::new(), items: 0 };
    if source.len() > MAX_SOURCE_BYTES {
        return Err(vec![QuestionnaireProblem::error(
            "",
            format!("the file is larger than {} KiB; split the questionnaire", MAX_SOURCE_BYTES / 1024),
        )]);
    }
    let value: Value = serde_yaml_ng::from_str(source)
        .map_err(|e| vec![QuestionnaireProblem::error("", format!("not valid YAML or JSON: {e}"))])?;
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

impl Reader {
    fn questionnaire(&mut self, v: &Value, file_stem: Option<&str>, version: String) -> Option<Questionnaire> {
        let known: Vec<&str> = TOP_KEYS.iter().chain(RECORD_KEYS).copied().collect();
        // A bare list of items is u-can-act's `content` on its own.
        let (m, content) = match v {
            Value::Sequence(_) => (None, Some(v)),
            _ => {
                let keys = Keys { effective: TOP_KEYS, known: &known, why: "is bookkeeping of a u-can-act record" };
                let m = self.mapping(v, "", &keys, "a questionnaire")?;
                (Some(m), m.get("content"))
            }
        };
        // u-can-act keeps the questions and scores in `content`: a list, or {questions, scores}.
        let (questions_value, scores_value, items_path, scores_path) = match content {
            Some(Value::Sequence(_)) if m.is_some() => (content, None, "content", "scores"),
            Some(Value::Sequence(_)) => (content, None, "questions", "scores"),
            Some(c @ Value::Mapping(_)) => {
                let keys = Keys { effective: &["questions", "scores"], known: &[], why: "" };
                let cm = self.mapping(c, "content", &keys, "content")?;
                (cm.get("questions"), cm.get("scores"), "content.questions", "content.scores")
            }
            Some(other) => {
                self.error("content", format!("must hold the questions and scores, not {}", kind_of(other)));
                return None;
            }
            None => (m.and_then(|m| m.get("questions")), m.and_then(|m| m.get("scores")), "questions", "scores"),
        };
        if content.is_some() && m.is_some_and(|m| m.contains_key("questions") || m.contains_key("scores")) {
            self.error("content", "give the questions either in content or in questions, not in both");
        }
        let key = self.key(m, file_stem);
        let name = m.and_then(|m| self.string(m, "name", ""));
        let title = m.and_then(|m| self.opt_text(m, "title", ""));
        let questions = match questions_value {
            Some(Value::Sequence(seq)) => self.items(seq, items_path, 0),
            Some(other) => {
                self.error(items_path, format!("must be a list of items, not {}", kind_of(other)));
                Vec::new()
            }
            None => {
                self.error(items_path, "the questionnaire has no questions");
                Vec::new()
            }
        };
        let scores = match scores_value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(seq)) => {
                seq.iter().enumerate().filter_map(|(i, s)| self.score(s, &format!("{scores_path}[{i}]"))).collect()
            }
            Some(other) => {
                self.error(scores_path, format!("must be a list, not {}", kind_of(other)));
                Vec::new()
            }
        };
        Some(Questionnaire { key, name, title, questions, scores, version })
    }

    fn key(&mut self, m: Option<&Mapping>, file_stem: Option<&str>) -> String {
        let key = match m.and_then(|m| m.get("key")) {
            Some(k) => k.as_str().map(str::to_string),
            None => file_stem.map(str::to_string),
        };
        match key {
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
        }
    }

    pub(super) fn items(&mut self, seq: &[Value], path: &str, depth: usize) -> Vec<Item> {
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

    fn score(&mut self, v: &Value, path: &str) -> Option<Score> {
        let keys = Keys { effective: SCORE_KEYS, known: &[], why: "" };
        let m = self.mapping(v, path, &keys, "a score")?;
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
        let mut preprocessing = BTreeMap::new();
        match m.get("preprocessing") {
            None | Some(Value::Null) => {}
            Some(Value::Mapping(pm)) => {
                for (k, step) in pm {
                    let Some(id) = k.as_str().map(str::to_string).or_else(|| k.as_i64().map(|n| n.to_string())) else {
                        self.error(&at(path, "preprocessing"), "its keys are the ids of the score");
                        continue;
                    };
                    let sp = format!("{path}.preprocessing.{id}");
                    let keys = Keys { effective: PREPROCESSING_KEYS, known: &[], why: "" };
                    if let Some(sm) = self.mapping(step, &sp, &keys, "a preprocessing step") {
                        let p = Preprocessing {
                            multiply_with: self.number(sm, "multiply_with", &sp),
                            offset: self.number(sm, "offset", &sp),
                        };
                        preprocessing.insert(id, p);
                    }
                }
            }
            Some(other) => self.error(
                &at(path, "preprocessing"),
                format!("must map ids to {{multiply_with: N, offset: N}}, not {}", kind_of(other)),
            ),
        }
        Some(Score {
            path: path.to_string(),
            label: self.opt_text(m, "label", path),
            ids: self.ids(m, "ids", path),
            require_all: self.bool(m, "require_all", path),
            round_to_decimals: round.and_then(|r| u32::try_from(r).ok()).filter(|r| *r <= 10),
            preprocessing,
            operation,
            id,
        })
    }
}
