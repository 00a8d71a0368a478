//! `invitations`: every invitation and reminder with its status and history (each attempt and
//! each delivery report), for response curves and for checking that messages went out. Error
//! texts of gateways are left out: they can quote the phone number.

use crate::answers_long::time;
use crate::context::StudyContext;
use crate::sink::{Cell, Sink};
use crate::{pseudonym, ExportResult, Progress, Request};
use chrono::SecondsFormat;
use diesel::prelude::*;
use koers_core::time::local_date;
use koers_core::weeks;
use koers_store::schema::{
    delivery_attempts, delivery_reports, invitation_responses, invitations, people, responses, subscriptions,
};
use koers_store::studies::from_db;
use koers_store::DbConnection;
use std::collections::HashMap;

const BATCH: i64 = 5_000;

type Row = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    String,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
    i32,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
    Option<String>,
);

pub fn write(conn: &mut DbConnection, req: &Request, sink: &mut Sink<'_>, progress: Progress<'_>) -> ExportResult<u64> {
    let ctx = StudyContext::load(conn, req.study_id, req.teams.as_deref())?;
    sink.header(
        [
            "invitation",
            "person",
            "role",
            "organisation",
            "group",
            "team",
            "kind",
            "channel",
            "response",
            "questionnaire",
            "measurement",
            "measurement_kind",
            "calendar_week",
            "due_at",
            "expires_at",
            "status",
            "attempts",
            "sent_at",
            "delivered_at",
            "skip_reason",
            "message",
            "responses_covered",
            "history",
        ]
        .map(String::from)
        .to_vec(),
    )?;
    let mut count = invitations::table.inner_join(people::table).filter(people::study_id.eq(req.study_id)).into_boxed();
    if let Some(t) = &req.teams {
        count = count.filter(people::team_id.eq_any(t.clone()));
    }
    let total: i64 = count.count().get_result(conn)?;
    let (mut after, mut rows) = (0i64, 0u64);
    loop {
        let mut q = invitations::table
            .inner_join(people::table)
            .filter(people::study_id.eq(req.study_id).and(invitations::id.gt(after)))
            .into_boxed();
        if let Some(t) = &req.teams {
            q = q.filter(people::team_id.eq_any(t.clone()));
        }
        let batch: Vec<Row> = q
            .order(invitations::id)
            .limit(BATCH)
            .select((
                invitations::id,
                invitations::person_id,
                invitations::response_id,
                invitations::kind,
                invitations::channel,
                invitations::status,
                invitations::due_at,
                invitations::expires_at,
                invitations::attempts,
                invitations::sent_at,
                invitations::delivered_at,
                invitations::skip_reason,
            ))
            .load(conn)?;
        let Some(last) = batch.last() else { break };
        after = last.0;
        let ids: Vec<i64> = batch.iter().map(|r| r.0).collect();
        let response_ids: Vec<i64> = batch.iter().filter_map(|r| r.2).collect();
        let meta: HashMap<i64, (String, String, i64)> = responses::table
            .inner_join(subscriptions::table)
            .filter(responses::id.eq_any(&response_ids))
            .select((
                responses::id,
                responses::questionnaire_key,
                responses::measurement_key,
                subscriptions::protocol_id,
            ))
            .load::<(i64, String, String, i64)>(conn)?
            .into_iter()
            .map(|(id, q, m, p)| (id, (q, m, p)))
            .collect();
        // One SMS to a mentor covers that window's diary about each of their students.
        let mut covered: HashMap<i64, i64> = HashMap::new();
        for inv in invitation_responses::table
            .filter(invitation_responses::invitation_id.eq_any(&ids))
            .select(invitation_responses::invitation_id)
            .load::<i64>(conn)?
        {
            *covered.entry(inv).or_default() += 1;
        }
        let mut history: HashMap<i64, Vec<(chrono::NaiveDateTime, String)>> = HashMap::new();
        type Attempt = (i64, i32, chrono::NaiveDateTime, Option<String>, Option<i32>);
        let attempts: Vec<Attempt> = delivery_attempts::table
            .filter(delivery_attempts::invitation_id.eq_any(&ids))
            .select((
                delivery_attempts::invitation_id,
                delivery_attempts::attempt,
                delivery_attempts::started_at,
                delivery_attempts::outcome,
                delivery_attempts::http_status,
            ))
            .load(conn)?;
        for (inv, n, at, outcome, status) in attempts {
            let status = status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
            let text = format!("attempt {n}: {}{status}", outcome.as_deref().unwrap_or("started"));
            history.entry(inv).or_default().push((at, text));
        }
        let reports: Vec<(Option<i64>, String, chrono::NaiveDateTime)> = delivery_reports::table
            .filter(delivery_reports::invitation_id.eq_any(&ids))
            .select((delivery_reports::invitation_id, delivery_reports::status, delivery_reports::received_at))
            .load(conn)?;
        for (inv, status, at) in reports {
            if let Some(inv) = inv {
                history.entry(inv).or_default().push((at, format!("report: {status}")));
            }
        }
        for r in &batch {
            let person = ctx.people.get(&r.1);
            let m = r.2.and_then(|id| meta.get(&id));
            let due = from_db(r.6);
            let events = history.get_mut(&r.0).map(|h| {
                h.sort();
                h.iter()
                    .map(|(at, t)| format!("{} {t}", from_db(*at).to_rfc3339_opts(SecondsFormat::Secs, true)))
                    .collect::<Vec<_>>()
                    .join("; ")
            });
            sink.row(&[
                Cell::Int(r.0),
                Cell::text(pseudonym(&req.pseudonym_key, r.1)),
                Cell::opt_text(person.map(|p| p.role.as_str())),
                Cell::opt_text(person.map(|p| p.organisation.clone())),
                Cell::opt_text(person.and_then(|p| p.group.clone())),
                Cell::opt_text(person.map(|p| p.team.clone())),
                Cell::text(r.3.clone()),
                Cell::text(r.4.clone()),
                Cell::opt_int(r.2),
                Cell::opt_text(m.map(|m| m.0.clone())),
                Cell::opt_text(m.map(|m| m.1.clone())),
                Cell::opt_text(m.map(|m| ctx.measurement_kind_code(m.2, &m.1))),
                Cell::text(weeks::calendar_week(local_date(ctx.zone, due))),
                time(Some(due)),
                time(r.7.map(from_db)),
                Cell::text(r.5.clone()),
                Cell::Int(i64::from(r.8)),
                time(r.9.map(from_db)),
                time(r.10.map(from_db)),
                Cell::opt_text(r.11.clone()),
                // The SMS that carried it: its reference at the gateway is `koers-<message>`.
                Cell::opt_int(r.9.map(|_| r.0)),
                Cell::Int(covered.get(&r.0).copied().unwrap_or(0)),
                Cell::opt_text(events),
            ])?;
            rows += 1;
        }
        progress(rows, Some(total as u64));
    }
    Ok(rows)
}
