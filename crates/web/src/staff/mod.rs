//! The coordinator's pages: log in, find people, look one up, enrol, change a phone number, hand
//! a student over, end a student's participation, withdraw a person, and see who needs attention.
//!
//! Every page checks the staff session and resolves the account's [`Scope`] first; a person
//! outside it gets the very page an unknown id gets (404). Every POST carries the session's CSRF
//! token. The login form has no session yet, so it uses a double-submit token: GET sets a
//! short-lived random cookie (HttpOnly, SameSite=Strict, path /staff/login) and puts the same
//! value in a hidden field; POST accepts only when the two agree. Another site can neither read
//! nor set that cookie, so it cannot forge a login (login CSRF).

mod accounts;
mod attention;
mod ending;
mod enrol;
mod exclusion;
mod handover;
mod language;
mod login;
mod people;
mod person;
mod phone;
mod protocol_move;
mod report;
pub(crate) mod study_times;
mod withdrawal;

use crate::page_error::{Audience, PageError, StaffLang};
use crate::session;
use crate::state::AppState;
use actix_web::http::header::{self, ContentType};
use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use attention::attention;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use ending::end;
use enrol::{enrol, enrol_form};
use handover::handover;
use koers_core::people::Role;
use koers_store::coordination::{CoordinationError, CoordinationResult, FieldProblem};
use koers_store::sessions::{SessionKind, SessionRow, Subject};
use koers_store::staff::{self, Scope, StaffAccount};
use koers_store::{DbConnection, StoreError};
use koers_texts::t;
use login::{login, login_form, logout};
use people::list;
use person::detail;
use phone::change_phone;
use serde_json::{json, Map, Value};
use withdrawal::withdraw;

const LOGIN_COOKIE: &str = "koers_login";
const PER_PAGE: i64 = 25;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/staff/login", web::get().to(login_form))
        .route("/staff/login", web::post().to(login))
        .route("/staff/logout", web::post().to(logout))
        .route("/staff", web::get().to(list))
        .route("/staff/attention", web::get().to(attention))
        .route("/staff/people/new", web::get().to(enrol_form))
        .route("/staff/people/new", web::post().to(enrol))
        .route("/staff/people/{id}", web::get().to(detail))
        .route("/staff/people/{id}/phone", web::post().to(change_phone))
        .route("/staff/people/{id}/handover", web::post().to(handover))
        .route("/staff/people/{id}/end", web::post().to(end))
        .route("/staff/people/{id}/protocol", web::post().to(protocol_move::move_protocol))
        .route("/staff/people/{id}/withdraw", web::post().to(withdraw))
        .route("/staff/language", web::post().to(language::choose));
    accounts::configure(cfg);
    exclusion::configure(cfg);
    report::configure(cfg);
}

type Form = web::Form<Vec<(String, String)>>;

fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to.to_string())).finish()
}

pub(crate) fn render(state: &AppState, status: StatusCode, template: &str, data: &Value) -> HttpResponse {
    match state.templates.render(template, data) {
        Ok(body) => HttpResponse::build(status)
            .content_type(ContentType::html())
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body),
        Err(e) => {
            tracing::error!(template, error = %e, "template failed");
            let lang = data.get("lang").and_then(Value::as_str).unwrap_or("nl");
            PageError::Unavailable(Audience::Staff).into_response_in(state, lang)
        }
    }
}

/// Runs a change in a write transaction. A change refused for a number someone outside the
/// coordinator's scope has is rolled back like any refusal, and the refusal is then audited in
/// a transaction of its own (it counts towards the hourly allowance of refused numbers).
async fn write<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut DbConnection) -> CoordinationResult<T> + Send + 'static,
) -> CoordinationResult<T> {
    let db = state.db.clone();
    let done = web::block(move || db.write(f)).await.map_err(|_| CoordinationError::Store(StoreError::Busy))?;
    match done {
        Err(CoordinationError::NumberRefused { problems, refusal }) => {
            let (db, now) = (state.db.clone(), state.real_clock.now());
            web::block(move || db.write(|c| koers_store::coordination::record_refusal(c, &refusal, now)))
                .await
                .map_err(|_| CoordinationError::Store(StoreError::Busy))??;
            Err(CoordinationError::Problems(problems))
        }
        other => other,
    }
}

async fn read<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut DbConnection) -> CoordinationResult<T> + Send + 'static,
) -> CoordinationResult<T> {
    let db = state.db.clone();
    web::block(move || db.read(f)).await.map_err(|_| CoordinationError::Store(StoreError::Busy))?
}

/// The logged-in staff member of a request.
struct Staff {
    session: SessionRow,
    account: StaffAccount,
    scope: Scope,
    /// Test-mode studies among the account's: every page says their data is a rehearsal.
    test_studies: Vec<String>,
}

/// A signed-in staff member: the session, the account, the names of the test-mode studies it
/// works in, and what the page asked to read for it.
pub(crate) struct SignedIn<T> {
    pub session: SessionRow,
    pub account: StaffAccount,
    pub test_studies: Vec<String>,
    pub loaded: T,
}

/// The staff session of a request and its account, if the account is still active, with what
/// `load` reads for it; or the response to give instead: the login page without a session or for
/// an account that is gone or disabled (whose session is then closed), a busy page when the store
/// cannot answer. The staff pages and the dashboard both start here.
pub(crate) async fn staff_session<T: Send + 'static>(
    state: &AppState,
    req: &HttpRequest,
    load: impl FnOnce(&mut DbConnection, i64) -> Result<T, StoreError> + Send + 'static,
) -> Result<SignedIn<T>, PageError> {
    let session = match session::current(state, req, SessionKind::Staff).await {
        Ok(Some(s)) => s,
        Ok(None) => return Err(see_other("/staff/login").into()),
        Err(_) => return Err(PageError::Unavailable(Audience::Staff)),
    };
    let Subject::Staff(id) = session.subject else { return Err(see_other("/staff/login").into()) };
    let db = state.db.clone();
    let found = web::block(move || {
        db.read(|c| Ok::<_, StoreError>((staff::account(c, id)?, staff::test_studies_of(c, id)?, load(c, id)?)))
    })
    .await;
    match found {
        Ok(Ok((Some(account), test_studies, loaded))) if account.disabled_at.is_none() => {
            req.extensions_mut().insert(StaffLang(koers_texts::lang_of(&account.locale)));
            Ok(SignedIn { session, account, test_studies, loaded })
        }
        Ok(Ok(_)) => {
            let _ = session::close(state, &session).await;
            Err(see_other("/staff/login").into())
        }
        Ok(Err(_)) | Err(_) => Err(PageError::Unavailable(Audience::Staff)),
    }
}

/// The staff member behind the request, or the response to give instead: see [`staff_session`],
/// and a friendly refusal for an account that may see nobody.
async fn staff_member(state: &AppState, req: &HttpRequest) -> Result<Staff, PageError> {
    let SignedIn { session, account, test_studies, loaded: scope } = staff_session(state, req, staff::scope_of).await?;
    if scope.is_empty() {
        // Researchers see no people, only the figures: their pages start at the dashboard,
        // which says kindly when an account has no role at all.
        return Err(see_other("/staff/dashboard").into());
    }
    Ok(Staff { session, account, scope, test_studies })
}

impl Staff {
    /// The language of this staff member's pages: Dutch unless their account says English.
    fn lang(&self) -> &'static str {
        koers_texts::lang_of(&self.account.locale)
    }
}

/// What every staff page shows around its content, in the staff member's language.
fn base_in(s: &Staff, title: &str, lang: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("lang".into(), json!(lang));
    m.insert("title".into(), json!(title));
    m.insert("staff_name".into(), json!(s.account.display_name));
    m.insert("csrf".into(), json!(s.session.csrf_token));
    m.insert("test_studies".into(), json!(s.test_studies));
    m
}

fn role_word(lang: &str, r: Role) -> String {
    match r {
        Role::Student => t(lang, "role-student", &[]),
        Role::Mentor => t(lang, "role-mentor", &[]),
    }
}

fn nl_date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

pub(crate) fn nl_instant(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%d-%m-%Y %H:%M").to_string()
}

/// Percent-encodes a query value.
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn parse_id(raw: &str) -> Option<i64> {
    raw.parse::<i64>().ok().filter(|id| *id > 0)
}

/// The problems of a form in the page's language: by field (every field present, for the strict
/// templates), those of the form as a whole, and a summary for the top of the page that links
/// each problem to its field (`{"href": "#field", "text": ...}`).
struct Problems {
    errors: Map<String, Value>,
    general: Vec<String>,
    summary: Vec<Value>,
}

fn problems_map(lang: &str, fields: &[&str], problems: &[FieldProblem]) -> Problems {
    let mut errors: Map<String, Value> = fields.iter().map(|f| (f.to_string(), Value::Null)).collect();
    let mut general = Vec::new();
    let mut summary = Vec::new();
    for p in problems {
        let text = koers_texts::msg(lang, &p.msg);
        match p.field.as_deref().filter(|f| fields.contains(f)) {
            Some(f) => {
                summary.push(json!({"href": format!("#{f}"), "text": text}));
                let e = errors.get_mut(f).expect("every field is present");
                if e.is_null() {
                    *e = json!(text);
                } else {
                    *e = json!(format!("{} {}", e.as_str().unwrap_or(""), text));
                }
            }
            None => general.push(text),
        }
    }
    Problems { errors, general, summary }
}
