//! `people`: one row per person, pseudonymous, with group (and for students the outcome group,
//! stayer or dropout), organisation, team, start and end,
//! consent, dropout type and date, exclusion, and their response rate (windows that have opened
//! up to now against those completed, their own and, for mentors, those about their students).

use crate::context::StudyContext;
use crate::sink::{Cell, Sink};
use crate::{pseudonym, ExportResult, Progress, Request};
use diesel::prelude::*;
use koers_store::participation::{CONSENT_GUARDIAN, CONSENT_PARTICIPANT};
use koers_store::schema::{consents, people, responses, subscriptions};
use koers_store::studies::to_db;
use koers_store::DbConnection;
use std::collections::HashMap;

pub fn write(conn: &mut DbConnection, req: &Request, sink: &mut Sink<'_>, progress: Progress<'_>) -> ExportResult<u64> {
    let ctx = StudyContext::load(conn, req.study_id, req.teams.as_deref())?;
    sink.header(
        [
            "person",
            "role",
            "group",
            "outcome_group",
            "organisation",
            "team",
            "start_date",
            "end_date",
            "consent",
            "guardian_consent",
            "dropout_type",
            "dropout_date",
            "end_reason",
            "excluded",
            "exclusion_reason",
            "windows_opened",
            "completed",
            "response_rate",
        ]
        .map(String::from)
        .to_vec(),
    )?;
    // Counted in the database, grouped per person: a few thousand rows, whatever the answers.
    let counts: Vec<(i64, Option<chrono::NaiveDateTime>)> = responses::table
        .inner_join(subscriptions::table.inner_join(people::table))
        .filter(people::study_id.eq(req.study_id).and(responses::open_at.le(to_db(req.now))))
        .select((subscriptions::person_id, responses::completed_at))
        .load(conn)?;
    let mut rate: HashMap<i64, (i64, i64)> = HashMap::new();
    for (p, done) in counts {
        let e = rate.entry(p).or_default();
        e.0 += 1;
        e.1 += i64::from(done.is_some());
    }
    let consent_rows: Vec<(i64, String, Option<chrono::NaiveDateTime>)> = consents::table
        .inner_join(people::table)
        .filter(people::study_id.eq(req.study_id))
        .order(consents::id)
        .select((consents::person_id, consents::kind, consents::withdrawn_at))
        .load(conn)?;
    let mut consent: HashMap<(i64, String), &'static str> = HashMap::new();
    for (p, kind, withdrawn) in consent_rows {
        consent.insert((p, kind), if withdrawn.is_some() { "withdrawn" } else { "given" });
    }
    let mut ids: Vec<&i64> = ctx.people.keys().collect();
    ids.sort();
    let total = ids.len() as u64;
    let mut rows = 0u64;
    for id in ids {
        let p = &ctx.people[id];
        let (opened, completed) = rate.get(id).copied().unwrap_or_default();
        let of = |kind: &str| consent.get(&(*id, kind.to_string())).copied();
        sink.row(&[
            Cell::text(pseudonym(&req.pseudonym_key, *id)),
            Cell::text(p.role.clone()),
            Cell::opt_text(p.group.clone()),
            Cell::opt_text(p.outcome_group.map(str::to_string)),
            Cell::text(p.organisation.clone()),
            Cell::text(p.team.clone()),
            Cell::opt_text(p.start.map(|d| d.to_string())),
            Cell::opt_text(p.end.map(|d| d.to_string())),
            Cell::text(of(CONSENT_PARTICIPANT).unwrap_or("none")),
            Cell::opt_text(of(CONSENT_GUARDIAN)),
            Cell::opt_text(p.dropout_type.clone()),
            Cell::opt_text(p.dropout_date.map(|d| d.to_string())),
            Cell::opt_text(p.end_reason.map(|r| r.as_str().to_string())),
            Cell::flag(p.excluded),
            Cell::opt_text(p.exclusion_reason.clone()),
            Cell::Int(opened),
            Cell::Int(completed),
            if opened > 0 {
                Cell::Num((completed as f64 / opened as f64 * 1000.0).round() / 1000.0)
            } else {
                Cell::Empty
            },
        ])?;
        rows += 1;
    }
    progress(rows, Some(total));
    Ok(rows)
}
