//! Logging in to the staff pages with a second factor, on both databases: an admin's password
//! alone opens nothing; the first login sets up TOTP (a QR code drawn without a script or a
//! CDN, the key as text), shows ten recovery codes once and keeps only their hashes; later
//! logins need a fresh code (one code works once) or a recovery code (once); a session ends
//! after 30 idle minutes; wrong passwords from many addresses are held back per account and
//! written to the audit log.

use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{test, web};
use base64::Engine;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::clock::FixedClock;
use koers_store::schema::{audit_log, staff_accounts, staff_recovery_codes};
use koers_store::staff;
use koers_store::testing::TestDb;
use koers_web::limits::Limits;
use koers_web::AppState;
use std::sync::Arc;

mod second_factor;

const ADMIN: &str = "admin@koers.example";
const PASSWORD: &str = "een heel goed wachtwoord";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 15, 10, 0, 0).unwrap()
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    cookies: Vec<Cookie<'static>>,
    cache: Option<String>,
    body: String,
}

impl Answer {
    fn cookie(&self, name: &str) -> Option<Cookie<'static>> {
        self.cookies.iter().find(|c| c.name() == name && !c.value().is_empty()).cloned()
    }
}

async fn call<S, B>(app: &S, req: actix_http::Request) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let resp = test::call_service(app, req).await;
    let status = resp.status();
    let location = resp.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    let cache = resp.headers().get("cache-control").map(|l| l.to_str().unwrap().to_string());
    let cookies = resp.response().cookies().map(|c| c.into_owned()).collect();
    let body = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    Answer { status, location, cookies, cache, body }
}

fn csrf_of(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + 19;
    body[at..at + body[at..].find('"').unwrap()].to_string()
}

/// POSTs the login form from `address` (through a trusted proxy).
async fn password<S, B>(app: &S, email: &str, pw: &str, address: &str) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let page = call(app, test::TestRequest::get().uri("/staff/login").to_request()).await;
    let pre = page.cookie("koers_login").unwrap();
    let form = [("csrf", csrf_of(&page.body)), ("email", email.to_string()), ("password", pw.to_string())];
    let req = test::TestRequest::post()
        .uri("/staff/login")
        .peer_addr("127.0.0.1:4000".parse().unwrap())
        .insert_header(("x-forwarded-for", address))
        .cookie(pre)
        .set_form(form);
    call(app, req.to_request()).await
}

async fn post_code<S, B>(app: &S, to: &str, pending: &Cookie<'static>, code: &str) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let page = call(app, test::TestRequest::get().uri(to).cookie(pending.clone()).to_request()).await;
    let form = [("csrf", csrf_of(&page.body)), ("code", code.to_string())];
    call(app, test::TestRequest::post().uri(to).cookie(pending.clone()).set_form(form).to_request()).await
}

fn get(uri: &str, c: &Cookie<'static>) -> actix_http::Request {
    test::TestRequest::get().uri(uri).cookie(c.clone()).to_request()
}

fn actions(db: &koers_store::Database) -> Vec<(String, String)> {
    audit_log::table
        .order(audit_log::id)
        .select((audit_log::action, audit_log::details))
        .load(&mut *db.conn().unwrap())
        .unwrap()
}

async fn an_admin_needs_the_second_factor(t: TestDb) {
    let id = staff::create_account(&mut t.db.conn().unwrap(), ADMIN, "Ada", PASSWORD, true, now()).unwrap();
    let clock = FixedClock::new(now());
    let mut state = AppState::new(t.db.clone(), Arc::new(clock.clone()), second_factor::settings());
    state.limits =
        Arc::new(Limits::new(1000, 1000).trusting(&["127.0.0.1".into()]).with_clock(Arc::new(clock.clone())));
    let app = test::init_service(koers_web::app(web::Data::new(state))).await;

    // The password alone: a pending session that opens only the second factor's pages.
    let first = password(&app, ADMIN, PASSWORD, "198.51.100.1").await;
    assert_eq!((first.status, first.location.as_deref()), (StatusCode::SEE_OTHER, Some("/staff/2fa/setup")));
    assert!(first.cookie("koers_s").is_none(), "no staff session yet");
    let pending = first.cookie("koers_s2").expect("a pending session");
    for page in ["/staff/dashboard", "/staff/audit", "/staff", "/staff/2fa"] {
        let r = call(&app, get(page, &pending)).await;
        assert!(r.status == StatusCode::SEE_OTHER && r.location.as_deref() != Some(page), "{page}: {:?}", r.location);
        assert!(!r.body.contains("Logboek"), "{page}");
    }

    // Setting it up: a QR code as an SVG data image, the key as text, no script, nothing remote.
    let setup = call(&app, get("/staff/2fa/setup", &pending)).await;
    assert_eq!(setup.status, StatusCode::OK);
    let qr =
        setup.body.split("src=\"data:image/svg+xml;base64,").nth(1).expect("a QR image").split('"').next().unwrap();
    // The attribute as HTML: handlebars writes `=` as `&#x3D;`, which the browser reads back.
    let qr = qr.replace("&#x3D;", "=");
    let svg = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(qr).unwrap()).unwrap();
    assert!(svg.contains("<svg") && (svg.contains("<path") || svg.contains("<rect")), "{svg}");
    assert!(!setup.body.contains("<script") && !setup.body.contains("https://"), "no script, no CDN");
    let wrong = post_code(&app, "/staff/2fa/setup", &pending, "000000").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.cookie("koers_s").is_none());
    let code = second_factor::setup_code(ADMIN, &setup.body, now());
    let codes_page = post_code(&app, "/staff/2fa/setup", &pending, &code).await;
    assert_eq!(codes_page.status, StatusCode::OK, "{}", codes_page.body);
    assert_eq!(codes_page.cache.as_deref(), Some("no-store"));
    let session = codes_page.cookie("koers_s").expect("the login is complete");
    let recovery: Vec<String> =
        codes_page.body.split("<li><code>").skip(1).map(|s| s.split('<').next().unwrap().to_string()).collect();
    assert_eq!(recovery.len(), 10, "{}", codes_page.body);
    assert_eq!(call(&app, get("/staff/audit", &session)).await.status, StatusCode::OK);

    // Stored: the secret sealed (not readable from the database), the recovery codes hashed.
    let mut c = t.db.conn().unwrap();
    let sealed: Option<String> =
        staff_accounts::table.find(id).select(staff_accounts::totp_secret).first(&mut *c).unwrap();
    let key_text = setup.body.split("class=\"s-secret\">").nth(1).unwrap().split('<').next().unwrap().replace(' ', "");
    let sealed = sealed.unwrap();
    assert!(sealed.starts_with("v1:") && !sealed.contains(&key_text), "{sealed}");
    let hashes: Vec<String> = staff_recovery_codes::table
        .filter(staff_recovery_codes::staff_id.eq(id))
        .select(staff_recovery_codes::code_hash)
        .load(&mut *c)
        .unwrap();
    assert_eq!(hashes.len(), 10);
    assert!(hashes.iter().all(|h| h.starts_with("$argon2") && recovery.iter().all(|r| !h.contains(r.as_str()))));
    drop(c);

    // Later: a fresh code, once; a recovery code, once.
    let again = password(&app, ADMIN, PASSWORD, "198.51.100.1").await;
    assert_eq!(again.location.as_deref(), Some("/staff/2fa"));
    let pending = again.cookie("koers_s2").unwrap();
    let replay = post_code(&app, "/staff/2fa", &pending, &code).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED, "the code used to set it up does not work again");
    let fresh = second_factor::login_code(ADMIN, now());
    let ok = post_code(&app, "/staff/2fa", &pending, &fresh).await;
    assert_eq!((ok.status, ok.location.as_deref()), (StatusCode::SEE_OTHER, Some("/staff")));
    assert!(ok.cookie("koers_s").is_some());
    let with_recovery = password(&app, ADMIN, PASSWORD, "198.51.100.1").await;
    let pending = with_recovery.cookie("koers_s2").unwrap();
    let ok = post_code(&app, "/staff/2fa", &pending, &recovery[3].to_uppercase()).await;
    assert!(ok.cookie("koers_s").is_some(), "a recovery code, typed loosely");
    let again = password(&app, ADMIN, PASSWORD, "198.51.100.1").await;
    let pending = again.cookie("koers_s2").unwrap();
    let used = post_code(&app, "/staff/2fa", &pending, &recovery[3]).await;
    assert_eq!(used.status, StatusCode::UNAUTHORIZED, "each recovery code works once");

    // Idle: 29 minutes between requests keep the session, 31 end it.
    let session = ok.cookie("koers_s").unwrap();
    clock.advance(TimeDelta::minutes(29));
    assert_eq!(call(&app, get("/staff/audit", &session)).await.status, StatusCode::OK);
    clock.advance(TimeDelta::minutes(29));
    assert_eq!(call(&app, get("/staff/audit", &session)).await.status, StatusCode::OK);
    clock.advance(TimeDelta::minutes(31));
    let idle = call(&app, get("/staff/audit", &session)).await;
    assert_eq!(idle.location.as_deref(), Some("/staff/login"), "ended after 31 idle minutes");

    let log = actions(&t.db);
    let names: Vec<&str> = log.iter().map(|(a, _)| a.as_str()).collect();
    for a in ["staff.totp_enrol", "staff.login", "staff.login_failed", "staff.recovery_code_used"] {
        assert!(names.contains(&a), "{a} in {names:?}");
    }
    assert!(log.iter().any(|(a, d)| a == "staff.login_failed" && d.contains("second_factor")));
}

#[actix_web::test]
async fn an_admin_logs_in_with_a_second_factor_set_up_on_first_login_sqlite() {
    an_admin_needs_the_second_factor(TestDb::sqlite()).await;
}

#[actix_web::test]
async fn an_admin_logs_in_with_a_second_factor_set_up_on_first_login_postgres() {
    an_admin_needs_the_second_factor(TestDb::postgres()).await;
}

async fn guessing_on_the_login_page(t: TestDb) {
    let id = staff::create_account(&mut t.db.conn().unwrap(), ADMIN, "Ada", PASSWORD, true, now()).unwrap();
    let clock = FixedClock::new(now());
    let mut state = AppState::new(t.db.clone(), Arc::new(clock.clone()), second_factor::settings());
    // Ten a minute per address, as shipped.
    state.limits = Arc::new(Limits::new(30, 10).trusting(&["127.0.0.1".into()]).with_clock(Arc::new(clock.clone())));
    let app = test::init_service(koers_web::app(web::Data::new(state))).await;
    let mut statuses = Vec::new();
    for n in 0..10 {
        for a in 1..=5 {
            let r = password(&app, ADMIN, &format!("guess number {n}"), &format!("203.0.113.{a}")).await;
            statuses.push(r.status.as_u16());
        }
    }
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 45, "{statuses:?}");
    let right = password(&app, ADMIN, PASSWORD, "203.0.113.9").await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "the right password waits too");
    clock.advance(TimeDelta::seconds(31));
    let right = password(&app, ADMIN, PASSWORD, "203.0.113.9").await;
    assert_eq!(right.location.as_deref(), Some("/staff/2fa/setup"));
    let failed: Vec<String> = audit_log::table
        .filter(audit_log::action.eq("staff.login_failed").and(audit_log::target_id.eq(id)))
        .select(audit_log::details)
        .load(&mut *t.db.conn().unwrap())
        .unwrap();
    assert_eq!(failed.len(), 5);
    assert!(failed.iter().all(|d| d.contains("\"via\":\"page\"") && d.contains("203.0.113.")), "{failed:?}");
}

#[actix_web::test]
async fn guessing_an_account_s_password_from_many_addresses_is_held_back_sqlite() {
    guessing_on_the_login_page(TestDb::sqlite()).await;
}

#[actix_web::test]
async fn guessing_an_account_s_password_from_many_addresses_is_held_back_postgres() {
    guessing_on_the_login_page(TestDb::postgres()).await;
}
