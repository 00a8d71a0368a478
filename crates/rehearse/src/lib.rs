//! koers-rehearse: a whole study lived through in minutes. A synthetic cohort is enrolled in a
//! test-mode study, the study's clock walks through the weeks, and at every moment a person
//! would act, they open their SMS link and answer through the same web application `koers
//! serve` runs (in-process). Nothing is written to the database except through those paths.
//!
//! What was submitted is kept as a truth file, so every export can be compared with it, and a
//! set of checks says whether the study's life course held (see [`checks`]).

mod answers;
mod browser;
pub mod checks;
pub mod cohort;
mod engine;
pub mod feedback;
pub mod form;
pub mod patterns;
mod setup;

pub use browser::{Browser, Page};
pub use setup::{rehearse, Options, Report, Setup};

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum RehearseError {
    #[error(transparent)]
    Store(#[from] koers_store::StoreError),
    #[error("{0}")]
    Failed(String),
    #[error("writing {path}: {error}")]
    Write { path: String, error: String },
}

/// Where a rehearsal stands, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub week: u32,
    pub weeks: u32,
    pub messages: usize,
    pub responses: usize,
}

/// One submitted response, as the exports should show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TruthRow {
    /// The pseudonym the exports use.
    pub person: String,
    pub questionnaire: String,
    pub calendar_week: String,
    pub pattern: String,
    /// For a mentor's diary: the student it is about.
    pub about: Option<String>,
}

/// One message the rehearsal's people got.
#[derive(Debug, Clone)]
pub struct Sms {
    /// The person of the rehearsal it reached (`None`: a number nobody in the cohort has).
    pub actor: Option<usize>,
    pub at: DateTime<Utc>,
    pub to: String,
    pub body: String,
}

/// A Dutch mobile number as koers stores it.
pub(crate) fn e164(national: &str) -> String {
    koers_core::phone::normalise_mobile(national).unwrap_or_else(|_| national.to_string())
}

impl From<diesel::result::Error> for RehearseError {
    fn from(e: diesel::result::Error) -> Self {
        RehearseError::Store(e.into())
    }
}
