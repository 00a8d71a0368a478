//! What can go wrong in storage, in words an operator can act on.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database address: {0}")]
    BadUrl(String),
    #[error("cannot open the database: {0}")]
    Connect(String),
    #[error("no database connection free within the timeout: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("the server is too busy to answer now")]
    Busy,
    /// A stored code (a role, a language, a time zone) that koers does not know.
    #[error("the database holds {0}")]
    UnknownCode(String),
}

impl From<koers_core::people::UnknownCode> for StoreError {
    fn from(e: koers_core::people::UnknownCode) -> Self {
        StoreError::UnknownCode(e.to_string())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
