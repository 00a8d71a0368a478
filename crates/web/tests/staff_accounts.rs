//! Admins manage staff accounts on a page, within where they hold, on both databases: an
//! organisation's admin sees and changes the accounts of that organisation only (anyone else is
//! a 404), disabling ends the account's session at once, a new password is shown once, and
//! every change is audited with the admin as actor.

use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{test, web};
use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::clock::FixedClock;
use koers_store::schema::{audit_log, staff_accounts};
use koers_store::staff::{self, StaffRole};
use koers_store::testing::{seed_two_schools, TestDb};
use koers_web::AppState;
use std::sync::Arc;

mod second_factor;
mod staff_support;

use staff_support::{call, csrf_of, Answer};

const PASSWORD: &str = "een heel goed wachtwoord";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 15, 10, 0, 0).unwrap()
}

fn cookie(a: &Answer, name: &str) -> Option<Cookie<'static>> {
    a.cookies.iter().find(|c| c.name() == name && !c.value().is_empty()).cloned()
}

/// Logs in (through the second factor where the account needs one); the session cookie.
async fn login<S, B>(app: &S, email: &str, password: &str) -> Cookie<'static>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let page = call(app, test::TestRequest::get().uri("/staff/login").to_request()).await;
    let pre = cookie(&page, "koers_login").unwrap();
    let form = [("csrf", csrf_of(&page.body)), ("email", email.to_string()), ("password", password.to_string())];
    let done = call(app, test::TestRequest::post().uri("/staff/login").cookie(pre).set_form(form).to_request()).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{email}: {}", done.body);
    if let Some(s) = cookie(&done, "koers_s") {
        return s;
    }
    let pending = cookie(&done, "koers_s2").unwrap();
    let to = done.location.unwrap();
    let page = call(app, test::TestRequest::get().uri(&to).cookie(pending.clone()).to_request()).await;
    let code = if to == "/staff/2fa/setup" {
        second_factor::setup_code(email, &page.body, now())
    } else {
        second_factor::login_code(email, now())
    };
    let form = [("csrf", csrf_of(&page.body)), ("code", code)];
    let passed = call(app, test::TestRequest::post().uri(&to).cookie(pending).set_form(form).to_request()).await;
    cookie(&passed, "koers_s").unwrap_or_else(|| panic!("{email}: {}", passed.body))
}

async fn accounts_page(t: TestDb) {
    let mut c = t.db.conn().unwrap();
    let w = seed_two_schools(&mut c, now()).unwrap();
    let make = |c: &mut koers_store::DbConnection, email: &str, org: i64, role: StaffRole| {
        let id = staff::create_account(c, email, email, PASSWORD, false, now()).unwrap();
        staff::add_role(c, id, w.study_id, Some(org), None, role, now()).unwrap();
        id
    };
    let _admin = make(&mut c, "admin@noord.example", w.noord, StaffRole::Admin);
    let carla = make(&mut c, "carla@noord.example", w.noord, StaffRole::Coordinator);
    let zoe = make(&mut c, "zoe@zuid.example", w.zuid, StaffRole::Coordinator);
    let root = staff::create_account(&mut c, "root@koers.example", "Root", PASSWORD, true, now()).unwrap();
    drop(c);
    let state = AppState::new(t.db.clone(), Arc::new(FixedClock::new(now())), second_factor::settings());
    let app = test::init_service(koers_web::app(web::Data::new(state))).await;

    let admin = login(&app, "admin@noord.example", PASSWORD).await;
    let carla_session = login(&app, "carla@noord.example", PASSWORD).await;
    let list = call(&app, test::TestRequest::get().uri("/staff/accounts").cookie(admin.clone()).to_request()).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("carla@noord.example"));
    assert!(!list.body.contains("zoe@zuid.example") && !list.body.contains("root@koers.example"), "{}", list.body);
    for other in [zoe, root] {
        let r = call(
            &app,
            test::TestRequest::get().uri(&format!("/staff/accounts/{other}")).cookie(admin.clone()).to_request(),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let page = call(
        &app,
        test::TestRequest::get().uri(&format!("/staff/accounts/{carla}")).cookie(admin.clone()).to_request(),
    )
    .await;
    let csrf = csrf_of(&page.body);
    let post = |id: i64, action: &str, csrf: &str| {
        test::TestRequest::post()
            .uri(&format!("/staff/accounts/{id}/{action}"))
            .cookie(admin.clone())
            .set_form([("csrf", csrf.to_string())])
            .to_request()
    };
    assert_eq!(call(&app, post(carla, "disable", "wrong")).await.status, StatusCode::FORBIDDEN, "CSRF");
    assert_eq!(call(&app, post(zoe, "disable", &csrf)).await.status, StatusCode::NOT_FOUND, "out of reach");
    let done = call(&app, post(carla, "disable", &csrf)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let gone = call(&app, test::TestRequest::get().uri("/staff").cookie(carla_session).to_request()).await;
    assert_eq!(gone.location.as_deref(), Some("/staff/login"), "her session stopped at once");
    call(&app, post(carla, "enable", &csrf)).await;
    let reset = call(&app, post(carla, "password", &csrf)).await;
    assert_eq!(reset.status, StatusCode::OK);
    let pw = reset.body.split("tijdelijk wachtwoord: ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    assert!(pw.len() >= 20, "{pw}");
    login(&app, "carla@noord.example", &pw).await;
    let zoe_state: Option<chrono::NaiveDateTime> =
        staff_accounts::table.find(zoe).select(staff_accounts::disabled_at).first(&mut *t.db.conn().unwrap()).unwrap();
    assert!(zoe_state.is_none(), "the other school's coordinator is untouched");
    let audited: Vec<(String, String)> = audit_log::table
        .filter(audit_log::target_id.eq(carla).and(audit_log::action.like("staff.%")))
        .select((audit_log::actor, audit_log::action))
        .load(&mut *t.db.conn().unwrap())
        .unwrap();
    for a in ["staff.disable", "staff.enable", "staff.reset_password"] {
        assert!(audited.iter().any(|(who, what)| what == a && who.starts_with("staff:")), "{a}: {audited:?}");
    }
    assert!(!reset.body.is_empty() && audited.iter().all(|(_, a)| !a.contains(&pw)));
}

#[actix_web::test]
async fn an_admin_manages_the_accounts_of_their_organisation_only_sqlite() {
    accounts_page(TestDb::sqlite()).await;
}

#[actix_web::test]
async fn an_admin_manages_the_accounts_of_their_organisation_only_postgres() {
    accounts_page(TestDb::postgres()).await;
}
