//! Facts about how a study's people went through it, for the rehearsal's checks and for
//! operators asking whether the protocol did what it promises.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{consents, invitations, people, responses, subscriptions};
use crate::studies::from_db;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use koers_core::invitation::{InvitationKind, InvitationStatus};
use koers_core::people::Role;

/// A student and why their participation ended (`None`: it did not end early).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentEnd {
    pub person_id: i64,
    pub end_reason: Option<String>,
}

pub fn student_ends(conn: &mut DbConnection, study_id: i64) -> StoreResult<Vec<StudentEnd>> {
    let rows: Vec<(i64, Option<String>)> = people::table
        .filter(people::study_id.eq(study_id).and(people::role.eq("student")))
        .order(people::id)
        .select((people::id, people::end_reason))
        .load(conn)?;
    Ok(rows.into_iter().map(|(person_id, end_reason)| StudentEnd { person_id, end_reason }).collect())
}

/// The people whose invitation to a measurement (e.g. `closing`) was sent.
pub fn invited_to(conn: &mut DbConnection, study_id: i64, measurement: &str) -> StoreResult<Vec<i64>> {
    Ok(invitations::table
        .inner_join(responses::table.on(responses::id.nullable().eq(invitations::response_id)))
        .inner_join(people::table.on(people::id.eq(invitations::person_id)))
        .filter(people::study_id.eq(study_id).and(responses::measurement_key.eq(measurement)))
        .filter(invitations::kind.eq(InvitationKind::Invite.as_str()))
        .filter(invitations::status.eq_any(InvitationStatus::codes(InvitationStatus::SENT)))
        .select(invitations::person_id)
        .distinct()
        .load(conn)?)
}

/// How many windows of a measurement each person of a role was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowCount {
    pub person_id: i64,
    pub windows: i64,
}

pub fn windows_per_person(
    conn: &mut DbConnection,
    study_id: i64,
    role: Role,
    measurement: &str,
) -> StoreResult<Vec<WindowCount>> {
    let rows: Vec<(i64, i64)> = responses::table
        .inner_join(subscriptions::table.inner_join(people::table))
        .filter(people::study_id.eq(study_id).and(people::role.eq(role.as_str())))
        .filter(responses::measurement_key.eq(measurement))
        .group_by(subscriptions::person_id)
        .select((subscriptions::person_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(person_id, windows)| WindowCount { person_id, windows }).collect())
}

/// A consent as recorded: whose, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentGiven {
    pub person_id: i64,
    pub given_at: DateTime<Utc>,
}

/// When a consent of this kind (e.g. a parent's decline) was recorded, per person.
pub fn consents_given(conn: &mut DbConnection, study_id: i64, kind: &str) -> StoreResult<Vec<ConsentGiven>> {
    let rows: Vec<(i64, chrono::NaiveDateTime)> = consents::table
        .inner_join(people::table)
        .filter(people::study_id.eq(study_id).and(consents::kind.eq(kind)))
        .select((consents::person_id, consents::given_at))
        .load(conn)?;
    Ok(rows.into_iter().map(|(person_id, t)| ConsentGiven { person_id, given_at: from_db(t) }).collect())
}
