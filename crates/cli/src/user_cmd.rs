//! `koers user`: staff accounts (coordinators, researchers, admins) and their roles, and their
//! life after that ([`crate::user_access_cmd`]: disable, enable, a new password, a role taken
//! away, sessions ended, the second factor reset).
//!
//! The password comes from `KOERS_PASSWORD`, or, on a terminal, is asked twice without echo.
//! Without either the command stops with a clear message instead of waiting for input that
//! never comes (CI has no terminal).

use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use koers_core::clock::Clock;
use koers_store::staff::{self, StaffRole};
use koers_store::studies::{organisations_of, resolve_study, teams_of};
use koers_store::{audit, Database, DbConnection};
use koers_web::state::DemoLink;
use std::io::{BufRead, IsTerminal, Write};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a staff account with one role. The password comes from KOERS_PASSWORD or is asked
    /// on the terminal (at least 12 characters).
    Add {
        /// The e-mail address to log in with.
        email: String,
        /// The name shown on the pages.
        #[arg(long)]
        name: String,
        /// The study the role is for (may be left out when there is one study).
        #[arg(long)]
        study: Option<String>,
        /// coordinator, researcher or admin.
        #[arg(long)]
        role: String,
        /// Limit the role to one organisation (its key).
        #[arg(long)]
        organisation: Option<String>,
        /// Limit the role to one team of the organisation (its name).
        #[arg(long)]
        team: Option<String>,
        /// Let a researcher role export the pseudonymised datasets (the API's `export` scope).
        #[arg(long)]
        can_export: bool,
    },
    /// Give an account another role (the same options as `add`).
    AddRole {
        email: String,
        #[arg(long)]
        study: Option<String>,
        /// coordinator, researcher or admin.
        #[arg(long)]
        role: String,
        #[arg(long)]
        organisation: Option<String>,
        #[arg(long)]
        team: Option<String>,
        /// Let a researcher role export the pseudonymised datasets.
        #[arg(long)]
        can_export: bool,
    },
    /// Take a role away (named like `add-role` names it); the account's sessions end.
    RemoveRole {
        email: String,
        #[arg(long)]
        study: Option<String>,
        #[arg(long)]
        role: String,
        #[arg(long)]
        organisation: Option<String>,
        #[arg(long)]
        team: Option<String>,
    },
    /// Disable an account: it cannot log in, and its sessions, API tokens and API keys stop at once.
    Disable { email: String },
    /// Let a disabled account log in again (its old API keys stay revoked).
    Enable { email: String },
    /// Give an account a new password (KOERS_PASSWORD or asked); its sessions and tokens end.
    ResetPassword { email: String },
    /// End every session and API token of an account (it logs in again).
    SessionsRevoke { email: String },
    /// Remove an account's second factor (a lost phone): its next login sets up a new one.
    TotpReset { email: String },
    /// List staff accounts and their roles (no passwords).
    List,
}

pub fn run(cmd: UserCommand, db: &Database, clock: &dyn Clock) -> Result<()> {
    match cmd {
        UserCommand::Add { email, name, study, role, organisation, team, can_export } => {
            let role = parse_role(&role, can_export)?;
            let password = password()?;
            staff::check_new_password(&password).map_err(|e| anyhow!(e))?;
            let now = clock.now();
            let place = Place { study: study.as_deref(), organisation: organisation.as_deref(), team: team.as_deref() };
            let id = db.write(|c| add(c, &email, &name, &place, role, can_export, &password, now))?;
            let export = if can_export { ", may export" } else { "" };
            println!("Created account {} for {} ({}{export}).", id, staff::normalise_email(&email), role.as_str());
            Ok(())
        }
        UserCommand::AddRole { email, study, role, organisation, team, can_export } => {
            let role = parse_role(&role, can_export)?;
            let place = Place { study: study.as_deref(), organisation: organisation.as_deref(), team: team.as_deref() };
            let now = clock.now();
            let (account, role_id) = db.write(|c| -> Result<_> {
                let account = crate::user_access_cmd::account(c, &email)?;
                Ok((account.email.clone(), add_role(c, account.id, &place, role, can_export, now)?))
            })?;
            println!("{account} is now {} too (role {role_id}).", role.as_str());
            Ok(())
        }
        other => crate::user_access_cmd::run(other, db, clock),
    }
}

/// Lists the accounts, their roles, and whether they have a second factor.
pub fn list(db: &Database) -> Result<()> {
    let accounts = db.read(staff::list_accounts)?;
    if accounts.is_empty() {
        println!("No staff accounts yet. Add one with: koers user add EMAIL --name NAME --role coordinator");
    }
    for staff::AccountWithRoles { account: a, roles } in accounts {
        let state = if a.disabled_at.is_some() { " (disabled)" } else { "" };
        let admin = if a.is_admin { " [admin of the installation]" } else { "" };
        let two = if a.totp_confirmed_at.is_some() { " [second factor]" } else { "" };
        println!("{}  {}  {}{}{}{}", a.id, a.email, a.display_name, admin, two, state);
        for r in roles {
            let mut place = format!("study {}", r.study_key);
            if let Some(o) = r.organisation_key {
                place.push_str(&format!(", organisation {o}"));
            }
            if let Some(t) = r.team_name {
                place.push_str(&format!(", team {t}"));
            }
            let export = if koers_store::access::can_export(&r.permissions) { ", may export" } else { "" };
            println!("    {} in {}{export}", r.role, place);
        }
    }
    Ok(())
}

/// Where a role holds, as the command line names it.
pub struct Place<'a> {
    pub study: Option<&'a str>,
    pub organisation: Option<&'a str>,
    pub team: Option<&'a str>,
}

fn parse_role(role: &str, can_export: bool) -> Result<StaffRole> {
    let parsed = StaffRole::parse(&role.to_lowercase())
        .ok_or_else(|| anyhow!("--role '{role}' is not a role; use coordinator, researcher or admin"))?;
    if can_export && parsed != StaffRole::Researcher {
        bail!(
            "--can-export is for researcher roles: an admin role exports already, and a coordinator (who sees names) \
             does not export"
        );
    }
    Ok(parsed)
}

/// The ids a `--study`, `--organisation` and `--team` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedPlace {
    pub study_id: i64,
    pub organisation_id: Option<i64>,
    pub team_id: Option<i64>,
}

/// The study, organisation and team ids a place names, with clear errors for unknown ones.
pub fn resolve_place(c: &mut DbConnection, place: &Place<'_>) -> Result<ResolvedPlace> {
    let study = resolve_study(c, place.study)?;
    let orgs = organisations_of(c, study.id)?;
    let organisation_id = match place.organisation {
        Some(key) => Some(orgs.iter().find(|o| o.key == key).map(|o| o.id).ok_or_else(|| {
            anyhow!(
                "--organisation '{key}' does not exist in study {}; known: {}",
                study.key,
                orgs.iter().map(|o| o.key.as_str()).collect::<Vec<_>>().join(", ")
            )
        })?),
        None => None,
    };
    let team_id = match place.team {
        Some(name) => {
            let teams = teams_of(c, study.id)?;
            let matching: Vec<_> = teams
                .iter()
                .filter(|t| t.name == name && organisation_id.is_none_or(|o| o == t.organisation_id))
                .collect();
            match matching.as_slice() {
                [one] => Some(one.id),
                [] => bail!(
                    "--team '{name}' does not exist{}",
                    if place.organisation.is_some() { " in that organisation" } else { "" }
                ),
                _ => bail!("there are several teams called '{name}'; add --organisation"),
            }
        }
        None => None,
    };
    Ok(ResolvedPlace { study_id: study.id, organisation_id, team_id })
}

/// Gives an account a role (and the export permission), audited.
fn add_role(
    c: &mut DbConnection,
    staff_id: i64,
    place: &Place<'_>,
    role: StaffRole,
    can_export: bool,
    now: DateTime<Utc>,
) -> Result<i64> {
    let ResolvedPlace { study_id, organisation_id, team_id } = resolve_place(c, place)?;
    let role_id = staff::add_role(c, staff_id, study_id, organisation_id, team_id, role, now)?;
    koers_store::staff_lifecycle::set_export(c, role_id, can_export)?;
    audit::record(
        c,
        now,
        &audit::Entry {
            actor: "cli",
            action: "staff.add_role",
            study_id: Some(study_id),
            organisation_id,
            target_kind: Some("staff"),
            target_id: Some(staff_id),
            details: serde_json::json!({"role": role.as_str(), "team_id": team_id, "can_export": can_export}),
            ..Default::default()
        },
    )?;
    Ok(role_id)
}

#[allow(clippy::too_many_arguments)]
fn add(
    c: &mut DbConnection,
    email: &str,
    name: &str,
    place: &Place<'_>,
    role: StaffRole,
    can_export: bool,
    password: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    // Checked before the account is made, so a wrong place leaves nothing behind.
    let ResolvedPlace { study_id, organisation_id, team_id } = resolve_place(c, place)?;
    // A study-wide admin role sees the whole study; installation admins are made elsewhere.
    let id = staff::create_account(c, email, name, password, false, now)?;
    let role_id = staff::add_role(c, id, study_id, organisation_id, team_id, role, now)?;
    koers_store::staff_lifecycle::set_export(c, role_id, can_export)?;
    audit::record(
        c,
        now,
        &audit::Entry {
            actor: "cli",
            action: "staff.create",
            study_id: Some(study_id),
            organisation_id,
            target_kind: Some("staff"),
            target_id: Some(id),
            details: serde_json::json!({"role": role.as_str(), "team_id": team_id, "can_export": can_export}),
            ..Default::default()
        },
    )?;
    Ok(id)
}

/// The new password: `KOERS_PASSWORD`, or asked twice on a terminal.
pub fn password() -> Result<String> {
    if let Ok(p) = std::env::var("KOERS_PASSWORD") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!("no password: set KOERS_PASSWORD, or run this command on a terminal to type it (at least 12 characters)");
    }
    let first = ask("Password (at least 12 characters): ")?;
    let second = ask("The same password again: ")?;
    if first != second {
        bail!("the two passwords differ; nothing was created");
    }
    Ok(first)
}

/// Reads one line from the terminal with echo off (where `stty` exists).
fn ask(prompt: &str) -> Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush().ok();
    let echo_off = std::process::Command::new("stty").arg("-echo").stdin(std::process::Stdio::inherit()).status();
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if echo_off.is_ok_and(|s| s.success()) {
        let _ = std::process::Command::new("stty").arg("echo").stdin(std::process::Stdio::inherit()).status();
    }
    eprintln!();
    read.context("cannot read the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// The demo's coordinator: ROC Noord only, so the demo shows that ROC Zuid's people are not
/// theirs to see. The password is fixed and printed: this account exists in the demo only.
pub const DEMO_EMAIL: &str = "coordinator@demo.invalid";
pub const DEMO_PASSWORD: &str = "demo-koers-noord";

pub fn demo_coordinator(c: &mut DbConnection, study_id: i64, base_url: &str, now: DateTime<Utc>) -> Result<DemoLink> {
    if staff::find_by_email(c, DEMO_EMAIL)?.is_none() {
        let id = staff::create_account(c, DEMO_EMAIL, "Coördinator ROC Noord (demo)", DEMO_PASSWORD, false, now)?;
        let noord = organisations_of(c, study_id)?
            .into_iter()
            .find(|o| o.key == "roc-noord")
            .ok_or_else(|| anyhow!("the demo study has no roc-noord"))?;
        staff::add_role(c, id, study_id, Some(noord.id), None, StaffRole::Coordinator, now)?;
    }
    Ok(DemoLink {
        label: format!("Coördinator ROC Noord: {DEMO_EMAIL} / {DEMO_PASSWORD}"),
        url: format!("{base_url}/staff/login"),
    })
}
