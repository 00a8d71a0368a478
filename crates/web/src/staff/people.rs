//! The list of people: search, filter by role, page.

use super::{base_in, encode, read, render, role_word, staff_member, PER_PAGE};
use crate::page_error::{respond_staff, PageResult};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_core::people::Role;
use koers_store::coordination::{self as co, PeopleFilter};
use koers_texts::t;
use serde_json::{json, Value};

#[derive(serde::Deserialize)]
pub(super) struct ListQuery {
    q: Option<String>,
    role: Option<String>,
    page: Option<i64>,
}

pub(super) async fn list(state: web::Data<AppState>, req: HttpRequest, query: web::Query<ListQuery>) -> HttpResponse {
    respond_staff(&state, &req, people_page(&state, &req, &query).await)
}

async fn people_page(state: &AppState, req: &HttpRequest, query: &ListQuery) -> PageResult {
    let s = staff_member(state, req).await?;
    let q = query.q.clone().unwrap_or_default().chars().take(100).collect::<String>();
    let role = query.role.as_deref().and_then(Role::parse);
    let filter = PeopleFilter {
        q: Some(q.clone()).filter(|q| !q.trim().is_empty()),
        role,
        page: query.page.unwrap_or(1),
        per_page: PER_PAGE,
    };
    let scope = s.scope.clone();
    let page = read(state, move |c| co::list_people(c, &scope, &filter)).await?;
    let people: Vec<Value> = page
        .people
        .iter()
        .map(|p| {
            json!({
                "href": format!("/staff/people/{}", p.id),
                "name": p.name,
                "role": role_word(s.lang(), p.role),
                "team": p.team_name,
                "organisation": p.organisation_name,
                "phone": p.phone_masked.clone().unwrap_or_default(),
                "failing": p.phone_failing,
                "ended": p.ended,
            })
        })
        .collect();
    let role_code = role.map(Role::as_str).unwrap_or("");
    let link = |n: i64| format!("/staff?q={}&role={}&page={n}", encode(&q), role_code);
    let lang = s.lang();
    let mut data = base_in(&s, &t(lang, "staff-nav-people", &[]), lang);
    data.insert("q".into(), json!(q));
    data.insert(
        "roles".into(),
        json!([
            {"value": "", "label": t(lang, "people-everyone", &[]), "selected": role.is_none()},
            {"value": "student", "label": t(lang, "people-students", &[]), "selected": role == Some(Role::Student)},
            {"value": "mentor", "label": t(lang, "people-mentors", &[]), "selected": role == Some(Role::Mentor)},
        ]),
    );
    data.insert("people".into(), json!(people));
    data.insert("total".into(), json!(page.total));
    data.insert("page".into(), json!(page.page));
    data.insert("pages".into(), json!(page.pages));
    data.insert("prev".into(), json!((page.page > 1).then(|| link(page.page - 1))));
    data.insert("next".into(), json!((page.page < page.pages).then(|| link(page.page + 1))));
    Ok(render(state, StatusCode::OK, "staff_people", &Value::Object(data)))
}
