//! A test-mode study's clock, on both databases: it moves only in test mode, never back over
//! data, atomically, and the database itself refuses an offset on a real study.

use chrono::{TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use koers_store::schema::studies;
use koers_store::studies::{ensure_study, NewStudy, Study};
use koers_store::testing::{diary_window, seed_person, seed_study, seed_subscription, TestDb};
use koers_store::{schedule, study_clock, StoreError};

fn study(db: &koers_store::Database, key: &str, test_mode: bool) -> Study {
    let now = Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap();
    db.write(|c| {
        ensure_study(
            c,
            &NewStudy { key, name: key, time_zone: "Europe/Amsterdam", default_locale: "nl", test_mode },
            now,
        )
    })
    .unwrap()
}

fn each_backend(check: impl Fn(&str, &TestDb)) {
    for (backend, t) in TestDb::both() {
        check(backend, &t);
    }
}

#[test]
fn a_test_study_clock_is_set_and_advanced_and_read_back_by_every_reader() {
    each_backend(|backend, t| {
        let real = Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap();
        let s = study(&t.db, "rehearsal", true);
        let to = Utc.with_ymd_and_hms(2027, 3, 4, 11, 0, 0).unwrap();
        let c = t.db.write(|c| study_clock::set(c, &s, to, real)).unwrap();
        assert_eq!(c.at(real), to, "{backend}");
        let c = t.db.write(|c| study_clock::advance(c, &s, TimeDelta::hours(30))).unwrap();
        assert_eq!(c.at(real), to + TimeDelta::hours(30), "{backend}");
        // A fresh read (as another instance would do) sees the same clock.
        let read = t.db.read(|c| study_clock::of_study(c, s.id)).unwrap();
        assert_eq!(read.at(real), to + TimeDelta::hours(30), "{backend}");
        let listed = t.db.read(schedule::study_clocks).unwrap();
        assert_eq!(listed.iter().find(|r| r.study_id == s.id).unwrap().clock, read, "{backend}");
    });
}

#[test]
fn a_real_study_clock_cannot_be_moved_by_koers_or_by_hand() {
    each_backend(|backend, t| {
        let real = Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap();
        let s = study(&t.db, "real", false);
        let err = t.db.write(|c| study_clock::set(c, &s, real + TimeDelta::weeks(1), real)).unwrap_err();
        assert!(matches!(err, StoreError::Invalid(ref m) if m.contains("not in test mode")), "{backend}: {err}");
        let err = t.db.write(|c| study_clock::advance(c, &s, TimeDelta::weeks(1))).unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{backend}: {err}");
        // The database holds the rule too, whatever code writes to it.
        let by_hand = diesel::update(studies::table.find(s.id))
            .set(studies::clock_offset_micros.eq(1_000_000i64))
            .execute(&mut *t.db.conn().unwrap());
        assert!(by_hand.is_err(), "{backend}: the CHECK refuses an offset on a real study");
        assert_eq!(t.db.read(|c| study_clock::of_study(c, s.id)).unwrap().offset, TimeDelta::zero(), "{backend}");
    });
}

#[test]
fn once_a_study_holds_data_its_clock_only_moves_forward() {
    each_backend(|backend, t| {
        let real = Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap();
        let s = study(&t.db, "rehearsal", true);
        let start = Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0).unwrap();
        // Before anything happened, it may be set back (a rehearsal starting earlier).
        t.db.write(|c| study_clock::set(c, &s, start + TimeDelta::weeks(2), real)).unwrap();
        t.db.write(|c| study_clock::set(c, &s, start, real)).unwrap();
        // A window planned for someone is data.
        let mut c = t.db.conn().unwrap();
        let at = seed_study(&mut c, "rehearsal", real).unwrap();
        let person =
            seed_person(&mut c, at, koers_core::people::Role::Student, "Sanne", "+31612345678", None, real).unwrap();
        let protocol =
            koers_store::definitions::store_protocol(&mut c, at.study_id, "p", None, "name: p\n", None, real)
                .unwrap()
                .id();
        let sub = seed_subscription(&mut c, person, protocol, None, start).unwrap();
        schedule::ensure_response(&mut c, sub, &diary_window(1, start + TimeDelta::days(3)), start).unwrap();
        drop(c);
        let err = t.db.write(|c| study_clock::set(c, &s, start - TimeDelta::days(1), real)).unwrap_err();
        assert!(matches!(err, StoreError::Invalid(ref m) if m.contains("cannot go back")), "{backend}: {err}");
        t.db.write(|c| study_clock::set(c, &s, start + TimeDelta::days(1), real)).unwrap();
        let err = t.db.write(|c| study_clock::advance(c, &s, TimeDelta::hours(-1))).unwrap_err();
        assert!(matches!(err, StoreError::Invalid(ref m) if m.contains("forward")), "{backend}: {err}");
    });
}
