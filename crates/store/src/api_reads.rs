//! What the staff JSON API reads that no page does: the people of a coordinator's teams with
//! their identities, responses with person ids that the API turns into pseudonyms, and response
//! counts per window opening for response rates. Every read takes the teams the caller may see
//! (`None`: the whole study), from [`crate::access::Access::teams_for`].
//!
//! Lists are paged in SQL (a count and one `LIMIT/OFFSET` page ordered by id), so a page costs
//! the same at any depth and nothing loads a whole study into memory.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{
    answers, organisations, people, person_identities, questionnaires, responses, subscriptions, teams,
};
use crate::studies::{from_db, to_db};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::dsl::{count, count_star};
use diesel::prelude::*;
use koers_core::people::Role;

/// A person with identity, for a coordinator who may see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonWithIdentity {
    pub id: i64,
    pub role: koers_core::people::Role,
    pub role_title: Option<String>,
    pub team_id: i64,
    pub team_name: String,
    pub organisation_key: String,
    pub organisation_name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub mobile_phone: Option<String>,
    pub email: Option<String>,
    pub locale: koers_core::people::Locale,
    pub phone_status: String,
    pub ended_at: Option<DateTime<Utc>>,
    pub dropout_type: Option<String>,
    pub dropout_date: Option<NaiveDate>,
    pub excluded: bool,
}

/// One page of rows, and how many there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub total: i64,
    pub rows: Vec<T>,
}

type PersonRaw = (
    (i64, String, Option<String>, i64, String, String, String),
    (Option<String>, Option<String>, Option<String>, Option<String>),
    (String, String, Option<NaiveDateTime>, Option<String>, Option<NaiveDate>, bool),
);

/// One page of the people of some teams, by id; and how many there are in all.
pub fn people_page(
    conn: &mut DbConnection,
    team_ids: &[i64],
    offset: i64,
    limit: i64,
) -> StoreResult<Page<PersonWithIdentity>> {
    let total: i64 = people::table.filter(people::team_id.eq_any(team_ids)).count().get_result(conn)?;
    let rows: Vec<PersonRaw> = people::table
        .left_join(person_identities::table)
        .inner_join(teams::table.inner_join(organisations::table))
        .filter(people::team_id.eq_any(team_ids))
        .order(people::id)
        .offset(offset)
        .limit(limit)
        .select((
            (
                people::id,
                people::role,
                people::role_title,
                people::team_id,
                teams::name,
                organisations::key,
                organisations::name,
            ),
            (
                person_identities::first_name.nullable(),
                person_identities::last_name.nullable(),
                person_identities::mobile_phone.nullable(),
                person_identities::email.nullable(),
            ),
            (
                people::locale,
                people::phone_status,
                people::ended_at,
                people::dropout_type,
                people::dropout_date,
                people::excluded,
            ),
        ))
        .load(conn)?;
    let people = rows
        .into_iter()
        .map(|(a, b, c)| -> StoreResult<PersonWithIdentity> {
            Ok(PersonWithIdentity {
                id: a.0,
                role: Role::try_from(a.1)?,
                role_title: a.2,
                team_id: a.3,
                team_name: a.4,
                organisation_key: a.5,
                organisation_name: a.6,
                first_name: b.0,
                last_name: b.1,
                mobile_phone: b.2,
                email: b.3,
                locale: koers_core::people::Locale::try_from(c.0)?,
                phone_status: c.1,
                ended_at: c.2.map(from_db),
                dropout_type: c.3,
                dropout_date: c.4,
                excluded: c.5,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page { total, rows: people })
}

/// A response (one window of one person) without anything that identifies the person: the
/// caller turns `person_id` into a pseudonym before it leaves the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseRow {
    pub id: i64,
    pub person_id: i64,
    pub role: koers_core::people::Role,
    pub organisation_key: String,
    pub team_name: String,
    pub excluded: bool,
    pub questionnaire_key: String,
    /// The content hash of the questionnaire version it was answered with.
    pub questionnaire_version: Option<String>,
    pub measurement_key: String,
    pub occurrence: i32,
    pub open_at: DateTime<Utc>,
    pub close_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_utc_offset_minutes: Option<i32>,
}

type ResponseRaw = (
    (i64, i64, String, String, String, bool),
    (String, Option<String>, String, i32),
    (NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>, Option<NaiveDateTime>, Option<i32>),
);

/// One page of a study's responses whose window has opened by `now`, by id; and the count. Only
/// people of `teams` when given.
pub fn responses_page(
    conn: &mut DbConnection,
    study_id: i64,
    teams: Option<&[i64]>,
    now: DateTime<Utc>,
    offset: i64,
    limit: i64,
) -> StoreResult<Page<ResponseRow>> {
    let now = to_db(now);
    let mut count = responses::table
        .inner_join(subscriptions::table.inner_join(people::table))
        .filter(people::study_id.eq(study_id).and(responses::open_at.le(now)))
        .into_boxed();
    if let Some(t) = teams {
        count = count.filter(people::team_id.eq_any(t.to_vec()));
    }
    let total: i64 = count.count().get_result(conn)?;
    let mut q = responses::table
        .inner_join(
            subscriptions::table.inner_join(people::table.inner_join(teams::table.inner_join(organisations::table))),
        )
        .left_join(questionnaires::table)
        .filter(people::study_id.eq(study_id).and(responses::open_at.le(now)))
        .into_boxed();
    if let Some(t) = teams {
        q = q.filter(people::team_id.eq_any(t.to_vec()));
    }
    let rows: Vec<ResponseRaw> = q
        .order(responses::id)
        .offset(offset)
        .limit(limit)
        .select((
            (responses::id, people::id, people::role, organisations::key, teams::name, people::excluded),
            (
                responses::questionnaire_key,
                questionnaires::content_hash.nullable(),
                responses::measurement_key,
                responses::occurrence,
            ),
            (
                responses::open_at,
                responses::close_at,
                responses::opened_at,
                responses::started_at,
                responses::completed_at,
                responses::completed_utc_offset_minutes,
            ),
        ))
        .load(conn)?;
    let rows = rows
        .into_iter()
        .map(|(a, b, c)| -> StoreResult<ResponseRow> {
            Ok(ResponseRow {
                id: a.0,
                person_id: a.1,
                role: Role::try_from(a.2)?,
                organisation_key: a.3,
                team_name: a.4,
                excluded: a.5,
                questionnaire_key: b.0,
                questionnaire_version: b.1,
                measurement_key: b.2,
                occurrence: b.3,
                open_at: from_db(c.0),
                close_at: from_db(c.1),
                opened_at: c.2.map(from_db),
                started_at: c.3.map(from_db),
                completed_at: c.4.map(from_db),
                completed_utc_offset_minutes: c.5,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page { total, rows })
}

/// One stored answer of a response.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRow {
    pub response_id: i64,
    pub item_id: String,
    /// The person the answer is about (a mentor's diary about a student), if not the answerer.
    pub about_person_id: Option<i64>,
    pub kind: String,
    pub text: Option<String>,
    pub number: Option<f64>,
}

/// The answers of some responses, by response and in the order they were stored.
pub fn answers_of(conn: &mut DbConnection, response_ids: &[i64]) -> StoreResult<Vec<AnswerRow>> {
    type Raw = (i64, String, Option<i64>, String, Option<String>, Option<f64>);
    let rows: Vec<Raw> = answers::table
        .filter(answers::response_id.eq_any(response_ids))
        .order((answers::response_id, answers::id))
        .select((
            answers::response_id,
            answers::item_id,
            answers::about_person_id,
            answers::value_kind,
            answers::value_text,
            answers::value_number,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(response_id, item_id, about_person_id, kind, text, number)| AnswerRow {
            response_id,
            item_id,
            about_person_id,
            kind,
            text,
            number,
        })
        .collect())
}

/// How many windows opened at one instant for one role, and how many of them were completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedCount {
    pub open_at: DateTime<Utc>,
    pub role: koers_core::people::Role,
    pub opened: i64,
    pub completed: i64,
}

/// Windows of a study that opened by `now`, counted per opening instant and role (people of one
/// protocol share their opening instants, so there are few rows). One grouped query per role:
/// grouping by a column of another table would need the schema to allow it.
pub fn opened_counts(
    conn: &mut DbConnection,
    study_id: i64,
    teams: Option<&[i64]>,
    now: DateTime<Utc>,
) -> StoreResult<Vec<OpenedCount>> {
    let mut out = Vec::new();
    for role in Role::ALL {
        let mut q = responses::table
            .inner_join(subscriptions::table.inner_join(people::table))
            .filter(people::study_id.eq(study_id).and(responses::open_at.le(to_db(now))))
            .filter(people::role.eq(role.as_str()))
            .group_by(responses::open_at)
            .order(responses::open_at)
            .select((responses::open_at, count_star(), count(responses::completed_at)))
            .into_boxed();
        if let Some(t) = teams {
            q = q.filter(people::team_id.eq_any(t.to_vec()));
        }
        let rows: Vec<(NaiveDateTime, i64, i64)> = q.load(conn)?;
        out.extend(rows.into_iter().map(|(open_at, opened, completed)| OpenedCount {
            open_at: from_db(open_at),
            role: *role,
            opened,
            completed,
        }));
    }
    Ok(out)
}
