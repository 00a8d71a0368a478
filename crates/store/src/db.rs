//! Opening a database by URL, pooling connections, migrations and transactions.

use crate::error::{StoreError, StoreResult};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::path::PathBuf;
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// One connection type over both backends; per-backend code matches on it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// A multi-row INSERT, run on the concrete connection (the multi-backend connection type has no
/// batch insert of its own).
#[macro_export]
#[doc(hidden)]
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConnection::Postgres(c) => diesel::insert_into($table).values($rows).execute(c),
            DbConnection::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where a database lives, read from an explicit URL scheme. Anything else is refused:
/// left to itself SQLite would take a mistyped PostgreSQL URL as a file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Target {
    pub fn parse(url: &str) -> StoreResult<Self> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() || path.contains(":memory:") || path.starts_with("file:") {
                return Err(StoreError::BadUrl(format!(
                    "'{url}' does not name a file; write sqlite://koers.db or sqlite:///var/lib/koers/koers.db"
                )));
            }
            Ok(Target::Sqlite(PathBuf::from(path)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Target::Postgres(url.to_string()))
        } else {
            Err(StoreError::BadUrl(format!(
                "'{}' must start with sqlite:// or postgres://",
                koers_core::settings::redact_url(url)
            )))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Target::Sqlite(_) => Backend::Sqlite,
            Target::Postgres(_) => Backend::Postgres,
        }
    }

    fn connect(&self) -> StoreResult<DbConnection> {
        match self {
            Target::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgres)
                .map_err(|e| StoreError::Connect(e.to_string().replace(url.as_str(), "<database_url>"))),
            Target::Sqlite(path) => {
                let path_str =
                    path.to_str().ok_or_else(|| StoreError::BadUrl("the SQLite path is not UTF-8".into()))?;
                let mut conn = SqliteConnection::establish(path_str)
                    .map_err(|e| StoreError::Connect(format!("{}: {e}", path.display())))?;
                // Per connection: these settings are not stored in the file.
                conn.batch_execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;",
                )
                .map_err(|e| StoreError::Connect(format!("{}: {e}", path.display())))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// Opens connections for the pool the way [`Target`] says.
pub struct Manager {
    target: Target,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = StoreError;

    fn connect(&self) -> Result<DbConnection, StoreError> {
        self.target.connect()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), StoreError> {
        use diesel::r2d2::R2D2Connection;
        conn.ping().map_err(StoreError::from)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.is_broken()
    }
}

pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// A pool of connections to one database.
#[derive(Clone)]
pub struct Database {
    pool: r2d2::Pool<Manager>,
    backend: Backend,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").field("backend", &self.backend).finish()
    }
}

impl Database {
    /// Opens (and for SQLite creates) the database and brings its schema up to date.
    pub fn open(url: &str, pool_size: u32) -> StoreResult<Self> {
        let db = Self::connect(url, pool_size)?;
        db.migrate()?;
        Ok(db)
    }

    /// Opens the database without touching its schema (`koers migrate` reports what it applies).
    pub fn connect(url: &str, pool_size: u32) -> StoreResult<Self> {
        let target = Target::parse(url)?;
        if let Target::Sqlite(path) = &target {
            prepare_sqlite_file(path)?;
        }
        let backend = target.backend();
        // Fail fast: a request waiting long for a connection is worse than a clear error.
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .connection_timeout(Duration::from_secs(10))
            .error_handler(Box::new(r2d2::LoggingErrorHandler))
            .build(Manager { target })?;
        Ok(Database { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// How many connections the pool holds at most.
    pub fn pool_size(&self) -> u32 {
        self.pool.max_size()
    }

    pub fn conn(&self) -> StoreResult<PooledConnection> {
        Ok(self.pool.get()?)
    }

    /// Runs pending migrations; returns the names of those it applied.
    pub fn migrate(&self) -> StoreResult<Vec<String>> {
        let mut conn = self.conn()?;
        let applied = match &mut *conn {
            DbConnection::Postgres(c) => {
                // Instances starting together on a new database take turns: without the lock
                // two of them create the same tables at once and one fails.
                diesel::RunQueryDsl::execute(diesel::sql_query("SELECT pg_advisory_lock(7046310)"), c)
                    .map_err(|e| StoreError::Migration(e.to_string()))?;
                let applied =
                    c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.iter().map(|m| m.to_string()).collect());
                let _ = diesel::RunQueryDsl::execute(diesel::sql_query("SELECT pg_advisory_unlock(7046310)"), c);
                applied
            }
            DbConnection::Sqlite(c) => {
                c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.iter().map(|m| m.to_string()).collect())
            }
        };
        applied.map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// Runs `f` in a transaction that takes the write lock at its start on SQLite (so a
    /// read-then-write never fails half-way on a busy database) and a normal one on PostgreSQL.
    /// Commits when `f` returns Ok, rolls back otherwise.
    pub fn write<T, E>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError> + From<diesel::result::Error>,
    {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, f)
    }

    /// Runs `f`, which only reads, on one snapshot: on SQLite inside one read transaction, so
    /// its queries see the same state and take the WAL's read lock once instead of once each
    /// (a page view's dozen small queries spent a tenth of their time on that lock). On
    /// PostgreSQL it is [`Database::read`]: a transaction there would cost two more round trips.
    pub fn read_snapshot<T, E>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError> + From<diesel::result::Error>,
    {
        let mut conn = self.conn()?;
        match &mut *conn {
            DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN DEFERRED")?,
            DbConnection::Postgres(_) => return f(&mut conn),
        }
        let result = f(&mut conn);
        finish(&mut conn, result)
    }

    /// Runs `f` with a connection, outside any explicit transaction.
    pub fn read<T, E>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = self.conn()?;
        f(&mut conn)
    }
}

/// See [`Database::write`].
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    // Inside a transaction already: a savepoint, which the outer transaction commits.
    let depth =
        <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn).transaction_depth()?;
    if depth.is_some() {
        // Not `conn.transaction(f)`: when SQLite has already rolled the whole transaction
        // back itself (a full disk, SQLITE_FULL), rolling back to the savepoint fails with
        // "no such savepoint" and diesel would report that instead of the real cause.
        <DbConnection as Connection>::TransactionManager::begin_transaction(conn)?;
        let result = f(conn);
        return finish(conn, result);
    }
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConnection::Postgres(c) => {
            <AnsiTransactionManager as TransactionManager<PgConnection>>::begin_transaction(c)?
        }
    }
    let result = f(conn);
    finish(conn, result)
}

/// Commits on Ok, rolls back otherwise. The caller's error is the one worth reporting: a failed
/// rollback marks the connection broken and the pool discards it.
fn finish<T, E>(conn: &mut DbConnection, result: Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match result {
        Ok(value) => {
            <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            let _ = <DbConnection as Connection>::TransactionManager::rollback_transaction(conn);
            Err(e)
        }
    }
}

/// Creates the directory and the file, and switches a new file to WAL once (it is stored in
/// the file, unlike the per-connection settings).
fn prepare_sqlite_file(path: &std::path::Path) -> StoreResult<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Connect(format!("cannot create {}: {e}", dir.display())))?;
    }
    let path_str = path.to_str().ok_or_else(|| StoreError::BadUrl("the SQLite path is not UTF-8".into()))?;
    let mut conn =
        SqliteConnection::establish(path_str).map_err(|e| StoreError::Connect(format!("{}: {e}", path.display())))?;
    conn.batch_execute("PRAGMA journal_mode = WAL;")
        .map_err(|e| StoreError::Connect(format!("{}: {e}", path.display())))?;
    Ok(())
}
