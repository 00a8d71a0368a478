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
use koers_core::register::{Reader, Register};
use koers_store::participation::{self as part, CONSENT_GUARDIAN, CONSENT_GUARDIAN_DECLINED};
use koers_store::sessions::{SessionKind, SessionRow, Subject};
use koers_texts::t_in;

/// A parent's or carer's session: only the consent for their child.
pub(super) async fn guardian(state: &AppState, req: &HttpRequest) -> Result<(SessionRow, i64), PageError> {
    match session::current(state, req, SessionKind::Guardian).await {
        Ok(Some(s)) => match s.subject {
            Subject::GuardianOf(student) => Ok((s, student)),
            _ => Err(PageError::NotFound(Audience::Participant("nl"))),
        },
        Ok(None) => Err(super::signed_out(state).into()),
        Err(_) => Err(PageError::Unavailable(Audience::Participant("nl"))),
    }
}

pub(super) async fn guardian_page(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    respond(&state, guardian_page_inner(&state, &req).await)
}

async fn guardian_page_inner(state: &AppState, req: &HttpRequest) -> Page {
    let (s, student) = guardian(state, req).await?;
    let (study, register) = study_of(state, student).await?;
    let answered = db(state, false, move |c| {
        Ok(part::has_consent(c, student, CONSENT_GUARDIAN)?
            || part::has_consent(c, student, CONSENT_GUARDIAN_DECLINED)?)
    })
    .await?;
    if answered {
        return Err(thanks(state, register, "guardian-saved").into());
    }
    let (_, q) = questionnaire(state, study, "guardian_consent".into()).await?;
    let input = PageInput {
        lang: "nl".into(),
        fallback_lang: "nl".into(),
        action: "/g".into(),
        csrf: s.csrf_token.clone(),
        today: Some(s.clock.now(state.real_clock.as_ref()).date_naive()),
        first_time: true,
        register,
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
    let (study, register) = study_of(state, student).await?;
    let (_, q) = questionnaire(state, study, "guardian_consent".into()).await?;
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
                register,
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
    let line = match (first, agreed) {
        (false, _) => "guardian-saved",
        (true, true) => "guardian-agreed",
        (true, false) => "guardian-declined",
    };
    Err(thanks(state, register, line).into())
}

/// "Thank you" and one line, in the study's words for parents.
fn thanks(state: &AppState, register: Register, line: &str) -> HttpResponse {
    let (heading, line) = (t_in("nl", register, "guardian-thanks-heading", &[]), t_in("nl", register, line, &[]));
    message(state, StatusCode::OK, "nl", &heading, &[&line])
}

/// The study of the child a parent or carer answers for (its own guardian_consent wording), and
/// whether it addresses parents with "je" or "u".
async fn study_of(state: &AppState, student: i64) -> Result<(i64, Register), PageError> {
    let found = db(state, false, move |c| {
        let Some(p) = part::participant(c, student)? else { return Ok(None) };
        Ok(Some((p.study_id, koers_store::studies::settings_of(c, p.study_id)?.register.of(Reader::Parent))))
    })
    .await?;
    found.ok_or(PageError::NotFound(Audience::Participant("nl")))
}
