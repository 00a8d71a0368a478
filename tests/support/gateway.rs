//! A MessageBird stand-in for end-to-end tests (wiremock speaking its API), and a study enrolled
//! and served by the real binary that sends through it.

use super::{free_port, koers, Server};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::{Request, Respond, ResponseTemplate};

/// Keeps every SMS the server sent: (recipient, text).
#[derive(Clone, Default)]
pub struct Bird {
    pub got: Arc<Mutex<Vec<(String, String)>>>,
}

impl Respond for Bird {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let to = body["recipients"][0].as_str().or(body["recipients"].as_str()).unwrap_or("").to_string();
        let text = body["body"].as_str().unwrap_or("").to_string();
        let mut got = self.got.lock().unwrap();
        got.push((to, text));
        ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": format!("mb-{}", got.len())}))
    }
}

impl Bird {
    /// The link in the first SMS to this number, waiting for the scheduler to send it.
    pub async fn link_for(&self, phone: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some((_, text)) = self.got.lock().unwrap().iter().find(|(to, _)| to.trim_start_matches('+') == phone)
            {
                let at = text.find("http").expect("the SMS holds a link");
                return text[at..].split_whitespace().next().unwrap().to_string();
            }
            assert!(start.elapsed() < Duration::from_secs(60), "no SMS to {phone}: {:?}", self.got.lock().unwrap());
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// Runs a `koers` command on the test's SQLite file; it must succeed.
pub fn run(dir: &Path, args: &[&str]) {
    let out = koers(dir).args(args).env("KOERS_DATABASE_URL", "sqlite://k.db").output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Creates a study with one team, loads the shipped definitions, imports `people` (CSV) and
/// starts `koers serve` sending through the gateway at `mock` (on a thread of its own: waiting
/// for the server blocks).
pub async fn serve_study(dir: &Path, mock: &str, people: &'static str) -> Server {
    let (dir, mock) = (dir.to_path_buf(), mock.to_string());
    tokio::task::spawn_blocking(move || {
        for args in [
            &["study", "create", "vsv", "--name", "VSV"][..],
            &["organisation", "add", "roc", "--name", "ROC"],
            &["team", "add", "Entree", "--organisation", "roc"],
            &["load"],
        ] {
            run(&dir, args);
        }
        std::fs::write(dir.join("people.csv"), people).unwrap();
        run(&dir, &["import", "people", "people.csv"]);
        let port = free_port();
        let mut cmd = koers(&dir);
        cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("KOERS_DATABASE_URL", "sqlite://k.db")
            .env("KOERS_BASE_URL", format!("http://127.0.0.1:{port}"))
            .env("KOERS_SMS__GATEWAY", "messagebird")
            .env("KOERS_SMS__API_URL", &mock)
            .env("KOERS_SMS__ACCESS_KEY", "test_key")
            .env("KOERS_SCHEDULER__TICK_SECONDS", "1");
        Server::start(cmd, port)
    })
    .await
    .unwrap()
}
