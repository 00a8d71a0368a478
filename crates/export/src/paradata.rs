//! `paradata`: one row per response and item, how it was answered: when the item was first and
//! last interacted with, whether it was touched (a slider left where it started is not), how
//! often it changed, and the class of device the response was given on (phone, tablet, desktop
//! or unknown; never the user agent itself). The first columns place the response exactly as
//! in `answers-long`, so the two join on `response` and `item`.

use crate::answers_long::{place, time, COLUMN_NAMES, PLACE_COLUMNS};
use crate::batch;
use crate::context::StudyContext;
use crate::sink::{Cell, Sink};
use crate::{ExportResult, Progress, Request};
use koers_core::device::DeviceClass;
use koers_store::paradata::ResponseItem;
use koers_store::DbConnection;

/// The columns after the placing ones, with what each holds (the codebook prints these).
pub const COLUMNS: [(&str, &str); 6] = [
    ("item", "the item's id as stored (as in answers-long; a mentor's item about a student ends in _s and a number)"),
    ("touched", "1 if the item was interacted with on the page, 0 if not (a slider left at its start is 0)"),
    ("changes", "how often the value changed on the page"),
    ("first_interaction_at", "when the item was first interacted with (UTC, from the page's script)"),
    ("last_interaction_at", "when the item was last interacted with (UTC, from the page's script)"),
    ("device", "phone, tablet, desktop or unknown, from the browser's user agent (iPads since 2019 count as desktop)"),
];

/// Every column name of the export.
pub fn column_names() -> Vec<String> {
    COLUMN_NAMES[..PLACE_COLUMNS].iter().chain(COLUMNS.iter().map(|c| &c.0)).map(|c| c.to_string()).collect()
}

pub fn write(conn: &mut DbConnection, req: &Request, sink: &mut Sink<'_>, progress: Progress<'_>) -> ExportResult<u64> {
    let mut ctx = StudyContext::load(conn, req.study_id, req.teams.as_deref())?;
    sink.header(column_names())?;
    let total = batch::count_completed(conn, req.study_id, req.teams.as_deref(), None)?;
    let (mut rows, mut done) = (0u64, 0u64);
    batch::each_batch(conn, req, None, |conn, responses, ids| {
        let items = koers_store::paradata::items_of(conn, ids)?;
        let devices = koers_store::paradata::devices_of(conn, ids)?;
        let about = koers_store::paradata::about_of(conn, ids)?;
        let mut items = items.into_iter().peekable();
        for r in responses {
            let version = ctx.version_of(conn, r.questionnaire_id)?;
            let device = devices.get(&r.id).copied().unwrap_or(DeviceClass::Unknown);
            while let Some(p) = items.next_if(|p| p.response_id == r.id) {
                let about = about.get(&ResponseItem::new(r.id, &p.item_id)).copied().or(r.about);
                let mut cells = place(&ctx, &req.pseudonym_key, r, about);
                cells[9] = Cell::opt_text(version.clone());
                cells.extend([
                    Cell::text(p.item_id),
                    Cell::flag(p.touched),
                    Cell::Int(i64::from(p.changes)),
                    time(p.first_at),
                    time(p.last_at),
                    Cell::text(device.as_str()),
                ]);
                sink.row(&cells)?;
                rows += 1;
            }
            done += 1;
        }
        progress(done, Some(total as u64));
        Ok(())
    })?;
    Ok(rows)
}
