//! Session cookies and CSRF checks shared by the participant and the staff pages.
//!
//! The cookie holds a random value whose hash is the session's key in the database; it is
//! HttpOnly, SameSite=Lax, and Secure whenever the installation is reached over HTTPS. Every
//! form carries the session's CSRF token in a hidden field named `csrf`.
//!
//! A staff session also ends after `staff.idle_timeout_minutes` (30) without a request, besides
//! its fixed lifetime: a computer left unlocked in a staff room does not stay logged in all day.
//! The last request is recorded at most once a minute, so a busy page costs no extra writes.

use crate::state::AppState;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{web, HttpRequest};
use chrono::{DateTime, Utc};
use koers_core::clock::StudyClock;
use koers_store::sessions::{self, SessionKind, SessionRow, Subject};
use koers_store::tokens::hash_token;
use koers_store::StoreError;

pub const PARTICIPANT_COOKIE: &str = "koers_p";
pub const STAFF_COOKIE: &str = "koers_s";
pub const GUARDIAN_COOKIE: &str = "koers_g";
/// A staff member between the password and the second factor.
pub const STAFF_PENDING_COOKIE: &str = "koers_s2";

/// How often the last request of a staff session is written down.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// The name of the hidden form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

fn cookie_name(kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::Participant => PARTICIPANT_COOKIE,
        SessionKind::Guardian => GUARDIAN_COOKIE,
        SessionKind::Staff => STAFF_COOKIE,
        SessionKind::StaffPending => STAFF_PENDING_COOKIE,
    }
}

/// The cookie that carries a freshly opened session; it lasts as long as the session does
/// (`expires_at` on the clock `clock`: the person's study's, or real time for staff).
pub fn cookie(
    state: &AppState,
    kind: SessionKind,
    value: String,
    expires_at: DateTime<Utc>,
    clock: StudyClock,
) -> Cookie<'static> {
    let seconds = (expires_at - clock.now(state.real_clock.as_ref())).num_seconds().max(60);
    Cookie::build(cookie_name(kind), value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.base_url.starts_with("https://"))
        .max_age(CookieDuration::seconds(seconds))
        .finish()
}

/// A cookie that removes the session cookie of this kind from the browser.
pub fn removal(state: &AppState, kind: SessionKind) -> Cookie<'static> {
    let mut c = Cookie::build(cookie_name(kind), "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.base_url.starts_with("https://"))
        .finish();
    c.make_removal();
    c
}

/// Opens a session for a person or a staff member; returns the cookie to set and the session
/// (`expires_at` on `clock`: the person's study's clock, or [`StudyClock::REAL`] for staff).
pub async fn open(
    state: &AppState,
    subject: Subject,
    expires_at: DateTime<Utc>,
    clock: StudyClock,
) -> Result<(Cookie<'static>, SessionRow), StoreError> {
    let db = state.db.clone();
    let now = clock.now(state.real_clock.as_ref());
    let opened = web::block(move || db.write(|c| sessions::open(c, subject, expires_at, now, clock)))
        .await
        .map_err(|_| StoreError::Busy)??;
    Ok((cookie(state, subject.kind(), opened.cookie_value, expires_at, clock), opened.session))
}

/// The request's session cookie of this kind, to look up with [`sessions::find`].
pub fn cookie_value(req: &HttpRequest, kind: SessionKind) -> Option<String> {
    req.cookie(cookie_name(kind)).map(|c| c.value().to_string())
}

/// The live session of this kind that the request's cookie belongs to. A staff session idle
/// for longer than the setting allows is ended here and counts as none.
pub async fn current(state: &AppState, req: &HttpRequest, kind: SessionKind) -> Result<Option<SessionRow>, StoreError> {
    let Some(value) = cookie_value(req, kind) else { return Ok(None) };
    let db = state.db.clone();
    let now = state.real_clock.now();
    let found =
        web::block(move || db.read(|c| sessions::find(c, kind, &value, now))).await.map_err(|_| StoreError::Busy)??;
    let Some(session) = found else { return Ok(None) };
    if kind != SessionKind::Staff {
        return Ok(Some(session));
    }
    let idle = now - session.last_seen_at;
    let limit = chrono::TimeDelta::minutes(i64::from(state.settings.staff.idle_timeout_minutes));
    if idle > limit {
        close(state, &session).await?;
        return Ok(None);
    }
    if idle.num_seconds() >= TOUCH_EVERY_SECONDS {
        let db = state.db.clone();
        let id = session.id;
        web::block(move || db.write(|c| sessions::touch(c, id, now))).await.map_err(|_| StoreError::Busy)??;
    }
    Ok(Some(session))
}

/// Ends the session in the database (the caller removes the cookie).
pub async fn close(state: &AppState, session: &SessionRow) -> Result<(), StoreError> {
    let db = state.db.clone();
    let now = state.real_clock.now();
    let id = session.id;
    web::block(move || db.write(|c| sessions::revoke(c, id, now))).await.map_err(|_| StoreError::Busy)?
}

/// Whether a submitted form carries this session's CSRF token. Compared as hashes so the time
/// taken says nothing about how much of a guess was right.
pub fn csrf_ok(session: &SessionRow, form: &[(String, String)]) -> bool {
    let sent = form.iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.as_str());
    sent.is_some_and(|s| hash_token(s) == hash_token(&session.csrf_token))
}
