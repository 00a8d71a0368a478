//! The daily clean-up of what opens nothing any more: browser sessions that expired or were
//! revoked (participants', guardians' and staff's), and personal links long past their expiry.
//!
//! Drafts of answers (see [`crate::drafts`]) go once their window and its grace have closed.
//!
//! An expired link is kept [`LINK_KEEP_DAYS`] days, so that a participant who taps an old SMS
//! still gets the kind page with what is open now; after that it is deleted (the invitation that
//! carried it keeps its row, without the link). Links of studies in test mode are left alone:
//! their expiry is reckoned on the study's own clock, which may stand anywhere.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{invitations, link_tokens, people, studies};
use crate::sessions;
use crate::studies::to_db;
use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;

/// Days an expired personal link is kept for the "this link has expired" page.
pub const LINK_KEEP_DAYS: i64 = 30;
/// A draft outlives its window's close by the longest grace period a protocol may give.
const DRAFT_GRACE: TimeDelta = koers_core::protocol::LONGEST_GRACE_PERIOD;
/// Rows deleted per statement (SQLite's bound-parameter limit, and short locks).
const CHUNK: i64 = 500;

/// What one clean-up deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cleaned {
    pub sessions: usize,
    pub links: usize,
    /// Drafts of responses whose window (with its grace period) has closed.
    pub drafts: usize,
}

/// Deletes ended sessions and old expired links, in short transactions.
pub fn clean(db: &crate::Database, now: DateTime<Utc>) -> StoreResult<Cleaned> {
    let sessions = db.write(|c| sessions::delete_ended(c, now))?;
    let before = to_db(now - TimeDelta::days(LINK_KEEP_DAYS));
    let mut links = 0;
    loop {
        let n = db.write(|c| delete_old_links(c, before))?;
        links += n;
        if n < CHUNK as usize {
            break;
        }
    }
    let drafts = db.write(|c| crate::drafts::delete_closed(c, to_db(now - DRAFT_GRACE)))?;
    Ok(Cleaned { sessions, links, drafts })
}

fn delete_old_links(c: &mut DbConnection, before: chrono::NaiveDateTime) -> StoreResult<usize> {
    let real_studies = studies::table.filter(studies::test_mode.eq(false)).select(studies::id);
    let in_real_studies = people::table.filter(people::study_id.eq_any(real_studies)).select(people::id);
    let ids: Vec<i64> = link_tokens::table
        .filter(link_tokens::expires_at.lt(before).or(link_tokens::revoked_at.lt(before)))
        .filter(link_tokens::person_id.eq_any(in_real_studies))
        .order(link_tokens::id)
        .limit(CHUNK)
        .select(link_tokens::id)
        .load(c)?;
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::update(invitations::table.filter(invitations::link_token_id.eq_any(&ids)))
        .set(invitations::link_token_id.eq(None::<i64>))
        .execute(c)?;
    Ok(diesel::delete(link_tokens::table.filter(link_tokens::id.eq_any(&ids))).execute(c)?)
}
