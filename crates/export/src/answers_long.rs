//! `answers-long`: one row per response and item, with everything needed to place the answer in
//! time (calendar week, week since the person's start, week relative to their dropout) and in
//! the student-mentor pair. `value_code` is the number of a single choice's option (see
//! [`crate::columns::codes_of`]); empty for every other item.

use crate::batch::{self, AnswerValue, ResponseMeta};
use crate::context::StudyContext;
use crate::sink::{Cell, Sink};
use crate::{pseudonym, ExportResult, Progress, Request};
use chrono::{DateTime, SecondsFormat, Utc};
use koers_core::time::local_date;
use koers_core::weeks;
use koers_store::paradata::ResponseItem;
use koers_store::DbConnection;

pub const COLUMN_NAMES: &[&str] = &[
    "person",
    "role",
    "organisation",
    "group",
    "team",
    "pair",
    "about_person",
    "response",
    "questionnaire",
    "questionnaire_version",
    "measurement",
    "measurement_kind",
    "occurrence",
    "calendar_week",
    "week_since_start",
    "week_from_dropout",
    "invitation_sent_at",
    "reminder_sent_at",
    "opened_at",
    "started_at",
    "completed_at",
    "completed_utc_offset_minutes",
    "item",
    "value",
    "answered",
    "touched",
    "mentor",
    "value_code",
];

pub fn time(t: Option<DateTime<Utc>>) -> Cell {
    Cell::opt_text(t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)))
}

/// The columns that place a response: shared with `responses-wide`.
pub fn place(ctx: &StudyContext, key: &[u8], r: &ResponseMeta, about: Option<i64>) -> Vec<Cell> {
    let person = ctx.people.get(&r.person_id);
    let date = local_date(ctx.zone, r.open_at);
    let pair = ctx.pair_for(r.person_id, about, date);
    let start = person.and_then(|p| p.start);
    let dropout = person.and_then(|p| p.dropout_date);
    vec![
        Cell::text(pseudonym(key, r.person_id)),
        Cell::opt_text(person.map(|p| p.role.as_str())),
        Cell::opt_text(person.map(|p| p.organisation.clone())),
        Cell::opt_text(person.and_then(|p| p.group.clone())),
        Cell::opt_text(person.map(|p| p.team.clone())),
        Cell::opt_int(pair.map(|p| p.id)),
        Cell::opt_text(about.map(|a| pseudonym(key, a))),
        Cell::Int(r.id),
        Cell::text(r.questionnaire_key.clone()),
        Cell::Empty, // filled in by the caller, who knows the version
        Cell::text(r.measurement_key.clone()),
        Cell::text(ctx.measurement_kind_code(r.protocol_id, &r.measurement_key)),
        Cell::Int(i64::from(r.occurrence)),
        Cell::text(weeks::calendar_week(date)),
        Cell::opt_int(start.map(|s| weeks::week_since_start(s, date))),
        Cell::opt_int(dropout.map(|d| weeks::week_from(d, date))),
    ]
}

pub const PLACE_COLUMNS: usize = 16;

pub fn write(conn: &mut DbConnection, req: &Request, sink: &mut Sink<'_>, progress: Progress<'_>) -> ExportResult<u64> {
    let mut ctx = StudyContext::load(conn, req.study_id, req.teams.as_deref())?;
    sink.header(COLUMN_NAMES.iter().map(|c| c.to_string()).collect())?;
    let total = batch::count_completed(conn, req.study_id, req.teams.as_deref(), None)?;
    let (mut rows, mut done) = (0u64, 0u64);
    batch::each_batch(conn, req, None, |conn, responses, ids| {
        let answers = batch::answers_of(conn, ids)?;
        let touched = batch::touched_of(conn, ids)?;
        let sent = batch::sent_of(conn, ids)?;
        let mut answers = answers.into_iter().peekable();
        let mut codes: std::collections::HashMap<(i64, String), Option<crate::columns::Codes>> = Default::default();
        for r in responses {
            let version = ctx.version_of(conn, r.questionnaire_id)?;
            let s = sent.get(&r.id).copied().unwrap_or_default();
            while let Some(a) = answers.next_if(|a| a.response_id == r.id) {
                let about = a.about_person_id.or(r.about);
                // A student's own response: the mentor of their pair that week.
                let mentor = match about {
                    None => ctx
                        .pair_for(r.person_id, None, local_date(ctx.zone, r.open_at))
                        .filter(|p| p.mentor_id != r.person_id)
                        .map(|p| pseudonym(&req.pseudonym_key, p.mentor_id)),
                    Some(_) => None,
                };
                let mut cells = place(&ctx, &req.pseudonym_key, r, about);
                cells[9] = Cell::opt_text(version.clone());
                cells.extend([
                    time(s.invitation),
                    time(s.reminder),
                    time(r.opened_at),
                    time(r.started_at),
                    time(r.completed_at),
                    Cell::opt_int(r.utc_offset_minutes.map(i64::from)),
                    Cell::text(a.item_id.clone()),
                    a.value(),
                    Cell::flag(a.answered()),
                    Cell::opt_int(touched.get(&ResponseItem::new(r.id, &a.item_id)).map(|t| i64::from(*t))),
                    Cell::opt_text(mentor),
                ]);
                let item_codes = match r.questionnaire_id {
                    Some(qid) => {
                        let k = (qid, crate::columns::base_id(&a.item_id).to_string());
                        if !codes.contains_key(&k) {
                            let found = ctx.questionnaire(conn, qid)?.and_then(|q| {
                                q.all_items()
                                    .into_iter()
                                    .find(|i| i.id.as_deref() == Some(k.1.as_str()))
                                    .and_then(crate::columns::codes_of)
                            });
                            codes.insert(k.clone(), found);
                        }
                        codes[&k].as_deref()
                    }
                    None => None,
                };
                cells.push(item_codes.map_or(Cell::Empty, |c| crate::columns::code_cell(c, &a)));
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
