//! Logging out: a participant on a shared or borrowed phone ends their session, so the next
//! person to pick it up sees nothing of theirs. The SMS link opens a new session at any time.

use crate::page_error::{respond, Audience, PageError};
use crate::pages::message;
use crate::session::{self, csrf_ok};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::sessions::{SessionKind, Subject};

/// The foot of every participant page with a session: the way to help (if the study lists
/// any) and the small log-out form.
pub(super) fn logout_form(me: &super::Me) -> serde_json::Value {
    let button = me.t("p-logout", &[]);
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
        Ok(None) => return done(&state, "nl"),
        Err(_) => return respond(&state, Err(PageError::Unavailable(Audience::Participant("nl")))),
    };
    if !csrf_ok(&session, &form) {
        return respond(&state, Err(PageError::CsrfRefused(Audience::Participant("nl"))));
    }
    // The goodbye in the person's language; the session is about to end, so ask first.
    let lang = match session.subject {
        Subject::Person(id) => super::db(&state, false, move |c| koers_store::participation::participant(c, id))
            .await
            .ok()
            .flatten()
            .map_or("nl", |p| crate::words::lang(p.locale.as_str())),
        _ => "nl",
    };
    if session::close(&state, &session).await.is_err() {
        return respond(&state, Err(PageError::Unavailable(Audience::Participant(lang))));
    }
    done(&state, lang)
}

/// Logged out, in words for anyone: without a session nobody in particular reads it.
fn done(state: &AppState, lang: &str) -> HttpResponse {
    let (heading, line) =
        (koers_texts::t(lang, "p-logged-out-heading", &[]), koers_texts::t(lang, "p-logged-out", &[]));
    let mut r = message(state, StatusCode::OK, lang, &heading, &[&line]);
    let _ = r.add_cookie(&session::removal(state, SessionKind::Participant));
    r
}
