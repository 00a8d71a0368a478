//! The study report's numbers (`koers report`, the researcher dashboard's report): response
//! rates per role and measurement (student diary, mentor diary, intake, closing apart), group and
//! week; weekly group means with 95% CI and quartiles per diary slider ("construct"); the same
//! aligned to the dropout week for those who dropped out and to their last week for those who
//! stayed; option shares of every diary multi-select (action types, goals) per group and
//! outcome; and how many pairs share at least n weeks. The statistics are those of
//! [`koers_core::stats`]; this module only gathers the observations.

use crate::batch::{self, AnswerValue};
use crate::context::StudyContext;
use crate::{ExportResult, Format, Kind, Request};
use diesel::prelude::*;
use koers_core::protocol::MeasurementKind;
use koers_core::questionnaire::ItemType;
use koers_core::stats::{self, Rate, Summary};
use koers_core::time::local_date;
use koers_core::weeks;
use koers_store::schema::{people, responses, subscriptions};
use koers_store::studies::{from_db, to_db};
use koers_store::DbConnection;
use std::collections::{BTreeMap, HashMap};

/// A group's name in the report; people of an organisation without a group are `-`.
pub const NO_GROUP: &str = "-";

#[derive(Debug, Clone, Default)]
pub struct ReportData {
    /// (series like `student diary`, group, week since start) to windows opened and completed.
    pub curves: BTreeMap<(String, String, i64), Rate>,
    /// (questionnaire.item, group, week since start) to the slider's summary.
    pub constructs: BTreeMap<(String, String, i64), Summary>,
    /// (questionnaire.item, `dropouts` or `stayers`, week from the dropout or last week).
    pub aligned: BTreeMap<(String, String, i64), Summary>,
    /// (questionnaire.item, group, `dropout` or `stayer`) to option shares, largest first.
    pub shares: BTreeMap<(String, String, String), Vec<stats::Share>>,
    /// (n, pairs with at least n weeks in which both answered).
    pub joint_weeks: Vec<(u64, usize)>,
}

type WindowRow = (i64, i64, String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>);

/// Gathers the report's numbers for a study (of the request's teams) up to `req.now`.
pub fn gather(conn: &mut DbConnection, req: &Request) -> ExportResult<ReportData> {
    let mut ctx = StudyContext::load(conn, req.study_id, req.teams.as_deref())?;
    let Curves { rates: curves, last_diary_week: last_week } = response_curves(conn, req, &ctx)?;

    let (mut values, mut aligned, mut mentions) = (Vec::new(), Vec::new(), Vec::new());
    batch::each_batch(conn, req, None, |conn, responses, ids| {
        let answers = batch::answers_of(conn, ids)?;
        let by_response: HashMap<i64, Vec<&batch::AnswerRow>> = answers.iter().fold(HashMap::new(), |mut m, a| {
            m.entry(a.response_id).or_default().push(a);
            m
        });
        for r in responses {
            if ctx.measurement_kind(r.protocol_id, &r.measurement_key) != Some(MeasurementKind::Diary) {
                continue;
            }
            let Some(info) = ctx.people.get(&r.person_id) else { continue };
            let (Some(start), group, dropout) = (info.start, group_of(&ctx, r.person_id), info.dropout_date) else {
                continue;
            };
            let date = local_date(ctx.zone, r.open_at);
            let week = weeks::week_since_start(start, date);
            let last = last_week.get(&r.person_id).copied().unwrap_or(week);
            let Some(qid) = r.questionnaire_id else { continue };
            let Some(qn) = ctx.questionnaire(conn, qid)? else { continue };
            let items = qn.all_items();
            for a in by_response.get(&r.id).map(Vec::as_slice).unwrap_or(&[]) {
                let base = crate::columns::base_id(&a.item_id);
                let Some(item) = items.iter().find(|i| i.id.as_deref() == Some(base)) else { continue };
                let name = format!("{}.{base}", qn.key);
                match item.kind {
                    ItemType::Range if a.answered() => {
                        if let Some(v) = a.number {
                            values.push(((name.clone(), group.clone(), week), v));
                            let (side, at) = match dropout {
                                Some(d) => ("dropouts", weeks::week_from(d, date)),
                                None => ("stayers", week - last),
                            };
                            aligned.push(((name, side.to_string(), at), v));
                        }
                    }
                    ItemType::Checkbox if a.answered() => {
                        // A mentor's diary is about a student: the student's outcome counts.
                        let whose = a.about_person_id.or(r.about).unwrap_or(r.person_id);
                        let out = ctx.people.get(&whose).and_then(|p| p.dropout_date);
                        let outcome = if out.is_some() { "dropout" } else { "stayer" };
                        for c in a.choices() {
                            mentions.push(((name.clone(), group.clone(), outcome.to_string()), c));
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    })?;

    // Joint weeks per pair, from the pair-weeks export itself (so both agree by construction).
    let mut bytes = Vec::new();
    let pw = Request { kind: Kind::PairWeeks, format: Format::Csv, questionnaire: None, ..req.clone() };
    crate::export(conn, &pw, &mut bytes, &mut |_, _| {})?;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header = reader.headers()?.clone();
    let col = |n: &str| header.iter().position(|h| h == n);
    let (Some(s), Some(m), Some(j)) = (col("student"), col("mentor"), col("pair_weeks_both_completed")) else {
        return Err(crate::ExportError::Invalid("pair-weeks lacks its pair columns".into()));
    };
    let mut joint: BTreeMap<(String, String), u64> = BTreeMap::new();
    for rec in reader.records() {
        let rec = rec?;
        joint.insert((rec[s].to_string(), rec[m].to_string()), rec[j].parse().unwrap_or(0));
    }
    let joint: Vec<u64> = joint.into_values().collect();

    Ok(ReportData {
        curves,
        constructs: stats::summaries(values),
        aligned: stats::summaries(aligned),
        shares: stats::shares(mentions),
        joint_weeks: stats::pairs_with_joint_weeks(&joint),
    })
}

/// The response curves of a study and what aligning the stayers needs.
pub struct Curves {
    /// Windows opened up to `req.now` and completed, per (`ROLE KIND` like `student diary`,
    /// group, week since start).
    pub rates: BTreeMap<(String, String, i64), Rate>,
    /// Each person's last diary week since start.
    pub last_diary_week: HashMap<i64, i64>,
}

/// The response curves ([`Curves`]) of the study (of the request's teams) up to `req.now`.
pub fn response_curves(conn: &mut DbConnection, req: &Request, ctx: &StudyContext) -> ExportResult<Curves> {
    let mut q = responses::table
        .inner_join(subscriptions::table.inner_join(people::table))
        .filter(people::study_id.eq(req.study_id))
        .filter(responses::open_at.le(to_db(req.now)))
        .into_boxed();
    if let Some(t) = &req.teams {
        q = q.filter(people::team_id.eq_any(t.clone()));
    }
    let windows: Vec<WindowRow> = q
        .select((
            subscriptions::person_id,
            subscriptions::protocol_id,
            responses::measurement_key,
            responses::open_at,
            responses::completed_at,
        ))
        .load(conn)?;
    let mut observed = Vec::new();
    let mut last_week: HashMap<i64, i64> = HashMap::new();
    for (person, protocol, key, open_at, completed) in &windows {
        let Some(info) = ctx.people.get(person) else { continue };
        let kind = ctx.measurement_kind(*protocol, key);
        let date = local_date(ctx.zone, from_db(*open_at));
        let Some(start) = info.start else { continue };
        let week = weeks::week_since_start(start, date);
        if kind == Some(MeasurementKind::Diary) {
            let w = last_week.entry(*person).or_insert(week);
            *w = (*w).max(week);
        }
        let kind = kind.map_or("", MeasurementKind::as_str);
        observed.push(((format!("{} {kind}", info.role), group_of(ctx, *person), week), completed.is_some()));
    }
    let curves = stats::rates(observed);
    Ok(Curves { rates: curves, last_diary_week: last_week })
}

/// A person's group in the report, `-` when their organisation has none.
fn group_of(ctx: &StudyContext, person: i64) -> String {
    ctx.people.get(&person).and_then(|p| p.group.clone()).unwrap_or_else(|| NO_GROUP.to_string())
}
