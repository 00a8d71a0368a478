//! `/metrics` and `/readyz` over real HTTP: requests counted by route pattern (never by a
//! token), the optional bearer token, and readiness following the database and the scheduler.

mod support;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use koers_core::clock::FixedClock;
use koers_core::people::Role;
use koers_core::settings::Settings;
use koers_store::testing::{seed_invitation, seed_person, seed_study, TestDb};
use koers_store::{tokens, Database};
use koers_web::AppState;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use support::{serve, Serving};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
}

/// The application as `koers serve` builds it, on a free port; stopped when dropped.
struct Server {
    base: String,
    _serving: Serving,
}

impl Server {
    fn start(db: &Database, settings: Settings) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(db.clone(), Arc::new(FixedClock::new(now())), settings);
        Server { base, _serving: serve(listener, state, 1) }
    }

    fn get(&self, path: &str, bearer: Option<&str>) -> (u16, String) {
        let client = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let mut req = client.get(format!("{}{path}", self.base));
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        let res = req.send().unwrap();
        (res.status().as_u16(), res.text().unwrap())
    }
}

fn settings() -> Settings {
    Settings { base_url: "https://koers.example".into(), ..Settings::default() }
}

/// A student with a personal link; returns the person and the plain token.
fn student(db: &Database) -> (i64, String) {
    let mut c = db.conn().unwrap();
    let at = seed_study(&mut c, "s", now()).unwrap();
    let person = seed_person(&mut c, at, Role::Student, "Sanne", "+31612345678", None, now()).unwrap();
    let koers_store::tokens::Issued { plain: token, .. } =
        tokens::issue(&mut c, person, "invitation", now() + TimeDelta::hours(30), now()).unwrap();
    (person, token)
}

fn invitation_due(db: &Database, person: i64, key: &str, due_at: DateTime<Utc>) {
    seed_invitation(&mut db.conn().unwrap(), person, key, due_at, now()).unwrap();
}

#[test]
fn metrics_count_requests_by_route_pattern_and_never_show_a_token() {
    let t = TestDb::sqlite();
    let (person, token) = student(&t.db);
    invitation_due(&t.db, person, "w:1:invite", now() - TimeDelta::minutes(2));
    let server = Server::start(&t.db, settings());

    let (opened, _) = server.get(&format!("/l/{token}"), None);
    assert!(opened < 500, "{opened}");
    assert_eq!(server.get("/healthz", None).0, 200);
    assert_eq!(server.get("/no/such/page/12345", None).0, 404);

    let (status, body) = server.get("/metrics", None);
    assert_eq!(status, 200, "no token is set, so none is asked: {body}");
    assert!(body.contains("# TYPE koers_http_requests_total counter"), "{body}");
    assert!(
        body.lines().any(|l| l.starts_with("koers_http_requests_total{")
            && l.contains("route=\"/l/{token}\"")
            && l.contains("method=\"GET\"")),
        "{body}"
    );
    assert!(body.contains("route=\"/healthz\",status=\"200\""), "{body}");
    assert!(body.contains("route=\"unmatched\",status=\"404\""), "{body}");
    assert!(body.contains("koers_http_request_duration_seconds_bucket{"), "{body}");
    assert!(!body.contains(&token), "a token became a label");
    assert!(!body.contains("12345"), "a path became a label");
    assert!(body.contains("koers_invitations{status=\"pending\"} 1"), "{body}");
    assert!(body.contains("koers_invitations{status=\"sent\"} 0"), "{body}");
    assert!(body.contains("koers_submissions_total 0"), "{body}");
    assert!(body.contains("koers_scheduler_lag_seconds 120"), "{body}");
    assert!(body.contains("koers_database_up 1"), "{body}");

    // The scrape itself is counted under its own route.
    let (_, again) = server.get("/metrics", None);
    assert!(again.contains("route=\"/metrics\",status=\"200\""), "{again}");
}

#[test]
fn metrics_ask_for_the_bearer_token_when_one_is_set() {
    let t = TestDb::sqlite();
    let server = Server::start(&t.db, Settings { metrics_token: Some("scrape-me-please".into()), ..settings() });
    assert_eq!(server.get("/metrics", None).0, 401);
    assert_eq!(server.get("/metrics", Some("guess")).0, 401);
    let (status, body) = server.get("/metrics", Some("scrape-me-please"));
    assert_eq!(status, 200);
    assert!(body.contains("koers_database_up 1"), "{body}");
}

#[test]
fn readyz_fails_only_when_an_invitation_is_overdue_past_the_lag_threshold() {
    for (backend, t) in TestDb::both() {
        let (person, _) = student(&t.db);
        let server = Server::start(&t.db, settings());
        let (status, body) = server.get("/readyz", None);
        assert_eq!(status, 200, "{backend}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["status"], "ready", "{backend}");
        assert_eq!(v["scheduler_lag_seconds"], 0, "{backend}");

        // Five minutes late is within the default threshold of 600 seconds.
        invitation_due(&t.db, person, "w:1:invite", now() - TimeDelta::minutes(5));
        let (status, body) = server.get("/readyz", None);
        assert_eq!(status, 200, "{backend}: {body}");

        invitation_due(&t.db, person, "w:0:invite", now() - TimeDelta::minutes(11));
        let (status, body) = server.get("/readyz", None);
        assert_eq!(status, 503, "{backend}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["status"], "not_ready", "{backend}");
        assert_eq!(v["scheduler_lag_seconds"], 660, "{backend}");
        assert!(v["reason"].as_str().unwrap().contains("scheduler lags"), "{backend}: {body}");
        drop(server);

        // A higher threshold, or an instance that does not run the scheduler, stays ready.
        let mut relaxed = settings();
        relaxed.scheduler.lag_alert_seconds = 3600;
        assert_eq!(Server::start(&t.db, relaxed).get("/readyz", None).0, 200, "{backend}");
        let mut web_only = settings();
        web_only.scheduler.enabled = false;
        let (status, body) = Server::start(&t.db, web_only).get("/readyz", None);
        assert_eq!(status, 200, "{backend}: {body}");
        assert!(body.contains("not run here"), "{backend}: {body}");
    }
}
