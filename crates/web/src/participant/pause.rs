//! A pause ("on holiday until 6 January"): no SMS until then, then on as before. Windows that
//! open during the pause are not sent; nothing else changes.

use super::{db, info, me, render, see_other, Me, Page};
use crate::page_error::{respond, Audience, PageError};
use crate::session::csrf_ok;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, TimeDelta};
use koers_core::time::{local_date, start_of_local_day};
use koers_store::participation as part;
use serde_json::json;

/// The longest pause one can choose at a time: a school holiday, not a way out of the study.
const MAX_DAYS: i64 = 8 * 7;

pub(super) async fn pause_page(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    respond(&state, pause_page_inner(&state, &req).await)
}

async fn pause_page_inner(state: &AppState, req: &HttpRequest) -> Page {
    let me = me(state, req).await?;
    form(state, &me, None)
}

fn form(state: &AppState, me: &Me, problem: Option<&str>) -> Page {
    let today = local_date(me.zone, me.now);
    let mut lines = vec![me.t("pause-intro", &[])];
    if let Some(p) = problem {
        lines.push(p.to_string());
    }
    render(
        state,
        "p_info",
        &json!({"lang": me.lang, "register": me.register.code(), "title": "koers", "heading": me.t("pause-heading", &[]), "paragraphs": lines,
                "links": [{"href": "/p", "label": me.t("p-back", &[])}],
                "form": {"action": "/p/pauze", "csrf": me.session.csrf_token, "button": me.t("pause-submit", &[]),
                         "date": {"label": me.t("pause-date", &[]),
                                  "min": (today + TimeDelta::days(1)).to_string(), "max": (today + TimeDelta::days(MAX_DAYS)).to_string()}}}),
    )
}

pub(super) async fn pause(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    respond(&state, pause_inner(&state, &req, form.into_inner()).await)
}

async fn pause_inner(state: &AppState, req: &HttpRequest, fields: Vec<(String, String)>) -> Page {
    let me = me(state, req).await?;
    if !csrf_ok(&me.session, &fields) {
        return Err(PageError::CsrfRefused(Audience::Participant(me.lang)));
    }
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string());
    let id = me.person.id;
    if field("resume").is_some() {
        db(state, true, move |c| part::set_pause(c, id, None)).await?;
        return Ok(see_other("/p"));
    }
    let today = local_date(me.zone, me.now);
    let until = field("until").and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok());
    let Some(until) = until.filter(|d| *d > today && *d <= today + TimeDelta::days(MAX_DAYS)) else {
        let problem = me.t("pause-choose-day", &[("weeks", (MAX_DAYS / 7).to_string())]);
        return form(state, &me, Some(&problem));
    };
    let at = start_of_local_day(me.zone, until);
    db(state, true, move |c| part::set_pause(c, id, Some(at))).await?;
    let day = until.format("%-d-%-m-%Y").to_string();
    let line = me.t("pause-done", &[("day", day)]);
    let heading = me.t("pause-done-heading", &[]);
    info(state, &me, (&heading, vec![line]), vec![json!({"href": "/p", "label": me.t("p-back", &[])})])
}
