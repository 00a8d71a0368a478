//! What operators and their tools ask of a running koers: `/readyz` (may this instance take
//! traffic?) and `/metrics` (Prometheus text format). `/healthz`, plain liveness, is in pages.
//!
//! HTTP requests are counted by [`track`], a middleware that labels them with the route's
//! pattern (`/l/{token}`), never the path itself, so no id or token ever becomes a label. What
//! the database knows (invitations by status, submissions, the scheduler's lag) is read when
//! `/metrics` is scraped, with a few aggregate queries.

use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{get, web, HttpRequest, HttpResponse, Responder};
use koers_core::invitation::InvitationStatus;
use koers_store::ops::{self, Snapshot};
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts};
use prometheus::{Registry, TextEncoder};
use serde_json::json;
use std::sync::OnceLock;
use std::time::Instant;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(readyz).service(metrics);
}

/// The request metrics of this process, shared by every worker thread.
struct HttpMetrics {
    registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
}

fn http_metrics() -> &'static HttpMetrics {
    static METRICS: OnceLock<HttpMetrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("koers_http_requests_total", "HTTP requests by method, route pattern and status"),
            &["method", "route", "status"],
        )
        .expect("a valid metric");
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "koers_http_request_duration_seconds",
                "HTTP request latency by method and route pattern",
            ),
            &["method", "route"],
        )
        .expect("a valid metric");
        registry.register(Box::new(requests.clone())).expect("registered once");
        registry.register(Box::new(duration.clone())).expect("registered once");
        HttpMetrics { registry, requests, duration }
    })
}

/// A few methods by name; anything else is `other`, so a client cannot invent labels.
fn method_label(m: &actix_web::http::Method) -> &'static str {
    match m.as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

/// Middleware (`middleware::from_fn(ops::track)`) counting each request and its latency under
/// the pattern of the route that served it; requests no route matches are `unmatched`.
/// Latency is elapsed time, measured with the monotonic clock (not the wall clock of `Clock`).
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = method_label(req.method());
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".to_string());
    let res = next.call(req).await;
    let status = match &res {
        Ok(r) => r.status(),
        Err(e) => e.as_response_error().status_code(),
    };
    let m = http_metrics();
    m.requests.with_label_values(&[method, &route, status.as_str()]).inc();
    m.duration.with_label_values(&[method, &route]).observe(started.elapsed().as_secs_f64());
    // The route's pattern, never the path: paths hold personal link tokens.
    tracing::debug!(method, route = %route, status = status.as_u16(), "request");
    res
}

/// Ready for traffic: the database answers a query and (where this instance runs the
/// scheduler) no invitation has waited longer than `scheduler.lag_alert_seconds` past its due
/// time. 503 with the reason otherwise. An instance with the scheduler off is not taken out of
/// service for a lagging worker elsewhere: the lag is reported, not held against it.
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> impl Responder {
    let db = state.db.clone();
    let now = state.real_clock.now();
    let probe = web::block(move || {
        db.read(|c| -> Result<_, koers_store::StoreError> {
            ops::ping(c)?;
            ops::oldest_overdue(c, now)
        })
    })
    .await;
    let oldest = match probe {
        Ok(Ok(oldest)) => oldest,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readyz: the database does not answer");
            return not_ready("the database does not answer", None);
        }
        Err(e) => {
            tracing::warn!(error = %e, "readyz: the database check could not run");
            return not_ready("the database check could not run", None);
        }
    };
    let lag = Snapshot { oldest_overdue: oldest, ..Default::default() }.lag_seconds(now);
    let limit = state.settings.scheduler.lag_alert_seconds;
    let runs_scheduler = state.settings.scheduler.enabled;
    if runs_scheduler && lag > i64::try_from(limit).unwrap_or(i64::MAX) {
        return not_ready(
            &format!("the scheduler lags: an invitation is {lag} seconds past its due time (the limit is {limit})"),
            Some(lag),
        );
    }
    HttpResponse::Ok().insert_header(header::CacheControl(vec![header::CacheDirective::NoStore])).json(json!({
        "status": "ready",
        "database": "ok",
        "scheduler": if runs_scheduler { "ok" } else { "not run here" },
        "scheduler_lag_seconds": lag,
        "lag_alert_seconds": limit,
    }))
}

fn not_ready(reason: &str, lag: Option<i64>) -> HttpResponse {
    let mut body = json!({"status": "not_ready", "reason": reason});
    if let Some(lag) = lag {
        body["scheduler_lag_seconds"] = lag.into();
    }
    HttpResponse::ServiceUnavailable()
        .insert_header(header::CacheControl(vec![header::CacheDirective::NoStore]))
        .json(body)
}

/// Compares without stopping at the first difference, so timing tells nothing of the token.
fn same_token(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len() && given.iter().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

fn authorised(req: &HttpRequest, token: Option<&str>) -> bool {
    let Some(expected) = token.filter(|t| !t.is_empty()) else { return true };
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| same_token(given.trim().as_bytes(), expected.as_bytes()))
}

/// The database's numbers as metrics, in a registry of their own made for this scrape.
fn database_metrics(snapshot: Option<&Snapshot>, now: chrono::DateTime<chrono::Utc>) -> prometheus::Result<Registry> {
    let r = Registry::new();
    let up = IntGauge::new("koers_database_up", "1 when the database answered this scrape's queries")?;
    r.register(Box::new(up.clone()))?;
    let Some(s) = snapshot else { return Ok(r) };
    up.set(1);
    let invitations = IntGaugeVec::new(Opts::new("koers_invitations", "Invitations by status"), &["status"])?;
    r.register(Box::new(invitations.clone()))?;
    // Every status an invitation can have, so each series exists (at 0) before it first occurs.
    for status in InvitationStatus::ALL {
        invitations.with_label_values(&[status.as_str()]).set(0);
    }
    for c in &s.invitations_by_status {
        invitations.with_label_values(&[c.status.as_str()]).set(c.invitations);
    }
    let submissions = IntCounter::new("koers_submissions_total", "Questionnaires completed (responses stored)")?;
    r.register(Box::new(submissions.clone()))?;
    submissions.inc_by(u64::try_from(s.submissions).unwrap_or(0));
    let lag = IntGauge::new(
        "koers_scheduler_lag_seconds",
        "Seconds the oldest waiting invitation is past its due time (0 when none waits)",
    )?;
    r.register(Box::new(lag.clone()))?;
    lag.set(s.lag_seconds(now));
    Ok(r)
}

/// Prometheus text format. With `metrics_token` set, only for `Authorization: Bearer TOKEN`.
#[get("/metrics")]
async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> impl Responder {
    if !authorised(&req, state.settings.metrics_token.as_deref()) {
        return HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\""))
            .content_type("text/plain; charset=utf-8")
            .body("a bearer token is needed for /metrics\n");
    }
    let db = state.db.clone();
    let now = state.real_clock.now();
    let snapshot = match web::block(move || db.read(|c| ops::snapshot(c, now))).await {
        Ok(Ok(s)) => Some(s),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "metrics: the database does not answer");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the database query could not run");
            None
        }
    };
    let mut families = http_metrics().registry.gather();
    match database_metrics(snapshot.as_ref(), now) {
        Ok(r) => families.extend(r.gather()),
        Err(e) => tracing::error!(error = %e, "metrics: the database metrics could not be built"),
    }
    let encoder = TextEncoder::new();
    let mut out = Vec::new();
    if let Err(e) = encoder.encode(&families, &mut out) {
        tracing::error!(error = %e, "metrics could not be encoded");
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok()
        .insert_header(header::CacheControl(vec![header::CacheDirective::NoStore]))
        .content_type(encoder.format_type())
        .body(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use koers_store::ops::StatusCount;

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token(b"abc", b"abc"));
        assert!(!same_token(b"abd", b"abc"));
        assert!(!same_token(b"ab", b"abc"));
    }

    #[test]
    fn the_database_metrics_name_every_status_and_the_lag() {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let s = Snapshot {
            invitations_by_status: vec![StatusCount { status: InvitationStatus::Pending, invitations: 3 }],
            submissions: 7,
            oldest_overdue: Some(now - chrono::TimeDelta::seconds(90)),
        };
        let r = database_metrics(Some(&s), now).unwrap();
        let mut out = Vec::new();
        TextEncoder::new().encode(&r.gather(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("koers_invitations{status=\"pending\"} 3"), "{text}");
        assert!(text.contains("koers_invitations{status=\"sent\"} 0"), "{text}");
        assert!(text.contains("koers_submissions_total 7"), "{text}");
        assert!(text.contains("koers_scheduler_lag_seconds 90"), "{text}");
        assert!(text.contains("koers_database_up 1"), "{text}");
    }
}
