//! koers-export: the datasets researchers analyse, streamed row by row from the database.
//!
//! Every kind except `rewards` is pseudonymised: people appear only as a keyed hash of their id
//! ([`pseudonym`]), never with a name, phone number or e-mail address. Rows are read in bounded
//! batches (by response, by pair, by id), so memory stays flat whatever the size of the study.

mod answers_long;
mod batch;
mod codebook;
mod columns;
mod context;
mod feedback;
mod invitations;
pub mod package;
mod pair_weeks;
mod paradata;
mod people;
mod rates;
pub mod report;
pub mod report_html;
mod responses_wide;
mod rewards;
mod sink;
pub mod syntax;

use chrono::{DateTime, Utc};
use koers_core::keyed::{derive_key, hmac_sha256};
use koers_store::DbConnection;
use std::io::Write;

pub use sink::Format;

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    AnswersLong,
    ResponsesWide,
    PairWeeks,
    Invitations,
    People,
    Rewards,
    Codebook,
    Feedback,
    Paradata,
    Rates,
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::AnswersLong,
        Kind::ResponsesWide,
        Kind::PairWeeks,
        Kind::Invitations,
        Kind::People,
        Kind::Rewards,
        Kind::Codebook,
        Kind::Feedback,
        Kind::Paradata,
        Kind::Rates,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::AnswersLong => "answers-long",
            Kind::ResponsesWide => "responses-wide",
            Kind::PairWeeks => "pair-weeks",
            Kind::Invitations => "invitations",
            Kind::People => "people",
            Kind::Rewards => "rewards",
            Kind::Codebook => "codebook",
            Kind::Feedback => "feedback",
            Kind::Paradata => "paradata",
            Kind::Rates => "rates",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// Whether the export names people (payouts need names and numbers): it takes a separate
    /// permission and is never part of a pseudonymised dataset.
    pub fn identifying(self) -> bool {
        self == Kind::Rewards
    }
}

/// One export to make.
#[derive(Debug, Clone)]
pub struct Request {
    pub kind: Kind,
    pub study_id: i64,
    pub format: Format,
    /// The key of the pseudonyms ([`pseudonym_key`] of the installation secret).
    pub pseudonym_key: Vec<u8>,
    /// `responses-wide` of one questionnaire only (plain item columns); all when `None`
    /// (columns prefixed with the questionnaire key).
    pub questionnaire: Option<String>,
    /// "Now", from the Clock: open pairs and participations are counted up to this moment.
    pub now: DateTime<Utc>,
    /// Only the people of these teams (a staff member limited to an organisation or a team);
    /// `None` for the whole study.
    pub teams: Option<Vec<i64>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub rows: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] koers_store::StoreError),
    #[error("writing the export failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing the export failed: {0}")]
    Csv(#[from] csv::Error),
    #[error("{0}")]
    Invalid(String),
}

impl From<diesel::result::Error> for ExportError {
    fn from(e: diesel::result::Error) -> Self {
        ExportError::Store(e.into())
    }
}

pub type ExportResult<T> = Result<T, ExportError>;

/// Progress as rows written and, where known in advance, the total to expect.
pub type Progress<'a> = &'a mut dyn FnMut(u64, Option<u64>);

/// Writes one export to `out`. `progress` is called every few thousand rows.
pub fn export(
    conn: &mut DbConnection,
    req: &Request,
    out: &mut dyn Write,
    progress: Progress<'_>,
) -> ExportResult<Summary> {
    let mut sink = sink::Sink::new(req.format, out);
    let rows = match req.kind {
        Kind::AnswersLong => answers_long::write(conn, req, &mut sink, progress)?,
        Kind::ResponsesWide => responses_wide::write(conn, req, &mut sink, progress)?,
        Kind::PairWeeks => pair_weeks::write(conn, req, &mut sink, progress)?,
        Kind::Invitations => invitations::write(conn, req, &mut sink, progress)?,
        Kind::People => people::write(conn, req, &mut sink, progress)?,
        Kind::Rewards => rewards::write(conn, req, &mut sink, progress)?,
        Kind::Codebook => codebook::write(conn, req, &mut sink, progress)?,
        Kind::Feedback => feedback::write(conn, req, &mut sink, progress)?,
        Kind::Paradata => paradata::write(conn, req, &mut sink, progress)?,
        Kind::Rates => rates::write(conn, req, &mut sink, progress)?,
    };
    sink.finish()?;
    Ok(Summary { rows })
}

/// The key of the pseudonyms, derived from the installation secret so that the secret itself is
/// never the hash key and the pseudonyms stay the same for every export of an installation.
pub fn pseudonym_key(secret: &[u8]) -> Vec<u8> {
    derive_key(secret, "koers pseudonym").to_vec()
}

/// A person's pseudonymous id: a keyed hash of their id (80 bits, hex), stable across exports
/// and meaningless without the installation's secret.
pub fn pseudonym(key: &[u8], person_id: i64) -> String {
    let bytes = hmac_sha256(key, format!("person:{person_id}").as_bytes());
    format!("p{}", hex::encode(&bytes[..10]))
}

/// A person's id in the payout file: a keyed hash like [`pseudonym`] but under a key of its own
/// (derived from the pseudonym key with another label), so the payout file, which names people,
/// cannot be joined to any pseudonymised dataset, nor one id computed from the other.
pub fn payout_id(pseudonym_key: &[u8], person_id: i64) -> String {
    let payout_key = derive_key(pseudonym_key, "koers payout");
    let bytes = hmac_sha256(&payout_key, format!("person:{person_id}").as_bytes());
    format!("pay-{}", hex::encode(&bytes[..10]))
}
