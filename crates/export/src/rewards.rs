//! `rewards`: what each person earned, with their name and phone number, for paying them out.
//! The one identifying export: it takes its own permission and is audited like the others.
//!
//! People are named by a payout id of their own ([`crate::payout_id`]), never by the research
//! pseudonym: whoever pays the rewards holds names next to this id, and it joins no dataset.

use crate::sink::{Cell, Sink};
use crate::{payout_id, ExportResult, Progress, Request};
use diesel::prelude::*;
use koers_store::schema::{people, person_identities, reward_ledger};
use koers_store::DbConnection;
use std::collections::HashMap;

pub fn write(conn: &mut DbConnection, req: &Request, sink: &mut Sink<'_>, progress: Progress<'_>) -> ExportResult<u64> {
    sink.header(
        ["payout_id", "first_name", "last_name", "mobile_phone", "completed_paid", "total_cents", "total_euros"]
            .map(String::from)
            .to_vec(),
    )?;
    let mut q = reward_ledger::table.inner_join(people::table).filter(people::study_id.eq(req.study_id)).into_boxed();
    if let Some(t) = &req.teams {
        q = q.filter(people::team_id.eq_any(t.clone()));
    }
    let earned: Vec<(i64, i64)> = q.select((reward_ledger::person_id, reward_ledger::amount_cents)).load(conn)?;
    let mut per: HashMap<i64, (i64, i64)> = HashMap::new();
    for (p, cents) in earned {
        let e = per.entry(p).or_default();
        e.0 += 1;
        e.1 += cents;
    }
    type Who = (i64, Option<String>, Option<String>, Option<String>);
    let who: Vec<Who> = person_identities::table
        .filter(person_identities::study_id.eq(req.study_id))
        .order(person_identities::person_id)
        .select((
            person_identities::person_id,
            person_identities::first_name,
            person_identities::last_name,
            person_identities::mobile_phone,
        ))
        .load(conn)?;
    let mut rows = 0;
    for (id, first, last, phone) in who {
        let Some((n, cents)) = per.get(&id).copied() else { continue };
        sink.row(&[
            Cell::text(payout_id(&req.pseudonym_key, id)),
            Cell::opt_text(first),
            Cell::opt_text(last),
            Cell::opt_text(phone),
            Cell::Int(n),
            Cell::Int(cents),
            Cell::text(format!("{}.{:02}", cents / 100, cents % 100)),
        ])?;
        rows += 1;
    }
    progress(rows, Some(rows));
    Ok(rows)
}
