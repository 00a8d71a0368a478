//! What operators need from the database: whether it answers, what `/metrics` reports (read at
//! scrape time, a few cheap aggregate queries), how far the scheduler lags behind, and a
//! consistent online backup of a SQLite database.

use crate::db::{Database, DbConnection};
use crate::error::{StoreError, StoreResult};
use crate::schema::{invitations, people, responses, studies};
use crate::studies::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use koers_core::invitation::InvitationStatus;
use std::path::{Path, PathBuf};

/// Answers when the database can run a query.
pub fn ping(conn: &mut DbConnection) -> StoreResult<()> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}

/// What `/metrics` shows from the database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Invitations by status (`pending`, `sent`, `skipped` ...), ordered by status; a status
    /// with no invitations is left out.
    pub invitations_by_status: Vec<StatusCount>,
    /// Completed responses (questionnaires submitted).
    pub submissions: i64,
    /// The oldest invitation that should have gone out by now and has not.
    pub oldest_overdue: Option<DateTime<Utc>>,
}

/// How many invitations have one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCount {
    pub status: InvitationStatus,
    pub invitations: i64,
}

impl Snapshot {
    /// How far the scheduler is behind at `now`, in whole seconds; 0 when nothing is overdue.
    pub fn lag_seconds(&self, now: DateTime<Utc>) -> i64 {
        self.oldest_overdue.map_or(0, |t| (now - t).num_seconds().max(0))
    }
}

pub fn snapshot(conn: &mut DbConnection, now: DateTime<Utc>) -> StoreResult<Snapshot> {
    let rows: Vec<(String, i64)> = invitations::table
        .group_by(invitations::status)
        .select((invitations::status, diesel::dsl::count_star()))
        .order(invitations::status)
        .load(conn)?;
    let invitations_by_status = rows
        .into_iter()
        .map(|(status, invitations)| Ok(StatusCount { status: InvitationStatus::try_from(status)?, invitations }))
        .collect::<StoreResult<Vec<_>>>()?;
    let submissions: i64 = responses::table.filter(responses::completed_at.is_not_null()).count().get_result(conn)?;
    Ok(Snapshot { invitations_by_status, submissions, oldest_overdue: oldest_overdue(conn, now)? })
}

/// The instant the oldest waiting invitation became due: a pending one by its due time, one
/// waiting for a retry by the time of its next attempt. Only those due at `now` count.
///
/// Test-mode studies are left out: their clocks run ahead or behind real time, and a rehearsal
/// must never take instances out of service.
pub fn oldest_overdue(conn: &mut DbConnection, now: DateTime<Utc>) -> StoreResult<Option<DateTime<Utc>>> {
    let now_db = to_db(now);
    let real_people =
        || people::table.inner_join(studies::table).filter(studies::test_mode.eq(false)).select(people::id);
    let pending: Option<NaiveDateTime> = invitations::table
        .filter(invitations::status.eq(InvitationStatus::Pending.as_str()).and(invitations::due_at.le(now_db)))
        .filter(invitations::person_id.eq_any(real_people()))
        .select(diesel::dsl::min(invitations::due_at))
        .first(conn)?;
    let retry_due: Option<NaiveDateTime> = invitations::table
        .filter(invitations::status.eq(InvitationStatus::Retry.as_str()))
        .filter(invitations::next_attempt_at.le(now_db))
        .filter(invitations::person_id.eq_any(real_people()))
        .select(diesel::dsl::min(invitations::next_attempt_at))
        .first::<Option<NaiveDateTime>>(conn)?;
    let retry_unset: Option<NaiveDateTime> = invitations::table
        .filter(invitations::status.eq(InvitationStatus::Retry.as_str()).and(invitations::next_attempt_at.is_null()))
        .filter(invitations::due_at.le(now_db))
        .filter(invitations::person_id.eq_any(real_people()))
        .select(diesel::dsl::min(invitations::due_at))
        .first(conn)?;
    Ok([pending, retry_due, retry_unset].into_iter().flatten().min().map(from_db))
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many rows one table holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowCount {
    pub table: String,
    pub rows: i64,
}

/// Rows per table (without the migrations' bookkeeping), ordered by table name: what a backup
/// is checked against.
pub fn row_counts(conn: &mut DbConnection) -> StoreResult<Vec<RowCount>> {
    let tables: Vec<String> = crate::schema_info::logical_schema(conn)?.into_keys().collect();
    let mut out = Vec::with_capacity(tables.len());
    for t in tables {
        // The names come from the database's own catalogue; quoting keeps them names.
        let quoted = format!("\"{}\"", t.replace('"', "\"\""));
        let c: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {quoted}")).get_result(conn)?;
        out.push(RowCount { table: t, rows: c.n });
    }
    Ok(out)
}

/// What a finished backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    pub bytes: u64,
}

/// Where a backup is written before it gets its real name.
pub fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// A consistent copy of a live SQLite database with `VACUUM INTO` (readers and the writer go on
/// meanwhile). It is written to `OUT.partial` and only then given its name, so `out` is never
/// half a database; an existing `out` (or a `.partial` of a backup still running or crashed) is
/// refused, never overwritten. PostgreSQL is backed up with `pg_dump -Fc`, not here.
pub fn backup_sqlite(db: &Database, out: &Path) -> StoreResult<Backup> {
    if db.backend() != crate::Backend::Sqlite {
        return Err(StoreError::Invalid(
            "koers backup copies SQLite databases only; back up PostgreSQL with pg_dump -Fc (see the operations guide)"
                .into(),
        ));
    }
    if out.exists() {
        return Err(StoreError::Invalid(format!("{} exists already; choose a new file name", out.display())));
    }
    let partial = partial_path(out);
    if partial.exists() {
        return Err(StoreError::Invalid(format!(
            "{} exists: another backup is running, or one was interrupted (then remove that file)",
            partial.display()
        )));
    }
    let target = partial
        .to_str()
        .ok_or_else(|| StoreError::Invalid(format!("{} is not a UTF-8 path", partial.display())))?
        .to_string();
    let written = db.read(|conn| -> StoreResult<()> {
        match conn {
            DbConnection::Sqlite(c) => {
                diesel::sql_query("VACUUM INTO ?").bind::<Text, _>(&target).execute(c)?;
                Ok(())
            }
            DbConnection::Postgres(_) => Err(StoreError::Invalid("not a SQLite database".into())),
        }
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    let io = |what: &str, e: std::io::Error| StoreError::Invalid(format!("{what}: {e}"));
    std::fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(|e| io("cannot flush the backup", e))?;
    // A hard link never replaces a file that appeared meanwhile, unlike a rename.
    match std::fs::hard_link(&partial, out) {
        Ok(()) => std::fs::remove_file(&partial).map_err(|e| io("cannot remove the partial backup", e))?,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let _ = std::fs::remove_file(&partial);
            return Err(StoreError::Invalid(format!(
                "{} appeared while the backup ran; nothing replaced",
                out.display()
            )));
        }
        Err(_) => std::fs::rename(&partial, out).map_err(|e| io("cannot name the backup", e))?,
    }
    let bytes = std::fs::metadata(out).map_err(|e| io("cannot read the backup", e))?.len();
    Ok(Backup { path: out.to_path_buf(), bytes })
}
