//! What a mentor's diary reports about their student, acted on when it is submitted: "I stopped
//! guiding this student" ends that pair, and "the student quit the programme" records an
//! outcome that leaves the student's own participation running.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{pairs, people, subscriptions};
use crate::sending;
use crate::studies::to_db;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use koers_core::people::{DropoutType, SubscriptionState};

/// The reason kept on a pair and on the mentor's diary subscription about the student.
pub const MENTOR_STOPPED: &str = "mentor_stopped";

/// The mentor stops guiding the student: their open pair ends `today` and the mentor's diary
/// about the student stops. The student's own diary goes on (a coordinator can pair them
/// with someone else). Returns how many diary subscriptions stopped.
pub fn mentor_stops_guiding(
    conn: &mut DbConnection,
    mentor_id: i64,
    student_id: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let open: Vec<(i64, NaiveDate)> = pairs::table
        .filter(pairs::student_id.eq(student_id).and(pairs::mentor_id.eq(mentor_id)).and(pairs::ends_on.is_null()))
        .select((pairs::id, pairs::starts_on))
        .load(conn)?;
    for (pair, starts_on) in open {
        diesel::update(pairs::table.find(pair))
            .set((pairs::ends_on.eq(today.max(starts_on)), pairs::end_reason.eq(MENTOR_STOPPED)))
            .execute(conn)?;
    }
    let subs: Vec<i64> = subscriptions::table
        .filter(subscriptions::person_id.eq(mentor_id).and(subscriptions::filling_out_for_id.eq(student_id)))
        .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
        .select(subscriptions::id)
        .load(conn)?;
    let mut stopped = 0;
    for s in subs {
        stopped += usize::from(sending::end_subscription(conn, s, SubscriptionState::Stopped, MENTOR_STOPPED, now)?);
    }
    Ok(stopped)
}

/// An outcome (a school leaver or switcher, when, and what next) recorded with the student,
/// without ending anything: diary, mentor and pair go on. An outcome already recorded (by a
/// coordinator, say) is kept. Returns whether this one was recorded.
pub fn record_outcome(
    conn: &mut DbConnection,
    student_id: i64,
    kind: DropoutType,
    date: NaiveDate,
    next: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let next = next.map(|n| n.chars().take(100).collect::<String>());
    let n = diesel::update(people::table.find(student_id).filter(people::dropout_type.is_null()))
        .set((
            people::dropout_type.eq(kind.as_str()),
            people::dropout_date.eq(date),
            people::dropout_next.eq(next),
            people::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// The outcome a mentor's "what will the student do now?" stands for.
pub fn outcome_of_next(next: Option<&str>) -> DropoutType {
    match next {
        Some("work") => DropoutType::SchoolLeaver,
        Some("other_programme") => DropoutType::Switcher,
        _ => DropoutType::Other,
    }
}
