//! "Hulp nodig?": the places a study lists for someone who needs help now (a school's care
//! coordinator, a help line), linked from the foot of every participant page. Off unless the
//! study lists some (`safety.help`, see `koers_core::safety`).

use super::{db, info, me, Me, Page};
use crate::page_error::{respond, Audience, PageError};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

/// The link's words, when the person's study lists places to turn to.
pub(super) fn link_label(me: &Me) -> Option<String> {
    me.person.help.then(|| me.t("help-link", &[]))
}

pub(super) async fn help_page(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    respond(&state, page(&state, &req).await)
}

async fn page(state: &AppState, req: &HttpRequest) -> Page {
    let me = me(state, req).await?;
    let study = me.person.study_id;
    let safety = db(state, false, move |c| koers_store::studies::settings_of(c, study)).await?.safety;
    if !safety.has_help() {
        return Err(PageError::NotFound(Audience::Participant(me.lang)));
    }
    let mut lines = vec![me.t("help-intro", &[])];
    let mut links = Vec::new();
    for h in &safety.help {
        lines.push(match &h.text {
            Some(text) => format!("{}: {text}", h.name),
            None => h.name.clone(),
        });
        if let Some(phone) = &h.phone {
            links.push(json!({"href": super::tel_href(phone),
                              "label": me.t("help-call", &[("name", h.name.clone()), ("phone", phone.clone())])}));
        }
        if let Some(url) = &h.url {
            links.push(json!({"href": url, "label": me.t("help-site", &[("name", h.name.clone())])}));
        }
    }
    lines.push(me.t("help-emergency", &[]));
    links.push(json!({"href": "/p", "label": me.t("p-back", &[])}));
    info(state, &me, (me.t("help-heading", &[]), lines), links)
}
