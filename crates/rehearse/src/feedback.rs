//! `koers rehearse --feedback`: the study's early-warning rules judged on the rehearsed diaries.
//! A falling-then-dropout student counts as caught when a rule held on the diaries from before
//! their dropout week; a steady student counts as a false alarm when any rule held at all.

use crate::engine::{Engine, Who};
use crate::patterns::Pattern;
use crate::RehearseError;
use chrono::{DateTime, TimeDelta, Utc};
use koers_core::warnings::{first_warnings, Warning};
use std::path::Path;

/// One rehearsed student the rules were run on.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub person: String,
    pub pattern: &'static str,
    /// The calendar week of the dropout (falling_dropout only).
    pub dropout_week: Option<String>,
    /// The first warning, with its calendar week (from the diaries before any dropout).
    pub first: Option<(String, String, String)>,
}

/// How the rules did on the rehearsal.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedbackReport {
    pub falling: usize,
    pub falling_caught: usize,
    pub steady: usize,
    pub steady_flagged: usize,
    pub flags: Vec<Flag>,
}

impl FeedbackReport {
    pub fn caught_share(&self) -> f64 {
        self.falling_caught as f64 / self.falling.max(1) as f64
    }

    pub fn false_alarm_share(&self) -> f64 {
        self.steady_flagged as f64 / self.steady.max(1) as f64
    }
}

pub fn evaluate<S>(e: &Engine<'_, S>) -> Result<FeedbackReport, RehearseError> {
    let settings = e.db.read(|c| koers_store::studies::settings_of(c, e.study.id))?.feedback;
    let mut report = FeedbackReport::default();
    for (actor, a) in e.actors.iter().enumerate() {
        let Who::Student(i) = a.who else { continue };
        let s = &e.cohort.students[i];
        if !matches!(s.pattern, Pattern::FallingDropout | Pattern::Steady) {
            continue;
        }
        let Some(&person) = e.person_ids.get(&actor) else { continue };
        // A dropout is recorded on the Tuesday of its week (see setup::plan_moments): only the
        // diaries before it count.
        let dropout: Option<DateTime<Utc>> =
            s.fate.dropout_week.map(|w| e.first_monday + TimeDelta::weeks(i64::from(w)) + TimeDelta::days(1));
        let before = dropout.unwrap_or(e.until);
        let weeks = e.db.read(|c| koers_store::feedback::diary_weeks(c, person, e.zone, before))?;
        let warnings: Vec<Warning> = first_warnings(&settings.rules, &settings.constructs, &weeks);
        let first = warnings.iter().min_by_key(|w| w.date).map(|w| {
            (
                w.rule.as_str().to_string(),
                w.construct.map(|c| c.as_str()).unwrap_or("").to_string(),
                koers_core::weeks::calendar_week(w.date),
            )
        });
        match s.pattern {
            Pattern::FallingDropout => {
                report.falling += 1;
                report.falling_caught += usize::from(first.is_some());
            }
            _ => {
                report.steady += 1;
                report.steady_flagged += usize::from(first.is_some());
            }
        }
        report.flags.push(Flag {
            person: koers_export::pseudonym(&e.pseudonym_key, person),
            pattern: s.pattern.as_str(),
            dropout_week: dropout.map(|d| koers_core::weeks::calendar_week(koers_core::time::local_date(e.zone, d))),
            first,
        });
    }
    report.flags.sort_by(|a, b| (a.pattern, &a.person).cmp(&(b.pattern, &b.person)));
    Ok(report)
}

/// Writes `feedback.csv`: one row per falling or steady student, flagged or not.
pub fn write(dir: &Path, r: &FeedbackReport) -> Result<(), RehearseError> {
    let path = dir.join("feedback.csv");
    let fail =
        |e: &dyn std::fmt::Display| RehearseError::Write { path: path.display().to_string(), error: e.to_string() };
    std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    let mut w = csv::Writer::from_path(&path).map_err(|e| fail(&e))?;
    w.write_record(["person", "pattern", "dropout_week", "flagged", "rule", "construct", "calendar_week"])
        .map_err(|e| fail(&e))?;
    for f in &r.flags {
        let (rule, construct, week) = f.first.clone().unwrap_or_default();
        let flagged = if f.first.is_some() { "yes" } else { "no" };
        w.write_record([
            f.person.as_str(),
            f.pattern,
            f.dropout_week.as_deref().unwrap_or(""),
            flagged,
            &rule,
            &construct,
            &week,
        ])
        .map_err(|e| fail(&e))?;
    }
    w.flush().map_err(|e| fail(&e))
}
