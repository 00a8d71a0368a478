//! Handing a student over to another mentor.

use super::scope::{study_zone, visible};
use super::{audit_change, problem, CoordinationError, CoordinationResult};
use crate::db::DbConnection;
use crate::schema::{pairs, subscriptions};
use crate::staff::Scope;
use crate::{definitions, people as people_q, sending};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use koers_core::msg::Msg;
use koers_core::people::{Role, SubscriptionState};
use koers_core::time::local_date;
use koers_core::weeks::monday_of;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub new_pair_id: i64,
    pub starts_on: NaiveDate,
    pub ended_pairs: usize,
    pub new_subscription_id: Option<i64>,
}

/// Hands a student over to another mentor of the same study in scope. The open pair ends
/// (reason `handover`) on the Sunday before this week's Monday, the new pair starts on that
/// Monday (in the study's zone; for a pair that itself began this week, on the day it began, so
/// the new pair never starts before the old one), the old mentor's subscription for the student ends and the new
/// mentor's starts now. Nothing of the old pair is removed.
pub fn handover(
    conn: &mut DbConnection,
    scope: &Scope,
    student_id: i64,
    new_mentor_id: i64,
    real_now: DateTime<Utc>,
) -> CoordinationResult<Handover> {
    let student = visible(conn, scope, student_id)?;
    let now = crate::study_clock::of_study(conn, student.study_id)?.at(real_now);
    if student.role != Role::Student {
        return Err(CoordinationError::NotFound);
    }
    if student.ended {
        return Err(problem("mentor_id", Msg::new("handover-student-ended")));
    }
    let mentor = match visible(conn, scope, new_mentor_id) {
        Ok(m) if m.role == Role::Mentor && m.study_id == student.study_id && !m.ended => m,
        _ => return Err(problem("mentor_id", Msg::new("handover-choose-from-list"))),
    };
    let zone = study_zone(conn, student.study_id)?;
    let today = local_date(zone, now);
    let monday = monday_of(today);

    let open: Vec<(i64, i64, NaiveDate)> = pairs::table
        .filter(pairs::student_id.eq(student_id).and(pairs::ends_on.is_null()))
        .select((pairs::id, pairs::mentor_id, pairs::starts_on))
        .load(conn)?;
    if open.iter().any(|(_, m, _)| *m == mentor.id) {
        return Err(problem("mentor_id", Msg::new("handover-already-mentor")));
    }
    let mut protocol_id: Option<i64> = None;
    for (pair_id, old_mentor, starts_on) in &open {
        let ends_on = (monday - TimeDelta::days(1)).max(*starts_on);
        diesel::update(pairs::table.find(pair_id))
            .set((pairs::ends_on.eq(ends_on), pairs::end_reason.eq("handover")))
            .execute(conn)?;
        let subs: Vec<(i64, i64)> = subscriptions::table
            .filter(subscriptions::person_id.eq(old_mentor))
            .filter(subscriptions::filling_out_for_id.eq(student_id))
            .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
            .select((subscriptions::id, subscriptions::protocol_id))
            .load(conn)?;
        for (sub, protocol) in subs {
            protocol_id.get_or_insert(protocol);
            sending::end_subscription(conn, sub, SubscriptionState::Completed, "handover", now)?;
        }
    }
    let starts_on = open.iter().map(|(_, _, s)| *s).max().map_or(monday, |s| s.max(monday));
    let new_pair_id = people_q::insert_pair(conn, student_id, mentor.id, starts_on, now)?;
    if protocol_id.is_none() {
        protocol_id = definitions::latest_protocols(conn, student.study_id)?
            .into_values()
            .find(|p| p.role.as_deref() == Some(Role::Mentor.as_str()))
            .map(|p| p.id);
    }
    let new_subscription_id = match protocol_id {
        Some(protocol_id) => Some(people_q::insert_subscription(
            conn,
            &people_q::NewSubscription {
                person_id: mentor.id,
                protocol_id,
                filling_out_for: Some(student_id),
                starts_at: now,
                ends_at: None,
            },
            now,
        )?),
        None => None,
    };
    audit_change(
        conn,
        scope,
        "person.handover",
        &student,
        serde_json::json!({
            "from_mentors": open.iter().map(|o| o.1).collect::<Vec<_>>(),
            "to_mentor": mentor.id,
            "starts_on": starts_on.to_string(),
        }),
        now,
    )?;
    Ok(Handover { new_pair_id, starts_on, ended_pairs: open.len(), new_subscription_id })
}
