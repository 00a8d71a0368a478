//! An organisation's word for a mentor and a person's own study group, on both databases: the
//! word reaches the participant's pages and the SMS sender, and a group must be one of the
//! study's.

use chrono::{TimeZone, Utc};
use diesel::prelude::*;
use koers_core::people::Role;
use koers_store::schema::{invitations, organisations, studies};
use koers_store::testing::{seed_invitation, seed_person, seed_study, TestDb};
use koers_store::{groups, participation, sending, studies as st, StoreError};

#[test]
fn an_organisations_mentor_title_reaches_pages_and_messages_and_only_known_titles_are_taken() {
    for (backend, t) in TestDb::both() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
        let mut c = t.db.conn().unwrap();
        let at = seed_study(&mut c, "s", now).unwrap();
        let sanne = seed_person(&mut c, at, Role::Student, "Sanne", "+31612345678", None, now).unwrap();
        let org: i64 = organisations::table.select(organisations::id).first(&mut *c).unwrap();
        let title =
            |c: &mut koers_store::DbConnection| participation::participant(c, sanne).unwrap().unwrap().mentor_title;
        assert_eq!(title(&mut c), "begeleider", "{backend}: the default");

        st::set_mentor_title(&mut c, org, "Jobcoach").unwrap();
        assert_eq!(title(&mut c), "jobcoach", "{backend}");
        seed_invitation(&mut c, sanne, "diary:1", now, now).unwrap();
        let inv: i64 = invitations::table.select(invitations::id).first(&mut *c).unwrap();
        let ctx = sending::send_context(&mut c, inv).unwrap();
        assert_eq!((ctx.mentor_title.as_str(), ctx.school.as_deref()), ("jobcoach", Some("Organisation")), "{backend}");

        let refused = st::set_mentor_title(&mut c, org, "schuldhulpmaatje");
        assert!(matches!(refused, Err(StoreError::Invalid(m)) if m.contains("begeleider, coach, buddy, jobcoach")));
        assert_eq!(title(&mut c), "jobcoach", "{backend}: a refused title changes nothing");
    }
}

#[test]
fn a_persons_own_group_wins_over_the_organisations_and_must_be_one_of_the_studys() {
    for (backend, t) in TestDb::both() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
        let mut c = t.db.conn().unwrap();
        let at = seed_study(&mut c, "s", now).unwrap();
        let sanne = seed_person(&mut c, at, Role::Student, "Sanne", "+31612345678", None, now).unwrap();
        assert_eq!(groups::person_group(&mut c, sanne).unwrap(), None, "{backend}: no group anywhere");
        diesel::update(organisations::table)
            .set(organisations::group_name.eq(Some("control")))
            .execute(&mut *c)
            .unwrap();
        diesel::update(studies::table.find(at.study_id))
            .set(studies::settings.eq(r#"{"groups": ["at_risk"]}"#))
            .execute(&mut *c)
            .unwrap();
        assert_eq!(
            groups::study_groups(&mut c, at.study_id).unwrap().into_iter().collect::<Vec<_>>(),
            vec!["at_risk".to_string(), "control".to_string()],
            "{backend}"
        );
        assert_eq!(groups::person_group(&mut c, sanne).unwrap().as_deref(), Some("control"), "{backend}");

        assert!(groups::set_person_group(&mut c, sanne, Some("at_risk")).unwrap());
        assert!(!groups::set_person_group(&mut c, sanne, Some("at_risk")).unwrap(), "{backend}: no change");
        assert_eq!(groups::person_group(&mut c, sanne).unwrap().as_deref(), Some("at_risk"), "{backend}");
        let refused = groups::set_person_group(&mut c, sanne, Some("stayers"));
        assert!(matches!(refused, Err(StoreError::Invalid(m)) if m.contains("stayers")), "{backend}");
        assert!(groups::set_person_group(&mut c, sanne, None).unwrap());
        assert_eq!(groups::person_group(&mut c, sanne).unwrap().as_deref(), Some("control"), "{backend}");
    }
}
