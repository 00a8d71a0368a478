//! The daily clean-up ([`koers_store::cleanup`]): once a day (a UTC day, on real time) one
//! instance deletes ended sessions, old expired links and
//! the drafts of closed windows. Claimed in `job_runs` as `cleanup`,
//! so of several instances one does it, and a failure shows on the dashboard's banner and is
//! tried again an hour later.

use chrono::{DateTime, Utc};
use koers_store::cleanup::{self, Cleaned};
use koers_store::{jobs, Database, StoreError};

pub const JOB: &str = "cleanup";

/// Runs the clean-up if today's has not run yet and this instance claims it; what it deleted,
/// or `None` when it was not this instance's turn.
pub fn apply_due(db: &Database, instance: &str, now: DateTime<Utc>) -> Result<Option<Cleaned>, StoreError> {
    let day_start = now.date_naive().and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    if db.read(|c| jobs::done_since(c, JOB, day_start))? {
        return Ok(None);
    }
    if !db.write(|c| jobs::claim_daily(c, JOB, instance, day_start, now))? {
        return Ok(None);
    }
    let outcome = cleanup::clean(db, now);
    let error = outcome.as_ref().err().map(ToString::to_string);
    match &outcome {
        Ok(done) => tracing::info!(
            sessions = done.sessions,
            links = done.links,
            drafts = done.drafts,
            "clean-up: ended sessions, old links and closed windows' drafts deleted"
        ),
        Err(e) => tracing::error!(error = %e, "clean-up failed; trying again in an hour"),
    }
    db.write(|c| jobs::finish(c, JOB, error.as_deref(), now))?;
    outcome.map(Some)
}
