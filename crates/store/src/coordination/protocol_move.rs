//! A coordinator moves a student (or mentor) to another protocol from a chosen date, e.g. a
//! lighter aftercare protocol after a dropout. The move itself is `crate::protocol_move`.

use super::scope::{study_zone, visible};
use super::{problem, CoordinationResult};
use crate::db::DbConnection;
use crate::protocol_move::{move_to_protocol, MovedBy, ProtocolMove};
use crate::staff::Scope;
use crate::StoreError;
use chrono::{DateTime, Utc};
use koers_core::msg::Msg;
use koers_core::people_import::parse_date;
use koers_core::time::local_date;

/// Moves a person the coordinator may see; problems are told in the form's words.
pub fn move_protocol(
    conn: &mut DbConnection,
    scope: &Scope,
    person_id: i64,
    protocol: &str,
    from: &str,
    real_now: DateTime<Utc>,
) -> CoordinationResult<ProtocolMove> {
    let person = visible(conn, scope, person_id)?;
    if person.ended {
        return Err(problem("protocol", Msg::new("move-person-ended")));
    }
    let Ok(from) = parse_date(from.trim()) else {
        return Err(problem("from", Msg::new("move-choose-date")));
    };
    let now = crate::study_clock::of_study(conn, person.study_id)?.at(real_now);
    if from < local_date(study_zone(conn, person.study_id)?, now) {
        return Err(problem("from", Msg::new("move-date-past")));
    }
    let by = MovedBy { actor: &scope.actor(), staff_id: Some(scope.staff_id) };
    match move_to_protocol(conn, person_id, protocol, from, by, real_now) {
        Err(StoreError::Invalid(_)) => Err(problem("protocol", Msg::new("move-choose-protocol"))),
        other => Ok(other?),
    }
}
