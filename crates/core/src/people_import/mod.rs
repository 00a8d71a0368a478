//! Planning an import of people from a CSV file with u-can-act's columns.
//!
//! The plan is made in full before anything is written: every problem of every row is collected
//! (so a coordinator fixes a file in one go), and the store applies a plan only when it has no
//! problems, in one transaction. Re-importing the same file plans the same people, which the
//! store recognises by phone number, so nothing changes.

mod cross_check;
mod read;
#[cfg(test)]
mod tests;

use crate::msg::Msg;
use crate::people::{Gender, Locale, Role};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The columns an import file may have, in u-can-act's order (`locale` and `group` are koers's
/// own).
pub const COLUMNS: &[&str] = &[
    "type",
    "team_name",
    "role_title",
    "first_name",
    "last_name",
    "gender",
    "mobile_phone",
    "email",
    "protocol_name",
    "start_date",
    "filling_out_for",
    "filling_out_for_protocol",
    "end_date",
    "locale",
    "group",
];
const REQUIRED: &[&str] = &["type", "team_name", "first_name", "mobile_phone"];

/// Larger files are refused before parsing: an import is a class list, not a data dump.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_ROWS: usize = 100_000;
const MAX_NAME: usize = 100;
const MAX_EMAIL: usize = 254;

/// One thing wrong with an import file; shown as `FILE:LINE: column: message`, the message in
/// the reader's language from the catalogue (core says which rule, not in which words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub line: u64,
    pub column: Option<String>,
    pub msg: Msg,
}

/// What the database already holds that an import must agree with.
#[derive(Debug, Clone, Default)]
pub struct ImportContext {
    /// Dates without a `start_date` start today (in the study's zone).
    pub today: NaiveDate,
    pub known_teams: BTreeSet<String>,
    pub create_teams: bool,
    /// Protocol names, with the role they are for when the protocol says so.
    pub protocols: BTreeMap<String, Option<Role>>,
    /// People already enrolled, by E.164 phone number.
    pub existing: HashMap<String, Role>,
    /// The study's groups; a row's `group` must be one of them.
    pub groups: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPerson {
    pub line: u64,
    pub role: Role,
    pub team_name: String,
    pub role_title: Option<String>,
    pub first_name: String,
    pub last_name: Option<String>,
    pub gender: Option<Gender>,
    pub phone: String,
    pub email: Option<String>,
    pub locale: Option<Locale>,
    /// The study group set for this person; without it, their organisation's.
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlannedSubscription {
    pub phone: String,
    pub protocol: String,
    pub filling_out_for: Option<String>,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub line: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPair {
    pub line: u64,
    pub mentor_phone: String,
    pub student_phone: String,
    pub start: NaiveDate,
}

/// Everything a valid file asks for, with people listed once each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    pub new_teams: Vec<String>,
    pub people: Vec<PlannedPerson>,
    pub subscriptions: Vec<PlannedSubscription>,
    pub pairs: Vec<PlannedPair>,
}

/// One row as read, before cross-row checks.
struct Row {
    line: u64,
    person: PlannedPerson,
    protocol: Option<String>,
    start: NaiveDate,
    end: Option<NaiveDate>,
    filling_out_for: Option<String>,
    filling_out_for_protocol: Option<String>,
}

/// Reads and checks a whole file; either a plan or every problem found.
pub fn plan_people_import(data: &[u8], ctx: &ImportContext) -> Result<ImportPlan, Vec<ImportProblem>> {
    let mut problems = Vec::new();
    let mut phones_seen = HashMap::new();
    let rows = read::read_rows(data, ctx, &mut problems, &mut phones_seen)?;
    let plan = cross_check::cross_check(rows, &phones_seen, ctx, &mut problems);
    if problems.is_empty() {
        Ok(plan)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

fn problem(line: u64, column: &str, msg: Msg) -> ImportProblem {
    ImportProblem { line, column: Some(column.to_string()), msg }
}

fn file_problem(line: u64, msg: Msg) -> Vec<ImportProblem> {
    vec![ImportProblem { line, column: None, msg }]
}

/// Every phone number read, with its line and whether the row was a mentor's, so that a
/// number used twice is reported even when the other row had mistakes of its own.
/// Only the first line a number is on is kept.
type PhonesSeen = HashMap<String, (u64, bool)>;

/// Dates as people type them: ISO (2026-09-01) or Dutch (01-09-2026, 1/9/2026).
pub fn parse_date(s: &str) -> Result<NaiveDate, Msg> {
    for fmt in ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            if (1900..=2200).contains(&chrono::Datelike::year(&d)) {
                return Ok(d);
            }
        }
    }
    Err(Msg::new("import-date-invalid").arg("value", s))
}
