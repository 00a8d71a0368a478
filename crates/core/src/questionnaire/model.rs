//! The questionnaire as koers understands it after reading a file: u-can-act's vocabulary,
//! typed. One `Item` struct carries every key of the format; which keys do something for which
//! type is in [`super::vocabulary`].

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;

pub use super::condition::{Condition, ShowWhen};
pub use super::vocabulary::ItemType;

/// A text in one language or several. An `i18n` key in a map is kept but never shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Text {
    Plain(String),
    ByLanguage(BTreeMap<String, String>),
}

impl Text {
    /// The person's language, else the study's, else the first translation there is.
    pub fn resolve(&self, lang: &str, fallback: &str) -> &str {
        match self {
            Text::Plain(s) => s,
            Text::ByLanguage(m) => m
                .get(lang)
                .or_else(|| m.get(fallback))
                .or_else(|| m.iter().find(|(k, _)| *k != "i18n").map(|(_, v)| v))
                .map(String::as_str)
                .unwrap_or(""),
        }
    }

    /// The language-independent form u-can-act used to code an option without a `value`: its
    /// `i18n` key, else the Dutch text (u-can-act's default language), else the first text.
    pub fn code(&self) -> &str {
        match self {
            Text::Plain(s) => s,
            Text::ByLanguage(m) => {
                m.get("i18n").or_else(|| m.get("nl")).map(String::as_str).unwrap_or_else(|| self.resolve("", ""))
            }
        }
    }

    /// Every translation (not the i18n key), for checks that look at all of them.
    pub fn all(&self) -> Vec<&str> {
        match self {
            Text::Plain(s) => vec![s.as_str()],
            Text::ByLanguage(m) => m.iter().filter(|(k, _)| *k != "i18n").map(|(_, v)| v.as_str()).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ShowAfter {
    /// Seconds since the person's protocol start.
    Seconds(i64),
    At(DateTime<Utc>),
    OnlyOnFinalQuestionnaire,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub title: Text,
    /// The code used in exports; the title when none is given.
    pub value: String,
    pub numeric_value: Option<f64>,
    pub tooltip: Option<Text>,
    pub shows_questions: Vec<String>,
    pub hides_questions: Vec<String>,
    pub stop_subscription: bool,
}

impl Choice {
    /// The option's number for exports (`_code` columns): its `numeric_value`, else its
    /// 1-based place among the options (`position` counts from 0).
    pub fn numeric_code(&self, position: usize) -> f64 {
        self.numeric_value.unwrap_or((position + 1) as f64)
    }

    /// The number a score takes from this option, as u-can-act computes it: the
    /// `numeric_value`, else the code itself when it is a number (options `1` to `5`).
    pub fn score_number(&self) -> Option<f64> {
        self.numeric_value.or_else(|| self.value.trim().parse::<f64>().ok().filter(|n| n.is_finite()))
    }
}

/// A date bound: a fixed date, or a number of days from today (`true` = today).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum DateBound {
    Fixed(NaiveDate),
    DaysFromToday(i64),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum RawContent {
    Same(Text),
    /// `first` on a person's first questionnaire of this key, `normal` afterwards.
    FirstAndNormal {
        first: Text,
        normal: Text,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uses {
    pub previous: String,
    pub default: Option<Text>,
}

/// Hours and minutes. In u-can-act a `time` item is mostly a duration ("how long did you
/// spend"), so hours may pass 24; the hours offered run from `hours_from` up to, not
/// including, `hours_to`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct TimeSettings {
    pub hours_from: Option<f64>,
    pub hours_to: Option<f64>,
    pub hours_step: Option<f64>,
    pub hours_label: Option<Text>,
    pub minutes_label: Option<Text>,
    pub minutes_step: Option<i64>,
    pub hours_id: Option<String>,
    pub minutes_id: Option<String>,
    pub am_pm: bool,
}

impl TimeSettings {
    /// The hours a `time` item offers, as u-can-act does: `hours_from` (0) up to, not
    /// including, `hours_to` (6), in steps of `hours_step` (1), which may be a fraction.
    pub fn hour_choices(&self) -> Vec<f64> {
        let from = self.hours_from.unwrap_or(0.0);
        let to = self.hours_to.unwrap_or(6.0);
        let step = self.hours_step.filter(|s| *s > 0.0).unwrap_or(1.0);
        let mut out = Vec::new();
        let mut n = 0u32;
        loop {
            let h = from + f64::from(n) * step;
            if h >= to - 1e-9 || out.len() >= 1000 {
                break;
            }
            out.push((h * 1000.0).round() / 1000.0);
            n += 1;
        }
        out
    }

    /// The minutes offered: every 15 (u-can-act's), or every `minutes_step`.
    pub fn minute_choices(&self) -> Vec<u32> {
        let step = self.minutes_step.unwrap_or(15).clamp(1, 60) as u32;
        (0..60).step_by(step as usize).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DaysSettings {
    pub from_days_ago: Option<i64>,
    pub exclude_weekends: bool,
    pub include_today: bool,
    pub morning_and_afternoon: bool,
    pub date_format: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DrawingSettings {
    pub image: Option<String>,
    pub color: Option<String>,
    pub width: Option<f64>,
    pub height: Option<f64>,
    pub radius: Option<f64>,
    pub density: Option<f64>,
}

/// A row of a `table` item: one radio answer per row, named by the row's id; the code stored
/// is the chosen column's 0-based number, as u-can-act stores it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRow {
    pub id: String,
    pub title: Option<Text>,
    pub shows_questions: Vec<String>,
    pub hides_questions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// Where the item stands in the file (`questions[3]`), for messages.
    pub path: String,
    pub id: Option<String>,
    pub kind: ItemType,
    pub title: Option<Text>,
    pub tooltip: Option<Text>,
    pub required: bool,
    pub hidden: bool,
    pub section_start: Option<Text>,
    pub section_end: bool,
    pub show_after: Option<ShowAfter>,
    pub show_when: Option<ShowWhen>,
    pub combines_with: Vec<String>,
    pub show_otherwise: bool,
    pub otherwise_label: Option<Text>,
    pub otherwise_tooltip: Option<Text>,
    pub otherwise_placeholder: Option<Text>,
    /// `student`: a mentor's questionnaire repeats the item for each of their students.
    pub foreach_student: bool,
    /// A short name of the variable; a dropdown shows it above its list, as u-can-act does.
    pub label: Option<Text>,
    pub uses: Option<Uses>,
    pub options: Vec<Choice>,
    pub rows: Vec<TableRow>,
    pub max_selections: Option<i64>,
    pub placeholder: Option<Text>,
    /// What a text or number field holds before the person types (`default_value`).
    pub default_value: Option<Text>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub date_min: Option<DateBound>,
    pub date_max: Option<DateBound>,
    pub step: Option<f64>,
    /// Where a slider's thumb starts (`value`); an untouched slider is still not answered.
    pub start_value: Option<f64>,
    /// What a slider's value counts (`unit`: "uur"): a set slider then shows "12 uur".
    pub unit: Option<Text>,
    pub labels: Vec<Text>,
    pub ticks: bool,
    pub vertical: bool,
    pub gradient: bool,
    pub no_initial_thumb: bool,
    pub maxlength: Option<i64>,
    pub links_to_expandable: Option<String>,
    pub pattern: Option<String>,
    pub hint: Option<Text>,
    pub time: TimeSettings,
    pub today: bool,
    pub default_date: Option<DateBound>,
    pub days: DaysSettings,
    /// A days item's own `shows_questions`/`hides_questions`: ticking any day triggers them.
    pub shows_questions: Vec<String>,
    pub hides_questions: Vec<String>,
    pub content: Vec<Item>,
    pub default_expansions: Option<i64>,
    pub max_expansions: Option<i64>,
    pub add_button_label: Option<Text>,
    pub remove_button_label: Option<Text>,
    pub raw_content: Option<RawContent>,
    pub button_text: Option<Text>,
    pub drawing: DrawingSettings,
    /// A gentle (network) item's starting network, JSON that may hold variables.
    pub network: Option<String>,
}

impl Item {
    pub fn new(kind: ItemType, path: String) -> Self {
        Item {
            path,
            id: None,
            kind,
            title: None,
            tooltip: None,
            required: kind.required_by_default(),
            hidden: false,
            section_start: None,
            section_end: false,
            show_after: None,
            show_when: None,
            combines_with: Vec::new(),
            show_otherwise: kind.otherwise_by_default(),
            otherwise_label: None,
            otherwise_tooltip: None,
            otherwise_placeholder: None,
            foreach_student: false,
            label: None,
            uses: None,
            options: Vec::new(),
            rows: Vec::new(),
            max_selections: None,
            placeholder: None,
            default_value: None,
            min: None,
            max: None,
            date_min: None,
            date_max: None,
            step: None,
            start_value: None,
            unit: None,
            labels: Vec::new(),
            ticks: false,
            vertical: false,
            gradient: false,
            no_initial_thumb: false,
            maxlength: None,
            links_to_expandable: None,
            pattern: None,
            hint: None,
            time: TimeSettings::default(),
            today: false,
            default_date: None,
            days: DaysSettings::default(),
            shows_questions: Vec::new(),
            hides_questions: Vec::new(),
            content: Vec::new(),
            default_expansions: None,
            max_expansions: None,
            add_button_label: None,
            remove_button_label: None,
            raw_content: None,
            button_text: None,
            drawing: DrawingSettings::default(),
            network: None,
        }
    }

    /// A slider's range: 0..100 unless the file says otherwise.
    pub fn range_bounds(&self) -> (f64, f64) {
        (self.min.unwrap_or(0.0), self.max.unwrap_or(100.0))
    }

    /// Where a slider's thumb starts: the file's `start_value` inside the range, else the
    /// middle, on the step grid.
    pub fn slider_start(&self) -> f64 {
        let (min, max) = self.range_bounds();
        let step = self.step.filter(|s| *s > 0.0).unwrap_or(1.0);
        let start = self.start_value.filter(|v| *v >= min && *v <= max).unwrap_or((min + max) / 2.0);
        min + ((start - min) / step).round() * step
    }

    /// Whether a slider was set: the page's script says so (`ID__touched`), or (without the
    /// script) the value sent is not where the thumb started. A thumb left at its start is
    /// never an answer unless the person ticked that they chose it.
    pub fn slider_set(&self, said_touched: bool, sent: Option<&str>) -> bool {
        said_touched
            || sent.and_then(|v| v.trim().parse::<f64>().ok()).is_some_and(|n| (n - self.slider_start()).abs() > 1e-9)
    }

    /// The hours a `time` or `date_and_time` item offers: a duration of up to 6 hours unless
    /// the file says otherwise (u-can-act's default), a clock time's 0 to 23.
    pub fn hour_choices(&self) -> Vec<f64> {
        let mut t = self.time.clone();
        if self.kind == ItemType::DateAndTime && t.hours_to.is_none() {
            t.hours_to = Some(24.0);
        }
        t.hour_choices()
    }

    /// Every id whose visibility an answer to this item can change.
    pub fn toggles(&self) -> impl Iterator<Item = &String> {
        self.options
            .iter()
            .flat_map(|o| o.shows_questions.iter().chain(&o.hides_questions))
            .chain(self.rows.iter().flat_map(|r| r.shows_questions.iter().chain(&r.hides_questions)))
            .chain(self.shows_questions.iter().chain(&self.hides_questions))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    Average,
    Sum,
}

/// u-can-act's `preprocessing` of one id in a score: multiplied first, then offset
/// (`{multiply_with: -1, offset: 100}` reverses a 0-100 item).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Preprocessing {
    pub multiply_with: Option<f64>,
    pub offset: Option<f64>,
}

impl Preprocessing {
    pub fn apply(&self, v: f64) -> f64 {
        v * self.multiply_with.unwrap_or(1.0) + self.offset.unwrap_or(0.0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub path: String,
    pub id: String,
    pub label: Option<Text>,
    pub ids: Vec<String>,
    pub preprocessing: BTreeMap<String, Preprocessing>,
    pub operation: Operation,
    pub require_all: bool,
    pub round_to_decimals: Option<u32>,
}

/// One step of a questionnaire: the items between two `page_break`s (indices into
/// `questions`, the page breaks themselves left out), with the heading its page break gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Step<'q> {
    pub heading: Option<&'q Item>,
    pub items: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Questionnaire {
    pub key: String,
    pub name: Option<String>,
    pub title: Option<Text>,
    pub questions: Vec<Item>,
    pub scores: Vec<Score>,
    /// The content hash of the source: what a response records.
    pub version: String,
}

impl Questionnaire {
    /// Every item, nested expandable content included, in order.
    pub fn all_items(&self) -> Vec<&Item> {
        fn walk<'a>(items: &'a [Item], out: &mut Vec<&'a Item>) {
            for i in items {
                out.push(i);
                walk(&i.content, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.questions, &mut out);
        out
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.all_items().into_iter().find(|i| i.id.as_deref() == Some(id))
    }

    /// The steps of the questionnaire: a `page_break` starts a new one. Without page breaks
    /// the whole questionnaire is one step.
    pub fn steps(&self) -> Vec<Step<'_>> {
        let mut out = Vec::new();
        let mut heading = None;
        let mut start = 0;
        for (i, item) in self.questions.iter().enumerate() {
            if item.kind == ItemType::PageBreak {
                if i > start || heading.is_some() {
                    out.push(Step { heading, items: start..i });
                }
                heading = Some(item);
                start = i + 1;
            }
        }
        if start < self.questions.len() || heading.is_some() || out.is_empty() {
            out.push(Step { heading, items: start..self.questions.len() });
        }
        out
    }

    /// The step (1-based) each top-level item is on, by position: a page break is on the step
    /// it opens. A page without scripts shows one step at a time by these numbers.
    pub fn step_numbers(&self) -> Vec<usize> {
        let mut out = vec![1; self.questions.len()];
        for (n, step) in self.steps().iter().enumerate() {
            for i in step.items.clone() {
                out[i] = n + 1;
            }
            if let (Some(_), Some(at)) = (step.heading, step.items.start.checked_sub(1)) {
                out[at] = n + 1;
            }
        }
        out
    }
}
