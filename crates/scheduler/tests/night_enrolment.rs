//! Someone enrolled after a window opened is invited at once, but never at night: a student
//! enrolled (or imported) at 03:11 gets the SMS for their open intake at 09:00, one enrolled in
//! the afternoon straight away. Planned on both databases.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;
use diesel::prelude::*;
use koers_core::people::Role;
use koers_scheduler::plan::plan;
use koers_store::definitions::store_protocol;
use koers_store::people::{insert_subscription, NewSubscription};
use koers_store::schema::invitations;
use koers_store::studies::from_db;
use koers_store::testing::{seed_person, seed_study, TestDb};

const INTAKE: &str = "name: intake_only\nrole: student\nduration_weeks: 10\nmeasurements:\n  - {key: intake, questionnaire: student_intake, open_from_start: 0h, open_duration: 7d}\n";

fn local(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Amsterdam.with_ymd_and_hms(2026, 9, d, h, m, 0).unwrap().with_timezone(&Utc)
}

#[test]
fn an_enrolment_at_night_is_announced_in_the_morning_and_one_by_day_at_once() {
    for (backend, t) in TestDb::both() {
        // The intake opens Monday 7 September at midnight; the coordinator enrols on Thursday.
        let starts = local(7, 0, 0);
        let (at, protocol) =
            t.db.write(|c| -> Result<_, koers_store::StoreError> {
                let at = seed_study(c, "s", starts)?;
                let protocol =
                    store_protocol(c, at.study_id, "intake_only", Some("student"), INTAKE, None, starts)?.id();
                Ok((at, protocol))
            })
            .unwrap();
        let enrol = |name: &str, phone: &str, now: DateTime<Utc>| {
            t.db.write(|c| -> Result<i64, koers_store::StoreError> {
                let p = seed_person(c, at, Role::Student, name, phone, None, now)?;
                let sub = NewSubscription {
                    person_id: p,
                    protocol_id: protocol,
                    filling_out_for: None,
                    starts_at: starts,
                    ends_at: None,
                };
                insert_subscription(c, &sub, now)?;
                Ok(p)
            })
            .unwrap()
        };
        let night = local(10, 3, 11);
        let sam = enrol("Sam", "+31612345678", night);
        plan(&t.db, night, None).unwrap();
        let afternoon = local(10, 14, 5);
        let noor = enrol("Noor", "+31612345679", afternoon);
        plan(&t.db, afternoon, None).unwrap();

        let mut c = t.db.conn().unwrap();
        let due = |c: &mut koers_store::DbConnection, person: i64| -> Vec<DateTime<Utc>> {
            let rows: Vec<chrono::NaiveDateTime> = invitations::table
                .filter(invitations::person_id.eq(person))
                .filter(invitations::kind.eq("invite"))
                .select(invitations::due_at)
                .load(&mut *c)
                .unwrap();
            rows.into_iter().map(from_db).collect()
        };
        assert_eq!(due(&mut c, sam), vec![local(10, 9, 0)], "{backend}: enrolled at 03:11, invited at 09:00");
        assert_eq!(due(&mut c, noor), vec![afternoon], "{backend}: enrolled at 14:05, invited at once");
    }
}
