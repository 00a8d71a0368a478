//! A study's feedback settings (kept in its settings JSON under `feedback`) and the diary weeks
//! the early-warning rules and trends are computed from.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{answers, responses, subscriptions};
use crate::studies::{from_db, to_db};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use koers_core::trend::DiaryAnswers;
use koers_core::warnings::{Construct, Week};
use std::collections::BTreeMap;

/// Showings written in one statement (nine values each, well below SQLite's limit).
const SHOWN_CHUNK: usize = 500;

/// The study diary the constructs come from.
pub const STUDENT_DIARY: &str = "student_diary";

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

/// What a mentor may be shown about one student now: the study's setting, the student's own
/// consent of that kind, and a current pair, all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shown {
    pub trends: bool,
    pub support_match: bool,
    pub warnings: bool,
}

impl Shown {
    pub fn any(&self) -> bool {
        self.trends || self.support_match || self.warnings
    }
}

/// The gate every feedback page and warning goes through. A student who did not agree is
/// never shown, whatever the setting; a mentor sees only their own current students.
pub fn shown_to_mentor(conn: &mut DbConnection, mentor: i64, student: i64, today: NaiveDate) -> StoreResult<Shown> {
    use crate::participation::{
        active_consents, CONSENT_FEEDBACK_SUPPORT, CONSENT_FEEDBACK_TRENDS, CONSENT_FEEDBACK_WARNINGS,
        CONSENT_PARTICIPANT,
    };
    use crate::schema::{pairs, people};
    let study: Option<(i64, Option<chrono::NaiveDateTime>)> =
        people::table.find(student).select((people::study_id, people::ended_at)).first(conn).optional()?;
    let Some((study_id, ended)) = study else { return Ok(Shown::default()) };
    let mentor_study: Option<i64> = people::table.find(mentor).select(people::study_id).first(conn).optional()?;
    let paired = pairs::table
        .filter(pairs::student_id.eq(student).and(pairs::mentor_id.eq(mentor)))
        .filter(pairs::starts_on.le(today))
        .filter(pairs::ends_on.is_null().or(pairs::ends_on.ge(today)))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !paired || ended.is_some() || mentor_study != Some(study_id) {
        return Ok(Shown::default());
    }
    let f = crate::studies::settings_of(conn, study_id)?.feedback;
    let given = active_consents(conn, student)?;
    let has = |k: &str| given.iter().any(|g| g == k) && given.iter().any(|g| g == CONSENT_PARTICIPANT);
    Ok(Shown {
        trends: f.trends && has(CONSENT_FEEDBACK_TRENDS),
        support_match: f.support_match && has(CONSENT_FEEDBACK_SUPPORT),
        warnings: f.warnings && has(CONSENT_FEEDBACK_WARNINGS),
    })
}

/// One showing of feedback, as recorded and exported.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownRow {
    /// `view` or `warning`.
    pub kind: &'static str,
    pub about: i64,
    /// The mentor (a person) or a staff account it was shown to.
    pub to_person: Option<i64>,
    pub to_staff: Option<i64>,
    pub rule: Option<String>,
    pub construct: Option<String>,
    pub calendar_week: String,
    pub shown_at: DateTime<Utc>,
}

/// Records that feedback was shown: a research fact (showing it is an intervention).
pub fn record_shown(conn: &mut DbConnection, study_id: i64, rows: &[ShownRow]) -> StoreResult<()> {
    use crate::schema::feedback_shown as f;
    // One multi-row statement per chunk: a mentor's page shows several students at once.
    for chunk in rows.chunks(SHOWN_CHUNK) {
        let values: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    f::study_id.eq(study_id),
                    f::kind.eq(r.kind),
                    f::about_person_id.eq(r.about),
                    f::shown_to_person_id.eq(r.to_person),
                    f::shown_to_staff_id.eq(r.to_staff),
                    f::rule.eq(r.rule.as_deref()),
                    f::construct.eq(r.construct.as_deref()),
                    f::calendar_week.eq(&r.calendar_week),
                    f::shown_at.eq(to_db(r.shown_at)),
                )
            })
            .collect();
        crate::insert_all!(conn, f::table, &values)?;
    }
    Ok(())
}

/// Every recorded showing of a study, oldest first.
pub fn shown_of_study(conn: &mut DbConnection, study_id: i64) -> StoreResult<Vec<ShownRow>> {
    use crate::schema::feedback_shown as f;
    type Row = (String, i64, Option<i64>, Option<i64>, Option<String>, Option<String>, String, chrono::NaiveDateTime);
    let rows: Vec<Row> = f::table
        .filter(f::study_id.eq(study_id))
        .order((f::shown_at, f::id))
        .select((
            f::kind,
            f::about_person_id,
            f::shown_to_person_id,
            f::shown_to_staff_id,
            f::rule,
            f::construct,
            f::calendar_week,
            f::shown_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(kind, about, to_person, to_staff, rule, construct, calendar_week, at)| ShownRow {
            kind: if kind == "warning" { "warning" } else { "view" },
            about,
            to_person,
            to_staff,
            rule,
            construct,
            calendar_week,
            shown_at: from_db(at),
        })
        .collect())
}

/// The support items of the mentor's diary about a student (intended support).
pub const INTENDED_SUPPORT: [&str; 3] = ["intended_autonomy", "intended_competence", "intended_relatedness"];
/// The support items of the student's diary about their mentor (experienced support).
pub const EXPERIENCED_SUPPORT: [&str; 3] =
    ["mentor_support_autonomy", "mentor_support_competence", "mentor_support_relatedness"];

/// A pair's support answers per completed diary (local opening date, the answers given), from
/// the day this pair started: what the mentor meant to give and what the student experienced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SupportAnswers {
    pub intended: Vec<DiaryAnswers>,
    pub experienced: Vec<DiaryAnswers>,
}

pub fn support_answers(
    conn: &mut DbConnection,
    mentor: i64,
    student: i64,
    zone: Tz,
    before: DateTime<Utc>,
) -> StoreResult<SupportAnswers> {
    use crate::schema::pairs;
    let since: Option<NaiveDate> = pairs::table
        .filter(pairs::student_id.eq(student).and(pairs::mentor_id.eq(mentor)))
        .select(diesel::dsl::min(pairs::starts_on))
        .first(conn)?;
    let Some(since) = since else { return Ok(SupportAnswers::default()) };
    let mut per_diary = |person: i64, about: Option<i64>, items: &[&str]| -> StoreResult<Vec<DiaryAnswers>> {
        let mut q = answers::table
            .inner_join(responses::table.inner_join(subscriptions::table))
            .filter(subscriptions::person_id.eq(person))
            .filter(responses::completed_at.is_not_null())
            .filter(responses::open_at.lt(to_db(before)))
            .filter(answers::item_id.eq_any(items))
            .into_boxed();
        q = match about {
            Some(s) => q.filter(subscriptions::filling_out_for_id.eq(s)),
            None => q.filter(subscriptions::filling_out_for_id.is_null()),
        };
        let rows: Vec<(i64, chrono::NaiveDateTime, Option<f64>)> = q
            .order((responses::open_at, responses::id))
            .select((responses::id, responses::open_at, answers::value_number))
            .load(conn)?;
        let mut out: Vec<(i64, NaiveDate, Vec<f64>)> = Vec::new();
        for (id, open_at, number) in rows {
            let date = from_db(open_at).with_timezone(&zone).date_naive();
            if date < since {
                continue;
            }
            if out.last().map(|l| l.0) != Some(id) {
                out.push((id, date, Vec::new()));
            }
            if let (Some(n), Some(last)) = (number, out.last_mut()) {
                last.2.push(n);
            }
        }
        Ok(out.into_iter().map(|(_, date, values)| DiaryAnswers { date, values }).collect())
    };
    Ok(SupportAnswers {
        intended: per_diary(mentor, Some(student), &INTENDED_SUPPORT)?,
        experienced: per_diary(student, None, &EXPERIENCED_SUPPORT)?,
    })
}
