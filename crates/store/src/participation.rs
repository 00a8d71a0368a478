//! What participants' and mentors' pages read and write: their open questionnaires, consent,
//! rewards and stopping. Every lookup of a response goes through the person it belongs to, so a
//! changed id in a URL or form can never reach someone else's questionnaire.

use crate::answers::{save_submission, Completion, Saved};
use crate::db::{write_transaction, DbConnection};
use crate::error::StoreResult;
use crate::schedule::{ensure_invitation, NewInvitation};
use crate::schema::{
    consents, organisations, pairs, people, person_identities, protocols, responses, reward_ledger, studies,
    subscriptions, teams,
};
use crate::studies::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use koers_core::people::{Locale, Role, SubscriptionState};
use koers_core::protocol::RewardScheme;
use std::collections::HashMap;

/// id, study, role, locale, gender, ended at, the study's zone.
type PersonRow = (i64, i64, String, String, Option<String>, Option<NaiveDateTime>, String, String, String);
type SubscriptionRow = (i64, String, NaiveDateTime, Option<NaiveDateTime>, Option<i64>);
type MentorRow = (i64, Option<String>, Option<String>, Option<String>);

/// A student's current mentor, as the student's pages name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorContact {
    pub id: i64,
    pub first_name: String,
    pub gender: Option<String>,
    /// Only when the mentor agreed to share it with their students.
    pub phone: Option<String>,
}

/// A person's first name (empty once erased) and gender, for texts about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    pub first_name: String,
    pub gender: Option<String>,
}

/// What a person earned so far, and their current streak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Earned {
    pub total_cents: i64,
    pub streak: i32,
}

/// A person as their own pages need them.
#[derive(Debug, Clone)]
pub struct Participant {
    pub id: i64,
    pub study_id: i64,
    pub role: Role,
    pub locale: Locale,
    pub gender: Option<String>,
    pub first_name: Option<String>,
    /// The study's zone, in which their weeks and days are counted.
    pub time_zone: chrono_tz::Tz,
    pub ended: bool,
    /// When their participation ended: the closing questionnaire opening then is still theirs.
    pub ended_at: Option<DateTime<Utc>>,
    /// What the person's organisation calls a mentor ("begeleider", "coach", ...).
    pub mentor_title: String,
    /// Whether the study lists places to turn to for help (its pages then link them).
    pub help: bool,
    /// "je" or "u" on this person's pages (students always "je"; the study chooses for mentors).
    pub register: koers_core::register::Register,
}

pub fn participant(conn: &mut DbConnection, person_id: i64) -> StoreResult<Option<Participant>> {
    let row: Option<PersonRow> = people::table
        .inner_join(studies::table)
        .inner_join(teams::table.inner_join(organisations::table))
        .filter(people::id.eq(person_id))
        .select((
            people::id,
            people::study_id,
            people::role,
            people::locale,
            people::gender,
            people::ended_at,
            studies::time_zone,
            organisations::mentor_title,
            studies::settings,
        ))
        .first(conn)
        .optional()?;
    let Some((id, study_id, role, locale, gender, ended_at, time_zone, mentor_title, settings)) = row else {
        return Ok(None);
    };
    let first_name: Option<Option<String>> =
        person_identities::table.find(id).select(person_identities::first_name).first(conn).optional()?;
    let role = Role::try_from(role)?;
    let settings = koers_core::study_settings::StudySettings::from_json(&settings);
    let register = settings.register.of(role.into());
    Ok(Some(Participant {
        id,
        study_id,
        role,
        locale: Locale::try_from(locale)?,
        gender,
        first_name: first_name.flatten(),
        time_zone: crate::studies::stored_zone(&time_zone)?,
        ended: ended_at.is_some(),
        ended_at: ended_at.map(from_db),
        mentor_title,
        help: settings.safety.has_help(),
        register,
    }))
}

/// One window of one of the person's subscriptions.
#[derive(Debug, Clone)]
pub struct ResponseRef {
    pub response_id: i64,
    pub subscription_id: i64,
    pub measurement_key: String,
    pub questionnaire_key: String,
    pub open_at: DateTime<Utc>,
    pub close_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// For a mentor's questionnaire: the student it is about.
    pub about_student: Option<i64>,
    pub subscription_starts_at: DateTime<Utc>,
    pub subscription_active: bool,
    pub protocol_content: String,
    /// When the subscription was stopped early (someone stopped, or was ended by a
    /// coordinator): only its closing is asked then. Not a planned end date.
    pub subscription_ends_at: Option<DateTime<Utc>>,
}

impl ResponseRef {
    /// Whether this window is still asked of the person, whose participation may have ended
    /// (`ended_at`) or whose subscription was stopped: only the closing questionnaire then.
    pub fn still_asked(&self, ended_at: Option<DateTime<Utc>>) -> bool {
        let end = match (ended_at, self.subscription_ends_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        // A protocol's own end is not a stop: every window before it is asked.
        let stopped_early = self.subscription_ends_at.is_some() || ended_at.is_some();
        !stopped_early || koers_core::protocol::windows::asked_after_end(end, self.open_at)
    }
}

type ResponseTuple = (
    i64,
    i64,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<i64>,
    NaiveDateTime,
    String,
    String,
    Option<NaiveDateTime>,
    Option<String>,
);

fn to_ref(t: ResponseTuple) -> ResponseRef {
    let (
        response_id,
        subscription_id,
        measurement_key,
        questionnaire_key,
        open_at,
        close_at,
        opened,
        completed,
        about,
        starts,
        state,
        content,
        ends_at,
        end_reason,
    ) = t;
    ResponseRef {
        response_id,
        subscription_id,
        measurement_key,
        questionnaire_key,
        open_at: from_db(open_at),
        close_at: from_db(close_at),
        opened_at: opened.map(from_db),
        completed_at: completed.map(from_db),
        about_student: about,
        subscription_starts_at: from_db(starts),
        subscription_active: state == SubscriptionState::Active.as_str(),
        protocol_content: content,
        subscription_ends_at: ends_at.filter(|_| end_reason.is_some()).map(from_db),
    }
}

macro_rules! response_select {
    () => {
        (
            responses::id,
            responses::subscription_id,
            responses::measurement_key,
            responses::questionnaire_key,
            responses::open_at,
            responses::close_at,
            responses::opened_at,
            responses::completed_at,
            subscriptions::filling_out_for_id,
            subscriptions::starts_at,
            subscriptions::state,
            protocols::content,
            subscriptions::ends_at,
            subscriptions::end_reason,
        )
    };
}

/// The person's windows that opened before `to` and close after `from`, oldest first.
pub fn windows_of(
    conn: &mut DbConnection,
    person_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<ResponseRef>> {
    let rows: Vec<ResponseTuple> = responses::table
        .inner_join(subscriptions::table.inner_join(protocols::table))
        .filter(subscriptions::person_id.eq(person_id))
        .filter(responses::open_at.le(to_db(to)))
        .filter(responses::close_at.gt(to_db(from)))
        .order((responses::open_at, responses::id))
        .select(response_select!())
        .load(conn)?;
    Ok(rows.into_iter().map(to_ref).collect())
}

/// A response, only if it belongs to one of this person's subscriptions.
pub fn response_of(conn: &mut DbConnection, person_id: i64, response_id: i64) -> StoreResult<Option<ResponseRef>> {
    let row: Option<ResponseTuple> = responses::table
        .inner_join(subscriptions::table.inner_join(protocols::table))
        .filter(subscriptions::person_id.eq(person_id))
        .filter(responses::id.eq(response_id))
        .select(response_select!())
        .first(conn)
        .optional()?;
    Ok(row.map(to_ref))
}

/// One of a person's active subscriptions, with the protocol it follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSubscription {
    pub id: i64,
    /// The protocol's YAML source (parsed once and cached by its readers).
    pub protocol_content: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    /// For a mentor's subscription: the student it is about.
    pub about_student: Option<i64>,
}

/// The person's active subscriptions, oldest first.
pub fn active_subscriptions_of(conn: &mut DbConnection, person_id: i64) -> StoreResult<Vec<ActiveSubscription>> {
    let rows: Vec<SubscriptionRow> = subscriptions::table
        .inner_join(protocols::table)
        .filter(subscriptions::person_id.eq(person_id))
        .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
        .order(subscriptions::id)
        .select((
            subscriptions::id,
            protocols::content,
            subscriptions::starts_at,
            subscriptions::ends_at,
            subscriptions::filling_out_for_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, protocol_content, s, e, about_student)| ActiveSubscription {
            id,
            protocol_content,
            starts_at: from_db(s),
            ends_at: e.map(from_db),
            about_student,
        })
        .collect())
}

/// Records that a person looked at a questionnaire (first time only).
pub fn mark_opened(conn: &mut DbConnection, response_id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(responses::table.filter(responses::id.eq(response_id).and(responses::opened_at.is_null())))
        .set(responses::opened_at.eq(to_db(now)))
        .execute(conn)?;
    Ok(())
}

/// First names and genders of people, by id (for the mentor's list and texts about a student).
pub fn names(conn: &mut DbConnection, ids: &[i64]) -> StoreResult<HashMap<i64, PersonName>> {
    let rows: Vec<(i64, Option<String>, Option<String>)> = people::table
        .inner_join(person_identities::table)
        .filter(people::id.eq_any(ids))
        .select((people::id, person_identities::first_name, people::gender))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, n, gender)| (id, PersonName { first_name: n.unwrap_or_default(), gender })).collect())
}

/// The student's current mentor; their phone only if they agreed to share it with students.
pub fn mentor_of(conn: &mut DbConnection, student_id: i64) -> StoreResult<Option<MentorContact>> {
    let row: Option<MentorRow> = pairs::table
        .inner_join(people::table.on(people::id.eq(pairs::mentor_id)))
        .inner_join(person_identities::table.on(person_identities::person_id.eq(pairs::mentor_id)))
        .filter(pairs::student_id.eq(student_id).and(pairs::ends_on.is_null()))
        .order(pairs::starts_on.desc())
        .select((pairs::mentor_id, person_identities::first_name, people::gender, person_identities::mobile_phone))
        .first(conn)
        .optional()?;
    let Some((id, name, gender, phone)) = row else { return Ok(None) };
    let shares = has_consent(conn, id, CONSENT_SHARE_CONTACT)?;
    Ok(Some(MentorContact { id, first_name: name.unwrap_or_default(), gender, phone: phone.filter(|_| shares) }))
}

pub const CONSENT_PARTICIPANT: &str = "participant";
pub const CONSENT_GUARDIAN: &str = "guardian";
/// Guardian asked and said no: the student's participation does not start.
pub const CONSENT_GUARDIAN_DECLINED: &str = "guardian_declined";
/// A mentor agreed to show their phone number to their students.
pub const CONSENT_SHARE_CONTACT: &str = "share_contact";
/// A student under 16 whose guardian has been asked.
pub const CONSENT_GUARDIAN_NEEDED: &str = "guardian_needed";
/// A student agreed that their mentor sees the trend of the study's chosen constructs.
pub const CONSENT_FEEDBACK_TRENDS: &str = "feedback_trends";
/// A student agreed that their mentor sees the support they experienced beside the mentor's own.
pub const CONSENT_FEEDBACK_SUPPORT: &str = "feedback_support_match";
/// A student agreed that their mentor (and the coordinator, if the study says so) gets a
/// question when the diaries suggest things are going less well.
pub const CONSENT_FEEDBACK_WARNINGS: &str = "feedback_warnings";
/// A student wants to see their own trend after a diary.
pub const CONSENT_FEEDBACK_OWN_TREND: &str = "feedback_own_trend";
/// The student answered the feedback consent questions (yes or no): not asked again unasked.
pub const CONSENT_FEEDBACK_ANSWERED: &str = "feedback_answered";

/// Whether a consent of this kind was given and not withdrawn.
pub fn has_consent(conn: &mut DbConnection, person_id: i64, kind: &str) -> StoreResult<bool> {
    Ok(consents::table
        .filter(consents::person_id.eq(person_id).and(consents::kind.eq(kind)).and(consents::withdrawn_at.is_null()))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// The kinds of consent the person gave and did not withdraw, in one query.
pub fn active_consents(conn: &mut DbConnection, person_id: i64) -> StoreResult<Vec<String>> {
    Ok(consents::table
        .filter(consents::person_id.eq(person_id).and(consents::withdrawn_at.is_null()))
        .select(consents::kind)
        .load(conn)?)
}

/// Pauses a person's messages until `until` (or ends the pause with `None`).
pub fn set_pause(conn: &mut DbConnection, person_id: i64, until: Option<DateTime<Utc>>) -> StoreResult<()> {
    diesel::update(people::table.find(person_id)).set(people::paused_until.eq(until.map(to_db))).execute(conn)?;
    Ok(())
}

/// Until when the person's messages are paused, if they are.
pub fn paused_until(conn: &mut DbConnection, person_id: i64, now: DateTime<Utc>) -> StoreResult<Option<DateTime<Utc>>> {
    let until: Option<NaiveDateTime> = people::table.find(person_id).select(people::paused_until).first(conn)?;
    Ok(until.map(from_db).filter(|u| *u > now))
}

/// Waiting for a parent: an under-16 whose parent was asked and has not answered, yes or no.
/// `active` are the kinds of the person's consents not withdrawn.
pub fn waits_for_guardian<S: AsRef<str>>(active: &[S]) -> bool {
    let has = |k: &str| active.iter().any(|a| a.as_ref() == k);
    has(CONSENT_GUARDIAN_NEEDED) && !has(CONSENT_GUARDIAN) && !has(CONSENT_GUARDIAN_DECLINED)
}

/// Of these students, those waiting for a parent's answer: not on their mentor's list yet.
pub fn waiting_for_guardian(conn: &mut DbConnection, students: &[i64]) -> StoreResult<std::collections::HashSet<i64>> {
    let rows: Vec<(i64, String)> = consents::table
        .filter(consents::person_id.eq_any(students).and(consents::withdrawn_at.is_null()))
        .select((consents::person_id, consents::kind))
        .load(conn)?;
    let mut kinds: HashMap<i64, Vec<String>> = HashMap::new();
    for (p, kind) in rows {
        kinds.entry(p).or_default().push(kind);
    }
    Ok(kinds.into_iter().filter(|(_, k)| waits_for_guardian(k)).map(|(p, _)| p).collect())
}

/// Records a consent with the version (content hash) of the text it was given on; giving the
/// same consent twice (a double submit) records it once.
pub fn record_consent(
    conn: &mut DbConnection,
    person_id: i64,
    kind: &str,
    text_version: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    if has_consent(conn, person_id, kind)? {
        return Ok(());
    }
    diesel::insert_into(consents::table)
        .values((
            consents::person_id.eq(person_id),
            consents::kind.eq(kind),
            consents::text_version.eq(text_version),
            consents::given_at.eq(to_db(now)),
            consents::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Withdraws a consent of this kind, if given (a student who changed their mind about feedback).
pub fn withdraw_consent(conn: &mut DbConnection, person_id: i64, kind: &str, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(
        consents::table.filter(
            consents::person_id.eq(person_id).and(consents::kind.eq(kind)).and(consents::withdrawn_at.is_null()),
        ),
    )
    .set(consents::withdrawn_at.eq(to_db(now)))
    .execute(conn)?;
    Ok(())
}

/// Keeps the guardian's number with the student's identity and queues one SMS to them with a
/// consent link; the scheduler sends it exactly once like every other message.
pub fn ask_guardian(conn: &mut DbConnection, student_id: i64, phone: &str, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(person_identities::table.find(student_id))
        .set((person_identities::guardian_phone.eq(phone), person_identities::updated_at.eq(to_db(now))))
        .execute(conn)?;
    ensure_invitation(
        conn,
        &NewInvitation {
            person_id: student_id,
            response_id: None,
            dedupe_key: "guardian:consent",
            kind: koers_core::invitation::InvitationKind::Guardian,
            channel: koers_core::protocol::Channel::Sms,
            due_at: now,
            expires_at: Some(now + chrono::TimeDelta::days(14)),
        },
        now,
    )?;
    Ok(())
}

/// Stores an accepted submission and, for a protocol with rewards, what it earned: both in one
/// transaction, so a crash never leaves an answer without its reward or the other way round.
pub fn complete(
    conn: &mut DbConnection,
    person_id: i64,
    c: &Completion<'_>,
    rewards: Option<&RewardScheme>,
    now: DateTime<Utc>,
) -> StoreResult<Saved> {
    write_transaction(conn, |conn| {
        let saved = save_submission(conn, c, now)?;
        if saved == Saved::AlreadyCompleted {
            return Ok(saved);
        }
        crate::drafts::delete_of(conn, &[c.response_id])?;
        if let Some(scheme) = rewards {
            // The person's own windows in order: completed, or missed once closed.
            let history: Vec<(Option<NaiveDateTime>, NaiveDateTime)> = responses::table
                .inner_join(subscriptions::table)
                .filter(subscriptions::person_id.eq(person_id).and(subscriptions::filling_out_for_id.is_null()))
                .filter(responses::completed_at.is_not_null().or(responses::close_at.le(to_db(now))))
                .order((responses::open_at, responses::id))
                .select((responses::completed_at, responses::close_at))
                .load(conn)?;
            let earned = koers_core::rewards::earnings(scheme, history.iter().map(|(done, _)| done.is_some()));
            let amount = koers_core::rewards::amount_for(scheme, earned.streak);
            diesel::insert_into(reward_ledger::table)
                .values((
                    reward_ledger::person_id.eq(person_id),
                    reward_ledger::response_id.eq(c.response_id),
                    reward_ledger::amount_cents.eq(i64::from(amount)),
                    reward_ledger::streak.eq(earned.streak as i32),
                    reward_ledger::reason.eq("completed"),
                    reward_ledger::created_at.eq(to_db(now)),
                ))
                .execute(conn)?;
        }
        Ok(saved)
    })
}

/// What a person has earned in all, and their streak now.
pub fn earned(conn: &mut DbConnection, person_id: i64) -> StoreResult<Earned> {
    let amounts: Vec<(i64, i32)> = reward_ledger::table
        .filter(reward_ledger::person_id.eq(person_id))
        .order(reward_ledger::id)
        .select((reward_ledger::amount_cents, reward_ledger::streak))
        .load(conn)?;
    Ok(Earned {
        total_cents: amounts.iter().map(|(a, _)| a).sum(),
        streak: amounts.last().map(|(_, s)| *s).unwrap_or(0),
    })
}

/// Whether the student completed a window of this measurement that is open at `at` or, if
/// none is open, the newest one that opened before it: the mentor's "done this week".
pub fn done_this_week(
    conn: &mut DbConnection,
    student_id: i64,
    measurement: &str,
    at: DateTime<Utc>,
) -> StoreResult<Option<bool>> {
    let row: Option<Option<NaiveDateTime>> = responses::table
        .inner_join(subscriptions::table)
        .filter(subscriptions::person_id.eq(student_id).and(subscriptions::filling_out_for_id.is_null()))
        .filter(responses::measurement_key.eq(measurement))
        .filter(responses::open_at.le(to_db(at)))
        .order(responses::open_at.desc())
        .select(responses::completed_at)
        .first(conn)
        .optional()?;
    Ok(row.map(|c| c.is_some()))
}

/// What one completed response earned, if anything.
pub fn reward_for(conn: &mut DbConnection, response_id: i64) -> StoreResult<Option<i64>> {
    Ok(reward_ledger::table
        .filter(reward_ledger::response_id.eq(response_id))
        .select(reward_ledger::amount_cents)
        .first(conn)
        .optional()?)
}

/// Whether the person completed this questionnaire in an earlier window (other than `except`)
/// that opened before `before`: the page greets a first-timer differently.
pub fn completed_before(
    conn: &mut DbConnection,
    person_id: i64,
    questionnaire_key: &str,
    before: DateTime<Utc>,
    except: i64,
) -> StoreResult<bool> {
    let n: i64 = responses::table
        .inner_join(subscriptions::table)
        .filter(subscriptions::person_id.eq(person_id))
        .filter(responses::questionnaire_key.eq(questionnaire_key))
        .filter(responses::open_at.le(to_db(before)))
        .filter(responses::completed_at.is_not_null())
        .filter(responses::id.ne(except))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// What a response is: its questionnaire, the opening of its window and, for a mentor's diary,
/// the student it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseFacts {
    pub questionnaire_key: String,
    pub open_at: DateTime<Utc>,
    pub about: Option<i64>,
}

pub fn response_facts(conn: &mut DbConnection, response_id: i64) -> StoreResult<Option<ResponseFacts>> {
    use crate::schema::{responses, subscriptions};
    let row: Option<(String, chrono::NaiveDateTime, Option<i64>)> = responses::table
        .inner_join(subscriptions::table)
        .filter(responses::id.eq(response_id))
        .select((responses::questionnaire_key, responses::open_at, subscriptions::filling_out_for_id))
        .first(conn)
        .optional()?;
    Ok(row.map(|(questionnaire_key, open_at, about)| ResponseFacts {
        questionnaire_key,
        open_at: crate::studies::from_db(open_at),
        about,
    }))
}
