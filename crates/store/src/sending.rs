//! What the dispatcher needs around one invitation: who it is for, whether it should still go,
//! and the record of every attempt. Each function is one short transaction, so no transaction
//! or lock is ever held while the gateway is called.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{delivery_attempts, invitations, link_tokens, people, subscriptions};
use crate::studies::to_db;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use koers_core::invitation::InvitationStatus;
use koers_core::people::SubscriptionState;

pub use crate::send_context::{send_context, SendContext};

pub fn mark_skipped(conn: &mut DbConnection, id: i64, reason: &str, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(invitations::table.find(id))
        .set((
            invitations::status.eq(InvitationStatus::Skipped.as_str()),
            invitations::skip_reason.eq(reason),
            invitations::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Written before the gateway is called: an attempt without an outcome is what reconciliation
/// looks for after a crash. Only the worker that still holds the claim may start it, and
/// starting refreshes the claim (in real time, `real_now`), so a live send is never mistaken
/// for a crashed one; the attempt itself is stamped with the study's time (`now`).
pub fn start_attempt(
    conn: &mut DbConnection,
    invitation_id: i64,
    worker: &str,
    attempt: i32,
    now: DateTime<Utc>,
    real_now: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    crate::db::write_transaction(conn, |conn| -> StoreResult<Option<i64>> {
        let held = diesel::update(
            invitations::table.filter(
                invitations::id
                    .eq(invitation_id)
                    .and(invitations::status.eq(InvitationStatus::Claimed.as_str()))
                    .and(invitations::claimed_by.eq(worker)),
            ),
        )
        .set(invitations::claimed_at.eq(to_db(real_now)))
        .execute(conn)?;
        if held == 0 {
            return Ok(None);
        }
        Ok(Some(
            diesel::insert_into(delivery_attempts::table)
                .values((
                    delivery_attempts::invitation_id.eq(invitation_id),
                    delivery_attempts::attempt.eq(attempt),
                    delivery_attempts::started_at.eq(to_db(now)),
                ))
                .returning(delivery_attempts::id)
                .get_result(conn)?,
        ))
    })
}

pub enum Outcome<'a> {
    Sent { gateway: &'a str, message_id: &'a str },
    Retry { error: &'a str, next_attempt_at: DateTime<Utc> },
    Failed { error: &'a str, phone_refused: bool },
}

/// Records an attempt's outcome and moves the invitation on, in one transaction. `now` is the
/// study's time: it becomes the sent time researchers see and the base of a retry.
pub fn finish_attempt(
    conn: &mut DbConnection,
    invitation_id: i64,
    attempt_id: Option<i64>,
    outcome: Outcome<'_>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let now_db = to_db(now);
    crate::db::write_transaction(conn, |conn| -> StoreResult<()> {
        let (label, error, msg_id) = match &outcome {
            Outcome::Sent { message_id, .. } => ("sent", None, Some(*message_id)),
            Outcome::Retry { error, .. } => ("transient_error", Some(*error), None),
            Outcome::Failed { error, .. } => ("permanent_error", Some(*error), None),
        };
        let set = (
            delivery_attempts::finished_at.eq(now_db),
            delivery_attempts::outcome.eq(label),
            delivery_attempts::error.eq(error),
            delivery_attempts::gateway_message_id.eq(msg_id),
        );
        match attempt_id {
            Some(a) => diesel::update(delivery_attempts::table.find(a)).set(set).execute(conn)?,
            // Reconciled after a crash: close whatever attempt was left open.
            None => diesel::update(delivery_attempts::table.filter(
                delivery_attempts::invitation_id.eq(invitation_id).and(delivery_attempts::finished_at.is_null()),
            ))
            .set(set)
            .execute(conn)?,
        };
        let target = invitations::table.find(invitation_id);
        match outcome {
            Outcome::Sent { gateway, message_id } => diesel::update(target)
                .set((
                    invitations::status.eq(InvitationStatus::Sent.as_str()),
                    invitations::sent_at.eq(now_db),
                    invitations::gateway.eq(gateway),
                    invitations::gateway_message_id.eq(message_id),
                    invitations::last_error.eq(None::<String>),
                    invitations::updated_at.eq(now_db),
                ))
                .execute(conn)?,
            Outcome::Retry { error, next_attempt_at } => diesel::update(target)
                .set((
                    invitations::status.eq(InvitationStatus::Retry.as_str()),
                    invitations::next_attempt_at.eq(to_db(next_attempt_at)),
                    invitations::last_error.eq(error),
                    invitations::updated_at.eq(now_db),
                ))
                .execute(conn)?,
            Outcome::Failed { error, phone_refused } => {
                if phone_refused {
                    let person: i64 =
                        invitations::table.find(invitation_id).select(invitations::person_id).first(conn)?;
                    diesel::update(people::table.find(person))
                        .set((
                            people::phone_status.eq("failing"),
                            people::phone_failing_since.eq(now_db),
                            people::phone_failure.eq(error),
                        ))
                        .execute(conn)?;
                }
                diesel::update(target)
                    .set((
                        invitations::status.eq(InvitationStatus::Failed.as_str()),
                        invitations::last_error.eq(error),
                        invitations::updated_at.eq(now_db),
                    ))
                    .execute(conn)?
            }
        };
        Ok(())
    })
}

/// A claimed invitation whose outcome was never recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaleClaim {
    pub invitation_id: i64,
    /// An attempt was started but not finished: the gateway may have been called.
    pub maybe_sent: bool,
}

/// Claims older than `before` whose outcome was never recorded.
pub fn stale_claims(conn: &mut DbConnection, before: DateTime<Utc>) -> StoreResult<Vec<StaleClaim>> {
    let ids: Vec<i64> = invitations::table
        .filter(
            invitations::status.eq(InvitationStatus::Claimed.as_str()).and(invitations::claimed_at.lt(to_db(before))),
        )
        .select(invitations::id)
        .load(conn)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let open: i64 = delivery_attempts::table
            .filter(delivery_attempts::invitation_id.eq(id).and(delivery_attempts::finished_at.is_null()))
            .count()
            .get_result(conn)?;
        out.push(StaleClaim { invitation_id: id, maybe_sent: open > 0 });
    }
    Ok(out)
}

/// Puts a stale claim back in the queue; only if it is still the same stale claim. `now` is the
/// study's time (the invitation is due again at once by the study's clock).
pub fn release_claim(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let now_db = to_db(now);
    let n = diesel::update(
        invitations::table
            .filter(invitations::id.eq(id).and(invitations::status.eq(InvitationStatus::Claimed.as_str()))),
    )
    .set((
        invitations::status.eq(InvitationStatus::Retry.as_str()),
        invitations::next_attempt_at.eq(now_db),
        invitations::updated_at.eq(now_db),
    ))
    .execute(conn)?;
    diesel::update(
        delivery_attempts::table
            .filter(delivery_attempts::invitation_id.eq(id).and(delivery_attempts::finished_at.is_null())),
    )
    .set((delivery_attempts::finished_at.eq(now_db), delivery_attempts::outcome.eq("not_sent")))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn mark_unknown(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(
        invitations::table
            .filter(invitations::id.eq(id).and(invitations::status.eq(InvitationStatus::Claimed.as_str()))),
    )
    .set((
        invitations::status.eq(InvitationStatus::Unknown.as_str()),
        invitations::last_error.eq("outcome unknown after a crash; the gateway cannot be asked, so it was not resent"),
        invitations::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(())
}

/// Stores a link token's hash unless it is there (the same window's invitation and reminder
/// share one link). `purpose` is `invitation`, or `guardian` for a parent's consent link.
pub fn ensure_link_token(
    conn: &mut DbConnection,
    person_id: i64,
    purpose: &str,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let exists: i64 = link_tokens::table.filter(link_tokens::token_hash.eq(token_hash)).count().get_result(conn)?;
    if exists == 0 {
        diesel::insert_into(link_tokens::table)
            .values((
                link_tokens::person_id.eq(person_id),
                link_tokens::token_hash.eq(token_hash),
                link_tokens::purpose.eq(purpose),
                link_tokens::expires_at.eq(to_db(expires_at)),
                link_tokens::created_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Ends a subscription that is still active.
pub fn end_subscription(
    conn: &mut DbConnection,
    id: i64,
    state: SubscriptionState,
    reason: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let now = to_db(now);
    // A reason given when participation was stopped early is the one worth keeping.
    let earlier: Option<String> = subscriptions::table.find(id).select(subscriptions::end_reason).first(conn)?;
    let reason = earlier.as_deref().unwrap_or(reason);
    let n = diesel::update(
        subscriptions::table
            .filter(subscriptions::id.eq(id).and(subscriptions::state.eq(SubscriptionState::Active.as_str()))),
    )
    .set((
        subscriptions::state.eq(state.as_str()),
        subscriptions::end_reason.eq(reason),
        subscriptions::ended_at.eq(now),
        subscriptions::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Where a delivery report says a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    Failed,
    /// Accepted, buffered, sent on: nothing to change yet.
    InTransit,
}

/// A delivery report as a gateway gave it.
#[derive(Clone, Copy)]
pub struct DeliveryReport<'a> {
    pub gateway: &'a str,
    pub message_id: Option<&'a str>,
    /// Our own reference (`koers-ID`), for gateways that echo it.
    pub reference: Option<&'a str>,
    /// The gateway's own word for the state, kept as it was said.
    pub status: &'a str,
    pub delivery: Delivery,
    pub payload: &'a str,
}

/// What became of a delivery report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportRecorded {
    /// Kept, about this invitation (or about no invitation koers knows).
    New(Option<i64>),
    /// The same report (gateway, message and status) came before: nothing changed.
    Repeat,
}

/// The key that makes a report count once: its gateway, its message (the gateway's id, or our
/// reference when it gave none) and its status.
fn report_key(gateway: &str, message_id: Option<&str>, reference: Option<&str>, status: &str) -> String {
    use sha2::{Digest, Sha256};
    let message = match (message_id, reference) {
        (Some(m), _) => format!("id:{m}"),
        (None, Some(r)) => format!("ref:{r}"),
        (None, None) => "none".to_string(),
    };
    hex::encode(Sha256::digest(format!("{gateway}\n{message}\n{status}").as_bytes()))
}

/// The invitation a report is about: the one this gateway sent with this message id, or, for a
/// report that carries only our reference (`koers-ID`), that invitation if this very gateway
/// sent it and under no other message id. A report never reaches an invitation another gateway
/// sent, or another message of the same gateway.
fn invitation_of_report(
    conn: &mut DbConnection,
    gateway: &str,
    message_id: Option<&str>,
    reference: Option<&str>,
) -> StoreResult<Option<i64>> {
    if let Some(m) = message_id {
        let found = invitations::table
            .filter(invitations::gateway_message_id.eq(m).and(invitations::gateway.eq(gateway)))
            .select(invitations::id)
            .first(conn)
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    let Some(id) = reference.and_then(|r| r.strip_prefix("koers-")).and_then(|r| r.parse::<i64>().ok()) else {
        return Ok(None);
    };
    let row: Option<(Option<String>, Option<String>)> = invitations::table
        .find(id)
        .select((invitations::gateway, invitations::gateway_message_id))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((Some(g), known))
            if g == gateway && (known.is_none() || message_id.is_none() || known.as_deref() == message_id) =>
        {
            Some(id)
        }
        _ => None,
    })
}

/// Records a gateway's delivery report and moves the invitation on. Reports for messages koers
/// does not know are kept too (with no invitation), so nothing a gateway says is lost; a report
/// that came before (the same gateway, message and status: a retry, or a replay) is ignored.
pub fn record_delivery_report(
    conn: &mut DbConnection,
    r: &DeliveryReport<'_>,
    now: DateTime<Utc>,
) -> StoreResult<ReportRecorded> {
    use crate::schema::delivery_reports;
    let DeliveryReport { gateway, message_id, reference, status, delivery, payload } = *r;
    let now_db = to_db(now);
    let key = report_key(gateway, message_id, reference, status);
    let outcome =
        crate::db::write_transaction(conn, |conn| -> StoreResult<ReportRecorded> {
            let seen: i64 =
                delivery_reports::table.filter(delivery_reports::report_key.eq(&key)).count().get_result(conn)?;
            if seen > 0 {
                return Ok(ReportRecorded::Repeat);
            }
            let invitation = invitation_of_report(conn, gateway, message_id, reference)?;
            diesel::insert_into(delivery_reports::table)
                .values((
                    delivery_reports::invitation_id.eq(invitation),
                    delivery_reports::gateway.eq(gateway),
                    delivery_reports::gateway_message_id.eq(message_id),
                    delivery_reports::status.eq(status),
                    delivery_reports::received_at.eq(now_db),
                    delivery_reports::payload.eq(payload),
                    delivery_reports::report_key.eq(Some(&key)),
                ))
                .execute(conn)?;
            if let Some(id) = invitation {
                match delivery {
                    Delivery::Delivered => {
                        diesel::update(invitations::table.filter(
                            invitations::id.eq(id).and(invitations::status.eq(InvitationStatus::Sent.as_str())),
                        ))
                        .set((
                            invitations::status.eq(InvitationStatus::Delivered.as_str()),
                            invitations::delivered_at.eq(now_db),
                            invitations::updated_at.eq(now_db),
                        ))
                        .execute(conn)?;
                    }
                    Delivery::Failed => {
                        diesel::update(
                            invitations::table.filter(
                                invitations::id
                                    .eq(id)
                                    .and(invitations::status.eq_any(InvitationStatus::codes(InvitationStatus::SENT))),
                            ),
                        )
                        .set((
                            invitations::status.eq(InvitationStatus::Undelivered.as_str()),
                            invitations::last_error.eq(format!("the gateway reported: {status}")),
                            invitations::updated_at.eq(now_db),
                        ))
                        .execute(conn)?;
                    }
                    Delivery::InTransit => {}
                }
            }
            Ok(ReportRecorded::New(invitation))
        });
    match outcome {
        // Two instances took the same report at the same moment: the other one kept it.
        Err(crate::StoreError::Query(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => Ok(ReportRecorded::Repeat),
        other => other,
    }
}

/// Stops a person's participation early (unsubscribe, a `stop_subscription` option, or a
/// coordinator): their participation now ends at `now`, so the closing questionnaire opens at
/// once and no further diaries are planned; the subscription completes when that closes.
/// Pairs and answers are kept.
pub fn stop_subscription(conn: &mut DbConnection, id: i64, reason: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = diesel::update(
        subscriptions::table
            .filter(subscriptions::id.eq(id).and(subscriptions::state.eq(SubscriptionState::Active.as_str()))),
    )
    .set((
        subscriptions::ends_at.eq(to_db(now)),
        subscriptions::end_reason.eq(reason),
        subscriptions::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
