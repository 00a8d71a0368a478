//! Moving a person to another protocol from a chosen date (e.g. aftercare after a dropout).

use super::person::person_post;
use super::{field, Form};
use crate::page_error::respond_staff;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::coordination as co;

pub(super) async fn move_protocol(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: Form,
) -> HttpResponse {
    let protocol = field(&form, "protocol").to_string();
    let from = field(&form, "from").to_string();
    let page = person_post(&state, &req, &path, &form, "protocol", move |c, scope, id, now| {
        co::move_protocol(c, scope, id, &protocol, &from, now).map(|_| ())
    })
    .await;
    respond_staff(&state, &req, page)
}
