//! The checks that need the whole questionnaire: ids, references between items, ranges,
//! patterns, steps, scores and text variables. Every message names the place it is about.
//! What u-can-act ran but koers does differently is a warning, never an error.

use super::model::*;
use super::problem::QuestionnaireProblem;
use super::vars::{variables_in, PLATFORM_VARIABLES};
use std::collections::{HashMap, HashSet};

struct Checker {
    out: Vec<QuestionnaireProblem>,
}

impl Checker {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.out.push(QuestionnaireProblem::error(path, message));
    }
    fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.out.push(QuestionnaireProblem::warning(path, message));
    }
}

/// u-can-act's ids are any word (`v1`, `v1-smaak`, `1`); they become form field names and
/// export columns, so only what would break those is refused.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= 100
        && !id.starts_with("__")
        && id.chars().all(|c| !c.is_whitespace() && !c.is_control() && !"\"'<>&=;,".contains(c))
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// All checks; `study_variables` are the names a study defines on top of the platform's.
pub fn check(q: &Questionnaire, study_variables: &[String]) -> Vec<QuestionnaireProblem> {
    let mut c = Checker { out: Vec::new() };
    let items = q.all_items();
    let mut ids: HashMap<&str, &Item> = HashMap::new();
    let mut order: HashMap<&str, usize> = HashMap::new();
    for (n, item) in items.iter().enumerate() {
        let row_ids = item.rows.iter().map(|r| (r.id.as_str(), format!("{}.rows", item.path)));
        let own = item.id.as_deref().map(|id| (id, format!("{}.id", item.path)));
        if item.id.is_none() && item.kind.takes_answer() {
            c.error(&item.path, format!("a {} item needs an id", item.kind.name()));
        }
        for (id, path) in own.into_iter().chain(row_ids) {
            if !valid_id(id) {
                c.error(&path, format!("'{id}' cannot be an id: use letters, digits, _ or - (no spaces or quotes)"));
            }
            if let Some(first) = ids.get(id) {
                c.error(&path, format!("'{id}' is also the id of {}", first.path));
            } else {
                ids.insert(id, item);
                order.insert(id, n);
            }
        }
    }
    for id in ids.keys() {
        if let Some((base, suffix)) = id.rsplit_once("__") {
            if ids.contains_key(base) && ["other", "touched", "h", "m"].contains(&suffix) {
                c.error(
                    format!("{}.id", ids[id].path),
                    format!("'{id}' would be mixed up with the '{suffix}' field of '{base}'; choose another id"),
                );
            }
        }
    }
    let shown_by_options: HashSet<&str> = items
        .iter()
        .flat_map(|i| {
            i.options
                .iter()
                .flat_map(|o| o.shows_questions.iter())
                .chain(i.rows.iter().flat_map(|r| r.shows_questions.iter()))
                .chain(i.shows_questions.iter())
        })
        .map(String::as_str)
        .collect();
    let mut section_open = false;
    for (n, item) in items.iter().enumerate() {
        check_item(&mut c, item, &ids);
        check_toggles(&mut c, item, &ids);
        if item.hidden
            && item.show_when.is_none()
            && item.id.as_deref().is_some_and(|id| !shown_by_options.contains(id))
        {
            c.warn(&item.path, "is hidden and no option shows it, so nobody will see it");
        }
        if let Some(cond) = &item.show_when {
            for id in cond.ids() {
                match (ids.get(id), order.get(id)) {
                    (Some(_), Some(at)) if *at < n => {}
                    (Some(_), _) => c.error(
                        format!("{}.show_when", item.path),
                        format!("'{id}' comes after this item; a condition can only read earlier answers"),
                    ),
                    (None, _) => {
                        c.error(format!("{}.show_when", item.path), format!("'{id}' is not the id of any item"))
                    }
                }
            }
        }
        if item.section_start.as_ref().is_some_and(|s| !s.all().iter().all(|t| t.trim().is_empty())) {
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
    check_steps(&mut c, q);
    check_scores(&mut c, q, &ids);
    c.out
}

fn check_toggles(c: &mut Checker, item: &Item, ids: &HashMap<&str, &Item>) {
    let p = &item.path;
    let mut lists: Vec<(String, &str, &Vec<String>)> = Vec::new();
    for (i, o) in item.options.iter().enumerate() {
        lists.push((format!("{p}.options[{i}].shows_questions"), "shows", &o.shows_questions));
        lists.push((format!("{p}.options[{i}].hides_questions"), "hides", &o.hides_questions));
    }
    for (i, r) in item.rows.iter().enumerate() {
        lists.push((format!("{p}.rows[{i}].shows_questions"), "shows", &r.shows_questions));
        lists.push((format!("{p}.rows[{i}].hides_questions"), "hides", &r.hides_questions));
    }
    lists.push((format!("{p}.shows_questions"), "shows", &item.shows_questions));
    lists.push((format!("{p}.hides_questions"), "hides", &item.hides_questions));
    for (path, kind, list) in lists {
        for target in list {
            match ids.get(target.as_str()) {
                None => c.error(&path, format!("'{target}' is not the id of any item")),
                Some(t) if kind == "shows" && !t.hidden => c.error(
                    &path,
                    format!("'{target}' is not hidden, so showing it changes nothing; add hidden: true to {}", t.path),
                ),
                Some(_) => {}
            }
        }
    }
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
        }
    }
    if item.kind == ItemType::Table && item.rows.is_empty() {
        c.error(format!("{p}.rows"), "a table needs at least one row");
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
    if item.kind == ItemType::Range {
        let (min, max) = item.range_bounds();
        if min > max {
            c.error(p, format!("min ({}) is above max ({})", fmt_num(min), fmt_num(max)));
        }
        if let Some(v) = item.start_value {
            c.warn(
                format!("{p}.value"),
                format!(
                    "the thumb starts at {}, but koers stores an untouched slider as not answered (u-can-act stored its starting place)",
                    fmt_num(v)
                ),
            );
        }
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
        for inner in &item.content {
            if inner.kind == ItemType::PageBreak {
                c.error(&inner.path, "a page_break belongs between the questions, not inside an expandable");
            }
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
    if matches!(item.kind, ItemType::Time | ItemType::DateAndTime) {
        let t = &item.time;
        let (from, to) = (t.hours_from.unwrap_or(0.0), t.hours_to.unwrap_or(6.0));
        if from < 0.0 || to > 1000.0 || t.hour_choices().is_empty() {
            c.error(
                p,
                format!(
                    "hours_from ({}) to hours_to ({}) offers no hours; hours_to is the first hour not offered",
                    fmt_num(from),
                    fmt_num(to)
                ),
            );
        }
        if t.minutes_step.is_some_and(|s| !(1..=60).contains(&s)) {
            c.error(format!("{p}.minutes_step"), "must be between 1 and 60");
        }
    }
    for combined in &item.combines_with {
        if !ids.contains_key(combined.as_str()) {
            c.error(format!("{p}.combines_with"), format!("'{combined}' is not the id of any item"));
        }
    }
}

fn check_steps(c: &mut Checker, q: &Questionnaire) {
    for step in q.steps() {
        if let Some(heading) = step.heading {
            if step.items.is_empty() {
                c.warn(&heading.path, "this step has no questions after it");
            }
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
        ("default_value", &item.default_value),
        ("hint", &item.hint),
        ("otherwise_label", &item.otherwise_label),
        ("button_text", &item.button_text),
        ("label", &item.label),
    ] {
        if let Some(t) = t {
            out.push((format!("{p}.{key}"), t));
        }
    }
    for (i, o) in item.options.iter().enumerate() {
        out.push((format!("{p}.options[{i}].title"), &o.title));
        if let Some(t) = &o.tooltip {
            out.push((format!("{p}.options[{i}].tooltip"), t));
        }
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
    let mut texts: Vec<(String, Vec<&str>)> = texts_of(item).into_iter().map(|(p, t)| (p, t.all())).collect();
    if let Some(n) = &item.network {
        texts.push((format!("{}.network", item.path), vec![n.as_str()]));
    }
    for (path, all) in texts {
        for t in all {
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

fn check_scores(c: &mut Checker, q: &Questionnaire, ids: &HashMap<&str, &Item>) {
    let mut earlier: HashSet<&str> = HashSet::new();
    for s in &q.scores {
        if ids.contains_key(s.id.as_str()) {
            c.error(format!("{}.id", s.path), format!("'{}' is also the id of an item", s.id));
        }
        if s.ids.is_empty() {
            c.error(format!("{}.ids", s.path), "a score needs the ids it is computed from");
        }
        for id in &s.ids {
            match ids.get(id.as_str()) {
                Some(item) if item.kind.has_options() => {
                    if item.options.iter().all(|o| o.score_number().is_none()) {
                        c.warn(
                            format!("{}.ids", s.path),
                            format!("'{id}' has no numeric_value on its options, so it adds nothing to the score"),
                        )
                    }
                }
                Some(item) if !matches!(item.kind, ItemType::Range | ItemType::Number) => c.warn(
                    format!("{}.ids", s.path),
                    format!("'{id}' is a {}; it counts only when its answer is a number", item.kind.name()),
                ),
                Some(_) => {}
                None if earlier.contains(id.as_str()) && id != &s.id => {}
                None => c.error(format!("{}.ids", s.path), format!("'{id}' is not an item or an earlier score")),
            }
        }
        for id in s.preprocessing.keys() {
            if !s.ids.contains(id) {
                c.error(format!("{}.preprocessing.{id}", s.path), format!("'{id}' is not one of the score's ids"));
            }
        }
        if !earlier.insert(&s.id) {
            c.error(format!("{}.id", s.path), format!("'{}' is also the id of another score", s.id));
        }
    }
}
