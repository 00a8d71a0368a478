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
    let en = me.lang == "en";
    let today = local_date(me.zone, me.now);
    let mut lines = vec![if en {
        "On holiday, or need a break? Choose the day you want to hear from us again. Until then you get no text messages."
    } else {
        "Op vakantie of even geen tijd? Kies de dag waarop je weer berichten wilt krijgen. Tot die dag krijg je geen sms van ons."
    }
    .to_string()];
    if let Some(p) = problem {
        lines.push(p.to_string());
    }
    render(
        state,
        "p_info",
        &json!({"lang": me.lang, "title": "koers", "heading": if en { "Take a break" } else { "Even pauzeren" }, "paragraphs": lines,
                "links": [{"href": "/p", "label": if en { "Back" } else { "Terug" }}],
                "form": {"action": "/p/pauze", "csrf": me.session.csrf_token, "button": if en { "Pause until this day" } else { "Pauzeer tot deze dag" },
                         "date": {"label": if en { "Messages again from" } else { "Weer berichten vanaf" },
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
    let en = me.lang == "en";
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string());
    let id = me.person.id;
    if field("resume").is_some() {
        db(state, true, move |c| part::set_pause(c, id, None)).await?;
        return Ok(see_other("/p"));
    }
    let today = local_date(me.zone, me.now);
    let until = field("until").and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok());
    let Some(until) = until.filter(|d| *d > today && *d <= today + TimeDelta::days(MAX_DAYS)) else {
        let problem = if en {
            format!("Choose a day between tomorrow and {} weeks from now.", MAX_DAYS / 7)
        } else {
            format!("Kies een dag tussen morgen en over {} weken.", MAX_DAYS / 7)
        };
        return form(state, &me, Some(&problem));
    };
    let at = start_of_local_day(me.zone, until);
    db(state, true, move |c| part::set_pause(c, id, Some(at))).await?;
    let day = until.format("%-d-%-m-%Y").to_string();
    let line = if en {
        format!("Enjoy your break! You will hear from us again from {day}.")
    } else {
        format!("Fijne pauze! Vanaf {day} krijg je weer berichten van ons.")
    };
    info(
        state,
        &me,
        (if en { "Paused" } else { "Gepauzeerd" }, vec![line]),
        vec![json!({"href": "/p", "label": if en { "Back" } else { "Terug" }})],
    )
}
