//! The pages of this stage: landing, health, static files, and a personal link's first page.

use crate::render::{CSS, JS};
use crate::state::AppState;
use actix_web::http::header::{CacheControl, CacheDirective, ContentType};
use actix_web::{get, web, HttpResponse, Responder};
use koers_store::tokens::{self, TokenState};
use koers_store::{people, Backend};
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(landing).service(healthz).service(css).service(js).service(personal_link);
}

fn html(state: &AppState, template: &str, data: &serde_json::Value) -> HttpResponse {
    match state.templates.render(template, data) {
        Ok(body) => HttpResponse::Ok().content_type(ContentType::html()).body(body),
        Err(e) => {
            tracing::error!(template, error = %e, "template failed");
            HttpResponse::InternalServerError()
                .content_type(ContentType::plaintext())
                .body("Er ging iets mis. Probeer het later opnieuw.")
        }
    }
}

/// A friendly page with a heading and a few sentences.
pub fn message(
    state: &AppState,
    status: actix_web::http::StatusCode,
    lang: &str,
    heading: &str,
    paragraphs: &[&str],
) -> HttpResponse {
    let mut r =
        html(state, "message", &json!({"lang": lang, "title": "koers", "heading": heading, "paragraphs": paragraphs}));
    *r.status_mut() = status;
    r
}

#[get("/")]
async fn landing(state: web::Data<AppState>) -> impl Responder {
    html(&state, "landing", &json!({"lang": "nl", "title": "koers", "demo_links": state.demo_links}))
}

#[get("/static/koers.css")]
async fn css() -> impl Responder {
    HttpResponse::Ok()
        .insert_header(CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(86_400)]))
        .content_type("text/css; charset=utf-8")
        .body(CSS)
}

#[get("/static/koers.js")]
async fn js() -> impl Responder {
    HttpResponse::Ok()
        .insert_header(CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(86_400)]))
        .content_type("text/javascript; charset=utf-8")
        .body(JS)
}

/// Liveness and the database's state, for load balancers and people.
#[get("/healthz")]
async fn healthz(state: web::Data<AppState>) -> impl Responder {
    let backend = match state.db.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let db = state.db.clone();
    let probe = web::block(move || -> Result<(i64, i64), koers_store::StoreError> {
        let mut conn = db.conn()?;
        let studies = koers_store::studies::list_studies(&mut conn)?.len() as i64;
        Ok((studies, 1))
    })
    .await;
    match probe {
        Ok(Ok((studies, _))) => HttpResponse::Ok().json(json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "database": {"backend": backend, "reachable": true, "studies": studies},
        })),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            HttpResponse::ServiceUnavailable().json(json!({
                "status": "unavailable",
                "version": env!("CARGO_PKG_VERSION"),
                "database": {"backend": backend, "reachable": false},
            }))
        }
        Err(_) => HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable"})),
    }
}

/// The page a personal SMS link opens.
#[get("/l/{token}")]
async fn personal_link(state: web::Data<AppState>, token: web::Path<String>) -> impl Responder {
    let db = state.db.clone();
    let now = state.clock.now();
    let token = token.into_inner();
    let result = web::block(move || -> Result<_, koers_store::StoreError> {
        let mut conn = db.conn()?;
        let st = tokens::redeem(&mut conn, &token, now)?;
        let who = match &st {
            TokenState::Valid { person_id, .. } | TokenState::Expired { person_id } => {
                people::greeting_of(&mut conn, *person_id)?
            }
            TokenState::Unknown => None,
        };
        Ok((st, who))
    })
    .await;
    use actix_web::http::StatusCode;
    match result {
        Ok(Ok((TokenState::Valid { .. }, who))) => {
            let (name, lang) = who.unwrap_or((None, "nl".into()));
            let name = name.unwrap_or_default();
            if lang == "en" {
                message(
                    &state,
                    StatusCode::OK,
                    "en",
                    &format!("Hi {name}!"),
                    &[
                        "Your personal link works. There is no questionnaire for you to fill in right now.",
                        "You will get a text message when the next one is ready.",
                    ],
                )
            } else {
                message(
                    &state,
                    StatusCode::OK,
                    "nl",
                    &format!("Hoi {name}!"),
                    &[
                        "Je persoonlijke link werkt. Er staat nu geen vragenlijst voor je klaar.",
                        "Je krijgt een sms als de volgende klaarstaat.",
                    ],
                )
            }
        }
        Ok(Ok((TokenState::Expired { .. }, _))) => message(
            &state,
            StatusCode::GONE,
            "nl",
            "Deze link is verlopen",
            &["Geen probleem: je krijgt een nieuwe link in je volgende sms."],
        ),
        Ok(Ok((TokenState::Unknown, _))) => message(
            &state,
            StatusCode::NOT_FOUND,
            "nl",
            "Deze link kennen we niet",
            &["Kijk of je de hele link uit je sms hebt geopend. Lukt het niet? Vraag je begeleider om hulp."],
        ),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "personal link lookup failed");
            message(
                &state,
                StatusCode::SERVICE_UNAVAILABLE,
                "nl",
                "Even geduld",
                &["Het lukt nu even niet. Probeer het over een paar minuten opnieuw."],
            )
        }
        Err(_) => message(
            &state,
            StatusCode::SERVICE_UNAVAILABLE,
            "nl",
            "Even geduld",
            &["Het lukt nu even niet. Probeer het over een paar minuten opnieuw."],
        ),
    }
}
