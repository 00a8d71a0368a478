//! A whole protocol, set up through the real binary and then sent by the scheduler on a
//! simulated real clock (a real study: the clock is injected, as production injects the
//! system clock), against a mock MessageBird: every message's time, recipient and text,
//! reminders, both daylight-saving switches.

mod support;

use chrono::{DateTime, Datelike, NaiveDateTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Europe::Amsterdam;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use support::koers;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Accepts every message like MessageBird does and remembers it.
#[derive(Clone, Default)]
struct Bird {
    got: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl Respond for Bird {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        assert_eq!(req.headers.get("authorization").unwrap(), "AccessKey live_test_key");
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let mut got = self.got.lock().unwrap();
        got.push(body);
        ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": format!("mb-{}", got.len())}))
    }
}

const PEOPLE: &str =
    "type,team_name,first_name,last_name,gender,mobile_phone,protocol_name,start_date,filling_out_for,locale\n\
Student,Team A,Sanne,de Vries,female,0612345678,vsv_student,2026-10-19,,nl\n\
Student,Team A,Milan,Visser,male,0612345679,vsv_student,2026-10-19,,en\n\
Mentor,Team A,Joris,Bakker,male,0687654321,vsv_mentor,2026-10-19,0612345678,nl\n\
Mentor,Team A,Joris,Bakker,male,0687654321,vsv_mentor,2026-10-19,0612345679,nl\n";

fn run(dir: &std::path::Path, mock: &str, args: &[&str]) {
    let out = koers(dir)
        .args(args)
        .env("KOERS_DATABASE_URL", "sqlite://k.db")
        .env("KOERS_BASE_URL", "https://koers.example")
        .env("KOERS_SMS__GATEWAY", "messagebird")
        .env("KOERS_SMS__API_URL", mock)
        .env("KOERS_SMS__ACCESS_KEY", "live_test_key")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A study with the shipped protocols, two students and their mentor, through the CLI.
fn enrol(dir: &std::path::Path, mock: &str) {
    for args in [
        &["study", "create", "vsv", "--name", "VSV"][..],
        &["organisation", "add", "roc", "--name", "ROC"],
        &["team", "add", "Team A", "--organisation", "roc"],
        &["load"],
    ] {
        run(dir, mock, args);
    }
    std::fs::write(dir.join("people.csv"), PEOPLE).unwrap();
    run(dir, mock, &["import", "people", "people.csv"]);
}

/// The scheduler of a real study, ticking every `30m` of simulated real time from `from` to
/// `until`, sending through the mock MessageBird.
fn simulate(dir: &std::path::Path, mock: &str, from: &str, until: &str) {
    use koers_core::clock::{Clock, FixedClock};
    use koers_scheduler::{Scheduler, SchedulerConfig};
    let from: DateTime<Utc> = from.parse().unwrap();
    let until: DateTime<Utc> = until.parse().unwrap();
    let db = koers_store::Database::open(&format!("sqlite://{}", dir.join("k.db").display()), 2).unwrap();
    let clock = FixedClock::new(from);
    let scheduler = Scheduler {
        db,
        real_clock: Arc::new(clock.clone()),
        gateway: Arc::new(koers_messaging::messagebird::MessageBird::new(
            mock,
            "live_test_key",
            None,
            std::time::Duration::from_secs(5),
        )),
        test_gateway: Arc::new(koers_messaging::ConsoleGateway::new()),
        email: None,
        config: SchedulerConfig {
            base_url: "https://koers.example".into(),
            sender: "Koers".into(),
            secret: b"scheduling-test-secret-scheduling".to_vec(),
            worker_id: "test".into(),
            messages_per_second: 1000,
            max_attempts: 3,
            claim_timeout: chrono::TimeDelta::minutes(10),
            throttle: false,
            apply_retention: false,
            only_study: None,
        },
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        while clock.now() <= until {
            scheduler.tick().await.unwrap();
            clock.advance(chrono::TimeDelta::minutes(30));
        }
    });
}

#[derive(Debug)]
struct Sent {
    phone: String,
    kind: String,
    dedupe: String,
    at: DateTime<Utc>,
    reference: String,
}

fn sent_invitations(dir: &std::path::Path) -> Vec<Sent> {
    use diesel::prelude::*;
    use koers_store::schema::{invitations, person_identities};
    let db = koers_store::Database::open(&format!("sqlite://{}", dir.join("k.db").display()), 1).unwrap();
    type Row = (Option<String>, String, String, Option<NaiveDateTime>, i64);
    let rows: Vec<Row> = invitations::table
        .inner_join(person_identities::table.on(person_identities::person_id.eq(invitations::person_id)))
        .filter(invitations::status.eq("sent"))
        .order(invitations::sent_at)
        .select((
            person_identities::mobile_phone,
            invitations::kind,
            invitations::dedupe_key,
            invitations::sent_at,
            invitations::id,
        ))
        .load(&mut *db.conn().unwrap())
        .unwrap();
    rows.into_iter()
        .map(|(phone, kind, dedupe, at, id)| Sent {
            phone: phone.unwrap(),
            kind,
            dedupe,
            at: at.unwrap().and_utc(),
            reference: format!("koers-{id}"),
        })
        .collect()
}

fn complete_first_diary(dir: &std::path::Path, phone: &str) {
    use diesel::prelude::*;
    use koers_store::schema::{person_identities, responses, subscriptions};
    let db = koers_store::Database::open(&format!("sqlite://{}", dir.join("k.db").display()), 1).unwrap();
    let mut c = db.conn().unwrap();
    let person: i64 = person_identities::table
        .filter(person_identities::mobile_phone.eq(phone))
        .select(person_identities::person_id)
        .first(&mut *c)
        .unwrap();
    let sub: i64 = subscriptions::table
        .filter(subscriptions::person_id.eq(person))
        .select(subscriptions::id)
        .first(&mut *c)
        .unwrap();
    let n = diesel::update(responses::table.filter(
        responses::subscription_id.eq(sub).and(responses::measurement_key.eq("diary")).and(responses::occurrence.eq(1)),
    ))
    .set(responses::completed_at.eq(Utc.with_ymd_and_hms(2026, 10, 22, 11, 0, 0).unwrap().naive_utc()))
    .execute(&mut *c)
    .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_whole_protocol_sends_every_message_at_its_local_time_once() {
    let server = MockServer::start().await;
    let bird = Bird::default();
    Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/messages"))
        .respond_with(bird.clone())
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let uri = server.uri();
    tokio::task::spawn_blocking(move || {
        enrol(&d, &uri);
        // First week, then Sanne completes her first diary before its reminder is due.
        simulate(&d, &uri, "2026-10-18T22:00:00Z", "2026-10-22T12:00:00Z");
        complete_first_diary(&d, "+31612345678");
        simulate(&d, &uri, "2026-10-22T12:00:00Z", "2027-07-01T00:00:00Z");
    })
    .await
    .unwrap();

    let sent = sent_invitations(dir.path());
    let got = bird.got.lock().unwrap().clone();
    assert_eq!(got.len(), sent.len(), "every sent invitation reached the gateway once");
    let by_reference: HashMap<&str, &serde_json::Value> =
        got.iter().map(|b| (b["reference"].as_str().unwrap(), b)).collect();
    assert_eq!(by_reference.len(), got.len(), "no reference was sent twice");

    let mut per_person: BTreeMap<&str, Vec<&Sent>> = BTreeMap::new();
    for s in &sent {
        per_person.entry(&s.phone).or_default().push(s);
    }
    // Students: intake, 35 diaries and the closing, each with a reminder; Sanne skipped one.
    assert_eq!(per_person["+31612345679"].len(), 74);
    assert_eq!(per_person["+31612345678"].len(), 73);
    // The mentor fills out for two students but gets one message per window.
    assert_eq!(per_person["+31687654321"].len(), 74);

    let mut links: HashMap<String, String> = HashMap::new();
    for s in &sent {
        let body = by_reference[s.reference.as_str()];
        assert_eq!(body["recipients"][0], s.phone.trim_start_matches('+'));
        assert_eq!(body["originator"], "Koers");
        let text = body["body"].as_str().unwrap();
        let expected_start = match s.phone.as_str() {
            "+31612345678" => "Hoi Sanne,",
            "+31612345679" => "Hi Milan,",
            _ => "Hoi Joris,",
        };
        assert!(text.starts_with(expected_start), "{text}");
        assert!(
            !text.contains("school") && !text.contains("uitval") && !text.contains("{{"),
            "neutral and complete: {text}"
        );
        let link = text.split_whitespace().find(|w| w.starts_with("https://koers.example/l/")).unwrap().to_string();
        let window = s.dedupe.rsplit_once(':').unwrap().0.to_string();
        // Invitation and reminder of one window carry the same link.
        if let Some(previous) = links.insert(format!("{}/{window}", s.phone), link.clone()) {
            assert_eq!(previous, link);
        }
        let local = s.at.with_timezone(&Amsterdam);
        if s.dedupe.starts_with("diary:") {
            let hour = if s.kind == "invite" { 12 } else { 20 };
            assert_eq!((local.weekday(), local.hour(), local.minute()), (Weekday::Thu, hour, 0), "{s:?}");
        }
    }
    let diary_invites: Vec<&&Sent> =
        per_person["+31612345679"].iter().filter(|s| s.dedupe.starts_with("diary:") && s.kind == "invite").collect();
    assert_eq!(diary_invites.len(), 35);
    // Summer time before 25 October 2026 and after 28 March 2027, winter time between.
    assert_eq!(diary_invites[0].at, Utc.with_ymd_and_hms(2026, 10, 22, 10, 0, 0).unwrap());
    assert_eq!(diary_invites[1].at, Utc.with_ymd_and_hms(2026, 10, 29, 11, 0, 0).unwrap());
    assert!(diary_invites.iter().any(|s| s.at == Utc.with_ymd_and_hms(2027, 3, 25, 11, 0, 0).unwrap()));
    assert!(diary_invites.iter().any(|s| s.at == Utc.with_ymd_and_hms(2027, 4, 1, 10, 0, 0).unwrap()));
    let sanne_first_week: Vec<&&Sent> = per_person["+31612345678"]
        .iter()
        .filter(|s| s.dedupe.starts_with("diary:") && s.at < Utc.with_ymd_and_hms(2026, 10, 29, 0, 0, 0).unwrap())
        .collect();
    assert_eq!(sanne_first_week.len(), 1, "no reminder after completing: {sanne_first_week:?}");
    let closing =
        per_person["+31612345679"].iter().find(|s| s.dedupe.starts_with("closing:") && s.kind == "invite").unwrap();
    assert_eq!(
        closing.at.with_timezone(&Amsterdam).date_naive(),
        chrono::NaiveDate::from_ymd_opt(2027, 6, 21).unwrap()
    );
}

fn stop_participation(dir: &std::path::Path, phone: &str, at: DateTime<Utc>) {
    use diesel::prelude::*;
    use koers_store::schema::{person_identities, subscriptions};
    let db = koers_store::Database::open(&format!("sqlite://{}", dir.join("k.db").display()), 1).unwrap();
    let mut c = db.conn().unwrap();
    let person: i64 = person_identities::table
        .filter(person_identities::mobile_phone.eq(phone))
        .select(person_identities::person_id)
        .first(&mut *c)
        .unwrap();
    let sub: i64 = subscriptions::table
        .filter(subscriptions::person_id.eq(person))
        .select(subscriptions::id)
        .first(&mut *c)
        .unwrap();
    assert!(koers_store::sending::stop_subscription(&mut c, sub, "unsubscribed", at).unwrap());
}

fn subscription_states(dir: &std::path::Path) -> Vec<(String, Option<String>, String)> {
    use diesel::prelude::*;
    use koers_store::schema::{person_identities, subscriptions};
    let db = koers_store::Database::open(&format!("sqlite://{}", dir.join("k.db").display()), 1).unwrap();
    subscriptions::table
        .inner_join(person_identities::table.on(person_identities::person_id.eq(subscriptions::person_id)))
        .order(subscriptions::id)
        .select((person_identities::mobile_phone.assume_not_null(), subscriptions::end_reason, subscriptions::state))
        .load(&mut *db.conn().unwrap())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_student_who_stops_gets_the_closing_questionnaire_and_no_more_diaries() {
    let server = MockServer::start().await;
    let bird = Bird::default();
    Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/messages"))
        .respond_with(bird.clone())
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let uri = server.uri();
    let stopped_at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    tokio::task::spawn_blocking(move || {
        enrol(&d, &uri);
        simulate(&d, &uri, "2026-10-18T22:00:00Z", "2026-11-02T09:00:00Z");
        stop_participation(&d, "+31612345679", stopped_at);
        simulate(&d, &uri, "2026-11-02T09:00:00Z", "2026-11-30T00:00:00Z");
    })
    .await
    .unwrap();

    let sent = sent_invitations(dir.path());
    let milan: Vec<&Sent> = sent.iter().filter(|s| s.phone == "+31612345679").collect();
    let closing =
        milan.iter().find(|s| s.dedupe.starts_with("closing:") && s.kind == "invite").expect("a closing invitation");
    assert!(closing.at >= stopped_at && closing.at < stopped_at + chrono::TimeDelta::hours(1), "{closing:?}");
    assert!(
        milan.iter().filter(|s| s.dedupe.starts_with("diary:")).all(|s| s.at < stopped_at),
        "no diary after stopping"
    );
    let sanne_diaries = sent
        .iter()
        .filter(|s| s.phone == "+31612345678" && s.dedupe.starts_with("diary:") && s.kind == "invite")
        .count();
    assert_eq!(sanne_diaries, 6, "the other student goes on");
    let joris_after = sent
        .iter()
        .filter(|s| {
            s.phone == "+31687654321" && s.dedupe.starts_with("diary:") && s.kind == "invite" && s.at > stopped_at
        })
        .count();
    assert_eq!(joris_after, 4, "the mentor goes on for the other student");
    let states = subscription_states(dir.path());
    let milan_sub = states.iter().find(|(p, _, _)| p == "+31612345679").unwrap();
    assert_eq!((milan_sub.1.as_deref(), milan_sub.2.as_str()), (Some("unsubscribed"), "completed"), "{states:?}");
    assert!(
        states.iter().any(|(p, r, s)| p == "+31687654321" && r.as_deref() == Some("student_ended") && s == "completed"),
        "{states:?}"
    );
}
