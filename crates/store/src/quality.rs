//! The data quality of each person's diaries ([`koers_core::quality`]), read from the answers.
//!
//! Which measurements are diaries comes from the protocol each response was planned by (the
//! recurring measurements, not the intake or closing ones); which items are sliders from the very
//! questionnaire version each response was answered against. A study can hold millions of
//! answers, so people are read in pages and their answers in bounded chunks of responses; only
//! one page of people's slider answers is in memory at a time.

use crate::dashboard::{self, Population};
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{answers, people, protocols, questionnaires, responses, subscriptions};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use koers_core::protocol::{parse_protocol, Opening};
use koers_core::quality::{assess, Diary, PersonQuality, QualityThresholds, SliderAnswer};
use koers_core::questionnaire::{parse_questionnaire, ItemType};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// People per page.
const PEOPLE_PAGE: i64 = 200;
/// Responses whose answers are read in one query.
const RESPONSE_CHUNK: usize = 500;

/// The thresholds in the study's settings; the defaults (and a warning in the log) when the
/// settings cannot be read, so a typo there never takes the dashboard down.
pub fn thresholds(conn: &mut DbConnection, study_id: i64) -> StoreResult<QualityThresholds> {
    let settings = crate::studies::settings_of(conn, study_id)?;
    if let Some(problem) = settings.unreadable("quality") {
        tracing::warn!(study_id, problem, "the study's quality settings are not valid; using the defaults");
    }
    Ok(settings.quality)
}

/// Every person of the study who completed at least one diary, by person id, with the quality
/// of their diaries.
pub fn per_person(conn: &mut DbConnection, study_id: i64) -> StoreResult<BTreeMap<i64, PersonQuality>> {
    per_person_in(conn, &Population { study_id, teams: None, group: None })
}

/// As [`per_person`], for the people of some teams or one group only.
pub fn per_person_in(conn: &mut DbConnection, pop: &Population) -> StoreResult<BTreeMap<i64, PersonQuality>> {
    let t = thresholds(conn, pop.study_id)?;
    let team_ids: Vec<i64> = dashboard::teams_of(conn, pop)?.into_keys().collect();
    let diaries = diary_measurements(conn, pop.study_id)?;
    let mut sliders = Sliders { study_id: pop.study_id, ..Default::default() };
    let mut out = BTreeMap::new();
    if diaries.is_empty() || team_ids.is_empty() {
        return Ok(out);
    }
    let protocol_ids: Vec<i64> = diaries.iter().map(|(p, _)| *p).collect::<BTreeSet<_>>().into_iter().collect();
    let keys: Vec<String> = diaries.iter().map(|(_, k)| k.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    let mut after = 0i64;
    loop {
        let ids: Vec<i64> = people::table
            .filter(people::team_id.eq_any(&team_ids))
            .filter(people::id.gt(after))
            .order(people::id)
            .limit(PEOPLE_PAGE)
            .select(people::id)
            .load(conn)?;
        let Some(&last) = ids.last() else { return Ok(out) };
        after = last;
        type Row = (
            i64,
            i64,
            i64,
            i64,
            String,
            String,
            Option<i64>,
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
        );
        let rows: Vec<Row> = responses::table
            .inner_join(subscriptions::table)
            .filter(subscriptions::person_id.eq_any(&ids))
            .filter(subscriptions::protocol_id.eq_any(&protocol_ids))
            .filter(responses::measurement_key.eq_any(&keys))
            .filter(responses::completed_at.is_not_null())
            .order((subscriptions::person_id, responses::open_at, responses::id))
            .select((
                responses::id,
                subscriptions::person_id,
                subscriptions::id,
                subscriptions::protocol_id,
                responses::measurement_key,
                responses::questionnaire_key,
                responses::questionnaire_id,
                responses::opened_at,
                responses::started_at,
                responses::completed_at,
            ))
            .load(conn)?;
        let rows: Vec<Row> = rows.into_iter().filter(|r| diaries.contains(&(r.3, r.4.clone()))).collect();
        // Response id -> its slider answers: (series, value, min, max).
        let mut answered: HashMap<i64, Vec<SliderAnswer>> = HashMap::new();
        for chunk in rows.chunks(RESPONSE_CHUNK) {
            let mut ranges_of: HashMap<i64, std::sync::Arc<Ranges>> = HashMap::new();
            for r in chunk {
                ranges_of.insert(r.0, sliders.of(conn, r.6, &r.5)?);
            }
            let subscription_of: HashMap<i64, i64> = chunk.iter().map(|r| (r.0, r.2)).collect();
            let response_ids: Vec<i64> = chunk.iter().map(|r| r.0).collect();
            let found: Vec<SliderRow> = answers::table
                .filter(answers::response_id.eq_any(&response_ids))
                .filter(answers::value_kind.eq_any(["number", "not_answered"]))
                .order(answers::id)
                .select((
                    answers::response_id,
                    answers::item_id,
                    answers::about_person_id,
                    answers::value_kind,
                    answers::value_number,
                ))
                .load(conn)?;
            for (response_id, key, about, kind, number) in found {
                let Some(ranges) = ranges_of.get(&response_id) else { continue };
                let item = match about {
                    Some(s) => key.strip_suffix(&format!("_s{s}")).unwrap_or(&key),
                    None => key.as_str(),
                };
                let Some(&(min, max)) = ranges.get(item) else { continue };
                let value = if kind == "number" { number } else { None };
                let subscription = subscription_of.get(&response_id).copied().unwrap_or_default();
                answered.entry(response_id).or_default().push(SliderAnswer {
                    series: format!("{subscription}/{key}"),
                    construct: item.to_string(),
                    value,
                    min,
                    max,
                });
            }
        }
        let mut by_person: BTreeMap<i64, Vec<Diary>> = BTreeMap::new();
        for (response_id, person, _, _, _, _, _, opened_at, started_at, completed_at) in rows {
            let seconds = match (started_at.or(opened_at), completed_at) {
                (Some(from), Some(to)) if to >= from => Some((to - from).num_milliseconds() as f64 / 1000.0),
                _ => None,
            };
            let sliders = answered.remove(&response_id).unwrap_or_default();
            by_person.entry(person).or_default().push(Diary { seconds, sliders });
        }
        out.extend(by_person.into_iter().map(|(person, diaries)| (person, assess(&diaries, &t))));
    }
}

/// The diary measurements of a study: (protocol version id, measurement key) of every
/// recurring measurement in every version of its protocols.
pub(crate) fn diary_measurements(conn: &mut DbConnection, study_id: i64) -> StoreResult<BTreeSet<(i64, String)>> {
    let versions: Vec<(i64, String)> = protocols::table
        .filter(protocols::study_id.eq(study_id))
        .select((protocols::id, protocols::content))
        .load(conn)?;
    let mut out = BTreeSet::new();
    for (id, content) in versions {
        let Ok((protocol, _)) = parse_protocol(&content) else {
            tracing::warn!(protocol_id = id, "a stored protocol does not parse; its measurements are left out");
            continue;
        };
        for m in &protocol.measurements {
            if matches!(m.opening(), Ok(Opening::Recurring { .. })) {
                out.insert((id, m.key.clone()));
            }
        }
    }
    Ok(out)
}

/// Response id, stored item key, about whom, value kind, number.
type SliderRow = (i64, String, Option<i64>, String, Option<f64>);

/// Slider item id -> its range, for one questionnaire version.
type Ranges = HashMap<String, (f64, f64)>;

/// The sliders of each questionnaire version, parsed once per call.
#[derive(Default)]
struct Sliders {
    study_id: i64,
    by_version: HashMap<i64, std::sync::Arc<Ranges>>,
    latest: HashMap<String, Option<i64>>,
}

impl Sliders {
    /// The sliders of the version a response was answered against, or of the newest version of
    /// its questionnaire when the response does not say.
    fn of(&mut self, conn: &mut DbConnection, version: Option<i64>, key: &str) -> StoreResult<std::sync::Arc<Ranges>> {
        let version = match version {
            Some(v) => Some(v),
            None => match self.latest.get(key) {
                Some(v) => *v,
                None => {
                    let v = crate::definitions::latest_questionnaire(conn, self.study_id, key)?.map(|q| q.id);
                    self.latest.insert(key.to_string(), v);
                    v
                }
            },
        };
        let Some(version) = version else { return Ok(Default::default()) };
        if let Some(r) = self.by_version.get(&version) {
            return Ok(r.clone());
        }
        let (qkey, content): (String, String) = questionnaires::table
            .find(version)
            .select((questionnaires::key, questionnaires::content))
            .first(conn)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("questionnaire version {version}")))?;
        let ranges: Ranges = match parse_questionnaire(&content, Some(&qkey)) {
            Ok((q, _)) => q
                .all_items()
                .into_iter()
                .filter(|i| i.kind == ItemType::Range)
                .filter_map(|i| Some((i.id.clone()?, i.range_bounds())))
                .collect(),
            Err(_) => {
                tracing::warn!(
                    questionnaire_id = version,
                    "a stored questionnaire does not parse; its sliders are left out"
                );
                Ranges::new()
            }
        };
        let ranges = std::sync::Arc::new(ranges);
        self.by_version.insert(version, ranges.clone());
        Ok(ranges)
    }
}
