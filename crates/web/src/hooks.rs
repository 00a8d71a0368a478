//! Delivery reports from SMS gateways. Each gateway's requests are verified before anything is
//! recorded: MessageBird and the webhook by a secret path, Twilio by its request signature.

use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::sending::{self, Delivery, DeliveryReport};
use std::collections::HashMap;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/hooks/sms/messagebird/{secret}", web::get().to(messagebird))
        .route("/hooks/sms/messagebird/{secret}", web::post().to(messagebird_post))
        .route("/hooks/sms/twilio", web::post().to(twilio))
        .route("/hooks/sms/webhook/{secret}", web::post().to(webhook));
}

/// Compares without leaking, through timing, how much of a guess was right.
fn same_secret(given: &str, expected: Option<&str>) -> bool {
    let Some(expected) = expected.filter(|e| !e.is_empty()) else { return false };
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn record(state: &AppState, report: OwnedReport) -> HttpResponse {
    let db = state.db.clone();
    let now = state.real_clock.now();
    let result = web::block(move || {
        db.read(|c| {
            sending::record_delivery_report(
                c,
                &DeliveryReport {
                    gateway: report.gateway,
                    message_id: report.message_id.as_deref(),
                    reference: report.reference.as_deref(),
                    status: &report.status,
                    delivery: report.delivery,
                    payload: &report.payload,
                },
                now,
            )
        })
    })
    .await;
    match result {
        Ok(Ok(_)) => HttpResponse::Ok().body("OK"),
        // A 5xx makes the gateway deliver the report again later.
        _ => HttpResponse::ServiceUnavailable().finish(),
    }
}

struct OwnedReport {
    gateway: &'static str,
    message_id: Option<String>,
    reference: Option<String>,
    status: String,
    delivery: Delivery,
    payload: String,
}

fn limited(params: HashMap<String, String>) -> Option<HashMap<String, String>> {
    (params.len() <= 50 && params.iter().all(|(k, v)| k.len() <= 64 && v.len() <= 1024)).then_some(params)
}

fn messagebird_delivery(status: &str) -> Delivery {
    match status {
        "delivered" => Delivery::Delivered,
        "delivery_failed" | "expired" => Delivery::Failed,
        _ => Delivery::InTransit,
    }
}

async fn messagebird(
    state: web::Data<AppState>,
    secret: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    messagebird_report(&state, &secret, query.into_inner()).await
}

async fn messagebird_post(
    state: web::Data<AppState>,
    secret: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    messagebird_report(&state, &secret, form.into_inner()).await
}

async fn messagebird_report(state: &AppState, secret: &str, params: HashMap<String, String>) -> HttpResponse {
    if !same_secret(secret, state.settings.sms.report_secret.as_deref()) {
        return HttpResponse::NotFound().finish();
    }
    let Some(p) = limited(params) else { return HttpResponse::BadRequest().finish() };
    let status = p.get("status").cloned().unwrap_or_default();
    record(
        state,
        OwnedReport {
            gateway: "messagebird",
            message_id: p.get("id").cloned(),
            reference: p.get("reference").cloned(),
            delivery: messagebird_delivery(&status),
            payload: serde_json::to_string(&p).unwrap_or_default(),
            status,
        },
    )
    .await
}

async fn twilio(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let Some(token) = state.settings.sms.auth_token.as_deref() else { return HttpResponse::NotFound().finish() };
    let Some(p) = limited(form.into_inner()) else { return HttpResponse::BadRequest().finish() };
    let url = format!("{}{}", state.settings.base_url, req.uri());
    let signature = req.headers().get("X-Twilio-Signature").and_then(|v| v.to_str().ok()).unwrap_or("");
    let pairs: Vec<(String, String)> = p.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    if !koers_messaging::twilio::valid_signature(token, &url, &pairs, signature) {
        tracing::warn!("a Twilio status callback with a wrong signature was refused");
        return HttpResponse::Forbidden().finish();
    }
    let status = p.get("MessageStatus").cloned().unwrap_or_default();
    let delivery = match status.as_str() {
        "delivered" => Delivery::Delivered,
        "undelivered" | "failed" => Delivery::Failed,
        _ => Delivery::InTransit,
    };
    record(
        &state,
        OwnedReport {
            gateway: "twilio",
            message_id: p.get("MessageSid").cloned(),
            reference: None,
            delivery,
            payload: serde_json::to_string(&p).unwrap_or_default(),
            status,
        },
    )
    .await
}

async fn webhook(
    state: web::Data<AppState>,
    secret: web::Path<String>,
    body: web::Json<HashMap<String, String>>,
) -> HttpResponse {
    if !same_secret(&secret, state.settings.sms.report_secret.as_deref()) {
        return HttpResponse::NotFound().finish();
    }
    let Some(p) = limited(body.into_inner()) else { return HttpResponse::BadRequest().finish() };
    let status = p.get("status").cloned().unwrap_or_default();
    record(
        &state,
        OwnedReport {
            gateway: "webhook",
            message_id: p.get("id").cloned(),
            reference: p.get("reference").cloned(),
            delivery: messagebird_delivery(&status),
            payload: serde_json::to_string(&p).unwrap_or_default(),
            status,
        },
    )
    .await
}
