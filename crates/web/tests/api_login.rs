//! Logging in to the API: guessing one account's password from many addresses is held back per
//! account with a growing wait and written to the audit log; an account with a second factor
//! needs its code, once; and revoking an account's sessions, a new password or disabling it
//! stops the tokens it already has at once. On both databases.

mod api_support;

use api_support::*;
use chrono::TimeDelta;
use diesel::prelude::*;
use koers_store::lifecycle::Actor;
use koers_store::schema::audit_log;
use koers_store::testing::TestDb;
use koers_store::{api_keys, staff, staff_lifecycle};
use serde_json::json;

fn token_from(s: &Server, address: &str, body: &serde_json::Value) -> Reply {
    reply(client().post(s.url("/api/v1/token")).header("x-forwarded-for", address).json(body).send().unwrap())
}

fn failed_logins(s: &Server, staff_id: Option<i64>) -> Vec<String> {
    let mut q = audit_log::table.filter(audit_log::action.eq("staff.login_failed")).into_boxed();
    q = match staff_id {
        Some(id) => q.filter(audit_log::target_id.eq(id)),
        None => q.filter(audit_log::target_id.is_null()),
    };
    q.select(audit_log::details).load(&mut *s.db.conn().unwrap()).unwrap()
}

fn guessing_is_held_back_per_account(t: TestDb) {
    let w = world(&t.db);
    // Ten attempts a minute per address, as shipped.
    let s = Server::start(&t.db, 10);
    let mut statuses = Vec::new();
    for guess in 0..10 {
        for address in ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5"] {
            let body = json!({"email": RESEARCHER, "password": format!("wrong guess {guess}")});
            statuses.push(token_from(&s, address, &body).status);
        }
    }
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 5, "five wrong passwords, then waiting: {statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 45);
    // The right password waits too (no hint), with the wait in Retry-After.
    let right = json!({"email": RESEARCHER, "password": PASSWORD});
    let r = token_from(&s, "198.51.100.9", &right);
    r.problem(429);
    assert_eq!(r.headers["retry-after"], "30");
    s.clock.advance(TimeDelta::seconds(31));
    assert_eq!(token_from(&s, "198.51.100.9", &right).status, 200, "after the wait the owner gets in");
    // Every failure is in the audit log, with the account and the address.
    let failures = failed_logins(&s, Some(w.researcher));
    assert_eq!(failures.len(), 5, "{failures:?}");
    assert!(failures.iter().all(|d| d.contains("198.51.100.") && d.contains("\"via\":\"api\"")));
    assert!(failures.iter().all(|d| !d.contains("wrong guess")), "no password is written down");
    // An address without an account is held back alike, so the answer tells nothing.
    let mut unknown = Vec::new();
    for n in 0..7 {
        let body = json!({"email": "nobody-here@example.org", "password": format!("x{n}")});
        unknown.push(token_from(&s, &format!("203.0.113.{n}"), &body).status);
    }
    assert_eq!(unknown, vec![401, 401, 401, 401, 401, 429, 429]);
    assert_eq!(failed_logins(&s, None).len(), 5);
    assert!(failed_logins(&s, None).iter().all(|d| !d.contains("nobody-here")), "unknown addresses are not kept");
}

#[test]
fn guessing_one_account_from_many_addresses_is_held_back_sqlite() {
    guessing_is_held_back_per_account(TestDb::sqlite());
}

#[test]
fn guessing_one_account_from_many_addresses_is_held_back_postgres() {
    guessing_is_held_back_per_account(TestDb::postgres());
}

fn second_factor_for_tokens(t: TestDb) {
    let w = world(&t.db);
    let s = Server::start(&t.db, 1000);
    let password_only = json!({"email": ADMIN, "password": PASSWORD});
    let p = post_json(&s, "/api/v1/token", &password_only).problem(401);
    assert!(p["detail"].as_str().unwrap().contains("totp"), "{p}");
    let wrong = json!({"email": ADMIN, "password": PASSWORD, "totp": "000000"});
    post_json(&s, "/api/v1/token", &wrong).problem(401);
    let code = totp_code(&s, w.admin);
    let right = json!({"email": ADMIN, "password": PASSWORD, "totp": code});
    assert_eq!(post_json(&s, "/api/v1/token", &right).status, 200);
    post_json(&s, "/api/v1/token", &right).problem(401);
    // An admin without a second factor must set one up on the login page first.
    let id = staff::create_account(&mut t.db.conn().unwrap(), "new-admin@koers.example", "New", PASSWORD, true, now())
        .unwrap();
    let p =
        post_json(&s, "/api/v1/token", &json!({"email": "new-admin@koers.example", "password": PASSWORD})).problem(403);
    assert!(p["detail"].as_str().unwrap().contains("/staff/login"), "{p}");
    // An API key needs none: whoever made it on the command line holds the installation.
    let koers_store::tokens::Issued { plain: key, .. } =
        api_keys::create(&mut t.db.conn().unwrap(), id, "k", "studies:read", None, now()).unwrap();
    assert_eq!(post_json(&s, "/api/v1/token", &json!({"api_key": key})).status, 200);
}

#[test]
fn a_token_for_an_account_with_a_second_factor_needs_its_code_once_sqlite() {
    second_factor_for_tokens(TestDb::sqlite());
}

#[test]
fn a_token_for_an_account_with_a_second_factor_needs_its_code_once_postgres() {
    second_factor_for_tokens(TestDb::postgres());
}

fn access_taken_away_stops_at_once(t: TestDb) {
    let w = world(&t.db);
    let s = Server::start(&t.db, 1000);
    let admin = Actor { name: "cli", staff_id: None };
    let first = token(&s, RESEARCHER);
    assert_eq!(get(&s, "/api/v1/studies", Some(&first)).status, 200);
    staff_lifecycle::revoke_sessions(&mut t.db.conn().unwrap(), w.researcher, admin, now()).unwrap();
    get(&s, "/api/v1/studies", Some(&first)).problem(401);
    s.clock.advance(TimeDelta::seconds(1));
    let second = token(&s, RESEARCHER);
    assert_eq!(get(&s, "/api/v1/studies", Some(&second)).status, 200, "a new login works");

    let koers_store::tokens::Issued { plain: key, .. } =
        api_keys::create(&mut t.db.conn().unwrap(), w.researcher, "k", "studies:read", None, now()).unwrap();
    let by_key =
        post_json(&s, "/api/v1/token", &json!({"api_key": key})).json()["access_token"].as_str().unwrap().to_string();
    let done = staff_lifecycle::disable(&mut t.db.conn().unwrap(), w.researcher, admin, now()).unwrap();
    assert_eq!((done.changed, done.api_keys_revoked), (true, 1));
    get(&s, "/api/v1/studies", Some(&second)).problem(401);
    get(&s, "/api/v1/studies", Some(&by_key)).problem(401);
    post_json(&s, "/api/v1/token", &json!({"email": RESEARCHER, "password": PASSWORD})).problem(401);
    staff_lifecycle::enable(&mut t.db.conn().unwrap(), w.researcher, admin, now()).unwrap();
    s.clock.advance(TimeDelta::seconds(1));
    assert_eq!(post_json(&s, "/api/v1/token", &json!({"email": RESEARCHER, "password": PASSWORD})).status, 200);
    post_json(&s, "/api/v1/token", &json!({"api_key": key})).problem(401);

    staff_lifecycle::reset_password(&mut t.db.conn().unwrap(), w.researcher, "a brand new long password", admin, now())
        .unwrap();
    post_json(&s, "/api/v1/token", &json!({"email": RESEARCHER, "password": PASSWORD})).problem(401);
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::target_id.eq(w.researcher))
        .select(audit_log::action)
        .load(&mut *t.db.conn().unwrap())
        .unwrap();
    for a in ["staff.sessions_revoke", "staff.disable", "staff.enable", "staff.reset_password"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

#[test]
fn revoked_sessions_a_disabled_account_and_a_new_password_stop_tokens_at_once_sqlite() {
    access_taken_away_stops_at_once(TestDb::sqlite());
}

#[test]
fn revoked_sessions_a_disabled_account_and_a_new_password_stop_tokens_at_once_postgres() {
    access_taken_away_stops_at_once(TestDb::postgres());
}
