//! Recording that a person withdraws, and what happens to the answers already given.

use super::person::person_change;
use super::{field, Form};
use crate::page_error::respond_staff;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_core::msg::Msg;
use koers_store::coordination::{self as co, CoordinationError, FieldProblem};
use koers_store::lifecycle::{OnWithdrawal, Withdrawal};
use koers_store::staff::Scope;
use koers_store::DbConnection;

/// A person withdraws: a coordinator records it with what the person's consent says about the
/// answers already given, and ticks that they are sure (it cannot be undone).
pub(super) async fn withdraw(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: Form,
) -> HttpResponse {
    let data = OnWithdrawal::parse(field(&form, "data"));
    let confirmed = field(&form, "confirm") == "yes";
    let change = move |c: &mut DbConnection, scope: &Scope, id, now| {
        let Some(data) = data.filter(|_| confirmed) else {
            // Checked against the scope first, so an outsider gets the same 404 as always.
            co::person_detail(c, scope, id, now)?;
            let mut ps = Vec::new();
            if data.is_none() {
                ps.push(FieldProblem::new("data", Msg::new("withdraw-choose-data")));
            }
            if !confirmed {
                ps.push(FieldProblem::new("confirm", Msg::new("withdraw-confirm")));
            }
            return Err(CoordinationError::Problems(ps));
        };
        co::withdraw(c, scope, id, data, now).map(|w| (data, w))
    };
    let query = |(data, w): (OnWithdrawal, Withdrawal)| {
        format!(
            "ok=withdraw&data={}&ended={}&cancelled={}&deleted={}",
            data.as_str(),
            w.subscriptions_ended,
            w.invitations_cancelled,
            w.answers_deleted
        )
    };
    let page = person_change(&state, &req, &path, &form, change, query).await;
    respond_staff(&state, &req, page)
}
