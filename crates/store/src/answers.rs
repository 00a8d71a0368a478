//! Storing an accepted submission: one row per item (long form, "not answered" distinct from
//! empty), paradata and scores, and the response marked completed, all in one transaction.
//! A second submit of the same response (a double click, a retry) stores nothing more.

use crate::db::{write_transaction, DbConnection};
use crate::error::StoreResult;
use crate::schema::{answers, paradata, response_scores, responses};
use crate::studies::to_db;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use koers_core::questionnaire::submit::{Accepted, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Stored,
    /// The response was completed before: this submit changed nothing.
    AlreadyCompleted,
}

/// How a value is kept in the answers table: its kind, and its text or number.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredValue {
    pub kind: &'static str,
    pub text: Option<String>,
    pub number: Option<f64>,
}

/// The columns an answer's value is kept in.
pub fn encode(v: &Value) -> StoredValue {
    let (kind, text, number) = match v {
        Value::NotAnswered => ("not_answered", None, None),
        Value::Text(t) => ("text", Some(t.clone()), None),
        Value::Number(n) => ("number", None, Some(*n)),
        Value::Choice(c) => ("option", Some(c.clone()), None),
        Value::Choices(cs) => ("options", Some(serde_json::to_string(cs).unwrap_or_default()), None),
        Value::Date(d) => ("date", Some(d.to_string()), None),
        Value::Time { hour, minute } => ("time", Some(format!("{hour:02}:{minute:02}")), None),
        Value::DateTime { date, hour, minute } => ("datetime", Some(format!("{date}T{hour:02}:{minute:02}")), None),
        Value::Json(j) => ("json", Some(j.clone()), None),
    };
    StoredValue { kind, text, number }
}

pub struct Completion<'a> {
    pub response_id: i64,
    pub questionnaire_id: Option<i64>,
    pub accepted: &'a Accepted,
    /// The local UTC offset at which it was given, in minutes (the study's zone).
    pub utc_offset_minutes: i32,
    pub started_at: Option<DateTime<Utc>>,
}

pub fn save_submission(conn: &mut DbConnection, c: &Completion<'_>, now: DateTime<Utc>) -> StoreResult<Saved> {
    write_transaction(conn, |conn| {
        let now_db = to_db(now);
        // Claiming the response with a conditional update first serialises two submits that
        // race on PostgreSQL: the second waits for the row and then finds it completed.
        let claimed = diesel::update(
            responses::table.filter(responses::id.eq(c.response_id).and(responses::completed_at.is_null())),
        )
        .set(responses::completed_at.eq(now_db))
        .execute(conn)?;
        if claimed == 0 {
            return Ok(Saved::AlreadyCompleted);
        }
        // One multi-row statement per table: a diary is dozens of rows, and a round trip per
        // row was most of a submission's time on PostgreSQL.
        let rows: Vec<_> = c
            .accepted
            .answers
            .iter()
            .map(|a| {
                let StoredValue { kind, text, number } = encode(&a.value);
                (
                    answers::response_id.eq(c.response_id),
                    answers::item_id.eq(&a.key),
                    answers::about_person_id.eq(a.about_student),
                    answers::value_kind.eq(kind),
                    answers::value_text.eq(text),
                    answers::value_number.eq(number),
                )
            })
            .collect();
        if !rows.is_empty() {
            crate::insert_all!(conn, answers::table, rows)?;
        }
        let rows: Vec<_> = c
            .accepted
            .paradata
            .iter()
            .map(|p| {
                (
                    paradata::response_id.eq(c.response_id),
                    paradata::item_id.eq(&p.key),
                    paradata::touched.eq(p.touched),
                    paradata::change_count.eq(p.changes as i32),
                    paradata::first_at.eq(p.first_at.map(to_db)),
                    paradata::last_at.eq(p.last_at.map(to_db)),
                )
            })
            .collect();
        if !rows.is_empty() {
            crate::insert_all!(conn, paradata::table, rows)?;
        }
        let rows: Vec<_> = c
            .accepted
            .scores
            .iter()
            .map(|(id, value)| {
                (
                    response_scores::response_id.eq(c.response_id),
                    response_scores::score_id.eq(id),
                    response_scores::value.eq(value),
                )
            })
            .collect();
        if !rows.is_empty() {
            crate::insert_all!(conn, response_scores::table, rows)?;
        }
        diesel::update(responses::table.find(c.response_id))
            .set((
                responses::completed_at.eq(now_db),
                responses::started_at.eq(c.started_at.map(to_db)),
                responses::questionnaire_id.eq(c.questionnaire_id),
                responses::completed_utc_offset_minutes.eq(c.utc_offset_minutes),
                responses::user_agent.eq(&c.accepted.user_agent),
            ))
            .execute(conn)?;
        Ok(Saved::Stored)
    })
}

/// One stored answer as the database holds it.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct StoredAnswer {
    pub item: String,
    pub kind: String,
    pub text: Option<String>,
    pub number: Option<f64>,
}

/// A response's stored answers, in the order they were stored.
pub fn stored_answers(conn: &mut DbConnection, response_id: i64) -> StoreResult<Vec<StoredAnswer>> {
    Ok(answers::table
        .filter(answers::response_id.eq(response_id))
        .order(answers::id)
        .select((answers::item_id, answers::value_kind, answers::value_text, answers::value_number))
        .load(conn)?)
}
