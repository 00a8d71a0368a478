//! XLSForm's `relevant` as koers's show and hide: "shown when one of these options is
//! chosen" becomes `hidden: true` and the options' `shows_questions`, "hidden when ..." the
//! options' `hides_questions` (u-can-act's own vocabulary); anything else (`and` between
//! questions, a number question) becomes a `show_when`.

use crate::import::key;
use crate::CellProblem;
use koers_core::questionnaire::condition::{parse_condition, Condition};
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) struct Pending {
    target: String,
    expression: String,
    row: usize,
}

impl Pending {
    pub fn new(target: &str, expression: &str, row: usize) -> Self {
        Pending { target: target.to_string(), expression: expression.to_string(), row }
    }
}

/// What an item can be asked about: whether it is a checkbox, and its options' codes.
struct Choices {
    multiple: bool,
    values: Vec<String>,
}

fn collect(items: &[Value], out: &mut BTreeMap<String, Option<Choices>>) {
    for item in items {
        let Some(id) = item.get("id").and_then(Value::as_str) else { continue };
        let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
        let options = item.get("options").and_then(Value::as_sequence);
        let choices = options.map(|opts| Choices {
            multiple: kind == "checkbox",
            values: opts.iter().filter_map(|o| o.get("value").and_then(Value::as_str).map(str::to_string)).collect(),
        });
        out.insert(id.to_string(), choices);
        if let Some(content) = item.get("content").and_then(Value::as_sequence) {
            collect(content, out);
        }
    }
}

/// An option's code that shows or hides, if the atom is one an option can say.
fn option_of<'c>(c: &'c Condition, items: &BTreeMap<String, Option<Choices>>) -> Option<(&'c str, &'c str)> {
    let (id, value, exact) = match c {
        Condition::Is { id, value } => (id, value, true),
        Condition::Selected { id, value } => (id, value, false),
        _ => return None,
    };
    let choices = items.get(id.as_str())?.as_ref()?;
    (choices.values.contains(value) && !(exact && choices.multiple)).then_some((id.as_str(), value.as_str()))
}

/// An option of a question: its id and the option's code.
type OptionRef<'c> = (&'c str, &'c str);

/// The options that show and hide, when the condition is (one or more options) and not
/// (these options).
fn as_options<'c>(
    c: &'c Condition,
    items: &BTreeMap<String, Option<Choices>>,
) -> Option<(Vec<OptionRef<'c>>, Vec<OptionRef<'c>>)> {
    let positives = |c: &'c Condition| match c {
        Condition::Any(cs) => cs.iter().map(|x| option_of(x, items)).collect::<Option<Vec<_>>>(),
        one => option_of(one, items).map(|o| vec![o]),
    };
    let negative = |c: &'c Condition| match c {
        Condition::Not(inner) => option_of(inner, items),
        _ => None,
    };
    match c {
        Condition::All(parts) => {
            let mut shows = None;
            let mut hides = Vec::new();
            for p in parts {
                if let Some(n) = negative(p) {
                    hides.push(n);
                } else if shows.is_none() {
                    shows = Some(positives(p)?);
                } else {
                    return None;
                }
            }
            Some((shows.unwrap_or_default(), hides))
        }
        other => negative(other).map(|n| (Vec::new(), vec![n])).or_else(|| positives(other).map(|p| (p, Vec::new()))),
    }
}

#[derive(Default)]
struct Effects {
    hidden: BTreeSet<String>,
    show_when: BTreeMap<String, String>,
    shows: BTreeMap<(String, String), Vec<String>>,
    hides: BTreeMap<(String, String), Vec<String>>,
}

pub(crate) fn apply_conditions(items: &mut [Value], pending: Vec<Pending>, problems: &mut Vec<CellProblem>) {
    let mut known = BTreeMap::new();
    collect(items, &mut known);
    let mut effects = Effects::default();
    for p in pending {
        let problem =
            |message: String| CellProblem { sheet: "survey".into(), row: p.row, column: "relevant".into(), message };
        let condition = match parse_condition(&p.expression) {
            Ok(c) => c,
            Err(e) => {
                problems.push(problem(format!("koers cannot translate '{}': {e}", p.expression)));
                continue;
            }
        };
        if let Some(missing) = condition.ids().into_iter().find(|id| !known.contains_key(*id)) {
            problems.push(problem(format!("${{{missing}}} is not the name of a question")));
            continue;
        }
        match as_options(&condition, &known) {
            Some((shows, hides)) => {
                if !shows.is_empty() {
                    effects.hidden.insert(p.target.clone());
                }
                for (id, v) in shows {
                    effects.shows.entry((id.into(), v.into())).or_default().push(p.target.clone());
                }
                for (id, v) in hides {
                    effects.hides.entry((id.into(), v.into())).or_default().push(p.target.clone());
                }
            }
            None => {
                effects.show_when.insert(p.target.clone(), condition.to_expression());
            }
        }
    }
    apply(items, &effects);
}

fn apply(items: &mut [Value], e: &Effects) {
    for item in items.iter_mut() {
        let Value::Mapping(m) = item else { continue };
        let id = m.get("id").and_then(Value::as_str).unwrap_or("").to_string();
        if e.hidden.contains(&id) {
            m.insert(key("hidden"), Value::Bool(true));
        }
        if let Some(w) = e.show_when.get(&id) {
            m.insert(key("show_when"), key(w));
        }
        if let Some(Value::Sequence(options)) = m.get_mut("options") {
            for option in options.iter_mut() {
                let Value::Mapping(o) = option else { continue };
                let value = o.get("value").and_then(Value::as_str).unwrap_or("").to_string();
                let pair = (id.clone(), value);
                for (k, map) in [("shows_questions", &e.shows), ("hides_questions", &e.hides)] {
                    if let Some(targets) = map.get(&pair) {
                        o.insert(key(k), Value::Sequence(targets.iter().map(|t| key(t)).collect()));
                    }
                }
            }
        }
        if let Some(Value::Sequence(content)) = m.get_mut("content") {
            apply(content, e);
        }
    }
}

/// The `relevant` of an item, from what shows and hides it (the reverse of the above).
pub(crate) fn relevant_of(
    target: &str,
    hidden: bool,
    show_when: Option<&Condition>,
    sources: &[(&str, bool, &str, bool)],
) -> Option<String> {
    let atom = |id: &str, multiple: bool, v: &str| {
        if multiple {
            Condition::Selected { id: id.into(), value: v.into() }
        } else {
            Condition::Is { id: id.into(), value: v.into() }
        }
    };
    let _ = target;
    let shows: Vec<Condition> = sources.iter().filter(|s| s.3).map(|(id, m, v, _)| atom(id, *m, v)).collect();
    let hides: Vec<Condition> =
        sources.iter().filter(|s| !s.3).map(|(id, m, v, _)| Condition::Not(Box::new(atom(id, *m, v)))).collect();
    let mut parts = Vec::new();
    if hidden && !shows.is_empty() {
        parts.push(if shows.len() == 1 { shows.into_iter().next()? } else { Condition::Any(shows) });
    }
    parts.extend(hides);
    if let Some(w) = show_when {
        parts.push(w.clone());
    }
    match parts.len() {
        0 => None,
        1 => parts.pop().map(|c| c.to_expression()),
        _ => Some(Condition::All(parts).to_expression()),
    }
}
