//! Recording that a person withdraws their consent.

use super::scope::visible;
use super::{CoordinationError, CoordinationResult};
use crate::db::DbConnection;
use crate::error::StoreError;
use crate::lifecycle::{self, OnWithdrawal, Withdrawal};
use crate::staff::Scope;
use chrono::{DateTime, Utc};

/// A person withdraws their consent, recorded by a coordinator who may see them: everything
/// [`lifecycle::withdraw`] does, at once, audited with the coordinator as actor. Students and
/// mentors alike may withdraw; doing it again is harmless (`Delete` after `Keep` deletes).
pub fn withdraw(
    conn: &mut DbConnection,
    scope: &Scope,
    id: i64,
    data: OnWithdrawal,
    real_now: DateTime<Utc>,
) -> CoordinationResult<Withdrawal> {
    let v = visible(conn, scope, id)?;
    let at = crate::study_clock::of_study(conn, v.study_id)?.moment(real_now);
    let actor = scope.actor();
    let who = lifecycle::Actor { name: &actor, staff_id: Some(scope.staff_id) };
    lifecycle::withdraw(conn, v.study_id, id, data, who, at).map_err(|e| match e {
        StoreError::NotFound(_) => CoordinationError::NotFound,
        e => e.into(),
    })
}
