//! Changing a person's phone number.

use super::scope::visible;
use super::{audit_change, problem, CoordinationResult};
use crate::db::DbConnection;
use crate::schema::{people, person_identities};
use crate::staff::Scope;
use crate::studies::to_db;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use koers_core::phone::{masked, normalise_mobile};

/// Gives a person a new phone number (normalised like the import does); a number that was failing
/// counts as working again.
pub fn change_phone(
    conn: &mut DbConnection,
    scope: &Scope,
    id: i64,
    input: &str,
    real_now: DateTime<Utc>,
) -> CoordinationResult<()> {
    let v = visible(conn, scope, id)?;
    let now = crate::study_clock::of_study(conn, v.study_id)?.at(real_now);
    let phone = normalise_mobile(input).map_err(|e| problem("mobile_phone", e.to_string()))?;
    super::number_in_use::check_allowance(conn, scope, now)?;
    if let Some((p, refusal)) = super::number_in_use::taken(conn, scope, v.study_id, &phone, Some(id))? {
        return Err(super::number_in_use::refused(vec![p], refusal));
    }
    let old: Option<String> = person_identities::table.find(id).select(person_identities::mobile_phone).first(conn)?;
    let now_db = to_db(now);
    diesel::update(person_identities::table.find(id))
        .set((person_identities::mobile_phone.eq(&phone), person_identities::updated_at.eq(now_db)))
        .execute(conn)?;
    diesel::update(people::table.find(id))
        .set((
            people::phone_status.eq("ok"),
            people::phone_failing_since.eq(None::<NaiveDateTime>),
            people::phone_failure.eq(None::<String>),
            people::updated_at.eq(now_db),
        ))
        .execute(conn)?;
    audit_change(
        conn,
        scope,
        "person.phone",
        &v,
        serde_json::json!({"old": old.as_deref().map(masked), "new": masked(&phone)}),
        now,
    )?;
    Ok(())
}
