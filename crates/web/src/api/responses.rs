//! What researchers read: `GET /api/v1/studies/{key}/responses` (every window that has opened,
//! with its answers) and `GET /api/v1/studies/{key}/response-rates` (per calendar week and role).
//!
//! People appear only as pseudonyms, the same keyed hash as in the exports
//! ([`koers_export::pseudonym`]), so the API and a downloaded dataset can be joined but neither
//! leads back to a name or phone number without the installation's secret.

use super::auth::secret_or_unavailable;
use super::paging::{api_page, PageQuery};
use super::problem::Problem;
use super::scopes::Scope;
use super::studies::study_for;
use super::{json_ok, list_request, read};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use koers_store::api_reads::{self, AnswerRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// One answer of a response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AnswerItem {
    /// The item's id in the questionnaire.
    pub item: String,
    /// `number`, `text`, `option`, `options`, `date`, `time`, `datetime`, `json` or
    /// `not_answered` (shown but left unanswered; never-shown items have no answer at all).
    pub kind: String,
    /// A number, a text, a list of option values (`options`), or null when not answered.
    pub value: Value,
    /// The pseudonym of the person the answer is about (a mentor's diary about a student).
    pub about: Option<String>,
}

/// One questionnaire window of one person.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResponseItem {
    pub id: i64,
    /// Pseudonymous person id (keyed hash, as in the exports).
    pub person: String,
    /// `student` or `mentor`.
    pub role: String,
    /// The organisation's key.
    pub organisation: String,
    pub team: String,
    /// The person is excluded from analyses.
    pub excluded: bool,
    pub questionnaire: String,
    /// Content hash of the questionnaire version answered.
    pub questionnaire_version: Option<String>,
    /// The protocol's measurement (intake, diary, closing, ...).
    pub measurement: String,
    /// Which occurrence of the measurement, from 0.
    pub occurrence: i32,
    pub open_at: DateTime<Utc>,
    pub close_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Local UTC offset when it was completed, in minutes.
    pub completed_utc_offset_minutes: Option<i32>,
    pub answers: Vec<AnswerItem>,
}

api_page!(ResponsePage, ResponseItem, "A page of responses, by id.");

/// Response rate of one role in one calendar week.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RateItem {
    /// ISO 8601 week in the study's time zone, e.g. `2026-W42`.
    pub week: String,
    /// `student` or `mentor`.
    pub role: String,
    /// Questionnaire windows that opened in the week.
    pub invited: i64,
    /// Of those, how many were completed.
    pub completed: i64,
    /// `completed / invited`, from 0 to 1.
    #[schema(minimum = 0, maximum = 1)]
    pub rate: f64,
}

api_page!(RatePage, RateItem, "A page of response rates, by week and role.");

fn answer_value(a: &AnswerRow) -> Value {
    match a.kind.as_str() {
        "not_answered" => Value::Null,
        "number" => a.number.and_then(serde_json::Number::from_f64).map(Value::Number).unwrap_or(Value::Null),
        "options" => a
            .text
            .as_deref()
            .and_then(|t| serde_json::from_str::<Vec<String>>(t).ok())
            .map(Value::from)
            .unwrap_or(Value::Null),
        _ => a.text.clone().map(Value::String).unwrap_or(Value::Null),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/studies/{key}/responses",
    operation_id = "list_responses",
    tag = "responses",
    params(("key" = String, Path, description = "The study's key.", max_length = 100), PageQuery),
    responses(
        (status = 200, description = "Windows that have opened, with answers; people as pseudonyms only.", body = ResponsePage),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token or the caller's roles in this study lack `responses:read`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, or the caller has no role in it.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Paging parameters out of range.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server cannot answer now.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["responses:read"]))
)]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let (who, paging) = list_request(&state, &req, Scope::ResponsesRead).await?;
    let pseudonym_key = koers_export::pseudonym_key(secret_or_unavailable(&state)?.as_bytes());
    let real_now = state.real_clock.now();
    let key = key.into_inner();
    let (total, rows, answers) = read(&state, move |c| {
        let (study, teams) = study_for(c, &who, &key, Scope::ResponsesRead)?;
        let now = study.clock().at(real_now);
        let api_reads::Page { total, rows } =
            api_reads::responses_page(c, study.id, teams.filter(), now, paging.offset(), paging.per_page)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let answers = api_reads::answers_of(c, &ids)?;
        Ok((total, rows, answers))
    })
    .await?;
    let pseudonym = |id: i64| koers_export::pseudonym(&pseudonym_key, id);
    let mut by_response: BTreeMap<i64, Vec<AnswerItem>> = BTreeMap::new();
    for a in &answers {
        by_response.entry(a.response_id).or_default().push(AnswerItem {
            item: a.item_id.clone(),
            kind: a.kind.clone(),
            value: answer_value(a),
            about: a.about_person_id.map(pseudonym),
        });
    }
    let items = rows
        .into_iter()
        .map(|r| ResponseItem {
            answers: by_response.remove(&r.id).unwrap_or_default(),
            id: r.id,
            person: pseudonym(r.person_id),
            role: r.role.as_str().into(),
            organisation: r.organisation_key,
            team: r.team_name,
            excluded: r.excluded,
            questionnaire: r.questionnaire_key,
            questionnaire_version: r.questionnaire_version,
            measurement: r.measurement_key,
            occurrence: r.occurrence,
            open_at: r.open_at,
            close_at: r.close_at,
            opened_at: r.opened_at,
            started_at: r.started_at,
            completed_at: r.completed_at,
            completed_utc_offset_minutes: r.completed_utc_offset_minutes,
        })
        .collect();
    Ok(json_ok(&ResponsePage::new(items, paging, total)))
}

/// Counts per opening instant, summed into calendar weeks of the study's zone.
fn rates(zone: Tz, counts: &[api_reads::OpenedCount]) -> Vec<RateItem> {
    let mut weeks: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for c in counts {
        let week = koers_core::weeks::calendar_week(koers_core::time::local_date(zone, c.open_at));
        let e = weeks.entry((week, c.role.as_str().to_string())).or_default();
        e.0 += c.opened;
        e.1 += c.completed;
    }
    weeks
        .into_iter()
        .filter(|(_, (invited, _))| *invited > 0)
        .map(|((week, role), (invited, completed))| RateItem {
            week,
            role,
            invited,
            completed,
            rate: ((completed as f64 / invited as f64) * 10_000.0).round() / 10_000.0,
        })
        .collect()
}

#[utoipa::path(
    get,
    path = "/api/v1/studies/{key}/response-rates",
    operation_id = "list_response_rates",
    tag = "responses",
    params(("key" = String, Path, description = "The study's key.", max_length = 100), PageQuery),
    responses(
        (status = 200, description = "Per calendar week (oldest first) and role: windows opened, completed, and the rate.", body = RatePage),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token or the caller's roles in this study lack `responses:read`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, or the caller has no role in it.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Paging parameters out of range.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server cannot answer now.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["responses:read"]))
)]
pub async fn rates_list(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let (who, paging) = list_request(&state, &req, Scope::ResponsesRead).await?;
    let real_now = state.real_clock.now();
    let key = key.into_inner();
    let (zone, counts) = read(&state, move |c| {
        let (study, teams) = study_for(c, &who, &key, Scope::ResponsesRead)?;
        let now = study.clock().at(real_now);
        let zone: Tz = study.zone()?;
        Ok((zone, api_reads::opened_counts(c, study.id, teams.filter(), now)?))
    })
    .await?;
    let all = rates(zone, &counts);
    let total = all.len() as i64;
    Ok(json_ok(&RatePage::new(paging.slice(all), paging, total)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn rates_sum_openings_into_local_weeks() {
        let at = |d, h| Utc.with_ymd_and_hms(2026, 10, d, h, 0, 0).unwrap();
        let count = |open_at, role: &str, opened, completed| api_reads::OpenedCount {
            open_at,
            role: koers_core::people::Role::parse(role).unwrap(),
            opened,
            completed,
        };
        // Sunday 18 October 22:30 UTC is Monday 00:30 in Amsterdam: the next week there.
        let late_sunday = Utc.with_ymd_and_hms(2026, 10, 18, 22, 30, 0).unwrap();
        let r = rates(
            chrono_tz::Europe::Amsterdam,
            &[
                count(at(12, 8), "student", 4, 3),
                count(at(14, 8), "student", 2, 0),
                count(at(12, 8), "mentor", 3, 3),
                count(late_sunday, "student", 1, 1),
            ],
        );
        let got: Vec<(&str, &str, i64, i64, f64)> =
            r.iter().map(|x| (x.week.as_str(), x.role.as_str(), x.invited, x.completed, x.rate)).collect();
        assert_eq!(
            got,
            vec![
                ("2026-W42", "mentor", 3, 3, 1.0),
                ("2026-W42", "student", 6, 3, 0.5),
                ("2026-W43", "student", 1, 1, 1.0),
            ]
        );
    }

    #[test]
    fn answers_keep_their_types() {
        let a = |kind: &str, text: Option<&str>, number: Option<f64>| AnswerRow {
            response_id: 1,
            item_id: "v1".into(),
            about_person_id: None,
            kind: kind.into(),
            text: text.map(String::from),
            number,
        };
        assert_eq!(answer_value(&a("number", None, Some(42.5))), serde_json::json!(42.5));
        assert_eq!(answer_value(&a("options", Some("[\"a\",\"b\"]"), None)), serde_json::json!(["a", "b"]));
        assert_eq!(answer_value(&a("not_answered", None, None)), Value::Null);
        assert_eq!(answer_value(&a("text", Some("zo"), None)), serde_json::json!("zo"));
    }
}
