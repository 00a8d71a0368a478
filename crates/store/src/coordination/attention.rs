//! Who needs a coordinator's attention: failing phone numbers and people who stopped answering.

use super::{full_name, CoordinationResult};
use crate::db::DbConnection;
use crate::schema::{people, person_identities, responses, subscriptions, teams};
use crate::staff::Scope;
use crate::studies::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use koers_core::people::Role;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailingPhone {
    pub id: i64,
    /// The study the person takes part in: its zone is the one their times read in.
    pub study_id: i64,
    pub name: String,
    pub role: Role,
    pub team_name: String,
    pub since: Option<DateTime<Utc>>,
    pub why: Option<String>,
}

/// People still taking part whose phone number fails, longest failing first.
pub fn failing_phones(conn: &mut DbConnection, scope: &Scope) -> CoordinationResult<Vec<FailingPhone>> {
    type Raw = (i64, i64, String, Option<NaiveDateTime>, Option<String>, Option<String>, Option<String>, String);
    let rows: Vec<Raw> = people::table
        .inner_join(person_identities::table)
        .inner_join(teams::table)
        .filter(people::team_id.eq_any(scope.team_ids()))
        .filter(people::phone_status.eq("failing"))
        .filter(people::ended_at.is_null())
        .order((people::phone_failing_since.asc(), people::id.asc()))
        .select((
            people::id,
            people::study_id,
            people::role,
            people::phone_failing_since,
            people::phone_failure,
            person_identities::first_name,
            person_identities::last_name,
            teams::name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, study_id, role, since, why, first, last, team_name)| {
            Some(FailingPhone {
                id,
                study_id,
                name: full_name(first.as_deref(), last.as_deref()),
                role: Role::parse(&role)?,
                team_name,
                since: since.map(from_db),
                why,
            })
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Silent {
    pub id: i64,
    /// The study the person takes part in.
    pub study_id: i64,
    pub name: String,
    pub role: Role,
    pub team_name: String,
    /// When they last completed a questionnaire, if ever.
    pub last_completed_at: Option<DateTime<Utc>>,
}

/// People still taking part who completed nothing in their last `windows` closed windows (a
/// mentor's window counts as answered when they answered it for any of their students).
/// `real_now` is real time; each person's windows count as closed by their study's clock.
pub fn silent_people(
    conn: &mut DbConnection,
    scope: &Scope,
    windows: usize,
    real_now: DateTime<Utc>,
) -> CoordinationResult<Vec<Silent>> {
    let windows = windows.clamp(1, 52);
    let mut now_of: HashMap<i64, NaiveDateTime> = HashMap::new();
    for study in scope.study_ids() {
        now_of.insert(study, to_db(crate::study_clock::of_study(conn, study)?.at(real_now)));
    }
    type Raw = (i64, i64, NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>);
    let all: Vec<Raw> = responses::table
        .inner_join(subscriptions::table.inner_join(people::table))
        .filter(people::team_id.eq_any(scope.team_ids()))
        .filter(people::ended_at.is_null())
        .select((people::id, people::study_id, responses::open_at, responses::close_at, responses::completed_at))
        .load(conn)?;
    let rows = all
        .into_iter()
        .filter(|(_, study, _, close_at, _)| now_of.get(study).is_some_and(|now| close_at <= now))
        .map(|(person, _, open_at, _, completed_at)| (person, open_at, completed_at));
    // Person -> window start -> answered.
    let mut by_person: HashMap<i64, BTreeMap<NaiveDateTime, bool>> = HashMap::new();
    let mut last_done: HashMap<i64, NaiveDateTime> = HashMap::new();
    for (person, open_at, completed_at) in rows {
        let w = by_person.entry(person).or_default().entry(open_at).or_insert(false);
        *w |= completed_at.is_some();
        if let Some(c) = completed_at {
            let e = last_done.entry(person).or_insert(c);
            *e = (*e).max(c);
        }
    }
    let mut silent_ids: Vec<i64> = by_person
        .into_iter()
        .filter(|(_, w)| w.len() >= windows && w.values().rev().take(windows).all(|done| !done))
        .map(|(id, _)| id)
        .collect();
    silent_ids.sort_unstable();
    if silent_ids.is_empty() {
        return Ok(Vec::new());
    }
    type Named = (i64, i64, String, Option<String>, Option<String>, String);
    let rows: Vec<Named> = people::table
        .inner_join(person_identities::table)
        .inner_join(teams::table)
        .filter(people::id.eq_any(&silent_ids))
        .order((person_identities::first_name.asc(), people::id.asc()))
        .select((
            people::id,
            people::study_id,
            people::role,
            person_identities::first_name,
            person_identities::last_name,
            teams::name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, study_id, role, first, last, team_name)| {
            Some(Silent {
                id,
                study_id,
                name: full_name(first.as_deref(), last.as_deref()),
                role: Role::parse(&role)?,
                team_name,
                last_completed_at: last_done.get(&id).copied().map(from_db),
            })
        })
        .collect())
}

/// A student in scope a coordinator may see early warnings about: their study sends warnings to
/// coordinators too, and they agreed to warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarnedStudent {
    pub id: i64,
    pub study_id: i64,
    pub name: String,
    pub team_name: String,
}

/// The students in scope whose warnings a coordinator may see (the study's `warnings` and
/// `warn_coordinator` on, the student's consent to warnings given and not withdrawn).
pub fn warnable_students(conn: &mut DbConnection, scope: &Scope) -> CoordinationResult<Vec<WarnedStudent>> {
    use crate::participation::{active_consents, CONSENT_FEEDBACK_WARNINGS, CONSENT_PARTICIPANT};
    let mut studies = Vec::new();
    for study in scope.study_ids() {
        let f = crate::studies::settings_of(conn, study)?.feedback;
        if f.warnings && f.warn_coordinator {
            studies.push(study);
        }
    }
    if studies.is_empty() {
        return Ok(Vec::new());
    }
    type Row = (i64, i64, Option<String>, Option<String>, String);
    let rows: Vec<Row> = people::table
        .inner_join(person_identities::table)
        .inner_join(teams::table)
        .filter(people::team_id.eq_any(scope.team_ids()))
        .filter(people::study_id.eq_any(&studies))
        .filter(people::role.eq(Role::Student.as_str()))
        .filter(people::ended_at.is_null())
        .order((person_identities::first_name.asc(), people::id.asc()))
        .select((
            people::id,
            people::study_id,
            person_identities::first_name,
            person_identities::last_name,
            teams::name,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (id, study_id, first, last, team_name) in rows {
        let given = active_consents(conn, id)?;
        if [CONSENT_PARTICIPANT, CONSENT_FEEDBACK_WARNINGS].iter().all(|k| given.iter().any(|g| g == k)) {
            out.push(WarnedStudent { id, study_id, name: full_name(first.as_deref(), last.as_deref()), team_name });
        }
    }
    Ok(out)
}
