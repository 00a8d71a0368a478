//! Browser sessions. A participant's session is opened by a personal link and a staff member's
//! by a password (and a second factor); the cookie carries a random value of which only the
//! hash is kept here, and every session has its own CSRF token for the forms it is shown.
//! Sessions that ended (expired or revoked) are deleted by the daily clean-up ([`delete_ended`]).

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{people, studies, web_sessions};
use crate::studies::{from_db, to_db};
use crate::tokens::{hash_token, looks_like_token, new_token, NewSecret};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use koers_core::clock::StudyClock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Participant,
    /// A parent or carer answering the consent for an under-16 (the person is the student).
    Guardian,
    Staff,
    /// A staff member whose password was right, on the way through the second factor: opens
    /// only the second-factor pages, for a few minutes.
    StaffPending,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Participant => "participant",
            SessionKind::Guardian => "guardian",
            SessionKind::Staff => "staff",
            SessionKind::StaffPending => "staff_pending",
        }
    }
}

/// Who a session belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Person(i64),
    GuardianOf(i64),
    Staff(i64),
    /// A staff member past the password, not yet past the second factor.
    StaffPending(i64),
}

impl Subject {
    pub fn kind(self) -> SessionKind {
        match self {
            Subject::Person(_) => SessionKind::Participant,
            Subject::GuardianOf(_) => SessionKind::Guardian,
            Subject::Staff(_) => SessionKind::Staff,
            Subject::StaffPending(_) => SessionKind::StaffPending,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: i64,
    pub subject: Subject,
    pub csrf_token: String,
    /// For a participant's or parent's session, on their study's clock; a staff member's on
    /// real time.
    pub expires_at: DateTime<Utc>,
    /// The clock of the person's study (real time for staff): what "now" means for this
    /// session's pages.
    pub clock: StudyClock,
    /// The last request seen in this session (its start until one was recorded), real time:
    /// staff sessions end after a while without one.
    pub last_seen_at: DateTime<Utc>,
}

/// A session just opened: the value for its cookie (shown once, only its hash is kept) and the
/// session itself.
#[derive(Debug, Clone)]
pub struct OpenedSession {
    pub cookie_value: String,
    pub session: SessionRow,
}

/// Opens a session; `expires_at` and `now` on the clock of the subject's study (real time for
/// staff), which `clock` is.
pub fn open(
    conn: &mut DbConnection,
    subject: Subject,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
    clock: StudyClock,
) -> StoreResult<OpenedSession> {
    let NewSecret { plain, hash } = new_token();
    let csrf = new_token().plain;
    let kind = subject.kind();
    let (person, staff) = match subject {
        Subject::Person(p) | Subject::GuardianOf(p) => (Some(p), None),
        Subject::Staff(s) | Subject::StaffPending(s) => (None, Some(s)),
    };
    let id = diesel::insert_into(web_sessions::table)
        .values((
            web_sessions::token_hash.eq(hash),
            web_sessions::kind.eq(kind.as_str()),
            web_sessions::person_id.eq(person),
            web_sessions::staff_id.eq(staff),
            web_sessions::csrf_token.eq(&csrf),
            web_sessions::created_at.eq(to_db(now)),
            web_sessions::expires_at.eq(to_db(expires_at)),
            web_sessions::last_seen_at.eq(Some(to_db(now))),
        ))
        .returning(web_sessions::id)
        .get_result(conn)?;
    Ok(OpenedSession {
        cookie_value: plain,
        session: SessionRow { id, subject, csrf_token: csrf, expires_at, clock, last_seen_at: now },
    })
}

/// id, person, staff member, CSRF token, expiry, the person's study's clock offset, created,
/// last seen.
type SessionTuple = (
    i64,
    Option<i64>,
    Option<i64>,
    String,
    chrono::NaiveDateTime,
    Option<i64>,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
);

/// The live session of this kind behind a cookie value, if any. `real_now` is real time; a
/// person's session expires by their study's clock.
pub fn find(
    conn: &mut DbConnection,
    kind: SessionKind,
    plain: &str,
    real_now: DateTime<Utc>,
) -> StoreResult<Option<SessionRow>> {
    if !looks_like_token(plain) {
        return Ok(None);
    }
    let row: Option<SessionTuple> = web_sessions::table
        .left_join(people::table.inner_join(studies::table))
        .filter(web_sessions::token_hash.eq(hash_token(plain)))
        .filter(web_sessions::kind.eq(kind.as_str()))
        .filter(web_sessions::revoked_at.is_null())
        .select((
            web_sessions::id,
            web_sessions::person_id,
            web_sessions::staff_id,
            web_sessions::csrf_token,
            web_sessions::expires_at,
            studies::clock_offset_micros.nullable(),
            web_sessions::created_at,
            web_sessions::last_seen_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(id, person, staff, csrf_token, expires_at, offset, created_at, last_seen_at)| {
        let subject = match (kind, person, staff) {
            (SessionKind::Participant, Some(p), _) => Subject::Person(p),
            (SessionKind::Guardian, Some(p), _) => Subject::GuardianOf(p),
            (SessionKind::Staff, _, Some(s)) => Subject::Staff(s),
            (SessionKind::StaffPending, _, Some(s)) => Subject::StaffPending(s),
            _ => return None,
        };
        let clock = offset.map(StudyClock::from_offset_micros).unwrap_or(StudyClock::REAL);
        let expires_at = from_db(expires_at);
        let last_seen_at = from_db(last_seen_at.unwrap_or(created_at));
        (expires_at > clock.at(real_now)).then_some(SessionRow {
            id,
            subject,
            csrf_token,
            expires_at,
            clock,
            last_seen_at,
        })
    }))
}

/// Ends a session (logging out, or a participant who stopped).
pub fn revoke(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(web_sessions::table.find(id)).set(web_sessions::revoked_at.eq(to_db(now))).execute(conn)?;
    Ok(())
}

/// Records a request in a session (for the idle timeout of staff sessions; real time).
pub fn touch(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(web_sessions::table.find(id)).set(web_sessions::last_seen_at.eq(Some(to_db(now)))).execute(conn)?;
    Ok(())
}

/// Ends every live session of a staff account, past the second factor or on the way; returns
/// how many.
pub fn revoke_staff(conn: &mut DbConnection, staff_id: i64, now: DateTime<Utc>) -> StoreResult<usize> {
    Ok(diesel::update(
        web_sessions::table.filter(web_sessions::staff_id.eq(staff_id)).filter(web_sessions::revoked_at.is_null()),
    )
    .set(web_sessions::revoked_at.eq(to_db(now)))
    .execute(conn)?)
}

/// Deletes sessions that were revoked, or expired, before `before` (real time): they open
/// nothing any more, and a session row says who was online when. The expiry of a session of a
/// test-mode study's person is on that study's own clock, which may stand anywhere: those are
/// left until they are revoked. Returns how many.
pub fn delete_ended(conn: &mut DbConnection, before: DateTime<Utc>) -> StoreResult<usize> {
    let before = to_db(before);
    let revoked = diesel::delete(web_sessions::table.filter(web_sessions::revoked_at.lt(before))).execute(conn)?;
    let real_studies = studies::table.filter(studies::test_mode.eq(false)).select(studies::id);
    let real_people = people::table.filter(people::study_id.eq_any(real_studies)).select(people::id.nullable());
    let expired = diesel::delete(
        web_sessions::table
            .filter(web_sessions::expires_at.lt(before))
            .filter(web_sessions::person_id.is_null().or(web_sessions::person_id.eq_any(real_people))),
    )
    .execute(conn)?;
    Ok(revoked + expired)
}
