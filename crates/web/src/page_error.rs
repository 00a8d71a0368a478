//! One way to turn a page's failure into the page people see instead.
//!
//! Participant, guardian and staff pages fail in the same few ways (nothing there, the store
//! cannot answer, a form refused for its CSRF token) but speak to different people: participants
//! read plain Dutch or English from the catalogue that points back to their text message, in words
//! for anyone (an error does not know whether its reader is addressed as "je" or "u"); staff read
//! the language of their account (Dutch by default) and are pointed back to their list. A page
//! returns [`PageResult`]; its handler hands that to [`respond`] (or, on a staff page,
//! [`respond_staff`]), which renders the error through the one message template.

use crate::pages::message;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use koers_core::msg::Msg;
use koers_store::coordination::CoordinationError;
use koers_texts::t;

/// Whom an error page speaks to, and in which language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A student, mentor or parent, in their language (`"en"`, otherwise Dutch).
    Participant(&'static str),
    /// A coordinator, researcher or admin, in the language of their account (see [`StaffLang`]).
    Staff,
}

/// Why a page shows something other than itself.
#[derive(Debug)]
pub enum PageError {
    /// Not there, or not the visitor's to see: the two are never told apart (404).
    NotFound(Audience),
    /// The store or a template failed; try again in a few minutes (503).
    Unavailable(Audience),
    /// A form without this session's CSRF token: too old, or sent from elsewhere (403).
    CsrfRefused(Audience),
    /// What a coordinator asked cannot be done, one message per problem (422).
    Refused(Vec<Msg>),
    /// Another page to show instead: a redirect, or a message with words of its own.
    Instead(HttpResponse),
}

/// A page, or the page to show instead.
pub type PageResult = Result<HttpResponse, PageError>;

/// The language of the signed-in staff member, kept with the request once their account is read
/// (`staff::staff_session` puts it there), so that whatever a staff page fails with speaks it.
#[derive(Debug, Clone, Copy)]
pub struct StaffLang(pub &'static str);

/// The response for a page's result.
pub fn respond(state: &AppState, page: PageResult) -> HttpResponse {
    page.unwrap_or_else(|e| e.into_response(state))
}

/// The response for a staff page's result: an error speaks the signed-in staff member's language
/// (Dutch before anyone is signed in).
pub fn respond_staff(state: &AppState, req: &HttpRequest, page: PageResult) -> HttpResponse {
    page.unwrap_or_else(|e| e.into_response_in(state, staff_lang(req)))
}

/// The language of the staff member signed in on this request, Dutch when none is (yet).
pub fn staff_lang(req: &HttpRequest) -> &'static str {
    req.extensions().get::<StaffLang>().map_or("nl", |l| l.0)
}

/// A friendly page for staff in `lang`: a heading and one paragraph (both from the catalogue).
pub fn staff_message(state: &AppState, status: StatusCode, lang: &str, heading: &str, text: &str) -> HttpResponse {
    message(state, status, lang, heading, &[text])
}

impl PageError {
    /// The page this error shows, with the words and status its audience has always seen; staff
    /// read Dutch.
    pub fn into_response(self, state: &AppState) -> HttpResponse {
        self.into_response_in(state, "nl")
    }

    /// The page this error shows, staff reading `staff_lang`.
    pub fn into_response_in(self, state: &AppState, staff_lang: &str) -> HttpResponse {
        use Audience::{Participant, Staff};
        let lang = koers_texts::lang_of(staff_lang);
        match self {
            PageError::Instead(page) => page,
            PageError::NotFound(Participant(l)) => {
                let l = koers_texts::lang_of(l);
                let (heading, line) = (t(l, "p-not-found-heading", &[]), t(l, "p-not-found", &[]));
                message(state, StatusCode::NOT_FOUND, l, &heading, &[&line])
            }
            PageError::NotFound(Staff) => staff_message(
                state,
                StatusCode::NOT_FOUND,
                lang,
                &t(lang, "staff-not-found-heading", &[]),
                &t(lang, "staff-not-found-text", &[]),
            ),
            PageError::Unavailable(Participant(l)) => {
                let l = koers_texts::lang_of(l);
                let (heading, line) = (t(l, "p-unavailable-heading", &[]), t(l, "p-unavailable", &[]));
                message(state, StatusCode::SERVICE_UNAVAILABLE, l, &heading, &[&line])
            }
            PageError::Unavailable(Staff) => staff_message(
                state,
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                &t(lang, "staff-busy-heading", &[]),
                &t(lang, "staff-busy-text", &[]),
            ),
            PageError::CsrfRefused(Participant(l)) => {
                let l = koers_texts::lang_of(l);
                let (heading, line) = (t(l, "p-csrf-heading", &[]), t(l, "p-csrf", &[]));
                message(state, StatusCode::FORBIDDEN, l, &heading, &[&line])
            }
            PageError::CsrfRefused(Staff) => staff_message(
                state,
                StatusCode::FORBIDDEN,
                lang,
                &t(lang, "staff-expired-heading", &[]),
                &t(lang, "staff-expired-text", &[]),
            ),
            PageError::Refused(problems) => {
                let lines: Vec<String> = problems.iter().map(|m| koers_texts::msg(lang, m)).collect();
                let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
                message(state, StatusCode::UNPROCESSABLE_ENTITY, lang, &t(lang, "staff-refused-heading", &[]), &lines)
            }
        }
    }
}

impl From<HttpResponse> for PageError {
    fn from(page: HttpResponse) -> Self {
        PageError::Instead(page)
    }
}

/// Coordination is what staff pages do, so its errors speak to staff.
impl From<CoordinationError> for PageError {
    fn from(e: CoordinationError) -> Self {
        match e {
            CoordinationError::NotFound => PageError::NotFound(Audience::Staff),
            CoordinationError::Problems(ps) | CoordinationError::NumberRefused { problems: ps, .. } => {
                PageError::Refused(ps.into_iter().map(|p| p.msg).collect())
            }
            CoordinationError::Store(e) => {
                tracing::error!(error = %e, "staff page: storage failed");
                PageError::Unavailable(Audience::Staff)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;
    use koers_core::clock::FixedClock;
    use koers_store::testing::TestDb;
    use std::sync::Arc;

    fn body(r: HttpResponse) -> String {
        String::from_utf8(r.into_body().try_into_bytes().unwrap().to_vec()).unwrap()
    }

    #[test]
    fn a_refusal_reads_in_the_staff_members_language() {
        let t = TestDb::sqlite();
        let state =
            AppState::new(t.db.clone(), Arc::new(FixedClock::new(chrono::DateTime::UNIX_EPOCH)), Default::default());
        let refused = || PageError::Refused(vec![Msg::new("end-choose-reason")]);
        let nl = refused().into_response_in(&state, "nl");
        assert_eq!(nl.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let nl = body(nl);
        assert!(nl.contains("lang=\"nl\"") && nl.contains("Dat lukte niet") && nl.contains("Kies een reden."), "{nl}");
        let en = body(refused().into_response_in(&state, "en"));
        assert!(en.contains("lang=\"en\"") && en.contains("That did not work"), "{en}");
        assert!(!en.contains("Kies een reden."), "{en}");
        let dutch_by_default = body(PageError::NotFound(Audience::Staff).into_response(&state));
        assert!(dutch_by_default.contains("Deze pagina bestaat niet"), "{dutch_by_default}");
    }
}
