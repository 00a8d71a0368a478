//! `responses-wide`: one row per response, one column per item (see [`crate::columns`]). For one
//! questionnaire the columns are the item ids; for all of a study's questionnaires at once they
//! are prefixed with the questionnaire key (`student_diary.wellbeing`). Every name in the header
//! is the short name of [`koers_core::varnames`] (at most 32 characters, e.g.
//! `student_diary_wellbeing`); the codebook holds the long one.

use crate::answers_long::{place, time, PLACE_COLUMNS};
use crate::batch;
use crate::columns::{self, Column};
use crate::context::{questionnaire_versions, StudyContext};
use crate::sink::{Cell, Sink};
use crate::{ExportResult, Progress, Request};
use koers_store::DbConnection;
use std::collections::{BTreeMap, HashMap};

pub fn write(conn: &mut DbConnection, req: &Request, sink: &mut Sink<'_>, progress: Progress<'_>) -> ExportResult<u64> {
    let mut ctx = StudyContext::load(conn, req.study_id, req.teams.as_deref())?;
    let versions = questionnaire_versions(conn, req.study_id)?;
    let mut by_key: BTreeMap<String, Vec<&koers_core::questionnaire::Questionnaire>> = BTreeMap::new();
    for q in &versions {
        if req.questionnaire.as_deref().is_none_or(|k| k == q.key) {
            by_key.entry(q.key.clone()).or_default().push(q);
        }
    }
    if let Some(k) = &req.questionnaire {
        if !by_key.contains_key(k) {
            return Err(crate::ExportError::Invalid(format!(
                "no completed responses of questionnaire '{k}' in this study; known: {}",
                versions
                    .iter()
                    .map(|q| q.key.as_str())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let one = req.questionnaire.is_some();
    let cols: Vec<(String, Vec<Column>)> = by_key
        .iter()
        .map(|(key, qs)| (key.clone(), columns::of(qs, &if one { String::new() } else { format!("{key}.") })))
        .collect();
    let mut header: Vec<String> =
        crate::answers_long::COLUMN_NAMES[..PLACE_COLUMNS].iter().map(|c| c.to_string()).collect();
    header.extend(
        ["invitation_sent_at", "reminder_sent_at", "opened_at", "completed_at", "duration_seconds"].map(String::from),
    );
    let offsets: HashMap<&str, usize> = {
        let mut at = header.len();
        cols.iter()
            .map(|(k, c)| {
                let here = at;
                at += c.len();
                (k.as_str(), here)
            })
            .collect()
    };
    for (_, c) in &cols {
        header.extend(c.iter().map(|c| c.name.clone()));
    }
    let width = header.len();
    sink.header(koers_core::varnames::short_names(&header))?;

    let total = batch::count_completed(conn, req.study_id, req.teams.as_deref(), req.questionnaire.as_deref())?;
    let mut rows = 0u64;
    batch::each_batch(conn, req, req.questionnaire.as_deref(), |conn, responses, ids| {
        let answers = batch::answers_of(conn, ids)?;
        let scores = batch::scores_of(conn, ids)?;
        let sent = batch::sent_of(conn, ids)?;
        let mut answers = answers.iter().peekable();
        for r in responses {
            let mine: Vec<&batch::AnswerRow> =
                std::iter::from_fn(|| answers.next_if(|a| a.response_id == r.id)).collect();
            let Some((key, item_cols)) = cols.iter().find(|(k, _)| *k == r.questionnaire_key) else { continue };
            let version = ctx.version_of(conn, r.questionnaire_id)?;
            let about = r.about.or_else(|| mine.iter().find_map(|a| a.about_person_id));
            let mut cells = place(&ctx, &req.pseudonym_key, r, about);
            cells[9] = Cell::opt_text(version);
            let s = sent.get(&r.id).copied().unwrap_or_default();
            let began = r.started_at.or(r.opened_at);
            let duration = match (began, r.completed_at) {
                (Some(b), Some(c)) if c >= b => Some((c - b).num_seconds()),
                _ => None,
            };
            cells.extend([
                time(s.invitation),
                time(s.reminder),
                time(r.opened_at),
                time(r.completed_at),
                Cell::opt_int(duration),
            ]);
            cells.resize(width, Cell::Empty);
            let at = offsets[key.as_str()];
            let mine_scores = scores.get(&r.id).map(Vec::as_slice).unwrap_or(&[]);
            for (i, c) in columns::cells(item_cols, &mine, mine_scores).into_iter().enumerate() {
                cells[at + i] = c;
            }
            sink.row(&cells)?;
            rows += 1;
        }
        progress(rows, Some(total as u64));
        Ok(())
    })?;
    Ok(rows)
}
