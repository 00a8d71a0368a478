//! The overview a link leads to: consent first, then the open questionnaire, the mentor's
//! overview, or a friendly word about when the next one comes.

use super::consent::{consent_of, consent_questionnaire, Consent};
use super::feedback_consent::{self, choice_of};
use super::mentor::mentor_overview;
use super::open::{first_open, next_window};
use super::{base_input, db, html, info, me_and, render, see_other, Me, Page, MAX_GRACE};
use crate::page_error::{respond, Audience, PageError};
use crate::questionnaire_page::render_page;
use crate::state::AppState;
use crate::words::{euros, when};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::participation as part;
use serde_json::{json, Value};

/// The page a link leads to: consent, the open questionnaire, the mentor's overview, or a
/// friendly word about when the next one comes.
pub(super) async fn home(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    respond(&state, home_inner(&state, &req).await)
}

async fn home_inner(state: &AppState, req: &HttpRequest) -> Page {
    let (me, (consent, choice)) = me_and(state, req, |c, p| Ok((consent_of(c, p.id)?, choice_of(c, p)?))).await?;
    if me.person.ended && !matches!(consent, Consent::GuardianDeclined) {
        // Their closing questionnaire, if it is open, is still theirs to fill in.
        let (id, now, ended_at) = (me.person.id, me.now, me.person.ended_at);
        let open = db(state, false, move |c| part::windows_of(c, id, now - MAX_GRACE, now)).await?;
        let closing: Vec<_> = open.into_iter().filter(|r| r.still_asked(ended_at)).collect();
        if let Some(r) = first_open(state, &closing, now) {
            return Ok(see_other(&format!("/p/r/{}", r.response_id)));
        }
        return info(state, &me, ended_texts(&me), vec![]);
    }
    match consent {
        Consent::Needed => {
            let (_, q) = consent_questionnaire(state, &me).await?;
            let mut input = base_input(&me, "/p/toestemming".into());
            input.today = Some(me.now.with_timezone(&me.zone).date_naive());
            let body = render_page(&state.templates, &q, &input)
                .map_err(|_| PageError::Unavailable(Audience::Participant(me.lang)))?;
            return Ok(html(StatusCode::OK, body));
        }
        Consent::WaitingForGuardian => {
            let texts = (me.t("home-waiting-heading", &[]), vec![me.t("home-waiting", &[])]);
            return info(state, &me, texts, vec![]);
        }
        Consent::GuardianDeclined => {
            let texts = (me.t("home-thanks-heading", &[]), vec![me.t("home-guardian-declined", &[])]);
            return info(state, &me, texts, vec![]);
        }
        Consent::Given => {}
    }
    if choice.still_to_ask(me.person.role) {
        return feedback_consent::form(state, &me, &choice, StatusCode::OK).await;
    }
    if me.person.role == koers_core::people::Role::Mentor {
        return mentor_overview(state, &me).await;
    }
    let now = me.now;
    let id = me.person.id;
    let (open, subs, earned, paused) = db(state, false, move |c| {
        Ok((
            part::windows_of(c, id, now - MAX_GRACE, now)?,
            part::active_subscriptions_of(c, id)?,
            part::earned(c, id)?,
            part::paused_until(c, id, now)?,
        ))
    })
    .await?;
    let open: Vec<_> = open.into_iter().filter(|r| r.still_asked(me.person.ended_at)).collect();
    if let Some(r) = first_open(state, &open, now) {
        return Ok(see_other(&format!("/p/r/{}", r.response_id)));
    }
    // Someone who stopped by themselves reads that they no longer take part (once their
    // closing questionnaire is done or closed), not when the next questionnaire comes.
    let own: Vec<_> = subs.iter().filter(|s| s.about_student.is_none()).collect();
    if !own.is_empty() && own.iter().all(|s| s.ends_at.is_some_and(|e| e <= now)) {
        return info(state, &me, ended_texts(&me), vec![]);
    }
    if let Some(until) = paused {
        return paused_page(state, &me, until);
    }
    let name = me.person.first_name.clone().unwrap_or_default();
    let next = next_window(state, &subs, me.zone, now);
    let mut lines = Vec::new();
    let lang = me.lang;
    let heading = me.t("home-hi", &[("name", name)]);
    lines.push(me.t("home-nothing-open", &[]));
    match next {
        Some(n) => lines.push(me.t("home-next", &[("when", when(n, me.zone, lang))])),
        None if subs.is_empty() => lines.push(me.t("home-all-done", &[])),
        None => {}
    }
    if earned.total_cents > 0 {
        lines.push(me.t("home-earned", &[("amount", euros(earned.total_cents, lang))]));
    }
    // Someone who stopped is no longer offered the stop button, while their closing is due.
    let taking_part = subs.iter().any(|s| s.ends_at.is_none_or(|e| e > now));
    let mut links = student_links(&me, taking_part);
    if choice.applies(me.person.role) {
        links.insert(0, feedback_consent::link(me.lang));
    }
    info(state, &me, (&heading, lines), links)
}

pub(super) fn ended_texts(me: &Me) -> (String, Vec<String>) {
    (me.t("home-thanks-heading", &[]), vec![me.t("home-ended", &[])])
}

pub(super) fn student_links(me: &Me, taking_part: bool) -> Vec<Value> {
    let mut links = Vec::new();
    if me.person.role == koers_core::people::Role::Student {
        let title = koers_core::mentor_title::mentor_title_in(&me.person.mentor_title, me.lang);
        links
            .push(json!({"href": "/p/begeleider", "label": me.t("home-link-mentor", &[("title", title.to_string())])}));
    }
    if taking_part {
        links.push(json!({"href": "/p/pauze", "label": me.t("pause-heading", &[])}));
        links.push(json!({"href": "/p/stoppen", "label": me.t("home-link-stop", &[])}));
    }
    links
}

/// While paused: when messages come again, and a way back before that.
fn paused_page(state: &AppState, me: &Me, until: chrono::DateTime<chrono::Utc>) -> Page {
    let day = until.with_timezone(&me.zone).date_naive().format("%-d-%-m-%Y").to_string();
    let line = me.t("home-paused", &[("day", day)]);
    render(
        state,
        "p_info",
        &json!({"lang": me.lang, "register": me.register.code(), "title": "koers", "heading": me.t("home-paused-heading", &[]), "paragraphs": [line],
                "links": [], "form": {"action": "/p/pauze", "csrf": me.session.csrf_token, "resume": true,
                                       "button": me.t("home-resume", &[])},
                "logout": super::logout::logout_form(me)}),
    )
}
