//! Logging in and out. The login form has no session yet, so it carries a double-submit token
//! (see the module's documentation). The password is checked by [`crate::login`] (limits per
//! address and per account, failures audited), and a right one leads on to the second factor
//! where the account has or needs one ([`crate::two_factor`]).

use super::{field, render, see_other, Form, LOGIN_COOKIE};
use crate::login::{self, Password};
use crate::page_error::{respond_staff, staff_message, Audience, PageError, PageResult};
use crate::session::{self, CSRF_FIELD};
use crate::state::AppState;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::sessions::SessionKind;
use koers_texts::t;
use serde_json::json;

/// Before anyone is logged in, nobody's language is known: these pages are Dutch.
const LANG: &str = "nl";

/// The login form, with the catalogue key of what went wrong, if anything.
fn login_page(state: &AppState, status: StatusCode, email: &str, error: Option<&str>) -> HttpResponse {
    let token = koers_store::tokens::new_token().plain;
    let cookie = Cookie::build(LOGIN_COOKIE, token.clone())
        .path("/staff/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.base_url.starts_with("https://"))
        .max_age(CookieDuration::minutes(30))
        .finish();
    let error = error.map(|key| t(LANG, key, &[]));
    let data =
        json!({"lang": LANG, "title": t(LANG, "login-title", &[]), "csrf": token, "email": email, "error": error});
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
    respond_staff(&state, &req, log_in(&state, &req, &form).await)
}

async fn log_in(state: &AppState, req: &HttpRequest, form: &[(String, String)]) -> PageResult {
    if !state.limits.login_allowed(req) {
        let (heading, text) = (t(LANG, "staff-wait-heading", &[]), t(LANG, "login-too-often", &[]));
        return Err(staff_message(state, StatusCode::TOO_MANY_REQUESTS, LANG, &heading, &text).into());
    }
    let sent = field(form, CSRF_FIELD);
    let cookie = req.cookie(LOGIN_COOKIE).map(|c| c.value().to_string()).unwrap_or_default();
    let hash = koers_store::tokens::hash_token;
    if cookie.is_empty() || !koers_store::tokens::looks_like_token(sent) || hash(sent) != hash(&cookie) {
        return Err(PageError::CsrfRefused(Audience::Staff));
    }
    let email = field(form, "email").trim().to_string();
    let password = field(form, "password").to_string();
    if email.len() > 254 || password.len() > 1024 {
        return Ok(login_page(state, StatusCode::UNPROCESSABLE_ENTITY, "", Some(WRONG)));
    }
    let checked = login::check_password(state, req, &email, &password, "page").await;
    match checked {
        Ok(Password::Right { account, next }) => {
            let mut out = crate::two_factor::after_password(state, &account, next).await;
            let mut gone = Cookie::build(LOGIN_COOKIE, "").path("/staff/login").finish();
            gone.make_removal();
            let _ = out.add_cookie(&gone);
            Ok(out)
        }
        Ok(Password::Wrong) => Ok(login_page(state, StatusCode::UNAUTHORIZED, &email, Some(WRONG))),
        Ok(Password::Throttled(wait)) => {
            let minutes = (wait.num_seconds() + 59) / 60;
            let text = t(LANG, "login-wait", &[("minutes", minutes.to_string())]);
            Err(staff_message(state, StatusCode::TOO_MANY_REQUESTS, LANG, &t(LANG, "staff-wait-heading", &[]), &text)
                .into())
        }
        Err(_) => Err(PageError::Unavailable(Audience::Staff)),
    }
}

/// One message for an unknown address, a wrong password and a disabled account alike.
const WRONG: &str = "login-wrong";

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
