//! Showing one of the person's questionnaires and storing the answers.

use super::consent::{consent_of, Consent};
use super::draft;
use super::open::is_open;
use super::prefill;
use super::stop::stop_participation;
use super::{base_input, db, gender, html, info, me_and, protocol_of, questionnaire_by_id, see_other, Me, Page};
use crate::page_error::{respond, Audience, PageError};
use crate::questionnaire_page::{render_page, PageInput};
use crate::session::csrf_ok;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Offset;
use koers_core::protocol::Opening;
use koers_core::questionnaire::submit::{validate_submission, Accepted, Context, Submission};
use koers_core::questionnaire::Questionnaire;
use koers_store::answers::{Completion, Saved};
use koers_store::participation::{self as part, ResponseRef};
use koers_store::{DbConnection, StoreError};
use serde_json::json;
use std::sync::Arc;

/// The questionnaire behind one of the person's windows.
pub(super) async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<i64>,
    after: web::Query<prefill::After>,
) -> HttpResponse {
    respond(&state, show_inner(&state, &req, id.into_inner(), after.into_inner()).await)
}

/// Everything about one response that its page and its submission need.
pub(super) struct Opened {
    pub(super) response: ResponseRef,
    questionnaire_id: i64,
    pub(super) questionnaire: Arc<Questionnaire>,
    pub(super) input: PageInput,
    ctx: Context,
}

/// What a response's page reads from the database, all in the request's one trip.
struct Loaded {
    consent: Consent,
    response: ResponseRef,
    names: std::collections::HashMap<i64, part::PersonName>,
    students: Vec<i64>,
    mentor: Option<part::MentorContact>,
    completed_before: bool,
    newest_questionnaire: Option<i64>,
    /// What the person answered so far, if they have not submitted yet.
    draft: Option<Vec<(String, String)>>,
    /// A mentor's last diary about the same student, for "same as last week".
    previous: Option<Vec<koers_store::answers::StoredAnswer>>,
}

fn load_response(
    c: &mut DbConnection,
    person: &part::Participant,
    response_id: i64,
) -> Result<Option<Loaded>, StoreError> {
    let (person_id, study_id) = (person.id, person.study_id);
    let consent = consent_of(c, person_id)?;
    let Some(r) = part::response_of(c, person_id, response_id)? else { return Ok(None) };
    let mut about = Vec::new();
    if let Some(s) = r.about_student {
        about.push(s);
    }
    // Items with `foreach: student` repeat for each student the mentor answers about.
    let subs = part::active_subscriptions_of(c, person_id)?;
    let students: Vec<i64> = subs.iter().filter_map(|s| s.about_student).collect();
    let names = part::names(c, &[about, students.clone()].concat())?;
    let mentor = if r.about_student.is_none() { part::mentor_of(c, person_id)? } else { None };
    let completed_before = part::completed_before(c, person_id, &r.questionnaire_key, r.open_at, r.response_id)?;
    let newest_questionnaire = koers_store::definitions::latest_questionnaire_id(c, study_id, &r.questionnaire_key)?;
    let draft = if r.completed_at.is_none() { koers_store::drafts::load(c, response_id)? } else { None };
    let previous = match r.about_student {
        Some(s) if r.completed_at.is_none() => {
            koers_store::drafts::last_completed_about(c, person_id, s, &r.questionnaire_key, r.open_at)?
        }
        _ => None,
    };
    Ok(Some(Loaded {
        consent,
        response: r,
        names,
        students,
        mentor,
        completed_before,
        newest_questionnaire,
        draft,
        previous,
    }))
}

async fn open_response(state: &AppState, me: &Me, loaded: Loaded) -> Result<Opened, PageError> {
    let now = me.now;
    let Loaded { response, names, students, mentor, completed_before, newest_questionnaire, draft, previous, .. } =
        loaded;
    let (questionnaire_id, questionnaire) =
        questionnaire_by_id(state, me.person.study_id, response.questionnaire_key.clone(), newest_questionnaire)
            .await?;
    let mut input = base_input(me, format!("/p/r/{}", response.response_id));
    input.register = me.register;
    input.draft_url = Some(format!("/p/r/{}/concept", response.response_id));
    input.today = Some(now.with_timezone(&me.zone).date_naive());
    input.first_time = !completed_before;
    // Answers kept before (on this device or another, or from a submit that met an ended
    // session) are put back.
    input.kept = draft.unwrap_or_default();
    input.copy = previous.and_then(|p| prefill::copy_offer(&questionnaire, &p, response.response_id, me.lang));
    if let Some(s) = response.about_student {
        if let Some(part::PersonName { first_name: name, gender: g }) = names.get(&s) {
            input.vars.student_name = Some(name.clone());
            input.vars.student_gender = gender(g);
        }
        input.vars.mentor_name = me.person.first_name.clone();
        input.vars.mentor_gender = gender(&me.person.gender);
    }
    if let Some(part::MentorContact { first_name: name, gender: g, .. }) = &mentor {
        input.vars.mentor_name = Some(name.clone());
        input.vars.mentor_gender = gender(g);
        input.vars.student_name = me.person.first_name.clone();
        input.vars.student_gender = gender(&me.person.gender);
    }
    input.students =
        students.iter().map(|id| (*id, names.get(id).map(|n| n.first_name.clone()).unwrap_or_default())).collect();
    let final_questionnaire = protocol_of(state, &response.protocol_content)
        .and_then(|p| {
            p.measurements
                .iter()
                .find(|m| m.key == response.measurement_key)
                .map(|m| matches!(m.opening(), Ok(Opening::BeforeEnd(_))))
        })
        .unwrap_or(false);
    let ctx = Context {
        lang: me.lang.into(),
        fallback_lang: "nl".into(),
        now,
        today: now.with_timezone(&me.zone).date_naive(),
        protocol_start: response.subscription_starts_at,
        final_questionnaire,
        students: input.students.clone(),
    };
    Ok(Opened { response, questionnaire_id, questionnaire, input, ctx })
}

async fn show_inner(state: &AppState, req: &HttpRequest, response_id: i64, after: prefill::After) -> Page {
    let (me, mut o) = answerable(state, req, response_id).await?;
    if let Some(previous) = after.na {
        o.input.notice = prefill::saved_notice(state, &me, previous).await?;
    }
    // Steps one page at a time for a browser without scripts (the script shows them itself).
    let steps = o.questionnaire.steps().len();
    if steps > 1 {
        o.input.step = Some(after.stap.unwrap_or(1).clamp(1, steps));
    }
    let now = me.now;
    // Written once, the first time: every later view is a read only (a write per page view
    // would queue every reader behind SQLite's single writer).
    if o.response.opened_at.is_none() {
        db(state, true, move |c| part::mark_opened(c, response_id, now)).await?;
    }
    let body = render_page(&state.templates, &o.questionnaire, &o.input).map_err(|e| {
        tracing::error!(error = %e, "questionnaire page failed");
        PageError::Unavailable(Audience::Participant(me.lang))
    })?;
    Ok(html(StatusCode::OK, body))
}

/// The person and the response if they may answer it now; otherwise (as the error) the page
/// to show instead: consent first, the thank-you page after a double submit, or "closed".
pub(super) async fn answerable(
    state: &AppState,
    req: &HttpRequest,
    response_id: i64,
) -> Result<(Me, Opened), PageError> {
    let (me, loaded) = me_and(state, req, move |c, p| load_response(c, p, response_id)).await?;
    let Some(loaded) = loaded else { return Err(PageError::NotFound(Audience::Participant(me.lang))) };
    if !matches!(loaded.consent, Consent::Given) || !loaded.response.still_asked(me.person.ended_at) {
        return Err(see_other("/p").into());
    }
    if loaded.response.completed_at.is_some() {
        // A double click or a resent form: the first one counted.
        return Err(see_other(&format!("/p/klaar/{response_id}")).into());
    }
    if !is_open(state, &loaded.response, me.now) {
        return Err(closed(state, &me).await.map_or_else(|e| e, PageError::Instead));
    }
    let o = open_response(state, &me, loaded).await?;
    Ok((me, o))
}

async fn closed(state: &AppState, me: &Me) -> Page {
    let t = |key: &str| koers_texts::t_in(me.lang, me.register, key, &[]);
    let texts = (t("q-closed-heading"), vec![t("q-closed-line")]);
    let mut page = info(state, me, texts, vec![json!({"href": "/p", "label": t("q-to-overview")})])?;
    *page.status_mut() = StatusCode::GONE;
    Ok(page)
}

pub(super) async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    respond(&state, submit_inner(&state, &req, id.into_inner(), form.into_inner()).await)
}

async fn submit_inner(state: &AppState, req: &HttpRequest, response_id: i64, fields: Vec<(String, String)>) -> Page {
    let (me, o) = match answerable(state, req, response_id).await {
        Ok(found) => found,
        // Signed out on the way (an ended session, a lost cookie): keep what was posted.
        Err(PageError::Instead(page)) if page.status() == StatusCode::UNAUTHORIZED => {
            return draft::kept_for_later(state, response_id, fields).await;
        }
        Err(e) => return Err(e),
    };
    if !csrf_ok(&me.session, &fields) {
        return Err(PageError::CsrfRefused(Audience::Participant(me.lang)));
    }
    if let Some(more) = fields.iter().find(|(k, _)| k == prefill::MORE).map(|(_, v)| v.clone()) {
        // "More" on a page without scripts: keep what was typed and show one more block.
        return prefill::more_blocks(state, &me, response_id, &fields, &more).await;
    }
    if let Some(step) = fields.iter().find(|(k, _)| k == prefill::STEP).map(|(_, v)| v.clone()) {
        return prefill::to_step(state, &me, response_id, &fields, &step).await;
    }
    let now = me.now;
    let user_agent =
        req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|s| s.chars().take(500).collect());
    let empty_ok = fields.iter().any(|(k, _)| k == EMPTY_OK);
    let submission = Submission { fields, started_at: o.response.opened_at, user_agent };
    let accepted = match validate_submission(&o.questionnaire, &submission, &o.ctx) {
        Ok(a) => a,
        Err(rejected) => {
            let kept = draft::answers_only(&rejected.kept);
            db(state, true, move |c| koers_store::drafts::save(c, response_id, &kept, now)).await?;
            let mut input = o.input;
            input.kept = rejected.kept;
            input.errors = rejected.errors;
            let body = render_page(&state.templates, &o.questionnaire, &input)
                .map_err(|_| PageError::Unavailable(Audience::Participant(me.lang)))?;
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body));
        }
    };
    let empty = accepted.answered_nothing() && !accepted.stop_subscription;
    if empty && !empty_ok {
        return confirm_empty(state, &me, response_id);
    }
    let study_id = me.person.study_id;
    let reward_empty =
        db(state, false, move |c| Ok(koers_store::studies::settings_of(c, study_id)?.reward_empty_questionnaires))
            .await?;
    let rewards = if o.response.about_student.is_none() && (!empty || reward_empty) {
        // A measurement with `reward: false` earns nothing.
        protocol_of(state, &o.response.protocol_content)
            .filter(|p| p.measurements.iter().find(|m| m.key == o.response.measurement_key).is_none_or(|m| m.reward))
            .and_then(|p| p.rewards.clone())
    } else {
        None
    };
    let offset = now.with_timezone(&me.zone).offset().fix().local_minus_utc() / 60;
    let person_id = me.person.id;
    let questionnaire_id = o.questionnaire_id;
    let stop_after = accepted.stop_subscription;
    let reported = MentorReport::of(&accepted, o.response.about_student, me.now.with_timezone(&me.zone).date_naive());
    let saved = db(state, true, move |c| {
        let accepted: Accepted = accepted;
        let completion = Completion {
            response_id,
            questionnaire_id: Some(questionnaire_id),
            accepted: &accepted,
            utc_offset_minutes: offset,
            started_at: o.response.opened_at,
        };
        let saved = part::complete(c, person_id, &completion, rewards.as_ref(), now)?;
        if saved == Saved::Stored {
            // A free-text answer with one of the study's alarm words: its coordinators look at it.
            koers_store::safety::check_response(c, study_id, person_id, response_id, now)?;
        }
        Ok(saved)
    })
    .await?;
    if saved == Saved::Stored {
        if let Some(report) = reported {
            db(state, true, move |c| report.act(c, person_id, now)).await?;
        }
    }
    if saved == Saved::Stored && stop_after {
        if let Some(closing) = stop_participation(state, &me, "unsubscribe_item").await? {
            if closing != response_id {
                return Ok(see_other(&format!("/p/r/{closing}")));
            }
        }
    }
    if saved == Saved::Stored
        && o.response.about_student.is_some()
        && me.person.role == koers_core::people::Role::Mentor
    {
        // A mentor goes straight on to the next unfinished diary; the last one ends on thanks.
        if let Some(next) = super::mentor::next_diary(state, &me, o.response.about_student).await? {
            return Ok(see_other(&format!("/p/r/{next}?na={response_id}")));
        }
    }
    Ok(see_other(&format!("/p/klaar/{response_id}")))
}

/// The field that says "yes, send it empty" on the confirmation page.
const EMPTY_OK: &str = "koers_empty_ok";

/// A questionnaire sent with nothing filled in: asked once more, kindly.
fn confirm_empty(state: &AppState, me: &Me, response_id: i64) -> Page {
    let t = |key: &str| koers_texts::t_in(me.lang, me.register, key, &[]);
    let (heading, line, yes, back) = (t("q-empty-heading"), t("q-empty-line"), t("q-empty-yes"), t("q-empty-back"));
    super::render(
        state,
        "p_info",
        &json!({"lang": me.lang, "register": me.register.code(), "title": "koers", "heading": heading, "paragraphs": [line],
                "links": [{"href": format!("/p/r/{response_id}"), "label": back, "primary": true}],
                "form": {"action": format!("/p/r/{response_id}"), "csrf": me.session.csrf_token, "button": yes,
                         "hidden": [{"name": EMPTY_OK, "value": "1"}]}}),
    )
}

/// What a mentor's diary about a student reports that must be acted on once it is stored.
struct MentorReport {
    student: i64,
    today: chrono::NaiveDate,
    stopped_guiding: bool,
    /// The student quit: when (the mentor's date, else today) and what next.
    quit: Option<(chrono::NaiveDate, Option<String>)>,
}

impl MentorReport {
    fn of(accepted: &Accepted, about: Option<i64>, today: chrono::NaiveDate) -> Option<MentorReport> {
        use koers_core::questionnaire::submit::Value;
        let student = about?;
        let text = |id: &str| -> Option<String> {
            accepted.answers.iter().find(|a| a.key == id).and_then(|a| match &a.value {
                Value::Choice(c) | Value::Text(c) => Some(c.clone()),
                Value::Choices(cs) => cs.first().cloned(),
                Value::Date(d) => Some(d.to_string()),
                _ => None,
            })
        };
        let stopped_guiding = text("stopped_guiding").as_deref() == Some("yes");
        let quit = (text("student_stopped").as_deref() == Some("yes")).then(|| {
            let date = text("stop_date").and_then(|d| d.parse().ok()).filter(|d| *d <= today).unwrap_or(today);
            (date, text("stop_next"))
        });
        (stopped_guiding || quit.is_some()).then_some(MentorReport { student, today, stopped_guiding, quit })
    }

    fn act(self, c: &mut DbConnection, mentor: i64, now: chrono::DateTime<chrono::Utc>) -> Result<(), StoreError> {
        use koers_store::coordination as co;
        if let Some((date, next)) = &self.quit {
            co::record_outcome(c, self.student, co::outcome_of_next(next.as_deref()), *date, next.as_deref(), now)?;
        }
        if self.stopped_guiding {
            co::mentor_stops_guiding(c, mentor, self.student, self.today, now)?;
        }
        Ok(())
    }
}
