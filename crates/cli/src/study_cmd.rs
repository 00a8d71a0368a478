//! `koers study`, `organisation`, `team` and `load`: setting up a study without the demo.

use crate::definitions;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use koers_core::clock::Clock;
use koers_store::studies::{
    ensure_organisation, ensure_team, find_study, list_studies, organisations_of, resolve_study, set_mentor_title,
    NewStudy,
};
use koers_store::{audit, Database};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum StudyCommand {
    /// Create a study (nothing happens if one with this key exists).
    Create {
        /// Short key, e.g. vsv2027.
        key: String,
        #[arg(long)]
        name: String,
        /// IANA time zone in which protocols speak.
        #[arg(long, default_value = "Europe/Amsterdam")]
        time_zone: String,
        /// Language for people without one of their own: nl or en.
        #[arg(long, default_value = "nl")]
        locale: String,
        /// Test mode, for rehearsing: the study gets a clock of its own (`koers clock`), its
        /// messages go to the console only, it is marked "test" on every staff page and
        /// export, and it can be deleted whole.
        #[arg(long)]
        test_mode: bool,
    },
    /// List studies.
    List,
    /// Load a study's settings from a YAML file with a `feedback:` section (feedback to mentors,
    /// early warnings) and/or a `safety:` section (the help page, alarm words); everything off
    /// unless switched on there, and a section left out keeps what the study had. See the README.
    Settings {
        #[arg(long)]
        study: Option<String>,
        /// The YAML file.
        #[arg(long)]
        file: PathBuf,
    },
    /// Which staff must log in with a second factor (TOTP): `sensitive` (the default: admins,
    /// coordinators, and researchers who may export), `all`, or `optional` (test-mode studies only).
    TwoFactor {
        /// The study's key.
        key: String,
        /// sensitive, all or optional.
        rule: String,
    },
    /// Delete a test-mode study with everything in it (refused for a real study).
    Delete {
        key: String,
        /// Confirms the deletion (there is no undo).
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
pub enum OrganisationCommand {
    /// Add an organisation to a study.
    Add {
        key: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        study: Option<String>,
        /// The group the organisation belongs to in the design, e.g. control.
        #[arg(long)]
        group: Option<String>,
        /// What the organisation calls a mentor on pages and in SMS texts: begeleider (default),
        /// coach, buddy or jobcoach.
        #[arg(long)]
        mentor_title: Option<String>,
    },
    /// Set what an organisation calls a mentor (begeleider, coach, buddy, jobcoach): pages,
    /// questionnaires and SMS texts ({{begeleider}}) use that word for its people.
    Title {
        /// The organisation's key.
        key: String,
        /// begeleider, coach, buddy or jobcoach.
        title: String,
        #[arg(long)]
        study: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum TeamCommand {
    /// Add a team to an organisation.
    Add {
        name: String,
        #[arg(long)]
        organisation: String,
        #[arg(long)]
        study: Option<String>,
    },
}

#[derive(Args)]
pub struct LoadArgs {
    #[arg(long)]
    study: Option<String>,
    /// Folder of questionnaire files (default: the study questionnaires shipped with koers).
    #[arg(long)]
    questionnaires: Option<PathBuf>,
    /// Folder of protocol files (default: the protocols shipped with koers).
    #[arg(long)]
    protocols: Option<PathBuf>,
}

pub fn study(cmd: StudyCommand, db: &Database, clock: &dyn Clock) -> Result<()> {
    match cmd {
        StudyCommand::Create { key, name, time_zone, locale, test_mode } => {
            koers_core::time::parse_zone(&time_zone).map_err(anyhow::Error::msg)?;
            if koers_core::people::Locale::parse(&locale).is_none() {
                anyhow::bail!("--locale must be nl or en");
            }
            if key.is_empty()
                || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
            {
                anyhow::bail!("the study key may hold only a-z, 0-9, - and _");
            }
            let now = clock.now();
            db.write(|conn| -> Result<()> {
                let existed = find_study(conn, &key)?.is_some();
                let s = koers_store::studies::ensure_study(
                    conn,
                    &NewStudy { key: &key, name: &name, time_zone: &time_zone, default_locale: &locale, test_mode },
                    now,
                )?;
                if existed {
                    println!("Study {} exists already; nothing changed.", s.key);
                } else {
                    audit::record(
                        conn,
                        now,
                        &audit::Entry {
                            actor: "cli",
                            action: "study.create",
                            study_id: Some(s.id),
                            ..Default::default()
                        },
                    )?;
                    println!("Created study {}.", s.key);
                }
                Ok(())
            })
        }
        StudyCommand::TwoFactor { key, rule } => {
            use koers_store::two_factor_rule::{self, Rule};
            let parsed = Rule::parse(&rule).with_context(|| format!("'{rule}' is not sensitive, all or optional"))?;
            let study = db.read(|c| find_study(c, &key))?.with_context(|| format!("there is no study '{key}'"))?;
            let now = clock.now();
            db.write(|c| -> Result<()> {
                two_factor_rule::set_rule(c, study.id, parsed)?;
                audit::record(
                    c,
                    now,
                    &audit::Entry {
                        actor: "cli",
                        action: "study.two_factor",
                        study_id: Some(study.id),
                        details: serde_json::json!({"rule": parsed.as_str()}),
                        ..Default::default()
                    },
                )?;
                Ok(())
            })?;
            println!("Study {key}: the second factor is now '{}' for its staff.", parsed.as_str());
            Ok(())
        }
        StudyCommand::Settings { study, file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let settings = koers_core::study_settings::SettingsFile::from_yaml(&text)
                .map_err(|p| anyhow::anyhow!("{}: {}", file.display(), p.join("; ")))?;
            let study = db.read(|c| resolve_study(c, study.as_deref()))?;
            let now = clock.now();
            db.write(|c| -> Result<()> {
                for section in settings.sections() {
                    koers_store::studies::set_settings_section(c, study.id, &section)?;
                }
                audit::record(
                    c,
                    now,
                    &audit::Entry {
                        actor: "cli",
                        action: "study.settings",
                        study_id: Some(study.id),
                        details: serde_json::json!({ "feedback": settings.feedback, "safety": settings.safety, "register": settings.register }),
                        ..Default::default()
                    },
                )?;
                Ok(())
            })?;
            let on = |b: bool| if b { "on" } else { "off" };
            if let Some(feedback) = &settings.feedback {
                println!(
                    "Study {}: trends {}, support match {}, warnings {}, own trend {} (shown only about students who agreed).",
                    study.key,
                    on(feedback.trends),
                    on(feedback.support_match),
                    on(feedback.warnings),
                    on(feedback.own_trend)
                );
            }
            if let Some(safety) = &settings.safety {
                println!(
                    "Study {}: help page {} ({} place(s) to turn to), alarm words {} ({} word(s), told to: {}).",
                    study.key,
                    on(safety.has_help()),
                    safety.help.len(),
                    on(!safety.alarm_words.is_empty()),
                    safety.alarm_words.len(),
                    safety.notify_role.as_deref().unwrap_or("nobody")
                );
            }
            if let Some(register) = &settings.register {
                println!(
                    "Study {}: mentors are addressed with '{}', parents with '{}'.",
                    study.key,
                    register.mentors.code(),
                    register.parents.code()
                );
            }
            Ok(())
        }
        StudyCommand::List => {
            for s in list_studies(&mut *db.conn()?)? {
                println!("{}\t{}\t{}{}", s.key, s.name, s.time_zone, if s.test_mode { "\t(test mode)" } else { "" });
            }
            Ok(())
        }
        StudyCommand::Delete { key, yes } => {
            let study = db.read(|c| find_study(c, &key))?.with_context(|| format!("there is no study '{key}'"))?;
            if !study.test_mode {
                anyhow::bail!("study '{key}' is not in test mode; only a rehearsal can be deleted whole");
            }
            if !yes {
                anyhow::bail!("deleting study '{key}' removes all its people and answers; add --yes to confirm");
            }
            let now = clock.now();
            let deleted = db.write(|c| -> Result<_> {
                let d = koers_store::study_delete::delete_test_study(c, &study)?;
                audit::record(
                    c,
                    now,
                    &audit::Entry {
                        actor: "cli",
                        action: "study.delete",
                        details: serde_json::json!({ "study": study.key, "people": d.people }),
                        ..Default::default()
                    },
                )?;
                Ok(d)
            })?;
            println!(
                "Deleted test study {} ({} people, {} questionnaire windows, {} messages).",
                study.key, deleted.people, deleted.responses, deleted.invitations
            );
            Ok(())
        }
    }
}

pub fn organisation(cmd: OrganisationCommand, db: &Database, clock: &dyn Clock) -> Result<()> {
    match cmd {
        OrganisationCommand::Add { key, name, study, group, mentor_title } => db.write(|conn| -> Result<()> {
            let s = resolve_study(conn, study.as_deref())?;
            let o = ensure_organisation(conn, s.id, &key, &name, group.as_deref(), clock.now())?;
            if let Some(title) = &mentor_title {
                set_mentor_title(conn, o.id, title)?;
            }
            println!("Organisation {} ({}) is in study {}.", o.key, o.name, s.key);
            Ok(())
        }),
        OrganisationCommand::Title { key, title, study } => db.write(|conn| -> Result<()> {
            let s = resolve_study(conn, study.as_deref())?;
            let orgs = organisations_of(conn, s.id)?;
            let o = orgs.iter().find(|o| o.key == key).with_context(|| unknown_organisation(&key, &s.key, &orgs))?;
            set_mentor_title(conn, o.id, &title)?;
            println!("Organisation {} calls a mentor '{}'.", o.key, title.trim().to_lowercase());
            Ok(())
        }),
    }
}

fn unknown_organisation(key: &str, study: &str, orgs: &[koers_store::studies::Organisation]) -> String {
    format!(
        "organisation '{key}' is not in study {study}; known: {}",
        orgs.iter().map(|o| o.key.as_str()).collect::<Vec<_>>().join(", ")
    )
}

pub fn team(cmd: TeamCommand, db: &Database, clock: &dyn Clock) -> Result<()> {
    let TeamCommand::Add { name, organisation, study } = cmd;
    db.write(|conn| -> Result<()> {
        let s = resolve_study(conn, study.as_deref())?;
        let orgs = organisations_of(conn, s.id)?;
        let o = orgs
            .iter()
            .find(|o| o.key == organisation)
            .with_context(|| unknown_organisation(&organisation, &s.key, &orgs))?;
        ensure_team(conn, o.id, &name, clock.now())?;
        println!("Team {name} is in organisation {}.", o.key);
        Ok(())
    })
}

pub fn load(args: LoadArgs, db: &Database, clock: &dyn Clock) -> Result<()> {
    let questionnaires = match &args.questionnaires {
        Some(dir) => definitions::read_dir(dir)?,
        None => definitions::shipped_questionnaires(),
    };
    let protocols = match &args.protocols {
        Some(dir) => definitions::read_dir(dir)?,
        None => definitions::shipped_protocols(),
    };
    let report = db.write(|conn| -> Result<_> {
        let s = resolve_study(conn, args.study.as_deref())?;
        Ok(definitions::load_all(conn, s.id, &questionnaires, &protocols, clock.now())?)
    })?;
    for n in &report.new {
        println!("new version: {n}");
    }
    println!("{} new version(s), {} unchanged.", report.new.len(), report.unchanged);
    Ok(())
}
