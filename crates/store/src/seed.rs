//! Synthetic studies, people and answers, for benchmarks (`koers bench`) and tests.

use crate::db::Database;

/// A study with one organisation and one team, for tests and benchmarks that need people.
#[derive(Debug, Clone, Copy)]
pub struct Seeded {
    pub study_id: i64,
    pub team_id: i64,
}

pub fn seed_study(
    conn: &mut crate::DbConnection,
    key: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::error::StoreResult<Seeded> {
    use crate::studies::{ensure_organisation, ensure_study, ensure_team, NewStudy};
    let study = ensure_study(
        conn,
        &NewStudy { key, name: key, time_zone: "Europe/Amsterdam", default_locale: "nl", test_mode: false },
        now,
    )?;
    let org = ensure_organisation(conn, study.id, "org", "Organisation", None, now)?;
    let team_id = ensure_team(conn, org.id, "Team", now)?;
    Ok(Seeded { study_id: study.id, team_id })
}

/// A Dutch-speaking person in the seeded team.
pub fn seed_person(
    conn: &mut crate::DbConnection,
    at: Seeded,
    role: koers_core::people::Role,
    first_name: &str,
    phone: &str,
    email: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::error::StoreResult<i64> {
    crate::people::insert_person(
        conn,
        &crate::people::NewPerson {
            study_id: at.study_id,
            team_id: at.team_id,
            role,
            role_title: None,
            gender: None,
            locale: koers_core::people::Locale::Nl,
            first_name,
            last_name: None,
            mobile_phone: phone,
            email,
        },
        now,
    )
}

/// `count` people (phones +3161 0000000 upwards), each with one invitation due a minute ago,
/// in one transaction: the load for sending tests and the fan-out benchmark.
pub fn seed_due_invitations(
    db: &Database,
    key: &str,
    count: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::error::StoreResult<()> {
    use crate::schedule::{ensure_invitation, NewInvitation};
    db.write(|c| {
        let at = seed_study(c, key, now)?;
        for i in 0..count {
            let person =
                seed_person(c, at, koers_core::people::Role::Student, "Test", &format!("+3161{i:07}"), None, now)?;
            let invitation = NewInvitation {
                person_id: person,
                response_id: None,
                dedupe_key: "w:1:invite",
                kind: koers_core::invitation::InvitationKind::Invite,
                channel: koers_core::protocol::Channel::Sms,
                due_at: now - chrono::TimeDelta::minutes(1),
                expires_at: Some(now + chrono::TimeDelta::days(1)),
            };
            ensure_invitation(c, &invitation, now)?;
        }
        Ok(())
    })
}

/// Answers a response as the questionnaire page's POST does: the questionnaire engine decides
/// on the form, then `participation::complete` stores answers and reward in one transaction.
pub fn submit_form(
    conn: &mut crate::DbConnection,
    person_id: i64,
    response_id: i64,
    questionnaire_key: &str,
    fields: &[(&str, &str)],
    when: chrono::DateTime<chrono::Utc>,
) -> crate::error::StoreResult<crate::answers::Saved> {
    use diesel::prelude::*;
    let study_id: i64 =
        crate::schema::people::table.find(person_id).select(crate::schema::people::study_id).first(conn)?;
    let stored = crate::definitions::latest_questionnaire(conn, study_id, questionnaire_key)?
        .ok_or_else(|| crate::error::StoreError::NotFound(format!("questionnaire {questionnaire_key}")))?;
    let (q, _) = koers_core::questionnaire::parse_questionnaire(&stored.content, Some(questionnaire_key))
        .map_err(|p| crate::error::StoreError::Invalid(format!("{p:?}")))?;
    submit_parsed(conn, person_id, response_id, (stored.id, &q), fields, when)
}

/// [`submit_form`] with the questionnaire (its stored id and parsed form) at hand, as the web
/// application has it in its cache.
pub fn submit_parsed(
    conn: &mut crate::DbConnection,
    person_id: i64,
    response_id: i64,
    (qid, q): (i64, &koers_core::questionnaire::Questionnaire),
    fields: &[(&str, &str)],
    when: chrono::DateTime<chrono::Utc>,
) -> crate::error::StoreResult<crate::answers::Saved> {
    use koers_core::questionnaire::submit::{validate_submission, Context, Submission};
    let sub = Submission {
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        started_at: Some(when - chrono::TimeDelta::seconds(95)),
        user_agent: Some("test".into()),
    };
    let ctx = Context {
        lang: "nl".into(),
        fallback_lang: "nl".into(),
        now: when,
        today: when.date_naive(),
        protocol_start: when - chrono::TimeDelta::days(7),
        final_questionnaire: false,
        students: vec![],
    };
    let accepted =
        validate_submission(q, &sub, &ctx).map_err(|r| crate::error::StoreError::Invalid(format!("{:?}", r.errors)))?;
    let c = crate::answers::Completion {
        response_id,
        questionnaire_id: Some(qid),
        accepted: &accepted,
        utc_offset_minutes: 60,
        started_at: sub.started_at,
    };
    let scheme = koers_core::protocol::RewardScheme { per_completed_cents: 200, streak: vec![] };
    crate::participation::complete(conn, person_id, &c, Some(&scheme), when)
}
