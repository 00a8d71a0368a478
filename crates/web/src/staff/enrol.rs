//! Enrolling one person from a form.

use super::{base_in, field, problems_map, read, render, see_other, staff_member, write, Form, Staff};
use crate::page_error::{respond_staff, Audience, PageError, PageResult};
use crate::session;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::coordination::{self as co, CoordinationError, Enrolment, FieldProblem};
use koers_texts::t;
use serde_json::{json, Map, Value};

const ENROL_FIELDS: &[&str] = &[
    "role",
    "team_id",
    "first_name",
    "last_name",
    "gender",
    "mobile_phone",
    "email",
    "start_date",
    "locale",
    "student_id",
    "group",
];

async fn enrol_page(
    state: &AppState,
    s: &Staff,
    typed: &[(String, String)],
    problems: &[FieldProblem],
    status: StatusCode,
) -> PageResult {
    let scope = s.scope.clone();
    let found = read(state, move |c| {
        // The groups of the studies in scope (one study, nearly always).
        let mut groups = std::collections::BTreeSet::new();
        for study in scope.study_ids() {
            groups.extend(koers_store::groups::study_groups(c, study)?);
        }
        Ok((co::teams_in_scope(c, &scope)?, co::students_in_scope(c, &scope)?, groups))
    })
    .await;
    let (teams, students, groups) = found?;
    let group = field(typed, "group");
    let lang = s.lang();
    let problems = problems_map(lang, ENROL_FIELDS, problems);
    let mut values = Map::new();
    for f in ENROL_FIELDS {
        values.insert(f.to_string(), json!(field(typed, f)));
    }
    let role = field(typed, "role");
    let team = field(typed, "team_id");
    let gender = field(typed, "gender");
    let locale = field(typed, "locale");
    let student = field(typed, "student_id");
    let mut data = base_in(s, &t(lang, "staff-nav-enrol", &[]), lang);
    data.insert("values".into(), Value::Object(values));
    data.insert("errors".into(), Value::Object(problems.errors));
    data.insert("general".into(), json!(problems.general));
    data.insert("summary".into(), json!(problems.summary));
    data.insert(
        "roles".into(),
        json!([
            {"value": "student", "label": t(lang, "role-student-label", &[]), "checked": role == "student"},
            {"value": "mentor", "label": t(lang, "role-mentor-label", &[]), "checked": role == "mentor"},
        ]),
    );
    data.insert(
        "teams".into(),
        json!(teams
            .iter()
            .map(|t| json!({"id": t.id, "name": t.name, "organisation": t.organisation_name, "selected": team == t.id.to_string()}))
            .collect::<Vec<_>>()),
    );
    if !groups.is_empty() {
        data.insert(
            "groups".into(),
            json!(groups.iter().map(|g| json!({"value": g, "selected": group == g})).collect::<Vec<_>>()),
        );
    }
    data.insert(
        "genders".into(),
        json!([
            {"value": "", "label": t(lang, "gender-unknown", &[]), "selected": gender.is_empty()},
            {"value": "female", "label": t(lang, "gender-female", &[]), "selected": gender == "female"},
            {"value": "male", "label": t(lang, "gender-male", &[]), "selected": gender == "male"},
            {"value": "other", "label": t(lang, "gender-other", &[]), "selected": gender == "other"},
        ]),
    );
    data.insert(
        "locales".into(),
        json!([
            {"value": "nl", "label": t(lang, "locale-nl", &[]), "selected": locale != "en"},
            {"value": "en", "label": t(lang, "locale-en", &[]), "selected": locale == "en"},
        ]),
    );
    data.insert(
        "students".into(),
        json!(students
            .iter()
            .map(|p| json!({"id": p.id, "name": p.name, "team": p.team_name, "selected": student == p.id.to_string()}))
            .collect::<Vec<_>>()),
    );
    Ok(render(state, status, "staff_enrol", &Value::Object(data)))
}

pub(super) async fn enrol_form(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    respond_staff(&state, &req, empty_form(&state, &req).await)
}

async fn empty_form(state: &AppState, req: &HttpRequest) -> PageResult {
    let s = staff_member(state, req).await?;
    enrol_page(state, &s, &[], &[], StatusCode::OK).await
}

pub(super) async fn enrol(state: web::Data<AppState>, req: HttpRequest, form: Form) -> HttpResponse {
    respond_staff(&state, &req, enrol_one(&state, &req, &form).await)
}

async fn enrol_one(state: &AppState, req: &HttpRequest, form: &[(String, String)]) -> PageResult {
    let s = staff_member(state, req).await?;
    if !session::csrf_ok(&s.session, form) {
        return Err(PageError::CsrfRefused(Audience::Staff));
    }
    let e = Enrolment {
        role: field(form, "role").to_string(),
        team_id: field(form, "team_id").parse().ok(),
        first_name: field(form, "first_name").to_string(),
        last_name: field(form, "last_name").to_string(),
        gender: field(form, "gender").to_string(),
        mobile_phone: field(form, "mobile_phone").to_string(),
        email: field(form, "email").to_string(),
        start_date: field(form, "start_date").to_string(),
        locale: field(form, "locale").to_string(),
        student_id: field(form, "student_id").parse().ok(),
        group: field(form, "group").to_string(),
    };
    let scope = s.scope.clone();
    let now = state.real_clock.now();
    match write(state, move |c| co::enrol(c, &scope, &e, now)).await {
        Ok(id) => Ok(see_other(&format!("/staff/people/{id}?ok=enrol"))),
        Err(CoordinationError::Problems(ps)) => {
            enrol_page(state, &s, form, &ps, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}
