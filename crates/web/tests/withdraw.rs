//! A coordinator withdraws a person on their page, over real HTTP on both databases: what is
//! deleted or kept, which messages stop, the audit entry, and the refusals (another
//! organisation's coordinator gets 404, a form without its CSRF token or without a choice and a
//! confirmation changes nothing).

mod second_factor;
mod support;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::clock::FixedClock;
use koers_core::invitation::InvitationStatus;
use koers_core::people::Role;
use koers_store::schema::{answers, audit_log, invitations, people, responses, subscriptions};
use koers_store::staff::{self, StaffRole};
use koers_store::studies::to_db;
use koers_store::testing::{
    answers_of_person, diary_window, invitation_status, seed_invitation, seed_named_person, seed_subscription,
    seed_two_schools, InvitationState, TestDb,
};
use koers_store::{people as people_q, schedule, Database, DbConnection};
use koers_web::AppState;
use reqwest::blocking::{Client, Response};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use support::{serve, Serving};

/// Thursday 2026-10-15, 12:00 in Amsterdam.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 15, 10, 0, 0).unwrap()
}

const NOORD: &str = "coordinator@noord.example";
const ZUID: &str = "coordinator@zuid.example";
const PASSWORD: &str = "een heel goed wachtwoord";

struct World {
    sanne: i64,
    joris: i64,
    noord: i64,
    /// Sanne's invitation still waiting to go.
    invitation: i64,
}

/// A completed diary window of `subscription` with one answer per item (about `about`).
fn answered(c: &mut DbConnection, subscription: i64, items: &[&str], about: Option<i64>) {
    let open_at = now() - TimeDelta::days(7);
    let window = diary_window(1, open_at);
    let response = schedule::ensure_response(c, subscription, &window, now()).unwrap();
    diesel::update(responses::table.find(response))
        .set(responses::completed_at.eq(to_db(open_at + TimeDelta::hours(2))))
        .execute(c)
        .unwrap();
    for item in items {
        diesel::insert_into(answers::table)
            .values((
                answers::response_id.eq(response),
                answers::item_id.eq(*item),
                answers::about_person_id.eq(about),
                answers::value_kind.eq("number"),
                answers::value_number.eq(Some(3.0)),
            ))
            .execute(c)
            .unwrap();
    }
}

/// ROC Noord: Sanne (two answers, an invitation waiting) and her mentor Joris (one answer about
/// her); ROC Zuid: Ravi. A coordinator for each school.
fn world(db: &Database) -> World {
    let mut c = db.conn().unwrap();
    let c = &mut *c;
    let w = seed_two_schools(c, now()).unwrap();
    let person = |c: &mut DbConnection, team, role, name: &str, phone: &str| {
        seed_named_person(c, w.study_id, team, role, name, "Test", phone, now()).unwrap()
    };
    let sanne = person(c, w.team_noord, Role::Student, "Sanne", "+31612300101");
    let joris = person(c, w.team_noord, Role::Mentor, "Joris", "+31612300201");
    person(c, w.team_zuid, Role::Student, "Ravi", "+31612300108");
    let hers = seed_subscription(c, sanne, w.student_protocol, None, now()).unwrap();
    people_q::insert_pair(c, sanne, joris, NaiveDate::from_ymd_opt(2026, 9, 14).unwrap(), now()).unwrap();
    let his = seed_subscription(c, joris, w.mentor_protocol, Some(sanne), now()).unwrap();
    answered(c, hers, &["mood", "effort"], None);
    answered(c, his, &["support"], Some(sanne));
    seed_invitation(c, sanne, "diary:2:invite", now() + TimeDelta::hours(2), now()).unwrap();
    let invitation =
        invitations::table.filter(invitations::person_id.eq(sanne)).select(invitations::id).first(c).unwrap();
    for (email, org) in [(NOORD, w.noord), (ZUID, w.zuid)] {
        let id = staff::create_account(c, email, "Coördinator", PASSWORD, false, now()).unwrap();
        staff::add_role(c, id, w.study_id, Some(org), None, StaffRole::Coordinator, now()).unwrap();
    }
    World { sanne, joris, noord: w.noord, invitation }
}

/// The application on a free port, and a browser without a cookie jar (cookies by hand).
struct Server {
    base: String,
    client: Client,
    _serving: Serving,
}

fn cookie_of(r: &Response, name: &str) -> String {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

fn csrf_of(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + 19;
    body[at..at + body[at..].find('"').unwrap()].to_string()
}

impl Server {
    fn start(db: &Database) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(db.clone(), Arc::new(FixedClock::new(now())), second_factor::settings());
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Server { base, client, _serving: serve(listener, state, 1) }
    }

    /// Logs in; the session cookie.
    fn login(&self, email: &str) -> String {
        let page = self.client.get(format!("{}/staff/login", self.base)).send().unwrap();
        let pre = cookie_of(&page, "koers_login");
        let csrf = csrf_of(&page.text().unwrap());
        let done = self
            .client
            .post(format!("{}/staff/login", self.base))
            .header("cookie", pre)
            .form(&[("csrf", csrf.as_str()), ("email", email), ("password", PASSWORD)])
            .send()
            .unwrap();
        assert_eq!(done.status(), 303);
        let to = done.headers()["location"].to_str().unwrap().to_string();
        if to == "/staff" {
            return cookie_of(&done, "koers_s");
        }
        // Through the second factor, as the account's owner would.
        let pending = cookie_of(&done, "koers_s2");
        let page = self.client.get(format!("{}{to}", self.base)).header("cookie", &pending).send().unwrap();
        let body = page.text().unwrap();
        let code = if to == "/staff/2fa/setup" {
            second_factor::setup_code(email, &body, now())
        } else {
            second_factor::login_code(email, now())
        };
        let csrf = csrf_of(&body);
        let passed = self
            .client
            .post(format!("{}{to}", self.base))
            .header("cookie", pending)
            .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
            .send()
            .unwrap();
        cookie_of(&passed, "koers_s")
    }

    fn get(&self, session: &str, path: &str) -> (u16, String) {
        let r = self.client.get(format!("{}{path}", self.base)).header("cookie", session).send().unwrap();
        (r.status().as_u16(), r.text().unwrap())
    }

    /// A POST: status, Location, body.
    fn post(&self, session: &str, path: &str, form: &[(&str, &str)]) -> (u16, Option<String>, String) {
        let r = self.client.post(format!("{}{path}", self.base)).header("cookie", session).form(form).send().unwrap();
        let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_string());
        (r.status().as_u16(), location, r.text().unwrap())
    }
}

/// Actor, actor's staff id, organisation, person and details of an audit entry.
type Logged = (String, Option<i64>, Option<i64>, Option<i64>, String);

fn withdrawals(c: &mut DbConnection) -> Vec<Logged> {
    audit_log::table
        .filter(audit_log::action.eq("person.withdraw"))
        .order(audit_log::id)
        .select((
            audit_log::actor,
            audit_log::actor_staff_id,
            audit_log::organisation_id,
            audit_log::target_id,
            audit_log::details,
        ))
        .load(c)
        .unwrap()
}

#[test]
fn a_coordinator_withdraws_a_student_and_deletes_her_answers() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let server = Server::start(&t.db);
        let session = server.login(NOORD);
        let page = format!("/staff/people/{}", w.sanne);
        let (status, body) = server.get(&session, &page);
        assert_eq!(status, 200, "{backend}");
        assert!(body.contains(&format!("action=\"{page}/withdraw#problems\"")) && body.contains("Deelname intrekken"));
        assert!(body.contains("name=\"data\" value=\"delete\"") && body.contains("name=\"confirm\""), "{backend}");
        let csrf = csrf_of(&body);

        let form = [("csrf", csrf.as_str()), ("data", "delete"), ("confirm", "yes")];
        let (status, location, body) = server.post(&session, &format!("{page}/withdraw"), &form);
        assert_eq!(status, 303, "{backend}: {body}");
        let location = location.unwrap();
        assert!(location.starts_with(&format!("{page}?ok=withdraw&data=delete")), "{backend}: {location}");
        let (_, shown) = server.get(&session, &location);
        for words in [
            "De deelname is ingetrokken.",
            "2 vragenlijsten zijn gestopt.",
            "1 bericht dat klaarstond, wordt niet verstuurd.",
            "2 antwoorden zijn verwijderd.",
        ] {
            assert!(shown.contains(words), "{backend}: {words:?} not in the message");
        }

        let mut c = t.db.conn().unwrap();
        assert_eq!(answers_of_person(&mut c, w.sanne), 0, "{backend}: her answers are gone");
        assert_eq!(answers_of_person(&mut c, w.joris), 1, "{backend}: what her mentor wrote stays");
        assert_eq!(invitation_status(&mut c, w.invitation), InvitationState::skipped("withdrawn"), "{backend}");
        let states: Vec<String> = subscriptions::table
            .filter(subscriptions::person_id.eq(w.sanne).or(subscriptions::filling_out_for_id.eq(w.sanne)))
            .select(subscriptions::state)
            .load(&mut c)
            .unwrap();
        assert_eq!(states, ["stopped", "stopped"], "{backend}: hers and the diary about her");
        let reason: Option<String> = people::table.find(w.sanne).select(people::end_reason).first(&mut c).unwrap();
        assert_eq!(reason.as_deref(), Some("withdrawn"), "{backend}");

        let log = withdrawals(&mut c);
        assert_eq!(log.len(), 1, "{backend}");
        let staff_id = staff::find_by_email(&mut c, NOORD).unwrap().unwrap().id;
        let (actor, actor_id, org, target, details) = &log[0];
        assert_eq!(
            (actor.as_str(), *actor_id, *org, *target),
            (format!("staff:{staff_id}").as_str(), Some(staff_id), Some(w.noord), Some(w.sanne)),
            "{backend}"
        );
        assert!(details.contains("\"data\":\"delete\"") && details.contains("\"answers_deleted\":2"), "{details}");
    }
}

#[test]
fn a_mentor_who_withdraws_keeping_the_data_keeps_his_answers() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let server = Server::start(&t.db);
        let session = server.login(NOORD);
        let page = format!("/staff/people/{}", w.joris);
        let (_, body) = server.get(&session, &page);
        let csrf = csrf_of(&body);
        let form = [("csrf", csrf.as_str()), ("data", "keep"), ("confirm", "yes")];
        let (status, location, _) = server.post(&session, &format!("{page}/withdraw"), &form);
        assert_eq!(status, 303, "{backend}");
        let (_, shown) = server.get(&session, &location.unwrap());
        // His own questionnaires (intake, closing) and his diary about Sanne.
        assert!(shown.contains("2 vragenlijsten zijn gestopt.") && shown.contains("blijven bewaard"), "{backend}");
        let mut c = t.db.conn().unwrap();
        assert_eq!(answers_of_person(&mut c, w.joris), 1, "{backend}");
        assert_eq!(answers_of_person(&mut c, w.sanne), 2, "{backend}: his student goes on");
        assert_eq!(invitation_status(&mut c, w.invitation).status, InvitationStatus::Pending, "{backend}");
    }
}

#[test]
fn a_withdrawal_is_refused_outside_the_organisation_without_csrf_or_without_a_choice() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let server = Server::start(&t.db);
        let uri = format!("/staff/people/{}/withdraw", w.sanne);

        // A coordinator of ROC Zuid: Sanne does not exist for them.
        let zuid = server.login(ZUID);
        let (_, list) = server.get(&zuid, "/staff");
        let csrf = csrf_of(&list);
        let (missing_status, _, missing) = server.post(
            &zuid,
            "/staff/people/999999/withdraw",
            &[("csrf", &csrf), ("data", "delete"), ("confirm", "yes")],
        );
        assert_eq!(missing_status, 404, "{backend}");
        let (status, _, body) = server.post(&zuid, &uri, &[("csrf", &csrf), ("data", "delete"), ("confirm", "yes")]);
        assert_eq!(status, 404, "{backend}");
        assert_eq!(body, missing, "{backend}: an outsider looks exactly like nobody");
        let (status, _, body) = server.post(&zuid, &uri, &[("csrf", &csrf)]);
        assert_eq!((status, body == missing), (404, true), "{backend}: nor learns what the form lacks");

        // Her own coordinator, without the CSRF token or with a forged one.
        let noord = server.login(NOORD);
        for token in [None, Some("forged-token-that-is-long-enough")] {
            let mut form = vec![("data", "delete"), ("confirm", "yes")];
            form.extend(token.map(|t| ("csrf", t)));
            let (status, _, body) = server.post(&noord, &uri, &form);
            assert_eq!(status, 403, "{backend}");
            assert!(body.contains("Er is niets veranderd"), "{backend}");
        }

        // With the token but without a choice or the tick: both are asked for, next to their field.
        let (_, page) = server.get(&noord, &format!("/staff/people/{}", w.sanne));
        let csrf = csrf_of(&page);
        let (status, _, body) = server.post(&noord, &uri, &[("csrf", &csrf)]);
        assert_eq!(status, 422, "{backend}");
        assert!(body.contains("id=\"data-error\">Kies wat er met de antwoorden gebeurt.</p>"), "{backend}");
        assert!(body.contains("id=\"confirm-error\">Zet een vinkje"), "{backend}");
        let (status, _, body) = server.post(&noord, &uri, &[("csrf", &csrf), ("data", "delete")]);
        assert_eq!(status, 422, "{backend}");
        assert!(body.contains("name=\"data\" value=\"delete\" checked"), "{backend}: the choice made is kept");
        assert!(!body.contains("data-error"), "{backend}");

        let mut c = t.db.conn().unwrap();
        assert_eq!(answers_of_person(&mut c, w.sanne), 2, "{backend}: nothing deleted");
        assert_eq!(
            invitation_status(&mut c, w.invitation).status,
            InvitationStatus::Pending,
            "{backend}: nothing cancelled"
        );
        assert!(withdrawals(&mut c).is_empty(), "{backend}");
    }
}
