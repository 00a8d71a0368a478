//! The student's own choice about feedback (`/p/terugkoppeling`): per setting the study
//! switched on, whether their mentor may see it. Asked once after the consent and changeable at
//! any time; a "no" (or no answer) withdraws that consent, so the mentor sees nothing of it.

use super::{base_input, db, html, me_and, questionnaire, see_other, Me, Page};
use crate::page_error::{respond, Audience, PageError};
use crate::questionnaire_page::render_page;
use crate::session::csrf_ok;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_core::feedback::{consent_kind, Feedback};
use koers_core::people::Role;
use koers_core::questionnaire::submit::{validate_submission, Submission, Value};
use koers_core::questionnaire::Questionnaire;
use koers_store::participation::{self as part, CONSENT_FEEDBACK_ANSWERED, CONSENT_PARTICIPANT};
use koers_store::{DbConnection, StoreError};
use std::sync::Arc;

/// Where the form posts to.
pub(super) const ACTION: &str = "/p/terugkoppeling";
/// The shipped questionnaire with the feedback consent questions.
const KEY: &str = "student_feedback_consent";

/// What a student's feedback choice looks like now: the study's settings and their consents.
pub(super) struct Choice {
    pub settings: Feedback,
    pub given: Vec<String>,
}

impl Choice {
    /// Only students in a study that switched feedback on, after their consent to take part.
    pub fn applies(&self, role: Role) -> bool {
        role == Role::Student && self.settings.any() && self.given.iter().any(|g| g == CONSENT_PARTICIPANT)
    }

    /// Asked once, before anything else, until they answered (yes or no).
    pub fn still_to_ask(&self, role: Role) -> bool {
        self.applies(role) && !self.given.iter().any(|g| g == CONSENT_FEEDBACK_ANSWERED)
    }
}

/// Read inside a page's one database trip (see `me_and`).
pub(super) fn choice_of(c: &mut DbConnection, p: &part::Participant) -> Result<Choice, StoreError> {
    Ok(Choice {
        settings: koers_store::studies::settings_of(c, p.study_id)?.feedback,
        given: part::active_consents(c, p.id)?,
    })
}

/// The link to change the choice later (home and thank-you pages).
pub(super) fn link(lang: &str) -> serde_json::Value {
    serde_json::json!({"href": ACTION, "label": koers_texts::t(lang, "feedback-consent-link", &[])})
}

/// The feedback consent questionnaire with only the questions about settings that are on.
async fn asked(state: &AppState, me: &Me, settings: &Feedback) -> Result<Arc<Questionnaire>, PageError> {
    let (_, q) = questionnaire(state, me.person.study_id, KEY.into()).await?;
    let items = settings.consent_items();
    let mut q = (*q).clone();
    q.questions.retain(|i| i.id.as_deref().is_none_or(|id| items.contains(&id)));
    Ok(Arc::new(q))
}

/// The form, with the student's current choices filled in.
pub(super) async fn form(state: &AppState, me: &Me, choice: &Choice, status: StatusCode) -> Page {
    let q = asked(state, me, &choice.settings).await?;
    let mut input = base_input(me, ACTION.into());
    if choice.given.iter().any(|g| g == CONSENT_FEEDBACK_ANSWERED) {
        input.kept = choice
            .settings
            .consent_items()
            .into_iter()
            .map(|item| {
                let yes = consent_kind(item).is_some_and(|k| choice.given.iter().any(|g| g == k));
                (item.to_string(), if yes { "yes" } else { "no" }.to_string())
            })
            .collect();
    }
    let body = render_page(&state.templates, &q, &input)
        .map_err(|_| PageError::Unavailable(Audience::Participant(me.lang)))?;
    Ok(html(status, body))
}

pub(super) async fn page(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    respond(&state, page_inner(&state, &req).await)
}

async fn page_inner(state: &AppState, req: &HttpRequest) -> Page {
    let (me, choice) = me_and(state, req, choice_of).await?;
    if !choice.applies(me.person.role) || me.person.ended {
        return Err(PageError::NotFound(Audience::Participant(me.lang)));
    }
    form(state, &me, &choice, StatusCode::OK).await
}

pub(super) async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    respond(&state, submit_inner(&state, &req, form.into_inner()).await)
}

async fn submit_inner(state: &AppState, req: &HttpRequest, fields: Vec<(String, String)>) -> Page {
    let (me, choice) = me_and(state, req, choice_of).await?;
    if !csrf_ok(&me.session, &fields) {
        return Err(PageError::CsrfRefused(Audience::Participant(me.lang)));
    }
    if !choice.applies(me.person.role) || me.person.ended {
        return Err(PageError::NotFound(Audience::Participant(me.lang)));
    }
    let q = asked(state, &me, &choice.settings).await?;
    let now = me.now;
    let ctx = super::consent::consent_context(me.lang, now, now.with_timezone(&me.zone).date_naive());
    let submission = Submission { fields, started_at: None, user_agent: None };
    let accepted = match validate_submission(&q, &submission, &ctx) {
        Ok(a) => a,
        Err(r) => {
            let mut input = base_input(&me, ACTION.into());
            (input.kept, input.errors) = (r.kept, r.errors);
            let body = render_page(&state.templates, &q, &input)
                .map_err(|_| PageError::Unavailable(Audience::Participant(me.lang)))?;
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body));
        }
    };
    let yes: Vec<&'static str> = choice
        .settings
        .consent_items()
        .into_iter()
        .filter(|item| {
            accepted.answers.iter().any(|a| a.key == *item && matches!(&a.value, Value::Choice(c) if c == "yes"))
        })
        .filter_map(consent_kind)
        .collect();
    let asked: Vec<&'static str> = choice.settings.consent_items().into_iter().filter_map(consent_kind).collect();
    let (person, version) = (me.person.id, q.version.clone());
    db(state, true, move |c| {
        for kind in asked {
            if yes.contains(&kind) {
                part::record_consent(c, person, kind, &version, now)?;
            } else {
                part::withdraw_consent(c, person, kind, now)?;
            }
        }
        part::record_consent(c, person, CONSENT_FEEDBACK_ANSWERED, &version, now)
    })
    .await?;
    Ok(see_other("/p"))
}
