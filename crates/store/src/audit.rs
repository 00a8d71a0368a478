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

/// What the audit page asks for: one page, newest first, optionally one action only and only
/// the entries of some studies (an admin of a study sees that study's entries).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub action: Option<String>,
    /// `None`: every entry, also those of no study (an admin of the installation).
    pub study_ids: Option<Vec<i64>>,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

/// One entry as the audit page shows it, with the names of the staff member and the study.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub actor_name: Option<String>,
    pub action: String,
    /// The study the entry is about, if any: its zone is the one the entry's time reads in.
    pub study_id: Option<i64>,
    pub study_key: Option<String>,
    pub organisation_id: Option<i64>,
    pub target_kind: Option<String>,
    pub target_id: Option<i64>,
    pub details: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// The most entries one page shows.
pub const MAX_PER_PAGE: i64 = 200;

type Backend = <DbConnection as diesel::Connection>::Backend;

fn filtered<'a>(q: &AuditQuery) -> audit_log::BoxedQuery<'a, Backend> {
    let mut b = audit_log::table.into_boxed();
    if let Some(a) = &q.action {
        b = b.filter(audit_log::action.eq(a.clone()));
    }
    if let Some(ids) = &q.study_ids {
        b = b.filter(audit_log::study_id.eq_any(ids.clone()));
    }
    b
}

/// One page of entries, newest first; a page past the end gives the last page.
pub fn page(conn: &mut DbConnection, q: &AuditQuery) -> StoreResult<AuditPage> {
    use crate::schema::{staff_accounts, studies};
    let per_page = q.per_page.clamp(1, MAX_PER_PAGE);
    let total: i64 = filtered(q).count().get_result(conn)?;
    let pages = ((total + per_page - 1) / per_page).max(1);
    let page = q.page.clamp(1, pages);
    let ids: Vec<i64> = filtered(q)
        .order(audit_log::id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(audit_log::id)
        .load(conn)?;
    type Raw = (
        i64,
        chrono::NaiveDateTime,
        String,
        Option<String>,
        String,
        Option<i64>,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<i64>,
        String,
    );
    let rows: Vec<Raw> = audit_log::table
        .left_join(staff_accounts::table)
        .left_join(studies::table)
        .filter(audit_log::id.eq_any(&ids))
        .order(audit_log::id.desc())
        .select((
            audit_log::id,
            audit_log::at,
            audit_log::actor,
            staff_accounts::display_name.nullable(),
            audit_log::action,
            audit_log::study_id,
            studies::key.nullable(),
            audit_log::organisation_id,
            audit_log::target_kind,
            audit_log::target_id,
            audit_log::details,
        ))
        .load(conn)?;
    let entries = rows
        .into_iter()
        .map(
            |(
                id,
                at,
                actor,
                actor_name,
                action,
                study_id,
                study_key,
                organisation_id,
                target_kind,
                target_id,
                details,
            )| {
                AuditEntry {
                    id,
                    at: crate::studies::from_db(at),
                    actor,
                    actor_name,
                    action,
                    study_id,
                    study_key,
                    organisation_id,
                    target_kind,
                    target_id,
                    details,
                }
            },
        )
        .collect();
    Ok(AuditPage { entries, total, page, pages })
}

/// An action in the log and how often it occurs.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ActionCount {
    pub action: String,
    pub count: i64,
}

/// The actions in the log with how often each occurs, for the page's filter.
pub fn actions(conn: &mut DbConnection, study_ids: Option<&[i64]>) -> StoreResult<Vec<ActionCount>> {
    let mut q = audit_log::table
        .group_by(audit_log::action)
        .select((audit_log::action, diesel::dsl::count_star()))
        .order(audit_log::action)
        .into_boxed();
    if let Some(ids) = study_ids {
        q = q.filter(audit_log::study_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(conn)?)
}
