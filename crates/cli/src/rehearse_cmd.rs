//! `koers rehearse`: live through a whole study in minutes with a synthetic cohort, in a
//! test-mode study of the configured database.

use anyhow::{anyhow, Result};
use chrono::NaiveDate;
use clap::Args;
use koers_core::clock::SystemClock;
use koers_core::settings::Settings;
use koers_rehearse::{Options, Setup};
use koers_store::Database;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Args)]
pub struct RehearseArgs {
    /// Students in the cohort (half in the control group, half at risk).
    #[arg(long, default_value_t = 30)]
    students: usize,
    /// Mentors (each guides students of their own school).
    #[arg(long, default_value_t = 10)]
    mentors: usize,
    /// Weeks the study lasts; everyone's participation ends after the last one.
    #[arg(long, default_value_t = 12)]
    weeks: u32,
    /// The same seed gives the same cohort, the same answers and the same truth files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The test-mode study to rehearse in (created when missing); default `rehearsal`.
    #[arg(long)]
    study: Option<String>,
    /// The Monday the study starts (a new study only), e.g. 2027-01-04.
    #[arg(long)]
    start: Option<NaiveDate>,
    /// Folder for truth.csv and people.csv (default: ./rehearsal-STUDY).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Switch the study's early warnings on and print which falling-then-dropout and steady
    /// students they flagged (and when); writes feedback.csv too.
    #[arg(long)]
    feedback: bool,
}

pub fn run(args: RehearseArgs, settings: &Settings, db: Database) -> Result<()> {
    let secret = crate::secret::load(settings)?;
    let study = args.study.clone().unwrap_or_else(|| "rehearsal".into());
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from(format!("rehearsal-{study}")));
    let opts = Options {
        study: Some(study),
        start: args.start,
        out: Some(out.clone()),
        feedback: args.feedback,
        ..Options::new(args.students, args.mentors, args.weeks, args.seed)
    };
    let setup = Setup { db, settings: settings.clone(), secret, real_clock: Arc::new(SystemClock) };
    let terminal = std::io::stderr().is_terminal();
    let mut progress = |p: &koers_rehearse::Progress| {
        let line = format!(
            "week {} of {}: {} messages sent, {} questionnaires answered",
            p.week.min(p.weeks),
            p.weeks,
            p.messages,
            p.responses
        );
        if terminal {
            eprint!("\r{line}   ");
        } else {
            eprintln!("{line}");
        }
        let _ = std::io::stderr().flush();
    };
    let runtime = actix_web::rt::System::new();
    let report = runtime.block_on(koers_rehearse::rehearse(setup, opts, &mut progress)).map_err(|e| anyhow!(e))?;
    if terminal {
        eprintln!();
    }
    println!(
        "Rehearsed study {} in {:.0} s: {} messages, {} questionnaires answered.",
        report.study,
        report.elapsed.as_secs_f64(),
        report.messages,
        report.truth.len()
    );
    println!("Truth files: {}/truth.csv and people.csv", out.display());
    println!("Checks:");
    for c in &report.checks {
        println!("  [{}] {}: {}", if c.ok { "ok" } else { "FAILED" }, c.name, c.detail);
    }
    if let Some(f) = &report.feedback {
        println!("Early warnings (feedback.csv):");
        for flag in &f.flags {
            let what = match &flag.first {
                Some((rule, construct, week)) => format!("flagged in {week} by {rule} {construct}"),
                None => "not flagged".into(),
            };
            let dropout = flag.dropout_week.as_deref().map(|w| format!(", dropout {w}")).unwrap_or_default();
            println!("  {} {}{dropout}: {what}", flag.pattern, flag.person);
        }
        println!(
            "  falling then dropout: {} of {} flagged before their dropout week ({:.0}%); steady: {} of {} flagged ({:.0}%)",
            f.falling_caught,
            f.falling,
            100.0 * f.caught_share(),
            f.steady_flagged,
            f.steady,
            100.0 * f.false_alarm_share()
        );
    }
    println!(
        "Look at it: koers serve, then /staff/login as {} (password {}); move its clock with koers clock advance 1w --study {}.",
        report.coordinator.0, report.coordinator.1, report.study
    );
    if report.checks.iter().any(|c| !c.ok) {
        return Err(anyhow!("some checks failed (see above)"));
    }
    Ok(())
}
