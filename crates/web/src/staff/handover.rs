//! Handing a student over to another mentor.

use super::person::person_post;
use super::{field, Form};
use crate::page_error::respond_staff;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_core::msg::Msg;
use koers_store::coordination::{self as co, CoordinationError, FieldProblem};

pub(super) async fn handover(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: Form,
) -> HttpResponse {
    let mentor = field(&form, "mentor_id").parse::<i64>().ok();
    let page = person_post(&state, &req, &path, &form, "handover", move |c, scope, id, now| match mentor {
        Some(m) => co::handover(c, scope, id, m, now).map(|_| ()),
        None => {
            // Only someone who may see the student learns that a mentor is missing.
            co::person_detail(c, scope, id, now)?;
            Err(CoordinationError::Problems(vec![FieldProblem::new("mentor_id", Msg::new("handover-choose-mentor"))]))
        }
    })
    .await;
    respond_staff(&state, &req, page)
}
