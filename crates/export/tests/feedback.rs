//! Feedback to mentors on real databases: the gate (study setting, the student's own consent of
//! that kind, a current pair) and the `feedback` export of everything shown.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use koers_core::feedback::Feedback;
use koers_core::people::Role;
use koers_core::study_settings::SettingsSection;
use koers_export::{export, pseudonym, pseudonym_key, Format, Kind, Request};
use koers_store::feedback::{record_shown, shown_to_mentor, Shown, ShownRow};
use koers_store::participation::{
    record_consent, CONSENT_FEEDBACK_SUPPORT, CONSENT_FEEDBACK_TRENDS, CONSENT_FEEDBACK_WARNINGS, CONSENT_PARTICIPANT,
};
use koers_store::studies::set_settings_section;
use koers_store::testing::{seed_named_person, seed_two_schools, TestDb};
use koers_store::{people, Database};

const SECRET: &[u8] = b"feedback-test-secret-feedback-test";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 15, 12, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    now().date_naive()
}

struct World {
    study: i64,
    student: i64,
    mentor: i64,
    other_mentor: i64,
}

fn world(db: &Database) -> World {
    db.write(|c| -> Result<World, koers_store::StoreError> {
        let s = seed_two_schools(c, now())?;
        let student =
            seed_named_person(c, s.study_id, s.team_noord, Role::Student, "Sanne", "B", "+31612400001", now())?;
        let mentor = seed_named_person(c, s.study_id, s.team_noord, Role::Mentor, "Ravi", "D", "+31612500001", now())?;
        let other_mentor =
            seed_named_person(c, s.study_id, s.team_noord, Role::Mentor, "Iris", "K", "+31612500002", now())?;
        people::insert_pair(c, student, mentor, today() - chrono::TimeDelta::days(30), now())?;
        record_consent(c, student, CONSENT_PARTICIPANT, "v1", now())?;
        Ok(World { study: s.study_id, student, mentor, other_mentor })
    })
    .unwrap()
}

fn shown(db: &Database, w: &World, mentor: i64) -> Shown {
    db.read(|c| shown_to_mentor(c, mentor, w.student, today())).unwrap()
}

fn nothing_is_shown_without_both_setting_and_consent(t: TestDb, backend: &str) {
    let w = world(&t.db);
    assert_eq!(shown(&t.db, &w, w.mentor), Shown::default(), "{backend}: off by default");
    let on = Feedback { trends: true, support_match: true, warnings: true, ..Feedback::default() };
    t.db.write(|c| set_settings_section(c, w.study, &SettingsSection::Feedback(on.clone()))).unwrap();
    assert_eq!(shown(&t.db, &w, w.mentor), Shown::default(), "{backend}: on, but the student did not agree");
    t.db.write(|c| record_consent(c, w.student, CONSENT_FEEDBACK_TRENDS, "v2", now())).unwrap();
    assert_eq!(shown(&t.db, &w, w.mentor), Shown { trends: true, ..Shown::default() }, "{backend}: trends only");
    t.db.write(|c| record_consent(c, w.student, CONSENT_FEEDBACK_SUPPORT, "v2", now())).unwrap();
    t.db.write(|c| record_consent(c, w.student, CONSENT_FEEDBACK_WARNINGS, "v2", now())).unwrap();
    assert_eq!(shown(&t.db, &w, w.mentor), Shown { trends: true, support_match: true, warnings: true }, "{backend}");
    assert_eq!(shown(&t.db, &w, w.other_mentor), Shown::default(), "{backend}: not their student");
    // The study switches warnings off again: the consent alone shows nothing.
    t.db.write(|c| {
        set_settings_section(c, w.study, &SettingsSection::Feedback(Feedback { warnings: false, ..on.clone() }))
    })
    .unwrap();
    assert!(!shown(&t.db, &w, w.mentor).warnings, "{backend}");
}

#[test]
fn nothing_is_shown_without_both_setting_and_consent_sqlite() {
    nothing_is_shown_without_both_setting_and_consent(TestDb::sqlite(), "sqlite");
}

#[test]
fn nothing_is_shown_without_both_setting_and_consent_postgres() {
    nothing_is_shown_without_both_setting_and_consent(TestDb::postgres(), "postgres");
}

fn every_showing_is_exported(t: TestDb, backend: &str) {
    let w = world(&t.db);
    let rows = vec![
        ShownRow {
            kind: "view",
            about: w.student,
            to_person: Some(w.mentor),
            to_staff: None,
            rule: None,
            construct: None,
            calendar_week: "2026-W42".into(),
            shown_at: now(),
        },
        ShownRow {
            kind: "warning",
            about: w.student,
            to_person: Some(w.mentor),
            to_staff: None,
            rule: Some("sustained_fall".into()),
            construct: Some("commitment".into()),
            calendar_week: "2026-W42".into(),
            shown_at: now(),
        },
    ];
    t.db.write(|c| record_shown(c, w.study, &rows)).unwrap();
    let key = pseudonym_key(SECRET);
    let req = Request {
        kind: Kind::Feedback,
        study_id: w.study,
        format: Format::Csv,
        pseudonym_key: key.clone(),
        questionnaire: None,
        now: now(),
        teams: None,
    };
    let mut out = Vec::new();
    export(&mut t.db.conn().unwrap(), &req, &mut out, &mut |_, _| {}).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "kind,about_person,shown_to,rule,construct,calendar_week,shown_at", "{backend}");
    let (student, mentor) = (pseudonym(&key, w.student), pseudonym(&key, w.mentor));
    assert_eq!(lines[1], format!("view,{student},{mentor},,,2026-W42,2026-10-15T12:00:00Z"), "{backend}");
    assert_eq!(
        lines[2],
        format!("warning,{student},{mentor},sustained_fall,commitment,2026-W42,2026-10-15T12:00:00Z"),
        "{backend}"
    );
    assert!(!text.contains("Sanne") && !text.contains("+316"), "{backend}: pseudonymised");
    let mut out = Vec::new();
    let codebook = Request { kind: Kind::Codebook, ..req };
    export(&mut t.db.conn().unwrap(), &codebook, &mut out, &mut |_, _| {}).unwrap();
    let codebook = String::from_utf8(out).unwrap();
    assert!(codebook.lines().any(|l| l.starts_with("feedback,,shown_to,")), "{backend}: {codebook}");
}

#[test]
fn every_showing_is_exported_sqlite() {
    every_showing_is_exported(TestDb::sqlite(), "sqlite");
}

#[test]
fn every_showing_is_exported_postgres() {
    every_showing_is_exported(TestDb::postgres(), "postgres");
}
