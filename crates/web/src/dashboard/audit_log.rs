//! The audit log page, for admins: every view of it is itself written to the audit log. Each
//! entry's time reads on its study's clock, the zone named when the admin's studies differ.

use super::{base, limited, viewer};
use crate::page_error::{respond_staff, staff_message, Audience, PageError, PageResult};
use crate::staff::encode;
use crate::staff::study_times::StudyTimes;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::studies::list_studies;
use koers_store::{audit, StoreError};
use koers_texts::t;
use serde_json::{json, Value};

const MAX_ACTION_CHARS: usize = 100;
const AUDIT_PER_PAGE: i64 = 50;

#[derive(serde::Deserialize)]
pub(super) struct AuditQuery {
    action: Option<String>,
    page: Option<String>,
}

pub(super) async fn audit_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<AuditQuery>,
) -> HttpResponse {
    respond_staff(&state, &req, audit_log(&state, &req, &query).await)
}

async fn audit_log(state: &AppState, req: &HttpRequest, query: &AuditQuery) -> PageResult {
    let v = viewer(state, req).await?;
    let lang = v.lang();
    let Some(studies) = v.audit.clone() else {
        return Err(staff_message(
            state,
            StatusCode::FORBIDDEN,
            lang,
            &t(lang, "staff-admins-only-heading", &[]),
            &t(lang, "audit-admins-only-text", &[]),
        )
        .into());
    };
    let action = limited(&query.action, MAX_ACTION_CHARS);
    let page = query.page.as_deref().and_then(|p| p.trim().parse::<i64>().ok()).unwrap_or(1).clamp(1, 1_000_000);
    let q = audit::AuditQuery { action: action.clone(), study_ids: studies.clone(), page, per_page: AUDIT_PER_PAGE };
    let staff_id = v.account.id;
    let now = state.real_clock.now();
    let db = state.db.clone();
    let found = web::block(move || {
        db.write(|c| -> Result<_, StoreError> {
            let found = audit::page(c, &q)?;
            let actions = audit::actions(c, q.study_ids.as_deref())?;
            let seen = list_studies(c)?;
            let times =
                StudyTimes::of(seen.iter().filter(|s| q.study_ids.as_ref().is_none_or(|ids| ids.contains(&s.id))))?;
            audit::record(
                c,
                now,
                &audit::Entry {
                    actor: &format!("staff:{staff_id}"),
                    actor_staff_id: Some(staff_id),
                    action: "audit.view",
                    target_kind: Some("audit_log"),
                    details: json!({"action": q.action, "page": found.page}),
                    ..Default::default()
                },
            )?;
            Ok((found, actions, times))
        })
    })
    .await;
    let (found, actions, times) = match found {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "audit page: reading failed");
            return Err(PageError::Unavailable(Audience::Staff));
        }
        Err(_) => return Err(PageError::Unavailable(Audience::Staff)),
    };
    let entries: Vec<Value> = found
        .entries
        .iter()
        .map(|e| {
            let who = match &e.actor_name {
                Some(name) => format!("{name} ({})", e.actor),
                None => e.actor.clone(),
            };
            let mut target = String::new();
            if let Some(s) = &e.study_key {
                target.push_str(&t(lang, "audit-study", &[("study", s.clone())]));
            }
            if let Some(kind) = &e.target_kind {
                if !target.is_empty() {
                    target.push_str(", ");
                }
                target.push_str(&target_word(lang, kind));
                if let Some(id) = e.target_id {
                    target.push_str(&format!(" {id}"));
                }
            }
            let details = if e.details == "{}" { String::new() } else { e.details.clone() };
            json!({"at": times.at(lang, e.study_id, e.at), "who": who, "action": e.action, "target": target, "details": details})
        })
        .collect();
    let mut options = vec![json!({"value": "", "label": t(lang, "audit-all", &[]), "selected": action.is_none()})];
    options.extend(actions.iter().map(|audit::ActionCount { action: a, count: n }| {
        json!({"value": a, "label": format!("{a} ({n})"), "selected": action.as_deref() == Some(a.as_str())})
    }));
    let link = |n: i64| format!("/staff/audit?action={}&page={n}", encode(action.as_deref().unwrap_or("")));
    let mut data = base(&v, &t(lang, "audit-heading", &[]));
    data.insert("actions".into(), json!(options));
    data.insert("entries".into(), json!(entries));
    data.insert("total".into(), json!(found.total));
    data.insert("page".into(), json!(found.page));
    data.insert("pages".into(), json!(found.pages));
    data.insert("prev".into(), json!((found.page > 1).then(|| link(found.page - 1))));
    data.insert("next".into(), json!((found.page < found.pages).then(|| link(found.page + 1))));
    Ok(super::render(state, "staff_audit", &Value::Object(data)))
}

/// The word for what an entry is about, in the page's language; a kind without one as it is stored.
fn target_word(lang: &str, kind: &str) -> String {
    match kind {
        "person" => t(lang, "audit-target-person", &[]),
        "people" => t(lang, "audit-target-people", &[]),
        "staff" => t(lang, "audit-target-staff", &[]),
        "api_key" => t(lang, "audit-target-api_key", &[]),
        "study" => t(lang, "audit-target-study", &[]),
        "audit_log" => t(lang, "audit-target-audit_log", &[]),
        other => other.to_string(),
    }
}
