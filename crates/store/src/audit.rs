//! The audit log: who did what to which data, for every export, view of identifying data and
//! change by staff. Details never hold phone numbers or answers.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::audit_log;
use crate::studies::to_db;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    /// `cli`, `staff:ID`, `system` ...
    pub actor: &'a str,
    pub actor_staff_id: Option<i64>,
    pub action: &'a str,
    pub study_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub target_kind: Option<&'a str>,
    pub target_id: Option<i64>,
    pub details: serde_json::Value,
}

pub fn record(conn: &mut DbConnection, at: DateTime<Utc>, e: &Entry<'_>) -> StoreResult<()> {
    let details = if e.details.is_null() { "{}".to_string() } else { e.details.to_string() };
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(to_db(at)),
            audit_log::actor.eq(e.actor),
            audit_log::actor_staff_id.eq(e.actor_staff_id),
            audit_log::action.eq(e.action),
            audit_log::study_id.eq(e.study_id),
            audit_log::organisation_id.eq(e.organisation_id),
            audit_log::target_kind.eq(e.target_kind),
            audit_log::target_id.eq(e.target_id),
            audit_log::details.eq(details),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable)]
pub struct AuditRow {
    pub id: i64,
    pub at: chrono::NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub details: String,
}

/// The newest entries first.
pub fn recent(conn: &mut DbConnection, limit: i64) -> StoreResult<Vec<AuditRow>> {
    Ok(audit_log::table
        .order(audit_log::id.desc())
        .limit(limit)
        .select((audit_log::id, audit_log::at, audit_log::actor, audit_log::action, audit_log::details))
        .load(conn)?)
}
