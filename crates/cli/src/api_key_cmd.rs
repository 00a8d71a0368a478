//! `koers api-key`: long-lived keys for scripts and analysis pipelines, exchanged at
//! `POST /api/v1/token` for a short-lived token.
//!
//! The plain key is printed once, alone on standard output (so `> key.txt` or `$(...)` catches
//! exactly the key) with the explanation on standard error; only its hash is stored, so a lost
//! key cannot be shown again, only revoked and replaced. Creating and revoking are audited.

use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use clap::Subcommand;
use koers_core::clock::Clock;
use koers_store::api_keys::{self, ApiKey, KNOWN_SCOPES};
use koers_store::staff::{self, StaffAccount};
use koers_store::studies::from_db;
use koers_store::{audit, Database, DbConnection};

#[derive(Subcommand)]
pub enum ApiKeyCommand {
    /// Make a key for a staff account and print it (once). The key never gives more than the
    /// account's own roles allow at the moment it is used.
    Create {
        /// The e-mail address of the staff account the key acts for.
        #[arg(long, value_name = "EMAIL")]
        staff: String,
        /// What the key is for, e.g. "weekly export job" (shown by `list`).
        #[arg(long)]
        name: String,
        /// Space-separated, some of: studies:read people:read responses:read export.
        #[arg(long)]
        scopes: String,
        /// The key stops working this many days from now (default: until revoked).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=3650))]
        expires_days: Option<u32>,
    },
    /// List the keys of a staff account (never the keys themselves).
    List {
        /// The e-mail address of the staff account.
        #[arg(long, value_name = "EMAIL")]
        staff: String,
    },
    /// Revoke a key: it and the tokens made with it stop working at once.
    Revoke {
        /// The key's id, as `list` shows it.
        id: i64,
    },
}

pub fn run(cmd: ApiKeyCommand, db: &Database, clock: &dyn Clock) -> Result<()> {
    match cmd {
        ApiKeyCommand::Create { staff, name, scopes, expires_days } => {
            let now = clock.now();
            let expires_at = expires_days.map(|d| now + TimeDelta::days(i64::from(d)));
            let (account, id, plain, scopes) = db.write(|c| create(c, &staff, &name, &scopes, expires_at, now))?;
            let until = expires_at.map_or("until revoked".to_string(), |t| format!("until {}", utc(t)));
            eprintln!("API key {id} '{}' for {}: {scopes}, valid {until}.", name.trim(), account.email);
            println!("{plain}");
            eprintln!(
                "This key is shown only now: koers stores only its hash. Keep it in a secret store; \
                 if it is lost, revoke it (koers api-key revoke {id}) and create a new one."
            );
            Ok(())
        }
        ApiKeyCommand::List { staff } => {
            let (account, keys) = db.read(|c| -> Result<_> {
                let account = account(c, &staff)?;
                let keys = api_keys::keys_of(c, account.id)?;
                Ok((account, keys))
            })?;
            if keys.is_empty() {
                println!(
                    "{} has no API keys. Create one with: koers api-key create --staff {} --name NAME --scopes \"{}\"",
                    account.email,
                    account.email,
                    KNOWN_SCOPES.join(" ")
                );
                return Ok(());
            }
            let now = clock.now();
            println!("id\tname\tscopes\tcreated\texpires\trevoked\tstate");
            for k in &keys {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    k.id,
                    one_line(&k.name),
                    k.scopes,
                    utc(from_db(k.created_at)),
                    optional(k.expires_at),
                    optional(k.revoked_at),
                    state(k, now)
                );
            }
            Ok(())
        }
        ApiKeyCommand::Revoke { id } => {
            let now = clock.now();
            match db.write(|c| revoke(c, id, now))? {
                Revoked::Now => {
                    println!("API key {id} revoked; tokens made with it stop working at their next request.")
                }
                Revoked::Before(at) => println!("API key {id} was revoked already ({}); nothing changed.", utc(at)),
            }
            Ok(())
        }
    }
}

/// The staff account an e-mail address names; a clear error for an unknown one.
fn account(c: &mut DbConnection, email: &str) -> Result<StaffAccount> {
    staff::find_by_email(c, email)?.ok_or_else(|| {
        anyhow!("there is no staff account '{}'; `koers user list` shows the accounts", staff::normalise_email(email))
    })
}

/// Makes the key and its audit entry in one transaction: the account, the key's id, its plain
/// form and its scopes as stored.
fn create(
    c: &mut DbConnection,
    email: &str,
    name: &str,
    scopes: &str,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(StaffAccount, i64, String, String)> {
    let account = account(c, email)?;
    if account.disabled_at.is_some() {
        bail!("the staff account {} is disabled; a key for it would not work", account.email);
    }
    // Checked here too, so the message names the known scopes before anything is written; a
    // scope the account's roles do not give is refused by `create`, with what would give it.
    let scopes = api_keys::normalise_scopes(scopes)?;
    let koers_store::tokens::Issued { id, plain } = api_keys::create(c, account.id, name, &scopes, expires_at, now)?;
    audit::record(
        c,
        now,
        &audit::Entry {
            actor: "cli",
            action: "api_key.create",
            target_kind: Some("api_key"),
            target_id: Some(id),
            details: serde_json::json!({
                "staff_id": account.id,
                "scopes": scopes,
                "expires_at": expires_at.map(|t| t.to_rfc3339()),
            }),
            ..Default::default()
        },
    )?;
    Ok((account, id, plain, scopes))
}

enum Revoked {
    Now,
    Before(DateTime<Utc>),
}

fn revoke(c: &mut DbConnection, id: i64, now: DateTime<Utc>) -> Result<Revoked> {
    let key = api_keys::find(c, id)?.ok_or_else(|| {
        anyhow!("there is no API key {id}; `koers api-key list --staff EMAIL` shows the keys of an account")
    })?;
    if let Some(at) = key.revoked_at {
        return Ok(Revoked::Before(from_db(at)));
    }
    api_keys::revoke(c, id, now)?;
    audit::record(
        c,
        now,
        &audit::Entry {
            actor: "cli",
            action: "api_key.revoke",
            target_kind: Some("api_key"),
            target_id: Some(id),
            details: serde_json::json!({"staff_id": key.staff_id}),
            ..Default::default()
        },
    )?;
    Ok(Revoked::Now)
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn optional(t: Option<NaiveDateTime>) -> String {
    t.map_or("-".to_string(), |t| utc(from_db(t)))
}

fn state(k: &ApiKey, now: DateTime<Utc>) -> &'static str {
    if k.revoked_at.is_some() {
        "revoked"
    } else if k.usable_at(now) {
        "usable"
    } else {
        "expired"
    }
}

/// A name as one table cell: tabs and line breaks would break the columns.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}
