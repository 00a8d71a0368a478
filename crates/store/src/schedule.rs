//! Materialising windows and invitations, and claiming due invitations exactly once.
//!
//! Every row here has a natural unique key (a response per subscription, measurement and
//! occurrence; an invitation per person and dedupe key), and rows are only ever inserted with
//! "do nothing on conflict". Two instances, a retry or a restart therefore cannot create a second
//! invitation for the same message: exactly-once holds by construction.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{invitation_responses, invitations, people, protocols, responses, studies, subscriptions};
use crate::studies::{from_db, to_db};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use koers_core::invitation::{InvitationKind, InvitationStatus};
use koers_core::people::SubscriptionState;
use koers_core::protocol::windows::Window;
use koers_core::protocol::Channel;

/// Inserts a row unless its unique key exists; the same values on both backends.
macro_rules! insert_ignoring_conflict {
    ($conn:expr, $table:expr, $values:expr) => {
        match $conn {
            DbConnection::Postgres(c) => {
                diesel::insert_into($table).values($values).on_conflict_do_nothing().execute(c)
            }
            DbConnection::Sqlite(c) => diesel::insert_or_ignore_into($table).values($values).execute(c),
        }
    };
}

#[derive(Debug, Clone, Queryable)]
pub struct ActiveSubscription {
    pub id: i64,
    pub person_id: i64,
    pub filling_out_for: Option<i64>,
    pub starts_at: chrono::NaiveDateTime,
    pub ends_at: Option<chrono::NaiveDateTime>,
    pub protocol_id: i64,
    pub protocol_name: String,
    pub protocol_content: String,
    pub study_id: i64,
    pub time_zone: String,
    pub test_mode: bool,
    pub clock_offset_micros: i64,
    /// When the person was enrolled in it (on the study's clock).
    pub created_at: chrono::NaiveDateTime,
    /// Set while active when it was stopped early or moved to another protocol.
    pub end_reason: Option<String>,
}

impl ActiveSubscription {
    /// The clock of the subscription's study: every decision about it is made on that time.
    pub fn clock(&self) -> koers_core::clock::StudyClock {
        koers_core::clock::StudyClock::from_offset_micros(self.clock_offset_micros)
    }
}

pub fn active_subscriptions(conn: &mut DbConnection) -> StoreResult<Vec<ActiveSubscription>> {
    Ok(subscriptions::table
        .inner_join(protocols::table)
        .inner_join(people::table.on(people::id.eq(subscriptions::person_id)))
        .inner_join(studies::table.on(studies::id.eq(people::study_id)))
        .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
        .order(subscriptions::id)
        .select((
            subscriptions::id,
            subscriptions::person_id,
            subscriptions::filling_out_for_id,
            subscriptions::starts_at,
            subscriptions::ends_at,
            protocols::id,
            protocols::name,
            protocols::content,
            studies::id,
            studies::time_zone,
            studies::test_mode,
            studies::clock_offset_micros,
            subscriptions::created_at,
            subscriptions::end_reason,
        ))
        .load(conn)?)
}

/// A study as the dispatcher sees it: whose clock to send by, and whether it is a rehearsal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StudyClockRow {
    pub study_id: i64,
    pub test_mode: bool,
    pub clock: koers_core::clock::StudyClock,
}

/// Every study's clock, read afresh for each round of sending.
pub fn study_clocks(conn: &mut DbConnection) -> StoreResult<Vec<StudyClockRow>> {
    let rows: Vec<(i64, bool, i64)> = studies::table
        .order(studies::id)
        .select((studies::id, studies::test_mode, studies::clock_offset_micros))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(study_id, test_mode, micros)| StudyClockRow {
            study_id,
            test_mode,
            clock: koers_core::clock::StudyClock::from_offset_micros(micros),
        })
        .collect())
}

/// The response row of a window, created if it is not there yet; returns its id.
pub fn ensure_response(
    conn: &mut DbConnection,
    subscription_id: i64,
    w: &Window,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    insert_ignoring_conflict!(
        conn,
        responses::table,
        (
            responses::subscription_id.eq(subscription_id),
            responses::measurement_key.eq(&w.measurement),
            responses::occurrence.eq(w.occurrence as i32),
            responses::questionnaire_key.eq(&w.questionnaire),
            responses::open_at.eq(to_db(w.open_at)),
            responses::remind_at.eq(w.remind_at.map(to_db)),
            responses::close_at.eq(to_db(w.close_at)),
            responses::created_at.eq(to_db(now)),
        )
    )?;
    Ok(responses::table
        .filter(responses::subscription_id.eq(subscription_id))
        .filter(responses::measurement_key.eq(&w.measurement))
        .filter(responses::occurrence.eq(w.occurrence as i32))
        .select(responses::id)
        .first(conn)?)
}

#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    pub person_id: i64,
    pub response_id: Option<i64>,
    /// Unique per person: one message per window and kind, however many responses share it.
    pub dedupe_key: &'a str,
    pub kind: InvitationKind,
    pub channel: Channel,
    pub due_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Plans an invitation unless one with the same key exists; true if this call created it.
pub fn ensure_invitation(conn: &mut DbConnection, inv: &NewInvitation<'_>, now: DateTime<Utc>) -> StoreResult<bool> {
    let now = to_db(now);
    let n = insert_ignoring_conflict!(
        conn,
        invitations::table,
        (
            invitations::person_id.eq(inv.person_id),
            invitations::response_id.eq(inv.response_id),
            invitations::dedupe_key.eq(inv.dedupe_key),
            invitations::kind.eq(inv.kind.as_str()),
            invitations::channel.eq(inv.channel.as_str()),
            invitations::status.eq(InvitationStatus::Pending.as_str()),
            invitations::due_at.eq(to_db(inv.due_at)),
            invitations::expires_at.eq(inv.expires_at.map(to_db)),
            invitations::created_at.eq(now),
            invitations::updated_at.eq(now),
        )
    )?;
    // The person's one message for this window covers this response too (a mentor's diaries
    // about each of their students).
    if let Some(response_id) = inv.response_id {
        let id: i64 = invitations::table
            .filter(invitations::person_id.eq(inv.person_id).and(invitations::dedupe_key.eq(inv.dedupe_key)))
            .select(invitations::id)
            .first(conn)?;
        link_response(conn, id, response_id)?;
    }
    Ok(n == 1)
}

/// Records that this message covers this response (idempotent).
pub fn link_response(conn: &mut DbConnection, invitation_id: i64, response_id: i64) -> StoreResult<()> {
    insert_ignoring_conflict!(
        conn,
        invitation_responses::table,
        (invitation_responses::invitation_id.eq(invitation_id), invitation_responses::response_id.eq(response_id))
    )?;
    Ok(())
}

/// Claims up to `limit` of a study's invitations that are due by the study's clock (`now`) for
/// this worker; each is handed to one worker only. The claim itself is stamped with real time
/// (`real_now`), since claim timeouts are about this process, not about the study.
pub fn claim_due(
    conn: &mut DbConnection,
    worker: &str,
    study_id: i64,
    now: DateTime<Utc>,
    real_now: DateTime<Utc>,
    limit: i64,
) -> StoreResult<Vec<i64>> {
    let now_db = to_db(now);
    let real_db = to_db(real_now);
    match conn {
        DbConnection::Postgres(c) => {
            use diesel::sql_types::{BigInt, Text, Timestamp};
            #[derive(QueryableByName)]
            struct Id {
                #[diesel(sql_type = BigInt)]
                id: i64,
            }
            let [pending, retry] = InvitationStatus::codes(InvitationStatus::WAITING);
            let claimed = InvitationStatus::Claimed.as_str();
            let ids: Vec<Id> = diesel::sql_query(format!(
                "UPDATE invitations SET status = '{claimed}', claimed_at = $4, claimed_by = $2, attempts = attempts + 1, updated_at = $4 \
                 WHERE id IN (SELECT id FROM invitations \
                              WHERE status IN ('{pending}', '{retry}') AND due_at <= $1 \
                                AND (next_attempt_at IS NULL OR next_attempt_at <= $1) \
                                AND person_id IN (SELECT id FROM people WHERE study_id = $5) \
                              ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
                 RETURNING id",
            ))
            .bind::<Timestamp, _>(now_db)
            .bind::<Text, _>(worker)
            .bind::<BigInt, _>(limit)
            .bind::<Timestamp, _>(real_db)
            .bind::<BigInt, _>(study_id)
            .load(c)?;
            Ok(ids.into_iter().map(|i| i.id).collect())
        }
        DbConnection::Sqlite(_) => crate::db::write_transaction(conn, |conn| -> StoreResult<Vec<i64>> {
            let ids: Vec<i64> = invitations::table
                .filter(invitations::status.eq_any(InvitationStatus::codes(InvitationStatus::WAITING)))
                .filter(invitations::due_at.le(now_db))
                .filter(invitations::next_attempt_at.is_null().or(invitations::next_attempt_at.le(now_db)))
                .filter(
                    invitations::person_id
                        .eq_any(people::table.filter(people::study_id.eq(study_id)).select(people::id)),
                )
                .order((invitations::due_at, invitations::id))
                .limit(limit)
                .select(invitations::id)
                .load(conn)?;
            if !ids.is_empty() {
                diesel::update(invitations::table.filter(invitations::id.eq_any(&ids)))
                    .set((
                        invitations::status.eq(InvitationStatus::Claimed.as_str()),
                        invitations::claimed_at.eq(real_db),
                        invitations::claimed_by.eq(worker),
                        invitations::attempts.eq(invitations::attempts + 1),
                        invitations::updated_at.eq(real_db),
                    ))
                    .execute(conn)?;
            }
            Ok(ids)
        }),
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct InvitationRow {
    pub id: i64,
    pub person_id: i64,
    pub response_id: Option<i64>,
    pub dedupe_key: String,
    #[diesel(deserialize_as = String)]
    pub kind: InvitationKind,
    #[diesel(deserialize_as = String)]
    pub status: InvitationStatus,
    pub due_at: chrono::NaiveDateTime,
    pub expires_at: Option<chrono::NaiveDateTime>,
    pub attempts: i32,
    pub gateway_message_id: Option<String>,
}

pub fn invitation(conn: &mut DbConnection, id: i64) -> StoreResult<InvitationRow> {
    Ok(invitations::table
        .find(id)
        .select((
            invitations::id,
            invitations::person_id,
            invitations::response_id,
            invitations::dedupe_key,
            invitations::kind,
            invitations::status,
            invitations::due_at,
            invitations::expires_at,
            invitations::attempts,
            invitations::gateway_message_id,
        ))
        .first(conn)?)
}

/// When the instant a due row was stored is needed back as UTC.
pub fn utc(t: chrono::NaiveDateTime) -> DateTime<Utc> {
    from_db(t)
}

/// When a person's invitation with this key was planned, if it was.
pub fn invitation_created_at(
    conn: &mut DbConnection,
    person_id: i64,
    dedupe_key: &str,
) -> StoreResult<Option<DateTime<Utc>>> {
    let t: Option<chrono::NaiveDateTime> = invitations::table
        .filter(invitations::person_id.eq(person_id).and(invitations::dedupe_key.eq(dedupe_key)))
        .select(invitations::created_at)
        .first(conn)
        .optional()?;
    Ok(t.map(from_db))
}
