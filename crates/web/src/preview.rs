//! Trying questionnaires out without storing anything: in the demo (and for researchers in a
//! study's test mode) every loaded questionnaire can be filled in, and the page shows exactly
//! what koers would store: which answers, which "not answered", which scores.

use crate::pages::message;
use crate::questionnaire_page::{render_page, PageInput};
use crate::state::AppState;
use actix_web::http::header::ContentType;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_core::questionnaire::parse_questionnaire;
use koers_core::questionnaire::submit::{validate_submission, Context, Submission, Value};
use koers_core::questionnaire::vars::PersonVars;
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/preview", web::get().to(list))
        .route("/preview/{key}", web::get().to(show))
        .route("/preview/{key}", web::post().to(submit));
}

#[derive(Deserialize)]
struct Lang {
    lang: Option<String>,
}

fn lang_of(q: &Lang) -> String {
    match q.lang.as_deref() {
        Some("en") => "en".into(),
        _ => "nl".into(),
    }
}

fn not_here(state: &AppState) -> HttpResponse {
    let t = |key: &str| koers_texts::t("nl", key, &[]);
    message(state, StatusCode::NOT_FOUND, "nl", &t("q-preview-not-found"), &[&t("q-preview-check-address")])
}

/// The newest version of a questionnaire, parsed.
async fn load(state: &AppState, key: String) -> Option<koers_core::questionnaire::Questionnaire> {
    let db = state.db.clone();
    let source = web::block(move || {
        db.read(|c| {
            let Some(study) = koers_store::definitions::first_study_with_questionnaires(c)? else { return Ok(None) };
            koers_store::definitions::latest_questionnaire(c, study, &key)
        })
    })
    .await
    .ok()?
    .ok()??;
    parse_questionnaire(&source.content, Some(&source.key)).ok().map(|(q, _)| q)
}

fn vars() -> PersonVars {
    PersonVars {
        first_name: Some("Sanne".into()),
        student_name: Some("Sanne".into()),
        student_gender: Some(koers_core::people::Gender::Female),
        mentor_name: Some("Joris".into()),
        mentor_gender: Some(koers_core::people::Gender::Male),
        ..Default::default()
    }
}

fn students() -> Vec<(i64, String)> {
    vec![(1, "Sanne".into()), (2, "Daan".into())]
}

fn html(body: String) -> HttpResponse {
    HttpResponse::Ok().content_type(ContentType::html()).body(body)
}

async fn list(state: web::Data<AppState>) -> HttpResponse {
    if !state.preview {
        return not_here(&state);
    }
    let db = state.db.clone();
    let Ok(Ok(all)) = web::block(move || {
        db.read(|c| match koers_store::definitions::first_study_with_questionnaires(c)? {
            Some(study) => koers_store::definitions::latest_questionnaires(c, study),
            None => Ok(Default::default()),
        })
    })
    .await
    else {
        let t = |key: &str| koers_texts::t("nl", key, &[]);
        return message(
            &state,
            StatusCode::SERVICE_UNAVAILABLE,
            "nl",
            &t("q-preview-busy"),
            &[&t("q-preview-try-again")],
        );
    };
    let items: Vec<serde_json::Value> = all.keys().map(|k| json!({"key": k, "name": k.replace('_', " ")})).collect();
    match state.templates.render(
        "preview_list",
        &json!({"lang": "nl", "title": koers_texts::t("nl", "q-preview-list-heading", &[]), "questionnaires": items}),
    ) {
        Ok(body) => html(body),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

async fn show(state: web::Data<AppState>, key: web::Path<String>, q: web::Query<Lang>) -> HttpResponse {
    if !state.preview {
        return not_here(&state);
    }
    let lang = lang_of(&q);
    let Some(questionnaire) = load(&state, key.clone()).await else { return not_here(&state) };
    let input = PageInput {
        lang: lang.clone(),
        fallback_lang: "nl".into(),
        vars: vars(),
        action: format!("/preview/{}?lang={lang}", questionnaire.key),
        students: students(),
        today: Some(state.real_clock.now().date_naive()),
        first_time: true,
        ..Default::default()
    };
    match render_page(&state.templates, &questionnaire, &input) {
        Ok(body) => html(body),
        Err(e) => {
            tracing::error!(error = %e, "questionnaire page failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

fn shown(v: &Value, lang: &str) -> String {
    match v {
        Value::NotAnswered => koers_texts::t(lang, "q-preview-not-answered", &[]),
        Value::Text(t) => t.clone(),
        Value::Number(n) => n.to_string(),
        Value::Choice(c) => c.clone(),
        Value::Choices(cs) => cs.join(", "),
        Value::Date(d) => d.to_string(),
        Value::Time { hour, minute } => format!("{hour:02}:{minute:02}"),
        Value::DateTime { date, hour, minute } => format!("{date} {hour:02}:{minute:02}"),
        Value::Json(j) => j.clone(),
    }
}

async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
    q: web::Query<Lang>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    if !state.preview {
        return not_here(&state);
    }
    let lang = lang_of(&q);
    let Some(questionnaire) = load(&state, key.clone()).await else { return not_here(&state) };
    let now = state.real_clock.now();
    let ctx = Context {
        lang: lang.clone(),
        fallback_lang: "nl".into(),
        now,
        today: now.date_naive(),
        protocol_start: now - chrono::TimeDelta::days(30),
        final_questionnaire: true,
        students: students(),
    };
    let user_agent = req.headers().get("user-agent").and_then(|v| v.to_str().ok()).map(str::to_string);
    let submission = Submission { fields: form.into_inner(), started_at: None, user_agent };
    match validate_submission(&questionnaire, &submission, &ctx) {
        Ok(accepted) => {
            let answers: Vec<serde_json::Value> =
                accepted.answers.iter().map(|a| json!({"key": a.key, "value": shown(&a.value, &lang)})).collect();
            let scores: Vec<serde_json::Value> = accepted
                .scores
                .iter()
                .map(|(id, v)| json!({"id": id, "value": v.map(|v| v.to_string()).unwrap_or_else(|| "-".into())}))
                .collect();
            let data = json!({"lang": lang, "title": "koers", "answers": answers, "scores": scores, "stop": accepted.stop_subscription, "again": format!("/preview/{}?lang={lang}", questionnaire.key)});
            match state.templates.render("preview_result", &data) {
                Ok(body) => html(body),
                Err(_) => HttpResponse::InternalServerError().finish(),
            }
        }
        Err(rejected) => {
            let input = PageInput {
                lang: lang.clone(),
                fallback_lang: "nl".into(),
                vars: vars(),
                action: format!("/preview/{}?lang={lang}", questionnaire.key),
                kept: rejected.kept,
                errors: rejected.errors,
                students: students(),
                today: Some(now.date_naive()),
                first_time: true,
                ..Default::default()
            };
            match render_page(&state.templates, &questionnaire, &input) {
                Ok(body) => HttpResponse::UnprocessableEntity().content_type(ContentType::html()).body(body),
                Err(_) => HttpResponse::InternalServerError().finish(),
            }
        }
    }
}
