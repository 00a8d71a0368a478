//! The columns a questionnaire's items become in a wide table: one per item, one 0/1 column per
//! option of a multi-select plus its "other" text, and one per score.

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
    if !out.iter().any(|c| c.source == source) {
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
            Source::Score(id) => scores.iter().find(|(s, _)| s == id).map_or(Cell::Empty, |(_, v)| Cell::opt_num(*v)),
        })
        .collect()
}
