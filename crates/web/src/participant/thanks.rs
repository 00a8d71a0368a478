//! The page after a submit: what was earned and the streak, in friendly words.

use super::home::student_links;
use super::mentor::mentor_thanks;
use super::open::first_open;
use super::{db, me, render, see_other, Page, MAX_GRACE};
use crate::page_error::{respond, Audience, PageError};
use crate::state::AppState;
use crate::words::euros;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::participation::{self as part, Earned};
use serde_json::json;

/// After a submit: what was earned and the streak, in friendly words; mentors go on to their
/// next student.
pub(super) async fn thanks(state: web::Data<AppState>, req: HttpRequest, id: web::Path<i64>) -> HttpResponse {
    respond(&state, thanks_inner(&state, &req, id.into_inner()).await)
}

async fn thanks_inner(state: &AppState, req: &HttpRequest, response_id: i64) -> Page {
    let me = me(state, req).await?;
    let person_id = me.person.id;
    let now = me.now;
    let (r, earned, reward, open) = db(state, false, move |c| {
        let r = part::response_of(c, person_id, response_id)?;
        let earned = part::earned(c, person_id)?;
        let reward = part::reward_for(c, response_id)?;
        let open = part::windows_of(c, person_id, now - MAX_GRACE, now)?;
        Ok((r, earned, reward, open))
    })
    .await?;
    let more = first_open(state, &open, now).is_some();
    let Some(r) = r else { return Err(PageError::NotFound(Audience::Participant(me.lang))) };
    if r.completed_at.is_none() {
        return Ok(see_other(&format!("/p/r/{response_id}")));
    }
    if me.person.role == koers_core::people::Role::Mentor {
        return mentor_thanks(state, &me, &r).await;
    }
    let name = me.person.first_name.clone().unwrap_or_default();
    let Earned { total_cents: total, streak } = earned;
    let (lang, register) = (me.lang, me.register);
    let t = |key: &str, args: &[(&str, String)]| koers_texts::t_in(lang, register, key, args);
    let mut lines = Vec::new();
    let title = super::questionnaire(state, me.person.study_id, r.questionnaire_key.clone())
        .await
        .map(|(_, q)| q.title.as_ref().map(|t| t.resolve(me.lang, "nl").to_string()).unwrap_or_default())
        .unwrap_or_default();
    lines.push(if title.is_empty() {
        t("q-thanks-saved", &[])
    } else {
        t("q-thanks-saved-title", &[("title", title)])
    });
    if let Some(amount) = reward {
        lines.push(t("q-thanks-earned", &[("amount", euros(amount, lang)), ("total", euros(total, lang))]));
    }
    lines.push(encouragement(streak, more, lang, register));
    let heading = t("q-thanks-heading", &[("name", name)]);
    let go_on = if more { t("q-thanks-next", &[]) } else { t("q-to-overview", &[]) };
    let trends = super::student_view::own_trend(state, &me, &r.questionnaire_key).await?;
    if !trends.is_empty() {
        lines.push(t("q-thanks-trend", &[]));
    }
    let mut links = vec![json!({"href": "/p", "label": go_on, "primary": true})];
    links.extend(student_links(&me, false));
    render(
        state,
        "p_info",
        &json!({"lang": me.lang, "register": register.code(), "title": "koers", "heading": heading, "paragraphs": lines, "links": links, "form": false, "trends": trends,
                "streak": streak, "earned": euros(total, me.lang), "t": {"earned": t("q-thanks-total", &[]), "streak": t("q-thanks-in-a-row", &[])}}),
    )
}

/// Never punitive: a first answer after a gap is welcomed, a streak is praised. With another
/// questionnaire open now (`more`) there is no "see you next week".
fn encouragement(streak: i32, more: bool, lang: &str, register: koers_texts::Register) -> String {
    let t = |key: &str, args: &[(&str, String)]| koers_texts::t_in(lang, register, key, args);
    match streak {
        s if s >= 3 => t("q-thanks-streak", &[("streak", s.to_string())]),
        2 => t("q-thanks-twice", &[]),
        _ if more => t("q-thanks-welcome-more", &[]),
        _ => t("q-thanks-welcome", &[]),
    }
}
