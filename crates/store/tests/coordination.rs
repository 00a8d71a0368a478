//! Staff accounts and what coordinators do, on both databases: who may see whom, and what each
//! change leaves behind.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::msg::Msg;
use koers_core::people::{DropoutType, Role};
use koers_store::coordination::{self as co, CoordinationError, Ending, Enrolment, PeopleFilter};
use koers_store::schema::{audit_log, pairs, people, person_identities, responses, subscriptions};
use koers_store::staff::{self, StaffRole};
use koers_store::testing::{seed_named_person, seed_subscription, seed_two_schools, TestDb, TwoSchools};
use koers_store::{people as people_q, DbConnection};

/// Thursday 2026-10-15, 10:00 UTC (12:00 in Amsterdam).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 15, 10, 0, 0).unwrap()
}

type World = TwoSchools;

fn world(c: &mut DbConnection) -> World {
    seed_two_schools(c, now()).unwrap()
}

fn person(c: &mut DbConnection, w: &World, team: i64, role: Role, name: &str, phone: &str) -> i64 {
    let id = seed_named_person(c, w.study_id, team, role, name, "Test", phone, now()).unwrap();
    if role == Role::Student {
        subscribe(c, id, w.student_protocol, None);
    }
    id
}

fn subscribe(c: &mut DbConnection, person: i64, protocol: i64, fof: Option<i64>) -> i64 {
    seed_subscription(c, person, protocol, fof, now()).unwrap()
}

fn pair(c: &mut DbConnection, w: &World, student: i64, mentor: i64) {
    people_q::insert_pair(c, student, mentor, NaiveDate::from_ymd_opt(2026, 9, 14).unwrap(), now()).unwrap();
    subscribe(c, mentor, w.mentor_protocol, Some(student));
}

fn coordinator(c: &mut DbConnection, w: &World, org: i64) -> staff::Scope {
    let id =
        staff::create_account(c, &format!("coord{org}@school.nl"), "Coördinator", "een lang wachtwoord", false, now())
            .unwrap();
    staff::add_role(c, id, w.study_id, Some(org), None, StaffRole::Coordinator, now()).unwrap();
    staff::scope_of(c, id).unwrap()
}

#[test]
fn accounts_have_argon2_passwords_and_case_insensitive_addresses() {
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let id = staff::create_account(&mut c, "Ann@School.NL", "Ann", "correct horse battery", false, now()).unwrap();
        let hash: String = koers_store::schema::staff_accounts::table
            .find(id)
            .select(koers_store::schema::staff_accounts::password_hash)
            .first(&mut *c)
            .unwrap();
        assert!(hash.starts_with("$argon2id$"), "{backend}: {hash}");
        assert!(!hash.contains("horse"));
        assert!(staff::create_account(&mut c, "ann@school.nl", "Ann", "correct horse battery", false, now()).is_err());
        assert!(staff::create_account(&mut c, "bob@school.nl", "Bob", "short", false, now()).is_err());

        assert_eq!(staff::find_by_email(&mut c, " ANN@school.nl").unwrap().map(|a| a.id), Some(id), "{backend}");
        assert!(staff::verify_login(&mut c, "ann@school.nl", "wrong password!", now()).unwrap().is_none());
        assert!(staff::verify_login(&mut c, "nobody@school.nl", "correct horse battery", now()).unwrap().is_none());
        let ok = staff::verify_login(&mut c, "ANN@school.nl", "correct horse battery", now()).unwrap().unwrap();
        assert_eq!(ok.id, id);
        assert!(staff::account(&mut c, id).unwrap().unwrap().last_login_at.is_some(), "{backend}");
        staff::disable(&mut c, id, now()).unwrap();
        assert!(staff::verify_login(&mut c, "ann@school.nl", "correct horse battery", now()).unwrap().is_none());
        assert!(staff::scope_of(&mut c, id).unwrap().is_empty(), "a disabled account sees nobody");
    }
}

#[test]
fn a_coordinator_sees_only_their_organisation_and_nobody_elsewhere_exists_for_them() {
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let w = world(&mut c);
        let sanne = person(&mut c, &w, w.team_noord, Role::Student, "Sanne", "+31612300101");
        let joris = person(&mut c, &w, w.team_noord, Role::Mentor, "Joris", "+31612300201");
        let ravi = person(&mut c, &w, w.team_zuid, Role::Student, "Ravi", "+31612300108");
        let sam = person(&mut c, &w, w.team_zuid, Role::Mentor, "Sam", "+31612300203");
        let scope = coordinator(&mut c, &w, w.noord);

        let all =
            co::list_people(&mut c, &scope, &PeopleFilter { page: 1, per_page: 50, ..Default::default() }).unwrap();
        let ids: Vec<i64> = all.people.iter().map(|p| p.id).collect();
        assert_eq!(ids, vec![joris, sanne], "{backend}");
        let by_phone = co::list_people(
            &mut c,
            &scope,
            &PeopleFilter { q: Some("06 12300".into()), page: 1, per_page: 50, ..Default::default() },
        )
        .unwrap();
        assert_eq!(by_phone.total, 2, "{backend}: a phone fragment typed the Dutch way");
        let by_name = co::list_people(
            &mut c,
            &scope,
            &PeopleFilter { q: Some("sAnNe test".into()), page: 1, per_page: 50, ..Default::default() },
        )
        .unwrap();
        assert_eq!(by_name.people.iter().map(|p| p.id).collect::<Vec<_>>(), vec![sanne]);
        let ravi_by_name = co::list_people(
            &mut c,
            &scope,
            &PeopleFilter { q: Some("Ravi".into()), page: 1, per_page: 50, ..Default::default() },
        )
        .unwrap();
        assert_eq!(ravi_by_name.total, 0, "{backend}");
        let mentors = co::list_people(
            &mut c,
            &scope,
            &PeopleFilter { role: Some(Role::Mentor), page: 1, per_page: 50, ..Default::default() },
        )
        .unwrap();
        assert_eq!(mentors.people.iter().map(|p| p.id).collect::<Vec<_>>(), vec![joris]);

        assert!(co::person_detail(&mut c, &scope, sanne, now()).is_ok());
        for id in [ravi, 999_999] {
            assert!(
                matches!(co::person_detail(&mut c, &scope, id, now()), Err(CoordinationError::NotFound)),
                "{backend}"
            );
            assert!(matches!(
                co::change_phone(&mut c, &scope, id, "0612399999", now()),
                Err(CoordinationError::NotFound)
            ));
            assert!(matches!(co::handover(&mut c, &scope, id, joris, now()), Err(CoordinationError::NotFound)));
            let end =
                Ending { reason: DropoutType::Other, date: now().date_naive(), note: None, next: None, end: true };
            assert!(matches!(co::end_participation(&mut c, &scope, id, &end, now()), Err(CoordinationError::NotFound)));
        }
        // Nor can a student in scope be handed to a mentor outside it.
        assert!(matches!(co::handover(&mut c, &scope, sanne, sam, now()), Err(CoordinationError::Problems(_))));
        let ravi_phone: Option<String> =
            person_identities::table.find(ravi).select(person_identities::mobile_phone).first(&mut *c).unwrap();
        assert_eq!(ravi_phone.as_deref(), Some("+31612300108"), "nothing changed outside the scope");

        // An admin account sees both organisations; a researcher sees nobody's details.
        let admin =
            staff::create_account(&mut c, "admin@koers.nl", "Admin", "een lang wachtwoord", true, now()).unwrap();
        assert_eq!(staff::scope_of(&mut c, admin).unwrap().teams.len(), 2);
        let r = staff::create_account(&mut c, "r@uni.nl", "R", "een lang wachtwoord", false, now()).unwrap();
        staff::add_role(&mut c, r, w.study_id, None, None, StaffRole::Researcher, now()).unwrap();
        assert!(staff::scope_of(&mut c, r).unwrap().is_empty());
        // A team-level coordinator sees one team only.
        let tc = staff::create_account(&mut c, "t@school.nl", "T", "een lang wachtwoord", false, now()).unwrap();
        staff::add_role(&mut c, tc, w.study_id, Some(w.zuid), Some(w.team_zuid), StaffRole::Coordinator, now())
            .unwrap();
        assert_eq!(staff::scope_of(&mut c, tc).unwrap().team_ids(), vec![w.team_zuid]);
        assert!(staff::add_role(
            &mut c,
            tc,
            w.study_id,
            Some(w.noord),
            Some(w.team_zuid),
            StaffRole::Coordinator,
            now()
        )
        .is_err());

        let views: i64 = audit_log::table
            .filter(audit_log::action.eq("person.view").and(audit_log::target_id.eq(sanne)))
            .count()
            .get_result(&mut *c)
            .unwrap();
        assert_eq!(views, 1, "{backend}: looking at someone's details is audited");
    }
}

#[test]
fn enrolling_uses_the_import_rules_and_creates_subscriptions_and_pairs() {
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let w = world(&mut c);
        let scope = coordinator(&mut c, &w, w.noord);
        let bad = Enrolment {
            role: "student".into(),
            team_id: Some(w.team_noord),
            first_name: "".into(),
            mobile_phone: "020 123 4567".into(),
            email: "geen-adres".into(),
            ..Default::default()
        };
        let Err(CoordinationError::Problems(problems)) = co::enrol(&mut c, &scope, &bad, now()) else {
            panic!("{backend}: a bad enrolment must be refused")
        };
        let field = |f: &str| problems.iter().find(|p| p.field.as_deref() == Some(f)).map(|p| p.msg.clone());
        assert_eq!(field("mobile_phone"), Some(Msg::new("phone-not-mobile").arg("value", "020 123 4567")));
        assert_eq!(field("first_name"), Some(Msg::new("import-required")));
        assert_eq!(field("email"), Some(Msg::new("import-email-invalid").arg("value", "geen-adres")));
        let outside = Enrolment { team_id: Some(w.team_zuid), ..bad.clone() };
        let Err(CoordinationError::Problems(problems)) = co::enrol(&mut c, &scope, &outside, now()) else { panic!() };
        assert!(problems.iter().any(|p| p.field.as_deref() == Some("team_id")), "{backend}: a team outside the scope");

        let student = co::enrol(
            &mut c,
            &scope,
            &Enrolment {
                role: "student".into(),
                team_id: Some(w.team_noord),
                first_name: "Noor".into(),
                last_name: "Smit".into(),
                gender: "v".into(),
                mobile_phone: "06 12345678".into(),
                start_date: "19-10-2026".into(),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
        let phone: Option<String> =
            person_identities::table.find(student).select(person_identities::mobile_phone).first(&mut *c).unwrap();
        assert_eq!(phone.as_deref(), Some("+31612345678"));
        let subs: Vec<(i64, Option<i64>)> = subscriptions::table
            .filter(subscriptions::person_id.eq(student))
            .select((subscriptions::protocol_id, subscriptions::filling_out_for_id))
            .load(&mut *c)
            .unwrap();
        assert_eq!(subs, vec![(w.student_protocol, None)], "{backend}");
        let again = Enrolment {
            role: "mentor".into(),
            team_id: Some(w.team_noord),
            first_name: "X".into(),
            mobile_phone: "0612345678".into(),
            ..Default::default()
        };
        assert!(
            matches!(co::enrol(&mut c, &scope, &again, now()), Err(CoordinationError::Problems(_))),
            "a number in use"
        );

        let mentor = co::enrol(
            &mut c,
            &scope,
            &Enrolment {
                role: "mentor".into(),
                team_id: Some(w.team_noord),
                first_name: "Joris".into(),
                mobile_phone: "0687654321".into(),
                student_id: Some(student),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
        assert!(people_q::open_pair(&mut c, student, mentor).unwrap().is_some(), "{backend}");
        assert!(people_q::active_subscription(&mut c, mentor, "vsv_mentor", Some(student)).unwrap().is_some());
    }
}

#[test]
fn a_handover_keeps_history_and_moves_the_subscriptions() {
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let w = world(&mut c);
        let sanne = person(&mut c, &w, w.team_noord, Role::Student, "Sanne", "+31612300101");
        let joris = person(&mut c, &w, w.team_noord, Role::Mentor, "Joris", "+31612300201");
        let fatima = person(&mut c, &w, w.team_noord, Role::Mentor, "Fatima", "+31612300202");
        pair(&mut c, &w, sanne, joris);
        let scope = coordinator(&mut c, &w, w.noord);

        let done = co::handover(&mut c, &scope, sanne, fatima, now()).unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 10, 12).unwrap();
        assert_eq!(done.starts_on, monday, "{backend}: from this week's Monday");
        let all: Vec<(i64, NaiveDate, Option<NaiveDate>, Option<String>)> = pairs::table
            .filter(pairs::student_id.eq(sanne))
            .order(pairs::id)
            .select((pairs::mentor_id, pairs::starts_on, pairs::ends_on, pairs::end_reason))
            .load(&mut *c)
            .unwrap();
        assert_eq!(
            all,
            vec![
                (
                    joris,
                    NaiveDate::from_ymd_opt(2026, 9, 14).unwrap(),
                    Some(monday - TimeDelta::days(1)),
                    Some("handover".into())
                ),
                (fatima, monday, None, None),
            ],
            "{backend}"
        );
        assert!(people_q::active_subscription(&mut c, joris, "vsv_mentor", Some(sanne)).unwrap().is_none());
        let (state, reason): (String, Option<String>) = subscriptions::table
            .filter(subscriptions::person_id.eq(joris).and(subscriptions::filling_out_for_id.eq(sanne)))
            .select((subscriptions::state, subscriptions::end_reason))
            .first(&mut *c)
            .unwrap();
        assert_eq!((state.as_str(), reason.as_deref()), ("completed", Some("handover")));
        assert!(people_q::active_subscription(&mut c, fatima, "vsv_mentor", Some(sanne)).unwrap().is_some());
        assert!(matches!(co::handover(&mut c, &scope, sanne, fatima, now()), Err(CoordinationError::Problems(_))));

        let detail = co::person_detail(&mut c, &scope, sanne, now()).unwrap();
        assert_eq!(detail.current.iter().map(|p| p.other_id).collect::<Vec<_>>(), vec![fatima]);
        assert_eq!(detail.history.len(), 2);
    }
}

#[test]
fn ending_a_student_records_the_dropout_and_stops_their_subscription() {
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let w = world(&mut c);
        let sanne = person(&mut c, &w, w.team_noord, Role::Student, "Sanne", "+31612300101");
        let joris = person(&mut c, &w, w.team_noord, Role::Mentor, "Joris", "+31612300201");
        pair(&mut c, &w, sanne, joris);
        let scope = coordinator(&mut c, &w, w.noord);
        let date = NaiveDate::from_ymd_opt(2026, 10, 9).unwrap();
        let ending = Ending {
            reason: DropoutType::Switcher,
            date,
            note: Some("naar ROC West <b>".into()),
            next: None,
            end: true,
        };
        assert_eq!(co::end_participation(&mut c, &scope, sanne, &ending, now()).unwrap(), 1);
        let (dt, dd, ended, reason): (
            Option<String>,
            Option<NaiveDate>,
            Option<chrono::NaiveDateTime>,
            Option<String>,
        ) = people::table
            .find(sanne)
            .select((people::dropout_type, people::dropout_date, people::ended_at, people::end_reason))
            .first(&mut *c)
            .unwrap();
        assert_eq!(dt.as_deref(), Some("switcher"), "{backend}");
        assert_eq!(dd, Some(date));
        assert!(ended.is_some());
        assert_eq!(reason.as_deref(), Some("switcher: naar ROC West <b>"));
        let (ends_at, sub_reason): (Option<chrono::NaiveDateTime>, Option<String>) = subscriptions::table
            .filter(subscriptions::person_id.eq(sanne))
            .select((subscriptions::ends_at, subscriptions::end_reason))
            .first(&mut *c)
            .unwrap();
        assert_eq!(ends_at.map(|e| e.and_utc()), Some(now()), "{backend}: participation ends now");
        assert_eq!(sub_reason.as_deref(), Some("switcher"));
        let open: i64 = pairs::table
            .filter(pairs::student_id.eq(sanne).and(pairs::ends_on.is_null()))
            .count()
            .get_result(&mut *c)
            .unwrap();
        assert_eq!(open, 0);
        assert!(matches!(
            co::end_participation(&mut c, &scope, sanne, &ending, now()),
            Err(CoordinationError::Problems(_))
        ));
        assert!(matches!(
            co::end_participation(&mut c, &scope, joris, &ending, now()),
            Err(CoordinationError::NotFound)
        ));
    }
}

#[test]
fn a_new_phone_number_is_normalised_unique_and_works_again() {
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let w = world(&mut c);
        let sanne = person(&mut c, &w, w.team_noord, Role::Student, "Sanne", "+31612300101");
        let _ravi = person(&mut c, &w, w.team_zuid, Role::Student, "Ravi", "+31612300108");
        diesel::update(people::table.find(sanne))
            .set((people::phone_status.eq("failing"), people::phone_failure.eq("unknown subscriber")))
            .execute(&mut *c)
            .unwrap();
        let scope = coordinator(&mut c, &w, w.noord);
        let Err(CoordinationError::Problems(p)) = co::change_phone(&mut c, &scope, sanne, "bel me", now()) else {
            panic!()
        };
        assert_eq!(p[0].field.as_deref(), Some("mobile_phone"));
        // Someone else's number in the study, even outside the scope, is refused, in words that
        // name nobody, and with what the caller audits after the rollback.
        let Err(CoordinationError::NumberRefused { problems, refusal }) =
            co::change_phone(&mut c, &scope, sanne, "06-12300108", now())
        else {
            panic!("{backend}: someone else's number in the study, even outside the scope")
        };
        assert_eq!(problems[0].msg.key, co::NOT_USABLE, "{backend}");
        assert_eq!(refusal.person_id, _ravi, "{backend}");
        assert_eq!(co::failing_phones(&mut c, &scope).unwrap().len(), 1);
        co::change_phone(&mut c, &scope, sanne, "06 1230 0199", now()).unwrap();
        let (status, phone): (String, Option<String>) = people::table
            .inner_join(person_identities::table)
            .filter(people::id.eq(sanne))
            .select((people::phone_status, person_identities::mobile_phone))
            .first(&mut *c)
            .unwrap();
        assert_eq!((status.as_str(), phone.as_deref()), ("ok", Some("+31612300199")), "{backend}");
        assert!(co::failing_phones(&mut c, &scope).unwrap().is_empty());
        let details: String = audit_log::table
            .filter(audit_log::action.eq("person.phone"))
            .select(audit_log::details)
            .first(&mut *c)
            .unwrap();
        assert!(!details.contains("612300199"), "the audit log holds no phone number: {details}");
    }
}

#[test]
fn people_who_answered_nothing_in_their_last_windows_are_listed() {
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let w = world(&mut c);
        let quiet = person(&mut c, &w, w.team_noord, Role::Student, "Quiet", "+31612300101");
        let busy = person(&mut c, &w, w.team_noord, Role::Student, "Busy", "+31612300102");
        for (who, completed_last) in [(quiet, false), (busy, true)] {
            let sub: i64 = subscriptions::table
                .filter(subscriptions::person_id.eq(who))
                .select(subscriptions::id)
                .first(&mut *c)
                .unwrap();
            for week in 1..=4i64 {
                let open = now() - TimeDelta::weeks(5 - week);
                let done = (week == 4 && completed_last) || week == 1;
                diesel::insert_into(responses::table)
                    .values((
                        responses::subscription_id.eq(sub),
                        responses::measurement_key.eq("diary"),
                        responses::occurrence.eq(week as i32),
                        responses::questionnaire_key.eq("d"),
                        responses::open_at.eq(open.naive_utc()),
                        responses::close_at.eq((open + TimeDelta::hours(30)).naive_utc()),
                        responses::completed_at.eq(done.then(|| (open + TimeDelta::hours(1)).naive_utc())),
                        responses::created_at.eq(open.naive_utc()),
                    ))
                    .execute(&mut *c)
                    .unwrap();
            }
        }
        let scope = coordinator(&mut c, &w, w.noord);
        let silent = co::silent_people(&mut c, &scope, 3, now()).unwrap();
        assert_eq!(silent.iter().map(|s| s.id).collect::<Vec<_>>(), vec![quiet], "{backend}");
        assert!(silent[0].last_completed_at.is_some());
        assert!(co::silent_people(&mut c, &scope, 4, now()).unwrap().is_empty(), "the first week was answered");
    }
}

#[test]
fn a_new_phone_number_revokes_the_old_links_and_resends_what_is_still_open() {
    use koers_store::schema::{invitation_responses, invitations, link_tokens};
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let w = world(&mut c);
        let sanne = person(&mut c, &w, w.team_noord, Role::Student, "Sanne", "+31612300101");
        let sub: i64 = subscriptions::table
            .filter(subscriptions::person_id.eq(sanne))
            .select(subscriptions::id)
            .first(&mut *c)
            .unwrap();
        // This week's diary is open and its SMS went to the old number; last week's has closed.
        let open = koers_store::testing::diary_window(2, now() - TimeDelta::hours(2));
        let response = koers_store::schedule::ensure_response(&mut c, sub, &open, now()).unwrap();
        let invite = koers_store::schedule::NewInvitation {
            person_id: sanne,
            response_id: Some(response),
            dedupe_key: "diary:1:invite",
            kind: koers_core::invitation::InvitationKind::Invite,
            channel: koers_core::protocol::Channel::Sms,
            due_at: open.open_at,
            expires_at: Some(open.close_at),
        };
        koers_store::schedule::ensure_invitation(&mut c, &invite, now()).unwrap();
        diesel::update(invitations::table.filter(invitations::person_id.eq(sanne)))
            .set((invitations::status.eq("sent"), invitations::sent_at.eq(Some(open.open_at.naive_utc()))))
            .execute(&mut *c)
            .unwrap();
        for (purpose, hash) in [("invitation", "old-link"), ("guardian", "parent-link")] {
            koers_store::sending::ensure_link_token(&mut c, sanne, purpose, hash, now() + TimeDelta::days(1), now())
                .unwrap();
        }
        let scope = coordinator(&mut c, &w, w.noord);
        co::change_phone(&mut c, &scope, sanne, "06 1230 0199", now()).unwrap();

        let generation: i32 = people::table.find(sanne).select(people::link_generation).first(&mut *c).unwrap();
        assert_eq!(generation, 1, "{backend}: links are made anew");
        let revoked: Vec<(String, bool)> = link_tokens::table
            .filter(link_tokens::person_id.eq(sanne))
            .order(link_tokens::token_hash)
            .select((link_tokens::token_hash, link_tokens::revoked_at.is_not_null()))
            .load(&mut *c)
            .unwrap();
        assert_eq!(revoked, [("old-link".into(), true), ("parent-link".into(), false)], "{backend}");
        let resent: Vec<(String, String, i64)> = invitations::table
            .inner_join(invitation_responses::table)
            .filter(invitations::person_id.eq(sanne).and(invitations::status.eq("pending")))
            .select((invitations::dedupe_key, invitations::kind, invitation_responses::response_id))
            .load(&mut *c)
            .unwrap();
        assert_eq!(resent, [("diary:1:resend1".into(), "invite".into(), response)], "{backend}");

        // The same number again changes nothing.
        co::change_phone(&mut c, &scope, sanne, "0612300199", now()).unwrap();
        let generation: i32 = people::table.find(sanne).select(people::link_generation).first(&mut *c).unwrap();
        assert_eq!(generation, 1, "{backend}");
    }
}

#[test]
fn a_coordinator_moves_a_student_to_another_protocol_from_a_date_in_scope_and_audited() {
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let w = world(&mut c);
        let scope = coordinator(&mut c, &w, w.noord);
        let sanne = person(&mut c, &w, w.team_noord, Role::Student, "Sanne", "+31612345678");
        koers_store::definitions::store_protocol(
            &mut c,
            w.study_id,
            "aftercare",
            Some("student"),
            "name: a\n",
            None,
            now(),
        )
        .unwrap();
        let field = |r: Result<koers_store::protocol_move::ProtocolMove, CoordinationError>| match r {
            Err(CoordinationError::Problems(p)) => p[0].field.clone().unwrap_or_default(),
            other => panic!("{backend}: {other:?}"),
        };
        assert_eq!(field(co::move_protocol(&mut c, &scope, sanne, "aftercare", "2026-10-14", now())), "from");
        assert_eq!(field(co::move_protocol(&mut c, &scope, sanne, "vsv_mentor", "2026-10-19", now())), "protocol");
        let other = coordinator(&mut c, &w, w.zuid);
        assert!(
            matches!(
                co::move_protocol(&mut c, &other, sanne, "aftercare", "2026-10-19", now()),
                Err(CoordinationError::NotFound)
            ),
            "{backend}: another school's coordinator does not see Sanne"
        );
        let moved = co::move_protocol(&mut c, &scope, sanne, "aftercare", "19-10-2026", now()).unwrap();
        assert_eq!(moved.moved_at, Utc.with_ymd_and_hms(2026, 10, 18, 22, 0, 0).unwrap(), "{backend}");
        let subs: Vec<(i64, Option<String>)> = subscriptions::table
            .filter(subscriptions::person_id.eq(sanne))
            .order(subscriptions::id)
            .select((subscriptions::protocol_id, subscriptions::end_reason))
            .load(&mut *c)
            .unwrap();
        assert_eq!(subs[0], (w.student_protocol, Some("moved".to_string())), "{backend}");
        assert_eq!(subs.len(), 2, "{backend}: the new protocol's subscription");
        let actor: String = audit_log::table
            .filter(audit_log::action.eq("person.protocol_move"))
            .select(audit_log::actor)
            .first(&mut *c)
            .unwrap();
        assert_eq!(actor, scope.actor(), "{backend}");
    }
}
