//! Sending against a mock MessageBird on a real database: retries, permanent failures, skips,
//! and never a second message for one invitation.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use koers_core::clock::FixedClock;
use koers_core::people::Role;
use koers_scheduler::{Scheduler, SchedulerConfig};
use koers_store::schedule::{self, NewInvitation};
use koers_store::testing::TestDb;
use koers_store::Database;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 10, 0, 0).unwrap()
}

/// Answers POST /messages from a script of statuses, then 201; lists what it accepted.
struct ScriptedBird {
    script: Mutex<Vec<(u16, Duration)>>,
    accepted: Arc<Mutex<Vec<(String, String)>>>,
    posts: Arc<Mutex<usize>>,
    /// Down (503 to every request, lookups too) until this moment of the test's clock.
    down_until: Option<(DateTime<Utc>, FixedClock)>,
}

impl Respond for ScriptedBird {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        if let Some((until, clock)) = &self.down_until {
            use koers_core::clock::Clock;
            if clock.now() < *until {
                *self.posts.lock().unwrap() += usize::from(req.method.as_str() == "POST");
                return ResponseTemplate::new(503);
            }
        }
        if req.method.as_str() == "GET" {
            let items: Vec<serde_json::Value> = self
                .accepted
                .lock()
                .unwrap()
                .iter()
                .map(|(id, reference)| serde_json::json!({"id": id, "reference": reference}))
                .collect();
            return ResponseTemplate::new(200).set_body_json(serde_json::json!({"items": items}));
        }
        *self.posts.lock().unwrap() += 1;
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let reference = body["reference"].as_str().unwrap().to_string();
        let (status, delay) = {
            let mut script = self.script.lock().unwrap();
            if script.is_empty() {
                (201, Duration::ZERO)
            } else {
                script.remove(0)
            }
        };
        if status == 201 {
            let mut acc = self.accepted.lock().unwrap();
            let id = format!("mb-{}", acc.len() + 1);
            acc.push((id.clone(), reference));
            return ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": id})).set_delay(delay);
        }
        let body = if status == 422 {
            serde_json::json!({"errors": [{"code": 9, "description": "no (correct) recipients found", "parameter": "recipient"}]})
        } else {
            serde_json::json!({"errors": [{"code": 0, "description": "try later"}]})
        };
        ResponseTemplate::new(status).set_body_json(body)
    }
}

struct Setup {
    _db: TestDb,
    db: Database,
    clock: FixedClock,
    scheduler: Scheduler,
    accepted: Arc<Mutex<Vec<(String, String)>>>,
    posts: Arc<Mutex<usize>>,
    _server: MockServer,
    invitation: i64,
    person: i64,
}

async fn setup(backend: &str, script: Vec<(u16, Duration)>) -> Setup {
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let posts = Arc::new(Mutex::new(0));
    let bird =
        ScriptedBird { script: Mutex::new(script), accepted: accepted.clone(), posts: posts.clone(), down_until: None };
    setup_with(backend, bird, 1).await
}

/// A study whose `people` students each have one invitation due at t0, sent through `bird`.
async fn setup_with(backend: &str, mut bird: ScriptedBird, people: usize) -> Setup {
    let t = if backend == "postgres" { TestDb::postgres() } else { TestDb::sqlite() };
    let db = t.db.clone();
    let person = {
        let mut c = db.conn().unwrap();
        let at = koers_store::testing::seed_study(&mut c, "s", t0()).unwrap();
        let mut first = None;
        for n in 0..people {
            let phone = format!("+316123456{n:02}");
            let person =
                koers_store::testing::seed_person(&mut c, at, Role::Student, "Sanne", &phone, None, t0()).unwrap();
            let key = format!("diary:{n}:invite");
            let inv = NewInvitation {
                person_id: person,
                response_id: None,
                dedupe_key: &key,
                kind: koers_core::invitation::InvitationKind::Invite,
                channel: koers_core::protocol::Channel::Sms,
                due_at: t0(),
                expires_at: Some(t0() + TimeDelta::hours(30)),
            };
            assert!(schedule::ensure_invitation(&mut c, &inv, t0()).unwrap());
            assert!(
                !schedule::ensure_invitation(&mut c, &inv, t0()).unwrap(),
                "a second plan of the same message adds nothing"
            );
            first.get_or_insert(person);
        }
        first.unwrap()
    };
    let server = MockServer::start().await;
    let (accepted, posts) = (bird.accepted.clone(), bird.posts.clone());
    let clock = FixedClock::new(t0());
    if let Some((_, c)) = &mut bird.down_until {
        *c = clock.clone();
    }
    Mock::given(wiremock::matchers::path("/messages")).respond_with(bird).mount(&server).await;
    let scheduler = Scheduler {
        db: db.clone(),
        real_clock: Arc::new(clock.clone()),
        test_gateway: Arc::new(koers_messaging::ConsoleGateway::new()),
        gateway: Arc::new(koers_messaging::messagebird::MessageBird::new(
            &server.uri(),
            "k",
            None,
            Duration::from_millis(500),
        )),
        email: None,
        config: SchedulerConfig {
            base_url: "https://koers.example".into(),
            sender: "Koers".into(),
            secret: b"0123456789abcdef0123456789abcdef".to_vec(),
            worker_id: "test".into(),
            messages_per_second: 100,
            max_attempts: 4,
            claim_timeout: TimeDelta::minutes(2),
            throttle: false,
            apply_retention: true,
            only_study: None,
        },
    };
    let invitation = {
        use diesel::prelude::*;
        use koers_store::schema::invitations;
        invitations::table.select(invitations::id).first::<i64>(&mut *db.conn().unwrap()).unwrap()
    };
    Setup { _db: t, db, clock, scheduler, accepted, posts, _server: server, invitation, person }
}

fn status(db: &Database, id: i64) -> (String, i32, Option<String>) {
    use diesel::prelude::*;
    use koers_store::schema::invitations;
    invitations::table
        .find(id)
        .select((invitations::status, invitations::attempts, invitations::gateway_message_id))
        .first(&mut *db.conn().unwrap())
        .unwrap()
}

async fn run_for(s: &Setup, minutes: i64) {
    for _ in 0..minutes {
        s.scheduler.tick().await.unwrap();
        s.clock.advance(TimeDelta::minutes(1));
    }
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried_with_backoff_and_sent_once() {
    for backend in ["sqlite", "postgres"] {
        for failing in [500, 503, 429] {
            let s = setup(backend, vec![(failing, Duration::ZERO), (failing, Duration::ZERO)]).await;
            s.scheduler.tick().await.unwrap();
            assert_eq!(status(&s.db, s.invitation).0, "retry", "{backend} {failing}");
            s.clock.advance(TimeDelta::seconds(10));
            s.scheduler.tick().await.unwrap();
            assert_eq!(*s.posts.lock().unwrap(), 1, "{backend} {failing}: no retry before the backoff (30 s) is over");
            run_for(&s, 15).await;
            let (st, attempts, id) = status(&s.db, s.invitation);
            assert_eq!((st.as_str(), attempts), ("sent", 3), "{backend} {failing}");
            assert_eq!(id.as_deref(), Some("mb-1"));
            assert_eq!(
                s.accepted.lock().unwrap().len(),
                1,
                "{backend} {failing}: exactly one message reached the person"
            );
        }
    }
}

#[tokio::test]
async fn a_timeout_that_reached_the_gateway_is_found_and_not_sent_again() {
    // The gateway accepts the message but answers after koers stopped waiting.
    let s = setup("sqlite", vec![(201, Duration::from_secs(2))]).await;
    s.scheduler.tick().await.unwrap();
    assert_eq!(status(&s.db, s.invitation).0, "retry");
    run_for(&s, 5).await;
    let (st, _, id) = status(&s.db, s.invitation);
    assert_eq!((st.as_str(), id.as_deref()), ("sent", Some("mb-1")));
    assert_eq!(*s.posts.lock().unwrap(), 1, "the retry asked the gateway instead of sending twice");
}

#[tokio::test]
async fn an_invalid_number_fails_at_once_and_marks_the_phone_for_coordinators() {
    for backend in ["sqlite", "postgres"] {
        let s = setup(backend, vec![(422, Duration::ZERO)]).await;
        run_for(&s, 10).await;
        assert_eq!(status(&s.db, s.invitation).0, "failed", "{backend}");
        assert_eq!(*s.posts.lock().unwrap(), 1, "{backend}: a permanent failure is not retried");
        use diesel::prelude::*;
        use koers_store::schema::people;
        let phone_status: String =
            people::table.find(s.person).select(people::phone_status).first(&mut *s.db.conn().unwrap()).unwrap();
        assert_eq!(phone_status, "failing");
    }
}

#[tokio::test]
async fn a_gateway_that_keeps_failing_gives_up_before_the_window_closes() {
    let s = setup("sqlite", vec![(500, Duration::ZERO); 10]).await;
    run_for(&s, 120).await;
    let (st, attempts, _) = status(&s.db, s.invitation);
    assert_eq!((st.as_str(), attempts), ("failed", 4), "max_attempts is 4");
    assert!(s.accepted.lock().unwrap().is_empty());
}

#[tokio::test]
async fn nothing_is_sent_after_the_window_closed() {
    let s = setup("sqlite", vec![]).await;
    s.clock.advance(TimeDelta::hours(31));
    s.scheduler.tick().await.unwrap();
    assert_eq!(status(&s.db, s.invitation).0, "skipped");
    assert_eq!(*s.posts.lock().unwrap(), 0);
}

#[tokio::test]
async fn a_gateway_down_for_an_hour_gets_every_message_after_it_returns_once_and_in_time() {
    for backend in ["sqlite", "postgres"] {
        let bird = ScriptedBird {
            script: Mutex::new(Vec::new()),
            accepted: Arc::new(Mutex::new(Vec::new())),
            posts: Arc::new(Mutex::new(0)),
            down_until: Some((t0() + TimeDelta::hours(1), FixedClock::new(t0()))),
        };
        let mut s = setup_with(backend, bird, 5).await;
        // The installation's default number of attempts, not a test value.
        s.scheduler.config.max_attempts = koers_core::settings::SmsSettings::default().max_attempts;
        run_for(&s, 60).await;
        assert!(s.accepted.lock().unwrap().is_empty(), "{backend}: nothing got through while it was down");
        run_for(&s, 20).await;
        let accepted = s.accepted.lock().unwrap().clone();
        let unique: std::collections::HashSet<&String> = accepted.iter().map(|(_, r)| r).collect();
        assert_eq!((accepted.len(), unique.len()), (5, 5), "{backend}: every message once");
        use diesel::prelude::*;
        use koers_store::schema::invitations;
        let sent: Vec<(String, Option<chrono::NaiveDateTime>)> = invitations::table
            .select((invitations::status, invitations::sent_at))
            .load(&mut *s.db.conn().unwrap())
            .unwrap();
        for (status, at) in sent {
            let at = at.expect("sent").and_utc();
            assert_eq!(status, "sent", "{backend}");
            assert!(at >= t0() + TimeDelta::hours(1), "{backend}: after the gateway came back");
            assert!(at <= t0() + TimeDelta::minutes(76), "{backend}: within 15 minutes of it, well inside the window");
        }
    }
}
