//! The end of personal data, on both databases: erasing identifiers, a withdrawal with and
//! without deleting answers, retention, the numbers operators read, and a SQLite backup.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::invitation::InvitationStatus;
use koers_core::people::Role;
use koers_store::lifecycle::{self, Actor, OnWithdrawal};
use koers_store::schedule;
use koers_store::schema::{
    answers, audit_log, consents, invitations, link_tokens, paradata, person_identities, response_scores, responses,
    reward_ledger, subscriptions, web_sessions,
};
use koers_store::studies::to_db;
use koers_store::testing::{
    answers_of_person, diary_window, invitation_status, seed_invitation, seed_person, seed_study, InvitationState,
    Seeded, TestDb,
};
use koers_store::{definitions, ops, participation, people, sessions, tokens, DbConnection, StoreError};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
}

/// A student with a completed diary (answers, paradata, a score, a reward), her mentor with a
/// diary about her, a waiting invitation each, her link, session and consent; and a person of
/// another study.
struct World {
    at: Seeded,
    study_id: i64,
    student: i64,
    mentor: i64,
    outsider: i64,
    student_sub: i64,
    mentor_sub: i64,
    student_invitation: i64,
    mentor_invitation: i64,
    token: String,
}

fn invite(c: &mut DbConnection, person: i64, key: &str, due_at: DateTime<Utc>) -> i64 {
    seed_invitation(c, person, key, due_at, now()).unwrap();
    invitations::table
        .filter(invitations::person_id.eq(person).and(invitations::dedupe_key.eq(key)))
        .select(invitations::id)
        .first(c)
        .unwrap()
}

fn answer(c: &mut DbConnection, response: i64, item: &str, about: Option<i64>) {
    diesel::insert_into(answers::table)
        .values((
            answers::response_id.eq(response),
            answers::item_id.eq(item),
            answers::about_person_id.eq(about),
            answers::value_kind.eq("number"),
            answers::value_number.eq(Some(3.0)),
        ))
        .execute(c)
        .unwrap();
}

fn world(c: &mut DbConnection) -> World {
    let t = now();
    let at = seed_study(c, "s", t).unwrap();
    let student = seed_person(c, at, Role::Student, "Sanne", "+31612345678", Some("sanne@example.org"), t).unwrap();
    let mentor = seed_person(c, at, Role::Mentor, "Joris", "+31612345700", None, t).unwrap();
    diesel::update(person_identities::table.find(student))
        .set(person_identities::guardian_phone.eq("+31612345699"))
        .execute(c)
        .unwrap();
    participation::record_consent(c, student, participation::CONSENT_PARTICIPANT, "v1", t).unwrap();
    let other = seed_study(c, "other", t).unwrap();
    let outsider = seed_person(c, other, Role::Student, "Noor", "+31612345601", None, t).unwrap();

    let protocol = definitions::store_protocol(c, at.study_id, "p", None, "name: p\n", None, t).unwrap().id();
    let sub = |c: &mut DbConnection, person: i64, about: Option<i64>| {
        people::insert_subscription(
            c,
            &people::NewSubscription {
                person_id: person,
                protocol_id: protocol,
                filling_out_for: about,
                starts_at: t - TimeDelta::days(30),
                ends_at: None,
            },
            t,
        )
        .unwrap()
    };
    let student_sub = sub(c, student, None);
    let mentor_sub = sub(c, mentor, Some(student));
    let mine = schedule::ensure_response(c, student_sub, &diary_window(1, t - TimeDelta::days(7)), t).unwrap();
    let about_her = schedule::ensure_response(c, mentor_sub, &diary_window(1, t - TimeDelta::days(7)), t).unwrap();
    for r in [mine, about_her] {
        diesel::update(responses::table.find(r))
            .set((responses::completed_at.eq(to_db(t - TimeDelta::days(6))), responses::user_agent.eq("Nokia")))
            .execute(c)
            .unwrap();
    }
    answer(c, mine, "mood", None);
    answer(c, mine, "effort", None);
    answer(c, about_her, "support", Some(student));
    diesel::insert_into(paradata::table)
        .values((
            paradata::response_id.eq(mine),
            paradata::item_id.eq("mood"),
            paradata::touched.eq(true),
            paradata::change_count.eq(2),
        ))
        .execute(c)
        .unwrap();
    diesel::insert_into(response_scores::table)
        .values((
            response_scores::response_id.eq(mine),
            response_scores::score_id.eq("s"),
            response_scores::value.eq(Some(6.0)),
        ))
        .execute(c)
        .unwrap();
    diesel::insert_into(reward_ledger::table)
        .values((
            reward_ledger::person_id.eq(student),
            reward_ledger::response_id.eq(Some(mine)),
            reward_ledger::amount_cents.eq(50i64),
            reward_ledger::streak.eq(1),
            reward_ledger::reason.eq("completed"),
            reward_ledger::created_at.eq(to_db(t)),
        ))
        .execute(c)
        .unwrap();
    let student_invitation = invite(c, student, "w:2:invite", t + TimeDelta::hours(1));
    let mentor_invitation = invite(c, mentor, "w:2:invite", t + TimeDelta::hours(1));
    let koers_store::tokens::Issued { plain: token, .. } =
        tokens::issue(c, student, "invitation", t + TimeDelta::hours(30), t).unwrap();
    sessions::open(
        c,
        sessions::Subject::Person(student),
        t + TimeDelta::hours(8),
        t,
        koers_core::clock::StudyClock::REAL,
    )
    .unwrap();
    World {
        at,
        study_id: at.study_id,
        student,
        mentor,
        outsider,
        student_sub,
        mentor_sub,
        student_invitation,
        mentor_invitation,
        token,
    }
}

type Identity = (Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);

fn identity(c: &mut DbConnection, person: i64) -> (Identity, bool) {
    let (identity, erased): (Identity, Option<chrono::NaiveDateTime>) = person_identities::table
        .find(person)
        .select((
            (
                person_identities::first_name,
                person_identities::last_name,
                person_identities::mobile_phone,
                person_identities::email,
                person_identities::guardian_phone,
            ),
            person_identities::erased_at,
        ))
        .first(c)
        .unwrap();
    (identity, erased.is_some())
}

fn audit_actions(c: &mut DbConnection) -> Vec<(String, String)> {
    audit_log::table.order(audit_log::id).select((audit_log::action, audit_log::details)).load(c).unwrap()
}

#[test]
fn erasing_identifiers_leaves_no_name_or_phone_and_the_answers_whole() {
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let w = world(&mut c);
        let answers_before: i64 = answers::table.count().get_result(&mut c).unwrap();
        assert_eq!(
            lifecycle::erasure_preview(&mut c, w.study_id).unwrap(),
            lifecycle::ErasurePreview { identified: 2, active: 2 },
            "{backend}"
        );

        let later = now() + TimeDelta::days(1);
        let erased = t.db.write(|c| lifecycle::erase_identifiers(c, w.study_id, Actor::CLI, later)).unwrap();
        assert_eq!(erased.people, 2, "{backend}");
        assert_eq!(erased.link_tokens_revoked, 1, "{backend}");
        assert_eq!(erased.sessions_revoked, 1, "{backend}");
        assert_eq!(erased.invitations_cancelled, 2, "{backend}");

        for person in [w.student, w.mentor] {
            assert_eq!(identity(&mut c, person), ((None, None, None, None, None), true), "{backend}: {person}");
        }
        let (kept, erased_there) = identity(&mut c, w.outsider);
        assert_eq!(kept.2.as_deref(), Some("+31612345601"), "{backend}: another study is untouched");
        assert!(!erased_there, "{backend}");
        let phones: Vec<Option<String>> = person_identities::table
            .filter(person_identities::study_id.eq(w.study_id))
            .select(person_identities::mobile_phone)
            .load(&mut c)
            .unwrap();
        assert!(phones.iter().all(Option::is_none), "{backend}");

        let answers_after: i64 = answers::table.count().get_result(&mut c).unwrap();
        assert_eq!(answers_after, answers_before, "{backend}: answers stay");
        assert_eq!(answers_of_person(&mut c, w.student), 2, "{backend}");
        assert_eq!(
            tokens::redeem(&mut c, &w.token, later).unwrap(),
            tokens::TokenState::Expired {
                person_id: w.student,
                purpose: "invitation".into(),
                clock: koers_core::clock::StudyClock::REAL
            },
            "{backend}: the link no longer opens"
        );
        let live_sessions: i64 =
            web_sessions::table.filter(web_sessions::revoked_at.is_null()).count().get_result(&mut c).unwrap();
        assert_eq!(live_sessions, 0, "{backend}");
        assert_eq!(invitation_status(&mut c, w.student_invitation), InvitationState::skipped("identifiers erased"));

        let log = audit_actions(&mut c);
        let (action, details) = log.last().unwrap();
        assert_eq!(action, "identifiers.erase", "{backend}");
        assert!(!details.contains("+316") && !details.contains("Sanne"), "{backend}: {details}");

        // Once more: nothing left to erase.
        let again = t.db.write(|c| lifecycle::erase_identifiers(c, w.study_id, Actor::CLI, later)).unwrap();
        assert_eq!(again, lifecycle::Erasure::default(), "{backend}");
    }
}

#[test]
fn a_withdrawal_with_delete_removes_the_answers_and_stops_every_message() {
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let w = world(&mut c);
        let report =
            t.db.write(|c| {
                lifecycle::withdraw(
                    c,
                    w.study_id,
                    w.student,
                    OnWithdrawal::Delete,
                    Actor::CLI,
                    koers_core::clock::Moment::real(now()),
                )
            })
            .unwrap();
        assert_eq!(report.subscriptions_ended, 2, "{backend}: hers and the mentor's diary about her");
        assert_eq!(report.invitations_cancelled, 1, "{backend}");
        assert_eq!(report.consents_withdrawn, 1, "{backend}");
        assert_eq!((report.answers_deleted, report.paradata_deleted), (2, 1), "{backend}");
        assert_eq!((report.scores_deleted, report.rewards_deleted), (1, 1), "{backend}");

        assert_eq!(answers_of_person(&mut c, w.student), 0, "{backend}");
        let left: i64 = paradata::table.count().get_result(&mut c).unwrap();
        assert_eq!(left, 0, "{backend}");
        let left: i64 = response_scores::table.count().get_result(&mut c).unwrap();
        assert_eq!(left, 0, "{backend}");
        let left: i64 =
            reward_ledger::table.filter(reward_ledger::person_id.eq(w.student)).count().get_result(&mut c).unwrap();
        assert_eq!(left, 0, "{backend}");
        let about: i64 =
            answers::table.filter(answers::about_person_id.eq(w.student)).count().get_result(&mut c).unwrap();
        assert_eq!(about, 1, "{backend}: what the mentor wrote about her stays");

        assert_eq!(invitation_status(&mut c, w.student_invitation), InvitationState::skipped("withdrawn"), "{backend}");
        assert_eq!(
            invitation_status(&mut c, w.mentor_invitation).status,
            InvitationStatus::Pending,
            "{backend}: the mentor's own message stays"
        );
        for s in [w.student_sub, w.mentor_sub] {
            let state: String = subscriptions::table.find(s).select(subscriptions::state).first(&mut c).unwrap();
            assert_eq!(state, "stopped", "{backend}");
        }
        let consent: (Option<chrono::NaiveDateTime>, Option<String>) = consents::table
            .filter(consents::person_id.eq(w.student).and(consents::kind.eq(participation::CONSENT_PARTICIPANT)))
            .select((consents::withdrawn_at, consents::on_withdrawal))
            .first(&mut c)
            .unwrap();
        assert_eq!(consent, (Some(to_db(now())), Some("delete".into())), "{backend}");
        assert!(!participation::has_consent(&mut c, w.student, participation::CONSENT_PARTICIPANT).unwrap());
        let revoked: i64 = link_tokens::table
            .filter(link_tokens::person_id.eq(w.student).and(link_tokens::revoked_at.is_not_null()))
            .count()
            .get_result(&mut c)
            .unwrap();
        assert_eq!(revoked, 1, "{backend}");
        let (action, details) = audit_actions(&mut c).pop().unwrap();
        assert_eq!(action, "person.withdraw", "{backend}");
        assert!(details.contains("\"data\":\"delete\""), "{backend}: {details}");

        // Dispatch sees the withdrawal too.
        let ctx = koers_store::sending::send_context(&mut c, w.student_invitation).unwrap();
        assert!(ctx.consent_withdrawn && ctx.person_ended, "{backend}");
    }
}

#[test]
fn a_withdrawal_that_keeps_the_data_keeps_the_answers() {
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let w = world(&mut c);
        let report =
            t.db.write(|c| {
                lifecycle::withdraw(
                    c,
                    w.study_id,
                    w.student,
                    OnWithdrawal::Keep,
                    Actor::CLI,
                    koers_core::clock::Moment::real(now()),
                )
            })
            .unwrap();
        assert_eq!(report.answers_deleted, 0, "{backend}");
        assert_eq!(answers_of_person(&mut c, w.student), 2, "{backend}");
        let rewards: i64 = reward_ledger::table.count().get_result(&mut c).unwrap();
        assert_eq!(rewards, 1, "{backend}");
        assert_eq!(invitation_status(&mut c, w.student_invitation).status, InvitationStatus::Skipped, "{backend}");
        let on: Option<String> = consents::table
            .filter(consents::person_id.eq(w.student))
            .select(consents::on_withdrawal)
            .first(&mut c)
            .unwrap();
        assert_eq!(on.as_deref(), Some("keep"), "{backend}");

        // A mentor who never gave a consent row still has the withdrawal on record.
        t.db.write(|c| {
            lifecycle::withdraw(
                c,
                w.study_id,
                w.mentor,
                OnWithdrawal::Keep,
                Actor::CLI,
                koers_core::clock::Moment::real(now()),
            )
        })
        .unwrap();
        let kinds: Vec<String> =
            consents::table.filter(consents::person_id.eq(w.mentor)).select(consents::kind).load(&mut c).unwrap();
        assert_eq!(kinds, vec![lifecycle::CONSENT_WITHDRAWAL.to_string()], "{backend}");
        assert_eq!(invitation_status(&mut c, w.mentor_invitation).status, InvitationStatus::Skipped, "{backend}");

        // Someone of another study is not found here.
        let err =
            t.db.write(|c| {
                lifecycle::withdraw(
                    c,
                    w.study_id,
                    w.outsider,
                    OnWithdrawal::Delete,
                    Actor::CLI,
                    koers_core::clock::Moment::real(now()),
                )
            })
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{backend}: {err}");
    }
}

#[test]
fn retention_erases_only_people_who_ended_long_enough_ago() {
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let w = world(&mut c);
        assert_eq!(lifecycle::retention_days(&mut c, w.study_id).unwrap(), None, "{backend}");
        assert!(t.db.write(|c| lifecycle::apply_retention(c, w.study_id, Actor::CLI, now())).is_err());
        t.db.write(|c| lifecycle::set_retention_days(c, w.study_id, Some(30), Actor::CLI, now())).unwrap();
        assert_eq!(lifecycle::retention_days(&mut c, w.study_id).unwrap(), Some(30), "{backend}");

        // She ended 40 days before "later"; the mentor still takes part (another student's diary).
        let ended = now() - TimeDelta::days(10);
        for s in [w.student_sub, w.mentor_sub] {
            diesel::update(subscriptions::table.find(s))
                .set((subscriptions::state.eq("completed"), subscriptions::ended_at.eq(to_db(ended))))
                .execute(&mut c)
                .unwrap();
        }
        let protocol: i64 =
            subscriptions::table.find(w.mentor_sub).select(subscriptions::protocol_id).first(&mut c).unwrap();
        let daan = seed_person(&mut c, w.at, Role::Student, "Daan", "+31612345602", None, now()).unwrap();
        people::insert_subscription(
            &mut c,
            &people::NewSubscription {
                person_id: w.mentor,
                protocol_id: protocol,
                filling_out_for: Some(daan),
                starts_at: ended,
                ends_at: None,
            },
            now(),
        )
        .unwrap();
        assert!(lifecycle::expired(&mut c, w.study_id, 30, now()).unwrap().is_empty(), "{backend}: not yet");
        let later = now() + TimeDelta::days(30);
        let due = lifecycle::expired(&mut c, w.study_id, 30, later).unwrap();
        assert_eq!(due.len(), 1, "{backend}: {due:?}");
        assert_eq!((due[0].person_id, due[0].ended_at), (w.student, ended), "{backend}");

        let lifecycle::RetentionApplied { due: listed, erased } =
            t.db.write(|c| lifecycle::apply_retention(c, w.study_id, Actor::CLI, later)).unwrap();
        assert_eq!((listed.len(), erased.people), (1, 1), "{backend}");
        assert!(identity(&mut c, w.student).1, "{backend}");
        assert_eq!(identity(&mut c, w.mentor).0 .2.as_deref(), Some("+31612345700"), "{backend}: still taking part");
        assert!(lifecycle::expired(&mut c, w.study_id, 30, later).unwrap().is_empty(), "{backend}: done");
    }
}

#[test]
fn the_scheduler_lag_and_the_metrics_snapshot_read_the_database() {
    for (backend, t) in TestDb::both() {
        let mut c = t.db.conn().unwrap();
        let w = world(&mut c);
        ops::ping(&mut c).unwrap();
        let s = ops::snapshot(&mut c, now()).unwrap();
        assert_eq!(s.oldest_overdue, None, "{backend}: both invitations are due in an hour");
        assert_eq!(s.submissions, 2, "{backend}");
        assert_eq!(
            s.invitations_by_status,
            vec![ops::StatusCount { status: koers_core::invitation::InvitationStatus::Pending, invitations: 2 }],
            "{backend}"
        );

        let overdue = invite(&mut c, w.student, "old:invite", now() - TimeDelta::minutes(20));
        let s = ops::snapshot(&mut c, now()).unwrap();
        assert_eq!(s.lag_seconds(now()), 1200, "{backend}");
        // A message waiting for its retry counts from the time of that retry.
        diesel::update(invitations::table.find(overdue))
            .set((
                invitations::status.eq("retry"),
                invitations::next_attempt_at.eq(to_db(now() - TimeDelta::minutes(5))),
            ))
            .execute(&mut c)
            .unwrap();
        assert_eq!(ops::snapshot(&mut c, now()).unwrap().lag_seconds(now()), 300, "{backend}");
    }
}

#[test]
fn a_sqlite_backup_opens_with_the_same_rows_and_is_never_overwritten() {
    let t = TestDb::sqlite();
    world(&mut t.db.conn().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("backup.db");
    let b = ops::backup_sqlite(&t.db, &out).unwrap();
    assert!(b.bytes > 0);
    assert!(!ops::partial_path(&out).exists(), "the partial file got its name");

    let copy = koers_store::Database::connect(&format!("sqlite://{}", out.display()), 1).unwrap();
    let original = ops::row_counts(&mut t.db.conn().unwrap()).unwrap();
    let copied = ops::row_counts(&mut copy.conn().unwrap()).unwrap();
    assert_eq!(copied, original);
    assert!(original.iter().any(|c| c.table == "answers" && c.rows == 3), "{original:?}");

    let err = ops::backup_sqlite(&t.db, &out).unwrap_err().to_string();
    assert!(err.contains("exists already"), "{err}");

    let pg = TestDb::postgres();
    let err = ops::backup_sqlite(&pg.db, &dir.path().join("pg.db")).unwrap_err().to_string();
    assert!(err.contains("pg_dump -Fc"), "{err}");
}
