//! Logging in and out. The login form has no session yet, so it carries a double-submit token
//! (see the module's documentation).

use super::{field, render, see_other, write, Form, LOGIN_COOKIE, SESSION_HOURS};
use crate::page_error::{respond, Audience, PageError, PageResult};
use crate::pages::message;
use crate::session::{self, CSRF_FIELD};
use crate::state::AppState;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, TimeDelta, Utc};
use koers_core::clock::StudyClock;
use koers_store::sessions::{SessionKind, Subject};
use koers_store::staff;
use koers_store::{audit, DbConnection, StoreError};
use serde_json::json;

fn audit_staff(c: &mut DbConnection, staff_id: i64, action: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    audit::record(
        c,
        now,
        &audit::Entry {
            actor: &format!("staff:{staff_id}"),
            actor_staff_id: Some(staff_id),
            action,
            target_kind: Some("staff"),
            target_id: Some(staff_id),
            ..Default::default()
        },
    )
}

fn login_page(state: &AppState, status: StatusCode, email: &str, error: Option<&str>) -> HttpResponse {
    let (token, _) = koers_store::tokens::new_token();
    let cookie = Cookie::build(LOGIN_COOKIE, token.clone())
        .path("/staff/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.base_url.starts_with("https://"))
        .max_age(CookieDuration::minutes(30))
        .finish();
    let data = json!({"lang": "nl", "title": "Inloggen", "csrf": token, "email": email, "error": error});
    let mut r = render(state, status, "staff_login", &data);
    let _ = r.add_cookie(&cookie);
    r
}

pub(super) async fn login_form(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    if let Ok(Some(_)) = session::current(&state, &req, SessionKind::Staff).await {
        return see_other("/staff");
    }
    login_page(&state, StatusCode::OK, "", None)
}

pub(super) async fn login(state: web::Data<AppState>, req: HttpRequest, form: Form) -> HttpResponse {
    respond(&state, log_in(&state, &req, &form).await)
}

async fn log_in(state: &AppState, req: &HttpRequest, form: &[(String, String)]) -> PageResult {
    if !state.limits.login_allowed(req) {
        return Err(message(
            state,
            StatusCode::TOO_MANY_REQUESTS,
            "nl",
            "Even wachten",
            &["Er is te vaak geprobeerd in te loggen. Wacht een minuut en probeer het dan opnieuw."],
        )
        .into());
    }
    let sent = field(form, CSRF_FIELD);
    let cookie = req.cookie(LOGIN_COOKIE).map(|c| c.value().to_string()).unwrap_or_default();
    let hash = koers_store::tokens::hash_token;
    if cookie.is_empty() || !koers_store::tokens::looks_like_token(sent) || hash(sent) != hash(&cookie) {
        return Err(PageError::CsrfRefused(Audience::Staff));
    }
    let email = field(form, "email").trim().to_string();
    let password = field(form, "password").to_string();
    let now = state.real_clock.now();
    let typed = email.clone();
    let checked = write(state, move |c| {
        let ok = staff::verify_login(c, &email, &password, now)?;
        if let Some(a) = &ok {
            audit_staff(c, a.id, "staff.login", now)?;
        }
        Ok(ok)
    })
    .await;
    match checked {
        Ok(Some(account)) => {
            let expires = now + TimeDelta::hours(SESSION_HOURS);
            match session::open(state, Subject::Staff(account.id), expires, StudyClock::REAL).await {
                Ok((cookie, _)) => {
                    let mut gone = Cookie::build(LOGIN_COOKIE, "").path("/staff/login").finish();
                    gone.make_removal();
                    Ok(HttpResponse::SeeOther()
                        .insert_header((header::LOCATION, "/staff"))
                        .cookie(cookie)
                        .cookie(gone)
                        .finish())
                }
                Err(_) => Err(PageError::Unavailable(Audience::Staff)),
            }
        }
        Ok(None) => Ok(login_page(
            state,
            StatusCode::UNAUTHORIZED,
            &typed,
            Some("Dit e-mailadres en wachtwoord passen niet bij elkaar. Controleer ze en probeer het opnieuw."),
        )),
        Err(_) => Err(PageError::Unavailable(Audience::Staff)),
    }
}

pub(super) async fn logout(state: web::Data<AppState>, req: HttpRequest, form: Form) -> HttpResponse {
    let Ok(Some(s)) = session::current(&state, &req, SessionKind::Staff).await else {
        return see_other("/staff/login");
    };
    if !session::csrf_ok(&s, &form) {
        return PageError::CsrfRefused(Audience::Staff).into_response(&state);
    }
    let _ = session::close(&state, &s).await;
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/staff/login"))
        .cookie(session::removal(&state, SessionKind::Staff))
        .finish()
}
