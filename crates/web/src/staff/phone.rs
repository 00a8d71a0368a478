//! Changing a person's phone number.

use super::person::person_post;
use super::{field, Form};
use crate::page_error::respond_staff;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::coordination as co;

pub(super) async fn change_phone(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: Form,
) -> HttpResponse {
    let phone = field(&form, "mobile_phone").to_string();
    let page = person_post(&state, &req, &path, &form, "phone", move |c, scope, id, now| {
        co::change_phone(c, scope, id, &phone, now)
    })
    .await;
    respond_staff(&state, &req, page)
}
