//! Questionnaire and protocol definitions, kept in every version ever loaded so that each
//! response can point at the exact text it was answered against.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{protocols, questionnaires};
use crate::studies::to_db;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use koers_core::content::content_hash;
use std::collections::BTreeMap;

/// Whether loading a definition added a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loaded {
    New(i64),
    Unchanged(i64),
}

impl Loaded {
    pub fn id(self) -> i64 {
        match self {
            Loaded::New(id) | Loaded::Unchanged(id) => id,
        }
    }
}

/// Files a version of a study's questionnaire; the same text already filed in that study is
/// not added again (another study's copy is its own).
pub fn store_questionnaire(
    conn: &mut DbConnection,
    study_id: i64,
    key: &str,
    name: Option<&str>,
    content: &str,
    source_path: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<Loaded> {
    let hash = content_hash(content);
    let find = |conn: &mut DbConnection| {
        questionnaires::table
            .filter(questionnaires::study_id.eq(study_id))
            .filter(questionnaires::key.eq(key).and(questionnaires::content_hash.eq(&hash)))
            .select(questionnaires::id)
            .first::<i64>(conn)
            .optional()
    };
    if let Some(id) = find(conn)? {
        return Ok(Loaded::Unchanged(id));
    }
    let id = diesel::insert_into(questionnaires::table)
        .values((
            questionnaires::study_id.eq(study_id),
            questionnaires::key.eq(key),
            questionnaires::content_hash.eq(&hash),
            questionnaires::name.eq(name),
            questionnaires::source_path.eq(source_path),
            questionnaires::content.eq(content),
            questionnaires::created_at.eq(to_db(now)),
        ))
        .returning(questionnaires::id)
        .get_result::<i64>(conn)?;
    Ok(Loaded::New(id))
}

/// Which version of a questionnaire is stored: its row id and the hash of its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionnaireVersion {
    pub id: i64,
    pub content_hash: String,
}

/// The newest version of every questionnaire of a study, by key.
pub fn latest_questionnaires(
    conn: &mut DbConnection,
    study_id: i64,
) -> StoreResult<BTreeMap<String, QuestionnaireVersion>> {
    let rows: Vec<(i64, String, String)> = questionnaires::table
        .filter(questionnaires::study_id.eq(study_id))
        .order(questionnaires::id)
        .select((questionnaires::id, questionnaires::key, questionnaires::content_hash))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, key, content_hash)| (key, QuestionnaireVersion { id, content_hash })).collect())
}

pub fn store_protocol(
    conn: &mut DbConnection,
    study_id: i64,
    name: &str,
    role: Option<&str>,
    content: &str,
    source_path: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<Loaded> {
    let hash = content_hash(content);
    let find = |conn: &mut DbConnection| {
        protocols::table
            .filter(
                protocols::study_id.eq(study_id).and(protocols::name.eq(name)).and(protocols::content_hash.eq(&hash)),
            )
            .select(protocols::id)
            .first::<i64>(conn)
            .optional()
    };
    if let Some(id) = find(conn)? {
        return Ok(Loaded::Unchanged(id));
    }
    let id = diesel::insert_into(protocols::table)
        .values((
            protocols::study_id.eq(study_id),
            protocols::name.eq(name),
            protocols::content_hash.eq(&hash),
            protocols::role.eq(role),
            protocols::source_path.eq(source_path),
            protocols::content.eq(content),
            protocols::created_at.eq(to_db(now)),
        ))
        .returning(protocols::id)
        .get_result::<i64>(conn)?;
    Ok(Loaded::New(id))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolRef {
    pub id: i64,
    pub name: String,
    pub role: Option<String>,
    pub content_hash: String,
}

/// The newest version of each of a study's protocols, by name.
pub fn latest_protocols(conn: &mut DbConnection, study_id: i64) -> StoreResult<BTreeMap<String, ProtocolRef>> {
    let rows: Vec<(i64, String, Option<String>, String)> = protocols::table
        .filter(protocols::study_id.eq(study_id))
        .order(protocols::id)
        .select((protocols::id, protocols::name, protocols::role, protocols::content_hash))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, role, content_hash)| (name.clone(), ProtocolRef { id, name, role, content_hash }))
        .collect())
}

/// A stored version of a questionnaire, with its YAML source.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = questionnaires)]
pub struct StoredQuestionnaire {
    pub id: i64,
    pub key: String,
    /// The hash of `content`: the questionnaire's version.
    pub content_hash: String,
    pub content: String,
}

/// The newest version of a study's questionnaire.
pub fn latest_questionnaire(
    conn: &mut DbConnection,
    study_id: i64,
    key: &str,
) -> StoreResult<Option<StoredQuestionnaire>> {
    Ok(questionnaires::table
        .filter(questionnaires::study_id.eq(study_id).and(questionnaires::key.eq(key)))
        .order(questionnaires::id.desc())
        .select(StoredQuestionnaire::as_select())
        .first(conn)
        .optional()?)
}

/// The id of the newest version of a questionnaire: enough when its parsed form is cached.
pub fn latest_questionnaire_id(conn: &mut DbConnection, study_id: i64, key: &str) -> StoreResult<Option<i64>> {
    Ok(questionnaires::table
        .filter(questionnaires::study_id.eq(study_id).and(questionnaires::key.eq(key)))
        .order(questionnaires::id.desc())
        .select(questionnaires::id)
        .first(conn)
        .optional()?)
}

/// The key of the consent questionnaire a person answers first: the one their protocol names
/// (`consent:`), else the role's own.
pub fn consent_questionnaire(conn: &mut DbConnection, person_id: i64, role: &str) -> StoreResult<String> {
    use crate::schema::subscriptions;
    let sources: Vec<String> = subscriptions::table
        .inner_join(protocols::table)
        .filter(subscriptions::person_id.eq(person_id))
        .order(subscriptions::id)
        .select(protocols::content)
        .load(conn)?;
    let named = sources.iter().find_map(|s| koers_core::content::definition_header(s).ok()?.consent);
    Ok(named.unwrap_or_else(|| if role == "mentor" { "mentor_consent" } else { "student_consent" }.to_string()))
}

/// The first study that has questionnaires: what the preview (a development aid without a
/// study of its own) shows.
pub fn first_study_with_questionnaires(conn: &mut DbConnection) -> StoreResult<Option<i64>> {
    Ok(questionnaires::table.select(diesel::dsl::min(questionnaires::study_id)).first::<Option<i64>>(conn)?)
}
