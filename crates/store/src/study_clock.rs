//! A study's clock, kept in the database so that the web server, `koers worker` and the CLI
//! agree on it. It is read afresh for every request and tick (never cached longer) and moved
//! by one atomic update.

use crate::db::{write_transaction, DbConnection};
use crate::error::{StoreError, StoreResult};
use crate::schema::{people, responses, studies, subscriptions};
use crate::studies::Study;
use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use koers_core::clock::{offset_to_show, ClockMoveError, StudyClock};

/// The clock of a study.
pub fn of_study(conn: &mut DbConnection, study_id: i64) -> StoreResult<StudyClock> {
    let micros: i64 = studies::table.find(study_id).select(studies::clock_offset_micros).first(conn)?;
    Ok(StudyClock::from_offset_micros(micros))
}

/// Whether anything has happened in the study yet (a window planned for anyone): from then on
/// its clock may only move forward.
fn has_data(conn: &mut DbConnection, study_id: i64) -> StoreResult<bool> {
    let n: i64 = responses::table
        .inner_join(subscriptions::table.inner_join(people::table))
        .filter(people::study_id.eq(study_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

fn refused(e: ClockMoveError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

/// Makes a test-mode study's clock show `to` now; returns the new clock.
pub fn set(
    conn: &mut DbConnection,
    study: &Study,
    to: DateTime<Utc>,
    real_now: DateTime<Utc>,
) -> StoreResult<StudyClock> {
    write_transaction(conn, |conn| {
        let current = of_study(conn, study.id)?;
        let data = has_data(conn, study.id)?;
        let moved = offset_to_show(&study.key, study.test_mode, current, data, to, real_now).map_err(refused)?;
        let n = diesel::update(studies::table.filter(studies::id.eq(study.id).and(studies::test_mode.eq(true))))
            .set(studies::clock_offset_micros.eq(moved.offset_micros()))
            .execute(conn)?;
        if n == 0 {
            return Err(refused(ClockMoveError::NotTestMode(study.key.clone())));
        }
        Ok(moved)
    })
}

/// Moves a test-mode study's clock forward by `by`, in one update (two instances advancing at
/// once both count); returns the new clock.
pub fn advance(conn: &mut DbConnection, study: &Study, by: TimeDelta) -> StoreResult<StudyClock> {
    if by <= TimeDelta::zero() {
        return Err(refused(ClockMoveError::NotForward(format!("{}s", by.num_seconds()))));
    }
    let micros = by.num_microseconds().ok_or_else(|| StoreError::Invalid("that duration is too long".into()))?;
    let n = diesel::update(studies::table.filter(studies::id.eq(study.id).and(studies::test_mode.eq(true))))
        .set(studies::clock_offset_micros.eq(studies::clock_offset_micros + micros))
        .execute(conn)?;
    if n == 0 {
        return Err(refused(ClockMoveError::NotTestMode(study.key.clone())));
    }
    of_study(conn, study.id)
}
