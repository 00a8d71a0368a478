//! Answers kept as a person answers, before they submit: restored when the page is reloaded,
//! opened from the SMS again or on another device. A draft belongs to the response, not to the
//! browser's session, so a submit that meets an ended session keeps what was posted too.
//! Drafts are never exported as answers; they are deleted when the response is completed (in
//! its transaction) and by the daily clean-up once the window has closed ([`delete_closed`]).

use crate::db::{write_transaction, DbConnection};
use crate::error::StoreResult;
use crate::schema::{people, response_drafts, responses, studies, subscriptions, web_sessions};
use crate::studies::to_db;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

/// At most this many fields are kept of one form (a real form has far fewer).
pub const MAX_FIELDS: usize = 2000;
/// At most this many bytes of fields are kept per draft.
pub const MAX_BYTES: usize = 128 * 1024;

/// Keeps these fields as the response's draft, replacing the one before; fields past the
/// limits are left out (a draft is a convenience, never a reason to refuse a person).
pub fn save(
    conn: &mut DbConnection,
    response_id: i64,
    fields: &[(String, String)],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut size = 0;
    let kept: Vec<&(String, String)> = fields
        .iter()
        .take(MAX_FIELDS)
        .take_while(|(k, v)| {
            size += k.len() + v.len();
            size <= MAX_BYTES
        })
        .collect();
    let json = serde_json::to_string(&kept).expect("pairs of strings serialise");
    write_transaction(conn, |conn| {
        diesel::delete(response_drafts::table.find(response_id)).execute(conn)?;
        diesel::insert_into(response_drafts::table)
            .values((
                response_drafts::response_id.eq(response_id),
                response_drafts::fields.eq(json),
                response_drafts::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// The response's draft, as the form sent it.
pub fn load(conn: &mut DbConnection, response_id: i64) -> StoreResult<Option<Vec<(String, String)>>> {
    let json: Option<String> =
        response_drafts::table.find(response_id).select(response_drafts::fields).first(conn).optional()?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

/// Deletes the drafts of these responses (completed, or their answers withdrawn).
pub fn delete_of(conn: &mut DbConnection, response_ids: &[i64]) -> StoreResult<usize> {
    Ok(diesel::delete(response_drafts::table.filter(response_drafts::response_id.eq_any(response_ids)))
        .execute(conn)?)
}

/// The participant whose form carried this CSRF token, while their session has not been
/// revoked: a submit whose cookie is gone (expired, cleared, another app's browser) can still
/// keep its answers for the person who saw the form. The token is random, per session and only
/// ever in that person's pages, so it proves as much as the cookie did.
pub fn owner_of_form(conn: &mut DbConnection, csrf_token: &str) -> StoreResult<Option<i64>> {
    if csrf_token.len() < 16 {
        return Ok(None);
    }
    let person: Option<Option<i64>> = web_sessions::table
        .filter(web_sessions::csrf_token.eq(csrf_token))
        .filter(web_sessions::kind.eq("participant"))
        .filter(web_sessions::revoked_at.is_null())
        .select(web_sessions::person_id)
        .first(conn)
        .optional()?;
    Ok(person.flatten())
}

/// Deletes drafts of responses whose window closed before `before`, in studies on real time
/// (a test-mode study's windows follow its own clock); returns how many.
pub fn delete_closed(conn: &mut DbConnection, before: NaiveDateTime) -> StoreResult<usize> {
    let real_studies = studies::table.filter(studies::test_mode.eq(false)).select(studies::id);
    let in_real_studies = people::table.filter(people::study_id.eq_any(real_studies)).select(people::id);
    let closed = responses::table
        .inner_join(subscriptions::table)
        .filter(subscriptions::person_id.eq_any(in_real_studies))
        .filter(responses::close_at.lt(before))
        .select(responses::id);
    Ok(diesel::delete(response_drafts::table.filter(response_drafts::response_id.eq_any(closed))).execute(conn)?)
}

/// The answers of the person's last completed response to `questionnaire_key` about
/// `student` that opened before `before`: what "same as last week" copies into this week's
/// diary. `None` when there is no such response.
pub fn last_completed_about(
    conn: &mut DbConnection,
    person_id: i64,
    student_id: i64,
    questionnaire_key: &str,
    before: DateTime<Utc>,
) -> StoreResult<Option<Vec<crate::answers::StoredAnswer>>> {
    let last: Option<i64> = responses::table
        .inner_join(subscriptions::table)
        .filter(subscriptions::person_id.eq(person_id))
        .filter(subscriptions::filling_out_for_id.eq(student_id))
        .filter(responses::questionnaire_key.eq(questionnaire_key))
        .filter(responses::open_at.lt(to_db(before)))
        .filter(responses::completed_at.is_not_null())
        .order((responses::open_at.desc(), responses::id.desc()))
        .select(responses::id)
        .first(conn)
        .optional()?;
    match last {
        Some(id) => Ok(Some(crate::answers::stored_answers(conn, id)?)),
        None => Ok(None),
    }
}
