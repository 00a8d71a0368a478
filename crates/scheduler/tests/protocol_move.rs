//! A student moved to a lighter protocol from a chosen date, planned day by day over weeks on
//! both databases: the old protocol's windows stop at the date (without its closing
//! questionnaire), the new protocol's start there, and what was answered before keeps its
//! subscription and protocol.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::people::Role;
use koers_scheduler::plan::plan;
use koers_store::definitions::store_protocol;
use koers_store::people::{insert_subscription, NewSubscription};
use koers_store::protocol_move::{move_to_protocol, MovedBy};
use koers_store::schema::{audit_log, responses, subscriptions};
use koers_store::studies::from_db;
use koers_store::testing::{seed_person, seed_study, TestDb};

const WEEKLY: &str = "name: weekly\nrole: student\nduration_weeks: 20\nmeasurements:\n  - {key: diary, questionnaire: student_diary, period: weekly, weekday: thursday, time: '12:00', open_duration: 30h}\n  - {key: closing, questionnaire: student_closing, offset_till_end: 7d, open_duration: 7d}\n";
const AFTERCARE: &str = "name: aftercare\nrole: student\nduration_weeks: 20\nmeasurements:\n  - {key: check_in, questionnaire: student_diary, period: biweekly, weekday: monday, time: '12:00', open_duration: 48h}\n";

#[test]
fn windows_switch_to_the_new_protocol_at_the_chosen_date_and_earlier_ones_keep_theirs() {
    for (backend, t) in TestDb::both() {
        // Monday 7 September 2026, 08:00 in Amsterdam.
        let start = Utc.with_ymd_and_hms(2026, 9, 7, 6, 0, 0).unwrap();
        let student =
            t.db.write(|c| -> Result<i64, koers_store::StoreError> {
                let at = seed_study(c, "s", start)?;
                let weekly = store_protocol(c, at.study_id, "weekly", Some("student"), WEEKLY, None, start)?.id();
                store_protocol(c, at.study_id, "aftercare", Some("student"), AFTERCARE, None, start)?;
                let p = seed_person(c, at, Role::Student, "Sanne", "+31612345678", None, start)?;
                insert_subscription(
                    c,
                    &NewSubscription {
                        person_id: p,
                        protocol_id: weekly,
                        filling_out_for: None,
                        starts_at: start - TimeDelta::hours(8),
                        ends_at: None,
                    },
                    start,
                )?;
                Ok(p)
            })
            .unwrap();
        let tick_until = |from: DateTime<Utc>, until: DateTime<Utc>| {
            let mut now = from;
            while now <= until {
                plan(&t.db, now, None).unwrap();
                now += TimeDelta::hours(6);
            }
        };
        // Three weeks on the weekly diary; then, on Friday 25 September, the coordinator moves
        // Sanne to aftercare from Monday 28 September.
        let friday = Utc.with_ymd_and_hms(2026, 9, 25, 10, 0, 0).unwrap();
        tick_until(start, friday);
        let from = NaiveDate::from_ymd_opt(2026, 9, 28).unwrap();
        let moved =
            t.db.write(|c| {
                move_to_protocol(c, student, "aftercare", from, MovedBy { actor: "cli", staff_id: None }, friday)
            })
            .unwrap();
        let moved_at = Utc.with_ymd_and_hms(2026, 9, 27, 22, 0, 0).unwrap();
        assert_eq!(moved.moved_at, moved_at, "{backend}: midnight of the date in the study's zone");
        let again = t.db.write(|c| {
            move_to_protocol(c, student, "aftercare", from, MovedBy { actor: "cli", staff_id: None }, friday)
        });
        assert!(again.is_err(), "{backend}: already on aftercare");
        let past = NaiveDate::from_ymd_opt(2026, 9, 20).unwrap();
        let refused = t
            .db
            .write(|c| move_to_protocol(c, student, "weekly", past, MovedBy { actor: "cli", staff_id: None }, friday));
        assert!(refused.is_err(), "{backend}: a date in the past is refused");
        tick_until(friday, friday + TimeDelta::weeks(5));

        let mut c = t.db.conn().unwrap();
        let rows: Vec<(i64, String, chrono::NaiveDateTime)> = responses::table
            .inner_join(subscriptions::table)
            .filter(subscriptions::person_id.eq(student))
            .order(responses::open_at)
            .select((responses::subscription_id, responses::measurement_key, responses::open_at))
            .load(&mut *c)
            .unwrap();
        let seen: Vec<(bool, &str, DateTime<Utc>)> =
            rows.iter().map(|(s, m, at)| (*s == moved.new_subscription_id, m.as_str(), from_db(*at))).collect();
        let before: Vec<_> = seen.iter().filter(|(new, _, _)| !new).collect();
        let after: Vec<_> = seen.iter().filter(|(new, _, _)| *new).collect();
        assert_eq!(before.len(), 3, "{backend}: three Thursdays before the move: {seen:?}");
        assert!(before.iter().all(|(_, m, at)| *m == "diary" && *at < moved_at), "{backend}: {seen:?}");
        // Aftercare: every other Monday from 28 September, up to 30 October: 28 Sep, 12 and 26 Oct.
        assert_eq!(after.len(), 3, "{backend}: {seen:?}");
        assert!(after.iter().all(|(_, m, at)| *m == "check_in" && *at >= moved_at), "{backend}: {seen:?}");
        assert!(!seen.iter().any(|(_, m, _)| *m == "closing"), "{backend}: moving is not ending: {seen:?}");

        let old_state: (String, Option<String>) = subscriptions::table
            .find(moved.ended_subscriptions[0])
            .select((subscriptions::state, subscriptions::end_reason))
            .first(&mut *c)
            .unwrap();
        assert_eq!((old_state.0.as_str(), old_state.1.as_deref()), ("completed", Some("moved")), "{backend}");
        let audited: i64 =
            audit_log::table.filter(audit_log::action.eq("person.protocol_move")).count().get_result(&mut *c).unwrap();
        assert_eq!(audited, 1, "{backend}");
    }
}
