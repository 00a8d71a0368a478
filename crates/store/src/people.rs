//! People, their identifying details (kept apart), pairs and protocol subscriptions.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{pairs, people, person_identities, protocols, subscriptions};
use crate::studies::to_db;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use koers_core::people::{Gender, Locale, Role, SubscriptionState};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct NewPerson<'a> {
    pub study_id: i64,
    pub team_id: i64,
    pub role: Role,
    pub role_title: Option<&'a str>,
    pub gender: Option<Gender>,
    pub locale: Locale,
    pub first_name: &'a str,
    pub last_name: Option<&'a str>,
    pub mobile_phone: &'a str,
    pub email: Option<&'a str>,
}

/// Writes the research row and the identity row of a new person.
pub fn insert_person(conn: &mut DbConnection, p: &NewPerson<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    let now = to_db(now);
    let id = diesel::insert_into(people::table)
        .values((
            people::study_id.eq(p.study_id),
            people::team_id.eq(p.team_id),
            people::role.eq(p.role.as_str()),
            people::role_title.eq(p.role_title),
            people::gender.eq(p.gender.map(Gender::as_str)),
            people::locale.eq(p.locale.as_str()),
            people::created_at.eq(now),
            people::updated_at.eq(now),
        ))
        .returning(people::id)
        .get_result::<i64>(conn)?;
    diesel::insert_into(person_identities::table)
        .values((
            person_identities::person_id.eq(id),
            person_identities::study_id.eq(p.study_id),
            person_identities::first_name.eq(p.first_name),
            person_identities::last_name.eq(p.last_name),
            person_identities::mobile_phone.eq(p.mobile_phone),
            person_identities::email.eq(p.email),
            person_identities::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A person as staff and imports see them: research fields and identity together.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct PersonRecord {
    pub id: i64,
    pub team_id: i64,
    #[diesel(deserialize_as = String)]
    pub role: koers_core::people::Role,
    pub role_title: Option<String>,
    pub gender: Option<String>,
    #[diesel(deserialize_as = String)]
    pub locale: koers_core::people::Locale,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub mobile_phone: Option<String>,
    pub email: Option<String>,
}

type PersonColumns = (
    people::id,
    people::team_id,
    people::role,
    people::role_title,
    people::gender,
    people::locale,
    person_identities::first_name,
    person_identities::last_name,
    person_identities::mobile_phone,
    person_identities::email,
);

const PERSON_COLUMNS: PersonColumns = (
    people::id,
    people::team_id,
    people::role,
    people::role_title,
    people::gender,
    people::locale,
    person_identities::first_name,
    person_identities::last_name,
    person_identities::mobile_phone,
    person_identities::email,
);

pub fn find_by_phone(conn: &mut DbConnection, study_id: i64, phone: &str) -> StoreResult<Option<PersonRecord>> {
    Ok(people::table
        .inner_join(person_identities::table)
        .filter(person_identities::study_id.eq(study_id).and(person_identities::mobile_phone.eq(phone)))
        .select(PERSON_COLUMNS)
        .first(conn)
        .optional()?)
}

pub fn people_of_study(conn: &mut DbConnection, study_id: i64) -> StoreResult<Vec<PersonRecord>> {
    Ok(people::table
        .inner_join(person_identities::table)
        .filter(people::study_id.eq(study_id))
        .order(people::id)
        .select(PERSON_COLUMNS)
        .load(conn)?)
}

/// Enrolled people by phone number, with their role.
pub fn roles_by_phone(conn: &mut DbConnection, study_id: i64) -> StoreResult<HashMap<String, Role>> {
    let rows: Vec<(Option<String>, String)> = people::table
        .inner_join(person_identities::table)
        .filter(people::study_id.eq(study_id))
        .select((person_identities::mobile_phone, people::role))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(phone, role)| Some((phone?, Role::parse(&role)?))).collect())
}

/// Changes the details an import or a coordinator may change; true if anything changed.
pub fn update_person(
    conn: &mut DbConnection,
    current: &PersonRecord,
    new: &NewPerson<'_>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let research_same = current.team_id == new.team_id
        && current.role_title.as_deref() == new.role_title
        && current.gender.as_deref() == new.gender.map(Gender::as_str)
        && current.locale == new.locale;
    let identity_same = current.first_name.as_deref() == Some(new.first_name)
        && current.last_name.as_deref() == new.last_name
        && current.email.as_deref() == new.email;
    let now = to_db(now);
    if !research_same {
        diesel::update(people::table.find(current.id))
            .set((
                people::team_id.eq(new.team_id),
                people::role_title.eq(new.role_title),
                people::gender.eq(new.gender.map(Gender::as_str)),
                people::locale.eq(new.locale.as_str()),
                people::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    if !identity_same {
        diesel::update(person_identities::table.find(current.id))
            .set((
                person_identities::first_name.eq(new.first_name),
                person_identities::last_name.eq(new.last_name),
                person_identities::email.eq(new.email),
                person_identities::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(!(research_same && identity_same))
}

/// The pair of this student and mentor that has not ended, if any.
pub fn open_pair(conn: &mut DbConnection, student_id: i64, mentor_id: i64) -> StoreResult<Option<i64>> {
    Ok(pairs::table
        .filter(pairs::student_id.eq(student_id).and(pairs::mentor_id.eq(mentor_id)).and(pairs::ends_on.is_null()))
        .select(pairs::id)
        .first(conn)
        .optional()?)
}

pub fn insert_pair(
    conn: &mut DbConnection,
    student_id: i64,
    mentor_id: i64,
    starts_on: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    Ok(diesel::insert_into(pairs::table)
        .values((
            pairs::student_id.eq(student_id),
            pairs::mentor_id.eq(mentor_id),
            pairs::starts_on.eq(starts_on),
            pairs::created_at.eq(to_db(now)),
        ))
        .returning(pairs::id)
        .get_result(conn)?)
}

/// An active subscription of this person to any version of the named protocol, for the same
/// student (mentors) or for themselves.
pub fn active_subscription(
    conn: &mut DbConnection,
    person_id: i64,
    protocol_name: &str,
    filling_out_for: Option<i64>,
) -> StoreResult<Option<i64>> {
    let mut q = subscriptions::table
        .inner_join(protocols::table)
        .filter(subscriptions::person_id.eq(person_id))
        .filter(protocols::name.eq(protocol_name))
        .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
        .select(subscriptions::id)
        .into_boxed();
    q = match filling_out_for {
        Some(s) => q.filter(subscriptions::filling_out_for_id.eq(s)),
        None => q.filter(subscriptions::filling_out_for_id.is_null()),
    };
    Ok(q.first(conn).optional()?)
}

#[derive(Debug, Clone, Copy)]
pub struct NewSubscription {
    pub person_id: i64,
    pub protocol_id: i64,
    pub filling_out_for: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
}

/// Inserts a subscription. A mentor's subscription about a student comes with one of their own
/// on the same protocol (if they have none active yet), where their intake and closing are
/// asked once (see `koers_core::protocol::windows::asks`).
pub fn insert_subscription(conn: &mut DbConnection, s: &NewSubscription, now: DateTime<Utc>) -> StoreResult<i64> {
    if s.filling_out_for.is_some() {
        let own: i64 = subscriptions::table
            .filter(subscriptions::person_id.eq(s.person_id).and(subscriptions::filling_out_for_id.is_null()))
            .filter(subscriptions::protocol_id.eq(s.protocol_id))
            .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
            .count()
            .get_result(conn)?;
        if own == 0 {
            insert_one(conn, &NewSubscription { filling_out_for: None, ends_at: None, ..*s }, now)?;
        }
    }
    insert_one(conn, s, now)
}

fn insert_one(conn: &mut DbConnection, s: &NewSubscription, now: DateTime<Utc>) -> StoreResult<i64> {
    let now = to_db(now);
    Ok(diesel::insert_into(subscriptions::table)
        .values((
            subscriptions::person_id.eq(s.person_id),
            subscriptions::protocol_id.eq(s.protocol_id),
            subscriptions::filling_out_for_id.eq(s.filling_out_for),
            subscriptions::starts_at.eq(to_db(s.starts_at)),
            subscriptions::ends_at.eq(s.ends_at.map(to_db)),
            subscriptions::state.eq(SubscriptionState::Active.as_str()),
            subscriptions::created_at.eq(now),
            subscriptions::updated_at.eq(now),
        ))
        .returning(subscriptions::id)
        .get_result(conn)?)
}

/// How many students and mentors a study has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleCounts {
    pub students: i64,
    pub mentors: i64,
}

/// How many students and mentors a study has.
pub fn count_by_role(conn: &mut DbConnection, study_id: i64) -> StoreResult<RoleCounts> {
    let count = |conn: &mut DbConnection, role: Role| -> QueryResult<i64> {
        people::table.filter(people::study_id.eq(study_id).and(people::role.eq(role.as_str()))).count().get_result(conn)
    };
    Ok(RoleCounts { students: count(conn, Role::Student)?, mentors: count(conn, Role::Mentor)? })
}

/// Enrolled people by phone number, with their id.
pub fn ids_by_phone(conn: &mut DbConnection, study_id: i64) -> StoreResult<HashMap<String, i64>> {
    let rows: Vec<(Option<String>, i64)> = people::table
        .inner_join(person_identities::table)
        .filter(people::study_id.eq(study_id))
        .select((person_identities::mobile_phone, people::id))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(phone, id)| Some((phone?, id))).collect())
}
