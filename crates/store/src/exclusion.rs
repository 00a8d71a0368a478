//! Setting a person aside from the analysis (`excluded` with a reason), as the research team
//! decides: the exports keep their rows and say so in `people`. Audited, in one transaction.

use crate::audit;
use crate::error::StoreResult;
use crate::schema::people;
use crate::studies::to_db;
use crate::{db::write_transaction, DbConnection, StoreError};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// The longest reason kept.
pub const MAX_REASON: usize = 500;

/// Marks a person of a study excluded with a reason (`Some`), or included again (`None`).
pub fn set_excluded(
    conn: &mut DbConnection,
    study_id: i64,
    person_id: i64,
    reason: Option<&str>,
    actor: &str,
    actor_staff_id: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let reason = reason.map(str::trim);
    if let Some(r) = reason {
        if r.is_empty() || r.chars().count() > MAX_REASON || r.chars().any(char::is_control) {
            return Err(StoreError::Invalid(format!("a reason of 1 to {MAX_REASON} characters on one line")));
        }
    }
    write_transaction(conn, |c| {
        let n = diesel::update(people::table.filter(people::id.eq(person_id)).filter(people::study_id.eq(study_id)))
            .set((
                people::excluded.eq(reason.is_some()),
                people::exclusion_reason.eq(reason),
                people::updated_at.eq(to_db(now)),
            ))
            .execute(c)?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("person {person_id} in this study")));
        }
        audit::record(
            c,
            now,
            &audit::Entry {
                actor,
                actor_staff_id,
                action: if reason.is_some() { "exclude" } else { "include" },
                study_id: Some(study_id),
                target_kind: Some("person"),
                target_id: Some(person_id),
                details: serde_json::json!({ "reason": reason }),
                ..Default::default()
            },
        )
    })
}

/// A person set aside from the analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excluded {
    pub person_id: i64,
    pub role: String,
    pub reason: Option<String>,
}

/// The people of a study (of these teams only, when given) who are excluded, oldest id first.
pub fn excluded_in(conn: &mut DbConnection, study_id: i64, teams: Option<&[i64]>) -> StoreResult<Vec<Excluded>> {
    let mut q = people::table
        .filter(people::study_id.eq(study_id).and(people::excluded.eq(true)))
        .select((people::id, people::role, people::exclusion_reason))
        .order(people::id)
        .into_boxed();
    if let Some(t) = teams {
        q = q.filter(people::team_id.eq_any(t.to_vec()));
    }
    let rows: Vec<(i64, String, Option<String>)> = q.load(conn)?;
    Ok(rows.into_iter().map(|(person_id, role, reason)| Excluded { person_id, role, reason }).collect())
}

/// The ids of a study's people (of these teams only, when given): whom an exclusion may name.
pub fn people_in(conn: &mut DbConnection, study_id: i64, teams: Option<&[i64]>) -> StoreResult<Vec<i64>> {
    let mut q = people::table.filter(people::study_id.eq(study_id)).select(people::id).order(people::id).into_boxed();
    if let Some(t) = teams {
        q = q.filter(people::team_id.eq_any(t.to_vec()));
    }
    Ok(q.load(conn)?)
}
