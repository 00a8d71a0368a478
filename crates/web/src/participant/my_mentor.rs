//! Who the student's mentor is, and their number if the mentor agreed to share it.

use super::{db, info, me, Page};
use crate::page_error::respond;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_core::mentor_title::mentor_title_in;
use koers_store::participation::{self as part, MentorContact};
use serde_json::json;

/// Who the student's mentor is, and their number if the mentor agreed to share it.
pub(super) async fn my_mentor(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    respond(&state, my_mentor_inner(&state, &req).await)
}

async fn my_mentor_inner(state: &AppState, req: &HttpRequest) -> Page {
    let me = me(state, req).await?;
    let id = me.person.id;
    let mentor = db(state, false, move |c| part::mentor_of(c, id)).await?;
    let en = me.lang == "en";
    // The school's own word: "je coach", "your job coach".
    let title = mentor_title_in(&me.person.mentor_title, me.lang);
    let lines = match &mentor {
        Some(MentorContact { first_name: name, phone: Some(phone), .. }) => vec![
            if en { format!("Your {title} is {name}.") } else { format!("Je {title} is {name}.") },
            if en {
                format!("You can call or text {name} on {phone}.")
            } else {
                format!("Je kunt {name} bellen of een bericht sturen: {phone}.")
            },
        ],
        Some(MentorContact { first_name: name, phone: None, .. }) => vec![
            if en { format!("Your {title} is {name}.") } else { format!("Je {title} is {name}.") },
            if en {
                format!("You can talk to {name} at school or where you usually meet.")
            } else {
                format!("Je kunt {name} spreken op school of waar jullie elkaar meestal zien.")
            },
        ],
        None => vec![if en {
            format!("You have no {title} in the study right now. Ask at school who can help you.")
        } else {
            format!("Je hebt nu geen {title} in het onderzoek. Vraag op school wie je kan helpen.")
        }],
    };
    let mut links = Vec::new();
    // A tap calls the mentor: the number is a tel: link, not text to copy.
    if let Some(MentorContact { first_name: name, phone: Some(phone), .. }) = &mentor {
        let digits: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
        let label = if en { format!("Call {name}") } else { format!("Bel {name}") };
        links.push(json!({"href": format!("tel:{digits}"), "label": label, "primary": true}));
    }
    links.push(json!({"href": "/p", "label": if en { "Back" } else { "Terug" }}));
    let heading = if en { format!("Your {title}") } else { format!("Je {title}") };
    info(state, &me, (heading, lines), links)
}
