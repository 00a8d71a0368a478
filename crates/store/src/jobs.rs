//! Runs of the scheduler's periodic jobs in `job_runs`: one row per job, claimed with a
//! conditional update, so that of several instances only one does a daily job, and its outcome
//! is recorded where the dashboard's "failing jobs" banner reads it.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::job_runs;
use crate::studies::to_db;
use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;

/// A daily job claimed but not finished (a crash) or failed is tried again after this long.
pub const DAILY_RETRY_AFTER: TimeDelta = TimeDelta::hours(1);

/// Whether a daily job is done for the day that began at `day_start`, without writing: the
/// cheap look each tick takes before it tries to claim.
pub fn done_since(conn: &mut DbConnection, job: &str, day_start: DateTime<Utc>) -> StoreResult<bool> {
    let ok: Option<Option<chrono::NaiveDateTime>> =
        job_runs::table.find(job).select(job_runs::last_ok_at).first(conn).optional()?;
    Ok(ok.flatten().is_some_and(|t| t >= to_db(day_start)))
}

/// Claims the run of a daily job for `instance`: true for exactly one caller a day, unless that
/// run failed or never finished, in which case it may be claimed again after
/// [`DAILY_RETRY_AFTER`]. The claim is a conditional update of one row, atomic on both backends
/// (PostgreSQL re-checks the condition on the locked row; SQLite has one writer).
pub fn claim_daily(
    conn: &mut DbConnection,
    job: &str,
    instance: &str,
    day_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let row = job_runs::job.eq(job);
    match conn {
        DbConnection::Postgres(c) => {
            diesel::insert_into(job_runs::table).values(row).on_conflict_do_nothing().execute(c)?;
        }
        DbConnection::Sqlite(c) => {
            diesel::insert_or_ignore_into(job_runs::table).values(row).execute(c)?;
        }
    }
    let (day, retry) = (to_db(day_start), to_db(now - DAILY_RETRY_AFTER));
    let claimed = diesel::update(
        job_runs::table.find(job).filter(job_runs::last_ok_at.is_null().or(job_runs::last_ok_at.lt(day))).filter(
            job_runs::last_started_at
                .is_null()
                .or(job_runs::last_started_at.lt(day))
                .or(job_runs::last_started_at.le(retry)),
        ),
    )
    .set((job_runs::last_started_at.eq(to_db(now)), job_runs::instance.eq(instance)))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Records how a claimed run ended: success clears the last error, a failure keeps its message
/// (no personal data: store and settings errors only) for the dashboard.
pub fn finish(conn: &mut DbConnection, job: &str, error: Option<&str>, now: DateTime<Utc>) -> StoreResult<()> {
    let now_db = to_db(now);
    let q = diesel::update(job_runs::table.find(job));
    match error {
        None => q
            .set((
                job_runs::last_finished_at.eq(now_db),
                job_runs::last_ok_at.eq(now_db),
                job_runs::last_error.eq(None::<String>),
            ))
            .execute(conn)?,
        Some(e) => q.set((job_runs::last_finished_at.eq(now_db), job_runs::last_error.eq(e))).execute(conn)?,
    };
    Ok(())
}
