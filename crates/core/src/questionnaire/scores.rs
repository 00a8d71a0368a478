//! Scores, computed on submit as u-can-act computes them: each id's number (an option's
//! `numeric_value`, else its code when that is a number; a slider's or number's value; a
//! text that is a number), preprocessed (`multiply_with`, then `offset`), then averaged or
//! summed, and rounded. An id without a number is left out, or stops the score under
//! `require_all`.

use super::model::*;
use super::submit::{Answer, Value};
use std::collections::BTreeMap;

/// The number an answer gives a score; ticked options give the sum of their numbers.
pub fn answer_number(item: &Item, v: &Value) -> Option<f64> {
    let parse = |t: &str| t.trim().replace(',', ".").parse::<f64>().ok().filter(|n| n.is_finite());
    match v {
        Value::Number(n) => Some(*n),
        Value::Choice(c) => item.options.iter().find(|o| &o.value == c).and_then(Choice::score_number),
        Value::Choices(cs) => {
            let vals: Vec<f64> =
                item.options.iter().filter(|o| cs.contains(&o.value)).filter_map(Choice::score_number).collect();
            (!vals.is_empty()).then(|| vals.iter().sum())
        }
        Value::Text(t) => parse(t),
        _ => None,
    }
}

fn round(v: f64, decimals: Option<u32>) -> f64 {
    match decimals {
        Some(d) => {
            let f = 10f64.powi(d as i32);
            (v * f).round() / f
        }
        None => v,
    }
}

pub fn scores(q: &Questionnaire, answers: &[Answer]) -> Vec<(String, Option<f64>)> {
    let mut done: BTreeMap<String, Option<f64>> = BTreeMap::new();
    let mut out = Vec::new();
    let table_rows: BTreeMap<&str, &Item> = q
        .all_items()
        .into_iter()
        .filter(|i| i.kind == ItemType::Table)
        .flat_map(|i| i.rows.iter().map(move |r| (r.id.as_str(), i)))
        .collect();
    for s in &q.scores {
        let mut values = Vec::new();
        let mut missing = false;
        for id in &s.ids {
            let item = q.item(id).or_else(|| table_rows.get(id.as_str()).copied());
            let v = match (item, done.get(id)) {
                (Some(item), _) => {
                    let found: Vec<f64> = answers
                        .iter()
                        .filter(|a| &a.item_id == id)
                        .filter_map(|a| answer_number(item, &a.value))
                        .collect();
                    // Repeated items (per student) count with their average.
                    (!found.is_empty()).then(|| found.iter().sum::<f64>() / found.len() as f64)
                }
                (None, Some(score)) => *score,
                (None, None) => None,
            };
            match v {
                Some(v) => values.push(s.preprocessing.get(id).map_or(v, |p| p.apply(v))),
                None => missing = true,
            }
        }
        let value = if values.is_empty() || (s.require_all && missing) {
            None
        } else {
            let total: f64 = values.iter().sum();
            let v = match s.operation {
                Operation::Sum => total,
                Operation::Average => total / values.len() as f64,
            };
            Some(round(v, s.round_to_decimals))
        };
        done.insert(s.id.clone(), value);
        out.push((s.id.clone(), value));
    }
    out
}
