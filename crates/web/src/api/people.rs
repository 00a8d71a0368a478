//! `GET /api/v1/studies/{key}/people`: the people a coordinator manages, with names and phone
//! numbers, limited to the teams of their organisation or team in this study (everyone for an
//! admin). Every page read is written to the audit log, as every view of personal data is.

use super::paging::{api_page, PageQuery};
use super::problem::Problem;
use super::scopes::{Scope, Teams};
use super::studies::study_for;
use super::{json_ok, list_request, write};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use koers_store::{api_reads, audit};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A person with identifying details, as a coordinator may see them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PersonItem {
    /// The person's id in this installation (as in the staff pages).
    pub id: i64,
    /// `student` or `mentor`.
    pub role: String,
    pub role_title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// E.164, e.g. `+31612345678`; absent once erased.
    pub mobile_phone: Option<String>,
    pub email: Option<String>,
    /// `nl` or `en`.
    pub locale: String,
    /// `ok` or `failing` (messages to this number do not arrive).
    pub phone_status: String,
    pub team: String,
    /// The organisation's key.
    pub organisation: String,
    pub organisation_name: String,
    pub ended_at: Option<DateTime<Utc>>,
    pub dropout_type: Option<String>,
    pub dropout_date: Option<NaiveDate>,
    pub excluded: bool,
}

api_page!(PersonPage, PersonItem, "A page of people, by id.");

#[utoipa::path(
    get,
    path = "/api/v1/studies/{key}/people",
    operation_id = "list_people",
    tag = "people",
    params(("key" = String, Path, description = "The study's key.", max_length = 100), PageQuery),
    responses(
        (status = 200, description = "People of the caller's organisations or teams in this study.", body = PersonPage),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token or the caller's roles in this study lack `people:read`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, or the caller has no role in it.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Paging parameters out of range.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server cannot answer now.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["people:read"]))
)]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let (who, paging) = list_request(&state, &req, Scope::PeopleRead).await?;
    let now = state.real_clock.now();
    let key = key.into_inner();
    let (total, rows) = write(&state, move |c| {
        let (study, teams) = study_for(c, &who, &key, Scope::PeopleRead)?;
        let teams = match teams {
            Teams::All => koers_store::studies::teams_of(c, study.id)?.into_iter().map(|t| t.id).collect(),
            Teams::Only(t) => t,
        };
        let api_reads::Page { total, rows } = api_reads::people_page(c, &teams, paging.offset(), paging.per_page)?;
        audit::record(
            c,
            now,
            &audit::Entry {
                actor: &who.actor(),
                actor_staff_id: Some(who.staff_id),
                action: "api.people.view",
                study_id: Some(study.id),
                target_kind: Some("people"),
                details: serde_json::json!({
                    "page": paging.page,
                    "per_page": paging.per_page,
                    "people": rows.iter().map(|p| p.id).collect::<Vec<_>>(),
                    "api_key_id": who.api_key,
                }),
                ..Default::default()
            },
        )?;
        Ok((total, rows))
    })
    .await?;
    let items = rows
        .into_iter()
        .map(|p| PersonItem {
            id: p.id,
            role: p.role.as_str().into(),
            role_title: p.role_title,
            first_name: p.first_name,
            last_name: p.last_name,
            mobile_phone: p.mobile_phone,
            email: p.email,
            locale: p.locale.as_str().into(),
            phone_status: p.phone_status,
            team: p.team_name,
            organisation: p.organisation_key,
            organisation_name: p.organisation_name,
            ended_at: p.ended_at,
            dropout_type: p.dropout_type,
            dropout_date: p.dropout_date,
            excluded: p.excluded,
        })
        .collect();
    Ok(json_ok(&PersonPage::new(items, paging, total)))
}
