//! The staff JSON API under `/api/v1`: access tokens for staff passwords and API keys, studies,
//! coordinators' people, pseudonymised responses and response rates, and streamed exports;
//! described by an OpenAPI 3.1 document generated from this code.
//!
//! The same rules as the staff pages hold: every request is checked against the caller's roles
//! in the study it names, personal data is shown only to coordinators of the person's
//! organisation or team and every view of it is audited, and researchers see pseudonyms only.
//! Every answer that is not a success is `application/problem+json`, including unknown paths
//! under `/api/v1`; nothing here renders HTML.

pub mod auth;
pub mod exports;
pub mod openapi;
pub mod package;
pub mod paging;
pub mod people;
pub mod problem;
pub mod responses;
pub mod scopes;
pub mod studies;

use crate::state::AppState;
use actix_web::http::header;
use actix_web::HttpResponseBuilder;
use actix_web::{web, HttpRequest, HttpResponse};
use auth::{caller, Caller};
use koers_store::DbConnection;
use paging::Paging;
use problem::Problem;
use scopes::Scope;

pub const API_PREFIX: &str = "/api/v1";

/// Routes of the API.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(API_PREFIX)
            .route("/token", web::post().to(auth::token))
            .route("/openapi.json", web::get().to(openapi::spec))
            .route("/studies", web::get().to(studies::list))
            .route("/studies/{key}/people", web::get().to(people::list))
            .route("/studies/{key}/responses", web::get().to(responses::list))
            .route("/studies/{key}/response-rates", web::get().to(responses::rates_list))
            .route("/studies/{key}/exports/package", web::get().to(package::package))
            .route("/studies/{key}/exports/{kind}", web::get().to(exports::export))
            .default_service(web::to(unknown)),
    );
}

/// Anything under `/api/v1` that is not an operation (or not with this method).
async fn unknown() -> Result<HttpResponse, Problem> {
    Err(Problem::not_found("There is no such operation in this API; see /api/v1/openapi.json."))
}

/// Answers with personal data are never cached by browsers or proxies.
pub(crate) fn no_store(mut r: HttpResponseBuilder) -> HttpResponseBuilder {
    r.insert_header((header::CACHE_CONTROL, "no-store"));
    r
}

pub(crate) fn json_ok<T: serde::Serialize>(body: &T) -> HttpResponse {
    no_store(HttpResponse::Ok()).json(body)
}

/// How every list operation starts: the caller, whose token must give `need`, and the page
/// asked for (in that order, so a bad token is a 401 or 403 before bad paging is a 422).
pub(crate) async fn list_request(
    state: &AppState,
    req: &HttpRequest,
    need: Scope,
) -> Result<(Caller, Paging), Problem> {
    let who = caller(state, req).await?;
    who.require(need)?;
    let paging = Paging::from_query(req.query_string())?;
    Ok((who, paging))
}

/// Runs a read on the blocking pool; a pool that cannot run it is a 503.
pub(crate) async fn read<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut DbConnection) -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    let db = state.db.clone();
    web::block(move || db.read(f)).await.map_err(|_| Problem::unavailable())?
}

/// Runs `f` in a write transaction on the blocking pool (audit entries go with what they record).
pub(crate) async fn write<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut DbConnection) -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    let db = state.db.clone();
    web::block(move || db.write(f)).await.map_err(|_| Problem::unavailable())?
}
