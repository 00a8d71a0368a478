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
    // The school's own word: "je coach", "your job coach".
    let title = mentor_title_in(&me.person.mentor_title, me.lang).to_string();
    let lines = match &mentor {
        Some(MentorContact { first_name: name, phone: Some(phone), .. }) => vec![
            me.t("my-mentor-is", &[("name", name.clone()), ("title", title.clone())]),
            me.t("my-mentor-call", &[("name", name.clone()), ("phone", phone.clone())]),
        ],
        Some(MentorContact { first_name: name, phone: None, .. }) => {
            vec![
                me.t("my-mentor-is", &[("name", name.clone()), ("title", title.clone())]),
                me.t("my-mentor-talk", &[("name", name.clone())]),
            ]
        }
        None => vec![me.t("my-mentor-none", &[("title", title.clone())])],
    };
    let mut links = Vec::new();
    // A tap calls the mentor: the number is a tel: link, not text to copy.
    if let Some(MentorContact { first_name: name, phone: Some(phone), .. }) = &mentor {
        let label = me.t("my-mentor-call-button", &[("name", name.clone())]);
        links.push(json!({"href": super::tel_href(phone), "label": label, "primary": true}));
    }
    links.push(json!({"href": "/p", "label": me.t("p-back", &[])}));
    let heading = me.t("my-mentor-heading", &[("title", title)]);
    info(state, &me, (&heading, lines), links)
}
