//! The OpenAPI 3.1 description of the API, generated from the handlers and types themselves
//! (utoipa), so it cannot drift from what the server does. Served at `/api/v1/openapi.json`.

use super::auth::{TokenRequest, TokenResponse, AUDIENCE, TOKEN_SECONDS};
use super::people::{PersonItem, PersonPage};
use super::problem::{InvalidParam, Problem};
use super::responses::{AnswerItem, RateItem, RatePage, ResponseItem, ResponsePage};
use super::studies::{StudyItem, StudyPage};
use super::{auth, exports, package, people, responses, studies};
use actix_web::http::header;
use actix_web::HttpResponse;
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "koers staff API",
        version = "1",
        description = "Read access for coordinators and researchers. Ask `POST /api/v1/token` for an access \
            token with a staff password or an API key and send it as `Authorization: Bearer ...`. \
            Lists take `page` and `per_page` (at most 500). Every error is `application/problem+json` (RFC 9457)."
    ),
    paths(
        auth::token,
        studies::list,
        people::list,
        responses::list,
        responses::rates_list,
        exports::export,
        package::package,
        spec,
    ),
    components(schemas(
        Problem,
        InvalidParam,
        TokenRequest,
        TokenResponse,
        StudyItem,
        StudyPage,
        PersonItem,
        PersonPage,
        ResponseItem,
        ResponsePage,
        AnswerItem,
        RateItem,
        RatePage,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Access tokens."),
        (name = "studies", description = "Studies the caller has a role in."),
        (name = "people", description = "Coordinators' people, with identifying details (audited)."),
        (name = "responses", description = "Pseudonymised responses and response rates."),
        (name = "exports", description = "Pseudonymised datasets (audited)."),
        (name = "meta", description = "This description."),
    )
)]
pub struct ApiDoc;

/// Adds the bearer scheme that every protected operation names.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(format!(
                        "An HS256 JWT from POST /api/v1/token, audience `{AUDIENCE}`, valid {} minutes. \
                         Scopes: studies:read, people:read, responses:read, export.",
                        TOKEN_SECONDS / 60
                    )))
                    .build(),
            ),
        );
    }
}

/// The description as JSON, made once.
pub fn json() -> &'static str {
    static SPEC: OnceLock<String> = OnceLock::new();
    SPEC.get_or_init(|| ApiDoc::openapi().to_pretty_json().unwrap_or_default())
}

#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "openapi",
    tag = "meta",
    responses((status = 200, description = "This OpenAPI 3.1 description.", content_type = "application/json")),
    security(())
)]
pub async fn spec() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(json())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_description_is_openapi_3_1_with_the_bearer_scheme() {
        let v: serde_json::Value = serde_json::from_str(super::json()).unwrap();
        assert!(v["openapi"].as_str().unwrap().starts_with("3.1"));
        assert_eq!(v["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
        assert!(v["paths"]["/api/v1/studies/{key}/exports/{kind}"]["get"].is_object());
    }
}
