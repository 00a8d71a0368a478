//! A staff member chooses the language of their pages: Dutch (the default) or English.

use super::{field, see_other, staff_session, Form};
use crate::page_error::{respond_staff, Audience, PageError, PageResult};
use crate::session;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};

pub(super) async fn choose(state: web::Data<AppState>, req: HttpRequest, form: Form) -> HttpResponse {
    respond_staff(&state, &req, set(&state, &req, &form).await)
}

async fn set(state: &AppState, req: &HttpRequest, form: &[(String, String)]) -> PageResult {
    let signed_in = staff_session(state, req, |_, _| Ok(())).await?;
    if !session::csrf_ok(&signed_in.session, form) {
        return Err(PageError::CsrfRefused(Audience::Staff));
    }
    let (id, locale) = (signed_in.account.id, koers_texts::lang_of(field(form, "locale")));
    let db = state.db.clone();
    match web::block(move || db.write(|c| koers_store::staff::set_locale(c, id, locale))).await {
        Ok(Ok(())) => Ok(see_other("/staff")),
        _ => Err(PageError::Unavailable(Audience::Staff)),
    }
}
