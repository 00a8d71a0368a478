//! Errors of the API as RFC 9457 problem details (`application/problem+json`).
//!
//! Every refusal the API gives goes through [`Problem`], so clients can rely on one shape and
//! one media type for all of them. The `detail` is written for the developer of the client and
//! never holds personal data, tokens or database text; what went wrong inside the server is
//! logged (without personal data) and the client only learns to retry later.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use koers_store::coordination::CoordinationError;
use koers_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem detail (RFC 9457). `type` is `about:blank` throughout, so `title` is the HTTP
/// status phrase and `detail` says what happened in this case.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status code says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The HTTP status phrase.
    pub title: &'static str,
    /// The HTTP status code, repeated.
    pub status: u16,
    /// What happened, for the developer of the client.
    pub detail: String,
    /// The parameters that were refused and why (422 only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invalid_params: Vec<InvalidParam>,
    /// The `WWW-Authenticate` challenge of a 401 or 403 (RFC 6750).
    #[serde(skip)]
    #[schema(ignore)]
    pub challenge: Option<String>,
    /// Seconds to wait before trying again (429, 503).
    #[serde(skip)]
    #[schema(ignore)]
    pub retry_after: Option<u32>,
}

/// One refused parameter of a 422.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct InvalidParam {
    pub name: String,
    pub reason: String,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: detail.into(),
            invalid_params: Vec::new(),
            challenge: None,
            retry_after: None,
        }
    }

    /// No usable credentials. `error` is RFC 6750's code (`invalid_token`), absent when the
    /// request carried no token at all.
    pub fn unauthorized(detail: &str, error: Option<&str>) -> Self {
        let challenge = match error {
            Some(code) => format!("Bearer realm=\"koers\", error=\"{code}\", error_description=\"{detail}\""),
            None => "Bearer realm=\"koers\"".to_string(),
        };
        Problem { challenge: Some(challenge), ..Problem::new(StatusCode::UNAUTHORIZED, detail) }
    }

    /// The token is fine but does not carry the scope the operation needs.
    pub fn missing_scope(scope: &str) -> Self {
        Problem {
            challenge: Some(format!("Bearer realm=\"koers\", error=\"insufficient_scope\", scope=\"{scope}\"")),
            ..Problem::new(StatusCode::FORBIDDEN, format!("This operation needs the scope '{scope}'."))
        }
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::FORBIDDEN, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::NOT_FOUND, detail)
    }

    /// Parameters that cannot be used, each with its reason.
    pub fn invalid(params: Vec<InvalidParam>) -> Self {
        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        let detail = if names.is_empty() {
            "The request cannot be used as it is.".to_string()
        } else {
            format!("Some parameters cannot be used: {}.", names.join(", "))
        };
        Problem { invalid_params: params, ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail) }
    }

    pub fn invalid_param(name: &str, reason: impl Into<String>) -> Self {
        Problem::invalid(vec![InvalidParam { name: name.into(), reason: reason.into() }])
    }

    pub fn too_many_requests() -> Self {
        Problem {
            retry_after: Some(60),
            ..Problem::new(StatusCode::TOO_MANY_REQUESTS, "Too many attempts from this address; wait a minute.")
        }
    }

    /// The server cannot answer now (database busy or failing); logged where it happened.
    pub fn unavailable() -> Self {
        Problem {
            retry_after: Some(30),
            ..Problem::new(StatusCode::SERVICE_UNAVAILABLE, "The server cannot answer now; try again in a minute.")
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.title, self.detail)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut r = HttpResponse::build(self.status_code());
        r.insert_header((header::CONTENT_TYPE, PROBLEM_JSON)).insert_header((header::CACHE_CONTROL, "no-store"));
        if let Some(c) = self.challenge.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
            r.insert_header((header::WWW_AUTHENTICATE, c));
        }
        if let Some(s) = self.retry_after {
            r.insert_header((header::RETRY_AFTER, s.to_string()));
        }
        r.body(serde_json::to_string(self).unwrap_or_default())
    }
}

/// Storage failures become a 503; the cause goes to the log, not to the client.
impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => Problem::not_found("There is nothing here."),
            e => {
                tracing::error!(error = %e, "api: storage failed");
                Problem::unavailable()
            }
        }
    }
}

impl From<diesel::result::Error> for Problem {
    fn from(e: diesel::result::Error) -> Self {
        Problem::from(StoreError::from(e))
    }
}

impl From<CoordinationError> for Problem {
    fn from(e: CoordinationError) -> Self {
        match e {
            CoordinationError::NotFound => Problem::not_found("There is nothing here."),
            CoordinationError::Problems(ps) | CoordinationError::NumberRefused { problems: ps, .. } => {
                Problem::invalid(
                    ps.into_iter()
                        .map(|p| InvalidParam {
                            name: p.field.unwrap_or_else(|| "request".into()),
                            reason: koers_texts::msg("en", &p.msg),
                        })
                        .collect(),
                )
            }
            CoordinationError::Store(e) => e.into(),
        }
    }
}
