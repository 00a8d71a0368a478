//! What rendering one page needs besides the item: the person's language and names, what to
//! show again after a refused submission, and where the ids an option shows or hides are on
//! this page (per student, per expansion).

use super::clean::{escape, remembered, sanitizer, Cleaned};
use super::PageInput;
use koers_core::questionnaire::model::{DateBound, Item, Text};
use koers_core::questionnaire::Questionnaire;
use std::collections::{HashMap, HashSet};

/// Where an item stands on the page: its student's suffix (`_s12`), the expansion it is in
/// (`__2`) and that expansion's items.
#[derive(Clone, Copy)]
pub(super) struct Spot<'q> {
    pub student_suffix: &'q str,
    pub expansion: Option<(usize, &'q [Item])>,
}

pub(super) struct Ctx<'a> {
    pub input: &'a PageInput,
    clean: &'static ammonia::Builder<'static>,
    kept: HashMap<&'a str, Vec<&'a str>>,
    pub errors: HashMap<&'a str, &'a str>,
    items: HashMap<&'a str, &'a Item>,
    /// Items some answer can hide: the page's script must be able to hide them too.
    hide_targets: HashSet<&'a str>,
    /// The step each page break opens, and how many steps there are.
    pub steps: HashMap<usize, usize>,
    pub step_count: usize,
    /// The step each top-level item is on (for a page without scripts, one step at a time).
    pub step_of: Vec<usize>,
}

impl<'a> Ctx<'a> {
    pub fn new(q: &'a Questionnaire, input: &'a PageInput) -> Self {
        let mut kept: HashMap<&str, Vec<&str>> = HashMap::new();
        for (k, v) in &input.kept {
            kept.entry(k.as_str()).or_default().push(v.as_str());
        }
        let all = q.all_items();
        let items = all.iter().filter_map(|i| Some((i.id.as_deref()?, *i))).collect();
        let hide_targets = all
            .iter()
            .flat_map(|i| {
                i.options
                    .iter()
                    .flat_map(|o| o.hides_questions.iter())
                    .chain(i.rows.iter().flat_map(|r| r.hides_questions.iter()))
                    .chain(i.hides_questions.iter())
            })
            .map(String::as_str)
            .collect();
        let steps_list = q.steps();
        let steps = steps_list
            .iter()
            .enumerate()
            .filter_map(|(n, s)| s.items.start.checked_sub(1).filter(|_| s.heading.is_some()).map(|at| (at, n + 1)))
            .collect();
        Ctx {
            input,
            clean: sanitizer(),
            kept,
            errors: input.errors.iter().map(|e| (e.key.as_str(), e.message.as_str())).collect(),
            items,
            hide_targets,
            steps,
            step_count: steps_list.len(),
            step_of: q.step_numbers(),
        }
    }

    /// A questionnaire text as safe HTML: language, variables (their values escaped), sanitised.
    pub fn html(&self, t: Option<&Text>, student: Option<&str>) -> String {
        let Some(t) = t else { return String::new() };
        let raw = t.resolve(&self.input.lang, &self.input.fallback_lang);
        self.html_of(raw, student)
    }

    pub fn html_of(&self, raw: &str, student: Option<&str>) -> String {
        let mut vars = self.input.vars.clone();
        if let Some(s) = student {
            vars.student_name = Some(s.to_string());
        }
        let filled = koers_core::questionnaire::vars::render_variables(raw, &|name| {
            vars.value(name, &self.input.lang).map(|v| escape(&v))
        });
        remembered(Cleaned::Html, filled, |f| self.clean.clean(f).to_string())
    }

    /// Plain text (for attributes and select options): the HTML reduced to its text.
    pub fn plain(&self, t: Option<&Text>, student: Option<&str>) -> String {
        let html = self.html(t, student);
        remembered(Cleaned::Plain, html, |h| ammonia::Builder::empty().clean(h).to_string().replace("&amp;", "&"))
    }

    pub fn kept_one(&self, key: &str) -> String {
        self.kept.get(key).and_then(|v| v.first()).map(|s| s.to_string()).unwrap_or_default()
    }

    pub fn kept_has(&self, key: &str, value: &str) -> bool {
        self.kept.get(key).is_some_and(|v| v.contains(&value))
    }

    /// Whether any field the page was sent back with, named as `which` says, holds something.
    pub fn kept_filled(&self, which: impl Fn(&str) -> bool) -> bool {
        self.kept.iter().any(|(k, v)| which(k) && v.iter().any(|v| !v.is_empty()))
    }

    /// Whether the page was sent back with answers (then nothing is prefilled).
    pub fn refilled(&self) -> bool {
        !self.kept.is_empty()
    }

    /// The question a form field belongs to, in its own words (for the error summary): an
    /// expandable's `ID__N` and a repeated `ID_sSTUDENT` are the item `ID` (about that student).
    pub fn question_of(&self, key: &str) -> String {
        let mut id = key;
        if let Some((base, n)) = id.rsplit_once("__") {
            if n.parse::<u32>().is_ok() {
                id = base;
            }
        }
        let mut student = None;
        if let Some((base, s)) = id.rsplit_once("_s") {
            if let (Ok(s), true) = (s.parse::<i64>(), self.items.contains_key(base)) {
                id = base;
                student = self.input.students.iter().find(|(p, _)| *p == s).map(|(_, n)| n.as_str());
            }
        }
        match self.items.get(id) {
            Some(item) => self.plain(item.title.as_ref(), student),
            None => String::new(),
        }
    }

    pub fn hide_target(&self, id: &str) -> bool {
        self.hide_targets.contains(id)
    }

    /// The form field an id stands for, seen from `spot`: the same expansion for its
    /// siblings, the same student for an item repeated per student (every student's when the
    /// one answering is not repeated).
    pub fn fields_of(&self, id: &str, spot: Spot<'_>) -> Vec<String> {
        if let Some((n, siblings)) = spot.expansion {
            if siblings.iter().any(|s| s.id.as_deref() == Some(id)) {
                return vec![format!("{id}{}__{n}", spot.student_suffix)];
            }
        }
        match self.items.get(id) {
            Some(t) if t.foreach_student && !spot.student_suffix.is_empty() => {
                vec![format!("{id}{}", spot.student_suffix)]
            }
            Some(t) if t.foreach_student && !self.input.students.is_empty() => {
                self.input.students.iter().map(|(s, _)| format!("{id}_s{s}")).collect()
            }
            _ => vec![id.to_string()],
        }
    }

    pub fn fields_of_all(&self, ids: &[String], spot: Spot<'_>) -> String {
        ids.iter().flat_map(|id| self.fields_of(id, spot)).collect::<Vec<_>>().join(" ")
    }
}

pub(super) fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

pub(super) fn date_bound(b: &Option<DateBound>, today: Option<chrono::NaiveDate>) -> Option<String> {
    match b {
        Some(DateBound::Fixed(d)) => Some(d.to_string()),
        Some(DateBound::DaysFromToday(n)) => today.map(|t| (t + chrono::TimeDelta::days(*n)).to_string()),
        None => None,
    }
}

/// One of the page's own words from the catalogue, in the page's language and register.
pub(super) fn t(input: &PageInput, key: &str) -> String {
    koers_texts::t_in(&input.lang, input.register, key, &[])
}
