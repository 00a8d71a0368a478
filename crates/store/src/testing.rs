//! What tests share: a throwaway database on either backend ([`TestDb`]), the study most tests
//! start from, and small seeds and lookups. Only built with the `testing` feature, which the
//! crates' dev-dependencies turn on, so none of it is in a production build.

use diesel::prelude::*;

#[doc(inline)]
pub use crate::scratch::{ScratchDb as TestDb, DEFAULT_TEST_POSTGRES};
#[doc(inline)]
pub use crate::seed::{seed_due_invitations, seed_person, seed_study, submit_form, submit_parsed, Seeded};

/// The study most coordination, staff and API tests share: `vsv` (Amsterdam, test mode) with
/// ROC Noord (team Entree) and ROC Zuid (team Techniek), a student and a mentor protocol.
#[derive(Debug, Clone, Copy)]
pub struct TwoSchools {
    pub study_id: i64,
    pub noord: i64,
    pub zuid: i64,
    pub team_noord: i64,
    pub team_zuid: i64,
    pub student_protocol: i64,
    pub mentor_protocol: i64,
}

pub fn seed_two_schools(
    conn: &mut crate::DbConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::error::StoreResult<TwoSchools> {
    use crate::definitions::store_protocol;
    use crate::studies::{ensure_organisation, ensure_study, ensure_team, NewStudy};
    let study = ensure_study(
        conn,
        &NewStudy { key: "vsv", name: "VSV", time_zone: "Europe/Amsterdam", default_locale: "nl", test_mode: false },
        now,
    )?;
    let noord = ensure_organisation(conn, study.id, "roc-noord", "ROC Noord", None, now)?;
    let zuid = ensure_organisation(conn, study.id, "roc-zuid", "ROC Zuid", None, now)?;
    let team_noord = ensure_team(conn, noord.id, "Entree", now)?;
    let team_zuid = ensure_team(conn, zuid.id, "Techniek", now)?;
    let student_protocol = store_protocol(conn, study.id, "vsv_student", Some("student"), "name: s\n", None, now)?.id();
    let mentor_protocol = store_protocol(conn, study.id, "vsv_mentor", Some("mentor"), "name: m\n", None, now)?.id();
    Ok(TwoSchools {
        study_id: study.id,
        noord: noord.id,
        zuid: zuid.id,
        team_noord,
        team_zuid,
        student_protocol,
        mentor_protocol,
    })
}

/// A Dutch-speaking person with a first and last name and a phone number, without e-mail.
#[allow(clippy::too_many_arguments)]
pub fn seed_named_person(
    conn: &mut crate::DbConnection,
    study_id: i64,
    team_id: i64,
    role: koers_core::people::Role,
    first_name: &str,
    last_name: &str,
    phone: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::error::StoreResult<i64> {
    crate::people::insert_person(
        conn,
        &crate::people::NewPerson {
            study_id,
            team_id,
            role,
            role_title: None,
            gender: None,
            locale: koers_core::people::Locale::Nl,
            first_name,
            last_name: Some(last_name),
            mobile_phone: phone,
            email: None,
        },
        now,
    )
}

/// A subscription to `protocol` that started 30 days before `now` and has no end; a mentor's
/// names the student it is `filling_out_for`.
pub fn seed_subscription(
    conn: &mut crate::DbConnection,
    person_id: i64,
    protocol_id: i64,
    filling_out_for: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::error::StoreResult<i64> {
    crate::people::insert_subscription(
        conn,
        &crate::people::NewSubscription {
            person_id,
            protocol_id,
            filling_out_for,
            starts_at: now - chrono::TimeDelta::days(30),
            ends_at: None,
        },
        now,
    )
}

/// A person subscribed from `now` to a protocol that plans nothing, one per role (`p` for
/// students, `m` for mentors), for tests that place responses by hand; a mentor's names the
/// student it is `filling_out_for`.
pub fn seed_bare_subscription(
    conn: &mut crate::DbConnection,
    study_id: i64,
    person_id: i64,
    role: koers_core::people::Role,
    filling_out_for: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::error::StoreResult<i64> {
    let (key, role) = match role {
        koers_core::people::Role::Student => ("p", "student"),
        koers_core::people::Role::Mentor => ("m", "mentor"),
    };
    let yaml = format!("name: {key}\n");
    let protocol = crate::definitions::store_protocol(conn, study_id, key, Some(role), &yaml, None, now)?.id();
    let new = crate::people::NewSubscription {
        person_id,
        protocol_id: protocol,
        filling_out_for,
        starts_at: now,
        ends_at: None,
    };
    crate::people::insert_subscription(conn, &new, now)
}

/// An SMS invitation of `person_id` due at `due_at`, expiring 30 hours later.
pub fn seed_invitation(
    conn: &mut crate::DbConnection,
    person_id: i64,
    dedupe_key: &str,
    due_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::error::StoreResult<()> {
    let invitation = crate::schedule::NewInvitation {
        person_id,
        response_id: None,
        dedupe_key,
        kind: koers_core::invitation::InvitationKind::Invite,
        channel: koers_core::protocol::Channel::Sms,
        due_at,
        expires_at: Some(due_at + chrono::TimeDelta::hours(30)),
    };
    crate::schedule::ensure_invitation(conn, &invitation, now)?;
    Ok(())
}

/// How many answers the person gave in all their responses.
pub fn answers_of_person(c: &mut crate::DbConnection, person: i64) -> i64 {
    use crate::schema::{answers, responses, subscriptions};
    answers::table
        .inner_join(responses::table.inner_join(subscriptions::table))
        .filter(subscriptions::person_id.eq(person))
        .count()
        .get_result(c)
        .expect("answers counted")
}

/// Where an invitation stands and, when skipped, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationState {
    pub status: koers_core::invitation::InvitationStatus,
    pub skip_reason: Option<String>,
}

impl InvitationState {
    /// Skipped for this reason.
    pub fn skipped(reason: &str) -> Self {
        InvitationState { status: koers_core::invitation::InvitationStatus::Skipped, skip_reason: Some(reason.into()) }
    }
}

/// An invitation's status and, when skipped, why.
pub fn invitation_status(c: &mut crate::DbConnection, invitation: i64) -> InvitationState {
    use crate::schema::invitations;
    let (status, skip_reason): (String, Option<String>) = invitations::table
        .find(invitation)
        .select((invitations::status, invitations::skip_reason))
        .first(c)
        .expect("the invitation exists");
    InvitationState { status: status.try_into().expect("a status koers knows"), skip_reason }
}

/// Occurrence `n` of a 30-hour diary window (questionnaire key "d") opening at `open_at`.
pub fn diary_window(n: u32, open_at: chrono::DateTime<chrono::Utc>) -> koers_core::protocol::windows::Window {
    koers_core::protocol::windows::Window {
        measurement: "diary".into(),
        occurrence: n,
        questionnaire: "d".into(),
        open_at,
        remind_at: None,
        close_at: open_at + chrono::TimeDelta::hours(30),
        invite: true,
        stop_measurement: false,
        recurring: true,
    }
}
