//! The checks that need the whole questionnaire: ids, references between items, ranges,
//! patterns, scores and text variables. Every message names the place it is about.

use super::model::*;
use super::parse::Problem;
use super::vars::{variables_in, PLATFORM_VARIABLES};
use std::collections::{HashMap, HashSet};

struct Checker {
    out: Vec<Problem>,
}

impl Checker {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.out.push(Problem { path: path.into(), message: message.into(), warning: false });
    }
    fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.out.push(Problem { path: path.into(), message: message.into(), warning: true });
    }
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// All checks; `study_variables` are the names a study defines on top of the platform's.
pub fn check(q: &Questionnaire, study_variables: &[String]) -> Vec<Problem> {
    let mut c = Checker { out: Vec::new() };
    let items = q.all_items();
    let mut ids: HashMap<&str, &Item> = HashMap::new();
    for item in &items {
        match &item.id {
            None if item.kind.takes_answer() => c.error(&item.path, format!("a {} item needs an id", item.kind.name())),
            None => {}
            Some(id) => {
                if !valid_id(id) {
                    c.error(
                        format!("{}.id", item.path),
                        format!("'{id}' must start with a-z and hold only a-z, 0-9 and _"),
                    );
                }
                if let Some(first) = ids.get(id.as_str()) {
                    c.error(format!("{}.id", item.path), format!("'{id}' is also the id of {}", first.path));
                } else {
                    ids.insert(id, item);
                }
            }
        }
    }
    let shown_by_options: HashSet<&str> = items
        .iter()
        .flat_map(|i| i.options.iter())
        .flat_map(|o| o.shows_questions.iter().map(String::as_str))
        .collect();
    let mut section_open = false;
    for item in &items {
        check_item(&mut c, item, &ids);
        if item.hidden && item.id.as_deref().is_some_and(|id| !shown_by_options.contains(id)) {
            c.warn(&item.path, "is hidden and no option shows it, so nobody will see it");
        }
        if item.section_start.is_some() {
            section_open = true;
        }
        if item.section_end {
            if !section_open {
                c.warn(format!("{}.section_end", item.path), "closes a section that was never opened");
            }
            section_open = false;
        }
        check_variables(&mut c, item, study_variables);
    }
    check_scores(&mut c, q, &ids);
    c.out
}

fn check_item(c: &mut Checker, item: &Item, ids: &HashMap<&str, &Item>) {
    let p = &item.path;
    if item.kind.has_options() {
        if item.options.is_empty() {
            c.error(format!("{p}.options"), format!("a {} item needs at least one option", item.kind.name()));
        }
        let mut values: HashMap<&str, usize> = HashMap::new();
        for (i, o) in item.options.iter().enumerate() {
            if let Some(first) = values.insert(&o.value, i) {
                c.error(
                    format!("{p}.options[{i}].value"),
                    format!("'{}' is also the value of options[{first}]", o.value),
                );
            }
            for (key, list) in [("shows_questions", &o.shows_questions), ("hides_questions", &o.hides_questions)] {
                for target in list {
                    match ids.get(target.as_str()) {
                        None => {
                            c.error(format!("{p}.options[{i}].{key}"), format!("'{target}' is not the id of any item"))
                        }
                        Some(t) if key == "shows_questions" && !t.hidden => c.error(
                            format!("{p}.options[{i}].{key}"),
                            format!(
                                "'{target}' is not hidden, so showing it changes nothing; add hidden: true to {}",
                                t.path
                            ),
                        ),
                        Some(_) => {}
                    }
                }
            }
        }
    }
    if let Some(max) = item.max_selections {
        if max < 1 || max as usize > item.options.len().max(1) {
            c.error(
                format!("{p}.max_selections"),
                format!("must be between 1 and the number of options ({})", item.options.len()),
            );
        }
    }
    if let (Some(min), Some(max)) = (item.min, item.max) {
        if min > max {
            c.error(p, format!("min ({}) is above max ({})", fmt_num(min), fmt_num(max)));
        }
    }
    if item.kind == ItemType::Range && item.min.is_none() && item.max.is_some_and(|m| m < 0.0) {
        c.error(p, format!("min (0) is above max ({})", fmt_num(item.max.unwrap_or(0.0))));
    }
    if let (Some(DateBound::Fixed(a)), Some(DateBound::Fixed(b))) = (&item.date_min, &item.date_max) {
        if a > b {
            c.error(p, format!("min ({a}) is after max ({b})"));
        }
    }
    if item.step.is_some_and(|s| s <= 0.0) {
        c.error(format!("{p}.step"), "must be more than 0");
    }
    if item.maxlength.is_some_and(|m| m < 1) {
        c.error(format!("{p}.maxlength"), "must be at least 1");
    }
    if let Some(pattern) = &item.pattern {
        if let Err(e) = regex::Regex::new(pattern) {
            let first_line = e.to_string().lines().last().unwrap_or("").trim().to_string();
            c.error(format!("{p}.pattern"), format!("'{pattern}' is not a valid regular expression ({first_line})"));
        }
    }
    if item.kind == ItemType::Range && item.labels.len() == 1 {
        c.error(format!("{p}.labels"), "a slider needs at least two labels, one for each end");
    }
    if item.kind == ItemType::Expandable {
        if item.content.is_empty() {
            c.error(format!("{p}.content"), "an expandable needs at least one item");
        }
        if let (Some(d), Some(m)) = (item.default_expansions, item.max_expansions) {
            if m < d {
                c.error(format!("{p}.max_expansions"), format!("({m}) is below default_expansions ({d})"));
            }
        }
        if item.max_expansions.is_some_and(|m| m < 1) || item.default_expansions.is_some_and(|d| d < 0) {
            c.error(p, "expansions cannot be negative, and max_expansions must be at least 1");
        }
    }
    if let Some(target) = &item.links_to_expandable {
        match ids.get(target.as_str()) {
            Some(t) if t.kind == ItemType::Expandable => {}
            Some(t) => c.error(
                format!("{p}.links_to_expandable"),
                format!("'{target}' is a {}, not an expandable", t.kind.name()),
            ),
            None => c.error(format!("{p}.links_to_expandable"), format!("'{target}' is not the id of any item")),
        }
    }
    if let Some(uses) = &item.uses {
        if !ids.contains_key(uses.previous.as_str()) {
            c.error(format!("{p}.uses.previous"), format!("'{}' is not the id of any item", uses.previous));
        }
    }
    if let (Some(from), Some(to)) = (item.time.hours_from, item.time.hours_to) {
        if from > to || from < 0 || to > 24 {
            c.error(p, format!("hours_from ({from}) and hours_to ({to}) must lie within 0..24, from before to"));
        }
    }
    for combined in &item.combines_with {
        if !ids.contains_key(combined.as_str()) {
            c.error(format!("{p}.combines_with"), format!("'{combined}' is not the id of any item"));
        }
    }
}

fn texts_of(item: &Item) -> Vec<(String, &Text)> {
    let p = &item.path;
    let mut out: Vec<(String, &Text)> = Vec::new();
    for (key, t) in [
        ("title", &item.title),
        ("tooltip", &item.tooltip),
        ("section_start", &item.section_start),
        ("placeholder", &item.placeholder),
        ("hint", &item.hint),
        ("otherwise_label", &item.otherwise_label),
        ("button_text", &item.button_text),
    ] {
        if let Some(t) = t {
            out.push((format!("{p}.{key}"), t));
        }
    }
    for (i, o) in item.options.iter().enumerate() {
        out.push((format!("{p}.options[{i}].title"), &o.title));
    }
    for (i, l) in item.labels.iter().enumerate() {
        out.push((format!("{p}.labels[{i}]"), l));
    }
    match &item.raw_content {
        Some(RawContent::Same(t)) => out.push((format!("{p}.content"), t)),
        Some(RawContent::FirstAndNormal { first, normal }) => {
            out.push((format!("{p}.content.first"), first));
            out.push((format!("{p}.content.normal"), normal));
        }
        None => {}
    }
    out
}

fn check_variables(c: &mut Checker, item: &Item, study_variables: &[String]) {
    let previous = item.uses.as_ref().map(|u| format!("previous_{}", u.previous));
    for (path, text) in texts_of(item) {
        for t in text.all() {
            for name in variables_in(t) {
                let known = PLATFORM_VARIABLES.contains(&name)
                    || study_variables.iter().any(|v| v == name)
                    || previous.as_deref() == Some(name);
                if !known {
                    let hint =
                        if name.starts_with("previous_") { " (add uses: {previous: ID} to the item)" } else { "" };
                    c.warn(&path, format!("unknown variable {{{{{name}}}}}{hint}; it is shown as nothing"));
                }
            }
        }
    }
}

fn numeric(kind: ItemType) -> bool {
    matches!(
        kind,
        ItemType::Range
            | ItemType::Number
            | ItemType::Radio
            | ItemType::Likert
            | ItemType::Dropdown
            | ItemType::Checkbox
    )
}

fn check_scores(c: &mut Checker, q: &Questionnaire, ids: &HashMap<&str, &Item>) {
    let mut earlier: HashSet<&str> = HashSet::new();
    for s in &q.scores {
        if ids.contains_key(s.id.as_str()) {
            c.error(format!("{}.id", s.path), format!("'{}' is also the id of an item", s.id));
        }
        if !earlier.insert(&s.id) {
            c.error(format!("{}.id", s.path), format!("'{}' is also the id of another score", s.id));
        }
        if s.ids.is_empty() {
            c.error(format!("{}.ids", s.path), "a score needs the ids it is computed from");
        }
        for id in &s.ids {
            match ids.get(id.as_str()) {
                Some(item) if !numeric(item.kind) => c.error(
                    format!("{}.ids", s.path),
                    format!("'{id}' is a {}, which gives no number to compute with", item.kind.name()),
                ),
                Some(item) if item.kind.has_options() && item.options.iter().all(|o| o.numeric_value.is_none()) => c
                    .error(
                        format!("{}.ids", s.path),
                        format!("'{id}' has no numeric_value on its options, so it gives no number to compute with"),
                    ),
                Some(_) => {}
                None if earlier.contains(id.as_str()) && id != &s.id => {}
                None => c.error(format!("{}.ids", s.path), format!("'{id}' is not an item or an earlier score")),
            }
        }
    }
}
