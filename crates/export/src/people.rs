//! `people`: one row per person, pseudonymous, with group (and for students the outcome group,
//! stayer or dropout), organisation, team, start and end,
//! consent, dropout type and date, exclusion, and their response rate (windows that have opened
//! up to now against those completed, their own and, for mentors, those about their students),
//! and the data quality of their diaries ([`koers_core::quality`], as the dashboard shows it):
//! the MSSD per slider construct, the untouched-slider share, the median completion time and
//! the study's two quality flags.

use crate::context::StudyContext;
use crate::sink::{Cell, Sink};
use crate::{pseudonym, ExportResult, Progress, Request};
use diesel::prelude::*;
use koers_core::quality::PersonQuality;
use koers_store::dashboard::Population;
use koers_store::participation::{CONSENT_GUARDIAN, CONSENT_PARTICIPANT};
use koers_store::schema::{consents, people, responses, subscriptions};
use koers_store::studies::to_db;
use koers_store::DbConnection;
use std::collections::{BTreeSet, HashMap};

/// The quality columns, with what each holds (the codebook prints these). `mssd_CONSTRUCT`
/// stands for one column per diary slider (`mssd_wellbeing`).
pub const QUALITY_COLUMNS: [(&str, &str); 8] = [
    ("quality_diaries", "completed diaries the quality figures below are computed from; empty: no completed diary"),
    ("mssd", "mean squared successive difference of the diary sliders over successive diaries (each slider on 0-100), averaged over sliders; empty: no slider answered in two diaries"),
    ("mssd_CONSTRUCT", "the same for one diary slider (one column per slider, e.g. mssd_wellbeing); a mentor's slider about several students is averaged over the students"),
    ("untouched_share", "share of diary slider answers left untouched (0-1)"),
    ("middle_share", "share of touched diary slider answers within the study's middle band (0-1)"),
    ("median_seconds", "median seconds from opening a diary to completing it"),
    ("flag_middle", "1: sliders left in the middle (middle_share at or above the study's threshold, with enough diaries); a hint to look again, not a verdict"),
    ("flag_fast", "1: diaries completed implausibly fast (median_seconds below the study's threshold, with enough diaries); a hint to look again, not a verdict"),
];

fn rounded(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, |v| Cell::Num((v * 1000.0).round() / 1000.0))
}

pub fn write(conn: &mut DbConnection, req: &Request, sink: &mut Sink<'_>, progress: Progress<'_>) -> ExportResult<u64> {
    let ctx = StudyContext::load(conn, req.study_id, req.teams.as_deref())?;
    let population = Population { study_id: req.study_id, teams: req.teams.clone(), group: None };
    let quality: HashMap<i64, PersonQuality> =
        koers_store::quality::per_person_in(conn, &population)?.into_iter().collect();
    let constructs: Vec<String> = quality
        .values()
        .flat_map(|q| q.mssd_by_construct.keys().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
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
        .into_iter()
        .chain(quality_header(&constructs))
        .collect(),
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
        let mut cells = vec![
            Cell::text(pseudonym(&req.pseudonym_key, *id)),
            Cell::text(p.role.as_str()),
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
        ];
        cells.extend(quality_cells(quality.get(id), &constructs));
        sink.row(&cells)?;
        rows += 1;
    }
    progress(rows, Some(total));
    Ok(rows)
}

/// The names of the quality columns, with one `mssd_` column per construct.
fn quality_header(constructs: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (name, _) in QUALITY_COLUMNS {
        if name == "mssd_CONSTRUCT" {
            out.extend(constructs.iter().map(|c| format!("mssd_{c}")));
        } else {
            out.push(name.to_string());
        }
    }
    out
}

/// A person's quality cells, in the order of [`quality_header`]; all empty without diaries.
fn quality_cells(q: Option<&PersonQuality>, constructs: &[String]) -> Vec<Cell> {
    let Some(q) = q else { return vec![Cell::Empty; QUALITY_COLUMNS.len() - 1 + constructs.len()] };
    let mut out = vec![Cell::Int(q.diaries as i64), rounded(q.mssd)];
    out.extend(constructs.iter().map(|c| rounded(q.mssd_by_construct.get(c).copied())));
    out.extend([
        rounded(q.untouched_share),
        rounded(q.middle_share),
        rounded(q.median_seconds),
        Cell::flag(q.middle_flag),
        Cell::flag(q.fast_flag),
    ]);
    out
}
