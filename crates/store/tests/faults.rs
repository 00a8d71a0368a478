//! What happens to answers when the database fails underneath: PostgreSQL restarted while
//! diaries are being submitted, and a SQLite file on a full disk.
//!
//! The restart test restarts the machine's PostgreSQL cluster (pg_ctlcluster, as .ci/run starts
//! it), so it lives in a test binary of its own: nothing else runs while it restarts.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::people::Role;
use koers_store::answers::Saved;
use koers_store::people::{insert_subscription, NewSubscription};
use koers_store::schema::{answers, responses};
use koers_store::studies::to_db;
use koers_store::testing::{seed_person, seed_study, submit_form, TestDb};
use koers_store::{definitions, Database, StoreError};
use std::sync::{Arc, Mutex};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
}

const DIARY: &[(&str, &str)] = &[("attended", "no"), ("wellbeing", "64"), ("wellbeing__touched", "1")];

/// `n` students, each with one open diary; returns (person, response) pairs.
fn study(db: &Database, n: usize) -> Vec<(i64, i64)> {
    let mut conn = db.conn().unwrap();
    let c = &mut *conn;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let seeded = seed_study(c, "faults", now()).unwrap();
    definitions::store_questionnaire(
        c,
        seeded.study_id,
        "student_diary",
        None,
        &read("questionnaires/student_diary.yaml"),
        None,
        now(),
    )
    .unwrap();
    let protocol = definitions::store_protocol(
        c,
        seeded.study_id,
        "vsv_student",
        Some("student"),
        &read("protocols/vsv_student.yaml"),
        None,
        now(),
    )
    .unwrap();
    (0..n)
        .map(|i| {
            let person = seed_person(c, seeded, Role::Student, "Sanne", &format!("+3161{i:07}"), None, now()).unwrap();
            let sub = insert_subscription(
                c,
                &NewSubscription {
                    person_id: person,
                    protocol_id: protocol.id(),
                    filling_out_for: None,
                    starts_at: now() - TimeDelta::days(7),
                    ends_at: None,
                },
                now(),
            )
            .unwrap();
            let response: i64 = diesel::insert_into(responses::table)
                .values((
                    responses::subscription_id.eq(sub),
                    responses::measurement_key.eq("diary"),
                    responses::occurrence.eq(1),
                    responses::questionnaire_key.eq("student_diary"),
                    responses::open_at.eq(to_db(now() - TimeDelta::hours(1))),
                    responses::close_at.eq(to_db(now() + TimeDelta::hours(29))),
                    responses::created_at.eq(to_db(now())),
                ))
                .returning(responses::id)
                .get_result(c)
                .unwrap();
            (person, response)
        })
        .collect()
}

/// Answer rows of a response, and whether it is completed.
fn stored(db: &Database, response: i64) -> (i64, bool) {
    let mut c = db.conn().unwrap();
    let n = answers::table.filter(answers::response_id.eq(response)).count().get_result(&mut *c).unwrap();
    let done: Option<chrono::NaiveDateTime> =
        responses::table.find(response).select(responses::completed_at).first(&mut *c).unwrap();
    (n, done.is_some())
}

/// The machine's PostgreSQL cluster, stopped on purpose; started again when dropped, so a
/// failing assertion never leaves the database down for the test binaries after this one.
struct StoppedPostgres(String);

impl StoppedPostgres {
    fn stop() -> Self {
        let version = std::fs::read_dir("/etc/postgresql")
            .expect("the machine's PostgreSQL cluster (.ci/run installs and starts it)")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
            .max()
            .expect("a PostgreSQL version");
        pg_ctlcluster(&version, &["stop", "-m", "fast"]);
        StoppedPostgres(version)
    }
}

impl Drop for StoppedPostgres {
    fn drop(&mut self) {
        pg_ctlcluster(&self.0, &["start"]);
    }
}

fn pg_ctlcluster(version: &str, action: &[&str]) {
    let out = std::process::Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", version, "main"])
        .args(action)
        .output()
        .expect("pg_ctlcluster");
    assert!(out.status.success(), "pg_ctlcluster {action:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn postgres_restarted_during_submissions_loses_no_acknowledged_answer_and_the_rest_can_be_resubmitted() {
    let t = TestDb::postgres();
    let db = t.db.clone();
    let work = study(&db, 240);
    let expected = {
        // Every diary stores the same number of answer rows; one done before the restart tells.
        let (person, response) = work[0];
        let mut c = db.conn().unwrap();
        assert_eq!(submit_form(&mut c, person, response, "student_diary", DIARY, now()).unwrap(), Saved::Stored);
        stored(&db, response).0
    };
    assert!(expected > 3);
    /// (person, response, what the submission answered).
    type Outcome = (i64, i64, Result<Saved, String>);
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::default();
    let queue = Arc::new(Mutex::new(work[1..].to_vec()));
    // Workers keep a reserve of diaries until the database is down, so that some submissions
    // certainly meet it down however fast this machine is; the ones in flight when it stops
    // are cut off mid-transaction.
    let down = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (db, queue, outcomes, down) = (db.clone(), queue.clone(), outcomes.clone(), down.clone());
            std::thread::spawn(move || loop {
                let next = {
                    let mut queue = queue.lock().unwrap();
                    if queue.len() <= 100 && !down.load(std::sync::atomic::Ordering::SeqCst) {
                        Err(())
                    } else {
                        Ok(queue.pop())
                    }
                };
                let Ok(next) = next else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                let Some((person, response)) = next else { break };
                let result = db
                    .conn()
                    .and_then(|mut c| submit_form(&mut c, person, response, "student_diary", DIARY, now()))
                    .map_err(|e: StoreError| e.to_string());
                outcomes.lock().unwrap().push((person, response, result));
            })
        })
        .collect();
    let count = |ok: bool| outcomes.lock().unwrap().iter().filter(|o| o.2.is_ok() == ok).count();
    while count(true) < 40 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let stopped = StoppedPostgres::stop();
    down.store(true, std::sync::atomic::Ordering::SeqCst);
    let start = std::time::Instant::now();
    while count(false) < 4 {
        assert!(start.elapsed().as_secs() < 60, "submissions fail while PostgreSQL is down");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    drop(stopped);
    for w in workers {
        w.join().unwrap();
    }
    let outcomes = outcomes.lock().unwrap().clone();
    let failed: Vec<_> = outcomes.iter().filter(|o| o.2.is_err()).collect();
    assert!(!failed.is_empty(), "the restart interrupted some submissions");
    assert!(outcomes.iter().any(|o| o.2.is_ok()), "and others went through");
    for (_, _, r) in &failed {
        let e = r.as_ref().unwrap_err();
        assert!(
            e.contains("database") || e.contains("connection") || e.contains("timeout"),
            "a failure says the database is the problem: {e}"
        );
    }
    // Wait for the database to be back, then check and resubmit.
    let start = std::time::Instant::now();
    while db.conn().and_then(|mut c| Ok(diesel::sql_query("SELECT 1").execute(&mut *c)?)).is_err() {
        assert!(start.elapsed().as_secs() < 30, "PostgreSQL came back");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    for (person, response, result) in &outcomes {
        let (n, done) = stored(&db, *response);
        match result {
            Ok(_) => assert_eq!((n, done), (expected, true), "an acknowledged submission is stored whole"),
            Err(_) => {
                assert!(n == 0 || n == expected, "never half a submission: {n} of {expected}");
                let mut c = db.conn().unwrap();
                let again = submit_form(&mut c, *person, *response, "student_diary", DIARY, now()).unwrap();
                assert_eq!(again == Saved::AlreadyCompleted, n == expected, "a resubmit stores what was missing");
                assert_eq!(stored(&db, *response), (expected, true), "and then it is all there, once");
            }
        }
    }
}

#[test]
fn a_full_disk_under_sqlite_is_a_clear_error_and_leaves_the_file_whole() {
    let t = TestDb::sqlite();
    let work = study(&t.db, 30);
    let mut conn = t.db.conn().unwrap();
    // SQLite reports a full disk as SQLITE_FULL; capping the file at its current size gives
    // exactly that error without filling the machine's disk.
    #[derive(QueryableByName)]
    struct Pages {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        page_count: i64,
    }
    let pages: Pages = diesel::sql_query("PRAGMA page_count").get_result(&mut *conn).unwrap();
    diesel::sql_query(format!("PRAGMA max_page_count = {}", pages.page_count)).execute(&mut *conn).unwrap();
    let mut full = None;
    for (person, response) in &work {
        match submit_form(&mut conn, *person, *response, "student_diary", DIARY, now()) {
            Ok(_) => {}
            Err(e) => {
                full = Some((*response, e.to_string()));
                break;
            }
        }
    }
    let (response, error) = full.expect("the file filled up");
    assert!(error.contains("full"), "the error says the disk is full: {error}");
    drop(conn);
    assert_eq!(stored(&t.db, response), (0, false), "nothing of the refused submission was kept");
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let fresh = Database::open(&t.url, 1).unwrap();
    let check: Check = diesel::sql_query("PRAGMA integrity_check").get_result(&mut *fresh.conn().unwrap()).unwrap();
    assert_eq!(check.integrity_check, "ok");
    // With room again the same submission goes through.
    let (person, _) = work.iter().find(|w| w.1 == response).unwrap();
    submit_form(&mut fresh.conn().unwrap(), *person, response, "student_diary", DIARY, now()).unwrap();
    assert!(stored(&fresh, response).1);
}
