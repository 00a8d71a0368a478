//! What the dispatcher reads about one invitation at the moment of sending: the person, their
//! study and consents, the window it is for and what else it covers.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schedule::*;
use crate::schema::{
    consents, invitations, organisations, pairs, people, person_identities, protocols, responses, reward_ledger,
    studies, subscriptions, teams,
};
use crate::studies::from_db;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use koers_core::people::SubscriptionState;

/// Everything needed to decide on and write one message.
#[derive(Debug, Clone)]
pub struct SendContext {
    pub invitation: InvitationRow,
    pub role: koers_core::people::Role,
    pub locale: koers_core::people::Locale,
    pub person_ended: bool,
    pub phone_failing: bool,
    pub consent_withdrawn: bool,
    pub first_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// A parent's or carer's number, for the consent of an under-16.
    pub guardian_phone: Option<String>,
    /// By SMS or by e-mail, as planned.
    pub channel: koers_core::protocol::Channel,
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
    /// What the school calls a mentor, for `{{begeleider}}` in SMS texts.
    pub mentor_title: String,
    /// Who does the research and how to reach them (study settings `research_group`,
    /// `contact`), for the parent's SMS; never the study's topic.
    pub research_group: Option<String>,
    pub contact: Option<String>,
    /// "je" or "u" for the parent's SMS (study setting `register.parents`).
    pub parents_register: koers_core::register::Register,
    /// Goes up with every new phone number; part of every link (see `window_token`).
    pub link_generation: i32,
    /// No SMS before this moment (someone on holiday).
    pub paused_until: Option<DateTime<Utc>>,
}

/// Role, locale, ended at, phone status, link generation, paused until; study id, test mode,
/// clock offset, settings; the school's name and its word for a mentor.
type PersonRow =
    (String, String, Option<NaiveDateTime>, String, i32, Option<NaiveDateTime>, i64, bool, i64, String, String, String);

/// First name, phone, e-mail, guardian's phone.
type IdentityRow = (Option<String>, Option<String>, Option<String>, Option<String>);

pub fn send_context(conn: &mut DbConnection, invitation_id: i64) -> StoreResult<SendContext> {
    let inv = invitation(conn, invitation_id)?;
    // The person, their study and school in one query: this runs for every message sent.
    let row: PersonRow = people::table
        .inner_join(studies::table)
        .inner_join(teams::table.inner_join(organisations::table))
        .filter(people::id.eq(inv.person_id))
        .select((
            people::role,
            people::locale,
            people::ended_at,
            people::phone_status,
            people::link_generation,
            people::paused_until,
            studies::id,
            studies::test_mode,
            studies::clock_offset_micros,
            studies::settings,
            organisations::name,
            organisations::mentor_title,
        ))
        .first(conn)?;
    let (
        role,
        locale,
        ended_at,
        phone_status,
        link_generation,
        paused_until,
        study_id,
        test_mode,
        offset,
        settings,
        school,
        mentor_title,
    ) = row;
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
    // Every consent once: whether one was withdrawn, and whether a parent is still to answer.
    let consents: Vec<(String, Option<NaiveDateTime>)> = consents::table
        .filter(consents::person_id.eq(inv.person_id))
        .select((consents::kind, consents::withdrawn_at))
        .load(conn)?;
    let consent_withdrawn = consents.iter().any(|(_, w)| w.is_some());
    let active: Vec<&str> = consents.iter().filter(|(_, w)| w.is_none()).map(|(k, _)| k.as_str()).collect();
    let waiting_for_guardian = crate::participation::waits_for_guardian(&active);
    let mentor_first_name: Option<Option<String>> = pairs::table
        .inner_join(person_identities::table.on(person_identities::person_id.eq(pairs::mentor_id)))
        .filter(pairs::student_id.eq(inv.person_id).and(pairs::ends_on.is_null()))
        .order(pairs::starts_on.desc())
        .select(person_identities::first_name)
        .first(conn)
        .optional()?;

    let settings = koers_core::study_settings::StudySettings::from_json(&settings);

    let mut ctx = SendContext {
        link_generation,
        paused_until: paused_until.map(from_db),
        waiting_for_guardian,
        school: Some(school),
        mentor_title,
        parents_register: settings.register.parents,
        research_group: settings.research_group,
        contact: settings.contact,
        role: koers_core::people::Role::try_from(role)?,
        locale: koers_core::people::Locale::try_from(locale)?,
        person_ended: ended_at.is_some(),
        phone_failing: phone_status == "failing",
        consent_withdrawn,
        first_name,
        phone,
        email,
        guardian_phone,
        channel: koers_core::protocol::Channel::try_from(channel)?,
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
