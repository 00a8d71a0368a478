//! What students, mentors and parents do in the browser, from the SMS link to a stored answer.
//!
//! The link's token opens a session and the browser is sent on to a clean address, so the token
//! never stays in the address bar or the history. Every response is looked up through the
//! session's person: an id changed in an address or a form finds nothing (404), never someone
//! else's questionnaire. Mentors see whether their students answered, never what.

#![allow(clippy::result_large_err)] // The error side is the page to show instead; one per request.

mod consent;
mod draft;
mod feedback;
mod feedback_consent;
mod guardian;
mod help;
mod home;
mod link;
mod logout;
mod mentor;
mod my_mentor;
mod open;
mod pause;
mod prefill;
mod questionnaire;
mod stop;
mod student_view;
mod thanks;

use crate::page_error::{Audience, PageError, PageResult};
use crate::pages::message;
use crate::questionnaire_page::PageInput;
use crate::session;
use crate::state::AppState;
use crate::words::lang;
use actix_web::http::header::{self, ContentType};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use consent::consent;
use guardian::{guardian_page, guardian_submit};
use home::home;
use koers_core::people::Gender;
use koers_core::protocol::Protocol;
use koers_core::questionnaire::vars::PersonVars;
use koers_core::questionnaire::Questionnaire;
use koers_store::participation::{self as part, Participant};
use koers_store::sessions::{self, SessionKind, SessionRow, Subject};
use koers_store::{DbConnection, StoreError};
use link::open_link;
use my_mentor::my_mentor;
use questionnaire::{show, submit};
use serde_json::{json, Value};
use std::sync::Arc;
use stop::{stop, stop_page};
use thanks::thanks;

/// Windows that closed longer ago than this cannot be in their grace period any more.
const MAX_GRACE: TimeDelta = koers_core::protocol::LONGEST_GRACE_PERIOD;
/// Submitted forms larger than this are refused before they are read.
const FORM_LIMIT: usize = 256 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::FormConfig::default().limit(FORM_LIMIT))
        .route("/l/{token}", web::get().to(open_link))
        .route("/p", web::get().to(home))
        .route("/p/toestemming", web::post().to(consent))
        .route("/p/r/{id}", web::get().to(show))
        .route("/p/r/{id}", web::post().to(submit))
        .route("/p/r/{id}/concept", web::post().to(draft::save))
        .route("/p/r/{id}/vorige-week", web::post().to(prefill::copy_last_week))
        .route("/p/klaar/{id}", web::get().to(thanks))
        .route(feedback_consent::ACTION, web::get().to(feedback_consent::page))
        .route(feedback_consent::ACTION, web::post().to(feedback_consent::submit))
        .route("/p/student/{id}", web::get().to(student_view::view))
        .route("/p/begeleider", web::get().to(my_mentor))
        .route("/p/hulp", web::get().to(help::help_page))
        .route("/p/pauze", web::get().to(pause::pause_page))
        .route("/p/pauze", web::post().to(pause::pause))
        .route("/p/stoppen", web::get().to(stop_page))
        .route("/p/stoppen", web::post().to(stop))
        .route("/p/uitloggen", web::post().to(logout::logout))
        .route("/g", web::get().to(guardian_page))
        .route("/g", web::post().to(guardian_submit));
}

/// A participant page, or the page to show instead.
type Page = PageResult;

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(ContentType::html())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

fn render(state: &AppState, template: &str, data: &Value) -> Page {
    state.templates.render(template, data).map(|b| html(StatusCode::OK, b)).map_err(|e| {
        tracing::error!(template, error = %e, "template failed");
        PageError::Unavailable(Audience::Participant("nl"))
    })
}

/// Runs storage work off the async threads; a failure becomes the friendly "one moment" page.
async fn db<T: Send + 'static>(
    state: &AppState,
    write: bool,
    f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, PageError> {
    let database = state.db.clone();
    let r = web::block(move || if write { database.write(f) } else { database.read_snapshot(f) }).await;
    match r {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "participant page: storage failed");
            Err(PageError::Unavailable(Audience::Participant("nl")))
        }
        Err(_) => Err(PageError::Unavailable(Audience::Participant("nl"))),
    }
}

/// The person behind the session, with their language and zone, and what "now" is in their
/// study (its own clock, for a study in test mode).
struct Me {
    session: SessionRow,
    person: Participant,
    lang: &'static str,
    /// "je" or "u" on their pages: pass `me.register.code()` as the page's `register` and use
    /// [`Me::t`] in Rust.
    register: koers_texts::Register,
    zone: Tz,
    now: DateTime<Utc>,
}

impl Me {
    /// The catalogue's text of `key` in this person's language and register.
    fn t(&self, key: &str, args: &[(&str, String)]) -> String {
        koers_texts::t_in(self.lang, self.register, key, args)
    }
}

/// The page for a visitor without a session: nobody in particular, so words for everyone.
fn signed_out(state: &AppState) -> HttpResponse {
    let t = |key| koers_texts::t("nl", key, &[]);
    message(state, StatusCode::UNAUTHORIZED, "nl", &t("p-signed-out-heading"), &[&t("p-signed-out")])
}

async fn me(state: &AppState, req: &HttpRequest) -> Result<Me, PageError> {
    me_and(state, req, |_, _| Ok(())).await.map(|(me, ())| me)
}

/// The person behind the session and whatever `more` reads about them, in one trip to the
/// database: a page view waits for the blocking pool once, not once per question it asks.
async fn me_and<T: Send + 'static>(
    state: &AppState,
    req: &HttpRequest,
    more: impl FnOnce(&mut DbConnection, &Participant) -> Result<T, StoreError> + Send + 'static,
) -> Result<(Me, T), PageError> {
    let Some(value) = session::cookie_value(req, SessionKind::Participant) else {
        return Err(signed_out(state).into());
    };
    let real_now = state.real_clock.now();
    let found = db(state, false, move |c| {
        let Some(session) = sessions::find(c, SessionKind::Participant, &value, real_now)? else { return Ok(None) };
        let Subject::Person(person_id) = session.subject else { return Ok(Some((session, None))) };
        let Some(person) = part::participant(c, person_id)? else { return Ok(Some((session, None))) };
        let more = more(c, &person)?;
        Ok(Some((session, Some((person, more)))))
    })
    .await?;
    let Some((session, person)) = found else { return Err(signed_out(state).into()) };
    let Some((person, more)) = person else { return Err(PageError::NotFound(Audience::Participant("nl"))) };
    let zone: Tz = person.time_zone;
    let lang = lang(person.locale.as_str());
    let now = session.clock.at(real_now);
    let register = person.register;
    Ok((Me { session, person, lang, register, zone, now }, more))
}

fn protocol_of(state: &AppState, content: &str) -> Option<Arc<Protocol>> {
    state.definitions.protocol(content)
}

fn gender(g: &Option<String>) -> Option<Gender> {
    g.as_deref().and_then(|g| Gender::from_import(g).ok().flatten())
}

/// The newest version of a study's questionnaire: its id and the parsed definition.
async fn questionnaire(state: &AppState, study_id: i64, key: String) -> Result<(i64, Arc<Questionnaire>), PageError> {
    let k = key.clone();
    let newest = db(state, false, move |c| koers_store::definitions::latest_questionnaire_id(c, study_id, &k)).await?;
    questionnaire_by_id(state, study_id, key, newest).await
}

/// The parsed questionnaire of the newest version's id: nearly always cached already, and the
/// source (kilobytes of YAML) is read only when it is not.
async fn questionnaire_by_id(
    state: &AppState,
    study_id: i64,
    key: String,
    newest: Option<i64>,
) -> Result<(i64, Arc<Questionnaire>), PageError> {
    if let Some((id, q)) = newest.and_then(|id| Some((id, state.definitions.cached_questionnaire(id)?))) {
        return Ok((id, q));
    }
    let k = key.clone();
    let found = db(state, false, move |c| koers_store::definitions::latest_questionnaire(c, study_id, &k)).await?;
    let Some(stored) = found else {
        tracing::error!(questionnaire = %key, "a questionnaire a protocol names is not loaded");
        return Err(PageError::Unavailable(Audience::Participant("nl")));
    };
    match state.definitions.questionnaire(stored.id, &key, &stored.content) {
        Some(q) => Ok((stored.id, q)),
        None => {
            tracing::error!(questionnaire = %key, "a stored questionnaire does not parse");
            Err(PageError::Unavailable(Audience::Participant("nl")))
        }
    }
}

fn base_input(me: &Me, action: String) -> PageInput {
    PageInput {
        lang: me.lang.into(),
        fallback_lang: "nl".into(),
        vars: PersonVars {
            first_name: me.person.first_name.clone(),
            mentor_title: Some(me.person.mentor_title.clone()),
            ..Default::default()
        },
        action,
        csrf: me.session.csrf_token.clone(),
        today: Some(me.now.with_timezone(&me.zone).date_naive()),
        first_time: true,
        help: help::link_label(me),
        register: me.register,
        ..Default::default()
    }
}

/// A `tel:` address for a number as people write it ("020 123 4567"): a tap calls it.
fn tel_href(phone: &str) -> String {
    let digits: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    format!("tel:{digits}")
}

/// A simple page: heading, a few sentences and links.
fn info<H: AsRef<str>>(state: &AppState, me: &Me, (heading, lines): (H, Vec<String>), links: Vec<Value>) -> Page {
    render(
        state,
        "p_info",
        &json!({"lang": me.lang, "register": me.register.code(), "title": "koers", "heading": heading.as_ref(), "paragraphs": lines, "links": links, "form": false,
                "logout": logout::logout_form(me)}),
    )
}
