//! The pages of the second factor; see the module's documentation.

use crate::login::{self, SecondFactor};
use crate::page_error::{staff_message, StaffLang};
use crate::pages::message;
use crate::session;
use crate::state::AppState;
use actix_web::http::header::{self, ContentType};
use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use base64::Engine;
use chrono::TimeDelta;
use koers_core::clock::StudyClock;
use koers_store::sessions::{SessionKind, SessionRow, Subject};
use koers_store::staff::{self, StaffAccount};
use koers_store::totp_store::{self, TwoFactor};
use koers_store::{audit, StoreError};
use koers_texts::t;
use serde_json::{json, Value};

/// How long the step between password and code may take.
const PENDING_MINUTES: i64 = 10;
/// The name in the authenticator app.
const ISSUER: &str = "koers";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/staff/2fa", web::get().to(code_form))
        .route("/staff/2fa", web::post().to(code_submit))
        .route("/staff/2fa/setup", web::get().to(setup_form))
        .route("/staff/2fa/setup", web::post().to(setup_submit));
}

type Form = web::Form<Vec<(String, String)>>;

fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to.to_string())).finish()
}

fn page(state: &AppState, status: StatusCode, template: &str, data: &Value) -> HttpResponse {
    match state.templates.render(template, data) {
        Ok(body) => HttpResponse::build(status)
            .content_type(ContentType::html())
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body),
        Err(e) => {
            tracing::error!(template, error = %e, "template failed");
            let lang = data.get("lang").and_then(Value::as_str).unwrap_or("nl");
            busy(state, lang)
        }
    }
}

/// The store or a template failed, in `lang` (Dutch until the account is known).
fn busy(state: &AppState, lang: &str) -> HttpResponse {
    let (heading, text) = (t(lang, "staff-busy-heading", &[]), t(lang, "staff-busy-text", &[]));
    staff_message(state, StatusCode::SERVICE_UNAVAILABLE, lang, &heading, &text)
}

fn expired(state: &AppState, lang: &str) -> HttpResponse {
    let (heading, text) = (t(lang, "staff-expired-heading", &[]), t(lang, "tfa-expired-text", &[]));
    staff_message(state, StatusCode::FORBIDDEN, lang, &heading, &text)
}

fn waiting(state: &AppState, lang: &str, wait: Option<TimeDelta>) -> HttpResponse {
    let minutes = wait.map_or(1, |w| (w.num_seconds() + 59) / 60).max(1);
    let text = t(lang, "tfa-wait", &[("minutes", minutes.to_string())]);
    message(state, StatusCode::TOO_MANY_REQUESTS, lang, &t(lang, "staff-wait-heading", &[]), &[&text])
}

/// Where a right password leads: straight into a staff session, or through the second factor
/// (a pending session to `/staff/2fa`, or to `/staff/2fa/setup` when one must be set up).
/// The login page calls this; `staff.login` is audited when the session is opened.
pub async fn after_password(state: &AppState, account: &StaffAccount, next: SecondFactor) -> HttpResponse {
    let lang = koers_texts::lang_of(&account.locale);
    match next {
        SecondFactor::None => open_staff_session(state, account.id, lang, None).await,
        SecondFactor::Code | SecondFactor::Enrol => {
            let expires = state.real_clock.now() + TimeDelta::minutes(PENDING_MINUTES);
            match session::open(state, Subject::StaffPending(account.id), expires, StudyClock::REAL).await {
                Ok((cookie, _)) => {
                    let to = if next == SecondFactor::Code { "/staff/2fa" } else { "/staff/2fa/setup" };
                    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).cookie(cookie).finish()
                }
                Err(_) => busy(state, lang),
            }
        }
    }
}

/// Opens the staff session (audited as `staff.login`), ends a pending one, and goes to the
/// staff pages (or shows `then` instead of redirecting, with the cookie set).
async fn open_staff_session(state: &AppState, staff_id: i64, lang: &str, then: Option<HttpResponse>) -> HttpResponse {
    let now = state.real_clock.now();
    let db = state.db.clone();
    let audited = web::block(move || {
        db.write(|c| {
            audit::record(
                c,
                now,
                &audit::Entry {
                    actor: &format!("staff:{staff_id}"),
                    actor_staff_id: Some(staff_id),
                    action: "staff.login",
                    target_kind: Some("staff"),
                    target_id: Some(staff_id),
                    ..Default::default()
                },
            )
        })
    })
    .await;
    if !matches!(audited, Ok(Ok(()))) {
        return busy(state, lang);
    }
    let expires = now + TimeDelta::hours(i64::from(state.settings.staff.session_hours));
    let Ok((cookie, _)) = session::open(state, Subject::Staff(staff_id), expires, StudyClock::REAL).await else {
        return busy(state, lang);
    };
    let mut out = then.unwrap_or_else(|| see_other("/staff"));
    let _ = out.add_cookie(&cookie);
    let _ = out.add_cookie(&session::removal(state, SessionKind::StaffPending));
    out
}

/// Whoever is on these pages: a pending session (between password and code) or a logged-in
/// staff member; with their account, if it is still active.
struct Visitor {
    session: SessionRow,
    account: StaffAccount,
    pending: bool,
}

impl Visitor {
    /// The language of the visitor's pages: Dutch unless their account says English.
    fn lang(&self) -> &'static str {
        koers_texts::lang_of(&self.account.locale)
    }
}

async fn visitor(state: &AppState, req: &HttpRequest) -> Result<Visitor, HttpResponse> {
    let (session, pending) = match session::current(state, req, SessionKind::StaffPending).await {
        Ok(Some(s)) => (s, true),
        Ok(None) => match session::current(state, req, SessionKind::Staff).await {
            Ok(Some(s)) => (s, false),
            Ok(None) => return Err(see_other("/staff/login")),
            Err(_) => return Err(busy(state, "nl")),
        },
        Err(_) => return Err(busy(state, "nl")),
    };
    let id = match session.subject {
        Subject::Staff(id) | Subject::StaffPending(id) => id,
        _ => return Err(see_other("/staff/login")),
    };
    let db = state.db.clone();
    match web::block(move || db.read(|c| staff::account(c, id))).await {
        Ok(Ok(Some(account))) if account.disabled_at.is_none() => {
            req.extensions_mut().insert(StaffLang(koers_texts::lang_of(&account.locale)));
            Ok(Visitor { session, account, pending })
        }
        Ok(Ok(_)) => {
            let _ = session::close(state, &session).await;
            Err(see_other("/staff/login"))
        }
        _ => Err(busy(state, "nl")),
    }
}

fn base(v: &Visitor, title: &str) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("lang".into(), json!(v.lang()));
    m.insert("title".into(), json!(title));
    m.insert("csrf".into(), json!(v.session.csrf_token));
    m.insert("pending".into(), json!(v.pending));
    m.insert("staff_name".into(), json!(v.account.display_name));
    m.insert("researcher_only".into(), json!(true));
    m.insert("nav_audit".into(), json!(false));
    m
}

// ---------------------------------------------------------------------------------------------
// The code after the password

async fn code_form(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let v = match visitor(&state, &req).await {
        Ok(v) if v.pending => v,
        Ok(_) => return see_other("/staff"),
        Err(r) => return r,
    };
    if v.account.totp_confirmed_at.is_none() {
        // Nothing to ask a code of yet: set one up first.
        return see_other("/staff/2fa/setup");
    }
    code_page(&state, &v, StatusCode::OK, None)
}

/// The code page, with the catalogue key of what was wrong with the last code, if anything.
fn code_page(state: &AppState, v: &Visitor, status: StatusCode, error: Option<&str>) -> HttpResponse {
    let mut data = base(v, &t(v.lang(), "tfa-code-title", &[]));
    data.insert("error".into(), json!(error.map(|key| t(v.lang(), key, &[]))));
    page(state, status, "staff_2fa", &Value::Object(data))
}

async fn code_submit(state: web::Data<AppState>, req: HttpRequest, form: Form) -> HttpResponse {
    let v = match visitor(&state, &req).await {
        Ok(v) if v.pending => v,
        Ok(_) => return see_other("/staff"),
        Err(r) => return r,
    };
    if !session::csrf_ok(&v.session, &form) {
        return expired(&state, v.lang());
    }
    let code = field(&form, "code").trim().to_string();
    if code.is_empty() || code.len() > 40 {
        return code_page(&state, &v, StatusCode::UNPROCESSABLE_ENTITY, Some("tfa-code-empty"));
    }
    match login::check_code(&state, &req, &v.account, &code, "page").await {
        Ok(Ok(())) => {
            let _ = session::close(&state, &v.session).await;
            open_staff_session(&state, v.account.id, v.lang(), None).await
        }
        Ok(Err(Some(wait))) => waiting(&state, v.lang(), Some(wait)),
        Ok(Err(None)) => code_page(&state, &v, StatusCode::UNAUTHORIZED, Some("tfa-code-wrong")),
        Err(_) => busy(&state, v.lang()),
    }
}

// ---------------------------------------------------------------------------------------------
// Setting one up

/// The secret as a QR code (an SVG in a `data:` address, which the page's CSP allows).
fn qr_image(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(220, 220).quiet_zone(true).build();
    Some(format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg)))
}

/// The secret in groups of four, as people type it into an app.
fn grouped(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

async fn setup_form(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let v = match visitor(&state, &req).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    setup_page(&state, &v, StatusCode::OK, None).await
}

/// The set-up page, with the catalogue key of what was wrong with the last code, if anything.
async fn setup_page(state: &AppState, v: &Visitor, status: StatusCode, error: Option<&str>) -> HttpResponse {
    let Some(key) = login::seal_key(state) else { return busy(state, v.lang()) };
    let id = v.account.id;
    let db = state.db.clone();
    let found = web::block(move || {
        db.write(|c| -> Result<Option<Vec<u8>>, StoreError> {
            if totp_store::status(c, id)? == TwoFactor::Enrolled {
                return Ok(None);
            }
            Ok(Some(totp_store::pending_secret(c, &key, id)?))
        })
    })
    .await;
    let secret = match found {
        Ok(Ok(Some(s))) => s,
        Ok(Ok(None)) => {
            let mut data = base(v, &t(v.lang(), "tfa-setup-title", &[]));
            data.insert("enrolled".into(), json!(true));
            return page(state, StatusCode::OK, "staff_2fa_setup", &Value::Object(data));
        }
        _ => return busy(state, v.lang()),
    };
    let text = koers_core::totp::base32(&secret);
    let uri = koers_core::totp::otpauth_uri(ISSUER, &v.account.email, &secret);
    let mut data = base(v, &t(v.lang(), "tfa-setup-title", &[]));
    data.insert("enrolled".into(), json!(false));
    data.insert("qr".into(), json!(qr_image(&uri)));
    data.insert("secret".into(), json!(grouped(&text)));
    data.insert("error".into(), json!(error.map(|key| t(v.lang(), key, &[]))));
    page(state, status, "staff_2fa_setup", &Value::Object(data))
}

async fn setup_submit(state: web::Data<AppState>, req: HttpRequest, form: Form) -> HttpResponse {
    let v = match visitor(&state, &req).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !session::csrf_ok(&v.session, &form) {
        return expired(&state, v.lang());
    }
    if let Some(wait) = state.limits.account_wait(&v.account.email) {
        return waiting(&state, v.lang(), Some(wait));
    }
    let code = field(&form, "code").trim().to_string();
    let Some(key) = login::seal_key(&state) else { return busy(&state, v.lang()) };
    let (id, now) = (v.account.id, state.real_clock.now());
    let db = state.db.clone();
    let confirmed = web::block(move || {
        db.write(|c| -> Result<Option<Vec<String>>, StoreError> {
            let codes = totp_store::confirm(c, &key, id, &code, now)?;
            if codes.is_some() {
                audit::record(
                    c,
                    now,
                    &audit::Entry {
                        actor: &format!("staff:{id}"),
                        actor_staff_id: Some(id),
                        action: "staff.totp_enrol",
                        target_kind: Some("staff"),
                        target_id: Some(id),
                        ..Default::default()
                    },
                )?;
            }
            Ok(codes)
        })
    })
    .await;
    let codes = match confirmed {
        Ok(Ok(Some(codes))) => codes,
        Ok(Ok(None)) => {
            state.limits.login_failed(&v.account.email);
            return setup_page(&state, &v, StatusCode::UNPROCESSABLE_ENTITY, Some("tfa-setup-wrong")).await;
        }
        Ok(Err(StoreError::Invalid(_))) => return see_other("/staff/2fa/setup"),
        _ => return busy(&state, v.lang()),
    };
    state.limits.login_succeeded(&v.account.email);
    let mut data = base(&v, &t(v.lang(), "tfa-codes-title", &[]));
    data.insert("codes".into(), json!(codes));
    let shown = page(&state, StatusCode::OK, "staff_2fa_codes", &Value::Object(data));
    if v.pending {
        // The password was right and the new factor works: the login is complete.
        let _ = session::close(&state, &v.session).await;
        open_staff_session(&state, v.account.id, v.lang(), Some(shown)).await
    } else {
        shown
    }
}
