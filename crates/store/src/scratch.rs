//! Throwaway databases: a fresh SQLite file, or a fresh schema in the PostgreSQL at
//! `KOERS_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`), removed when
//! dropped. Tests use them to run in parallel without seeing each other's rows; `koers bench`
//! uses one so that a benchmark never touches a real study.

use crate::db::Database;
use diesel::prelude::*;
use diesel::{Connection, PgConnection};

pub const DEFAULT_TEST_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database that is removed when dropped.
pub struct ScratchDb {
    pub db: Database,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    schema: Option<(String, String)>,
}

impl ScratchDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("koers.db").display());
        let db = Database::open(&url, 4).expect("open sqlite test database");
        ScratchDb { db, url, _dir: Some(dir), schema: None }
    }

    pub fn postgres() -> Self {
        let base = std::env::var("KOERS_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_TEST_POSTGRES.to_string());
        let schema = format!("t_{}", random_suffix());
        let mut admin = PgConnection::establish(&base).unwrap_or_else(|e| {
            panic!("PostgreSQL for tests is not reachable at {base}: {e}. Start it, or set KOERS_TEST_DATABASE_URL.")
        });
        diesel::sql_query(format!("CREATE SCHEMA {schema}")).execute(&mut admin).expect("create test schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
        let db = Database::open(&url, 4).expect("open postgres test database");
        ScratchDb { db, url, _dir: None, schema: Some((base, schema)) }
    }

    /// Both backends, for tests that must hold on each.
    pub fn both() -> [(&'static str, ScratchDb); 2] {
        [("sqlite", ScratchDb::sqlite()), ("postgres", ScratchDb::postgres())]
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.schema {
            if let Ok(mut admin) = PgConnection::establish(base) {
                let _ = diesel::sql_query(format!("DROP SCHEMA {schema} CASCADE")).execute(&mut admin);
            }
        }
    }
}

fn random_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::process::id() as u128);
    format!("{:016x}", h.finish())
}
