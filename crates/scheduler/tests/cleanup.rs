//! The daily clean-up on both databases: ended sessions (expired or revoked, of participants
//! and staff) and links more than 30 days past their expiry are deleted once a day by one
//! instance; live sessions, recent links and a test-mode study's links stay, and an invitation
//! whose link was deleted keeps its row.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::clock::StudyClock;
use koers_core::people::Role;
use koers_scheduler::cleanup;
use koers_store::schedule::{self, NewInvitation};
use koers_store::schema::{invitations, link_tokens, studies, web_sessions};
use koers_store::sessions::{self, Subject};
use koers_store::testing::{seed_person, seed_study, TestDb};
use koers_store::{staff, tokens};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap()
}

fn clean_up(t: TestDb) {
    let db = &t.db;
    let mut c = db.conn().unwrap();
    let real = seed_study(&mut c, "real", now() - TimeDelta::days(100)).unwrap();
    let rehearsal = seed_study(&mut c, "rehearsal", now() - TimeDelta::days(100)).unwrap();
    diesel::update(studies::table.find(rehearsal.study_id)).set(studies::test_mode.eq(true)).execute(&mut *c).unwrap();
    let ann =
        seed_person(&mut c, real, Role::Student, "Ann", "+31612345678", None, now() - TimeDelta::days(100)).unwrap();
    let bo = seed_person(&mut c, rehearsal, Role::Student, "Bo", "+31612345679", None, now()).unwrap();
    let koers_store::tokens::Issued { id: old_link, .. } =
        tokens::issue(&mut c, ann, "invitation", now() - TimeDelta::days(31), now() - TimeDelta::days(40)).unwrap();
    let koers_store::tokens::Issued { id: recent_link, .. } =
        tokens::issue(&mut c, ann, "invitation", now() - TimeDelta::days(29), now() - TimeDelta::days(35)).unwrap();
    let koers_store::tokens::Issued { id: live_link, .. } =
        tokens::issue(&mut c, ann, "invitation", now() + TimeDelta::days(1), now()).unwrap();
    let koers_store::tokens::Issued { id: rehearsal_link, .. } =
        tokens::issue(&mut c, bo, "invitation", now() - TimeDelta::days(60), now() - TimeDelta::days(61)).unwrap();
    schedule::ensure_invitation(
        &mut c,
        &NewInvitation {
            person_id: ann,
            response_id: None,
            dedupe_key: "old:invite",
            kind: koers_core::invitation::InvitationKind::Invite,
            channel: koers_core::protocol::Channel::Sms,
            due_at: now() - TimeDelta::days(40),
            expires_at: Some(now() - TimeDelta::days(31)),
        },
        now() - TimeDelta::days(40),
    )
    .unwrap();
    diesel::update(invitations::table).set(invitations::link_token_id.eq(Some(old_link))).execute(&mut *c).unwrap();
    let staff_id = staff::create_account(&mut c, "s@x.example", "S", "a long enough password", false, now()).unwrap();
    let expired = sessions::open(
        &mut c,
        Subject::Person(ann),
        now() - TimeDelta::hours(1),
        now() - TimeDelta::hours(13),
        StudyClock::REAL,
    )
    .unwrap()
    .session;
    let revoked =
        sessions::open(&mut c, Subject::Staff(staff_id), now() + TimeDelta::hours(7), now(), StudyClock::REAL)
            .unwrap()
            .session;
    sessions::revoke(&mut c, revoked.id, now() - TimeDelta::minutes(5)).unwrap();
    let live = sessions::open(&mut c, Subject::Person(ann), now() + TimeDelta::hours(11), now(), StudyClock::REAL)
        .unwrap()
        .session;
    drop(c);

    let done = cleanup::apply_due(db, "a", now()).unwrap().expect("the first instance cleans up");
    assert_eq!((done.sessions, done.links), (2, 1));
    assert_eq!(cleanup::apply_due(db, "b", now() + TimeDelta::hours(2)).unwrap(), None, "once a day");
    let mut c = db.conn().unwrap();
    let left: Vec<i64> = web_sessions::table.select(web_sessions::id).load(&mut *c).unwrap();
    assert_eq!(left, vec![live.id]);
    assert!(!left.contains(&expired.id) && !left.contains(&revoked.id));
    let mut links: Vec<i64> = link_tokens::table.select(link_tokens::id).load(&mut *c).unwrap();
    links.sort();
    assert_eq!(links, vec![recent_link, live_link, rehearsal_link]);
    let kept: Option<i64> = invitations::table.select(invitations::link_token_id).first(&mut *c).unwrap();
    assert_eq!(kept, None, "the invitation stays, without its link");
    drop(c);
    let later = cleanup::apply_due(db, "b", now() + TimeDelta::days(2)).unwrap();
    assert_eq!(later.map(|d| d.links), Some(1), "two days later the next link is old enough");
}

#[test]
fn the_daily_clean_up_deletes_ended_sessions_and_old_links_sqlite() {
    clean_up(TestDb::sqlite());
}

#[test]
fn the_daily_clean_up_deletes_ended_sessions_and_old_links_postgres() {
    clean_up(TestDb::postgres());
}
