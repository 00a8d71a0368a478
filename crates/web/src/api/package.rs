//! `GET /api/v1/studies/{key}/exports/package`: the research package of
//! [`koers_export::package`] (every pseudonymised export, codebook, `datapackage.json`, R, SPSS
//! and Stata syntax, README) as one zip. Built in memory on a blocking thread; audited first.

use super::auth::{caller, secret_or_unavailable};
use super::problem::Problem;
use super::scopes::Scope;
use super::studies::study_for;
use super::{no_store, write};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::audit;

#[utoipa::path(
    get,
    path = "/api/v1/studies/{key}/exports/package",
    operation_id = "export_package",
    tag = "exports",
    params(("key" = String, Path, description = "The study's key.", max_length = 100)),
    responses(
        (status = 200, description = "The package as a zip: the pseudonymised CSVs, codebook.csv, datapackage.json, koers.R, koers.sps, koers.do and README.md.",
            content((Vec<u8> = "application/zip"))),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token or the caller's roles in this study lack `export`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, or the caller has no role in it.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server cannot answer now.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["export"]))
)]
pub async fn package(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let who = caller(&state, &req).await?;
    who.require(Scope::Export)?;
    let key = path.into_inner();
    let pseudonym_key = koers_export::pseudonym_key(secret_or_unavailable(&state)?.as_bytes());
    let now = state.real_clock.now();
    let (study, teams) = write(&state, move |c| {
        let (study, teams) = study_for(c, &who, &key, Scope::Export)?;
        audit::record(
            c,
            now,
            &audit::Entry {
                actor: &who.actor(),
                actor_staff_id: Some(who.staff_id),
                action: "export",
                study_id: Some(study.id),
                target_kind: Some("study"),
                target_id: Some(study.id),
                details: serde_json::json!({"kind": "package", "via": "api", "api_key_id": who.api_key,
                                            "teams": teams.filter()}),
                ..Default::default()
            },
        )?;
        Ok((study, teams))
    })
    .await?;
    let request = koers_export::Request {
        kind: koers_export::Kind::Codebook,
        study_id: study.id,
        format: koers_export::Format::Csv,
        pseudonym_key,
        questionnaire: None,
        now: study.clock().at(now),
        teams: teams.into_filter(),
    };
    let db = state.db.clone();
    let bytes = web::block(move || {
        db.read(|c| koers_export::package::build(c, &request).and_then(|f| koers_export::package::zip(&f)))
    })
    .await
    .map_err(|_| Problem::unavailable())?
    .map_err(|e| {
        tracing::error!(error = %e, "api: the package failed");
        Problem::unavailable()
    })?;
    let safe: String =
        study.key.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').take(60).collect();
    let test = if study.test_mode { "-TEST" } else { "" };
    Ok(no_store(HttpResponse::Ok())
        .insert_header((header::CONTENT_TYPE, "application/zip"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}{test}-package.zip\"", if safe.is_empty() { "study" } else { &safe }),
        ))
        .body(bytes))
}
