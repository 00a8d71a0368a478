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
    let mut lines = Vec::new();
    let en = me.lang == "en";
    let title = super::questionnaire(state, me.person.study_id, r.questionnaire_key.clone())
        .await
        .map(|(_, q)| q.title.as_ref().map(|t| t.resolve(me.lang, "nl").to_string()).unwrap_or_default())
        .unwrap_or_default();
    lines.push(match (en, title.is_empty()) {
        (true, false) => format!("Your answers to \u{201c}{title}\u{201d} have been saved."),
        (true, true) => "Your answers have been saved.".to_string(),
        (false, false) => format!("Je antwoorden op \u{201c}{title}\u{201d} zijn opgeslagen."),
        (false, true) => "Je antwoorden zijn opgeslagen.".to_string(),
    });
    if let Some(amount) = reward {
        lines.push(if en {
            format!("You earned {} with this. In total you now have {}.", euros(amount, "en"), euros(total, "en"))
        } else {
            format!("Je hebt hiermee {} verdiend. In totaal heb je nu {}.", euros(amount, "nl"), euros(total, "nl"))
        });
    }
    lines.push(encouragement(streak, more, en));
    let heading = if en { format!("Thank you, {name}!") } else { format!("Dank je wel, {name}!") };
    let go_on = match (more, en) {
        (true, true) => "On to the next questionnaire",
        (true, false) => "Verder naar de volgende vragenlijst",
        (false, true) => "To my overview",
        (false, false) => "Naar mijn overzicht",
    };
    let trends = super::student_view::own_trend(state, &me, &r.questionnaire_key).await?;
    if !trends.is_empty() {
        lines.push(if en {
            "This is how things went for you over the weeks (a mean per week, from 0 to 100). Only you see this.".into()
        } else {
            "Zo ging het de afgelopen weken met je (een gemiddelde per week, van 0 tot 100). Alleen jij ziet dit."
                .into()
        });
    }
    let mut links = vec![json!({"href": "/p", "label": go_on, "primary": true})];
    links.extend(student_links(&me, false));
    render(
        state,
        "p_info",
        &json!({"lang": me.lang, "title": "koers", "heading": heading, "paragraphs": lines, "links": links, "form": false, "trends": trends,
                "streak": streak, "earned": euros(total, me.lang), "t": if en { json!({"earned": "Earned so far", "streak": "In a row"}) } else { json!({"earned": "Tot nu toe verdiend", "streak": "Keer op rij"}) }}),
    )
}

/// Never punitive: a first answer after a gap is welcomed, a streak is praised. With another
/// questionnaire open now (`more`) there is no "see you next week".
fn encouragement(streak: i32, more: bool, en: bool) -> String {
    match (streak, en) {
        (s, true) if s >= 3 => format!("{s} times in a row. Great going!"),
        (s, false) if s >= 3 => format!("Al {s} keer op rij. Goed bezig!"),
        (2, true) => "Twice in a row. Nice!".into(),
        (2, false) => "Twee keer op rij. Mooi!".into(),
        (_, true) if more => "Good to have you here. There is one more for you now.".into(),
        (_, false) if more => "Fijn dat je meedoet. Er staat nog een vragenlijst voor je klaar.".into(),
        (_, true) => "Good to have you here. See you next week!".into(),
        (_, false) => "Fijn dat je meedoet. Tot volgende week!".into(),
    }
}
