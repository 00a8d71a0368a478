//! One person as a coordinator sees them: details, pairs and subscriptions.

use super::scope::{study_zone, visible, Visible};
use super::{audit_change, full_name, CoordinationResult};
use crate::db::DbConnection;
use crate::schema::{organisations, pairs, people, person_identities, protocols, subscriptions, teams};
use crate::staff::Scope;
use crate::studies::from_db;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use koers_core::people::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairInfo {
    pub id: i64,
    pub other_id: i64,
    /// `None` when the other person is outside the caller's scope.
    pub other_name: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionInfo {
    pub id: i64,
    pub protocol: String,
    pub filling_out_for: Option<String>,
    pub state: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDetail {
    pub id: i64,
    pub study_id: i64,
    /// The study's zone, for showing instants as local time.
    pub time_zone: chrono_tz::Tz,
    pub role: Role,
    pub role_title: Option<String>,
    pub gender: Option<String>,
    pub locale: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub name: String,
    pub mobile_phone: Option<String>,
    pub email: Option<String>,
    pub team_id: i64,
    pub team_name: String,
    pub organisation_name: String,
    pub phone_failing: bool,
    pub phone_failing_since: Option<DateTime<Utc>>,
    pub phone_failure: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
    pub dropout_type: Option<String>,
    pub dropout_date: Option<NaiveDate>,
    /// For a student: their mentors now; for a mentor: their students now.
    pub current: Vec<PairInfo>,
    /// Every pair, newest first, open ones included.
    pub history: Vec<PairInfo>,
    pub subscriptions: Vec<SubscriptionInfo>,
}

type DetailRaw = (
    (i64, i64, String, Option<String>, Option<String>, String, String),
    (Option<NaiveDateTime>, Option<String>, Option<NaiveDateTime>, Option<String>, Option<String>, Option<NaiveDate>),
    (Option<String>, Option<String>, Option<String>, Option<String>),
    (String, String),
);

/// A person's details as a coordinator sees them. Reading identifying data is audited.
pub fn person_detail(
    conn: &mut DbConnection,
    scope: &Scope,
    id: i64,
    real_now: DateTime<Utc>,
) -> CoordinationResult<PersonDetail> {
    let v = visible(conn, scope, id)?;
    let now = crate::study_clock::of_study(conn, v.study_id)?.at(real_now);
    let raw: DetailRaw = people::table
        .inner_join(person_identities::table)
        .inner_join(teams::table.inner_join(organisations::table))
        .filter(people::id.eq(id))
        .select((
            (
                people::id,
                people::team_id,
                people::role,
                people::role_title,
                people::gender,
                people::locale,
                people::phone_status,
            ),
            (
                people::phone_failing_since,
                people::phone_failure,
                people::ended_at,
                people::end_reason,
                people::dropout_type,
                people::dropout_date,
            ),
            (
                person_identities::first_name,
                person_identities::last_name,
                person_identities::mobile_phone,
                person_identities::email,
            ),
            (teams::name, organisations::name),
        ))
        .first(conn)?;
    let ((_, team_id, _, role_title, gender, locale, phone_status), research, identity, (team_name, organisation_name)) =
        raw;
    let (failing_since, failure, ended_at, end_reason, dropout_type, dropout_date) = research;
    let (first_name, last_name, mobile_phone, email) = identity;

    let history = pairs_of(conn, scope, v)?;
    let current = history.iter().filter(|p| p.ends_on.is_none()).cloned().collect();
    let subscriptions = subscriptions_of(conn, scope, id)?;
    audit_change(conn, scope, "person.view", &v, serde_json::json!({}), now)?;
    let time_zone = study_zone(conn, v.study_id)?;
    Ok(PersonDetail {
        id,
        study_id: v.study_id,
        time_zone,
        role: v.role,
        role_title,
        gender,
        locale,
        name: full_name(first_name.as_deref(), last_name.as_deref()),
        first_name,
        last_name,
        mobile_phone,
        email,
        team_id,
        team_name,
        organisation_name,
        phone_failing: phone_status == "failing",
        phone_failing_since: failing_since.map(from_db),
        phone_failure: failure,
        ended_at: ended_at.map(from_db),
        end_reason,
        dropout_type,
        dropout_date,
        current,
        history,
        subscriptions,
    })
}

/// The name of someone the caller may see; `None` for anyone else.
fn name_in_scope(conn: &mut DbConnection, scope: &Scope, id: i64) -> CoordinationResult<Option<String>> {
    let row: Option<(i64, Option<String>, Option<String>)> = people::table
        .inner_join(person_identities::table)
        .filter(people::id.eq(id))
        .select((people::team_id, person_identities::first_name, person_identities::last_name))
        .first(conn)
        .optional()?;
    Ok(row.filter(|(team, _, _)| scope.has_team(*team)).map(|(_, f, l)| full_name(f.as_deref(), l.as_deref())))
}

fn pairs_of(conn: &mut DbConnection, scope: &Scope, v: Visible) -> CoordinationResult<Vec<PairInfo>> {
    let mut q = pairs::table.into_boxed();
    q = match v.role {
        Role::Student => q.filter(pairs::student_id.eq(v.id)),
        Role::Mentor => q.filter(pairs::mentor_id.eq(v.id)),
    };
    type Raw = (i64, i64, i64, NaiveDate, Option<NaiveDate>, Option<String>);
    let rows: Vec<Raw> = q
        .order((pairs::starts_on.desc(), pairs::id.desc()))
        .select((pairs::id, pairs::student_id, pairs::mentor_id, pairs::starts_on, pairs::ends_on, pairs::end_reason))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, student, mentor, starts_on, ends_on, end_reason) in rows {
        let other_id = if v.role == Role::Student { mentor } else { student };
        let other_name = name_in_scope(conn, scope, other_id)?;
        out.push(PairInfo { id, other_id, other_name, starts_on, ends_on, end_reason });
    }
    Ok(out)
}

fn subscriptions_of(conn: &mut DbConnection, scope: &Scope, id: i64) -> CoordinationResult<Vec<SubscriptionInfo>> {
    type Raw = (i64, String, Option<i64>, String, NaiveDateTime, Option<NaiveDateTime>, Option<String>);
    let rows: Vec<Raw> = subscriptions::table
        .inner_join(protocols::table)
        .filter(subscriptions::person_id.eq(id))
        .order(subscriptions::id.desc())
        .select((
            subscriptions::id,
            protocols::name,
            subscriptions::filling_out_for_id,
            subscriptions::state,
            subscriptions::starts_at,
            subscriptions::ends_at,
            subscriptions::end_reason,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, protocol, fof, state, starts_at, ends_at, end_reason) in rows {
        let filling_out_for = match fof {
            Some(p) => Some(name_in_scope(conn, scope, p)?.unwrap_or_else(|| "iemand buiten je team".into())),
            None => None,
        };
        out.push(SubscriptionInfo {
            id,
            protocol,
            filling_out_for,
            state,
            starts_at: from_db(starts_at),
            ends_at: ends_at.map(from_db),
            end_reason,
        });
    }
    Ok(out)
}
