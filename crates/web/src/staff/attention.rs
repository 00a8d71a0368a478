//! Who needs attention: failing phone numbers and people who stopped answering.

use super::{base, nl_instant, read, render, role_word, staff_member};
use crate::page_error::{respond, PageResult};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::coordination as co;
use serde_json::{json, Value};

#[derive(serde::Deserialize)]
pub(super) struct AttentionQuery {
    weeks: Option<String>,
}

pub(super) async fn attention(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<AttentionQuery>,
) -> HttpResponse {
    respond(&state, attention_page(&state, &req, &query).await)
}

async fn attention_page(state: &AppState, req: &HttpRequest, query: &AttentionQuery) -> PageResult {
    let s = staff_member(state, req).await?;
    let weeks = query.weeks.as_deref().and_then(|w| w.trim().parse::<usize>().ok()).unwrap_or(3).clamp(1, 52);
    let scope = s.scope.clone();
    let now = state.real_clock.now();
    let found =
        read(state, move |c| Ok((co::failing_phones(c, &scope)?, co::silent_people(c, &scope, weeks, now)?))).await;
    let (failing, silent) = found?;
    let zone = chrono_tz::Europe::Amsterdam;
    let failing: Vec<Value> = failing
        .iter()
        .map(|p| {
            json!({
                "href": format!("/staff/people/{}", p.id),
                "name": p.name,
                "role": role_word(s.lang(), p.role),
                "team": p.team_name,
                "since": p.since.map(|t| nl_instant(t, zone)).unwrap_or_default(),
                "why": p.why.clone().unwrap_or_default(),
            })
        })
        .collect();
    let silent: Vec<Value> = silent
        .iter()
        .map(|p| {
            json!({
                "href": format!("/staff/people/{}", p.id),
                "name": p.name,
                "role": role_word(s.lang(), p.role),
                "team": p.team_name,
                "last": p.last_completed_at.map(|t| nl_instant(t, zone)),
            })
        })
        .collect();
    let mut data = base(&s, "Aandacht nodig");
    data.insert("weeks".into(), json!(weeks));
    data.insert("failing".into(), json!(failing));
    data.insert("silent".into(), json!(silent));
    Ok(render(state, StatusCode::OK, "staff_attention", &Value::Object(data)))
}
