//! The pages of this stage: landing, health, static files, and a personal link's first page.

use crate::render::{CSS, JS};
use crate::state::AppState;
use actix_web::http::header::{CacheControl, CacheDirective, ContentType};
use actix_web::{get, web, HttpResponse, Responder};
use koers_store::Backend;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(landing).service(healthz).service(css).service(js);
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
    // Whoever arrives here has no language yet: the Dutch text, and under it the same in
    // English, marked as English, for a student who reads English.
    let intro_other = json!({"lang": "en", "text": koers_texts::t("en", "landing-intro", &[])});
    html(
        &state,
        "landing",
        &json!({"lang": "nl", "title": "koers", "intro_other": intro_other, "demo_links": state.demo_links}),
    )
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
