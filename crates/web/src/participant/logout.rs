//! Logging out: a participant on a shared or borrowed phone ends their session, so the next
//! person to pick it up sees nothing of theirs. The SMS link opens a new session at any time.

use crate::page_error::{respond, Audience, PageError};
use crate::pages::message;
use crate::session::{self, csrf_ok};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::sessions::SessionKind;

/// The foot of every participant page with a session: the way to help (if the study lists
/// any) and the small log-out form.
pub(super) fn logout_form(me: &super::Me) -> serde_json::Value {
    let button = koers_texts::t(me.lang, "p-logout", &[]);
    serde_json::json!({"action": "/p/uitloggen", "csrf": me.session.csrf_token, "button": button,
                       "help": super::help::link_label(me)})
}

pub(super) async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let session = match session::current(&state, &req, SessionKind::Participant).await {
        Ok(Some(s)) => s,
        // No session (any more): nothing to end, and nothing to show of anyone.
        Ok(None) => return done(&state),
        Err(_) => return respond(&state, Err(PageError::Unavailable(Audience::Participant("nl")))),
    };
    if !csrf_ok(&session, &form) {
        return respond(&state, Err(PageError::CsrfRefused(Audience::Participant("nl"))));
    }
    if session::close(&state, &session).await.is_err() {
        return respond(&state, Err(PageError::Unavailable(Audience::Participant("nl"))));
    }
    done(&state)
}

fn done(state: &AppState) -> HttpResponse {
    let mut r = message(
        state,
        StatusCode::OK,
        "nl",
        "Je bent uitgelogd",
        &[
            "Wil je verder? Open dan de link uit je sms nog een keer.",
            "You are logged out. To go on, open the link in your text message again.",
        ],
    );
    let _ = r.add_cookie(&session::removal(state, SessionKind::Participant));
    r
}
