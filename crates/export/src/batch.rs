//! Completed responses read a batch at a time (keyset on the response id), with what belongs to
//! them: answers, paradata, scores and when their invitation and reminder went out.

use crate::ExportResult;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use koers_core::invitation::InvitationKind;
use koers_store::paradata::ResponseItem;
use koers_store::schema::{
    invitation_responses, invitations, paradata, people, response_scores, responses, subscriptions,
};
use koers_store::studies::from_db;
use koers_store::{DbConnection, StoreError};
use std::collections::HashMap;

/// Responses per batch: their answers (a few dozen each) stay well under a megabyte or two.
pub const BATCH: i64 = 1_000;

pub struct ResponseMeta {
    pub id: i64,
    pub person_id: i64,
    pub protocol_id: i64,
    /// The student a mentor's questionnaire is about.
    pub about: Option<i64>,
    pub measurement_key: String,
    pub occurrence: i32,
    pub questionnaire_key: String,
    pub questionnaire_id: Option<i64>,
    pub open_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub utc_offset_minutes: Option<i32>,
}

type MetaTuple = (
    i64,
    i64,
    i64,
    Option<i64>,
    String,
    i32,
    String,
    Option<i64>,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
    Option<i32>,
);

/// Walks the completed responses of a request's study (of its teams; of one questionnaire when
/// given) a batch at a time, oldest first, handing `page` each batch and the ids in it.
pub fn each_batch(
    conn: &mut DbConnection,
    req: &crate::Request,
    questionnaire: Option<&str>,
    mut page: impl FnMut(&mut DbConnection, &[ResponseMeta], &[i64]) -> ExportResult<()>,
) -> ExportResult<()> {
    let mut after = 0;
    loop {
        let responses = completed_responses(conn, req.study_id, req.teams.as_deref(), after, questionnaire)?;
        let Some(last) = responses.last() else { return Ok(()) };
        after = last.id;
        let ids: Vec<i64> = responses.iter().map(|r| r.id).collect();
        page(conn, &responses, &ids)?;
    }
}

/// The next completed responses of a study (of people of `teams` when given) after `after` (a
/// response id), oldest id first.
pub fn completed_responses(
    conn: &mut DbConnection,
    study_id: i64,
    teams: Option<&[i64]>,
    after: i64,
    questionnaire: Option<&str>,
) -> ExportResult<Vec<ResponseMeta>> {
    let mut q = responses::table
        .inner_join(subscriptions::table.inner_join(people::table))
        .filter(people::study_id.eq(study_id))
        .filter(responses::completed_at.is_not_null())
        .filter(responses::id.gt(after))
        .into_boxed();
    if let Some(key) = questionnaire {
        q = q.filter(responses::questionnaire_key.eq(key.to_string()));
    }
    if let Some(t) = teams {
        q = q.filter(people::team_id.eq_any(t.to_vec()));
    }
    let rows: Vec<MetaTuple> = q
        .order(responses::id)
        .limit(BATCH)
        .select((
            responses::id,
            subscriptions::person_id,
            subscriptions::protocol_id,
            subscriptions::filling_out_for_id,
            responses::measurement_key,
            responses::occurrence,
            responses::questionnaire_key,
            responses::questionnaire_id,
            responses::open_at,
            responses::opened_at,
            responses::started_at,
            responses::completed_at,
            responses::completed_utc_offset_minutes,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ResponseMeta {
            id: r.0,
            person_id: r.1,
            protocol_id: r.2,
            about: r.3,
            measurement_key: r.4,
            occurrence: r.5,
            questionnaire_key: r.6,
            questionnaire_id: r.7,
            open_at: from_db(r.8),
            opened_at: r.9.map(from_db),
            started_at: r.10.map(from_db),
            completed_at: r.11.map(from_db),
            utc_offset_minutes: r.12,
        })
        .collect())
}

/// How many completed responses an export will go through (for the progress bar).
pub fn count_completed(
    conn: &mut DbConnection,
    study_id: i64,
    teams: Option<&[i64]>,
    questionnaire: Option<&str>,
) -> ExportResult<i64> {
    let mut q = responses::table
        .inner_join(subscriptions::table.inner_join(people::table))
        .filter(people::study_id.eq(study_id))
        .filter(responses::completed_at.is_not_null())
        .into_boxed();
    if let Some(key) = questionnaire {
        q = q.filter(responses::questionnaire_key.eq(key.to_string()));
    }
    if let Some(t) = teams {
        q = q.filter(people::team_id.eq_any(t.to_vec()));
    }
    Ok(q.count().get_result(conn)?)
}

/// A stored answer, read by the store's own query (the API reads answers the same way).
pub use koers_store::api_reads::{answers_of, AnswerRow};

/// How an export writes a stored answer.
pub trait AnswerValue {
    fn answered(&self) -> bool;
    /// The value as one cell: a number, a code, ticked codes joined by `;`, or text.
    fn value(&self) -> crate::sink::Cell;
    /// The ticked codes of a multi-select answer (or the one code of a single choice).
    fn choices(&self) -> Vec<String>;
}

impl AnswerValue for AnswerRow {
    fn answered(&self) -> bool {
        self.kind != "not_answered"
    }

    fn value(&self) -> crate::sink::Cell {
        use crate::sink::Cell;
        match self.kind.as_str() {
            "not_answered" => Cell::Empty,
            "number" => Cell::opt_num(self.number),
            "options" => Cell::text(self.choices().join(";")),
            _ => Cell::opt_text(self.text.clone()),
        }
    }

    fn choices(&self) -> Vec<String> {
        match self.kind.as_str() {
            "options" => self.text.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default(),
            "option" => self.text.iter().cloned().collect(),
            _ => Vec::new(),
        }
    }
}

/// Whether each item of these responses was touched (sliders), from the paradata.
pub fn touched_of(conn: &mut DbConnection, ids: &[i64]) -> ExportResult<HashMap<ResponseItem, bool>> {
    let rows: Vec<(i64, String, bool)> = paradata::table
        .filter(paradata::response_id.eq_any(ids))
        .select((paradata::response_id, paradata::item_id, paradata::touched))
        .load(conn)?;
    Ok(rows.into_iter().map(|(response_id, item_id, t)| (ResponseItem { response_id, item_id }, t)).collect())
}

/// A response's scores: (score id, value).
pub type Scores = Vec<(String, Option<f64>)>;

/// Scores of these responses.
pub fn scores_of(conn: &mut DbConnection, ids: &[i64]) -> ExportResult<HashMap<i64, Scores>> {
    let rows: Vec<(i64, String, Option<f64>)> = response_scores::table
        .filter(response_scores::response_id.eq_any(ids))
        .order(response_scores::id)
        .select((response_scores::response_id, response_scores::score_id, response_scores::value))
        .load(conn)?;
    let mut out: HashMap<i64, Scores> = HashMap::new();
    for (r, s, v) in rows {
        out.entry(r).or_default().push((s, v));
    }
    Ok(out)
}

/// When the invitation and the reminder of each response went out (if they did).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sent {
    pub invitation: Option<DateTime<Utc>>,
    pub reminder: Option<DateTime<Utc>>,
}

pub fn sent_of(conn: &mut DbConnection, ids: &[i64]) -> ExportResult<HashMap<i64, Sent>> {
    // Through the link table: one SMS to a mentor covers the diaries about all their students.
    let rows: Vec<(i64, String, Option<chrono::NaiveDateTime>)> = invitation_responses::table
        .inner_join(invitations::table)
        .filter(invitation_responses::response_id.eq_any(ids))
        .filter(invitations::sent_at.is_not_null())
        .select((invitation_responses::response_id, invitations::kind, invitations::sent_at))
        .load(conn)?;
    // And directly: an invitation always names its first response.
    let direct: Vec<(Option<i64>, String, Option<chrono::NaiveDateTime>)> = invitations::table
        .filter(invitations::response_id.eq_any(ids))
        .filter(invitations::sent_at.is_not_null())
        .select((invitations::response_id, invitations::kind, invitations::sent_at))
        .load(conn)?;
    let rows = rows.into_iter().chain(direct.into_iter().filter_map(|(r, k, at)| Some((r?, k, at))));
    let mut out: HashMap<i64, Sent> = HashMap::new();
    for (r, kind, at) in rows {
        let Some(at) = at else { continue };
        let e = out.entry(r).or_default();
        let reminder = InvitationKind::try_from(kind).map_err(StoreError::from)? == InvitationKind::Reminder;
        let slot = if reminder { &mut e.reminder } else { &mut e.invitation };
        let at = from_db(at);
        *slot = Some(slot.map_or(at, |s| s.min(at)));
    }
    Ok(out)
}
