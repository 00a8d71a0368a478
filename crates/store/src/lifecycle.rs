//! The end of personal data: erasing names and phone numbers at the end of a study (or once a
//! study's retention period has passed), and a person's withdrawal.
//!
//! Identifying details live apart from answers (`person_identities`), so erasing them leaves
//! the pseudonymised data whole: exports name people by a keyed hash of their id, which stays.
//! Every function here is one transaction and writes one audit entry (counts only, never a name,
//! a phone number or an answer).

use crate::audit;
use crate::db::{write_transaction, DbConnection};
use crate::error::{StoreError, StoreResult};
use crate::schema::{
    answers, consents, delivery_reports, invitations, link_tokens, pairs, paradata, people, person_identities,
    response_scores, responses, reward_ledger, studies, subscriptions, teams, web_sessions,
};
use crate::sending;
use crate::studies::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use koers_core::invitation::InvitationStatus;
use koers_core::people::{Role, SubscriptionState};
use std::collections::HashMap;

/// Statements over a list of ids are cut into pieces of this size (SQLite's bound-parameter limit).
const CHUNK: usize = 500;

/// Who does it, as the audit log records it.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// `cli`, `staff:ID`, `system` ...
    pub name: &'a str,
    pub staff_id: Option<i64>,
}

impl Actor<'static> {
    pub const CLI: Actor<'static> = Actor { name: "cli", staff_id: None };
    /// The running scheduler, applying retention periods on its own.
    pub const SCHEDULER: Actor<'static> = Actor { name: "scheduler", staff_id: None };
}

impl<'a> Actor<'a> {
    /// The audit entry of what this actor did in a study.
    fn entry(self, action: &'a str, study_id: i64, details: serde_json::Value) -> audit::Entry<'a> {
        audit::Entry {
            actor: self.name,
            actor_staff_id: self.staff_id,
            action,
            study_id: Some(study_id),
            details,
            ..Default::default()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Erasing identifiers

/// What an erasure changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erasure {
    /// People whose names, phone numbers and e-mail addresses were removed now.
    pub people: usize,
    pub link_tokens_revoked: usize,
    pub sessions_revoked: usize,
    /// Messages still waiting that can no longer go anywhere.
    pub invitations_cancelled: usize,
}

/// How many people of the study erasing would touch, and how many of them still take part
/// (an active subscription): what a confirmation question shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErasurePreview {
    pub identified: i64,
    pub active: i64,
}

/// What erasing the study's identities would touch (see [`ErasurePreview`]).
pub fn erasure_preview(conn: &mut DbConnection, study_id: i64) -> StoreResult<ErasurePreview> {
    let identified: i64 = person_identities::table
        .filter(person_identities::study_id.eq(study_id).and(not_erased()))
        .count()
        .get_result(conn)?;
    let active: Vec<i64> = subscriptions::table
        .inner_join(people::table.on(people::id.eq(subscriptions::person_id)))
        .filter(people::study_id.eq(study_id))
        .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
        .select(subscriptions::person_id)
        .distinct()
        .load(conn)?;
    Ok(ErasurePreview { identified, active: active.len() as i64 })
}

/// Identities with anything left to erase (a number added after an erasure counts too).
#[diesel::dsl::auto_type]
fn not_erased() -> _ {
    person_identities::erased_at
        .is_null()
        .or(person_identities::first_name.is_not_null())
        .or(person_identities::last_name.is_not_null())
        .or(person_identities::mobile_phone.is_not_null())
        .or(person_identities::email.is_not_null())
        .or(person_identities::guardian_phone.is_not_null())
}

/// Erases the identifying details of every person of a study (the end of a study): names,
/// phone numbers, guardians' phone numbers and e-mail addresses become empty and `erased_at`
/// is set; every link and browser session of those people is revoked; messages still waiting
/// are cancelled; gateways' delivery reports (which hold the recipient's number) lose their
/// payload. Answers, responses and pairs stay, so the pseudonymised data remains analysable.
pub fn erase_identifiers(
    conn: &mut DbConnection,
    study_id: i64,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> StoreResult<Erasure> {
    write_transaction(conn, |conn| {
        let ids: Vec<i64> = people::table.filter(people::study_id.eq(study_id)).select(people::id).load(conn)?;
        let erased = erase_people(conn, study_id, &ids, now)?;
        audit::record(conn, now, &actor.entry("identifiers.erase", study_id, erasure_details(&erased, "study")))?;
        Ok(erased)
    })
}

fn erasure_details(e: &Erasure, scope: &str) -> serde_json::Value {
    serde_json::json!({
        "scope": scope,
        "people": e.people,
        "link_tokens_revoked": e.link_tokens_revoked,
        "sessions_revoked": e.sessions_revoked,
        "invitations_cancelled": e.invitations_cancelled,
    })
}

/// Erases the given people of the study (ids of other studies are ignored). Inside a transaction.
fn erase_people(conn: &mut DbConnection, study_id: i64, ids: &[i64], now: DateTime<Utc>) -> StoreResult<Erasure> {
    let now_db = to_db(now);
    let mut e = Erasure::default();
    for chunk in ids.chunks(CHUNK) {
        e.people += diesel::update(
            person_identities::table
                .filter(person_identities::study_id.eq(study_id))
                .filter(person_identities::person_id.eq_any(chunk))
                .filter(not_erased()),
        )
        .set((
            person_identities::first_name.eq(None::<String>),
            person_identities::last_name.eq(None::<String>),
            person_identities::mobile_phone.eq(None::<String>),
            person_identities::email.eq(None::<String>),
            person_identities::guardian_phone.eq(None::<String>),
            person_identities::erased_at.eq(now_db),
            person_identities::updated_at.eq(now_db),
        ))
        .execute(conn)?;
        let in_study: Vec<i64> = people::table
            .filter(people::study_id.eq(study_id).and(people::id.eq_any(chunk)))
            .select(people::id)
            .load(conn)?;
        // A gateway's error text may quote the number it refused.
        diesel::update(people::table.filter(people::id.eq_any(&in_study)).filter(people::phone_failure.is_not_null()))
            .set(people::phone_failure.eq(None::<String>))
            .execute(conn)?;
        e.link_tokens_revoked += revoke_links(conn, &in_study, now_db)?;
        e.sessions_revoked += revoke_sessions(conn, &in_study, now_db)?;
        e.invitations_cancelled += cancel_waiting(conn, &in_study, "identifiers erased", now_db)?;
        let their_invitations =
            invitations::table.filter(invitations::person_id.eq_any(&in_study)).select(invitations::id.nullable());
        diesel::update(
            delivery_reports::table
                .filter(delivery_reports::invitation_id.eq_any(their_invitations))
                .filter(delivery_reports::payload.is_not_null()),
        )
        .set(delivery_reports::payload.eq(None::<String>))
        .execute(conn)?;
    }
    Ok(e)
}

fn revoke_links(conn: &mut DbConnection, ids: &[i64], now_db: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::update(
        link_tokens::table.filter(link_tokens::person_id.eq_any(ids)).filter(link_tokens::revoked_at.is_null()),
    )
    .set(link_tokens::revoked_at.eq(now_db))
    .execute(conn)?)
}

fn revoke_sessions(conn: &mut DbConnection, ids: &[i64], now_db: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::update(
        web_sessions::table.filter(web_sessions::person_id.eq_any(ids)).filter(web_sessions::revoked_at.is_null()),
    )
    .set(web_sessions::revoked_at.eq(now_db))
    .execute(conn)?)
}

/// Messages not yet handed to a gateway are skipped with this reason; one already claimed is
/// checked again by the dispatcher at the moment of sending.
fn cancel_waiting(conn: &mut DbConnection, ids: &[i64], reason: &str, now_db: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::update(
        invitations::table
            .filter(invitations::person_id.eq_any(ids))
            .filter(invitations::status.eq_any(InvitationStatus::codes(InvitationStatus::WAITING))),
    )
    .set((
        invitations::status.eq(InvitationStatus::Skipped.as_str()),
        invitations::skip_reason.eq(reason),
        invitations::updated_at.eq(now_db),
    ))
    .execute(conn)?)
}

// ---------------------------------------------------------------------------------------------
// Withdrawal

/// What happens to the data of a person who withdraws, as their consent says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnWithdrawal {
    /// Answers given so far stay in the study's data.
    Keep,
    /// Their answers, paradata, scores and rewards are deleted.
    Delete,
}

impl OnWithdrawal {
    pub fn as_str(self) -> &'static str {
        match self {
            OnWithdrawal::Keep => "keep",
            OnWithdrawal::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "keep" => Some(OnWithdrawal::Keep),
            "delete" => Some(OnWithdrawal::Delete),
            _ => None,
        }
    }
}

/// The consent row written for a person who withdraws without ever having given consent, so
/// that "this person withdrew" is always on record (`given_at` is when the withdrawal came).
pub const CONSENT_WITHDRAWAL: &str = "withdrawal";

/// Skip reason of the messages cancelled by a withdrawal.
pub const SKIP_WITHDRAWN: &str = "withdrawn";

/// What a withdrawal changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Withdrawal {
    /// The person's own subscriptions and mentors' diaries about them, ended now.
    pub subscriptions_ended: usize,
    pub invitations_cancelled: usize,
    pub consents_withdrawn: usize,
    pub answers_deleted: usize,
    pub paradata_deleted: usize,
    pub scores_deleted: usize,
    pub rewards_deleted: usize,
}

/// A person's withdrawal from a study, at once: every subscription of theirs (and every
/// mentor's diary about them) ends now with state `stopped`, messages still waiting are
/// skipped (`withdrawn`), their consents are marked withdrawn with what happens to the data,
/// their participation ends, a student's open pairs end today, their links and sessions are
/// revoked. With [`OnWithdrawal::Delete`] their own answers, paradata, scores and reward rows
/// are deleted (the response rows stay, without the browser they were given in, so that the
/// schedule stays accountable). What mentors wrote about a student stays: it is the mentor's
/// data, given under the mentor's consent.
///
/// Calling it again is harmless; `Delete` after `Keep` deletes.
pub fn withdraw(
    conn: &mut DbConnection,
    study_id: i64,
    person_id: i64,
    data: OnWithdrawal,
    actor: Actor<'_>,
    at: koers_core::clock::Moment,
) -> StoreResult<Withdrawal> {
    let now = at.study;
    write_transaction(conn, |conn| {
        let now_db = to_db(now);
        let person: Option<(String, Option<NaiveDateTime>, i64)> = people::table
            .inner_join(teams::table)
            .filter(people::id.eq(person_id).and(people::study_id.eq(study_id)))
            .select((people::role, people::ended_at, teams::organisation_id))
            .first(conn)
            .optional()?;
        let Some((role, ended_at, organisation_id)) = person else {
            return Err(StoreError::NotFound(format!("person {person_id} in this study")));
        };
        let mut w = Withdrawal::default();

        let subs: Vec<i64> = subscriptions::table
            .filter(subscriptions::person_id.eq(person_id).or(subscriptions::filling_out_for_id.eq(person_id)))
            .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
            .select(subscriptions::id)
            .load(conn)?;
        for s in subs {
            w.subscriptions_ended +=
                usize::from(sending::end_subscription(conn, s, SubscriptionState::Stopped, SKIP_WITHDRAWN, now)?);
        }
        w.invitations_cancelled = cancel_waiting(conn, &[person_id], SKIP_WITHDRAWN, now_db)?;

        w.consents_withdrawn = diesel::update(
            consents::table.filter(consents::person_id.eq(person_id).and(consents::withdrawn_at.is_null())),
        )
        .set((consents::withdrawn_at.eq(now_db), consents::on_withdrawal.eq(data.as_str())))
        .execute(conn)?;
        if data == OnWithdrawal::Delete {
            // A later, stronger wish holds for consents withdrawn before.
            diesel::update(consents::table.filter(consents::person_id.eq(person_id)))
                .set(consents::on_withdrawal.eq(data.as_str()))
                .execute(conn)?;
        }
        let on_record: i64 = consents::table
            .filter(consents::person_id.eq(person_id).and(consents::withdrawn_at.is_not_null()))
            .count()
            .get_result(conn)?;
        if on_record == 0 {
            diesel::insert_into(consents::table)
                .values((
                    consents::person_id.eq(person_id),
                    consents::kind.eq(CONSENT_WITHDRAWAL),
                    consents::text_version.eq(""),
                    consents::given_at.eq(now_db),
                    consents::withdrawn_at.eq(now_db),
                    consents::on_withdrawal.eq(data.as_str()),
                    consents::created_at.eq(now_db),
                ))
                .execute(conn)?;
        }

        if ended_at.is_none() {
            diesel::update(people::table.find(person_id))
                .set((
                    people::ended_at.eq(now_db),
                    people::end_reason.eq(SKIP_WITHDRAWN),
                    people::updated_at.eq(now_db),
                ))
                .execute(conn)?;
        }
        if role == koers_core::people::Role::Student.as_str() {
            let zone: String = studies::table.find(study_id).select(studies::time_zone).first(conn)?;
            let zone = crate::studies::stored_zone(&zone)?;
            let today = now.with_timezone(&zone).date_naive();
            let open: Vec<(i64, chrono::NaiveDate)> = pairs::table
                .filter(pairs::student_id.eq(person_id).and(pairs::ends_on.is_null()))
                .select((pairs::id, pairs::starts_on))
                .load(conn)?;
            for (pair, starts_on) in open {
                diesel::update(pairs::table.find(pair))
                    .set((pairs::ends_on.eq(today.max(starts_on)), pairs::end_reason.eq(SKIP_WITHDRAWN)))
                    .execute(conn)?;
            }
        }
        revoke_links(conn, &[person_id], now_db)?;
        revoke_sessions(conn, &[person_id], now_db)?;

        if data == OnWithdrawal::Delete {
            let theirs =
                || responses::table.inner_join(subscriptions::table).filter(subscriptions::person_id.eq(person_id));
            let response_ids: Vec<i64> = theirs().select(responses::id).load(conn)?;
            for chunk in response_ids.chunks(CHUNK) {
                w.answers_deleted +=
                    diesel::delete(answers::table.filter(answers::response_id.eq_any(chunk))).execute(conn)?;
                w.paradata_deleted +=
                    diesel::delete(paradata::table.filter(paradata::response_id.eq_any(chunk))).execute(conn)?;
                crate::drafts::delete_of(conn, chunk)?;
                w.scores_deleted +=
                    diesel::delete(response_scores::table.filter(response_scores::response_id.eq_any(chunk)))
                        .execute(conn)?;
                diesel::update(responses::table.filter(responses::id.eq_any(chunk)))
                    .set(responses::user_agent.eq(None::<String>))
                    .execute(conn)?;
            }
            w.rewards_deleted =
                diesel::delete(reward_ledger::table.filter(reward_ledger::person_id.eq(person_id))).execute(conn)?;
        }

        audit::record(
            conn,
            at.real,
            &audit::Entry {
                // Like every coordinator's change, the entry names the person's organisation.
                organisation_id: Some(organisation_id),
                target_kind: Some("person"),
                target_id: Some(person_id),
                ..actor.entry(
                    "person.withdraw",
                    study_id,
                    serde_json::json!({
                        "data": data.as_str(),
                        "subscriptions_ended": w.subscriptions_ended,
                        "invitations_cancelled": w.invitations_cancelled,
                        "consents_withdrawn": w.consents_withdrawn,
                        "answers_deleted": w.answers_deleted,
                        "paradata_deleted": w.paradata_deleted,
                        "scores_deleted": w.scores_deleted,
                        "rewards_deleted": w.rewards_deleted,
                    }),
                )
            },
        )?;
        Ok(w)
    })
}

// ---------------------------------------------------------------------------------------------
// A parent's no

/// Why a child's participation ended when their parent said no.
pub const GUARDIAN_DECLINED: &str = "guardian_declined";

/// A parent's answer to the consent request, once: a second answer (a second tab, a forwarded
/// link) changes nothing and returns `false`. A no stops everything for the child at once, like
/// a withdrawal and unlike a stop (no closing questionnaire opens): their subscription, every
/// mentor's diary about them, their pairs, and the messages still waiting.
pub fn guardian_answer(
    conn: &mut DbConnection,
    student_id: i64,
    agreed: bool,
    text_version: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    use crate::participation::{has_consent, record_consent, CONSENT_GUARDIAN, CONSENT_GUARDIAN_DECLINED};
    write_transaction(conn, |conn| {
        if has_consent(conn, student_id, CONSENT_GUARDIAN)? || has_consent(conn, student_id, CONSENT_GUARDIAN_DECLINED)?
        {
            return Ok(false);
        }
        if agreed {
            record_consent(conn, student_id, CONSENT_GUARDIAN, text_version, now)?;
            crate::schedule::ensure_invitation(
                conn,
                &crate::schedule::NewInvitation {
                    person_id: student_id,
                    response_id: None,
                    dedupe_key: "start:after_guardian",
                    kind: koers_core::invitation::InvitationKind::CanStart,
                    channel: koers_core::protocol::Channel::Sms,
                    due_at: now,
                    expires_at: Some(now + TimeDelta::days(7)),
                },
                now,
            )?;
            return Ok(true);
        }
        record_consent(conn, student_id, CONSENT_GUARDIAN_DECLINED, text_version, now)?;
        let now_db = to_db(now);
        let subs: Vec<i64> = subscriptions::table
            .filter(subscriptions::person_id.eq(student_id).or(subscriptions::filling_out_for_id.eq(student_id)))
            .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
            .select(subscriptions::id)
            .load(conn)?;
        for s in subs {
            sending::end_subscription(conn, s, SubscriptionState::Stopped, GUARDIAN_DECLINED, now)?;
        }
        cancel_waiting(conn, &[student_id], GUARDIAN_DECLINED, now_db)?;
        let open: Vec<(i64, chrono::NaiveDate)> = pairs::table
            .filter(pairs::student_id.eq(student_id).and(pairs::ends_on.is_null()))
            .select((pairs::id, pairs::starts_on))
            .load(conn)?;
        for (pair, starts_on) in open {
            diesel::update(pairs::table.find(pair))
                .set((pairs::ends_on.eq(now_db.date().max(starts_on)), pairs::end_reason.eq(GUARDIAN_DECLINED)))
                .execute(conn)?;
        }
        diesel::update(people::table.find(student_id).filter(people::ended_at.is_null()))
            .set((people::ended_at.eq(now_db), people::end_reason.eq(GUARDIAN_DECLINED), people::updated_at.eq(now_db)))
            .execute(conn)?;
        revoke_sessions(conn, &[student_id], now_db)?;
        Ok(true)
    })
}

// ---------------------------------------------------------------------------------------------
// Retention

/// The key in a study's settings JSON: identifiers of a person are erased this many days after
/// their participation ended, by the scheduler once a day and by `koers retention --apply`.
pub const RETENTION_SETTING: &str = "retention_days_after_end";

/// The study's retention period in days, if it has one; a value that does not read is an
/// error, never a guess (erasing cannot be undone).
pub fn retention_days(conn: &mut DbConnection, study_id: i64) -> StoreResult<Option<u32>> {
    crate::studies::settings_of(conn, study_id)?.retention_days().map_err(StoreError::Invalid)
}

/// Sets (or with `None` removes) the study's retention period, keeping its other settings.
pub fn set_retention_days(
    conn: &mut DbConnection,
    study_id: i64,
    days: Option<u32>,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    write_transaction(conn, |conn| {
        let section = koers_core::study_settings::SettingsSection::RetentionDaysAfterEnd(days);
        crate::studies::set_settings_section(conn, study_id, &section)?;
        audit::record(
            conn,
            now,
            &actor.entry("study.retention", study_id, serde_json::json!({ RETENTION_SETTING: days })),
        )?;
        Ok(())
    })
}

/// A person whose identifiers the retention period says must go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    pub person_id: i64,
    pub role: koers_core::people::Role,
    /// When their participation ended: the latest end of their subscriptions and of the
    /// person (a coordinator's ending, a withdrawal).
    pub ended_at: DateTime<Utc>,
}

/// People of the study with identifiers left whose participation ended (no active
/// subscription) more than `days` days before `now`, oldest ending first.
pub fn expired(conn: &mut DbConnection, study_id: i64, days: u32, now: DateTime<Utc>) -> StoreResult<Vec<Expired>> {
    let candidates: Vec<(i64, String, Option<NaiveDateTime>)> = people::table
        .inner_join(person_identities::table.on(person_identities::person_id.eq(people::id)))
        .filter(people::study_id.eq(study_id))
        .filter(not_erased())
        .order(people::id)
        .select((people::id, people::role, people::ended_at))
        .load(conn)?;
    let subs: Vec<(i64, String, Option<NaiveDateTime>)> = subscriptions::table
        .inner_join(people::table.on(people::id.eq(subscriptions::person_id)))
        .filter(people::study_id.eq(study_id))
        .select((subscriptions::person_id, subscriptions::state, subscriptions::ended_at))
        .load(conn)?;
    // Per person: still active, and the latest subscription end.
    let mut by_person: HashMap<i64, (bool, Option<NaiveDateTime>)> = HashMap::new();
    for (p, state, ended) in subs {
        let e = by_person.entry(p).or_insert((false, None));
        e.0 |= state == SubscriptionState::Active.as_str();
        e.1 = e.1.max(ended);
    }
    let cutoff = to_db(now - TimeDelta::days(i64::from(days)));
    let mut out = Vec::new();
    for (person_id, role, person_end) in candidates {
        let (active, sub_end) = by_person.get(&person_id).copied().unwrap_or((false, None));
        let Some(ended) = person_end.max(sub_end) else { continue };
        if !active && ended <= cutoff {
            out.push(Expired { person_id, role: Role::try_from(role)?, ended_at: from_db(ended) });
        }
    }
    out.sort_by_key(|e| (e.ended_at, e.person_id));
    Ok(out)
}

/// What a retention run did: whose identifiers were due, and what was erased.
#[derive(Debug)]
pub struct RetentionApplied {
    pub due: Vec<Expired>,
    pub erased: Erasure,
}

/// Erases the identifiers of the people [`expired`] names under the study's retention setting;
/// an error when the study has none.
pub fn apply_retention(
    conn: &mut DbConnection,
    study_id: i64,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> StoreResult<RetentionApplied> {
    write_transaction(conn, |conn| {
        let days = retention_days(conn, study_id)?.ok_or_else(|| {
            StoreError::Invalid(format!("the study has no {RETENTION_SETTING} setting; nothing is erased"))
        })?;
        let due = expired(conn, study_id, days, now)?;
        let ids: Vec<i64> = due.iter().map(|e| e.person_id).collect();
        let erased = erase_people(conn, study_id, &ids, now)?;
        if !due.is_empty() {
            let mut details = erasure_details(&erased, "retention");
            details["retention_days_after_end"] = days.into();
            audit::record(conn, now, &actor.entry("identifiers.erase", study_id, details))?;
        }
        Ok(RetentionApplied { due, erased })
    })
}
