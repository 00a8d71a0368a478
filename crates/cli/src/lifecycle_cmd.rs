//! The end of personal data from the command line: `koers erase-identifiers` at the end of a
//! study, `koers withdraw` for one person, and `koers retention` for a study's retention
//! period. Each change is one transaction and is written to the audit log.

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use koers_core::clock::Clock;
use koers_store::lifecycle::{self, Actor, OnWithdrawal, RETENTION_SETTING};
use koers_store::studies::{find_study, Study};
use koers_store::Database;
use std::io::{BufRead, IsTerminal, Write};

#[derive(Debug, Args)]
pub struct EraseArgs {
    /// The study's key.
    #[arg(long)]
    study: String,
    /// Do not ask; needed when standard input is not a terminal.
    #[arg(long)]
    yes: bool,
}

#[derive(Debug, Args)]
pub struct WithdrawArgs {
    /// The study's key.
    #[arg(long)]
    study: String,
    /// The person's id (as on the coordinator's pages: /staff/people/ID).
    #[arg(long, value_name = "ID")]
    person: i64,
    /// What the person's consent says about their answers so far: keep them in the study's
    /// data, or delete them (answers, paradata, scores, rewards).
    #[arg(long, value_name = "keep|delete", value_parser = ["keep", "delete"])]
    data: String,
}

#[derive(Debug, Args)]
pub struct RetentionArgs {
    /// The study's key.
    #[arg(long)]
    study: String,
    /// Erase the identifiers of the people listed (without it, only list them).
    #[arg(long)]
    apply: bool,
    /// Store the study's retention period (days after a person's participation ended) first.
    #[arg(long, value_name = "DAYS")]
    set_days: Option<u32>,
}

fn study(db: &Database, key: &str) -> Result<Study> {
    find_study(&mut *db.conn()?, key)?
        .ok_or_else(|| anyhow!("there is no study '{key}'; `koers study list` shows them"))
}

/// Asks on the terminal for the study's key; anything else cancels.
fn confirmed(prompt: &str, expected: &str) -> Result<bool> {
    eprint!("{prompt}");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the answer")?;
    Ok(line.trim() == expected)
}

pub fn erase(args: EraseArgs, db: &Database, clock: &dyn Clock) -> Result<()> {
    let study = study(db, &args.study)?;
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "erasing identifiers cannot be undone; add --yes to confirm (standard input is not a terminal to ask)"
            );
        }
        let lifecycle::ErasurePreview { identified, active } = db.read(|c| lifecycle::erasure_preview(c, study.id))?;
        eprintln!(
            "This removes the names, phone numbers, guardians' phone numbers and e-mail addresses of {identified} \
             people of study '{}' for good, and revokes their links and sessions.",
            study.key
        );
        eprintln!("Answers and pseudonymised exports stay as they are. Make a backup first (koers backup).");
        if active > 0 {
            eprintln!(
                "Warning: {active} of them still take part (an active subscription); they will get no more messages."
            );
        }
        if !confirmed(&format!("Type the study's key ({}) to erase: ", study.key), &study.key)? {
            bail!("not confirmed; nothing was erased");
        }
    }
    let erased = db.write(|c| lifecycle::erase_identifiers(c, study.id, Actor::CLI, clock.now()))?;
    println!(
        "Identifiers of {} people erased; {} links and {} sessions revoked; {} waiting messages cancelled.",
        erased.people, erased.link_tokens_revoked, erased.sessions_revoked, erased.invitations_cancelled
    );
    Ok(())
}

pub fn withdraw(args: WithdrawArgs, db: &Database, clock: &dyn Clock) -> Result<()> {
    let study = study(db, &args.study)?;
    let data = OnWithdrawal::parse(&args.data).ok_or_else(|| anyhow!("--data is keep or delete"))?;
    let at = study.clock().moment(clock.now());
    let w = db.write(|c| lifecycle::withdraw(c, study.id, args.person, data, Actor::CLI, at)).map_err(|e| match e {
        koers_store::StoreError::NotFound(_) => {
            anyhow!("there is no person {} in study '{}'", args.person, study.key)
        }
        e => e.into(),
    })?;
    println!(
        "Person {} withdrawn from '{}': {} subscriptions ended, {} waiting messages cancelled, {} consents marked withdrawn.",
        args.person, study.key, w.subscriptions_ended, w.invitations_cancelled, w.consents_withdrawn
    );
    match data {
        OnWithdrawal::Delete => println!(
            "Deleted: {} answers, {} paradata rows, {} scores, {} reward rows. What mentors wrote about this person stays.",
            w.answers_deleted, w.paradata_deleted, w.scores_deleted, w.rewards_deleted
        ),
        OnWithdrawal::Keep => println!("Their answers so far stay in the study's data."),
    }
    Ok(())
}

pub fn retention(args: RetentionArgs, db: &Database, clock: &dyn Clock) -> Result<()> {
    let study = study(db, &args.study)?;
    let now = clock.now();
    if let Some(days) = args.set_days {
        db.write(|c| lifecycle::set_retention_days(c, study.id, Some(days), Actor::CLI, now))?;
        println!("Study '{}': {RETENTION_SETTING} = {days}", study.key);
    }
    let Some(days) = db.read(|c| lifecycle::retention_days(c, study.id))? else {
        bail!(
            "study '{}' has no retention period; set one with `koers retention --study {} --set-days DAYS`",
            study.key,
            study.key
        );
    };
    if args.apply {
        let lifecycle::RetentionApplied { due, erased } =
            db.write(|c| lifecycle::apply_retention(c, study.id, Actor::CLI, now))?;
        println!(
            "Identifiers of {} people erased ({} found past the retention period of {days} days); {} links revoked.",
            erased.people,
            due.len(),
            erased.link_tokens_revoked
        );
        return Ok(());
    }
    let due = db.read(|c| lifecycle::expired(c, study.id, days, now))?;
    if due.is_empty() {
        println!("Nobody in '{}' ended more than {days} days ago with identifiers left.", study.key);
        return Ok(());
    }
    println!("person_id\trole\tended_at");
    for e in &due {
        println!("{}\t{}\t{}", e.person_id, e.role, e.ended_at.format("%Y-%m-%d %H:%M UTC"));
    }
    eprintln!(
        "{} people ended more than {days} days ago; `koers retention --study {} --apply` erases their identifiers.",
        due.len(),
        study.key
    );
    Ok(())
}
