//! `koers move-protocol`: a person follows another protocol from a chosen date (a lighter
//! aftercare protocol after a dropout, say); audited.

use anyhow::{anyhow, Result};
use chrono::NaiveDate;
use clap::Args;
use koers_core::clock::Clock;
use koers_store::protocol_move::{move_to_protocol, MovedBy};
use koers_store::studies::resolve_study;
use koers_store::{Database, StoreError};

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// The study's key (needed when there are several).
    #[arg(long)]
    study: Option<String>,
    /// The person's id (as on the coordinator's pages: /staff/people/ID).
    #[arg(long, value_name = "ID")]
    person: i64,
    /// The protocol they follow from --from on (a protocol of their study, for their role).
    #[arg(long, value_name = "PROTOCOL")]
    to: String,
    /// The first day of the new protocol, YYYY-MM-DD (today or later, in the study's zone): the
    /// old protocol's windows stop before it, without its closing questionnaire.
    #[arg(long, value_name = "DATE")]
    from: NaiveDate,
}

pub fn move_protocol(args: MoveArgs, db: &Database, clock: &dyn Clock) -> Result<()> {
    let now = clock.now();
    let (study, moved) = db.write(|c| -> Result<_> {
        let study = resolve_study(c, args.study.as_deref())?;
        let in_study: Option<i64> = {
            use diesel::prelude::*;
            use koers_store::schema::people;
            people::table.find(args.person).select(people::study_id).first(c).optional()?
        };
        if in_study != Some(study.id) {
            return Err(anyhow!("there is no person {} in study '{}'", args.person, study.key));
        }
        let by = MovedBy { actor: "cli", staff_id: None };
        let moved = move_to_protocol(c, args.person, &args.to, args.from, by, now).map_err(|e| match e {
            StoreError::Invalid(m) => anyhow!(m),
            e => e.into(),
        })?;
        Ok((study, moved))
    })?;
    println!(
        "Person {} in '{}' follows {} from {} ({} earlier subscription(s) stop there; their answers keep their protocol).",
        args.person,
        study.key,
        args.to,
        args.from,
        moved.ended_subscriptions.len()
    );
    Ok(())
}
