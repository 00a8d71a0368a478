//! A parent's or carer's consent for their child, the only thing their session can do.

use super::consent::consent_context;
use super::{db, html, questionnaire, Page};
use crate::page_error::{respond, Audience, PageError};
use crate::pages::message;
use crate::questionnaire_page::{render_page, PageInput};
use crate::session::{self, csrf_ok};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_core::questionnaire::submit::{validate_submission, Submission};
use koers_store::participation::{self as part, CONSENT_GUARDIAN, CONSENT_GUARDIAN_DECLINED};
use koers_store::sessions::{SessionKind, SessionRow, Subject};

/// A parent's or carer's session: only the consent for their child.
pub(super) async fn guardian(state: &AppState, req: &HttpRequest) -> Result<(SessionRow, i64), PageError> {
    match session::current(state, req, SessionKind::Guardian).await {
        Ok(Some(s)) => match s.subject {
            Subject::GuardianOf(student) => Ok((s, student)),
            _ => Err(PageError::NotFound(Audience::Participant("nl"))),
        },
        Ok(None) => Err(message(
            state,
            StatusCode::UNAUTHORIZED,
            "nl",
            "Open de link uit uw sms",
            &["U komt hier via de link in de sms die u van ons kreeg."],
        )
        .into()),
        Err(_) => Err(PageError::Unavailable(Audience::Participant("nl"))),
    }
}

pub(super) async fn guardian_page(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    respond(&state, guardian_page_inner(&state, &req).await)
}

async fn guardian_page_inner(state: &AppState, req: &HttpRequest) -> Page {
    let (s, student) = guardian(state, req).await?;
    let answered = db(state, false, move |c| {
        Ok(part::has_consent(c, student, CONSENT_GUARDIAN)?
            || part::has_consent(c, student, CONSENT_GUARDIAN_DECLINED)?)
    })
    .await?;
    if answered {
        return Err(message(state, StatusCode::OK, "nl", "Dank u wel", &["Uw antwoord is opgeslagen."]).into());
    }
    let (_, q) = questionnaire(state, study_of(state, student).await?, "guardian_consent".into()).await?;
    let input = PageInput {
        lang: "nl".into(),
        fallback_lang: "nl".into(),
        action: "/g".into(),
        csrf: s.csrf_token.clone(),
        today: Some(s.clock.now(state.real_clock.as_ref()).date_naive()),
        first_time: true,
        ..Default::default()
    };
    let body =
        render_page(&state.templates, &q, &input).map_err(|_| PageError::Unavailable(Audience::Participant("nl")))?;
    Ok(html(StatusCode::OK, body))
}

pub(super) async fn guardian_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    respond(&state, guardian_submit_inner(&state, &req, form.into_inner()).await)
}

async fn guardian_submit_inner(state: &AppState, req: &HttpRequest, fields: Vec<(String, String)>) -> Page {
    let (s, student) = guardian(state, req).await?;
    if !csrf_ok(&s, &fields) {
        return Err(PageError::CsrfRefused(Audience::Participant("nl")));
    }
    let (_, q) = questionnaire(state, study_of(state, student).await?, "guardian_consent".into()).await?;
    let now = s.clock.now(state.real_clock.as_ref());
    let ctx = consent_context("nl", now, now.date_naive());
    let submission = Submission { fields, started_at: None, user_agent: None };
    let accepted = match validate_submission(&q, &submission, &ctx) {
        Ok(a) => a,
        Err(r) => {
            let input = PageInput {
                lang: "nl".into(),
                fallback_lang: "nl".into(),
                action: "/g".into(),
                csrf: s.csrf_token.clone(),
                kept: r.kept,
                errors: r.errors,
                today: Some(ctx.today),
                first_time: true,
                ..Default::default()
            };
            let body = render_page(&state.templates, &q, &input)
                .map_err(|_| PageError::Unavailable(Audience::Participant("nl")))?;
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body));
        }
    };
    let agreed = accepted.answers.iter().any(|a| {
        a.key == "guardian_agree" && a.value == koers_core::questionnaire::submit::Value::Choice("agree".into())
    });
    let version = q.version.clone();
    let first =
        db(state, true, move |c| koers_store::lifecycle::guardian_answer(c, student, agreed, &version, now)).await?;
    if !first {
        return Err(message(state, StatusCode::OK, "nl", "Dank u wel", &["Uw antwoord is opgeslagen."]).into());
    }
    let line = if agreed {
        "Uw kind kan nu meedoen. Dank u wel voor uw toestemming."
    } else {
        "Uw kind doet niet mee en krijgt geen vragen van ons. Dank u wel voor uw antwoord."
    };
    Err(message(state, StatusCode::OK, "nl", "Dank u wel", &[line]).into())
}

/// The study of the child a parent or carer answers for: its own guardian_consent wording.
async fn study_of(state: &AppState, student: i64) -> Result<i64, PageError> {
    let found = db(state, false, move |c| part::participant(c, student)).await?;
    found.map(|p| p.study_id).ok_or(PageError::NotFound(Audience::Participant("nl")))
}
