//! The dashboard and the audit page through a real HTTP server (a socket, the security headers,
//! real templates) on both databases: researchers see counts and never a name or a phone number,
//! the numbers match a known pattern, coordinators see only their organisation, and only admins
//! read the audit log, which records that they did.

use actix_web::{web, HttpServer};
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::clock::FixedClock;
use koers_core::people::Role;
use koers_store::schema::{answers, audit_log, invitations, responses};
use koers_store::staff::{self, StaffRole};
use koers_store::studies::{ensure_organisation, ensure_study, ensure_team, to_db, NewStudy};
use koers_store::testing::{seed_named_person, TestDb};
use koers_store::{definitions, people as people_q, DbConnection};
use koers_web::AppState;

mod second_factor;
mod staff_support;
use staff_support::csrf_of;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// Thursday 2026-10-15, 12:00 in Amsterdam.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 15, 10, 0, 0).unwrap()
}

/// The diary window of a Thursday `weeks_ago` weeks before today, 12:00 in Amsterdam.
fn diary_open(weeks_ago: i64) -> DateTime<Utc> {
    now() - TimeDelta::weeks(weeks_ago)
}

const PASSWORD: &str = "een heel goed wachtwoord";
const RESEARCHER: &str = "onderzoeker@uni.example";
const COORDINATOR: &str = "coordinator@noord.example";
const ADMIN: &str = "beheer@koers.example";

/// Every name and phone number of the seeded people: none may appear on the dashboard.
const IDENTIFYING: &[&str] =
    &["Sanne", "Daan", "Yasmin", "Milan", "Joris", "Ravi", "Samuel", "Veldkamp", "612300", "+316"];

const DIARY: &str = "key: qdiary\nquestions:\n\
  - {id: mood, type: range}\n\
  - {id: hours, type: range, min: 0, max: 40}\n";

const STUDENT_PROTOCOL: &str = "name: qstudent\nrole: student\nduration_weeks: 35\nmeasurements:\n\
  - {key: diary, questionnaire: qdiary, weekday: thursday, time: \"12:00\", period: weekly, open_duration: 30h}\n";

struct Seed<'a> {
    c: &'a mut DbConnection,
    study: i64,
    questionnaire: i64,
    protocol: i64,
}

impl Seed<'_> {
    fn person(&mut self, team: i64, role: Role, name: &str, phone: &str) -> i64 {
        seed_named_person(self.c, self.study, team, role, name, "Veldkamp", phone, now()).unwrap()
    }

    fn student(&mut self, team: i64, name: &str, phone: &str) -> (i64, i64) {
        let id = self.person(team, Role::Student, name, phone);
        let sub = people_q::insert_subscription(
            self.c,
            &people_q::NewSubscription {
                person_id: id,
                protocol_id: self.protocol,
                filling_out_for: None,
                starts_at: now() - TimeDelta::weeks(5),
                ends_at: None,
            },
            now(),
        )
        .unwrap();
        (id, sub)
    }

    /// A diary window `weeks_ago`, completed in two minutes with these slider values or left open.
    fn window(&mut self, (person, sub): (i64, i64), weeks_ago: i64, answered: Option<(f64, f64)>) -> i64 {
        let open = diary_open(weeks_ago);
        let started = open + TimeDelta::hours(2);
        let done = answered.map(|_| to_db(started + TimeDelta::minutes(2)));
        let id: i64 = diesel::insert_into(responses::table)
            .values((
                responses::subscription_id.eq(sub),
                responses::measurement_key.eq("diary"),
                responses::occurrence.eq(10 - weeks_ago as i32),
                responses::questionnaire_key.eq("qdiary"),
                responses::questionnaire_id.eq(answered.map(|_| self.questionnaire)),
                responses::open_at.eq(to_db(open)),
                responses::close_at.eq(to_db(open + TimeDelta::hours(30))),
                responses::started_at.eq(answered.map(|_| to_db(started))),
                responses::completed_at.eq(done),
                responses::created_at.eq(to_db(open)),
            ))
            .returning(responses::id)
            .get_result(self.c)
            .unwrap();
        if let Some((mood, hours)) = answered {
            for (item, v) in [("mood", mood), ("hours", hours)] {
                diesel::insert_into(answers::table)
                    .values((
                        answers::response_id.eq(id),
                        answers::item_id.eq(item),
                        answers::value_kind.eq("number"),
                        answers::value_number.eq(Some(v)),
                    ))
                    .execute(self.c)
                    .unwrap();
            }
        }
        self.invitation(person, Some(id), &format!("w{id}:invite"), "invite", "sent", open, Some(open), open);
        id
    }

    #[allow(clippy::too_many_arguments)]
    fn invitation(
        &mut self,
        person: i64,
        response: Option<i64>,
        key: &str,
        kind: &str,
        status: &str,
        due: DateTime<Utc>,
        sent: Option<DateTime<Utc>>,
        updated: DateTime<Utc>,
    ) {
        diesel::insert_into(invitations::table)
            .values((
                invitations::person_id.eq(person),
                invitations::response_id.eq(response),
                invitations::dedupe_key.eq(key),
                invitations::kind.eq(kind),
                invitations::channel.eq("sms"),
                invitations::status.eq(status),
                invitations::due_at.eq(to_db(due)),
                invitations::sent_at.eq(sent.map(to_db)),
                invitations::created_at.eq(to_db(due)),
                invitations::updated_at.eq(to_db(updated)),
            ))
            .execute(self.c)
            .unwrap();
    }
}

/// ROC Noord (group "interventie": Sanne, Daan, Yasmin, Milan and mentor Joris) and ROC Zuid
/// (group "controle": Ravi and mentor Samuel). Three weeks ago and two weeks ago Sanne and Milan
/// had a diary and only Sanne answered; last week all four of Noord and Ravi had one, and Sanne,
/// Daan and Yasmin answered: 75 % for Noord, 0 % for Zuid. Sanne always left the sliders in the
/// middle, Milan answered nothing for three weeks. One message to Ravi failed two hours ago, one
/// to Daan has waited half an hour.
fn world(db: &koers_store::Database) {
    let mut conn = db.conn().unwrap();
    let c = &mut *conn;
    let now = now();
    let study = ensure_study(
        c,
        &NewStudy { key: "vsv", name: "VSV", time_zone: "Europe/Amsterdam", default_locale: "nl", test_mode: true },
        now,
    )
    .unwrap();
    let noord = ensure_organisation(c, study.id, "roc-noord", "ROC Noord", Some("interventie"), now).unwrap();
    let zuid = ensure_organisation(c, study.id, "roc-zuid", "ROC Zuid", Some("controle"), now).unwrap();
    let team_noord = ensure_team(c, noord.id, "Entree", now).unwrap();
    let team_zuid = ensure_team(c, zuid.id, "Techniek", now).unwrap();
    let questionnaire = definitions::store_questionnaire(c, study.id, "qdiary", None, DIARY, None, now).unwrap().id();
    let protocol = definitions::store_protocol(c, study.id, "qstudent", Some("student"), STUDENT_PROTOCOL, None, now)
        .unwrap()
        .id();
    let mut s = Seed { c, study: study.id, questionnaire, protocol };
    let sanne = s.student(team_noord, "Sanne", "+31612300101");
    let daan = s.student(team_noord, "Daan", "+31612300102");
    let yasmin = s.student(team_noord, "Yasmin", "+31612300103");
    let milan = s.student(team_noord, "Milan", "+31612300104");
    let ravi = s.student(team_zuid, "Ravi", "+31612300108");
    let joris = s.person(team_noord, Role::Mentor, "Joris", "+31612300201");
    let samuel = s.person(team_zuid, Role::Mentor, "Samuel", "+31612300203");
    for weeks_ago in [3, 2, 1] {
        s.window(sanne, weeks_ago, Some((50.0, 20.0)));
        s.window(milan, weeks_ago, None);
    }
    s.window(daan, 1, Some((10.0, 35.0)));
    s.window(yasmin, 1, Some((85.0, 5.0)));
    s.window(ravi, 1, None);
    let hours = |h| now - TimeDelta::hours(h);
    s.invitation(ravi.0, None, "late:reminder", "reminder", "failed", hours(3), None, hours(2));
    s.invitation(daan.0, None, "now:invite", "invite", "pending", now - TimeDelta::minutes(30), None, hours(1));
    let start = NaiveDate::from_ymd_opt(2026, 9, 14).unwrap();
    people_q::insert_pair(s.c, sanne.0, joris, start, now).unwrap();
    people_q::insert_pair(s.c, ravi.0, samuel, start, now).unwrap();

    let c = s.c;
    let researcher = staff::create_account(c, RESEARCHER, "Onderzoeker", PASSWORD, false, now).unwrap();
    staff::add_role(c, researcher, study.id, None, None, StaffRole::Researcher, now).unwrap();
    let coordinator = staff::create_account(c, COORDINATOR, "Coördinator Noord", PASSWORD, false, now).unwrap();
    staff::add_role(c, coordinator, study.id, Some(noord.id), None, StaffRole::Coordinator, now).unwrap();
    staff::create_account(c, ADMIN, "Beheerder", PASSWORD, true, now).unwrap();
}

// ---------------------------------------------------------------------------------------------
// A real server and a plain HTTP/1.1 client

struct Server {
    addr: SocketAddr,
    handle: actix_web::dev::ServerHandle,
}

fn start(db: &koers_store::Database) -> Server {
    let state = AppState::new(db.clone(), Arc::new(FixedClock::new(now())), second_factor::settings());
    let data = web::Data::new(state);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = HttpServer::new(move || koers_web::app(data.clone()))
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    Server { addr, handle }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// `name=value` of each cookie set.
    fn cookies(&self) -> HashMap<String, String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| v.split(';').next()?.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = raw.windows(2).position(|w| w == b"\r\n") else { return out };
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[end + 4 + size..];
    }
}

fn exchange(addr: SocketAddr, method: &str, path: &str, cookie: Option<&str>, form: Option<&[(&str, &str)]>) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let body = form.map(|f| serde_urlencoded::to_string(f).unwrap()).unwrap_or_default();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(c) = cookie {
        request.push_str(&format!("Cookie: {c}\r\n"));
    }
    if form.is_some() {
        request.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    let mut content = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        content = dechunk(&content);
    }
    Reply { status, headers, body: String::from_utf8(content).unwrap() }
}

/// One request, made off the test's own thread so the server is never starved.
async fn send(
    addr: SocketAddr,
    method: &'static str,
    path: &str,
    cookie: Option<&str>,
    form: Vec<(String, String)>,
) -> Reply {
    let (path, cookie) = (path.to_string(), cookie.map(str::to_string));
    actix_web::rt::task::spawn_blocking(move || {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        exchange(addr, method, &path, cookie.as_deref(), (method == "POST").then_some(pairs.as_slice()))
    })
    .await
    .unwrap()
}

/// Logs in; the session cookie as `koers_s=...`.
async fn login(addr: SocketAddr, email: &str) -> String {
    let page = send(addr, "GET", "/staff/login", None, vec![]).await;
    assert_eq!(page.status, 200);
    let pre = page.cookies().get("koers_login").cloned().expect("a pre-login cookie");
    let form = vec![
        ("csrf".to_string(), csrf_of(&page.body)),
        ("email".to_string(), email.to_string()),
        ("password".to_string(), PASSWORD.to_string()),
    ];
    let done = send(addr, "POST", "/staff/login", Some(&format!("koers_login={pre}")), form).await;
    assert_eq!(done.status, 303, "{}", done.body);
    if let Some(session) = done.cookies().get("koers_s") {
        return format!("koers_s={session}");
    }
    // Through the second factor, as the account's owner would.
    let pending = format!("koers_s2={}", done.cookies().get("koers_s2").expect("a pending session"));
    let to = done.header("location").unwrap().to_string();
    let page = send(addr, "GET", &to, Some(&pending), vec![]).await;
    let code = if to == "/staff/2fa/setup" {
        second_factor::setup_code(email, &page.body, now())
    } else {
        second_factor::login_code(email, now())
    };
    let form = vec![("csrf".to_string(), csrf_of(&page.body)), ("code".to_string(), code)];
    let done = send(addr, "POST", &to, Some(&pending), form).await;
    format!("koers_s={}", done.cookies().get("koers_s").unwrap_or_else(|| panic!("a session: {}", done.body)))
}

async fn get(addr: SocketAddr, path: &str, session: &str) -> Reply {
    send(addr, "GET", path, Some(session), vec![]).await
}

fn audit_count(db: &koers_store::Database) -> i64 {
    audit_log::table.count().get_result(&mut *db.conn().unwrap()).unwrap()
}

// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn a_researcher_sees_the_numbers_and_nobody_s_name_or_phone() {
    for (backend, t) in TestDb::both() {
        world(&t.db);
        let server = start(&t.db);
        let session = login(server.addr, RESEARCHER).await;
        let logged = audit_count(&t.db);
        let page = get(server.addr, "/staff/dashboard", &session).await;
        assert_eq!(page.status, 200, "{backend}: {}", page.body);
        let html = &page.body;
        for word in IDENTIFYING {
            assert!(!html.contains(word), "{backend}: the dashboard shows '{word}'");
        }
        assert_eq!(audit_count(&t.db), logged, "{backend}: counts are no personal data, so no audit entry");

        // Response per group and week: last week 3 of 4 in Noord, 0 of 1 in Zuid, 3 of 5 in all.
        assert!(html.contains("<th scope=\"col\">controle</th><th scope=\"col\">interventie</th>"), "{backend}");
        let last_week =
            "2026-W41 (vanaf 05-10)</th><td>0 % (0 van 1)</td><td>75 % (3 van 4)</td><td>60 % (3 van 5)</td>";
        assert!(html.contains(last_week), "{backend}: {html}");
        assert!(html.contains("2026-W40 (vanaf 28-09)</th><td>–</td><td>50 % (1 van 2)</td>"), "{backend}");
        // Sent against completed: five invitations went out for last week's windows.
        assert!(html.contains("2026-W41 (vanaf 05-10)</th><td>5</td><td>0</td><td>5</td><td>3</td>"), "{backend}");
        // The charts are inline SVG with a title for screen readers, and no inline style anywhere.
        assert!(html.contains("<svg viewBox=\"0 0 640 260\""), "{backend}");
        assert!(html.contains("<title id=\"respons-title\">Respons per groep en week</title>"));
        assert!(html.contains("<title>interventie, W41: 75 %</title>"), "{backend}");
        assert!(!html.contains(" style=") && !html.contains("<style"), "{backend}: the CSP forbids inline style");
        let csp = page.header("content-security-policy").expect("a CSP");
        assert!(csp.contains("style-src 'self'") && csp.contains("default-src 'none'"));

        assert!(html.contains("Studenten met een begeleider, vandaag: <strong>2</strong>"), "{backend}");
        assert!(html.contains("de laatste 3 weken niets hebben ingevuld: <strong>1</strong>"), "{backend}");
        assert!(html.contains("<dt>Mensen met een dagboek</dt><dd>3</dd>"), "{backend}");
        assert!(html.contains("<dt>Sliders in het midden</dt><dd>1</dd>"), "{backend}: Sanne's sliders");
        assert!(html.contains("<dt>Heel snel ingevuld</dt><dd>0</dd>"), "{backend}");
        assert!(html.contains("Berichten komen niet aan."), "{backend}: Ravi's message failed");
        assert!(html.contains("Het versturen loopt achter."), "{backend}: Daan's message waits");
        assert!(!html.contains("href=\"/staff/people/new\""), "{backend}: no people pages in a researcher's menu");
        assert!(!html.contains("href=\"/staff/audit\""));

        // One group only; limits on what is typed in the address.
        let zuid = get(server.addr, "/staff/dashboard?group=controle&weeks=9999&span=1", &session).await;
        assert_eq!(zuid.status, 200);
        assert!(zuid.body.contains("<th scope=\"col\">controle</th></tr>"), "{backend}");
        assert!(!zuid.body.contains("3 van 4"), "{backend}");
        assert!(zuid.body.contains("Al 52 weken geen antwoord"), "{backend}");
        assert_eq!(zuid.body.matches("<tr><th scope=\"row\">").count(), 8, "{backend}: 4 weeks in each table");
        let long = format!("/staff/dashboard?study={}", "x".repeat(5000));
        assert_eq!(get(server.addr, &long, &session).await.status, 404, "{backend}");
        assert_eq!(get(server.addr, "/staff/dashboard?study=elders", &session).await.status, 404);

        let audit = get(server.addr, "/staff/audit", &session).await;
        assert_eq!(audit.status, 403, "{backend}");
        assert!(audit.body.contains("Alleen voor beheerders"));
        let anonymous = send(server.addr, "GET", "/staff/dashboard", None, vec![]).await;
        assert_eq!((anonymous.status, anonymous.header("location")), (303, Some("/staff/login")));
        server.handle.stop(true).await;
    }
}

#[actix_web::test]
async fn a_coordinator_sees_only_their_own_organisation() {
    for (backend, t) in TestDb::both() {
        world(&t.db);
        let server = start(&t.db);
        let session = login(server.addr, COORDINATOR).await;
        let page = get(server.addr, "/staff/dashboard", &session).await;
        assert_eq!(page.status, 200, "{backend}: {}", page.body);
        let html = &page.body;
        assert!(html.contains("2026-W41 (vanaf 05-10)</th><td>75 % (3 van 4)</td></tr>"), "{backend}: {html}");
        assert!(!html.contains("controle"), "{backend}: ROC Zuid's group is not theirs");
        assert!(html.contains("2026-W41 (vanaf 05-10)</th><td>4</td><td>0</td><td>4</td><td>3</td>"), "{backend}");
        assert!(html.contains("Studenten met een begeleider, vandaag: <strong>1</strong>"), "{backend}");
        assert!(!html.contains("Berichten komen niet aan."), "{backend}: Ravi's failed message is not theirs");
        assert!(html.contains("Het versturen loopt achter."), "{backend}");
        assert!(html.contains("Je ziet alleen de mensen van je eigen organisatie of team."));
        assert!(html.contains("href=\"/staff/people/new\""), "{backend}: a coordinator keeps the people pages");
        // Asking for another group shows nothing of it.
        let other = get(server.addr, "/staff/dashboard?group=controle", &session).await;
        assert!(!other.body.contains("controle") && !other.body.contains("0 van 1"), "{backend}");

        let audit = get(server.addr, "/staff/audit", &session).await;
        assert_eq!(audit.status, 403, "{backend}");
        assert!(audit.body.contains("Alleen voor beheerders"));
        server.handle.stop(true).await;
    }
}

#[actix_web::test]
async fn an_admin_reads_the_audit_log_and_that_is_logged_too() {
    for (backend, t) in TestDb::both() {
        world(&t.db);
        let server = start(&t.db);
        login(server.addr, RESEARCHER).await;
        let session = login(server.addr, ADMIN).await;
        let page = get(server.addr, "/staff/audit", &session).await;
        assert_eq!(page.status, 200, "{backend}: {}", page.body);
        assert!(page.body.contains("<td><code>staff.login</code></td>"), "{backend}: {}", page.body);
        assert!(page.body.contains("Onderzoeker (staff:"), "{backend}: who logged in is named");
        let views: Vec<Option<i64>> = audit_log::table
            .filter(audit_log::action.eq("audit.view"))
            .select(audit_log::actor_staff_id)
            .load(&mut *t.db.conn().unwrap())
            .unwrap();
        let admin = staff::find_by_email(&mut t.db.conn().unwrap(), ADMIN).unwrap().unwrap().id;
        assert_eq!(views, vec![Some(admin)], "{backend}: the view itself is in the log");

        let filtered = get(server.addr, "/staff/audit?action=audit.view&page=99", &session).await;
        assert_eq!(filtered.status, 200);
        assert!(filtered.body.contains("<td><code>audit.view</code></td>"), "{backend}");
        assert!(!filtered.body.contains("<td><code>staff.login</code></td>"), "{backend}: only the chosen action");
        assert!(filtered.body.contains("Pagina 1 van 1"), "{backend}: a page past the end shows the last");
        assert!(page.body.contains("href=\"/staff/audit\""), "{backend}: the admin's menu has the log");

        // The admin's dashboard covers the whole study.
        let dash = get(server.addr, "/staff/dashboard", &session).await;
        assert!(dash.body.contains("60 % (3 van 5)"), "{backend}");
        server.handle.stop(true).await;
    }
}

/// The id of the seeded person with this first name.
fn person_named(db: &koers_store::Database, name: &str) -> i64 {
    use koers_store::schema::person_identities as pi;
    pi::table.filter(pi::first_name.eq(name)).select(pi::person_id).first(&mut *db.conn().unwrap()).unwrap()
}

#[actix_web::test]
async fn a_researcher_excludes_someone_by_pseudonym_within_their_organisation_and_it_is_audited() {
    use koers_store::schema::people;
    for (backend, t) in TestDb::both() {
        world(&t.db);
        // A second researcher, of ROC Noord only.
        {
            let mut conn = t.db.conn().unwrap();
            let c = &mut *conn;
            let study = koers_store::studies::find_study(c, "vsv").unwrap().unwrap().id;
            let noord = ensure_organisation(c, study, "roc-noord", "ROC Noord", Some("interventie"), now()).unwrap();
            let id =
                staff::create_account(c, "noord@uni.example", "Onderzoeker Noord", PASSWORD, false, now()).unwrap();
            staff::add_role(c, id, study, Some(noord.id), None, StaffRole::Researcher, now()).unwrap();
        }
        let key = koers_export::pseudonym_key(second_factor::SECRET_KEY.as_bytes());
        let ravi = person_named(&t.db, "Ravi");
        let ravi_p = koers_export::pseudonym(&key, ravi);
        let server = start(&t.db);

        let session = login(server.addr, RESEARCHER).await;
        let page = get(server.addr, "/staff/exclusions", &session).await;
        assert_eq!(page.status, 200, "{backend}: {}", page.body);
        assert!(page.body.contains("Niemand. Iedereen telt mee in de analyse."), "{backend}");
        let dash = get(server.addr, "/staff/dashboard", &session).await;
        assert!(dash.body.contains("href=\"/staff/exclusions\""), "{backend}: the researcher's menu has the page");
        let csrf = csrf_of(&page.body);
        let post = |fields: &[(&str, &str)]| fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();

        // Without the CSRF token nothing changes; a reason is needed; an unknown pseudonym is named as such.
        let forged = send(
            server.addr,
            "POST",
            "/staff/exclusions",
            Some(&session),
            post(&[("study", "vsv"), ("person", &ravi_p), ("reason", "x"), ("action", "exclude")]),
        )
        .await;
        assert_eq!(forged.status, 403, "{backend}");
        let no_reason = send(
            server.addr,
            "POST",
            "/staff/exclusions",
            Some(&session),
            post(&[("csrf", &csrf), ("study", "vsv"), ("person", &ravi_p), ("reason", " "), ("action", "exclude")]),
        )
        .await;
        assert_eq!(no_reason.status, 422, "{backend}");
        assert!(no_reason.body.contains("Schrijf kort waarom"), "{backend}");
        let unknown = send(
            server.addr,
            "POST",
            "/staff/exclusions",
            Some(&session),
            post(&[
                ("csrf", &csrf),
                ("study", "vsv"),
                ("person", "p00000000000000000000"),
                ("reason", "x"),
                ("action", "exclude"),
            ]),
        )
        .await;
        assert_eq!(unknown.status, 422, "{backend}");
        assert!(unknown.body.contains("Niemand in dit onderzoek heeft dit pseudoniem"), "{backend}");

        let done = send(
            server.addr,
            "POST",
            "/staff/exclusions",
            Some(&session),
            post(&[
                ("csrf", &csrf),
                ("study", "vsv"),
                ("person", &ravi_p),
                ("reason", "vulde in voor een klasgenoot"),
                ("action", "exclude"),
            ]),
        )
        .await;
        assert_eq!((done.status, done.header("location")), (303, Some("/staff/exclusions?study=vsv&ok=exclude")));
        let stored: (bool, Option<String>) = people::table
            .find(ravi)
            .select((people::excluded, people::exclusion_reason))
            .first(&mut *t.db.conn().unwrap())
            .unwrap();
        assert_eq!(stored, (true, Some("vulde in voor een klasgenoot".into())), "{backend}");
        let researcher = staff::find_by_email(&mut t.db.conn().unwrap(), RESEARCHER).unwrap().unwrap().id;
        let audited: Vec<(String, Option<i64>, Option<i64>)> = audit_log::table
            .filter(audit_log::action.eq_any(["exclude", "include"]))
            .order(audit_log::id)
            .select((audit_log::action, audit_log::actor_staff_id, audit_log::target_id))
            .load(&mut *t.db.conn().unwrap())
            .unwrap();
        assert_eq!(audited, vec![("exclude".to_string(), Some(researcher), Some(ravi))], "{backend}");
        let listed = get(server.addr, "/staff/exclusions?study=vsv&ok=exclude", &session).await;
        assert!(listed.body.contains(&ravi_p) && listed.body.contains("vulde in voor een klasgenoot"), "{backend}");
        assert!(!listed.body.contains("Ravi"), "{backend}: a pseudonym, never a name");

        // A researcher of ROC Noord cannot reach Ravi (ROC Zuid): the same answer as nobody.
        let noord = login(server.addr, "noord@uni.example").await;
        let page = get(server.addr, "/staff/exclusions", &noord).await;
        assert!(!page.body.contains(&ravi_p), "{backend}: Zuid's exclusions are not listed");
        let outside = send(
            server.addr,
            "POST",
            "/staff/exclusions",
            Some(&noord),
            post(&[("csrf", &csrf_of(&page.body)), ("study", "vsv"), ("person", &ravi_p), ("action", "include")]),
        )
        .await;
        assert_eq!(outside.status, 422, "{backend}");
        assert!(outside.body.contains("Niemand in dit onderzoek heeft dit pseudoniem"), "{backend}");

        // A coordinator does not decide the analysis.
        let coordinator = login(server.addr, COORDINATOR).await;
        let refused = get(server.addr, "/staff/exclusions", &coordinator).await;
        assert_eq!(refused.status, 403, "{backend}");
        assert!(refused.body.contains("Alleen voor onderzoekers"), "{backend}");

        // Included again, audited too.
        let back = send(
            server.addr,
            "POST",
            "/staff/exclusions",
            Some(&session),
            post(&[("csrf", &csrf), ("study", "vsv"), ("person", &ravi_p), ("action", "include")]),
        )
        .await;
        assert_eq!(back.status, 303, "{backend}: {}", back.body);
        let excluded: bool =
            people::table.find(ravi).select(people::excluded).first(&mut *t.db.conn().unwrap()).unwrap();
        assert!(!excluded, "{backend}");
        let actions: Vec<String> = audit_log::table
            .filter(audit_log::action.eq_any(["exclude", "include"]))
            .order(audit_log::id)
            .select(audit_log::action)
            .load(&mut *t.db.conn().unwrap())
            .unwrap();
        assert_eq!(actions, ["exclude", "include"], "{backend}");
        server.handle.stop(true).await;
    }
}

#[actix_web::test]
async fn a_researcher_reads_the_study_report_and_a_coordinator_does_not() {
    for (backend, t) in TestDb::both() {
        world(&t.db);
        let server = start(&t.db);
        let session = login(server.addr, RESEARCHER).await;
        let dash = get(server.addr, "/staff/dashboard", &session).await;
        assert!(dash.body.contains("href=\"/staff/report\""), "{backend}: the researcher's menu has the report");
        let before = audit_count(&t.db);
        let page = get(server.addr, "/staff/report?study=vsv", &session).await;
        assert_eq!(page.status, 200, "{backend}: {}", page.body);
        let html = &page.body;
        for word in IDENTIFYING {
            assert!(!html.contains(word), "{backend}: the report shows '{word}'");
        }
        // The same page as `koers report`: Noord (interventie) answered 3 of 4 diaries in its last
        // week, 1 of 2 in the two weeks before; Zuid (controle) 0 of 1.
        assert!(html.contains("<svg") && html.contains("vsv (TEST: oefengegevens)"), "{backend}");
        // Their diaries started five weeks ago: the last three windows are weeks 3, 4 and 5.
        for row in [
            "interventie</td><td>5</td><td>4</td><td>3</td>",
            "interventie</td><td>4</td><td>2</td><td>1</td>",
            "controle</td><td>5</td><td>1</td><td>0</td>",
        ] {
            assert!(html.contains(row), "{backend}: {row} in {html}");
        }
        let csp = page.header("content-security-policy").expect("a CSP");
        assert!(csp.contains("style-src 'sha256-") && !csp.contains("unsafe-inline"), "{backend}: {csp}");
        assert_eq!(audit_count(&t.db), before + 1, "{backend}: viewed like an export, so audited");
        assert_eq!(get(server.addr, "/staff/report?study=elders", &session).await.status, 404, "{backend}");

        let coordinator = login(server.addr, COORDINATOR).await;
        let refused = get(server.addr, "/staff/report", &coordinator).await;
        assert_eq!(refused.status, 403, "{backend}");
        assert!(refused.body.contains("Alleen voor onderzoekers"), "{backend}");
        server.handle.stop(true).await;
    }
}
