//! `koers backup --out FILE`: a consistent copy of a running SQLite database (`VACUUM INTO`,
//! written to FILE.partial and renamed when whole). PostgreSQL is backed up with its own tools.

use anyhow::{bail, Context, Result};
use clap::Args;
use koers_core::clock::Clock;
use koers_core::settings::{redact_url, Settings};
use koers_store::{audit, Database};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write; it must not exist yet (an existing backup is never overwritten).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn run(args: BackupArgs, settings: &Settings, clock: &dyn Clock) -> Result<()> {
    let url = settings.database_url.as_str();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        bail!(
            "koers backup copies SQLite databases only. Back up PostgreSQL with its own tool, e.g.\n  \
             pg_dump -Fc --file koers.dump \"$KOERS_DATABASE_URL\"\n\
             and restore with pg_restore (see the operations guide)"
        );
    }
    if args.out.exists() {
        bail!("{} exists already; choose a new file name (a backup never overwrites one)", args.out.display());
    }
    if let Some(path) = url.strip_prefix("sqlite://") {
        if !std::path::Path::new(path).exists() {
            bail!("there is no database at {path}; check database_url (KOERS_DATABASE_URL)");
        }
    }
    // No migration: a backup copies the database as it is.
    let db = Database::connect(url, 2).with_context(|| format!("cannot use the database {}", redact_url(url)))?;
    let started = clock.now();
    let backup = koers_store::ops::backup_sqlite(&db, &args.out)?;
    db.write(|c| {
        audit::record(
            c,
            clock.now(),
            &audit::Entry {
                actor: "cli",
                action: "database.backup",
                details: serde_json::json!({"bytes": backup.bytes, "started_at": started.to_rfc3339()}),
                ..Default::default()
            },
        )
    })?;
    eprintln!("backup written to {} ({} bytes)", backup.path.display(), backup.bytes);
    Ok(())
}
