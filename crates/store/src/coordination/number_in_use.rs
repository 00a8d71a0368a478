//! What a coordinator is told when a number they type is taken, without telling them about
//! people outside their organisation or team.
//!
//! Numbers are unique within a study, so a number that someone else has cannot be used, and a
//! coordinator must hear that. When that someone is theirs to see, they are told who it is. When
//! not, they get one message that names nobody, no role and no place, the same wherever in the
//! study the number is, and the refusal is written to the audit log (admins see a coordinator
//! trying numbers). After [`MAX_REFUSALS_PER_HOUR`] such refusals an account may try no more
//! numbers for an hour, whatever they are: trying a list of numbers one by one is no way to
//! find out who takes part. What is left is inherent to unique numbers: the coordinator learns
//! that this one number cannot be used.

use super::scope::visible;
use super::{CoordinationError, CoordinationResult, FieldProblem};
use crate::db::DbConnection;
use crate::people as people_q;
use crate::schema::{audit_log, person_identities};
use crate::staff::Scope;
use crate::studies::to_db;
use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use koers_core::msg::Msg;
use koers_core::phone::masked;

/// Refused numbers an account may meet in an hour before it may try no more.
pub const MAX_REFUSALS_PER_HOUR: i64 = 5;
const REFUSED: &str = "person.phone_refused";

/// The one answer for a number held outside the coordinator's scope.
/// The catalogue key of the one answer for a number someone outside the caller's scope has.
pub const NOT_USABLE: &str = "phone-not-usable";

fn refusals_last_hour(conn: &mut DbConnection, scope: &Scope, now: DateTime<Utc>) -> CoordinationResult<i64> {
    Ok(audit_log::table
        .filter(audit_log::actor_staff_id.eq(scope.staff_id))
        .filter(audit_log::action.eq(REFUSED))
        .filter(audit_log::at.gt(to_db(now - TimeDelta::hours(1))))
        .count()
        .get_result(conn)?)
}

/// Refuses every number while the account has met too many taken ones this hour.
pub(super) fn check_allowance(conn: &mut DbConnection, scope: &Scope, now: DateTime<Utc>) -> CoordinationResult<()> {
    if refusals_last_hour(conn, scope, now)? >= MAX_REFUSALS_PER_HOUR {
        return Err(CoordinationError::Problems(vec![FieldProblem {
            field: Some("mobile_phone".into()),
            msg: Msg::new("phone-refused-too-often"),
        }]));
    }
    Ok(())
}

/// A number refused because someone outside the coordinator's scope has it: the refusal is
/// audited by [`record_refusal`] after the change's own transaction was rolled back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub staff_id: i64,
    pub study_id: i64,
    pub person_id: i64,
    /// The number as the audit log shows numbers (masked).
    pub phone_masked: String,
}

/// Writes a refusal to the audit log (it counts towards [`MAX_REFUSALS_PER_HOUR`]).
pub fn record_refusal(conn: &mut DbConnection, r: &Refusal, now: DateTime<Utc>) -> crate::error::StoreResult<()> {
    crate::audit::record(
        conn,
        now,
        &crate::audit::Entry {
            actor: &format!("staff:{}", r.staff_id),
            actor_staff_id: Some(r.staff_id),
            action: REFUSED,
            study_id: Some(r.study_id),
            target_kind: Some("person"),
            target_id: Some(r.person_id),
            details: serde_json::json!({"phone": r.phone_masked}),
            ..Default::default()
        },
    )
}

/// What to tell about `phone` in `study_id` if someone other than `except` has it: who, when
/// the coordinator may see them; [`NOT_USABLE`] with the [`Refusal`] to audit otherwise.
/// `None` when it is free.
pub(super) fn taken(
    conn: &mut DbConnection,
    scope: &Scope,
    study_id: i64,
    phone: &str,
    except: Option<i64>,
) -> CoordinationResult<Option<(FieldProblem, Option<Refusal>)>> {
    let Some(other) = people_q::find_by_phone(conn, study_id, phone)? else { return Ok(None) };
    if Some(other.id) == except {
        return Ok(None);
    }
    let (msg, refusal) = match visible(conn, scope, other.id) {
        Ok(_) => {
            let (first, last): (Option<String>, Option<String>) = person_identities::table
                .find(other.id)
                .select((person_identities::first_name, person_identities::last_name))
                .first(conn)?;
            let who = Msg::new("phone-taken")
                .arg("name", super::full_name(first.as_deref(), last.as_deref()))
                .arg("id", other.id);
            (who, None)
        }
        Err(CoordinationError::NotFound) => {
            let refusal =
                Refusal { staff_id: scope.staff_id, study_id, person_id: other.id, phone_masked: masked(phone) };
            (Msg::new(NOT_USABLE), Some(refusal))
        }
        Err(e) => return Err(e),
    };
    Ok(Some((FieldProblem { field: Some("mobile_phone".into()), msg }, refusal)))
}

/// The error for problems of which one is a refused number (or plain problems without one).
pub(super) fn refused(problems: Vec<FieldProblem>, refusal: Option<Refusal>) -> CoordinationError {
    match refusal {
        Some(refusal) => CoordinationError::NumberRefused { problems, refusal },
        None => CoordinationError::Problems(problems),
    }
}
