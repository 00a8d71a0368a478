//! The columns a questionnaire's items become in a wide table: one per item, one 0/1 column per
//! option of a multi-select plus its "other" text, and one per score. A single choice (radio,
//! likert, dropdown) also gets a `_code` column beside it: the option's number
//! ([`koers_core::questionnaire::Choice::numeric_code`]: its `numeric_value`, else its 1-based
//! place), so a statistics package has numbers with value labels and the code text stays too.

use crate::batch::{AnswerRow, AnswerValue};
use crate::sink::Cell;
use koers_core::questionnaire::{Item, ItemType, Questionnaire};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// The item's value as it is.
    Value(String),
    /// 1 if this option was ticked, 0 if not, empty when the item was not answered.
    Ticked(String, String),
    /// The "other, namely" text of an item.
    Other(String),
    Score(String),
    /// The number of the chosen option of a single choice: (item, [(option code, number)]).
    Code(String, Vec<(String, f64)>),
}

/// A single choice's option codes with their numbers.
pub type Codes = Vec<(String, f64)>;

/// The options and their numbers of a single-choice item (radio, likert, dropdown); `None` for
/// every other item.
pub fn codes_of(item: &Item) -> Option<Codes> {
    if !matches!(item.kind, ItemType::Radio | ItemType::Likert | ItemType::Dropdown) || item.options.is_empty() {
        return None;
    }
    Some(item.options.iter().enumerate().map(|(i, o)| (o.value.clone(), o.numeric_code(i))).collect())
}

/// The item id of a repeated item's variable: `action_types__2` is `action_types`.
pub fn base_id(id: &str) -> &str {
    let mut id = id;
    while let Some((head, n)) = id.rsplit_once("__") {
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        id = head;
    }
    id
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub source: Source,
}

/// Items that hold no value of their own.
fn holds_no_value(kind: ItemType) -> bool {
    !kind.takes_answer()
}

/// The columns of a questionnaire (every version's items, in the order first seen), each name
/// prefixed with `prefix`. An expandable block gives its count, then its items once per
/// repetition (`action_types__2`), as they are stored.
pub fn of(versions: &[&Questionnaire], prefix: &str) -> Vec<Column> {
    let mut out: Vec<Column> = Vec::new();
    for q in versions {
        walk(&q.questions, "", prefix, &mut out);
    }
    for q in versions {
        for s in &q.scores {
            push(&mut out, format!("{prefix}score__{}", s.id), Source::Score(s.id.clone()));
        }
    }
    out
}

fn push(out: &mut Vec<Column>, name: String, source: Source) {
    if !out.iter().any(|c| c.source == source || c.name == name) {
        out.push(Column { name, source });
    }
}

fn walk(items: &[Item], suffix: &str, prefix: &str, out: &mut Vec<Column>) {
    for item in items {
        let Some(id) = item.id.as_ref().map(|id| format!("{id}{suffix}")) else { continue };
        if holds_no_value(item.kind) {
            continue;
        }
        if item.kind == ItemType::Table {
            // A table's answers are its rows'.
            for row in &item.rows {
                let rid = format!("{}{suffix}", row.id);
                push(out, format!("{prefix}{rid}"), Source::Value(rid));
            }
            continue;
        }
        if item.kind == ItemType::Checkbox && !item.options.is_empty() {
            for o in &item.options {
                push(out, format!("{prefix}{id}__{}", o.value), Source::Ticked(id.clone(), o.value.clone()));
            }
        } else {
            push(out, format!("{prefix}{id}"), Source::Value(id.clone()));
            if let Some(codes) = codes_of(item) {
                push(out, format!("{prefix}{id}_code"), Source::Code(id.clone(), codes));
            }
        }
        if item.show_otherwise && matches!(item.kind, ItemType::Radio | ItemType::Checkbox) {
            push(out, format!("{prefix}{id}__other"), Source::Other(id.clone()));
        }
        if item.kind == ItemType::Expandable {
            let max = item.max_expansions.unwrap_or(10).clamp(0, 50);
            for n in 1..=max {
                walk(&item.content, &format!("{suffix}__{n}"), prefix, out);
            }
        }
    }
}

/// A response's cells for these columns.
pub fn cells(columns: &[Column], answers: &[&AnswerRow], scores: &[(String, Option<f64>)]) -> Vec<Cell> {
    let by_item: HashMap<&str, &AnswerRow> = answers.iter().map(|a| (a.item_id.as_str(), *a)).collect();
    columns
        .iter()
        .map(|c| match &c.source {
            Source::Value(id) => by_item.get(id.as_str()).map_or(Cell::Empty, |a| a.value()),
            Source::Ticked(id, code) => match by_item.get(id.as_str()) {
                Some(a) if a.answered() => Cell::flag(a.choices().iter().any(|x| x == code)),
                _ => Cell::Empty,
            },
            Source::Other(id) => by_item.get(format!("{id}__other").as_str()).map_or(Cell::Empty, |a| a.value()),
            Source::Code(id, codes) => match by_item.get(id.as_str()) {
                Some(a) => code_cell(codes, a),
                None => Cell::Empty,
            },
            Source::Score(id) => scores.iter().find(|(s, _)| s == id).map_or(Cell::Empty, |(_, v)| Cell::opt_num(*v)),
        })
        .collect()
}

/// The number of a single-choice answer; empty when not answered or not one of the options.
pub fn code_cell(codes: &[(String, f64)], a: &AnswerRow) -> Cell {
    let chosen = a.choices();
    match chosen.as_slice() {
        [one] => codes.iter().find(|(c, _)| c == one).map_or(Cell::Empty, |(_, n)| Cell::Num(*n)),
        _ => Cell::Empty,
    }
}
