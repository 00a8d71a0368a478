//! Retention applied by the scheduler on both databases, on a fixed clock: once a day per study
//! (a day of the study's zone), by one of several instances, audited as the scheduler, and
//! never for a study without a retention period.

use chrono::{DateTime, NaiveDateTime, TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::clock::FixedClock;
use koers_core::people::Role;
use koers_scheduler::{Scheduler, SchedulerConfig};
use koers_store::lifecycle::{self, Actor};
use koers_store::schema::{audit_log, job_runs, people, person_identities, studies};
use koers_store::studies::to_db;
use koers_store::testing::{seed_person, seed_study, Seeded, TestDb};
use koers_store::{jobs, Database, DbConnection};
use std::sync::Arc;

/// Thursday 2026-11-26, 11:00 in Amsterdam.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap()
}

fn scheduler(db: &Database, clock: &FixedClock, worker: &str) -> Scheduler {
    Scheduler {
        db: db.clone(),
        real_clock: Arc::new(clock.clone()),
        test_gateway: Arc::new(koers_messaging::ConsoleGateway::new()),
        gateway: Arc::new(koers_messaging::ConsoleGateway::new()),
        email: None,
        config: SchedulerConfig {
            base_url: "https://koers.example".into(),
            sender: "Koers".into(),
            secret: b"0123456789abcdef0123456789abcdef".to_vec(),
            worker_id: worker.into(),
            messages_per_second: 100,
            max_attempts: 3,
            claim_timeout: TimeDelta::minutes(2),
            throttle: false,
            apply_retention: true,
            only_study: None,
        },
    }
}

/// A person whose participation ended `days_ago` days before now.
fn ended(c: &mut DbConnection, at: Seeded, name: &str, phone: &str, days_ago: i64) -> i64 {
    let id = seed_person(c, at, Role::Student, name, phone, None, now() - TimeDelta::days(500)).unwrap();
    diesel::update(people::table.find(id))
        .set(people::ended_at.eq(to_db(now() - TimeDelta::days(days_ago))))
        .execute(c)
        .unwrap();
    id
}

fn phone(c: &mut DbConnection, person: i64) -> Option<String> {
    person_identities::table.find(person).select(person_identities::mobile_phone).first(c).unwrap()
}

/// (actor, action) of every erasure in the log.
fn erasures(c: &mut DbConnection) -> Vec<(String, Option<i64>, String)> {
    audit_log::table
        .filter(audit_log::action.eq("identifiers.erase"))
        .order(audit_log::id)
        .select((audit_log::actor, audit_log::study_id, audit_log::details))
        .load(c)
        .unwrap()
}

struct World {
    study: i64,
    /// Ended 400 days ago, in the study with 365 days of retention.
    old: i64,
    /// Ended 100 days ago, same study.
    recent: i64,
    /// Ended 400 days ago, in a study without retention.
    elsewhere: i64,
}

fn world(db: &Database) -> World {
    let mut c = db.conn().unwrap();
    let c = &mut *c;
    let at = seed_study(c, "vsv", now()).unwrap();
    let other = seed_study(c, "pilot", now()).unwrap();
    lifecycle::set_retention_days(c, at.study_id, Some(365), Actor::CLI, now()).unwrap();
    World {
        study: at.study_id,
        old: ended(c, at, "Sanne", "+31612345601", 400),
        recent: ended(c, at, "Daan", "+31612345602", 100),
        elsewhere: ended(c, other, "Noor", "+31612345603", 400),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tick_erases_who_ended_past_the_retention_period_once_a_day() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let clock = FixedClock::new(now());
        let s = scheduler(&t.db, &clock, "a");
        let mut c = t.db.conn().unwrap();

        let first = s.tick().await.unwrap();
        assert_eq!((first.retention.studies, first.retention.people_erased), (1, 1), "{backend}: {first:?}");
        assert_eq!(phone(&mut c, w.old), None, "{backend}: ended 400 days ago, retention 365");
        assert_eq!(phone(&mut c, w.recent).as_deref(), Some("+31612345602"), "{backend}: ended 100 days ago");
        assert_eq!(phone(&mut c, w.elsewhere).as_deref(), Some("+31612345603"), "{backend}: no retention there");
        let log = erasures(&mut c);
        assert_eq!(log.len(), 1, "{backend}");
        assert_eq!((log[0].0.as_str(), log[0].1), ("scheduler", Some(w.study)), "{backend}");
        assert!(log[0].2.contains("\"retention_days_after_end\":365") && log[0].2.contains("\"people\":1"));
        let (ok_at, by): (Option<NaiveDateTime>, Option<String>) = job_runs::table
            .find("retention:vsv")
            .select((job_runs::last_ok_at, job_runs::instance))
            .first(&mut c)
            .unwrap();
        assert_eq!((ok_at, by.as_deref()), (Some(to_db(now())), Some("a")), "{backend}");
        let jobs: Vec<String> =
            job_runs::table.filter(job_runs::job.like("retention:%")).select(job_runs::job).load(&mut c).unwrap();
        assert_eq!(jobs, ["retention:vsv"], "{backend}: the study without retention is not even claimed");

        // Later the same day (past the retry hour too), even on another instance: nothing.
        clock.advance(TimeDelta::hours(3));
        for worker in ["a", "b"] {
            let again = scheduler(&t.db, &clock, worker).tick().await.unwrap();
            assert_eq!(again.retention, Default::default(), "{backend}: {worker}");
        }
        assert_eq!(erasures(&mut c).len(), 1, "{backend}: no second audit entry");

        // 00:30 the next day in Amsterdam is still the same day in UTC: the study's day counts.
        clock.set(Utc.with_ymd_and_hms(2026, 11, 26, 23, 30, 0).unwrap());
        let next = s.tick().await.unwrap();
        assert_eq!((next.retention.studies, next.retention.people_erased), (1, 0), "{backend}: {next:?}");
        assert_eq!(erasures(&mut c).len(), 1, "{backend}: a run that erases nobody leaves no audit entry");
        assert_eq!(phone(&mut c, w.elsewhere).as_deref(), Some("+31612345603"), "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_instances_ticking_together_one_applies_retention() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let clock = FixedClock::new(now());
        let (a, b) = (scheduler(&t.db, &clock, "a"), scheduler(&t.db, &clock, "b"));
        let (ra, rb) = tokio::join!(a.tick(), b.tick());
        let (ra, rb) = (ra.unwrap().retention, rb.unwrap().retention);
        assert_eq!(ra.studies + rb.studies, 1, "{backend}: {ra:?} {rb:?}");
        assert_eq!(ra.people_erased + rb.people_erased, 1, "{backend}");
        let mut c = t.db.conn().unwrap();
        assert_eq!(phone(&mut c, w.old), None, "{backend}");
        assert_eq!(erasures(&mut c).len(), 1, "{backend}");

        // The claim itself, while a run is under way (started, not finished): one taker.
        let day = now() - TimeDelta::hours(11);
        assert!(t.db.write(|c| jobs::claim_daily(c, "retention:x", "a", day, now())).unwrap(), "{backend}");
        assert!(!t.db.write(|c| jobs::claim_daily(c, "retention:x", "b", day, now())).unwrap(), "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_retention_setting_is_reported_and_tried_again_an_hour_later() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        diesel::update(studies::table.find(w.study))
            .set(studies::settings.eq(r#"{"retention_days_after_end": "a year"}"#))
            .execute(&mut *t.db.conn().unwrap())
            .unwrap();
        let clock = FixedClock::new(now());
        let s = scheduler(&t.db, &clock, "a");
        let first = s.tick().await.unwrap();
        assert_eq!((first.retention.studies, first.retention.failed), (1, 1), "{backend}: {first:?}");
        let mut c = t.db.conn().unwrap();
        assert_eq!(phone(&mut c, w.old).as_deref(), Some("+31612345601"), "{backend}: nothing erased");
        let health = koers_store::dashboard::sending_health(&mut c, &[], now()).unwrap();
        assert_eq!(
            health.failing_jobs,
            [koers_store::dashboard::FailingJob { job: "retention:vsv".to_string(), last_ok_at: None }],
            "{backend}: the dashboard shows it"
        );

        clock.advance(TimeDelta::minutes(30));
        assert_eq!(s.tick().await.unwrap().retention, Default::default(), "{backend}: not every tick");
        clock.advance(TimeDelta::minutes(31));
        assert_eq!(s.tick().await.unwrap().retention.failed, 1, "{backend}: again after an hour");

        lifecycle::set_retention_days(&mut c, w.study, Some(365), Actor::CLI, now()).unwrap();
        clock.advance(TimeDelta::minutes(61));
        let fixed = s.tick().await.unwrap();
        assert_eq!((fixed.retention.people_erased, fixed.retention.failed), (1, 0), "{backend}: {fixed:?}");
        let health = koers_store::dashboard::sending_health(&mut c, &[], clock_now(&clock)).unwrap();
        assert!(health.failing_jobs.is_empty(), "{backend}: {:?}", health.failing_jobs);
    }
}

fn clock_now(clock: &FixedClock) -> DateTime<Utc> {
    use koers_core::clock::Clock;
    clock.now()
}
