//! `rates`: response rates per role, measurement kind (diary, intake, closing apart), group and
//! week since the person's start: the windows that opened up to now and how many were completed.
//! The same numbers as the report's response curves ([`crate::report::response_curves`]).

use crate::context::StudyContext;
use crate::sink::{Cell, Sink};
use crate::{ExportResult, Progress, Request};
use koers_store::DbConnection;

/// The columns, with what each holds (the codebook prints these).
pub const COLUMNS: [(&str, &str); 7] = [
    ("role", "student or mentor"),
    ("measurement_kind", "diary, intake or closing (a mentor's diary about each student counts as one window each)"),
    ("group", "the person's group (their own, else their organisation's); empty when they have none"),
    ("week_since_start", "1 in the calendar week of the person's start, 2 in the next, and so on"),
    ("windows_opened", "questionnaire windows that opened up to the moment of the export"),
    ("completed", "of those, how many were completed"),
    ("response_rate", "completed / windows_opened, rounded to 3 decimals"),
];

pub fn write(conn: &mut DbConnection, req: &Request, sink: &mut Sink<'_>, progress: Progress<'_>) -> ExportResult<u64> {
    let ctx = StudyContext::load(conn, req.study_id, req.teams.as_deref())?;
    sink.header(COLUMNS.iter().map(|c| c.0.to_string()).collect())?;
    let curves = crate::report::response_curves(conn, req, &ctx)?.rates;
    let mut rows = 0u64;
    for ((series, group, week), rate) in &curves {
        let (role, kind) = series.split_once(' ').unwrap_or((series.as_str(), ""));
        sink.row(&[
            Cell::text(role),
            Cell::text(kind),
            // The report labels people without a group "-"; a cell left empty is how every
            // export says "none" (and a "-" would be neutralised as a spreadsheet formula).
            if group == crate::report::NO_GROUP { Cell::Empty } else { Cell::text(group.clone()) },
            Cell::Int(*week),
            Cell::Int(rate.opened as i64),
            Cell::Int(rate.completed as i64),
            rate.rate().map_or(Cell::Empty, |r| Cell::Num((r * 1000.0).round() / 1000.0)),
        ])?;
        rows += 1;
    }
    progress(rows, Some(rows));
    Ok(rows)
}
