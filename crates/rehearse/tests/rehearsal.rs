//! A whole study lived through on each database: every life-course check holds, the exports
//! match what was submitted, the same seed gives the same study, and the rehearsal can be
//! deleted whole, leaving a real study beside it untouched.

use chrono::{TimeZone, Utc};
use koers_core::clock::{Clock, FixedClock};
use koers_core::settings::Settings;
use koers_rehearse::{rehearse, Options, Report, Setup};
use koers_store::testing::TestDb;
use koers_store::{ops, studies, study_delete, Database};
use std::sync::Arc;

const SECRET: &[u8] = b"rehearsal-test-secret-rehearsal-test";

fn run(db: &Database, seed: u64, out: Option<std::path::PathBuf>) -> Report {
    let settings = Settings { base_url: "https://koers.example".into(), ..Settings::default() };
    let setup = Setup {
        db: db.clone(),
        settings,
        secret: SECRET.to_vec(),
        real_clock: Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap())) as Arc<dyn Clock>,
    };
    let opts = Options { out, ..Options::new(16, 4, 6, seed) };
    actix_web::rt::System::new().block_on(rehearse(setup, opts, &mut |_| {})).expect("the rehearsal runs")
}

fn assert_checks(backend: &str, r: &Report) {
    let failed: Vec<String> = r.checks.iter().filter(|c| !c.ok).map(|c| format!("{}: {}", c.name, c.detail)).collect();
    assert!(failed.is_empty(), "{backend}: {failed:#?}");
    assert!(r.truth.len() > 50, "{backend}: only {} responses", r.truth.len());
}

fn life_course_holds_and_exports_match(t: TestDb, backend: &str) {
    let dir = tempfile::tempdir().unwrap();
    let report = run(&t.db, 7, Some(dir.path().to_path_buf()));
    assert_checks(backend, &report);
    let truth = std::fs::read_to_string(dir.path().join("truth.csv")).unwrap();
    assert_eq!(truth.lines().count(), report.truth.len() + 1, "{backend}: one truth row per response");
    let people = std::fs::read_to_string(dir.path().join("people.csv")).unwrap();
    assert!(people.lines().any(|l| l.ends_with(",student,falling_dropout")), "{backend}: {people}");
}

#[test]
fn life_course_holds_and_exports_match_sqlite() {
    life_course_holds_and_exports_match(TestDb::sqlite(), "sqlite");
}

#[test]
fn life_course_holds_and_exports_match_postgres() {
    life_course_holds_and_exports_match(TestDb::postgres(), "postgres");
}

#[test]
fn the_same_seed_gives_the_same_study_and_a_rehearsal_is_deleted_whole() {
    let (a, b) = (TestDb::sqlite(), TestDb::sqlite());
    // A real study next to the rehearsal, which deleting the rehearsal must not touch.
    let now = Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap();
    koers_store::testing::seed_two_schools(&mut b.db.conn().unwrap(), now).unwrap();
    let before = b.db.read(ops::row_counts).unwrap();

    let first = run(&a.db, 11, None);
    let second = run(&b.db, 11, None);
    let mut x = first.truth.clone();
    let mut y = second.truth.clone();
    x.sort();
    y.sort();
    assert_eq!(x.len(), y.len());
    // Person ids differ between the two databases (one holds a real study too), so compare what
    // does not name anyone: questionnaires, weeks and patterns, row for row.
    let strip = |v: &[koers_rehearse::TruthRow]| -> Vec<(String, String, String)> {
        let mut v: Vec<_> =
            v.iter().map(|t| (t.questionnaire.clone(), t.calendar_week.clone(), t.pattern.clone())).collect();
        v.sort();
        v
    };
    assert_eq!(strip(&x), strip(&y), "same seed, same study");

    let study = b.db.read(|c| studies::find_study(c, &second.study)).unwrap().unwrap();
    b.db.write(|c| study_delete::delete_test_study(c, &study)).unwrap();
    let after = b.db.read(ops::row_counts).unwrap();
    for (b, a) in before.iter().zip(&after) {
        // The rehearsal's coordinator account (and its staff session) and the audit log stay.
        if ["audit_log", "staff_accounts", "web_sessions", "questionnaires"].contains(&b.table.as_str()) {
            continue;
        }
        assert_eq!(b.rows, a.rows, "{}: the rehearsal left rows behind", b.table);
    }
}

/// The early-warning rules on a rehearsed cohort (the cohort of `koers rehearse --students 60
/// --mentors 15 --weeks 16 --seed 11` over 12 weeks instead of 16, for time; the full one is
/// measured by hand): most falling-then-dropout
/// students are flagged before their dropout week, hardly any steady one ever.
#[test]
fn early_warnings_catch_falling_students_before_they_leave_and_spare_steady_ones_sqlite() {
    let t = TestDb::sqlite();
    let settings = Settings { base_url: "https://koers.example".into(), ..Settings::default() };
    let setup = Setup {
        db: t.db.clone(),
        settings,
        secret: SECRET.to_vec(),
        real_clock: Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap())) as Arc<dyn Clock>,
    };
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { feedback: true, out: Some(dir.path().to_path_buf()), ..Options::new(60, 15, 12, 11) };
    let report = actix_web::rt::System::new().block_on(rehearse(setup, opts, &mut |_| {})).expect("the rehearsal runs");
    assert_checks("sqlite", &report);
    let f = report.feedback.expect("feedback was asked for");
    assert!(f.falling >= 3 && f.steady >= 8, "{f:?}");
    assert!(
        f.caught_share() >= 0.8,
        "only {} of {} falling students flagged before dropout: {:#?}",
        f.falling_caught,
        f.falling,
        f.flags
    );
    assert!(
        f.false_alarm_share() <= 0.1,
        "{} of {} steady students flagged: {:#?}",
        f.steady_flagged,
        f.steady,
        f.flags
    );
    let csv = std::fs::read_to_string(dir.path().join("feedback.csv")).unwrap();
    assert_eq!(csv.lines().count(), f.flags.len() + 1);
    assert!(csv.lines().any(|l| l.contains(",falling_dropout,") && l.contains(",yes,")), "{csv}");
    // The students answered the feedback consent page (yes or no per question), and mentors
    // were shown warnings about those who agreed, each one recorded for the export.
    let study = report.study_id;
    let answered = t.db.read(|c| kinds_given(c, study, koers_store::participation::CONSENT_FEEDBACK_ANSWERED)).unwrap();
    let agreed = t.db.read(|c| kinds_given(c, study, koers_store::participation::CONSENT_FEEDBACK_WARNINGS)).unwrap();
    assert!(answered >= 50 && agreed > 0 && agreed < answered, "{answered} answered, {agreed} agreed to warnings");
    let shown = t.db.read(|c| koers_store::feedback::shown_of_study(c, study)).unwrap();
    assert!(shown.iter().any(|s| s.kind == "warning"), "no warning was shown to a mentor");
}

/// How many people of the study have a consent of this kind.
fn kinds_given(c: &mut koers_store::DbConnection, study: i64, kind: &str) -> Result<usize, koers_store::StoreError> {
    let mut n = 0;
    for p in koers_store::people::people_of_study(c, study)? {
        n += usize::from(koers_store::participation::has_consent(c, p.id, kind)?);
    }
    Ok(n)
}
