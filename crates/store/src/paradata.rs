//! Reading the paradata of completed responses for the research export: per item when it was
//! first and last touched and how often it changed, and the class of device each response was
//! given on ([`koers_core::device`]; the user agent itself never leaves the store).

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{answers, paradata, responses};
use crate::studies::from_db;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use koers_core::device::DeviceClass;
use std::collections::HashMap;

/// One item's interactions in one response.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemParadata {
    pub response_id: i64,
    pub item_id: String,
    pub touched: bool,
    pub changes: i32,
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
}

/// The paradata of some responses, by response and in the order they were stored.
pub fn items_of(conn: &mut DbConnection, response_ids: &[i64]) -> StoreResult<Vec<ItemParadata>> {
    type Raw = (i64, String, bool, i32, Option<NaiveDateTime>, Option<NaiveDateTime>);
    let rows: Vec<Raw> = paradata::table
        .filter(paradata::response_id.eq_any(response_ids))
        .order((paradata::response_id, paradata::id))
        .select((
            paradata::response_id,
            paradata::item_id,
            paradata::touched,
            paradata::change_count,
            paradata::first_at,
            paradata::last_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(response_id, item_id, touched, changes, first, last)| ItemParadata {
            response_id,
            item_id,
            touched,
            changes,
            first_at: first.map(from_db),
            last_at: last.map(from_db),
        })
        .collect())
}

/// The device class of each of these responses (responses without a user agent are unknown).
pub fn devices_of(conn: &mut DbConnection, response_ids: &[i64]) -> StoreResult<HashMap<i64, DeviceClass>> {
    let rows: Vec<(i64, Option<String>)> = responses::table
        .filter(responses::id.eq_any(response_ids))
        .select((responses::id, responses::user_agent))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, ua)| (id, DeviceClass::of(ua.as_deref()))).collect())
}

/// One item of one response: the key of what is known per item answered.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResponseItem {
    pub response_id: i64,
    pub item_id: String,
}

impl ResponseItem {
    pub fn new(response_id: i64, item_id: &str) -> Self {
        ResponseItem { response_id, item_id: item_id.to_string() }
    }
}

/// The student each item of these responses is about, where an answer names one (a mentor's
/// items repeated per student).
pub fn about_of(conn: &mut DbConnection, response_ids: &[i64]) -> StoreResult<HashMap<ResponseItem, i64>> {
    let rows: Vec<(i64, String, Option<i64>)> = answers::table
        .filter(answers::response_id.eq_any(response_ids))
        .filter(answers::about_person_id.is_not_null())
        .select((answers::response_id, answers::item_id, answers::about_person_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(response_id, item_id, a)| Some((ResponseItem { response_id, item_id }, a?)))
        .collect())
}
