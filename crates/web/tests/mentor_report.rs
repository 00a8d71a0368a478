//! What a mentor's diary reports is acted on when it is stored: "I stopped guiding this student"
//! ends that pair and the mentor's diary about the student, "the student quit" records the
//! outcome; the student's own diary goes on either way (SQLite and PostgreSQL).

use actix_web::http::StatusCode;
use diesel::prelude::*;
use koers_store::schema::{pairs, people, responses, subscriptions};
use koers_store::shipped;
use koers_store::testing::TestDb;
use study_support::{csrf, link, person, study, thursday, visitor};

mod study_support;

#[actix_web::test]
async fn a_mentor_who_stops_guiding_a_student_who_quit_ends_the_pair_and_the_student_goes_on_on_both_databases() {
    for (name, t) in TestDb::both() {
        let db = &t.db;
        study(db, "vsv", 1, (shipped::questionnaires(), shipped::protocols()));
        koers_scheduler::plan::plan(db, thursday(), None).unwrap();
        let (sanne, joris) = (person(db, "+31612345601"), person(db, "+31612345701"));

        let mut v = visitor(db).await;
        let (_, _, to) = v.get(&link(db, joris, thursday())).await;
        let (_, page, _) = v.get(&to.unwrap()).await;
        let token = csrf(&page);
        v.post("/p/toestemming", &[("csrf", &token), ("consent_agree", "agree"), ("share_contact", "yes")]).await;
        let diary: i64 = responses::table
            .inner_join(subscriptions::table)
            .filter(subscriptions::person_id.eq(joris).and(subscriptions::filling_out_for_id.eq(sanne)))
            .filter(responses::measurement_key.eq("diary"))
            .filter(responses::open_at.le(koers_store::studies::to_db(thursday())))
            .order(responses::open_at.desc())
            .select(responses::id)
            .first(&mut *db.conn().unwrap())
            .unwrap();
        let uri = format!("/p/r/{diary}");
        let (_, page, _) = v.get(&uri).await;
        let token = csrf(&page);
        let (status, body, _) = v
            .post(
                &uri,
                &[
                    ("csrf", &token),
                    ("contact", "yes"),
                    ("stopped_guiding", "yes"),
                    ("stopped_guiding_why", "handed_over"),
                    ("student_stopped", "yes"),
                    ("stop_date", "2026-11-20"),
                    ("stop_next", "work"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{name}: {body}");

        let mut c = db.conn().unwrap();
        let (kind, date, next, ended): (Option<String>, Option<chrono::NaiveDate>, Option<String>, Option<_>) =
            people::table
                .find(sanne)
                .select((people::dropout_type, people::dropout_date, people::dropout_next, people::ended_at))
                .first::<(_, _, _, Option<chrono::NaiveDateTime>)>(&mut *c)
                .unwrap();
        assert_eq!(kind.as_deref(), Some("school_leaver"), "{name}: the mentor's report is an outcome");
        assert_eq!(date, chrono::NaiveDate::from_ymd_opt(2026, 11, 20));
        assert_eq!(next.as_deref(), Some("work"));
        assert!(ended.is_none(), "{name}: the student's participation goes on");
        let own: Vec<String> = subscriptions::table
            .filter(subscriptions::person_id.eq(sanne))
            .select(subscriptions::state)
            .load(&mut *c)
            .unwrap();
        assert_eq!(own, ["active"], "{name}: the student's diary keeps coming");
        let about: Vec<(String, Option<String>)> = subscriptions::table
            .filter(subscriptions::person_id.eq(joris).and(subscriptions::filling_out_for_id.eq(sanne)))
            .select((subscriptions::state, subscriptions::end_reason))
            .load(&mut *c)
            .unwrap();
        assert_eq!(about, [("stopped".to_string(), Some("mentor_stopped".to_string()))], "{name}");
        let pair: Vec<Option<String>> = pairs::table
            .filter(pairs::student_id.eq(sanne).and(pairs::mentor_id.eq(joris)))
            .select(pairs::end_reason)
            .load(&mut *c)
            .unwrap();
        assert_eq!(pair, [Some("mentor_stopped".to_string())], "{name}: the pair ended");
    }
}
