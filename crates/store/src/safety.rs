//! The safety path's storage: a study's safety settings, and answers whose free text held one of
//! the study's alarm words, recorded in the audit log (who, which response, when; never the
//! text or the word) and listed for the coordinators of the person's team.

use crate::audit::{self, Entry};
use crate::coordination::full_name;
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{audit_log, people, person_identities, teams};
use crate::staff::Scope;
use crate::studies::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

/// The audit action of an answer that held an alarm word.
pub const ALARM: &str = "safety.alarm";

/// Records that a response's free text held an alarm word, for the coordinators to see.
pub fn record_alarm(conn: &mut DbConnection, person_id: i64, response_id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    let (study_id, organisation_id): (i64, i64) = people::table
        .inner_join(teams::table)
        .filter(people::id.eq(person_id))
        .select((people::study_id, teams::organisation_id))
        .first(conn)?;
    audit::record(
        conn,
        now,
        &Entry {
            actor: "system",
            action: ALARM,
            study_id: Some(study_id),
            organisation_id: Some(organisation_id),
            target_kind: Some("person"),
            target_id: Some(person_id),
            details: serde_json::json!({ "response": response_id, "notify_role": "coordinator" }),
            ..Default::default()
        },
    )
}

/// An answer to look at, as a coordinator's attention page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    pub person_id: i64,
    /// The study the person takes part in.
    pub study_id: i64,
    pub name: String,
    pub team_name: String,
    pub at: DateTime<Utc>,
}

/// Alarms since `since` about people in the teams of `scope`, newest first.
pub fn alarms_in_scope(conn: &mut DbConnection, scope: &Scope, since: DateTime<Utc>) -> StoreResult<Vec<Alarm>> {
    type Raw = (i64, i64, NaiveDateTime, Option<String>, Option<String>, String);
    let rows: Vec<Raw> = audit_log::table
        .inner_join(people::table.on(audit_log::target_id.eq(people::id.nullable())))
        .inner_join(person_identities::table.on(person_identities::person_id.eq(people::id)))
        .inner_join(teams::table.on(teams::id.eq(people::team_id)))
        .filter(audit_log::action.eq(ALARM))
        .filter(audit_log::at.ge(to_db(since)))
        .filter(people::team_id.eq_any(scope.team_ids()))
        .order(audit_log::id.desc())
        .limit(200)
        .select((
            people::id,
            people::study_id,
            audit_log::at,
            person_identities::first_name,
            person_identities::last_name,
            teams::name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(person_id, study_id, at, first, last, team_name)| Alarm {
            person_id,
            study_id,
            name: full_name(first.as_deref(), last.as_deref()),
            team_name,
            at: from_db(at),
        })
        .collect())
}

/// After a response is stored: if its free text holds one of the study's alarm words, records
/// an alarm for the coordinators. Returns whether it did. A study without alarm words costs one
/// read of its settings; the answers are read only in a study that watches them.
pub fn check_response(
    conn: &mut DbConnection,
    study_id: i64,
    person_id: i64,
    response_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let safety = crate::studies::settings_of(conn, study_id)?.safety;
    if !safety.watches() {
        return Ok(false);
    }
    let answers = crate::answers::stored_answers(conn, response_id)?;
    let texts = answers.iter().filter(|a| a.kind == "text").filter_map(|a| a.text.as_deref());
    if !safety.alarms(texts) {
        return Ok(false);
    }
    record_alarm(conn, person_id, response_id, now)?;
    Ok(true)
}
