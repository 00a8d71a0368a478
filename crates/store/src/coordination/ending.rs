//! Recording that a student left school or switched (an outcome), and, only when the coordinator
//! chooses so as well, ending their participation.

use super::scope::{study_zone, visible};
use super::{audit_change, problem, CoordinationError, CoordinationResult};
use crate::db::DbConnection;
use crate::schema::{pairs, people, subscriptions};
use crate::sending;
use crate::staff::Scope;
use crate::studies::to_db;
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use koers_core::msg::Msg;
use koers_core::people::{DropoutType, Role, SubscriptionState};
use koers_core::time::local_date;

/// Why a student's participation ends, as a coordinator records it.
#[derive(Debug, Clone)]
pub struct Ending {
    pub reason: DropoutType,
    pub date: NaiveDate,
    pub note: Option<String>,
    /// What the student does next (work, another programme), as the coordinator heard it.
    pub next: Option<String>,
    /// Whether participation ends too; without it diary, mentor and pair go on.
    pub end: bool,
}

const MAX_NOTE: usize = 500;

/// Records a student's outcome (reason, date, what next). With `ending.end` it also ends their
/// participation: their own
/// subscriptions stop now (so the closing questionnaire opens; the scheduler then ends their
/// mentors' subscriptions for them), and their open pairs end today with reason `ended`.
pub fn end_participation(
    conn: &mut DbConnection,
    scope: &Scope,
    id: i64,
    ending: &Ending,
    real_now: DateTime<Utc>,
) -> CoordinationResult<usize> {
    let v = visible(conn, scope, id)?;
    let now = crate::study_clock::of_study(conn, v.study_id)?.at(real_now);
    if v.role != Role::Student {
        return Err(CoordinationError::NotFound);
    }
    if v.ended && ending.end {
        return Err(problem("reason", Msg::new("end-already-ended")));
    }
    let note = ending.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE) {
        return Err(problem("note", Msg::new("form-too-long").arg("max", MAX_NOTE)));
    }
    let zone = study_zone(conn, v.study_id)?;
    let today = local_date(zone, now);
    if ending.date > today + TimeDelta::days(366) || ending.date.year() < 2000 {
        return Err(problem("date", Msg::new("end-date-too-far")));
    }
    let now_db = to_db(now);
    let next = ending.next.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if next.is_some_and(|n| n.chars().count() > 100) {
        return Err(problem("next", Msg::new("form-too-long").arg("max", 100)));
    }
    diesel::update(people::table.find(id))
        .set((
            people::dropout_type.eq(ending.reason.as_str()),
            people::dropout_date.eq(ending.date),
            people::dropout_next.eq(next),
            people::updated_at.eq(now_db),
        ))
        .execute(conn)?;
    if !ending.end {
        audit_change(
            conn,
            scope,
            "person.outcome",
            &v,
            serde_json::json!({"reason": ending.reason.as_str(), "date": ending.date.to_string()}),
            now,
        )?;
        return Ok(0);
    }
    let end_reason = match note {
        Some(n) => format!("{}: {n}", ending.reason.as_str()),
        None => ending.reason.as_str().to_string(),
    };
    diesel::update(people::table.find(id))
        .set((people::ended_at.eq(now_db), people::end_reason.eq(&end_reason), people::updated_at.eq(now_db)))
        .execute(conn)?;
    let subs: Vec<i64> = subscriptions::table
        .filter(subscriptions::person_id.eq(id))
        .filter(subscriptions::filling_out_for_id.is_null())
        .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
        .select(subscriptions::id)
        .load(conn)?;
    let mut stopped = 0;
    for s in subs {
        stopped += usize::from(sending::stop_subscription(conn, s, ending.reason.as_str(), now)?);
    }
    let open: Vec<(i64, NaiveDate)> = pairs::table
        .filter(pairs::student_id.eq(id).and(pairs::ends_on.is_null()))
        .select((pairs::id, pairs::starts_on))
        .load(conn)?;
    for (pair, starts_on) in open {
        diesel::update(pairs::table.find(pair))
            .set((pairs::ends_on.eq(today.max(starts_on)), pairs::end_reason.eq("ended")))
            .execute(conn)?;
    }
    audit_change(
        conn,
        scope,
        "person.end",
        &v,
        serde_json::json!({"reason": ending.reason.as_str(), "date": ending.date.to_string(), "stopped": stopped}),
        now,
    )?;
    Ok(stopped)
}
