//! Applying each study's retention period once a day, so that names and phone numbers never
//! outlive it because nobody ran `koers retention --apply`.
//!
//! A study without the setting is left alone. The run of a study is the job
//! `retention:STUDY_KEY` in `job_runs`, claimed once per day of the study's time zone (of several
//! instances one does it); a failed or interrupted run is tried again an hour later. Erasing
//! is idempotent besides, so a repeated run would find nobody left to erase.

use chrono::{DateTime, Utc};
use koers_core::time::{local_date, start_of_local_day};
use koers_store::lifecycle::{self, Actor};
use koers_store::studies::list_studies;
use koers_store::{jobs, Database, StoreError};

/// What one round of retention did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RetentionReport {
    /// Studies whose retention ran in this round.
    pub studies: usize,
    /// People whose identifiers were erased.
    pub people_erased: usize,
    /// Studies whose run failed (recorded in `job_runs`, tried again later).
    pub failed: usize,
}

/// The job name of a study's retention run, as the dashboard shows failing jobs.
pub fn job_name(study_key: &str) -> String {
    format!("retention:{study_key}")
}

/// One round: every study with a retention period whose run for today is not done yet and can
/// be claimed by `instance`. Errors of one study are recorded for it and do not stop the others;
/// only a database that cannot be read at all is an error. Test-mode studies are left out: their
/// clock runs ahead of real time, and an erasure cannot be undone (`koers study delete` removes
/// a rehearsal whole instead). `now` is real time: the daily job runs on the real calendar.
pub fn apply_due(db: &Database, instance: &str, now: DateTime<Utc>) -> Result<RetentionReport, StoreError> {
    let mut report = RetentionReport::default();
    for study in db.read(list_studies)? {
        if study.test_mode {
            continue;
        }
        // A setting that does not parse is claimed and fails like any other error, so that it
        // shows on the dashboard once a day instead of being skipped silently.
        if matches!(study.settings.retention_days(), Ok(None)) {
            continue;
        }
        let zone = study.zone()?;
        let day_start = start_of_local_day(zone, local_date(zone, now));
        let job = job_name(&study.key);
        if db.read(|c| jobs::done_since(c, &job, day_start))? {
            continue;
        }
        if !db.write(|c| jobs::claim_daily(c, &job, instance, day_start, now))? {
            continue;
        }
        report.studies += 1;
        let outcome = db.write(|c| lifecycle::apply_retention(c, study.id, Actor::SCHEDULER, now));
        let error = outcome.as_ref().err().map(ToString::to_string);
        match outcome {
            Ok(lifecycle::RetentionApplied { erased, .. }) => {
                report.people_erased += erased.people;
                if erased.people > 0 {
                    tracing::info!(study = %study.key, people = erased.people, "retention: identifiers erased");
                }
            }
            Err(e) => {
                report.failed += 1;
                tracing::error!(study = %study.key, error = %e, "retention failed; trying again in an hour");
            }
        }
        db.write(|c| jobs::finish(c, &job, error.as_deref(), now))?;
    }
    Ok(report)
}
