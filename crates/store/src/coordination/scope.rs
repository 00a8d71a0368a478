//! Whom a coordinator may see: the check every function here starts with.

use super::{CoordinationError, CoordinationResult};
use crate::db::DbConnection;
use crate::schema::{people, studies};
use crate::staff::Scope;
use chrono::NaiveDateTime;
use chrono_tz::Tz;
use diesel::prelude::*;
use koers_core::people::Role;

/// The little every check needs about a person the caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Visible {
    pub id: i64,
    pub study_id: i64,
    pub organisation_id: i64,
    pub team_id: i64,
    pub role: Role,
    pub ended: bool,
}

pub(super) fn visible(conn: &mut DbConnection, scope: &Scope, id: i64) -> CoordinationResult<Visible> {
    let row: Option<(i64, i64, String, Option<NaiveDateTime>)> = people::table
        .find(id)
        .select((people::study_id, people::team_id, people::role, people::ended_at))
        .first(conn)
        .optional()?;
    let Some((study_id, team_id, role, ended_at)) = row else { return Err(CoordinationError::NotFound) };
    let Some(&crate::staff::TeamPlace { organisation_id, study_id: scope_study }) = scope.teams.get(&team_id) else {
        return Err(CoordinationError::NotFound);
    };
    let Some(role) = Role::parse(&role) else { return Err(CoordinationError::NotFound) };
    if scope_study != study_id {
        return Err(CoordinationError::NotFound);
    }
    Ok(Visible { id, study_id, organisation_id, team_id, role, ended: ended_at.is_some() })
}

pub(super) fn study_zone(conn: &mut DbConnection, study_id: i64) -> CoordinationResult<Tz> {
    let zone: String = studies::table.find(study_id).select(studies::time_zone).first(conn)?;
    Ok(crate::studies::stored_zone(&zone)?)
}
