//! `koers exclude --study S --person PSEUDONYM|ID --reason ...`: set a person aside from the
//! analysis (the exports keep their rows, with `excluded` and the reason in `people`), or
//! `--undo` to include them again. Audited.

use anyhow::{anyhow, bail, Result};
use clap::Args;
use diesel::prelude::*;
use koers_core::clock::Clock;
use koers_core::settings::Settings;
use koers_store::schema::people;
use koers_store::Database;

#[derive(Debug, Args)]
pub struct ExcludeArgs {
    /// The study's key.
    #[arg(long)]
    study: String,
    /// The person: their pseudonym in the exports (`p...`) or their id.
    #[arg(long, value_name = "PSEUDONYM|ID")]
    person: String,
    /// Why (kept in the people export and the audit log; no names, please).
    #[arg(long, required_unless_present = "undo")]
    reason: Option<String>,
    /// Include the person again.
    #[arg(long, conflicts_with = "reason")]
    undo: bool,
}

pub fn run(args: ExcludeArgs, settings: &Settings, db: &Database, clock: &dyn Clock) -> Result<()> {
    let mut conn = db.conn()?;
    let study = koers_store::studies::find_study(&mut conn, &args.study)?
        .ok_or_else(|| anyhow!("there is no study '{}'; `koers study list` shows them", args.study))?;
    let ids: Vec<i64> = people::table.filter(people::study_id.eq(study.id)).select(people::id).load(&mut conn)?;
    let person = match args.person.parse::<i64>() {
        Ok(id) if ids.contains(&id) => id,
        Ok(id) => bail!("there is no person {id} in {}", study.key),
        Err(_) => {
            let key = koers_export::pseudonym_key(&crate::secret::load(settings)?);
            ids.into_iter()
                .find(|id| koers_export::pseudonym(&key, *id) == args.person)
                .ok_or_else(|| anyhow!("no one in {} has the pseudonym '{}'", study.key, args.person))?
        }
    };
    let reason = if args.undo { None } else { args.reason.as_deref() };
    koers_store::exclusion::set_excluded(&mut conn, study.id, person, reason, "cli", None, clock.now())?;
    eprintln!("{} {}", if args.undo { "included again:" } else { "excluded:" }, args.person);
    Ok(())
}
