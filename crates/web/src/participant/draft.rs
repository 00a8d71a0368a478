//! Keeping answers before they are submitted ([`koers_store::drafts`]): the page's script
//! posts the form here as the person answers (debounced), and a submit whose session has ended
//! keeps what it carried for when the link is opened again.

use super::open::is_open;
use super::{db, me_and, Page};
use crate::page_error::PageError;
use crate::pages::message;
use crate::session::{csrf_ok, CSRF_FIELD};
use crate::state::AppState;
use crate::words::lang;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::drafts;
use koers_store::participation as part;

/// The fields worth keeping: everything the person answered, not the form's token.
pub(super) fn answers_only(fields: &[(String, String)]) -> Vec<(String, String)> {
    fields.iter().filter(|(k, _)| k != CSRF_FIELD && k != "__paradata").cloned().collect()
}

/// `POST /p/r/{id}/concept`: keeps the form as the response's draft (204). Without a session
/// the form's own token still finds its person (see [`rescue`]).
pub(super) async fn save(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let (response_id, fields) = (id.into_inner(), form.into_inner());
    let found = me_and(&state, &req, move |c, p| part::response_of(c, p.id, response_id)).await;
    let outcome = match found {
        Ok((me, Some(r))) if csrf_ok(&me.session, &fields) && is_open(&state, &r, me.now) => {
            let (now, kept) = (me.now, answers_only(&fields));
            db(&state, true, move |c| drafts::save(c, response_id, &kept, now)).await.map(|()| true)
        }
        Ok(_) => Ok(false),
        Err(_) => rescue(&state, response_id, &fields).await.map(|kept| kept.is_some()),
    };
    match outcome {
        Ok(true) => HttpResponse::NoContent().finish(),
        Ok(false) => HttpResponse::Forbidden().finish(),
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}

/// Keeps a form whose session has ended (or whose cookie is gone) as the draft of its
/// response, found through the form's CSRF token; if it was kept, the person's language.
pub(super) async fn rescue(
    state: &AppState,
    response_id: i64,
    fields: &[(String, String)],
) -> Result<Option<&'static str>, PageError> {
    let Some(token) = fields.iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.clone()) else { return Ok(None) };
    let kept = answers_only(fields);
    let now = state.real_clock.now();
    db(state, true, move |c| {
        let Some(person) = drafts::owner_of_form(c, &token)? else { return Ok(None) };
        match part::response_of(c, person, response_id)? {
            Some(r) if r.completed_at.is_none() => {
                drafts::save(c, response_id, &kept, now)?;
                Ok(Some(part::participant(c, person)?.map_or("nl", |p| lang(p.locale.as_str()))))
            }
            _ => Ok(None),
        }
    })
    .await
}

/// The page after a submit that met an ended session: what was posted is kept, and the link
/// from the SMS brings it back.
pub(super) async fn kept_for_later(state: &AppState, response_id: i64, fields: Vec<(String, String)>) -> Page {
    let kept = rescue(state, response_id, &fields).await?;
    let page = match kept {
        Some("en") => message(
            state,
            StatusCode::UNAUTHORIZED,
            "en",
            "Your answers are saved",
            &[
                "You were signed out, but nothing is lost: we kept your answers.",
                "Open the link from your text message again to check them and send them.",
            ],
        ),
        Some(_) => message(
            state,
            StatusCode::UNAUTHORIZED,
            "nl",
            "Je antwoorden zijn bewaard",
            &[
                "Je was uitgelogd, maar er is niets kwijt: we hebben je antwoorden bewaard.",
                "Open de link uit je sms nog een keer. Dan kun je ze nakijken en versturen.",
            ],
        ),
        None => message(
            state,
            StatusCode::UNAUTHORIZED,
            "nl",
            "Open de link uit je sms",
            &["Je komt hier via de persoonlijke link in je sms. Open die link nog een keer."],
        ),
    };
    Err(page.into())
}
