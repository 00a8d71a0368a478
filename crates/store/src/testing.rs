//! Real databases for tests: a fresh SQLite file, or a fresh schema in the PostgreSQL at
//! `KOERS_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`), so that tests
//! run in parallel without seeing each other's rows.

use crate::db::Database;
use diesel::prelude::*;
use diesel::{Connection, PgConnection};

pub const DEFAULT_TEST_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database that is removed when dropped.
pub struct TestDb {
    pub db: Database,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    schema: Option<(String, String)>,
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("koers.db").display());
        let db = Database::open(&url, 4).expect("open sqlite test database");
        TestDb { db, url, _dir: Some(dir), schema: None }
    }

    pub fn postgres() -> Self {
        let base = std::env::var("KOERS_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_TEST_POSTGRES.to_string());
        let schema = format!("t_{}", random_suffix());
        let mut admin = PgConnection::establish(&base).unwrap_or_else(|e| {
            panic!("PostgreSQL for tests is not reachable at {base}: {e}. Start it, or set KOERS_TEST_DATABASE_URL.")
        });
        diesel::sql_query(format!("CREATE SCHEMA {schema}")).execute(&mut admin).expect("create test schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
        let db = Database::open(&url, 4).expect("open postgres test database");
        TestDb { db, url, _dir: None, schema: Some((base, schema)) }
    }

    /// Both backends, for tests that must hold on each.
    pub fn both() -> [(&'static str, TestDb); 2] {
        [("sqlite", TestDb::sqlite()), ("postgres", TestDb::postgres())]
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.schema {
            if let Ok(mut admin) = PgConnection::establish(base) {
                let _ = diesel::sql_query(format!("DROP SCHEMA {schema} CASCADE")).execute(&mut admin);
            }
        }
    }
}

fn random_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::process::id() as u128);
    format!("{:016x}", h.finish())
}

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
                kind: "invite",
                channel: "sms",
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
    let (qid, _, content) = crate::definitions::latest_questionnaire(conn, questionnaire_key)?
        .ok_or_else(|| crate::error::StoreError::NotFound(format!("questionnaire {questionnaire_key}")))?;
    let (q, _) = koers_core::questionnaire::parse_questionnaire(&content, Some(questionnaire_key))
        .map_err(|p| crate::error::StoreError::Invalid(format!("{p:?}")))?;
    submit_parsed(conn, person_id, response_id, (qid, &q), fields, when)
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
        kind: "invite",
        channel: "sms",
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

/// An invitation's status and, when skipped, why.
pub fn invitation_status(c: &mut crate::DbConnection, invitation: i64) -> (String, Option<String>) {
    use crate::schema::invitations;
    invitations::table
        .find(invitation)
        .select((invitations::status, invitations::skip_reason))
        .first(c)
        .expect("the invitation exists")
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
    }
}
