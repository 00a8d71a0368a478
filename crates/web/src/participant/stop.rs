//! Stopping: asked once, kindly, with the closing questionnaire offered first.

use super::home::ended_texts;
use super::{db, info, me, protocol_of, render, see_other, Me, Page};
use crate::page_error::{respond, Audience, PageError};
use crate::session::csrf_ok;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::TimeDelta;
use chrono_tz::Tz;
use koers_core::people::SubscriptionState;
use koers_core::protocol::windows::{asks, participation_end, windows};
use koers_store::participation as part;
use serde_json::json;

/// Ends the person's own participation now; the closing questionnaire opens at once. Returns
/// the closing questionnaire's response, if the protocol has one.
pub(super) async fn stop_participation(
    state: &AppState,
    me: &Me,
    reason: &'static str,
) -> Result<Option<i64>, PageError> {
    let person_id = me.person.id;
    let now = me.now;
    let subs = db(state, false, move |c| part::active_subscriptions_of(c, person_id)).await?;
    let mut plans = Vec::new();
    let mentor = me.person.role == koers_core::people::Role::Mentor;
    for sub in subs.iter().filter(|s| s.about_student.is_none()) {
        let (id, start) = (sub.id, sub.starts_at);
        let Some(p) = protocol_of(state, &sub.protocol_content) else { continue };
        let zone: Tz = p.zone().unwrap_or(me.zone);
        let end = participation_end(&p, zone, start, Some(now));
        let closing: Vec<_> = windows(&p, zone, start, end)
            .into_iter()
            .filter(|w| asks(w, mentor, false))
            .filter(|w| w.open_at >= now - TimeDelta::minutes(1) && w.open_at <= now + TimeDelta::minutes(1))
            .collect();
        plans.push((id, closing));
    }
    // A mentor who stops ends their diaries about each of their students too.
    let diaries: Vec<i64> = subs.iter().filter(|s| s.about_student.is_some()).map(|s| s.id).collect();
    db(state, true, move |c| {
        for id in &diaries {
            koers_store::sending::end_subscription(c, *id, SubscriptionState::Stopped, reason, now)?;
        }
        let mut first = None;
        for (id, closing) in &plans {
            koers_store::sending::stop_subscription(c, *id, reason, now)?;
            for w in closing {
                let r = koers_store::schedule::ensure_response(c, *id, w, now)?;
                first.get_or_insert(r);
            }
        }
        Ok(first)
    })
    .await
}

/// Stopping: asked once, kindly, with the closing questionnaire offered first.
pub(super) async fn stop_page(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    respond(&state, stop_page_inner(&state, &req).await)
}

async fn stop_page_inner(state: &AppState, req: &HttpRequest) -> Page {
    let me = me(state, req).await?;
    let lines = vec![me.t("stop-any-time", &[]), me.t("stop-last-questionnaire", &[])];
    render(
        state,
        "p_info",
        &json!({"lang": me.lang, "register": me.register.code(), "title": "koers", "heading": me.t("stop-heading", &[]), "paragraphs": lines,
                "links": [{"href": "/p", "label": me.t("stop-keep-going", &[]), "primary": true}],
                "form": {"action": "/p/stoppen", "csrf": me.session.csrf_token, "button": me.t("stop-submit", &[])}}),
    )
}

pub(super) async fn stop(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    respond(&state, stop_inner(&state, &req, form.into_inner()).await)
}

async fn stop_inner(state: &AppState, req: &HttpRequest, fields: Vec<(String, String)>) -> Page {
    let me = me(state, req).await?;
    if !csrf_ok(&me.session, &fields) {
        return Err(PageError::CsrfRefused(Audience::Participant(me.lang)));
    }
    match stop_participation(state, &me, "unsubscribed").await? {
        Some(closing) => Ok(see_other(&format!("/p/r/{closing}"))),
        None => info(state, &me, ended_texts(&me), vec![]),
    }
}
