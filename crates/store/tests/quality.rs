//! The data quality of people's diaries, read from real databases: only diary measurements,
//! only sliders, per-student series for mentors, thresholds from the study's settings, and
//! people read page by page.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::people::Role;
use koers_store::schema::{answers, responses, studies};
use koers_store::studies::to_db;
use koers_store::testing::{seed_person, seed_study, Seeded, TestDb};
use koers_store::{definitions, people, quality, DbConnection};

const DIARY: &str = "key: qdiary\nquestions:\n\
  - {id: mood, type: range}\n\
  - {id: hours, type: range, min: 0, max: 40}\n\
  - {id: note, type: textarea}\n";

const PROTOCOL: &str = "name: qstudent\nrole: student\nduration_weeks: 35\nmeasurements:\n\
  - {key: intake, questionnaire: qdiary, open_from_start: 0h, open_duration: 7d}\n\
  - {key: diary, questionnaire: qdiary, weekday: thursday, time: \"12:00\", period: weekly, open_duration: 30h}\n";

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 3, 10, 0, 0).unwrap()
}

struct Setup {
    at: Seeded,
    protocol: i64,
    questionnaire: i64,
}

fn setup(c: &mut DbConnection) -> Setup {
    let at = seed_study(c, "q", start()).unwrap();
    let questionnaire =
        definitions::store_questionnaire(c, at.study_id, "qdiary", None, DIARY, None, start()).unwrap().id();
    let protocol =
        definitions::store_protocol(c, at.study_id, "qstudent", Some("student"), PROTOCOL, None, start()).unwrap().id();
    Setup { at, protocol, questionnaire }
}

fn subscribe(c: &mut DbConnection, s: &Setup, person: i64, about: Option<i64>) -> i64 {
    people::insert_subscription(
        c,
        &people::NewSubscription {
            person_id: person,
            protocol_id: s.protocol,
            filling_out_for: about,
            starts_at: start(),
            ends_at: None,
        },
        start(),
    )
    .unwrap()
}

/// A completed response in week `week` (0-based) that took `seconds`, with its answers:
/// (stored item key, about whom, number or untouched).
fn respond(
    c: &mut DbConnection,
    s: &Setup,
    subscription: i64,
    measurement: &str,
    week: i64,
    seconds: i64,
    given: &[(&str, Option<i64>, Option<f64>)],
) {
    let open = start() + TimeDelta::weeks(week);
    let started = open + TimeDelta::hours(1);
    let id: i64 = diesel::insert_into(responses::table)
        .values((
            responses::subscription_id.eq(subscription),
            responses::measurement_key.eq(measurement),
            responses::occurrence.eq(week as i32),
            responses::questionnaire_key.eq("qdiary"),
            responses::questionnaire_id.eq(Some(s.questionnaire)),
            responses::open_at.eq(to_db(open)),
            responses::close_at.eq(to_db(open + TimeDelta::hours(30))),
            responses::opened_at.eq(Some(to_db(started - TimeDelta::minutes(5)))),
            responses::started_at.eq(Some(to_db(started))),
            responses::completed_at.eq(Some(to_db(started + TimeDelta::seconds(seconds)))),
            responses::created_at.eq(to_db(open)),
        ))
        .returning(responses::id)
        .get_result(c)
        .unwrap();
    for (key, about, value) in given {
        let kind = if value.is_some() { "number" } else { "not_answered" };
        diesel::insert_into(answers::table)
            .values((
                answers::response_id.eq(id),
                answers::item_id.eq(*key),
                answers::about_person_id.eq(*about),
                answers::value_kind.eq(kind),
                answers::value_number.eq(*value),
            ))
            .execute(c)
            .unwrap();
    }
    // A text answer is never a slider.
    diesel::insert_into(answers::table)
        .values((
            answers::response_id.eq(id),
            answers::item_id.eq("note"),
            answers::value_kind.eq("text"),
            answers::value_text.eq(Some("50")),
        ))
        .execute(c)
        .unwrap();
}

#[test]
fn diaries_give_figures_and_flags_per_person_on_both_databases() {
    for (backend, t) in TestDb::both() {
        let mut conn = t.db.conn().unwrap();
        let c = &mut *conn;
        let s = setup(c);
        let person = |c: &mut DbConnection, name: &str, phone: &str, role: Role| {
            seed_person(c, s.at, role, name, phone, None, start()).unwrap()
        };
        let middle = person(c, "Midden", "+31612000001", Role::Student);
        let varied = person(c, "Varia", "+31612000002", Role::Student);
        let short = person(c, "Kort", "+31612000003", Role::Student);
        let intake_only = person(c, "Intake", "+31612000004", Role::Student);
        let mentor = person(c, "Mentor", "+31612000005", Role::Mentor);

        let sub = subscribe(c, &s, middle, None);
        // The intake is no diary: its far-from-middle answers do not count.
        respond(c, &s, sub, "intake", 0, 600, &[("mood", None, Some(0.0)), ("hours", None, Some(40.0))]);
        for week in 1..=3 {
            respond(c, &s, sub, "diary", week, 90, &[("mood", None, Some(50.0)), ("hours", None, Some(20.0))]);
        }
        let sub = subscribe(c, &s, varied, None);
        for (week, (mood, hours)) in [(10.0, Some(0.0)), (30.0, None), (20.0, Some(40.0))].into_iter().enumerate() {
            respond(c, &s, sub, "diary", week as i64 + 1, 8, &[("mood", None, Some(mood)), ("hours", None, hours)]);
        }
        let sub = subscribe(c, &s, short, None);
        for week in 1..=2 {
            respond(c, &s, sub, "diary", week, 5, &[("mood", None, Some(50.0))]);
        }
        let sub = subscribe(c, &s, intake_only, None);
        respond(c, &s, sub, "intake", 0, 5, &[("mood", None, Some(50.0))]);
        // A mentor's slider about a student is a series of its own, found under its suffix.
        let sub = subscribe(c, &s, mentor, Some(middle));
        let key = format!("mood_s{middle}");
        for (week, v) in [10.0, 90.0, 10.0].into_iter().enumerate() {
            respond(c, &s, sub, "diary", week as i64 + 1, 60, &[(key.as_str(), Some(middle), Some(v))]);
        }

        let found = quality::per_person(c, s.at.study_id).unwrap();
        let ids: Vec<i64> = found.keys().copied().collect();
        assert_eq!(ids, vec![middle, varied, short, mentor], "{backend}: people with a diary, by id");
        let of = |id: i64| found[&id].clone();

        let m = of(middle);
        assert_eq!(m.diaries, 3, "{backend}");
        assert!(m.middle_flag && !m.fast_flag, "{backend}: {m:?}");
        assert_eq!(m.mssd, Some(0.0));
        assert_eq!(m.untouched_share, Some(0.0));
        assert_eq!(m.median_seconds, Some(90.0));

        let v = of(varied);
        assert!(!v.middle_flag && v.fast_flag, "{backend}: {v:?}");
        // mood 10, 30, 20: (400 + 100) / 2 = 250; hours 0 then 100 (on 0-100): 10000; averaged.
        assert_eq!(v.mssd, Some((250.0 + 10_000.0) / 2.0), "{backend}");
        assert_eq!(v.untouched_share, Some(1.0 / 6.0));

        let k = of(short);
        assert_eq!(k.diaries, 2);
        assert!(!k.middle_flag && !k.fast_flag, "{backend}: too few diaries to flag");

        let mt = of(mentor);
        assert_eq!(mt.mssd, Some(6400.0), "{backend}");
        assert_eq!(mt.median_seconds, Some(60.0));
        assert!(!mt.middle_flag);

        // A study can move the thresholds in its settings.
        diesel::update(studies::table.find(s.at.study_id))
            .set(studies::settings.eq(r#"{"quality": {"fast_seconds": 5, "middle_share": 1.0}}"#))
            .execute(c)
            .unwrap();
        let again = quality::per_person(c, s.at.study_id).unwrap();
        let v = &again[&varied];
        assert!(!v.fast_flag, "{backend}: 8 s is not below 5 s");
        assert!(again[&middle].middle_flag);
        // Settings that cannot be read fall back to the defaults instead of failing.
        diesel::update(studies::table.find(s.at.study_id)).set(studies::settings.eq("{not json")).execute(c).unwrap();
        let fallback = quality::per_person(c, s.at.study_id).unwrap();
        assert!(fallback[&varied].fast_flag, "{backend}");
    }
}

#[test]
fn people_are_read_page_by_page_and_none_is_lost() {
    for (backend, t) in TestDb::both() {
        let s = t.db.write(|c| -> koers_store::error::StoreResult<Setup> { Ok(setup(c)) }).unwrap();
        let count = 230;
        t.db.write(|c| -> koers_store::error::StoreResult<()> {
            for i in 0..count {
                let p = seed_person(c, s.at, Role::Student, "P", &format!("+3161300{i:04}"), None, start())?;
                let sub = subscribe(c, &s, p, None);
                for week in 1..=3 {
                    respond(c, &s, sub, "diary", week, 100, &[("mood", None, Some(20.0 * week as f64))]);
                }
            }
            Ok(())
        })
        .unwrap();
        let found = quality::per_person(&mut t.db.conn().unwrap(), s.at.study_id).unwrap();
        assert_eq!(found.len(), count, "{backend}");
        assert!(found.values().all(|q| q.diaries == 3 && q.mssd == Some(400.0)), "{backend}");
    }
}

#[test]
fn a_study_without_diaries_has_no_figures() {
    for (backend, t) in TestDb::both() {
        let mut conn = t.db.conn().unwrap();
        let at = seed_study(&mut conn, "leeg", start()).unwrap();
        assert!(quality::per_person(&mut conn, at.study_id).unwrap().is_empty(), "{backend}");
    }
}
