//! What every export needs about a study, loaded once: its zone, its people (without names),
//! pairs, protocols and questionnaire versions. People and pairs are few (thousands) next to
//! answers (millions), so they are kept in memory; answers are always read in batches.

use crate::ExportResult;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use koers_core::protocol::{parse_protocol, MeasurementKind, Protocol};
use koers_core::questionnaire::{parse_questionnaire, Questionnaire};
use koers_core::time::local_date;
use koers_store::schema::{organisations, pairs, people, protocols, questionnaires, studies, subscriptions, teams};
use koers_store::studies::from_db;
use koers_store::DbConnection;
use std::collections::HashMap;

pub struct PersonInfo {
    pub role: koers_core::people::Role,
    pub organisation: String,
    /// The person's study group: their own, else their organisation's.
    pub group: Option<String>,
    /// For students: `stayer` or `dropout`, from the recorded outcome.
    pub outcome_group: Option<&'static str>,
    pub team: String,
    /// The local date of the person's first own subscription: week 1 starts here.
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub dropout_type: Option<String>,
    pub dropout_date: Option<NaiveDate>,
    /// Why their participation ended, as a code (never a coordinator's note).
    pub end_reason: Option<koers_core::people::EndReason>,
    pub excluded: bool,
    pub exclusion_reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Pair {
    pub id: i64,
    pub student_id: i64,
    pub mentor_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

impl Pair {
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.starts_on <= date && self.ends_on.is_none_or(|e| date <= e)
    }
}

pub struct StudyContext {
    pub zone: Tz,
    pub people: HashMap<i64, PersonInfo>,
    /// Pairs by student, oldest first.
    pub pairs: HashMap<i64, Vec<Pair>>,
    pub protocols: HashMap<i64, Protocol>,
    /// Each questionnaire version parsed once, shared by every writer and the report.
    questionnaires: HashMap<i64, Option<std::sync::Arc<Questionnaire>>>,
}

type PersonTuple = (
    i64,
    String,
    String,
    (Option<String>, Option<String>),
    String,
    Option<chrono::NaiveDateTime>,
    Option<String>,
    Option<NaiveDate>,
    bool,
    Option<String>,
    Option<String>,
);

impl StudyContext {
    /// The study's context, with only the people of `teams` when given (and the pairs of
    /// their students).
    pub fn load(conn: &mut DbConnection, study_id: i64, teams: Option<&[i64]>) -> ExportResult<StudyContext> {
        let zone_name: Option<String> =
            studies::table.find(study_id).select(studies::time_zone).first(conn).optional()?;
        let Some(zone_name) = zone_name else {
            return Err(crate::ExportError::Invalid(format!("there is no study with id {study_id}")));
        };
        let zone = koers_core::time::parse_zone(&zone_name).map_err(crate::ExportError::Invalid)?;
        let mut q = people::table
            .inner_join(teams::table.inner_join(organisations::table))
            .filter(people::study_id.eq(study_id))
            .into_boxed();
        if let Some(t) = teams {
            q = q.filter(people::team_id.eq_any(t.to_vec()));
        }
        let rows: Vec<PersonTuple> = q
            .select((
                people::id,
                people::role,
                organisations::key,
                (people::group_name, organisations::group_name),
                teams::name,
                people::ended_at,
                people::dropout_type,
                people::dropout_date,
                people::excluded,
                people::exclusion_reason,
                people::end_reason,
            ))
            .load(conn)?;
        let starts: Vec<(i64, chrono::NaiveDateTime, Option<String>)> = subscriptions::table
            .inner_join(people::table)
            .filter(people::study_id.eq(study_id).and(subscriptions::filling_out_for_id.is_null()))
            .select((subscriptions::person_id, subscriptions::starts_at, subscriptions::end_reason))
            .load(conn)?;
        let mut first: HashMap<i64, DateTime<Utc>> = HashMap::new();
        let mut sub_ends: HashMap<i64, Vec<String>> = HashMap::new();
        for (p, at, end) in starts {
            sub_ends.entry(p).or_default().extend(end);
            let at = from_db(at);
            first.entry(p).and_modify(|f| *f = (*f).min(at)).or_insert(at);
        }
        let people: HashMap<i64, PersonInfo> = rows
            .into_iter()
            .map(
                |(
                    id,
                    role,
                    organisation,
                    (own_group, organisation_group),
                    team,
                    ended,
                    dropout_type,
                    dropout_date,
                    excluded,
                    why,
                    end_reason,
                )| {
                    let role = koers_core::people::Role::try_from(role).map_err(koers_store::StoreError::from)?;
                    let info = PersonInfo {
                        outcome_group: koers_core::groups::outcome_group(role, dropout_type.as_deref()),
                        role,
                        organisation,
                        group: koers_core::groups::person_group(own_group.as_deref(), organisation_group.as_deref()),
                        team,
                        start: first.get(&id).map(|t| local_date(zone, *t)),
                        end: ended.map(|t| local_date(zone, from_db(t))),
                        dropout_type,
                        dropout_date,
                        end_reason: koers_core::people::EndReason::from_records(
                            end_reason.as_deref(),
                            sub_ends.get(&id).into_iter().flatten().map(String::as_str),
                        ),
                        excluded,
                        exclusion_reason: why,
                    };
                    Ok((id, info))
                },
            )
            .collect::<ExportResult<_>>()?;
        let pair_rows: Vec<(i64, i64, i64, NaiveDate, Option<NaiveDate>)> = pairs::table
            .inner_join(people::table.on(people::id.eq(pairs::student_id)))
            .filter(people::study_id.eq(study_id))
            .order(pairs::id)
            .select((pairs::id, pairs::student_id, pairs::mentor_id, pairs::starts_on, pairs::ends_on))
            .load(conn)?;
        let mut pairs: HashMap<i64, Vec<Pair>> = HashMap::new();
        for (id, student_id, mentor_id, starts_on, ends_on) in pair_rows {
            if !people.contains_key(&student_id) {
                continue;
            }
            pairs.entry(student_id).or_default().push(Pair { id, student_id, mentor_id, starts_on, ends_on });
        }
        let protocol_rows: Vec<(i64, String)> = protocols::table
            .filter(protocols::study_id.eq(study_id))
            .select((protocols::id, protocols::content))
            .load(conn)?;
        let protocols =
            protocol_rows.into_iter().filter_map(|(id, c)| parse_protocol(&c).ok().map(|(p, _)| (id, p))).collect();
        Ok(StudyContext { zone, people, pairs, protocols, questionnaires: HashMap::new() })
    }

    /// intake, diary or closing, from how the protocol opens the measurement; `None` for a
    /// measurement the study's protocols do not hold (exports leave the cell empty).
    pub fn measurement_kind(&self, protocol_id: i64, key: &str) -> Option<MeasurementKind> {
        let p = self.protocols.get(&protocol_id)?;
        p.measurements.iter().find(|m| m.key == key).map(|m| m.kind())
    }

    /// The stored word of [`Self::measurement_kind`], empty when there is none.
    pub fn measurement_kind_code(&self, protocol_id: i64, key: &str) -> &'static str {
        self.measurement_kind(protocol_id, key).map_or("", MeasurementKind::as_str)
    }

    /// The pair a response belongs to: a student's pair on that date, or for a mentor's
    /// questionnaire about a student, the pair of the two.
    pub fn pair_for(&self, person_id: i64, about: Option<i64>, date: NaiveDate) -> Option<&Pair> {
        let (student, mentor) = match about {
            Some(student) => (student, Some(person_id)),
            None => (person_id, None),
        };
        let candidates = self.pairs.get(&student)?;
        let fits = |p: &&Pair| mentor.is_none_or(|m| p.mentor_id == m);
        candidates.iter().rev().filter(fits).find(|p| p.covers(date)).or_else(|| {
            if mentor.is_some() {
                candidates.iter().rev().find(fits)
            } else {
                None
            }
        })
    }

    /// A questionnaire version, parsed once.
    /// The version (content hash) a response was answered with, if its questionnaire is known.
    pub fn version_of(
        &mut self,
        conn: &mut DbConnection,
        questionnaire_id: Option<i64>,
    ) -> ExportResult<Option<String>> {
        match questionnaire_id {
            Some(id) => Ok(self.questionnaire(conn, id)?.map(|q| q.version.clone())),
            None => Ok(None),
        }
    }

    /// A questionnaire version by id, parsed on first use and kept (a cheap handle, so the
    /// caller may go on using the context while it holds it).
    pub fn questionnaire(
        &mut self,
        conn: &mut DbConnection,
        id: i64,
    ) -> ExportResult<Option<std::sync::Arc<Questionnaire>>> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.questionnaires.entry(id) {
            let found: Option<(String, String)> = questionnaires::table
                .find(id)
                .select((questionnaires::key, questionnaires::content))
                .first(conn)
                .optional()?;
            let parsed =
                found.and_then(|(key, content)| parse_questionnaire(&content, Some(&key)).ok().map(|(q, _)| q.into()));
            slot.insert(parsed);
        }
        Ok(self.questionnaires.get(&id).cloned().flatten())
    }
}

/// Every version of the questionnaires a study's responses used, newest (highest id) last,
/// parsed.
pub fn questionnaire_versions(conn: &mut DbConnection, study_id: i64) -> ExportResult<Vec<Questionnaire>> {
    use koers_store::schema::responses;
    let ids: Vec<Option<i64>> = responses::table
        .inner_join(subscriptions::table.inner_join(people::table))
        .filter(people::study_id.eq(study_id))
        .select(responses::questionnaire_id)
        .distinct()
        .load(conn)?;
    let mut ids: Vec<i64> = ids.into_iter().flatten().collect();
    ids.sort_unstable();
    let rows: Vec<(i64, String, String)> = questionnaires::table
        .filter(questionnaires::id.eq_any(&ids).and(questionnaires::study_id.eq(study_id)))
        .order(questionnaires::id)
        .select((questionnaires::id, questionnaires::key, questionnaires::content))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(_, key, content)| parse_questionnaire(&content, Some(&key)).ok().map(|(q, _)| q))
        .collect())
}
