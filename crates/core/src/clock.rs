//! The one place that knows what time it is.
//!
//! Production uses [`SystemClock`]; tests and a study's test mode use [`FixedClock`], which can be
//! moved forward, so that a whole protocol (with its daylight-saving weeks) can be rehearsed in
//! seconds. No other code may read the system clock.
//!
//! There are two time bases. Real time ([`Clock`]) runs staff sessions, API tokens, audit
//! entries, claims and leases. A study's own decisions (windows, links, participant sessions,
//! rewards, dashboards, exports) run on that study's time, [`StudyClock`]: real time for a real
//! study, real time moved by an offset for a study in test mode, so a whole protocol can be
//! lived through in minutes while the rest of the installation keeps real time.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use std::sync::{Arc, Mutex};

/// A source of the current instant, always in UTC.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// Stored instants are truncated to microseconds: that is what PostgreSQL keeps, and SQLite must
/// agree with it so both backends give identical data.
pub fn truncate_to_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        truncate_to_micros(Utc::now())
    }
}

/// A clock that stands still until it is moved; shared between clones.
#[derive(Debug, Clone)]
pub struct FixedClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self { now: Arc::new(Mutex::new(truncate_to_micros(at))) }
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = truncate_to_micros(at);
    }

    pub fn advance(&self, by: TimeDelta) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now = truncate_to_micros(*now + by);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A study's clock: real time moved by the study's offset. Only a test-mode study may have an
/// offset other than zero (the database enforces it as well).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StudyClock {
    pub offset: TimeDelta,
}

impl StudyClock {
    /// A real study's clock: real time itself.
    pub const REAL: StudyClock = StudyClock { offset: TimeDelta::zero() };

    pub fn from_offset_micros(micros: i64) -> Self {
        Self { offset: TimeDelta::microseconds(micros) }
    }

    pub fn offset_micros(&self) -> i64 {
        self.offset.num_microseconds().unwrap_or(0)
    }

    /// The study's now, given the real now.
    pub fn at(&self, real_now: DateTime<Utc>) -> DateTime<Utc> {
        truncate_to_micros(real_now + self.offset)
    }

    /// The study's now, read from the real clock.
    pub fn now(&self, real: &dyn Clock) -> DateTime<Utc> {
        self.at(real.now())
    }

    /// Both times of one moment: what a study records and what the audit log records.
    pub fn moment(&self, real_now: DateTime<Utc>) -> Moment {
        Moment { study: self.at(real_now), real: truncate_to_micros(real_now) }
    }

    /// The real instant at which the study's clock shows `study_time`.
    pub fn real_instant(&self, study_time: DateTime<Utc>) -> DateTime<Utc> {
        study_time - self.offset
    }
}

/// One moment in both time bases: `study` for what happens in the study (ended, answered,
/// enrolled), `real` for the audit log and anything about the installation itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub study: DateTime<Utc>,
    pub real: DateTime<Utc>,
}

impl Moment {
    /// A moment of a study on real time (offset zero).
    pub fn real(at: DateTime<Utc>) -> Self {
        let at = truncate_to_micros(at);
        Moment { study: at, real: at }
    }
}

/// Why a study's clock may not be moved as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockMoveError {
    #[error("study '{0}' is not in test mode: its clock is the real clock and cannot be moved")]
    NotTestMode(String),
    #[error("study '{study}' already holds data up to {now}; its clock cannot go back to {to} (that would reorder what already happened)")]
    Backwards { study: String, now: DateTime<Utc>, to: DateTime<Utc> },
    #[error("a clock moves forward only; '{0}' is not a positive duration")]
    NotForward(String),
}

/// The offset that makes a study's clock show `to` at `real_now`, if moving there is allowed:
/// only in test mode, and never backwards once the study holds data.
pub fn offset_to_show(
    study: &str,
    test_mode: bool,
    current: StudyClock,
    has_data: bool,
    to: DateTime<Utc>,
    real_now: DateTime<Utc>,
) -> Result<StudyClock, ClockMoveError> {
    if !test_mode {
        return Err(ClockMoveError::NotTestMode(study.to_string()));
    }
    let now = current.at(real_now);
    if has_data && to < now {
        return Err(ClockMoveError::Backwards { study: study.to_string(), now, to });
    }
    Ok(StudyClock { offset: truncate_to_micros(to) - real_now })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn fixed_clock_moves_only_when_told_and_clones_share_time() {
        let start = Utc.with_ymd_and_hms(2026, 3, 26, 11, 0, 0).unwrap();
        let clock = FixedClock::new(start);
        let other = clock.clone();
        assert_eq!(clock.now(), start);
        other.advance(TimeDelta::hours(30));
        assert_eq!(clock.now(), start + TimeDelta::hours(30));
    }

    #[test]
    fn a_study_clock_runs_with_real_time_at_its_offset() {
        let real = FixedClock::new(Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap());
        let study = StudyClock { offset: TimeDelta::weeks(3) };
        assert_eq!(study.now(&real), Utc.with_ymd_and_hms(2026, 12, 26, 10, 0, 0).unwrap());
        real.advance(TimeDelta::minutes(5));
        assert_eq!(study.now(&real), Utc.with_ymd_and_hms(2026, 12, 26, 10, 5, 0).unwrap());
        assert_eq!(study.real_instant(study.now(&real)), real.now());
        assert_eq!(StudyClock::REAL.now(&real), real.now());
        assert_eq!(StudyClock::from_offset_micros(study.offset_micros()), study);
    }

    #[test]
    fn only_a_test_study_clock_moves_and_never_back_over_its_data() {
        let real = Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap();
        let later = Utc.with_ymd_and_hms(2027, 3, 4, 11, 0, 0).unwrap();
        let moved = offset_to_show("t", true, StudyClock::REAL, true, later, real).unwrap();
        assert_eq!(moved.at(real), later);
        assert!(matches!(
            offset_to_show("r", false, StudyClock::REAL, false, later, real),
            Err(ClockMoveError::NotTestMode(_))
        ));
        let earlier = real - TimeDelta::days(1);
        assert!(matches!(offset_to_show("t", true, moved, true, earlier, real), Err(ClockMoveError::Backwards { .. })));
        // Before anything happened in the study, it may start anywhere.
        assert_eq!(offset_to_show("t", true, moved, false, earlier, real).unwrap().at(real), earlier);
    }

    #[test]
    fn instants_are_kept_to_the_microsecond() {
        let t = Utc.timestamp_opt(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(truncate_to_micros(t).timestamp_subsec_nanos(), 123_456_000);
    }
}
