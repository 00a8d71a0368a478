//! `koers user disable|enable|reset-password|remove-role|sessions-revoke|totp-reset` and
//! `list`: an account's life after it was made. Every change is audited with the command line
//! as actor, and each that takes access away does so at once (see
//! [`koers_store::staff_lifecycle`]).

use crate::user_cmd::{password, resolve_place, Place, ResolvedPlace, UserCommand};
use anyhow::{anyhow, bail, Result};
use koers_core::clock::Clock;
use koers_store::lifecycle::Actor;
use koers_store::staff::{self, StaffAccount, StaffRole};
use koers_store::{staff_lifecycle, Database, DbConnection};

/// The staff account an e-mail address names; a clear error for an unknown one.
pub fn account(c: &mut DbConnection, email: &str) -> Result<StaffAccount> {
    staff::find_by_email(c, email)?.ok_or_else(|| {
        anyhow!("there is no staff account '{}'; `koers user list` shows the accounts", staff::normalise_email(email))
    })
}

pub fn run(cmd: UserCommand, db: &Database, clock: &dyn Clock) -> Result<()> {
    let now = clock.now();
    let cli = Actor::CLI;
    match cmd {
        UserCommand::Disable { email } => {
            let (a, done) = db.write(|c| -> Result<_> {
                let a = account(c, &email)?;
                let done = staff_lifecycle::disable(c, a.id, cli, now)?;
                Ok((a, done))
            })?;
            if done.changed {
                println!(
                    "{} is disabled: {} session(s) ended, {} API key(s) revoked; API tokens stop at their next request.",
                    a.email, done.sessions_revoked, done.api_keys_revoked
                );
            } else {
                println!("{} was disabled already; nothing changed.", a.email);
            }
        }
        UserCommand::Enable { email } => {
            let (a, changed) = db.write(|c| -> Result<_> {
                let a = account(c, &email)?;
                Ok((a.clone(), staff_lifecycle::enable(c, a.id, cli, now)?))
            })?;
            if changed {
                println!("{} can log in again. API keys revoked when it was disabled stay revoked.", a.email);
            } else {
                println!("{} was not disabled; nothing changed.", a.email);
            }
        }
        UserCommand::ResetPassword { email } => {
            let a = db.read(|c| account(c, &email))?;
            let new = password()?;
            let ended = db.write(|c| staff_lifecycle::reset_password(c, a.id, &new, cli, now))?;
            println!("{} has a new password; {ended} session(s) and its API tokens ended.", a.email);
        }
        UserCommand::SessionsRevoke { email } => {
            let (a, n) = db.write(|c| -> Result<_> {
                let a = account(c, &email)?;
                Ok((a.clone(), staff_lifecycle::revoke_sessions(c, a.id, cli, now)?))
            })?;
            println!("{}: {n} session(s) ended; API tokens stop at their next request. API keys stay.", a.email);
        }
        UserCommand::TotpReset { email } => {
            let a = db.write(|c| -> Result<_> {
                let a = account(c, &email)?;
                staff_lifecycle::reset_totp(c, a.id, cli, now)?;
                Ok(a)
            })?;
            println!(
                "{}: the second factor and its recovery codes are removed, and its sessions ended. Its next login at \
                 /staff/login sets up a new one.",
                a.email
            );
        }
        UserCommand::RemoveRole { email, study, role, organisation, team } => {
            let role = StaffRole::parse(&role.to_lowercase())
                .ok_or_else(|| anyhow!("--role '{role}' is not a role; use coordinator, researcher or admin"))?;
            let place = Place { study: study.as_deref(), organisation: organisation.as_deref(), team: team.as_deref() };
            let a = db.write(|c| -> Result<_> {
                let a = account(c, &email)?;
                let ResolvedPlace { study_id, organisation_id, team_id } = resolve_place(c, &place)?;
                let roles = staff::roles_of(c, a.id)?;
                let Some(found) = roles.iter().find(|r| {
                    r.study_id == study_id
                        && r.role == role.as_str()
                        && r.organisation_id == organisation_id
                        && r.team_id == team_id
                }) else {
                    bail!(
                        "{} has no such role; its roles: {}",
                        a.email,
                        roles
                            .iter()
                            .map(|r| format!(
                                "{} in {}{}{}",
                                r.role,
                                r.study_key,
                                r.organisation_key
                                    .as_deref()
                                    .map(|o| format!(" --organisation {o}"))
                                    .unwrap_or_default(),
                                r.team_name.as_deref().map(|t| format!(" --team {t}")).unwrap_or_default()
                            ))
                            .collect::<Vec<_>>()
                            .join("; ")
                    );
                };
                staff_lifecycle::remove_role(c, a.id, found.id, cli, now)?;
                Ok(a)
            })?;
            println!("{} is no longer {} there; its sessions ended.", a.email, role.as_str());
        }
        UserCommand::List => crate::user_cmd::list(db)?,
        UserCommand::Add { .. } | UserCommand::AddRole { .. } => unreachable!("handled by user_cmd"),
    }
    Ok(())
}
