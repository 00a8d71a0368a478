//! `feedback`: every view and warning shown about a student (to their mentor or to staff), one
//! row each. Showing feedback is an intervention, so the analysis must know who saw what about
//! whom, when, and by which rule.

use crate::sink::{Cell, Sink};
use crate::{pseudonym, ExportResult, Progress, Request};
use diesel::prelude::*;
use koers_store::schema::people;
use koers_store::DbConnection;
use std::collections::HashSet;

/// The columns, with what each holds (the codebook prints these).
pub const COLUMNS: [(&str, &str); 7] = [
    ("kind", "view (the mentor opened a student's trend or support-match page) or warning (an early warning was shown)"),
    ("about_person", "pseudonym of the student it was about"),
    ("shown_to", "pseudonym of the mentor it was shown to, or staff:ID for a coordinator's attention page"),
    ("rule", "for a warning: sustained_fall, fall_after_high_start, low_after_mid_year or missing_in_row"),
    ("construct", "the construct it was about (commitment, pass_confidence, time_enough, wellbeing, need_school, need_outside); empty for a view of all and for missed diaries"),
    ("calendar_week", "ISO calendar week of the diary week it was about (e.g. 2026-W41)"),
    ("shown_at", "when it was shown (UTC)"),
];

pub fn write(conn: &mut DbConnection, req: &Request, sink: &mut Sink<'_>, progress: Progress<'_>) -> ExportResult<u64> {
    sink.header(COLUMNS.iter().map(|c| c.0.to_string()).collect())?;
    let in_teams: Option<HashSet<i64>> = match &req.teams {
        Some(t) => Some(
            people::table
                .filter(people::study_id.eq(req.study_id).and(people::team_id.eq_any(t.clone())))
                .select(people::id)
                .load::<i64>(conn)?
                .into_iter()
                .collect(),
        ),
        None => None,
    };
    let mut rows = 0;
    for r in koers_store::feedback::shown_of_study(conn, req.study_id)? {
        if in_teams.as_ref().is_some_and(|t| !t.contains(&r.about)) {
            continue;
        }
        let shown_to = match (r.to_person, r.to_staff) {
            (Some(p), _) => pseudonym(&req.pseudonym_key, p),
            (None, Some(s)) => format!("staff:{s}"),
            _ => String::new(),
        };
        sink.row(&[
            Cell::text(r.kind),
            Cell::text(pseudonym(&req.pseudonym_key, r.about)),
            Cell::text(shown_to),
            Cell::opt_text(r.rule),
            Cell::opt_text(r.construct),
            Cell::text(r.calendar_week),
            Cell::text(r.shown_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        ])?;
        rows += 1;
    }
    progress(rows, Some(rows));
    Ok(rows)
}
