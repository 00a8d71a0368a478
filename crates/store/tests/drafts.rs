//! Drafts of answers, on both databases: kept per response (replaced by the newest), found by
//! the form's token when the cookie is gone, gone with completion or once the window closed,
//! and never among the answers.

use chrono::{TimeDelta, TimeZone, Utc};
use koers_core::clock::StudyClock;
use koers_core::people::Role;
use koers_store::sessions::{self, Subject};
use koers_store::testing::{diary_window, seed_bare_subscription, seed_person, seed_study, TestDb};
use koers_store::{cleanup, drafts, schedule};

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn a_draft_is_kept_per_response_found_by_its_form_and_deleted_once_the_window_closed() {
    for (backend, t) in TestDb::both() {
        let now = Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap();
        let mut c = t.db.conn().unwrap();
        let at = seed_study(&mut c, "s", now).unwrap();
        let person = seed_person(&mut c, at, Role::Student, "Sanne", "+31612345678", None, now).unwrap();
        let sub = seed_bare_subscription(&mut c, at.study_id, person, Role::Student, None, now).unwrap();
        let first = schedule::ensure_response(&mut c, sub, &diary_window(1, now), now).unwrap();
        let second = schedule::ensure_response(&mut c, sub, &diary_window(2, now + TimeDelta::days(7)), now).unwrap();

        drafts::save(&mut c, first, &pairs(&[("went", "yes")]), now).unwrap();
        drafts::save(&mut c, first, &pairs(&[("went", "no"), ("why", "a"), ("why", "b")]), now).unwrap();
        drafts::save(&mut c, second, &pairs(&[("note", "hoi")]), now).unwrap();
        assert_eq!(
            drafts::load(&mut c, first).unwrap(),
            Some(pairs(&[("went", "no"), ("why", "a"), ("why", "b")])),
            "{backend}: the newest draft, in the form's order"
        );
        let huge = vec![("note".to_string(), "x".repeat(1000)); 500];
        drafts::save(&mut c, second, &huge, now).unwrap();
        let kept = drafts::load(&mut c, second).unwrap().unwrap();
        assert!(kept.len() < 500 && kept.len() > 100, "{backend}: a draft is bounded ({} fields)", kept.len());

        let opened =
            sessions::open(&mut c, Subject::Person(person), now + TimeDelta::days(1), now, StudyClock::REAL).unwrap();
        assert_eq!(drafts::owner_of_form(&mut c, &opened.session.csrf_token).unwrap(), Some(person), "{backend}");
        assert_eq!(drafts::owner_of_form(&mut c, "not-a-token-of-anyone").unwrap(), None, "{backend}");
        sessions::revoke(&mut c, opened.session.id, now).unwrap();
        assert_eq!(
            drafts::owner_of_form(&mut c, &opened.session.csrf_token).unwrap(),
            None,
            "{backend}: a revoked session's form keeps nothing"
        );
        let answers: i64 = {
            use diesel::prelude::*;
            koers_store::schema::answers::table.count().get_result(&mut *c).unwrap()
        };
        assert_eq!(answers, 0, "{backend}: drafts are not answers");
        drop(c);

        // The first window closed (30 hours) plus two days' grace; the second is still open.
        let later = now + TimeDelta::days(4);
        let cleaned = cleanup::clean(&t.db, later).unwrap();
        assert_eq!(cleaned.drafts, 1, "{backend}");
        let mut c = t.db.conn().unwrap();
        assert_eq!(drafts::load(&mut c, first).unwrap(), None, "{backend}");
        assert!(drafts::load(&mut c, second).unwrap().is_some(), "{backend}");
    }
}

/// "Same as last week" reads the mentor's last completed diary about the same student, from
/// before this week's opened; nothing when there is none.
#[test]
fn last_weeks_diary_about_a_student_is_found_for_copying() {
    use diesel::prelude::*;
    use koers_store::schema::{answers, responses};
    for (backend, t) in TestDb::both() {
        let now = Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap();
        let mut c = t.db.conn().unwrap();
        let at = seed_study(&mut c, "s", now).unwrap();
        let student = seed_person(&mut c, at, Role::Student, "Daan", "+31612345678", None, now).unwrap();
        let mentor = seed_person(&mut c, at, Role::Mentor, "Joris", "+31612345679", None, now).unwrap();
        let sub = seed_bare_subscription(&mut c, at.study_id, mentor, Role::Mentor, Some(student), now).unwrap();
        let last = schedule::ensure_response(&mut c, sub, &diary_window(1, now), now).unwrap();
        let this = now + TimeDelta::days(7);
        schedule::ensure_response(&mut c, sub, &diary_window(2, this), now).unwrap();
        assert_eq!(drafts::last_completed_about(&mut c, mentor, student, "d", this).unwrap(), None, "{backend}");
        diesel::update(responses::table.find(last))
            .set(responses::completed_at.eq(Some((now + TimeDelta::hours(2)).naive_utc())))
            .execute(&mut *c)
            .unwrap();
        diesel::insert_into(answers::table)
            .values((
                answers::response_id.eq(last),
                answers::item_id.eq("action_description__1"),
                answers::value_kind.eq("text"),
                answers::value_text.eq(Some("Gebeld")),
            ))
            .execute(&mut *c)
            .unwrap();
        let found = drafts::last_completed_about(&mut c, mentor, student, "d", this).unwrap().unwrap();
        assert_eq!(found.len(), 1, "{backend}");
        assert_eq!(
            (found[0].item.as_str(), found[0].text.as_deref()),
            ("action_description__1", Some("Gebeld")),
            "{backend}"
        );
        assert_eq!(
            drafts::last_completed_about(&mut c, mentor, student, "d", now).unwrap(),
            None,
            "{backend}: only before"
        );
        assert_eq!(
            drafts::last_completed_about(&mut c, student, mentor, "d", this).unwrap(),
            None,
            "{backend}: only theirs"
        );
    }
}
