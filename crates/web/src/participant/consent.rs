//! Consent: the first thing a person answers. Under-16s give their parent's or carer's number.

use super::{base_input, db, html, me_and, questionnaire, see_other, Page};
use crate::page_error::{respond, Audience, PageError};
use crate::questionnaire_page::render_page;
use crate::session::csrf_ok;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use koers_core::questionnaire::submit::{validate_submission, Context, Submission};
use koers_store::participation::{
    self as part, CONSENT_GUARDIAN, CONSENT_GUARDIAN_DECLINED, CONSENT_GUARDIAN_NEEDED, CONSENT_PARTICIPANT,
    CONSENT_SHARE_CONTACT,
};
use koers_store::{DbConnection, StoreError};

/// Where a person stands before any questionnaire: consent first, and for under-16s their
/// parent's or carer's as well.
pub(super) enum Consent {
    Needed,
    WaitingForGuardian,
    GuardianDeclined,
    Given,
}

/// Read inside a page's one database trip (see [`me_and`]).
pub(super) fn consent_of(c: &mut DbConnection, person_id: i64) -> Result<Consent, StoreError> {
    let given = part::active_consents(c, person_id)?;
    let has = |kind: &str| given.iter().any(|k| k == kind);
    Ok(if !has(CONSENT_PARTICIPANT) {
        Consent::Needed
    } else if has(CONSENT_GUARDIAN_DECLINED) {
        Consent::GuardianDeclined
    } else if has(CONSENT_GUARDIAN_NEEDED) && !has(CONSENT_GUARDIAN) {
        Consent::WaitingForGuardian
    } else {
        Consent::Given
    })
}

/// Consent questionnaires are answered before any protocol: nothing about it applies yet.
pub(super) fn consent_context(lang: &str, now: DateTime<Utc>, today: chrono::NaiveDate) -> Context {
    Context {
        lang: lang.into(),
        fallback_lang: "nl".into(),
        now,
        today,
        protocol_start: now,
        final_questionnaire: false,
        students: vec![],
    }
}

/// The consent questionnaire of the person's study, as their protocol names it.
pub(super) async fn consent_questionnaire(
    state: &AppState,
    me: &super::Me,
) -> Result<(i64, std::sync::Arc<koers_core::questionnaire::Questionnaire>), PageError> {
    let (person_id, role) = (me.person.id, me.person.role);
    let key =
        db(state, false, move |c| koers_store::definitions::consent_questionnaire(c, person_id, role.as_str())).await?;
    questionnaire(state, me.person.study_id, key).await
}

/// Consent: the first thing a person answers. Under-16s give their parent's or carer's number.
pub(super) async fn consent(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    respond(&state, consent_inner(&state, &req, form.into_inner()).await)
}

async fn consent_inner(state: &AppState, req: &HttpRequest, fields: Vec<(String, String)>) -> Page {
    let (me, consent) = me_and(state, req, |c, p| consent_of(c, p.id)).await?;
    if !csrf_ok(&me.session, &fields) {
        return Err(PageError::CsrfRefused(Audience::Participant(me.lang)));
    }
    if !matches!(consent, Consent::Needed) {
        return Ok(see_other("/p"));
    }
    let (_, q) = consent_questionnaire(state, &me).await?;
    let now = me.now;
    let ctx = consent_context(me.lang, now, now.with_timezone(&me.zone).date_naive());
    let submission = Submission { fields: fields.clone(), started_at: None, user_agent: None };
    let rejected = |errors: Vec<koers_core::questionnaire::submit::FieldError>, kept: Vec<(String, String)>| -> Page {
        let mut input = base_input(&me, "/p/toestemming".into());
        input.today = Some(ctx.today);
        input.kept = kept;
        input.errors = errors;
        let body = render_page(&state.templates, &q, &input)
            .map_err(|_| PageError::Unavailable(Audience::Participant(me.lang)))?;
        Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
    };
    let accepted = match validate_submission(&q, &submission, &ctx) {
        Ok(a) => a,
        Err(r) => return rejected(r.errors, r.kept),
    };
    let choice = |id: &str| -> Option<String> {
        accepted.answers.iter().find(|a| a.key == id).and_then(|a| match &a.value {
            koers_core::questionnaire::submit::Value::Choice(c) => Some(c.clone()),
            koers_core::questionnaire::submit::Value::Choices(cs) => cs.first().cloned(),
            koers_core::questionnaire::submit::Value::Text(t) => Some(t.clone()),
            _ => None,
        })
    };
    let under_16 = choice("consent_age_under_16").as_deref() == Some("yes");
    let guardian_phone = if under_16 {
        let raw = choice("consent_guardian_phone").unwrap_or_default();
        match koers_core::phone::normalise_mobile(&raw) {
            Ok(p) => Some(p),
            Err(_) => {
                let message = koers_texts::t(me.lang, "consent-guardian-phone", &[]);
                let error =
                    koers_core::questionnaire::submit::FieldError { key: "consent_guardian_phone".into(), message };
                return rejected(vec![error], fields.into_iter().filter(|(k, _)| k != "csrf").collect());
            }
        }
    } else {
        None
    };
    let share_contact = choice("share_contact").as_deref() == Some("yes");
    let person_id = me.person.id;
    let version = q.version.clone();
    db(state, true, move |c| {
        part::record_consent(c, person_id, CONSENT_PARTICIPANT, &version, now)?;
        if share_contact {
            part::record_consent(c, person_id, CONSENT_SHARE_CONTACT, &version, now)?;
        }
        if let Some(phone) = guardian_phone {
            part::record_consent(c, person_id, CONSENT_GUARDIAN_NEEDED, &version, now)?;
            part::ask_guardian(c, person_id, &phone, now)?;
        }
        Ok(())
    })
    .await?;
    Ok(see_other("/p"))
}
