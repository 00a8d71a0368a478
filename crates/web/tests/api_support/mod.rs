//! What the API tests share: a study with two organisations, people, responses and staff of
//! every kind, seeded into a real database; and the whole application served over real HTTP on
//! a free port, with a clock the test moves.

#![allow(dead_code)]

#[path = "../support/mod.rs"]
mod support;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::clock::FixedClock;
use koers_core::people::Role;
use koers_core::settings::Settings;
use koers_store::schema::{answers, responses, staff_roles};
use koers_store::staff::{self, StaffRole};
use koers_store::studies::{ensure_study, to_db, NewStudy};
use koers_store::testing::{seed_named_person, seed_subscription, seed_two_schools};
use koers_store::{definitions, people as people_q, Database, DbConnection};
use koers_web::limits::Limits;
use koers_web::AppState;
use serde_json::Value;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use support::{serve, Serving};

pub const SECRET: &str = "a test secret that is long enough for koers";
pub const PASSWORD: &str = "een heel goed wachtwoord";
pub const COORDINATOR: &str = "coordinator@noord.example";
pub const RESEARCHER: &str = "researcher@uni.example";
pub const EXPORTER: &str = "exporter@uni.example";
pub const ADMIN: &str = "admin@koers.example";
pub const NOBODY: &str = "norole@koers.example";

pub const STUDENT_DIARY: &str = include_str!("../../../../questionnaires/student_diary.yaml");
pub const MENTOR_DIARY: &str = include_str!("../../../../questionnaires/mentor_diary.yaml");

/// Thursday 2026-10-15, 12:00 in Amsterdam.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 15, 10, 0, 0).unwrap()
}

/// Ids of what [`world`] made.
#[derive(Debug, Clone)]
pub struct World {
    pub study_id: i64,
    pub other_study_id: i64,
    /// ROC Noord: student Sanne, mentors Joris and Fatima.
    pub noord: Vec<i64>,
    /// ROC Zuid: student Ravi, mentor Sam.
    pub zuid: Vec<i64>,
    pub sanne: i64,
    pub joris: i64,
    pub ravi: i64,
    pub coordinator: i64,
    pub researcher: i64,
    pub exporter: i64,
    pub admin: i64,
    pub nobody: i64,
    /// Responses whose window has opened by [`now`] (one in the future is not counted).
    pub opened_responses: i64,
}

/// Every name and phone number in the world, which no researcher may ever see.
pub const IDENTIFYING: &[&str] =
    &["Sanne", "Joris", "Fatima", "Ravi", "Sam", "Testsma", "612300101", "612300201", "612300202", "612300108"];

fn person(c: &mut DbConnection, study: i64, team: i64, role: Role, name: &str, phone: &str) -> i64 {
    seed_named_person(c, study, team, role, name, "Testsma", phone, now()).unwrap()
}

fn subscribe(c: &mut DbConnection, person: i64, protocol: i64, fof: Option<i64>) -> i64 {
    seed_subscription(c, person, protocol, fof, now()).unwrap()
}

/// A weekly diary window opening `weeks_ago` weeks before [`now`] (negative: in the future).
fn window(c: &mut DbConnection, subscription: i64, questionnaire: (&str, i64), weeks_ago: i64, completed: bool) -> i64 {
    let open = now() - TimeDelta::weeks(weeks_ago) - TimeDelta::hours(2);
    let done = completed.then(|| to_db(open + TimeDelta::hours(1)));
    diesel::insert_into(responses::table)
        .values((
            responses::subscription_id.eq(subscription),
            responses::measurement_key.eq("diary"),
            responses::occurrence.eq((10 - weeks_ago) as i32),
            responses::questionnaire_key.eq(questionnaire.0),
            responses::questionnaire_id.eq(Some(questionnaire.1)),
            responses::open_at.eq(to_db(open)),
            responses::close_at.eq(to_db(open + TimeDelta::days(3))),
            responses::opened_at.eq(done),
            responses::completed_at.eq(done),
            responses::completed_utc_offset_minutes.eq(completed.then_some(120)),
            responses::created_at.eq(to_db(open)),
        ))
        .returning(responses::id)
        .get_result(c)
        .unwrap()
}

fn answer(
    c: &mut DbConnection,
    response: i64,
    item: &str,
    about: Option<i64>,
    kind: &str,
    text: Option<&str>,
    n: Option<f64>,
) {
    diesel::insert_into(answers::table)
        .values((
            answers::response_id.eq(response),
            answers::item_id.eq(item),
            answers::about_person_id.eq(about),
            answers::value_kind.eq(kind),
            answers::value_text.eq(text),
            answers::value_number.eq(n),
        ))
        .execute(c)
        .unwrap();
}

fn account(c: &mut DbConnection, email: &str, admin: bool) -> i64 {
    staff::create_account(c, email, email.split('@').next().unwrap(), PASSWORD, admin, now()).unwrap()
}

/// Study `vsv` with ROC Noord and ROC Zuid, windows of the last weeks (some completed, with
/// answers), and a study `other`. Staff: a coordinator of ROC Noord, a researcher, a researcher
/// with the export permission, an admin, and an account without any role.
pub fn world(db: &Database) -> World {
    let mut conn = db.conn().unwrap();
    let c = &mut *conn;
    let t = now();
    let w = seed_two_schools(c, t).unwrap();
    let other = ensure_study(
        c,
        &NewStudy { key: "other", name: "other", time_zone: "Europe/Amsterdam", default_locale: "nl", test_mode: true },
        t,
    )
    .unwrap();
    let (study, team_noord, team_zuid) = (w.study_id, w.team_noord, w.team_zuid);
    let (sp, mp) = (w.student_protocol, w.mentor_protocol);
    let sq = definitions::store_questionnaire(c, study, "student_diary", None, STUDENT_DIARY, None, t).unwrap().id();
    let mq = definitions::store_questionnaire(c, study, "mentor_diary", None, MENTOR_DIARY, None, t).unwrap().id();
    let sanne = person(c, study, team_noord, Role::Student, "Sanne", "+31612300101");
    let joris = person(c, study, team_noord, Role::Mentor, "Joris", "+31612300201");
    let fatima = person(c, study, team_noord, Role::Mentor, "Fatima", "+31612300202");
    let ravi = person(c, study, team_zuid, Role::Student, "Ravi", "+31612300108");
    let sam = person(c, study, team_zuid, Role::Mentor, "Sam", "+31612300203");
    let mut opened = 0;
    for (student, mentor) in [(sanne, joris), (ravi, sam)] {
        let s_sub = subscribe(c, student, sp, None);
        people_q::insert_pair(c, student, mentor, NaiveDate::from_ymd_opt(2026, 9, 14).unwrap(), t).unwrap();
        let m_sub = subscribe(c, mentor, mp, Some(student));
        // Three weeks back: the student answered two of three, the mentor all three; next
        // week's windows exist but have not opened.
        for weeks_ago in [2, 1, 0] {
            let done = weeks_ago != 1;
            let r = window(c, s_sub, ("student_diary", sq), weeks_ago, done);
            if done {
                answer(c, r, "motivation", None, "number", None, Some(72.0));
                answer(c, r, "activities", None, "options", Some("[\"school\",\"work\"]"), None);
                answer(c, r, "remark", None, "not_answered", None, None);
                // The page's record of the slider being moved (the paradata export's rows).
                diesel::insert_into(koers_store::schema::paradata::table)
                    .values((
                        koers_store::schema::paradata::response_id.eq(r),
                        koers_store::schema::paradata::item_id.eq("motivation"),
                        koers_store::schema::paradata::touched.eq(true),
                        koers_store::schema::paradata::change_count.eq(1),
                    ))
                    .execute(c)
                    .unwrap();
            }
            let r = window(c, m_sub, ("mentor_diary", mq), weeks_ago, true);
            answer(c, r, "minutes", Some(student), "number", None, Some(30.0));
            opened += 2;
        }
        window(c, s_sub, ("student_diary", sq), -1, false);
    }
    let coordinator = account(c, COORDINATOR, false);
    staff::add_role(c, coordinator, study, Some(w.noord), None, StaffRole::Coordinator, t).unwrap();
    let researcher = account(c, RESEARCHER, false);
    staff::add_role(c, researcher, study, None, None, StaffRole::Researcher, t).unwrap();
    let exporter = account(c, EXPORTER, false);
    let role = staff::add_role(c, exporter, study, None, None, StaffRole::Researcher, t).unwrap();
    diesel::update(staff_roles::table.find(role)).set(staff_roles::permissions.eq("export")).execute(c).unwrap();
    let admin = account(c, ADMIN, true);
    let nobody = account(c, NOBODY, false);
    // Those who see names, export or administer log in with a second factor.
    for id in [coordinator, exporter, admin] {
        enrol_totp(c, id);
    }
    World {
        study_id: study,
        other_study_id: other.id,
        noord: vec![sanne, joris, fatima],
        zuid: vec![ravi, sam],
        sanne,
        joris,
        ravi,
        coordinator,
        researcher,
        exporter,
        admin,
        nobody,
        opened_responses: opened,
    }
}

/// The TOTP secret of every enrolled test account (the app shows a random one; tests know theirs
/// so they can make codes).
pub fn totp_secret(staff_id: i64) -> Vec<u8> {
    format!("test totp secret {staff_id:>6}").into_bytes()
}

/// Sets up an account's second factor with [`totp_secret`], as the enrolment page would.
pub fn enrol_totp(c: &mut DbConnection, staff_id: i64) {
    use koers_store::schema::staff_accounts;
    let key = koers_store::totp_store::SealKey::from_installation_secret(SECRET.as_bytes());
    koers_store::totp_store::pending_secret(c, &key, staff_id).unwrap();
    // The same sealing as the app's, with a secret the test knows.
    let an_hour_ago = now() - TimeDelta::hours(1);
    let secret = totp_secret(staff_id);
    let sealed = koers_store::totp_store::seal_for_tests(&key, staff_id, &secret);
    diesel::update(staff_accounts::table.find(staff_id))
        .set(staff_accounts::totp_secret.eq(sealed))
        .execute(c)
        .unwrap();
    let code = koers_core::totp::code_at(&secret, an_hour_ago);
    assert!(koers_store::totp_store::confirm(c, &key, staff_id, &code, an_hour_ago).unwrap().is_some());
}

/// The code an account's app shows at the server's time, usable again (tests log in more than
/// once in the same 30 seconds of a clock that stands still).
pub fn totp_code(s: &Server, staff_id: i64) -> String {
    use koers_store::schema::staff_accounts;
    let mut c = s.db.conn().unwrap();
    diesel::update(staff_accounts::table.find(staff_id))
        .set(staff_accounts::totp_last_step.eq(None::<i64>))
        .execute(&mut *c)
        .unwrap();
    koers_core::totp::code_at(&totp_secret(staff_id), koers_core::clock::Clock::now(&s.clock))
}

/// The application over real HTTP on a free port, stopped when dropped.
pub struct Server {
    pub base: String,
    pub clock: FixedClock,
    pub db: Database,
    _serving: Serving,
}

impl Server {
    /// Serves the app with a fixed clock at [`now`], the test secret and the login limit given.
    pub fn start(db: &Database, logins_per_minute: u32) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let clock = FixedClock::new(now());
        let settings = Settings { secret_key: Some(SECRET.into()), base_url: base.clone(), ..Settings::default() };
        let mut state = AppState::new(db.clone(), Arc::new(clock.clone()), settings);
        // Requests come from 127.0.0.1, trusted as a proxy so tests can speak for other
        // addresses with X-Forwarded-For.
        let limits = Limits::new(1000, logins_per_minute).trusting(&["127.0.0.1".into()]);
        state.limits = Arc::new(limits.with_clock(Arc::new(clock.clone())));
        Server { base, clock, db: db.clone(), _serving: serve(listener, state, 2) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().unwrap()
}

/// A response read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Asserts an RFC 9457 problem with this status and returns it.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.content_type, "application/problem+json", "{}", self.body);
        let p = self.json();
        assert_eq!(p["status"], status);
        assert_eq!(p["type"], "about:blank");
        assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(p["detail"].as_str().is_some_and(|t| !t.is_empty()));
        p
    }
}

pub fn reply(r: reqwest::blocking::Response) -> Reply {
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let content_type = headers.get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = r.text().unwrap();
    Reply { status, content_type, headers, body }
}

pub fn get(s: &Server, path: &str, token: Option<&str>) -> Reply {
    let mut req = client().get(s.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    reply(req.send().unwrap())
}

pub fn post_json(s: &Server, path: &str, body: &Value) -> Reply {
    reply(client().post(s.url(path)).json(body).send().unwrap())
}

/// An access token for a staff account's password (and its second factor's code, if it has one).
pub fn token(s: &Server, email: &str) -> String {
    let mut body = serde_json::json!({"email": email, "password": PASSWORD});
    let account = staff::find_by_email(&mut s.db.conn().unwrap(), email).unwrap().unwrap();
    if account.totp_confirmed_at.is_some() {
        body["totp"] = totp_code(s, account.id).into();
    }
    let r = post_json(s, "/api/v1/token", &body);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["access_token"].as_str().unwrap().to_string()
}
