//! What the dispatcher needs around one invitation: who it is for, whether it should still go,
//! and the record of every attempt. Each function is one short transaction, so no transaction
//! or lock is ever held while the gateway is called.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schedule::*;
use crate::schema::{
    consents, delivery_attempts, invitations, link_tokens, organisations, pairs, people, person_identities, protocols,
    responses, reward_ledger, studies, subscriptions, teams,
};
use crate::studies::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use koers_core::people::SubscriptionState;

/// Everything needed to decide on and write one message.
#[derive(Debug, Clone)]
pub struct SendContext {
    pub invitation: InvitationRow,
    pub role: String,
    pub locale: String,
    pub person_ended: bool,
    pub phone_failing: bool,
    pub consent_withdrawn: bool,
    pub first_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// A parent's or carer's number, for the consent of an under-16.
    pub guardian_phone: Option<String>,
    /// `sms` or `email`, as planned.
    pub channel: String,
    pub mentor_first_name: Option<String>,
    pub protocol_content: Option<String>,
    pub subscription_active: bool,
    pub window_open_at: Option<NaiveDateTime>,
    pub window_close_at: Option<NaiveDateTime>,
    /// Every response this message is about is completed.
    pub all_completed: bool,
    pub earned_cents: i64,
    /// Completed questionnaires in a row, as of the newest reward.
    pub streak: i32,
    pub study_id: i64,
    /// The person's study is a rehearsal: only a test gateway may carry its messages.
    pub test_mode: bool,
    /// The clock of the person's study.
    pub clock: koers_core::clock::StudyClock,
    /// An under-16 whose parent has been asked and has not said yes yet.
    pub waiting_for_guardian: bool,
    /// The person's school (organisation), so a parent's SMS says where it comes from.
    pub school: Option<String>,
    /// Who does the research and how to reach them (study settings `research_group`,
    /// `contact`), for the parent's SMS; never the study's topic.
    pub research_group: Option<String>,
    pub contact: Option<String>,
    /// Goes up with every new phone number; part of every link (see `window_token`).
    pub link_generation: i32,
    /// No SMS before this moment (someone on holiday).
    pub paused_until: Option<DateTime<Utc>>,
}

/// First name, phone, e-mail, guardian's phone.
type IdentityRow = (Option<String>, Option<String>, Option<String>, Option<String>);

pub fn send_context(conn: &mut DbConnection, invitation_id: i64) -> StoreResult<SendContext> {
    let inv = invitation(conn, invitation_id)?;
    let (role, locale, ended_at, phone_status, study_id, test_mode, offset): (
        String,
        String,
        Option<NaiveDateTime>,
        String,
        i64,
        bool,
        i64,
    ) = people::table
        .inner_join(studies::table)
        .filter(people::id.eq(inv.person_id))
        .select((
            people::role,
            people::locale,
            people::ended_at,
            people::phone_status,
            studies::id,
            studies::test_mode,
            studies::clock_offset_micros,
        ))
        .first(conn)?;
    let identity: Option<IdentityRow> = person_identities::table
        .find(inv.person_id)
        .select((
            person_identities::first_name,
            person_identities::mobile_phone,
            person_identities::email,
            person_identities::guardian_phone,
        ))
        .first(conn)
        .optional()?;
    let (first_name, phone, email, guardian_phone) = identity.unwrap_or((None, None, None, None));
    let channel: String = invitations::table.find(inv.id).select(invitations::channel).first(conn)?;
    let consent_withdrawn = consents::table
        .filter(consents::person_id.eq(inv.person_id).and(consents::withdrawn_at.is_not_null()))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    let mentor_first_name: Option<Option<String>> = pairs::table
        .inner_join(person_identities::table.on(person_identities::person_id.eq(pairs::mentor_id)))
        .filter(pairs::student_id.eq(inv.person_id).and(pairs::ends_on.is_null()))
        .order(pairs::starts_on.desc())
        .select(person_identities::first_name)
        .first(conn)
        .optional()?;

    let kinds: Vec<String> = consents::table
        .filter(consents::person_id.eq(inv.person_id).and(consents::withdrawn_at.is_null()))
        .select(consents::kind)
        .load(conn)?;
    let has = |k: &str| kinds.iter().any(|x| x == k);
    let waiting_for_guardian = has(crate::participation::CONSENT_GUARDIAN_NEEDED)
        && !has(crate::participation::CONSENT_GUARDIAN)
        && !has(crate::participation::CONSENT_GUARDIAN_DECLINED);
    let school: Option<String> = people::table
        .inner_join(teams::table.inner_join(organisations::table))
        .filter(people::id.eq(inv.person_id))
        .select(organisations::name)
        .first(conn)
        .optional()?;
    let settings: String = studies::table.find(study_id).select(studies::settings).first(conn)?;
    let settings: serde_json::Value = serde_json::from_str(&settings).unwrap_or_default();
    let setting = |k: &str| settings.get(k).and_then(|v| v.as_str()).map(str::to_string).filter(|v| !v.is_empty());

    let (link_generation, paused_until): (i32, Option<NaiveDateTime>) =
        people::table.find(inv.person_id).select((people::link_generation, people::paused_until)).first(conn)?;
    let mut ctx = SendContext {
        link_generation,
        paused_until: paused_until.map(from_db),
        waiting_for_guardian,
        school,
        research_group: setting("research_group"),
        contact: setting("contact"),
        role,
        locale,
        person_ended: ended_at.is_some(),
        phone_failing: phone_status == "failing",
        consent_withdrawn,
        first_name,
        phone,
        email,
        guardian_phone,
        channel,
        mentor_first_name: mentor_first_name.flatten(),
        protocol_content: None,
        subscription_active: false,
        window_open_at: None,
        window_close_at: None,
        all_completed: false,
        earned_cents: reward_ledger::table
            .filter(reward_ledger::person_id.eq(inv.person_id))
            .select(reward_ledger::amount_cents)
            .load::<i64>(conn)?
            .iter()
            .sum(),
        streak: reward_ledger::table
            .filter(reward_ledger::person_id.eq(inv.person_id))
            .order(reward_ledger::id.desc())
            .select(reward_ledger::streak)
            .first::<i32>(conn)
            .optional()?
            .unwrap_or(0),
        invitation: inv,
        study_id,
        test_mode,
        clock: koers_core::clock::StudyClock::from_offset_micros(offset),
    };
    if let Some(response_id) = ctx.invitation.response_id {
        let (measurement, open_at, close_at, content, state): (String, NaiveDateTime, NaiveDateTime, String, String) =
            responses::table
                .inner_join(subscriptions::table.inner_join(protocols::table))
                .filter(responses::id.eq(response_id))
                .select((
                    responses::measurement_key,
                    responses::open_at,
                    responses::close_at,
                    protocols::content,
                    subscriptions::state,
                ))
                .first(conn)?;
        // A mentor's message covers the same window of every student they fill out for.
        let siblings: Vec<(Option<NaiveDateTime>, String)> = responses::table
            .inner_join(subscriptions::table)
            .filter(subscriptions::person_id.eq(ctx.invitation.person_id))
            .filter(responses::measurement_key.eq(&measurement))
            .filter(responses::open_at.eq(open_at))
            .select((responses::completed_at, subscriptions::state))
            .load(conn)?;
        let active: Vec<&(Option<NaiveDateTime>, String)> =
            siblings.iter().filter(|(_, s)| s == SubscriptionState::Active.as_str()).collect();
        ctx.all_completed = !active.is_empty() && active.iter().all(|(c, _)| c.is_some());
        ctx.subscription_active = state == SubscriptionState::Active.as_str() || !active.is_empty();
        // Someone whose participation ended is still sent the closing questionnaire.
        ctx.person_ended = ended_at
            .is_some_and(|e| !koers_core::protocol::windows::asked_after_end(Some(from_db(e)), from_db(open_at)));
        ctx.protocol_content = Some(content);
        ctx.window_open_at = Some(open_at);
        ctx.window_close_at = Some(close_at);
    }
    Ok(ctx)
}

pub fn mark_skipped(conn: &mut DbConnection, id: i64, reason: &str, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(invitations::table.find(id))
        .set((
            invitations::status.eq(STATUS_SKIPPED),
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
                    .and(invitations::status.eq(STATUS_CLAIMED))
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
                    invitations::status.eq(STATUS_SENT),
                    invitations::sent_at.eq(now_db),
                    invitations::gateway.eq(gateway),
                    invitations::gateway_message_id.eq(message_id),
                    invitations::last_error.eq(None::<String>),
                    invitations::updated_at.eq(now_db),
                ))
                .execute(conn)?,
            Outcome::Retry { error, next_attempt_at } => diesel::update(target)
                .set((
                    invitations::status.eq(STATUS_RETRY),
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
                        invitations::status.eq(STATUS_FAILED),
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
        .filter(invitations::status.eq(STATUS_CLAIMED).and(invitations::claimed_at.lt(to_db(before))))
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
    let n =
        diesel::update(invitations::table.filter(invitations::id.eq(id).and(invitations::status.eq(STATUS_CLAIMED))))
            .set((
                invitations::status.eq(STATUS_RETRY),
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
    diesel::update(invitations::table.filter(invitations::id.eq(id).and(invitations::status.eq(STATUS_CLAIMED))))
        .set((
            invitations::status.eq(STATUS_UNKNOWN),
            invitations::last_error
                .eq("outcome unknown after a crash; the gateway cannot be asked, so it was not resent"),
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

/// Whether a person has any active subscription left (mentors' end with their last student's).
pub fn has_active_subscription(conn: &mut DbConnection, person_id: i64) -> StoreResult<bool> {
    Ok(subscriptions::table
        .filter(subscriptions::person_id.eq(person_id).and(subscriptions::state.eq(SubscriptionState::Active.as_str())))
        .count()
        .get_result::<i64>(conn)?
        > 0)
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
    let outcome = crate::db::write_transaction(conn, |conn| -> StoreResult<ReportRecorded> {
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
                    diesel::update(
                        invitations::table.filter(invitations::id.eq(id).and(invitations::status.eq(STATUS_SENT))),
                    )
                    .set((
                        invitations::status.eq(STATUS_DELIVERED),
                        invitations::delivered_at.eq(now_db),
                        invitations::updated_at.eq(now_db),
                    ))
                    .execute(conn)?;
                }
                Delivery::Failed => {
                    diesel::update(invitations::table.filter(
                        invitations::id.eq(id).and(invitations::status.eq_any([STATUS_SENT, STATUS_DELIVERED])),
                    ))
                    .set((
                        invitations::status.eq(STATUS_UNDELIVERED),
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
