//! Recording a student's outcome (reason, date, what next), and ending participation only when
//! the coordinator chooses that too.

use super::person::person_post;
use super::{field, Form};
use crate::page_error::respond_staff;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_core::msg::Msg;
use koers_core::people::DropoutType;
use koers_store::coordination::{self as co, CoordinationError, Ending, FieldProblem};

pub(super) async fn end(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: Form,
) -> HttpResponse {
    let reason = DropoutType::parse(field(&form, "reason"));
    let date_raw = field(&form, "date").trim().to_string();
    let note = field(&form, "note").to_string();
    let next = field(&form, "next").to_string();
    let end_too = field(&form, "ending") == "end";
    let page = person_post(&state, &req, &path, &form, "end", move |c, scope, id, now| {
        let date = koers_core::people_import::parse_date(&date_raw).ok();
        let (Some(reason), Some(date)) = (reason, date) else {
            // Checked against the scope first, so an outsider gets the same 404 as always.
            co::person_detail(c, scope, id, now)?;
            let mut ps = Vec::new();
            if reason.is_none() {
                ps.push(FieldProblem::new("reason", Msg::new("end-choose-reason")));
            }
            if date.is_none() {
                ps.push(FieldProblem::new("date", Msg::new("end-choose-date")));
            }
            return Err(CoordinationError::Problems(ps));
        };
        co::end_participation(
            c,
            scope,
            id,
            &Ending { reason, date, note: Some(note), next: Some(next), end: end_too },
            now,
        )
        .map(|_| ())
    })
    .await;
    respond_staff(&state, &req, page)
}
