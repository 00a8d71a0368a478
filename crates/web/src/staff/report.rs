//! The study report on the staff pages (`/staff/report?study=KEY`): the very HTML of
//! `koers report` (response curves per role, measurement, group and week; construct means with
//! 95% CI and quartiles; trajectories aligned to dropout; choice shares; joint pair weeks), for
//! the accounts that read the study's responses (researchers, admins), over the teams their
//! roles hold. It shows group figures only, never a person; it is audited like the CLI's report.
//!
//! The page is self-contained with one inline `<style>`, so it carries its own
//! Content-Security-Policy that allows exactly that style by its hash.

use super::exclusion::{chosen_study, reachable, researcher};
use crate::page_error::{respond_staff, staff_message, Audience, PageError, PageResult};
use crate::state::AppState;
use actix_web::http::header::{self, ContentType};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use koers_export::{Format, Kind, Request};
use koers_store::audit;
use koers_texts::t;
use sha2::{Digest, Sha256};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/staff/report", web::get().to(page));
}

const MAX_KEY_CHARS: usize = 64;

/// What asking for a report came to.
enum Outcome {
    /// The account reads the responses of no study.
    NoStudy,
    /// Not of the study asked for (unknown, or not the account's).
    NotThatStudy,
    Made {
        study_id: i64,
        teams: Option<Vec<i64>>,
        html: String,
    },
}

async fn page(state: web::Data<AppState>, req: HttpRequest, query: web::Query<Vec<(String, String)>>) -> HttpResponse {
    let study = super::field(&query, "study").to_string();
    respond_staff(&state, &req, report(&state, &req, &study).await)
}

/// The policy of the report page: the application's, with the page's own style allowed by hash.
fn policy_for(html: &str) -> String {
    let style = html.split_once("<style>").and_then(|(_, rest)| rest.split_once("</style>")).map_or("", |(s, _)| s);
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(style.as_bytes()));
    format!("default-src 'none'; style-src 'sha256-{hash}'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
}

async fn report(state: &AppState, req: &HttpRequest, study_key: &str) -> PageResult {
    let r = researcher(state, req).await?;
    let lang = r.lang();
    if study_key.chars().count() > MAX_KEY_CHARS {
        return Err(PageError::NotFound(Audience::Staff));
    }
    let secret =
        state.settings.installation_secret().map(str::to_string).ok_or(PageError::Unavailable(Audience::Staff))?;
    let (access, staff_id, real_now) = (r.access.clone(), r.account.id, state.real_clock.now());
    let wanted = study_key.to_string();
    let db = state.db.clone();
    // Read first (the report takes a while; no write lock is held meanwhile), audited after.
    let made = web::block(move || {
        let found = db.read(|c| -> Result<Outcome, koers_export::ExportError> {
            let studies = reachable(c, &access)?;
            if studies.is_empty() {
                return Ok(Outcome::NoStudy);
            }
            let Some(i) = chosen_study(&studies, &wanted) else { return Ok(Outcome::NotThatStudy) };
            let s = &studies[i];
            let request = Request {
                kind: Kind::Codebook,
                study_id: s.study.id,
                format: Format::Csv,
                pseudonym_key: koers_export::pseudonym_key(secret.as_bytes()),
                questionnaire: None,
                now: s.study.clock().at(real_now),
                teams: s.teams.clone(),
            };
            let data = koers_export::report::gather(c, &request)?;
            let title = if s.study.test_mode {
                t(lang, "report-test-title", &[("study", s.study.key.clone())])
            } else {
                s.study.key.clone()
            };
            let html = koers_export::report_html::html(&title, &data, lang);
            Ok(Outcome::Made { study_id: s.study.id, teams: s.teams.clone(), html })
        })?;
        let Outcome::Made { study_id, teams, html } = found else { return Ok(found) };
        let actor = format!("staff:{staff_id}");
        db.write(|c| {
            audit::record(
                c,
                real_now,
                &audit::Entry {
                    actor: &actor,
                    actor_staff_id: Some(staff_id),
                    action: "export",
                    study_id: Some(study_id),
                    details: serde_json::json!({"kind": "report", "teams": teams}),
                    ..Default::default()
                },
            )
        })?;
        Ok::<_, koers_export::ExportError>(Outcome::Made { study_id, teams, html })
    })
    .await;
    match made {
        Ok(Ok(Outcome::Made { html, .. })) => Ok(HttpResponse::Ok()
            .content_type(ContentType::html())
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::CONTENT_SECURITY_POLICY, policy_for(&html)))
            .body(html)),
        Ok(Ok(Outcome::NotThatStudy)) => Err(PageError::NotFound(Audience::Staff)),
        Ok(Ok(Outcome::NoStudy)) => Ok(staff_message(
            state,
            StatusCode::FORBIDDEN,
            lang,
            &t(lang, "staff-researchers-only-heading", &[]),
            &t(lang, "report-researchers-only-text", &[]),
        )),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "the staff report failed");
            Err(PageError::Unavailable(Audience::Staff))
        }
        Err(_) => Err(PageError::Unavailable(Audience::Staff)),
    }
}
