//! Studies, their organisations and teams.

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{organisations, studies, teams};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use koers_core::study_settings::{SettingsSection, StudySettings};

/// Instants are stored as UTC without a zone; these two convert at the boundary.
pub fn to_db(t: DateTime<Utc>) -> NaiveDateTime {
    koers_core::clock::truncate_to_micros(t).naive_utc()
}

pub fn from_db(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = studies)]
pub struct Study {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub time_zone: String,
    pub default_locale: String,
    pub test_mode: bool,
    /// Read once here, with the study (`koers_core::study_settings`).
    #[diesel(deserialize_as = String)]
    pub settings: StudySettings,
    pub created_at: NaiveDateTime,
    pub clock_offset_micros: i64,
}

impl Study {
    /// The clock this study's own decisions run on (see `koers_core::clock`).
    pub fn clock(&self) -> koers_core::clock::StudyClock {
        koers_core::clock::StudyClock::from_offset_micros(self.clock_offset_micros)
    }

    /// The zone its weeks and days are counted in; an unknown one is an error, not Amsterdam.
    pub fn zone(&self) -> StoreResult<chrono_tz::Tz> {
        stored_zone(&self.time_zone)
    }
}

#[derive(Debug, Clone)]
pub struct NewStudy<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub time_zone: &'a str,
    pub default_locale: &'a str,
    pub test_mode: bool,
}

/// Creates a study, or returns the one with that key unchanged.
pub fn ensure_study(conn: &mut DbConnection, new: &NewStudy<'_>, now: DateTime<Utc>) -> StoreResult<Study> {
    if let Some(s) = find_study(conn, new.key)? {
        return Ok(s);
    }
    diesel::insert_into(studies::table)
        .values((
            studies::key.eq(new.key),
            studies::name.eq(new.name),
            studies::time_zone.eq(new.time_zone),
            studies::default_locale.eq(new.default_locale),
            studies::test_mode.eq(new.test_mode),
            studies::settings.eq("{}"),
            studies::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    find_study(conn, new.key)?.ok_or_else(|| StoreError::NotFound(format!("study '{}'", new.key)))
}

pub fn find_study(conn: &mut DbConnection, key: &str) -> StoreResult<Option<Study>> {
    Ok(studies::table.filter(studies::key.eq(key)).select(Study::as_select()).first(conn).optional()?)
}

pub fn list_studies(conn: &mut DbConnection) -> StoreResult<Vec<Study>> {
    Ok(studies::table.order(studies::id).select(Study::as_select()).load(conn)?)
}

/// The study a command means: the one named, or the only one there is.
pub fn resolve_study(conn: &mut DbConnection, key: Option<&str>) -> StoreResult<Study> {
    match key {
        Some(k) => find_study(conn, k)?.ok_or_else(|| StoreError::NotFound(format!("study '{k}'"))),
        None => {
            let mut all = list_studies(conn)?;
            match all.len() {
                1 => Ok(all.remove(0)),
                0 => Err(StoreError::Invalid(
                    "there is no study yet; create one (koers study create KEY --name NAME) or run koers serve --demo"
                        .into(),
                )),
                _ => Err(StoreError::Invalid(format!(
                    "there are several studies ({}); name one with --study",
                    all.iter().map(|s| s.key.as_str()).collect::<Vec<_>>().join(", ")
                ))),
            }
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: i64,
    pub study_id: i64,
    pub key: String,
    pub name: String,
    pub group_name: Option<String>,
    pub created_at: NaiveDateTime,
    /// What this organisation calls a mentor (see `koers_core::mentor_title`).
    pub mentor_title: String,
}

pub fn ensure_organisation(
    conn: &mut DbConnection,
    study_id: i64,
    key: &str,
    name: &str,
    group_name: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<Organisation> {
    let find = |conn: &mut DbConnection| {
        organisations::table
            .filter(organisations::study_id.eq(study_id).and(organisations::key.eq(key)))
            .select(Organisation::as_select())
            .first(conn)
            .optional()
    };
    if let Some(o) = find(conn)? {
        return Ok(o);
    }
    diesel::insert_into(organisations::table)
        .values((
            organisations::study_id.eq(study_id),
            organisations::key.eq(key),
            organisations::name.eq(name),
            organisations::group_name.eq(group_name),
            organisations::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    find(conn)?.ok_or_else(|| StoreError::NotFound(format!("organisation '{key}'")))
}

/// Sets what an organisation calls a mentor; the title must be one of
/// `koers_core::mentor_title::MENTOR_TITLES`.
pub fn set_mentor_title(conn: &mut DbConnection, organisation_id: i64, title: &str) -> StoreResult<()> {
    let title = koers_core::mentor_title::parse_mentor_title(title).map_err(StoreError::Invalid)?;
    diesel::update(organisations::table.find(organisation_id))
        .set(organisations::mentor_title.eq(title))
        .execute(conn)?;
    Ok(())
}

pub fn organisations_of(conn: &mut DbConnection, study_id: i64) -> StoreResult<Vec<Organisation>> {
    Ok(organisations::table
        .filter(organisations::study_id.eq(study_id))
        .order(organisations::id)
        .select(Organisation::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRef {
    pub id: i64,
    pub name: String,
    pub organisation_id: i64,
    pub organisation_key: String,
}

pub fn ensure_team(conn: &mut DbConnection, organisation_id: i64, name: &str, now: DateTime<Utc>) -> StoreResult<i64> {
    let find = |conn: &mut DbConnection| {
        teams::table
            .filter(teams::organisation_id.eq(organisation_id).and(teams::name.eq(name)))
            .select(teams::id)
            .first::<i64>(conn)
            .optional()
    };
    if let Some(id) = find(conn)? {
        return Ok(id);
    }
    diesel::insert_into(teams::table)
        .values((teams::organisation_id.eq(organisation_id), teams::name.eq(name), teams::created_at.eq(to_db(now))))
        .execute(conn)?;
    find(conn)?.ok_or_else(|| StoreError::NotFound(format!("team '{name}'")))
}

pub fn teams_of(conn: &mut DbConnection, study_id: i64) -> StoreResult<Vec<TeamRef>> {
    let rows: Vec<(i64, String, i64, String)> = teams::table
        .inner_join(organisations::table)
        .filter(organisations::study_id.eq(study_id))
        .order(teams::id)
        .select((teams::id, teams::name, organisations::id, organisations::key))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, organisation_id, organisation_key)| TeamRef { id, name, organisation_id, organisation_key })
        .collect())
}

/// A study's settings, read into their one typed form ([`StudySettings`]).
pub fn settings_of(conn: &mut DbConnection, study_id: i64) -> StoreResult<StudySettings> {
    let stored: String = studies::table.find(study_id).select(studies::settings).first(conn)?;
    Ok(StudySettings::from_json(&stored))
}

/// Replaces one section of a study's settings, keeping the others (and keys this version does
/// not know) as they are; a value with problems is refused.
pub fn set_settings_section(conn: &mut DbConnection, study_id: i64, section: &SettingsSection) -> StoreResult<()> {
    let problems = section.problems();
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems.join("; ")));
    }
    let stored: String = studies::table.find(study_id).select(studies::settings).first(conn)?;
    let written = section.write_into(&stored).map_err(StoreError::Invalid)?;
    diesel::update(studies::table.find(study_id)).set(studies::settings.eq(written)).execute(conn)?;
    Ok(())
}

/// A study's stored time zone, parsed once where the study is read: an unknown zone is an error,
/// never a silent fallback to Amsterdam (`koers study create` refuses one).
pub fn stored_zone(name: &str) -> StoreResult<chrono_tz::Tz> {
    koers_core::time::parse_zone(name).map_err(|_| StoreError::UnknownCode(format!("the time zone '{name}'")))
}
