//! The link from an SMS: it opens a session and moves on to a clean address; an old link says
//! kindly what is open now and when the next one comes.

use super::open::{is_open, next_window};
use super::{db, Page, MAX_GRACE};
use crate::page_error::{respond, Audience, PageError};
use crate::pages::message;
use crate::session;
use crate::state::AppState;
use crate::words::{lang, when};
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use koers_core::register::Reader;
use koers_store::participation as part;
use koers_store::sessions::Subject;
use koers_store::tokens::{self, TokenState};
use koers_texts::{t, t_in};

/// The link from an SMS: opens a session and sends the browser on to a clean address.
pub(super) async fn open_link(state: web::Data<AppState>, req: HttpRequest, token: web::Path<String>) -> HttpResponse {
    respond(&state, open_link_inner(&state, &req, token.into_inner()).await)
}

async fn open_link_inner(state: &AppState, req: &HttpRequest, token: String) -> Page {
    if !state.limits.link_allowed(req) {
        let (heading, line) = (t("nl", "p-link-busy-heading", &[]), t("nl", "p-link-busy", &[]));
        return Err(message(state, StatusCode::TOO_MANY_REQUESTS, "nl", &heading, &[&line]).into());
    }
    let real_now = state.real_clock.now();
    let st = db(state, true, move |c| tokens::redeem(c, &token, real_now)).await?;
    match st {
        TokenState::Valid { person_id, purpose, expires_at, clock, .. } => {
            let subject =
                if purpose == "guardian" { Subject::GuardianOf(person_id) } else { Subject::Person(person_id) };
            // The session lasts as long as the link it was opened with: the window's close and
            // its grace period, so nobody is signed out halfway through a questionnaire.
            let (cookie, _) = session::open(state, subject, expires_at, clock)
                .await
                .map_err(|_| PageError::Unavailable(Audience::Participant("nl")))?;
            let to = if purpose == "guardian" { "/g" } else { "/p" };
            Ok(HttpResponse::SeeOther()
                .cookie(cookie)
                .insert_header((header::LOCATION, to))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish())
        }
        TokenState::Expired { person_id, purpose, .. } if purpose == "guardian" => {
            expired_guardian_link(state, person_id).await
        }
        TokenState::Expired { person_id, clock, .. } => expired_link(state, person_id, clock.at(real_now)).await,
        TokenState::Unknown => {
            let (heading, line) = (t("nl", "p-link-unknown-heading", &[]), t("nl", "p-link-unknown", &[]));
            Err(message(state, StatusCode::NOT_FOUND, "nl", &heading, &[&line]).into())
        }
    }
}

/// An old link: say kindly whether something is open now and when the next one comes.
async fn expired_link(state: &AppState, person_id: i64, now: DateTime<Utc>) -> Page {
    let (person, open, next) = db(state, false, move |c| {
        let person = part::participant(c, person_id)?;
        let open = part::windows_of(c, person_id, now - MAX_GRACE, now)?;
        let subs = part::active_subscriptions_of(c, person_id)?;
        Ok((person, open, subs))
    })
    .await?;
    let Some(person) = person else { return Err(PageError::NotFound(Audience::Participant("nl"))) };
    let zone: Tz = person.time_zone;
    let l = lang(person.locale.as_str());
    let anything_open = open.iter().any(|r| is_open(state, r, now));
    let next = next_window(state, &next, zone, now);
    let t = |key: &str, args: &[(&str, String)]| t_in(l, person.register, key, args);
    let mut lines = vec![t("link-expired", &[])];
    if anything_open {
        lines.push(t("link-expired-open", &[]));
    }
    if let Some(n) = next {
        lines.push(t("link-expired-next", &[("when", when(n, zone, l))]));
    }
    let heading = t("link-expired-heading", &[]);
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    Err(message(state, StatusCode::GONE, l, &heading, &refs).into())
}

/// A parent's old link: nothing of the child's questionnaires, in the study's words for parents.
async fn expired_guardian_link(state: &AppState, student: i64) -> Page {
    let found = db(state, false, move |c| {
        let Some(p) = part::participant(c, student)? else { return Ok(None) };
        Ok(Some(koers_store::studies::settings_of(c, p.study_id)?.register.of(Reader::Parent)))
    })
    .await?;
    let Some(register) = found else { return Err(PageError::NotFound(Audience::Participant("nl"))) };
    let (heading, line) =
        (t_in("nl", register, "link-expired-heading", &[]), t_in("nl", register, "link-expired", &[]));
    Err(message(state, StatusCode::GONE, "nl", &heading, &[&line]).into())
}
