//! `GET /api/v1/studies`, and how every endpoint under `/studies/{key}` finds its study: a
//! study the caller has no role in is answered as if it did not exist (404), one they have a
//! role in but not the needed scope with 403.

use super::auth::Caller;
use super::paging::{api_page, PageQuery};
use super::problem::Problem;
use super::scopes::{Scope, Teams};
use super::{json_ok, list_request, read};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::studies::{self, Study};
use koers_store::DbConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Study keys are short words; anything longer or odd cannot name one.
const MAX_KEY_CHARS: usize = 100;

/// A study the caller may see.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StudyItem {
    /// The key in every `/studies/{key}` path.
    pub key: String,
    pub name: String,
    /// IANA time zone in which the study's weeks and windows are reckoned.
    pub time_zone: String,
    pub default_locale: String,
    /// A study in test mode sends to test numbers only and may run on a simulated clock.
    pub test_mode: bool,
    /// What the caller's token may do in this study.
    pub scopes: Vec<String>,
}

api_page!(StudyPage, StudyItem, "A page of studies.");

/// The study a path names, if the caller may use it for `need`, and the teams of it whose rows
/// the caller may see for `need` (every operation filters its rows by these).
pub fn study_for(c: &mut DbConnection, who: &Caller, key: &str, need: Scope) -> Result<(Study, Teams), Problem> {
    let gone = || Problem::not_found("There is no study with this key, or you have no role in it.");
    if key.is_empty() || key.chars().count() > MAX_KEY_CHARS || key.chars().any(char::is_control) {
        return Err(gone());
    }
    let study = studies::find_study(c, key)?.ok_or_else(gone)?;
    let scopes = who.in_study(study.id);
    if scopes.is_empty() {
        return Err(gone());
    }
    let Some(teams) = who.teams_for(study.id, need) else {
        return Err(Problem::forbidden(format!("Your roles in this study do not give '{}'.", need.as_str())));
    };
    Ok((study, teams))
}

#[utoipa::path(
    get,
    path = "/api/v1/studies",
    operation_id = "list_studies",
    tag = "studies",
    params(PageQuery),
    responses(
        (status = 200, description = "The studies the caller has a role in (every study for an admin).", body = StudyPage),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks `studies:read`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Paging parameters out of range.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server cannot answer now.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["studies:read"]))
)]
pub async fn list(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, Problem> {
    let (who, paging) = list_request(&state, &req, Scope::StudiesRead).await?;
    let all = read(&state, |c| Ok(studies::list_studies(c)?)).await?;
    let visible: Vec<StudyItem> = all
        .into_iter()
        .filter(|s| who.in_study(s.id).has(Scope::StudiesRead))
        .map(|s| StudyItem {
            scopes: who.in_study(s.id).list().into_iter().map(String::from).collect(),
            key: s.key,
            name: s.name,
            time_zone: s.time_zone,
            default_locale: s.default_locale,
            test_mode: s.test_mode,
        })
        .collect();
    let total = visible.len() as i64;
    Ok(json_ok(&StudyPage::new(paging.slice(visible), paging, total)))
}
