//! The coordinator's pages in tests: two schools with a coordinator of one, the real app, and
//! logging in (past the second factor) and calling pages as a browser would.

#![allow(dead_code)]

use crate::second_factor;
use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::clock::FixedClock;
use koers_core::people::Role;
use koers_store::schema::person_identities;
use koers_store::staff::{self, StaffRole};
use koers_store::testing::{seed_named_person, seed_subscription, seed_two_schools};
use koers_store::{people as people_q, DbConnection};
use koers_web::AppState;
use std::sync::Arc;

/// Thursday 2026-10-15, 12:00 in Amsterdam.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 15, 10, 0, 0).unwrap()
}

pub const EMAIL: &str = "coordinator@noord.example";
pub const PASSWORD: &str = "een heel goed wachtwoord";

pub struct World {
    pub sanne: i64,
    pub joris: i64,
    pub fatima: i64,
    pub ravi: i64,
    pub sam: i64,
    pub team_noord: i64,
}

pub fn person(c: &mut DbConnection, study: i64, team: i64, role: Role, name: &str, phone: &str) -> i64 {
    seed_named_person(c, study, team, role, name, "Test", phone, now()).unwrap()
}

pub fn subscribe(c: &mut DbConnection, person: i64, protocol: i64, fof: Option<i64>) -> i64 {
    seed_subscription(c, person, protocol, fof, now()).unwrap()
}

/// ROC Noord (Sanne with mentor Joris; Fatima, a mentor without students) and ROC Zuid (Ravi
/// with mentor Sam), and a coordinator of ROC Noord.
pub fn world(db: &koers_store::Database) -> World {
    let mut c = db.conn().unwrap();
    let c = &mut *c;
    let now = now();
    let w = seed_two_schools(c, now).unwrap();
    let (study, team_noord, team_zuid) = (w.study_id, w.team_noord, w.team_zuid);
    let (sp, mp) = (w.student_protocol, w.mentor_protocol);
    let sanne = person(c, study, team_noord, Role::Student, "Sanne", "+31612300101");
    let joris = person(c, study, team_noord, Role::Mentor, "Joris", "+31612300201");
    let fatima = person(c, study, team_noord, Role::Mentor, "Fatima", "+31612300202");
    let ravi = person(c, study, team_zuid, Role::Student, "Ravi", "+31612300108");
    let sam = person(c, study, team_zuid, Role::Mentor, "Sam", "+31612300203");
    for (student, mentor) in [(sanne, joris), (ravi, sam)] {
        subscribe(c, student, sp, None);
        people_q::insert_pair(c, student, mentor, NaiveDate::from_ymd_opt(2026, 9, 14).unwrap(), now).unwrap();
        subscribe(c, mentor, mp, Some(student));
    }
    let id = staff::create_account(c, EMAIL, "Coördinator Noord", PASSWORD, false, now).unwrap();
    staff::add_role(c, id, study, Some(w.noord), None, StaffRole::Coordinator, now).unwrap();
    World { sanne, joris, fatima, ravi, sam, team_noord }
}

pub fn state(db: &koers_store::Database) -> AppState {
    AppState::new(db.clone(), Arc::new(FixedClock::new(now())), second_factor::settings())
}

pub struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub cookies: Vec<Cookie<'static>>,
    pub body: String,
}

pub async fn call<S, B>(app: &S, req: actix_http::Request) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let resp = test::call_service(app, req).await;
    let status = resp.status();
    let location = resp.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    let cookies = resp.response().cookies().map(|c| c.into_owned()).collect();
    let body = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    Answer { status, location, cookies, body }
}

pub fn csrf_of(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + 19;
    body[at..at + body[at..].find('"').unwrap()].to_string()
}

pub fn cookie<'a>(a: &'a Answer, name: &str) -> Option<&'a Cookie<'static>> {
    a.cookies.iter().find(|c| c.name() == name)
}

pub async fn try_login<S, B>(app: &S, email: &str, password: &str) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let page = call(app, test::TestRequest::get().uri("/staff/login").to_request()).await;
    assert_eq!(page.status, 200);
    let pre = cookie(&page, "koers_login").expect("a pre-login cookie").clone();
    let form = [("csrf", csrf_of(&page.body)), ("email", email.to_string()), ("password", password.to_string())];
    call(app, test::TestRequest::post().uri("/staff/login").cookie(pre).set_form(form).to_request()).await
}

/// Logs the coordinator in; the session cookie and the CSRF token of their pages.
pub async fn login<S, B>(app: &S) -> (Cookie<'static>, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let done = try_login(app, EMAIL, PASSWORD).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let session = match cookie(&done, "koers_s") {
        Some(s) => s.clone(),
        None => past_second_factor(app, &done).await,
    };
    let list = call(app, test::TestRequest::get().uri("/staff").cookie(session.clone()).to_request()).await;
    assert_eq!(list.status, 200);
    (session, csrf_of(&list.body))
}

/// After a right password: the second factor, set up or asked for, as its owner would do it.
pub async fn past_second_factor<S, B>(app: &S, done: &Answer) -> Cookie<'static>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    past_second_factor_of(app, EMAIL, done).await
}

/// [`past_second_factor`] for the account with address `email`.
pub async fn past_second_factor_of<S, B>(app: &S, email: &str, done: &Answer) -> Cookie<'static>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let pending = cookie(done, "koers_s2").expect("a pending session").clone();
    let to = done.location.clone().expect("on to the second factor");
    let page = call(app, test::TestRequest::get().uri(&to).cookie(pending.clone()).to_request()).await;
    let code = if to == "/staff/2fa/setup" {
        second_factor::setup_code(email, &page.body, now())
    } else {
        second_factor::login_code(email, now())
    };
    let form = [("csrf", csrf_of(&page.body)), ("code", code)];
    let passed = call(app, test::TestRequest::post().uri(&to).cookie(pending).set_form(form).to_request()).await;
    cookie(&passed, "koers_s").unwrap_or_else(|| panic!("a session after the code: {}", passed.body)).clone()
}

pub fn post(uri: &str, session: &Cookie<'static>, form: &[(&str, &str)]) -> actix_http::Request {
    let form: Vec<(String, String)> = form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    test::TestRequest::post().uri(uri).cookie(session.clone()).set_form(form).to_request()
}

/// The enrolment form of a student in `team`, posted with the session's CSRF token; `fields`
/// are the rest (names, phone, start date).
pub fn enrol_student(session: &Cookie<'static>, csrf: &str, team: i64, fields: &[(&str, &str)]) -> actix_http::Request {
    let team = team.to_string();
    let mut form = vec![("csrf", csrf), ("role", "student"), ("team_id", team.as_str())];
    form.extend_from_slice(fields);
    post("/staff/people/new", session, &form)
}

pub fn get(uri: &str, session: &Cookie<'static>) -> actix_http::Request {
    test::TestRequest::get().uri(uri).cookie(session.clone()).to_request()
}

pub fn phone_of(db: &koers_store::Database, id: i64) -> Option<String> {
    person_identities::table.find(id).select(person_identities::mobile_phone).first(&mut *db.conn().unwrap()).unwrap()
}

/// Two diaries a student left open (two and one week ago): the missed-diaries rule holds.
pub fn two_missed_diaries(c: &mut koers_store::DbConnection, student: i64) {
    use koers_store::schema::responses;
    let sub: i64 = koers_store::schema::subscriptions::table
        .filter(
            koers_store::schema::subscriptions::person_id
                .eq(student)
                .and(koers_store::schema::subscriptions::filling_out_for_id.is_null()),
        )
        .select(koers_store::schema::subscriptions::id)
        .first(c)
        .unwrap();
    for weeks_ago in [2, 1] {
        let open = (now() - chrono::TimeDelta::weeks(weeks_ago)).naive_utc();
        diesel::insert_into(responses::table)
            .values((
                responses::subscription_id.eq(sub),
                responses::measurement_key.eq("diary"),
                responses::occurrence.eq(weeks_ago as i32),
                responses::questionnaire_key.eq(koers_store::feedback::STUDENT_DIARY),
                responses::open_at.eq(open),
                responses::close_at.eq(open + chrono::TimeDelta::days(2)),
                responses::created_at.eq(open),
            ))
            .execute(c)
            .unwrap();
    }
}
