//! One way to turn a page's failure into the page people see instead.
//!
//! Participant, guardian and staff pages fail in the same few ways (nothing there, the store
//! cannot answer, a form refused for its CSRF token) but speak to different people: participants
//! read plain Dutch or English from the catalogue that points back to their text message, in words
//! for anyone (an error does not know whether its reader is addressed as "je" or "u"); staff read
//! Dutch that points back to their list. A page returns [`PageResult`]; its handler hands that to
//! [`respond`], which renders the error through the one message template.

use crate::pages::message;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use koers_store::coordination::CoordinationError;
use koers_texts::t;

/// Whom an error page speaks to, and in which language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A student, mentor or parent, in their language (`"en"`, otherwise Dutch).
    Participant(&'static str),
    /// A coordinator, researcher or admin: Dutch.
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
    /// What a coordinator asked cannot be done, one line per problem (422).
    Refused(Vec<String>),
    /// Another page to show instead: a redirect, or a message with words of its own.
    Instead(HttpResponse),
}

/// A page, or the page to show instead.
pub type PageResult = Result<HttpResponse, PageError>;

/// The response for a page's result.
pub fn respond(state: &AppState, page: PageResult) -> HttpResponse {
    page.unwrap_or_else(|e| e.into_response(state))
}

impl PageError {
    /// The page this error shows, with the words and status its audience has always seen.
    pub fn into_response(self, state: &AppState) -> HttpResponse {
        use Audience::{Participant, Staff};
        match self {
            PageError::Instead(page) => page,
            PageError::NotFound(Participant(l)) => {
                let l = koers_texts::lang_of(l);
                let (heading, line) = (t(l, "p-not-found-heading", &[]), t(l, "p-not-found", &[]));
                message(state, StatusCode::NOT_FOUND, l, &heading, &[&line])
            }
            PageError::NotFound(Staff) => message(
                state,
                StatusCode::NOT_FOUND,
                "nl",
                "Deze pagina bestaat niet",
                &["Kijk of het adres klopt, of ga terug naar de lijst met mensen."],
            ),
            PageError::Unavailable(Participant(l)) => {
                let l = koers_texts::lang_of(l);
                let (heading, line) = (t(l, "p-unavailable-heading", &[]), t(l, "p-unavailable", &[]));
                message(state, StatusCode::SERVICE_UNAVAILABLE, l, &heading, &[&line])
            }
            PageError::Unavailable(Staff) => message(
                state,
                StatusCode::SERVICE_UNAVAILABLE,
                "nl",
                "Even geduld",
                &["Het lukt nu even niet. Probeer het over een paar minuten opnieuw."],
            ),
            PageError::CsrfRefused(Participant(l)) => {
                let l = koers_texts::lang_of(l);
                let (heading, line) = (t(l, "p-csrf-heading", &[]), t(l, "p-csrf", &[]));
                message(state, StatusCode::FORBIDDEN, l, &heading, &[&line])
            }
            PageError::CsrfRefused(Staff) => message(
                state,
                StatusCode::FORBIDDEN,
                "nl",
                "Dit formulier is verlopen",
                &["Er is niets veranderd. Ga terug, laad de pagina opnieuw en probeer het nog een keer."],
            ),
            PageError::Refused(lines) => {
                let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
                message(state, StatusCode::UNPROCESSABLE_ENTITY, "nl", "Dat lukte niet", &lines)
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
                PageError::Refused(ps.into_iter().map(|p| koers_texts::msg("nl", &p.msg)).collect())
            }
            CoordinationError::Store(e) => {
                tracing::error!(error = %e, "staff page: storage failed");
                PageError::Unavailable(Audience::Staff)
            }
        }
    }
}
