//! The mentor's overview of their students. Mentors see whether a student answered, never what.

use super::open::is_open;
use super::{db, info, render, Me, Page, MAX_GRACE};
use crate::page_error::PageError;
use crate::state::AppState;
use koers_core::mentor_week::{next_unfinished, DiaryStatus};
use koers_store::participation::{self as part, ResponseRef};
use serde_json::{json, Value};

/// The mentor's students with what is still to do this week on top. Mentors see whether a
/// student answered, never what.
pub(super) async fn mentor_overview(state: &AppState, me: &Me) -> Page {
    let (rows, own) = mentor_rows(state, me).await?;
    let warnings = super::feedback::shown_warnings(state, me).await?;
    let name = me.person.first_name.clone().unwrap_or_default();
    let todo: Vec<&Value> = rows.iter().filter(|r| r["todo"] == json!(true)).collect();
    let rest: Vec<&Value> = rows.iter().filter(|r| r["todo"] != json!(true)).collect();
    let anything = !todo.is_empty() || !own.is_empty();
    render(
        state,
        "p_mentor",
        &json!({"lang": me.lang, "register": me.register.code(), "title": "koers", "mentor_name": name, "todo": todo, "rest": rest, "own": own, "anything": anything,
                "warnings": warnings, "logout": super::logout::logout_form(me)}),
    )
}

/// One row per student the mentor answers about, and the mentor's own open questionnaires
/// (intake, closing) as links.
async fn mentor_rows(state: &AppState, me: &Me) -> Result<(Vec<Value>, Vec<String>), PageError> {
    let mentor = me.person.id;
    let (now, zone) = (me.now, me.zone);
    let (subs, mine, names, done) = db(state, false, move |c| {
        let mut subs = part::active_subscriptions_of(c, mentor)?;
        let all: Vec<i64> = subs.iter().filter_map(|s| s.about_student).collect();
        // A child whose parent has not said yes yet is not on the list.
        let waiting = part::waiting_for_guardian(c, &all)?;
        subs.retain(|s| s.about_student.is_none_or(|st| !waiting.contains(&st)));
        let students: Vec<i64> = subs.iter().filter_map(|s| s.about_student).collect();
        let mine = part::windows_of(c, mentor, now - MAX_GRACE, now)?;
        let names = part::names(c, &students)?;
        let mut done = std::collections::HashMap::new();
        let today = now.with_timezone(&zone).date_naive();
        for s in &students {
            let shown = koers_store::feedback::shown_to_mentor(c, mentor, *s, today)?;
            done.insert(*s, (part::done_this_week(c, *s, "diary", now)?, shown.trends || shown.support_match));
        }
        Ok((subs, mine, names, done))
    })
    .await?;
    let mut rows = Vec::new();
    for student in subs.iter().filter_map(|s| s.about_student) {
        let name = names.get(&student).map(|n| n.first_name.clone()).unwrap_or_default();
        let about: Vec<&ResponseRef> = mine.iter().filter(|r| r.about_student == Some(student)).collect();
        let open = about.iter().find(|r| is_open(state, r, now));
        let completed = about.iter().any(|r| r.completed_at.is_some() && r.close_at > now);
        let (answered, view) = done.get(&student).copied().unwrap_or((None, false));
        rows.push(json!({
            "student_id": student,
            "response_id": open.map(|r| r.response_id),
            "name": name,
            "todo": open.is_some(),
            "href": open.map(|r| format!("/p/r/{}", r.response_id)).unwrap_or_default(),
            "you_done": completed,
            "student": match answered { Some(true) => "done", Some(false) => "open", None => "none" },
            "student_done": answered == Some(true),
            "student_open": answered == Some(false),
            "view": if view { super::student_view::href(student) } else { String::new() },
        }));
    }
    rows.sort_by_key(|r| (r["todo"] != json!(true), r["name"].as_str().unwrap_or("").to_string()));
    let own = mine
        .iter()
        .filter(|r| r.about_student.is_none() && is_open(state, r, now))
        .map(|r| format!("/p/r/{}", r.response_id))
        .collect();
    Ok((rows, own))
}

/// The overview's rows as the core rule sees them.
fn statuses(rows: &[Value]) -> Vec<DiaryStatus> {
    rows.iter()
        .filter_map(|r| {
            Some(DiaryStatus { student: r["student_id"].as_i64()?, open_response: r["response_id"].as_i64() })
        })
        .collect()
}

fn next_of(rows: &[Value], just_done: Option<i64>) -> Option<DiaryStatus> {
    next_unfinished(&statuses(rows), just_done).cloned()
}

/// After a diary about `just_done` is stored: the next unfinished diary's response, to go
/// to at once (no overview in between).
pub(super) async fn next_diary(state: &AppState, me: &Me, just_done: Option<i64>) -> Result<Option<i64>, PageError> {
    let (rows, _) = mentor_rows(state, me).await?;
    Ok(next_of(&rows, just_done).and_then(|n| n.open_response))
}

pub(super) async fn mentor_thanks(state: &AppState, me: &Me, r: &ResponseRef) -> Page {
    let (rows, own) = mentor_rows(state, me).await?;
    let next =
        next_of(&rows, r.about_student).and_then(|n| rows.iter().find(|row| row["student_id"] == json!(n.student)));
    let about = match r.about_student {
        Some(s) => {
            let names = db(state, false, move |c| part::names(c, &[s])).await?;
            names.get(&s).map(|n| n.first_name.clone()).unwrap_or_default()
        }
        None => String::new(),
    };
    let mut lines = vec![me.t("mentor-saved-diary", &[("name", about.clone())])];
    if about.is_empty() {
        // Their own questionnaire (intake, closing): named, so it is not taken for a diary.
        let title = super::questionnaire(state, me.person.study_id, r.questionnaire_key.clone())
            .await
            .map(|(_, q)| q.title.as_ref().map(|t| t.resolve(me.lang, "nl").to_string()).unwrap_or_default())
            .unwrap_or_default();
        lines = vec![me.t("mentor-saved-own", &[("title", title)])];
    }
    let mut links = Vec::new();
    if let Some(n) = next {
        let label = me.t("mentor-next", &[("name", n["name"].as_str().unwrap_or("").to_string())]);
        links.push(json!({"href": n["href"], "label": label, "primary": true}));
    } else if let Some(href) = own.first() {
        links.push(json!({"href": href, "label": me.t("mentor-next-own", &[]), "primary": true}));
    } else {
        lines.push(me.t("mentor-week-done", &[]));
    }
    links.push(json!({"href": "/p", "label": me.t("mentor-to-overview", &[])}));
    info(state, me, (me.t("mentor-thanks-heading", &[]), lines), links)
}
