//! Two worker processes on one PostgreSQL database share 5,000 due invitations; one is killed
//! with SIGKILL halfway and started again. Every invitation reaches the gateway exactly once.

mod support;

use chrono::Utc;
use std::collections::HashSet;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::koers;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const N: usize = 5_000;

/// MessageBird as far as sending and listing go; each message takes a few milliseconds.
#[derive(Clone, Default)]
struct Bird {
    got: Arc<Mutex<Vec<(String, String)>>>,
}

impl Respond for Bird {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        if req.method.as_str() == "GET" {
            let recipient =
                req.url.query_pairs().find(|(k, _)| k == "recipient").map(|(_, v)| v.to_string()).unwrap_or_default();
            let items: Vec<serde_json::Value> = self
                .got
                .lock()
                .unwrap()
                .iter()
                .enumerate()
                .filter(|(_, (to, _))| *to == recipient)
                .map(|(i, (_, r))| serde_json::json!({"id": format!("mb-{i}"), "reference": r}))
                .collect();
            return ResponseTemplate::new(200).set_body_json(serde_json::json!({"items": items}));
        }
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let mut got = self.got.lock().unwrap();
        got.push((
            body["recipients"][0].as_str().unwrap().to_string(),
            body["reference"].as_str().unwrap().to_string(),
        ));
        ResponseTemplate::new(201)
            .set_body_json(serde_json::json!({"id": format!("mb-{}", got.len() - 1)}))
            .set_delay(Duration::from_millis(3))
    }
}

fn seed(db: &koers_store::Database) {
    koers_store::testing::seed_due_invitations(db, "load", N, Utc::now()).unwrap();
}

fn worker(dir: &std::path::Path, db_url: &str, mock: &str) -> Child {
    koers(dir)
        .arg("worker")
        .env("KOERS_DATABASE_URL", db_url)
        .env("KOERS_SECRET_KEY", "a-shared-secret-of-at-least-32-characters")
        .env("KOERS_SMS__GATEWAY", "messagebird")
        .env("KOERS_SMS__API_URL", mock)
        .env("KOERS_SMS__ACCESS_KEY", "k")
        .env("KOERS_SMS__MESSAGES_PER_SECOND", "400")
        .env("KOERS_SMS__TIMEOUT_SECONDS", "1")
        .env("KOERS_SCHEDULER__TICK_SECONDS", "1")
        .env("KOERS_SCHEDULER__CLAIM_TIMEOUT_SECONDS", "3")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Invitations per status, and the ones not sent with their attempts and last error, for the
/// message when the test fails.
fn not_sent(db: &koers_store::Database) -> String {
    use diesel::prelude::*;
    use koers_store::schema::invitations;
    let rows: Vec<(String, i32, Option<String>)> = invitations::table
        .filter(invitations::status.ne("sent"))
        .select((invitations::status, invitations::attempts, invitations::last_error))
        .load(&mut *db.conn().unwrap())
        .unwrap();
    format!("{rows:?}")
}

fn count_sent(db: &koers_store::Database) -> i64 {
    use diesel::prelude::*;
    use koers_store::schema::invitations;
    invitations::table.filter(invitations::status.eq("sent")).count().get_result(&mut *db.conn().unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_workers_and_a_kill_deliver_every_invitation_exactly_once() {
    let pg = support::postgres_schema();
    seed(&pg.db);
    let server = MockServer::start().await;
    let bird = Bird::default();
    Mock::given(wiremock::matchers::path("/messages")).respond_with(bird.clone()).mount(&server).await;
    let dir = tempfile::tempdir().unwrap();

    let mut a = worker(dir.path(), &pg.url, &server.uri());
    let mut b = worker(dir.path(), &pg.url, &server.uri());
    let start = Instant::now();
    while bird.got.lock().unwrap().len() < N / 4 {
        assert!(start.elapsed() < Duration::from_secs(60), "sending did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.kill().unwrap(); // SIGKILL: no chance to clean up its claims
    a.wait().unwrap();
    let killed_at = bird.got.lock().unwrap().len();
    let mut a = worker(dir.path(), &pg.url, &server.uri());

    let db = pg.db.clone();
    // Generous: on a loaded machine a send may time out twice, and the second retry waits
    // 2 minutes (backoff 30 s, 2 min, ...); a stuck invitation fails after 5.
    let deadline = Instant::now() + Duration::from_secs(300);
    while tokio::task::block_in_place(|| count_sent(&db)) < N as i64 {
        assert!(Instant::now() < deadline, "only {} of {N} sent; the rest: {}", count_sent(&db), not_sent(&db));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Give any duplicate a moment to show up before stopping.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _ = a.kill();
    let _ = b.kill();
    let _ = a.wait();
    let _ = b.wait();

    let got = bird.got.lock().unwrap().clone();
    let unique: HashSet<&String> = got.iter().map(|(_, r)| r).collect();
    assert!(killed_at < N, "the kill came before the end");
    assert_eq!(unique.len(), N, "every invitation reached the gateway");
    assert_eq!(got.len(), N, "and none twice");
}
