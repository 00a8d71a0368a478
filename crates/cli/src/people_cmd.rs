//! `koers import people`.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use koers_core::clock::Clock;
use koers_core::people::Locale;
use koers_store::import::{import_people, Counts, ImportError, ImportOptions};
use koers_store::studies::resolve_study;
use koers_store::Database;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Students and mentors from a CSV file with u-can-act's columns: type, team_name,
    /// role_title, first_name, last_name, gender, mobile_phone, email, protocol_name,
    /// start_date, filling_out_for, filling_out_for_protocol, end_date (and locale).
    /// Nothing is imported unless every row is valid; importing the same file again changes nothing.
    People(PeopleArgs),
}

#[derive(Args)]
pub struct PeopleArgs {
    /// The CSV file (comma or semicolon separated, UTF-8).
    file: PathBuf,
    /// The study to import into (needed when there are several).
    #[arg(long)]
    study: Option<String>,
    /// Check the file and show what would change, without writing anything.
    #[arg(long)]
    dry_run: bool,
    /// Create teams named in the file that do not exist yet.
    #[arg(long)]
    create_teams: bool,
    /// The organisation new teams are created in (needed when the study has several).
    #[arg(long, value_name = "KEY")]
    organisation: Option<String>,
}

fn counts(c: Counts) -> String {
    format!("{} new, {} changed, {} unchanged", c.created, c.updated, c.unchanged)
}

pub fn run(cmd: ImportCommand, db: &Database, clock: &dyn Clock) -> Result<()> {
    let ImportCommand::People(args) = cmd;
    let data = std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let study = resolve_study(&mut *db.conn()?, args.study.as_deref())?;
    let zone = koers_core::time::parse_zone(&study.time_zone).map_err(anyhow::Error::msg)?;
    let opts = ImportOptions {
        study_id: study.id,
        zone,
        default_locale: Locale::parse(&study.default_locale).unwrap_or(Locale::Nl),
        create_teams: args.create_teams,
        organisation_key: args.organisation,
        dry_run: args.dry_run,
        actor: "cli".into(),
    };
    match import_people(db, &data, &opts, clock.now()) {
        Ok(s) => {
            let verb = if s.dry_run { "Would import (dry run, nothing written)" } else { "Imported" };
            println!("{verb} {} into study {}:", args.file.display(), study.key);
            println!("  people:        {}", counts(s.people));
            println!("  pairs:         {}", counts(s.pairs));
            println!("  subscriptions: {}", counts(s.subscriptions));
            if s.teams_created > 0 {
                println!("  teams:         {} new", s.teams_created);
            }
            Ok(())
        }
        Err(ImportError::Problems(problems)) => {
            for p in &problems {
                let column = p.column.as_deref().map(|c| format!(" {c}:")).unwrap_or_default();
                eprintln!("{}:{}:{column} {}", args.file.display(), p.line, koers_texts::msg("en", &p.msg));
            }
            bail!(
                "{} problem(s) in {}; nothing was imported. Fix them and import the file again.",
                problems.len(),
                args.file.display()
            )
        }
        Err(e) => Err(e.into()),
    }
}
