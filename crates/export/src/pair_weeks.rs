//! `pair-weeks`: one row per student, mentor and calendar week of their pair, the student's
//! diary and the mentor's diary about that student side by side (columns prefixed `student.`
//! and `mentor.`), and per pair the number of weeks in which both answered. Read one pair at a
//! time.

use crate::batch::{self, AnswerRow};
use crate::columns::{self, Column};
use crate::context::{questionnaire_versions, Pair, StudyContext};
use crate::sink::{Cell, Sink};
use crate::{pseudonym, ExportResult, Progress, Request};
use chrono::NaiveDate;
use diesel::prelude::*;
use koers_core::protocol::MeasurementKind;
use koers_core::time::local_date;
use koers_core::weeks;
use koers_store::schema::{responses, subscriptions};
use koers_store::studies::from_db;
use koers_store::DbConnection;
use std::collections::{BTreeMap, BTreeSet};

/// One diary window of the pair's weeks.
struct Window {
    id: i64,
    monday: NaiveDate,
    completed: bool,
}

/// Diary windows of a person (about a student, for a mentor) that opened in the pair's period.
fn windows(
    conn: &mut DbConnection,
    ctx: &StudyContext,
    person: i64,
    about: Option<i64>,
    pair: &Pair,
    last_day: NaiveDate,
) -> ExportResult<Vec<Window>> {
    let mut q =
        responses::table.inner_join(subscriptions::table).filter(subscriptions::person_id.eq(person)).into_boxed();
    q = match about {
        Some(s) => q.filter(subscriptions::filling_out_for_id.eq(s)),
        None => q.filter(subscriptions::filling_out_for_id.is_null()),
    };
    let rows: Vec<(i64, i64, String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> = q
        .order(responses::open_at)
        .select((
            responses::id,
            subscriptions::protocol_id,
            responses::measurement_key,
            responses::open_at,
            responses::completed_at,
        ))
        .load(conn)?;
    let end = pair.ends_on.unwrap_or(last_day);
    Ok(rows
        .into_iter()
        .filter(|(_, protocol, key, _, _)| ctx.measurement_kind(*protocol, key) == Some(MeasurementKind::Diary))
        .filter_map(|(id, _, _, open, done)| {
            let date = local_date(ctx.zone, from_db(open));
            (pair.starts_on <= date && date <= end).then(|| Window {
                id,
                monday: weeks::monday_of(date),
                completed: done.is_some(),
            })
        })
        .collect())
}

/// The questionnaire keys of the diaries of one role, from the study's protocols.
fn diary_keys(ctx: &StudyContext, role: &str) -> BTreeSet<String> {
    ctx.protocols
        .values()
        .filter(|p| p.role.map(|r| r.as_str() == role).unwrap_or(false))
        .flat_map(|p| p.measurements.iter())
        .filter(|m| m.open_from_start.is_none() && m.offset_till_end.is_none())
        .map(|m| m.questionnaire.clone())
        .collect()
}

pub fn write(conn: &mut DbConnection, req: &Request, sink: &mut Sink<'_>, progress: Progress<'_>) -> ExportResult<u64> {
    let ctx = StudyContext::load(conn, req.study_id, req.teams.as_deref())?;
    let versions = questionnaire_versions(conn, req.study_id)?;
    let side = |role: &str, prefix: &str| -> Vec<Column> {
        let keys = diary_keys(&ctx, role);
        let qs: Vec<_> = versions.iter().filter(|q| keys.contains(&q.key)).collect();
        columns::of(&qs, prefix)
    };
    let (student_cols, mentor_cols) = (side("student", "student."), side("mentor", "mentor."));
    let mut header: Vec<String> = [
        "pair",
        "student",
        "mentor",
        "organisation",
        "group",
        "team",
        "calendar_week",
        "week_since_start",
        "week_from_dropout",
        "student_invited",
        "student_completed",
        "mentor_invited",
        "mentor_completed",
        "pair_weeks_both_completed",
    ]
    .map(String::from)
    .to_vec();
    header.extend(student_cols.iter().chain(&mentor_cols).map(|c| c.name.clone()));
    sink.header(header)?;

    let mut all: Vec<&Pair> = ctx.pairs.values().flatten().collect();
    all.sort_by_key(|p| p.id);
    let total = all.len() as u64;
    let today = local_date(ctx.zone, req.now);
    let (mut rows, mut done) = (0u64, 0u64);
    for pair in all {
        let student = windows(conn, &ctx, pair.student_id, None, pair, today)?;
        let mentor = windows(conn, &ctx, pair.mentor_id, Some(pair.student_id), pair, today)?;
        // Week (its Monday) -> the student's and the mentor's window of that week.
        let mut by_week: BTreeMap<NaiveDate, (Option<&Window>, Option<&Window>)> = BTreeMap::new();
        for w in &student {
            by_week.entry(w.monday).or_default().0.get_or_insert(w);
        }
        for w in &mentor {
            by_week.entry(w.monday).or_default().1.get_or_insert(w);
        }
        let both =
            by_week.values().filter(|(s, m)| s.is_some_and(|s| s.completed) && m.is_some_and(|m| m.completed)).count();
        let ids: Vec<i64> = by_week.values().flat_map(|(s, m)| [s.map(|w| w.id), m.map(|w| w.id)]).flatten().collect();
        let answers = batch::answers_of(conn, &ids)?;
        let scores = batch::scores_of(conn, &ids)?;
        let of = |w: Option<&Window>, cols: &[Column]| -> Vec<Cell> {
            match w {
                Some(w) if w.completed => {
                    let mine: Vec<&AnswerRow> = answers.iter().filter(|a| a.response_id == w.id).collect();
                    columns::cells(cols, &mine, scores.get(&w.id).map(Vec::as_slice).unwrap_or(&[]))
                }
                _ => vec![Cell::Empty; cols.len()],
            }
        };
        let person = ctx.people.get(&pair.student_id);
        for (monday, (s, m)) in &by_week {
            let mut cells = vec![
                Cell::Int(pair.id),
                Cell::text(pseudonym(&req.pseudonym_key, pair.student_id)),
                Cell::text(pseudonym(&req.pseudonym_key, pair.mentor_id)),
                Cell::opt_text(person.map(|p| p.organisation.clone())),
                Cell::opt_text(person.and_then(|p| p.group.clone())),
                Cell::opt_text(person.map(|p| p.team.clone())),
                Cell::text(weeks::calendar_week(*monday)),
                Cell::opt_int(person.and_then(|p| p.start).map(|st| weeks::week_since_start(st, *monday))),
                Cell::opt_int(person.and_then(|p| p.dropout_date).map(|d| weeks::week_from(d, *monday))),
                Cell::flag(s.is_some()),
                Cell::flag(s.is_some_and(|w| w.completed)),
                Cell::flag(m.is_some()),
                Cell::flag(m.is_some_and(|w| w.completed)),
                Cell::Int(both as i64),
            ];
            cells.extend(of(*s, &student_cols));
            cells.extend(of(*m, &mentor_cols));
            sink.row(&cells)?;
            rows += 1;
        }
        done += 1;
        if done % 100 == 0 || done == total {
            progress(done, Some(total));
        }
    }
    Ok(rows)
}
