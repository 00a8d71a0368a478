//! One person's page, and the way every change on it is run: session, CSRF, change, and back to
//! the page with a message or with the problems next to their fields.

use super::{
    base_in, nl_date, nl_instant, parse_id, problems_map, render, role_word, see_other, staff_member, write, Staff,
};
use crate::page_error::{respond_staff, Audience, PageError, PageResult};
use crate::session;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use koers_core::people::{DropoutType, Role};
use koers_store::coordination::{self as co, CoordinationError, CoordinationResult, FieldProblem};
use koers_store::lifecycle::OnWithdrawal;
use koers_store::staff::Scope;
use koers_store::DbConnection;
use koers_texts::t;
use serde_json::{json, Value};

fn state_word(lang: &str, s: &str) -> String {
    match s {
        "active" => t(lang, "state-active", &[]),
        "completed" => t(lang, "state-completed", &[]),
        "stopped" => t(lang, "state-stopped", &[]),
        "cancelled" => t(lang, "state-cancelled", &[]),
        other => other.to_string(),
    }
}

fn reason_word(lang: &str, s: &str) -> String {
    match s {
        "handover" => t(lang, "reason-handover", &[]),
        "ended" => t(lang, "reason-ended", &[]),
        "school_leaver" => t(lang, "reason-school_leaver", &[]),
        "switcher" => t(lang, "reason-switcher", &[]),
        "other" => t(lang, "reason-other", &[]),
        "protocol_end" => t(lang, "reason-protocol_end", &[]),
        "student_ended" => t(lang, "reason-student_ended", &[]),
        "moved" => t(lang, "reason-moved", &[]),
        other => match other.split_once(": ") {
            Some((code, note)) if DropoutType::parse(code).is_some() => {
                format!("{}: {note}", reason_word(lang, code))
            }
            _ => other.to_string(),
        },
    }
}

#[derive(serde::Deserialize)]
pub(super) struct DetailQuery {
    ok: Option<String>,
    /// After a withdrawal: what happened to the data, and the counts the message gives.
    data: Option<String>,
    ended: Option<usize>,
    cancelled: Option<usize>,
    deleted: Option<usize>,
}

fn success_word(lang: &str, code: &str) -> Option<String> {
    match code {
        "phone" => Some(t(lang, "done-phone", &[])),
        "handover" => Some(t(lang, "done-handover", &[])),
        "end" => Some(t(lang, "done-end", &[])),
        "enrol" => Some(t(lang, "done-enrol", &[])),
        "language" => Some(t(lang, "done-language", &[])),
        "protocol" => Some(t(lang, "done-protocol", &[])),
        _ => None,
    }
}

/// What a withdrawal did, in words, from the counts the redirect after it carries.
fn withdrawn_words(lang: &str, q: &DetailQuery) -> String {
    let n = |v: Option<usize>| [("n", v.unwrap_or(0).to_string())];
    let mut words = vec![
        t(lang, "withdrawn", &[]),
        t(lang, "withdrawn-ended", &n(q.ended)),
        t(lang, "withdrawn-cancelled", &n(q.cancelled)),
    ];
    match q.data.as_deref().and_then(OnWithdrawal::parse) {
        Some(OnWithdrawal::Delete) => words.push(t(lang, "withdrawn-deleted", &n(q.deleted))),
        Some(OnWithdrawal::Keep) => words.push(t(lang, "withdrawn-kept", &[])),
        None => {}
    }
    words.join(" ")
}

/// Form fields of the detail page that can carry an error, each present (strict templates).
const DETAIL_FIELDS: &[&str] =
    &["mobile_phone", "mentor_id", "reason", "date", "note", "next", "data", "confirm", "protocol", "from"];

struct DetailInput<'a> {
    ok: Option<String>,
    problems: &'a [FieldProblem],
    typed: &'a [(String, String)],
}

async fn detail_page(state: &AppState, s: &Staff, id: i64, input: DetailInput<'_>, status: StatusCode) -> PageResult {
    let scope = s.scope.clone();
    let now = state.real_clock.now();
    let found = write(state, move |c| {
        let d = co::person_detail(c, &scope, id, now)?;
        let mentors = if d.role == Role::Student { co::mentors_in_scope(c, &scope)? } else { Vec::new() };
        let zone = d.time_zone;
        let protocols = koers_store::definitions::latest_protocols(c, d.study_id)?;
        Ok((d, mentors, zone, protocols))
    })
    .await;
    let (d, mentors, zone, protocols) = found?;
    let lang = s.lang();
    let current_ids: Vec<i64> = d.current.iter().map(|p| p.other_id).collect();
    let pair_json = |p: &co::PairInfo| {
        json!({
            "href": p.other_name.as_ref().map(|_| format!("/staff/people/{}", p.other_id)),
            "name": p.other_name.clone().unwrap_or_else(|| t(lang, "someone-outside", &[])),
            "from": nl_date(p.starts_on),
            "until": p.ends_on.map(nl_date),
            "reason": p.end_reason.as_deref().map(|r| reason_word(lang, r)),
        })
    };
    let typed = |name: &str, default: String| -> String {
        input.typed.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or(default)
    };
    let typed_reason = typed("reason", String::new());
    let typed_data = typed("data", String::new());
    let problems = problems_map(lang, DETAIL_FIELDS, input.problems);
    let today = koers_core::time::local_date(zone, now);
    let mut data = base_in(s, &t(lang, "staff-title-person", &[]), lang);
    data.insert(
        "person".into(),
        json!({
            "id": d.id,
            "name": d.name,
            "role": role_word(lang, d.role),
            "is_student": d.role == Role::Student,
            "role_title": d.role_title,
            "team": d.team_name,
            "organisation": d.organisation_name,
            "phone": d.mobile_phone.clone().unwrap_or_default(),
            "email": d.email,
            "locale": if d.locale == "en" { t(lang, "locale-en", &[]) } else { t(lang, "locale-nl", &[]) },
            "failing": d.phone_failing,
            "failing_since": d.phone_failing_since.map(|t| nl_instant(t, zone)),
            "failure": d.phone_failure,
            "ended": d.ended_at.is_some(),
            "ended_at": d.ended_at.map(|t| nl_instant(t, zone)),
            "end_reason": d.end_reason.as_deref().map(|r| reason_word(lang, r)),
            "dropout_type": d.dropout_type.as_deref().map(|r| reason_word(lang, r)),
            "dropout_date": d.dropout_date.map(nl_date),
        }),
    );
    data.insert("current".into(), json!(d.current.iter().map(pair_json).collect::<Vec<_>>()));
    data.insert("history".into(), json!(d.history.iter().map(pair_json).collect::<Vec<_>>()));
    data.insert(
        "subscriptions".into(),
        json!(d
            .subscriptions
            .iter()
            .map(|x| json!({
                "protocol": x.protocol,
                "for": x.filling_out_for,
                "state": state_word(lang, &x.state),
                "from": nl_instant(x.starts_at, zone),
                "until": x.ends_at.map(|t| nl_instant(t, zone)),
                "reason": x.end_reason.as_deref().map(|r| reason_word(lang, r)),
            }))
            .collect::<Vec<_>>()),
    );
    // The protocols a move can go to: those of the person's study for their role.
    let typed_protocol = typed("protocol", String::new());
    data.insert(
        "protocols".into(),
        json!(protocols
            .values()
            .filter(|p| p.role.as_deref().is_none_or(|r| r == d.role.as_str()))
            .map(|p| json!({"name": p.name, "selected": typed_protocol == p.name}))
            .collect::<Vec<_>>()),
    );
    data.insert("typed_from".into(), json!(typed("from", String::new())));
    let typed_mentor = typed("mentor_id", String::new());
    data.insert(
        "mentors".into(),
        json!(mentors
            .iter()
            .filter(|m| !current_ids.contains(&m.id))
            .map(|m| json!({"id": m.id, "name": m.name, "team": m.team_name, "selected": typed_mentor == m.id.to_string()}))
            .collect::<Vec<_>>()),
    );
    data.insert(
        "reasons".into(),
        json!(DropoutType::ALL
            .iter()
            .map(|r| json!({"value": r.as_str(), "label": reason_word(lang, r.as_str()), "checked": typed_reason == r.as_str()}))
            .collect::<Vec<_>>()),
    );
    data.insert(
        "withdraw_choices".into(),
        json!([
            {"value": "keep", "label": t(lang, "withdraw-keep", &[]), "checked": typed_data == "keep"},
            {"value": "delete", "label": t(lang, "withdraw-delete", &[]), "checked": typed_data == "delete"},
        ]),
    );
    data.insert(
        "typed".into(),
        json!({
            "mobile_phone": typed("mobile_phone", d.mobile_phone.clone().unwrap_or_default()),
            "date": typed("date", today.to_string()),
            "note": typed("note", String::new()),
            "next": typed("next", String::new()),
        }),
    );
    data.insert("errors".into(), Value::Object(problems.errors));
    data.insert("general".into(), json!(problems.general));
    data.insert("summary".into(), json!(problems.summary));
    data.insert("ok".into(), json!(input.ok));
    data.insert("action".into(), json!(format!("/staff/people/{}", d.id)));
    Ok(render(state, status, "staff_person", &Value::Object(data)))
}

pub(super) async fn detail(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<DetailQuery>,
) -> HttpResponse {
    respond_staff(&state, &req, person_page(&state, &req, &path, &query).await)
}

async fn person_page(state: &AppState, req: &HttpRequest, path: &str, query: &DetailQuery) -> PageResult {
    let s = staff_member(state, req).await?;
    let Some(id) = parse_id(path) else { return Err(PageError::NotFound(Audience::Staff)) };
    let ok = match query.ok.as_deref() {
        Some("withdraw") => Some(withdrawn_words(s.lang(), query)),
        Some(code) => success_word(s.lang(), code),
        None => None,
    };
    let input = DetailInput { ok, problems: &[], typed: &[] };
    detail_page(state, &s, id, input, StatusCode::OK).await
}

/// Runs a change on a person: session, CSRF, then the change; back to the person with the
/// message `ok` names, or the page again with the problems next to their fields.
pub(super) async fn person_post(
    state: &AppState,
    req: &HttpRequest,
    path: &str,
    form: &[(String, String)],
    ok: &'static str,
    change: impl FnOnce(&mut DbConnection, &Scope, i64, DateTime<Utc>) -> CoordinationResult<()> + Send + 'static,
) -> PageResult {
    person_change(state, req, path, form, change, move |()| format!("ok={ok}")).await
}

/// [`person_post`] for a change whose outcome the message reports: `query` turns it into the
/// query of the person's page.
pub(super) async fn person_change<T: Send + 'static>(
    state: &AppState,
    req: &HttpRequest,
    path: &str,
    form: &[(String, String)],
    change: impl FnOnce(&mut DbConnection, &Scope, i64, DateTime<Utc>) -> CoordinationResult<T> + Send + 'static,
    query: impl FnOnce(T) -> String,
) -> PageResult {
    let s = staff_member(state, req).await?;
    if !session::csrf_ok(&s.session, form) {
        return Err(PageError::CsrfRefused(Audience::Staff));
    }
    let Some(id) = parse_id(path) else { return Err(PageError::NotFound(Audience::Staff)) };
    let scope = s.scope.clone();
    let now = state.real_clock.now();
    match write(state, move |c| change(c, &scope, id, now)).await {
        Ok(done) => Ok(see_other(&format!("/staff/people/{id}?{}", query(done)))),
        Err(CoordinationError::Problems(ps)) => {
            let input = DetailInput { ok: None, problems: &ps, typed: form };
            detail_page(state, &s, id, input, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}
