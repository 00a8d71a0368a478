//! Early-warning rules on a student's weekly diaries, per construct: pure, so the same rules run
//! in the web application, the rehearsal and a researcher's check of them. A warning is a signal
//! for a conversation (worded as a question to the mentor), never a diagnosis.
//!
//! The rules see one point per diary week the student was invited to, in order; a point without
//! an answered diary counts as missed. Values are on the sliders' 0-100 scale.

use crate::msg::Msg;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a warning or a trend is about: a construct of the student diary, with the items whose
/// mean it is (see questionnaires/student_diary.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Construct {
    Commitment,
    PassConfidence,
    TimeEnough,
    Wellbeing,
    NeedSchool,
    NeedOutside,
}

impl Construct {
    pub const ALL: [Construct; 6] = [
        Construct::Commitment,
        Construct::PassConfidence,
        Construct::TimeEnough,
        Construct::Wellbeing,
        Construct::NeedSchool,
        Construct::NeedOutside,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Construct::Commitment => "commitment",
            Construct::PassConfidence => "pass_confidence",
            Construct::TimeEnough => "time_enough",
            Construct::Wellbeing => "wellbeing",
            Construct::NeedSchool => "need_school",
            Construct::NeedOutside => "need_outside",
        }
    }

    /// The diary items it averages.
    pub fn items(self) -> &'static [&'static str] {
        match self {
            Construct::Commitment => &["programme_choice", "programme_fit"],
            Construct::PassConfidence => &["pass_confidence"],
            Construct::TimeEnough => &["school_hours_enough"],
            Construct::Wellbeing => &["wellbeing"],
            Construct::NeedSchool => &["school_autonomy", "school_competence", "school_peers", "school_teachers"],
            Construct::NeedOutside => &["outside_autonomy", "outside_competence", "outside_friends", "outside_family"],
        }
    }

    pub fn parse(s: &str) -> Option<Construct> {
        Construct::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The construct's value in one diary: the mean of its answered items (0-100); `time_enough`
    /// is 100 for "enough" and 0 for too little or too much. `None` when no item was answered.
    pub fn value(self, numbers: &BTreeMap<String, f64>, texts: &BTreeMap<String, String>) -> Option<f64> {
        if self == Construct::TimeEnough {
            return texts.get("school_hours_enough").map(|v| if v == "enough" { 100.0 } else { 0.0 });
        }
        let vals: Vec<f64> = self.items().iter().filter_map(|i| numbers.get(*i).copied()).collect();
        (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64)
    }
}

/// Which rule gave a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    SustainedFall,
    FallAfterHighStart,
    LowAfterMidYear,
    MissingInRow,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::SustainedFall => "sustained_fall",
            Rule::FallAfterHighStart => "fall_after_high_start",
            Rule::LowAfterMidYear => "low_after_mid_year",
            Rule::MissingInRow => "missing_in_row",
        }
    }
}

/// The rules' numbers, as a study sets them in the `feedback.rules` part of its settings.
/// A rule with `weeks: 0` is off.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    pub sustained_fall: SustainedFall,
    pub fall_after_high_start: HighStart,
    pub low_after_mid_year: LowAfterMidYear,
    pub missing_in_row: MissingInRow,
}

/// `weeks` answered diaries in a row below the person's own mean of the diaries before them by
/// more than `threshold`, with at least `min_baseline` diaries before them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SustainedFall {
    pub weeks: usize,
    pub threshold: f64,
    pub min_baseline: usize,
}

impl Default for SustainedFall {
    fn default() -> Self {
        SustainedFall { weeks: 3, threshold: 10.0, min_baseline: 2 }
    }
}

/// The first `start_weeks` answered diaries average at least `high`, and then `weeks` in a row
/// lie more than `drop` below that start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HighStart {
    pub start_weeks: usize,
    pub high: f64,
    pub drop: f64,
    pub weeks: usize,
}

impl Default for HighStart {
    fn default() -> Self {
        HighStart { start_weeks: 2, high: 80.0, drop: 20.0, weeks: 2 }
    }
}

/// From `mid_year` (month-day, e.g. `02-01`) to the end of July: `weeks` answered diaries in a
/// row below `below`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LowAfterMidYear {
    pub mid_year: String,
    pub below: f64,
    pub weeks: usize,
}

impl Default for LowAfterMidYear {
    fn default() -> Self {
        LowAfterMidYear { mid_year: "02-01".into(), below: 35.0, weeks: 2 }
    }
}

/// `weeks` diaries in a row not answered (about the student as a whole, no construct).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MissingInRow {
    pub weeks: usize,
}

impl Default for MissingInRow {
    fn default() -> Self {
        MissingInRow { weeks: 2 }
    }
}

impl Rules {
    /// Problems with the numbers, each a sentence.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.sustained_fall.weeks > 20 || !(0.0..=100.0).contains(&self.sustained_fall.threshold) {
            out.push("rules.sustained_fall: weeks at most 20, threshold between 0 and 100".into());
        }
        if self.fall_after_high_start.start_weeks == 0 && self.fall_after_high_start.weeks > 0 {
            out.push("rules.fall_after_high_start.start_weeks must be at least 1".into());
        }
        if mid_year(&self.low_after_mid_year.mid_year).is_none() {
            out.push(format!("rules.low_after_mid_year.mid_year '{}' is not MM-DD", self.low_after_mid_year.mid_year));
        }
        if self.missing_in_row.weeks > 20 {
            out.push("rules.missing_in_row.weeks must be at most 20".into());
        }
        out
    }
}

fn mid_year(s: &str) -> Option<(u32, u32)> {
    let (m, d) = s.split_once('-')?;
    let (m, d) = (m.parse().ok()?, d.parse().ok()?);
    NaiveDate::from_ymd_opt(2028, m, d).map(|_| (m, d))
}

/// One diary week the student was invited to.
#[derive(Debug, Clone, PartialEq)]
pub struct Week {
    /// The day the diary opened (local date).
    pub date: NaiveDate,
    pub answered: bool,
    pub values: BTreeMap<Construct, f64>,
}

/// A rule that holds at a diary week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub rule: Rule,
    /// `None` for missed diaries (about the student as a whole).
    pub construct: Option<Construct>,
    /// The diary week (its opening date) at which the rule holds.
    pub date: NaiveDate,
}

impl Warning {
    /// What a mentor (and a coordinator) reads: a question, never a diagnosis. The catalogue
    /// names the construct from its `construct` argument (`construct-title`).
    pub fn msg(&self, student: &str) -> Msg {
        match self.construct {
            Some(c) => Msg::new("warning-less-well").arg("student", student).arg("construct", c.as_str()),
            None => Msg::new("warning-missing").arg("student", student),
        }
    }
}

/// The warnings that hold at the last week of `weeks` (what a mentor sees now).
pub fn current(rules: &Rules, constructs: &[Construct], weeks: &[Week]) -> Vec<Warning> {
    let Some(last) = weeks.last() else { return Vec::new() };
    let mut out = Vec::new();
    if missing_in_row(&rules.missing_in_row, weeks) {
        out.push(Warning { rule: Rule::MissingInRow, construct: None, date: last.date });
    }
    if !last.answered {
        return out;
    }
    for &c in constructs {
        let series: Vec<(NaiveDate, f64)> =
            weeks.iter().filter_map(|w| w.values.get(&c).map(|v| (w.date, *v))).collect();
        // A construct's rules speak only in a week that has its value.
        if series.last().map(|s| s.0) != Some(last.date) {
            continue;
        }
        for (rule, holds) in [
            (Rule::SustainedFall, sustained_fall(&rules.sustained_fall, &series)),
            (Rule::FallAfterHighStart, high_start(&rules.fall_after_high_start, &series)),
            (Rule::LowAfterMidYear, low_after_mid_year(&rules.low_after_mid_year, &series)),
        ] {
            if holds {
                out.push(Warning { rule, construct: Some(c), date: last.date });
            }
        }
    }
    out
}

/// Every warning at the first week it held (what the rules would have shown over time).
pub fn first_warnings(rules: &Rules, constructs: &[Construct], weeks: &[Week]) -> Vec<Warning> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for end in 1..=weeks.len() {
        for w in current(rules, constructs, &weeks[..end]) {
            if seen.insert((w.rule, w.construct)) {
                out.push(w);
            }
        }
    }
    out
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn sustained_fall(r: &SustainedFall, s: &[(NaiveDate, f64)]) -> bool {
    if r.weeks == 0 || s.len() < r.weeks + r.min_baseline.max(1) {
        return false;
    }
    let (before, recent) = s.split_at(s.len() - r.weeks);
    let base = mean(&before.iter().map(|p| p.1).collect::<Vec<_>>());
    recent.iter().all(|p| p.1 < base - r.threshold)
}

fn high_start(r: &HighStart, s: &[(NaiveDate, f64)]) -> bool {
    if r.weeks == 0 || r.start_weeks == 0 || s.len() < r.start_weeks + r.weeks {
        return false;
    }
    let start = mean(&s[..r.start_weeks].iter().map(|p| p.1).collect::<Vec<_>>());
    start >= r.high && s[s.len() - r.weeks..].iter().all(|p| p.1 < start - r.drop)
}

fn low_after_mid_year(r: &LowAfterMidYear, s: &[(NaiveDate, f64)]) -> bool {
    let Some((m, d)) = mid_year(&r.mid_year) else { return false };
    if r.weeks == 0 || s.len() < r.weeks {
        return false;
    }
    let after = |date: NaiveDate| (date.month(), date.day()) >= (m, d) && date.month() <= 7;
    s[s.len() - r.weeks..].iter().all(|p| after(p.0) && p.1 < r.below)
}

fn missing_in_row(r: &MissingInRow, weeks: &[Week]) -> bool {
    r.weeks > 0 && weeks.len() >= r.weeks && weeks[weeks.len() - r.weeks..].iter().all(|w| !w.answered)
}

#[cfg(test)]
#[path = "warnings_tests.rs"]
mod tests;
