//! Moving a person to another protocol from a chosen date (a lighter aftercare protocol after a
//! dropout, say). Their current own subscription keeps its windows before the date (and every
//! answer keeps the protocol it was given under); from the date the new protocol's windows
//! follow. The scheduler plans the old one with `koers_core::protocol::moved`.

use crate::audit;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{people, studies, subscriptions, teams};
use crate::studies::to_db;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use koers_core::people::SubscriptionState;
use koers_core::protocol::moved::MOVED;
use koers_core::time::{local_date, start_of_local_day};

/// Who moves the person, for the audit log.
#[derive(Debug, Clone, Copy)]
pub struct MovedBy<'a> {
    /// `cli`, `staff:ID`.
    pub actor: &'a str,
    pub staff_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolMove {
    /// Midnight of the chosen date in the study's zone: the old windows stop, the new start.
    pub moved_at: DateTime<Utc>,
    pub ended_subscriptions: Vec<i64>,
    pub new_subscription_id: i64,
}

/// Moves the person's own participation to `protocol` (a protocol of their study, for their
/// role) from `from` (today or later, in the study's zone). Audited.
pub fn move_to_protocol(
    conn: &mut DbConnection,
    person_id: i64,
    protocol: &str,
    from: NaiveDate,
    by: MovedBy<'_>,
    real_now: DateTime<Utc>,
) -> StoreResult<ProtocolMove> {
    let row: Option<(i64, String, Option<NaiveDateTime>, String, i64)> = people::table
        .inner_join(studies::table)
        .inner_join(teams::table)
        .filter(people::id.eq(person_id))
        .select((people::study_id, people::role, people::ended_at, studies::time_zone, teams::organisation_id))
        .first(conn)
        .optional()?;
    let Some((study_id, role, ended_at, zone, organisation_id)) = row else {
        return Err(StoreError::NotFound(format!("person {person_id}")));
    };
    if ended_at.is_some() {
        return Err(StoreError::Invalid("this person no longer takes part; a new protocol cannot start".into()));
    }
    let zone = koers_core::time::parse_zone(&zone).map_err(StoreError::Invalid)?;
    let now = crate::study_clock::of_study(conn, study_id)?.at(real_now);
    let today = local_date(zone, now);
    if from < today {
        return Err(StoreError::Invalid(format!("{from} is in the past; choose today ({today}) or a later date")));
    }
    let protocols = crate::definitions::latest_protocols(conn, study_id)?;
    let Some(target) = protocols.get(protocol) else {
        return Err(StoreError::Invalid(format!(
            "there is no protocol '{protocol}' in this study; known: {}",
            protocols.keys().cloned().collect::<Vec<_>>().join(", ")
        )));
    };
    if target.role.as_deref().is_some_and(|r| r != role) {
        return Err(StoreError::Invalid(format!("protocol '{protocol}' is not for a {role}")));
    }
    let current: Vec<(i64, i64)> = subscriptions::table
        .filter(subscriptions::person_id.eq(person_id))
        .filter(subscriptions::filling_out_for_id.is_null())
        .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
        .select((subscriptions::id, subscriptions::protocol_id))
        .load(conn)?;
    if current.iter().any(|(_, p)| *p == target.id) {
        return Err(StoreError::Invalid(format!("this person already follows protocol '{protocol}'")));
    }
    let moved_at = start_of_local_day(zone, from);
    for (id, _) in &current {
        diesel::update(subscriptions::table.find(id))
            .set((
                subscriptions::ends_at.eq(to_db(moved_at)),
                subscriptions::end_reason.eq(MOVED),
                subscriptions::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    let new_subscription_id = crate::people::insert_subscription(
        conn,
        &crate::people::NewSubscription {
            person_id,
            protocol_id: target.id,
            filling_out_for: None,
            starts_at: moved_at,
            ends_at: None,
        },
        now,
    )?;
    let real = crate::study_clock::of_study(conn, study_id)?.real_instant(now);
    audit::record(
        conn,
        real,
        &audit::Entry {
            actor: by.actor,
            actor_staff_id: by.staff_id,
            action: "person.protocol_move",
            study_id: Some(study_id),
            organisation_id: Some(organisation_id),
            target_kind: Some("person"),
            target_id: Some(person_id),
            details: serde_json::json!({
                "protocol": protocol,
                "from": from.to_string(),
                "ended_subscriptions": current.iter().map(|c| c.0).collect::<Vec<_>>(),
            }),
        },
    )?;
    Ok(ProtocolMove { moved_at, ended_subscriptions: current.into_iter().map(|c| c.0).collect(), new_subscription_id })
}

/// Whether a subscription was moved away from (its windows stop at its `ends_at`).
pub fn was_moved(end_reason: Option<&str>) -> bool {
    end_reason == Some(MOVED)
}
