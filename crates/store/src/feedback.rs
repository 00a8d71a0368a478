//! A study's feedback settings (kept in its settings JSON under `feedback`) and the diary weeks
//! the early-warning rules and trends are computed from.

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{answers, responses, studies, subscriptions};
use crate::studies::{from_db, to_db};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use koers_core::feedback::Feedback;
use koers_core::warnings::{Construct, Week};
use std::collections::BTreeMap;

/// The key in a study's settings JSON.
pub const SETTING: &str = "feedback";

/// The study diary the constructs come from.
pub const STUDENT_DIARY: &str = "student_diary";

/// A study's feedback settings; all off when it has none.
pub fn settings_of(conn: &mut DbConnection, study_id: i64) -> StoreResult<Feedback> {
    let settings: String = studies::table.find(study_id).select(studies::settings).first(conn)?;
    Ok(Feedback::from_settings_json(&settings))
}

/// Replaces a study's feedback settings, keeping its other settings.
pub fn set_settings(conn: &mut DbConnection, study_id: i64, feedback: &Feedback) -> StoreResult<()> {
    let problems = feedback.problems();
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems.join("; ")));
    }
    let settings: String = studies::table.find(study_id).select(studies::settings).first(conn)?;
    let mut json: serde_json::Value = serde_json::from_str(&settings)
        .map_err(|e| StoreError::Invalid(format!("the study's settings are not valid JSON: {e}")))?;
    let value = serde_json::to_value(feedback).map_err(|e| StoreError::Invalid(e.to_string()))?;
    json.as_object_mut()
        .ok_or_else(|| StoreError::Invalid("the study's settings are not a JSON object".into()))?
        .insert(SETTING.into(), value);
    diesel::update(studies::table.find(study_id)).set(studies::settings.eq(json.to_string())).execute(conn)?;
    Ok(())
}

/// The student's own diaries that opened before `before`, one [`Week`] each in order, with the
/// value of every construct (dated by the local day the diary opened).
pub fn diary_weeks(conn: &mut DbConnection, student: i64, zone: Tz, before: DateTime<Utc>) -> StoreResult<Vec<Week>> {
    let rows: Vec<(i64, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> = responses::table
        .inner_join(subscriptions::table)
        .filter(subscriptions::person_id.eq(student))
        .filter(subscriptions::filling_out_for_id.is_null())
        .filter(responses::questionnaire_key.eq(STUDENT_DIARY))
        .filter(responses::open_at.lt(to_db(before)))
        .order((responses::open_at, responses::id))
        .select((responses::id, responses::open_at, responses::completed_at))
        .load(conn)?;
    let answered: Vec<i64> = rows.iter().filter(|r| r.2.is_some()).map(|r| r.0).collect();
    let mut numbers: BTreeMap<i64, BTreeMap<String, f64>> = BTreeMap::new();
    let mut texts: BTreeMap<i64, BTreeMap<String, String>> = BTreeMap::new();
    for chunk in answered.chunks(500) {
        let values: Vec<(i64, String, Option<String>, Option<f64>)> = answers::table
            .filter(answers::response_id.eq_any(chunk))
            .select((answers::response_id, answers::item_id, answers::value_text, answers::value_number))
            .load(conn)?;
        for (response, item, text, number) in values {
            if let Some(n) = number {
                numbers.entry(response).or_default().insert(item.clone(), n);
            }
            if let Some(t) = text {
                texts.entry(response).or_default().insert(item, t);
            }
        }
    }
    let none_n = BTreeMap::new();
    let none_t = BTreeMap::new();
    Ok(rows
        .into_iter()
        .map(|(id, open_at, completed)| {
            let (n, t) = (numbers.get(&id).unwrap_or(&none_n), texts.get(&id).unwrap_or(&none_t));
            let values = if completed.is_some() {
                Construct::ALL.into_iter().filter_map(|c| c.value(n, t).map(|v| (c, v))).collect()
            } else {
                BTreeMap::new()
            };
            Week { date: from_db(open_at).with_timezone(&zone).date_naive(), answered: completed.is_some(), values }
        })
        .collect())
}
