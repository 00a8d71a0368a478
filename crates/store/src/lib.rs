//! koers-store: everything koers keeps, on SQLite (the embedded default) or PostgreSQL.
//!
//! One diesel schema serves both backends through [`db::DbConnection`]; the few statements that
//! must differ per backend (immediate transactions, claiming due work) live in small explicit
//! functions. Callers pass "now" in from the `Clock`: the database's own clock is never used.

pub mod access;
pub mod answers;
pub mod api_keys;
pub mod api_reads;
pub mod audit;
pub mod cleanup;
pub mod coordination;
pub mod dashboard;
pub mod db;
pub mod definitions;
pub mod drafts;
pub mod error;
pub mod exclusion;
pub mod feedback;
pub mod groups;
pub mod import;
pub mod jobs;
pub mod life_course;
pub mod lifecycle;
pub mod ops;
pub mod paradata;
pub mod participation;
pub mod people;
pub mod protocol_move;
pub mod quality;
pub mod safety;
pub mod schedule;
pub mod schema;
pub mod schema_info;
pub mod scratch;
pub mod seed;
mod send_context;
pub mod sending;
pub mod sessions;
pub mod shipped;
pub mod staff;
pub mod staff_lifecycle;
pub mod studies;
pub mod study_clock;
pub mod study_delete;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod tokens;
pub mod totp_store;
pub mod two_factor_rule;

pub use db::{Backend, Database, DbConnection};
pub use error::StoreError;
