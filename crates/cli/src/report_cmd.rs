//! `koers report --study S --out report.html`: the study's figures (response curves, construct
//! means with 95% CI and quartiles, trajectories aligned to dropout, choice shares, joint weeks)
//! as one HTML page with inline SVG and the numbers in tables. Audited like an export.

use anyhow::{anyhow, Context, Result};
use clap::Args;
use koers_core::clock::Clock;
use koers_core::settings::Settings;
use koers_export::{Format, Kind, Request};
use koers_store::{audit, Database};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The study's key.
    #[arg(long)]
    study: String,
    /// The HTML file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn run(args: ReportArgs, settings: &Settings, db: &Database, clock: &dyn Clock) -> Result<()> {
    let secret = crate::secret::load(settings)?;
    let mut conn = db.conn()?;
    let study = koers_store::studies::find_study(&mut conn, &args.study)?
        .ok_or_else(|| anyhow!("there is no study '{}'; `koers study list` shows them", args.study))?;
    let real_now = clock.now();
    let req = Request {
        kind: Kind::Codebook,
        study_id: study.id,
        format: Format::Csv,
        pseudonym_key: koers_export::pseudonym_key(&secret),
        questionnaire: None,
        now: study.clock().at(real_now),
        teams: None,
    };
    let data = koers_export::report::gather(&mut conn, &req)?;
    let title = if study.test_mode { format!("{} (TEST: rehearsal data)", study.key) } else { study.key.clone() };
    std::fs::write(&args.out, koers_export::report_html::html(&title, &data))
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    audit::record(
        &mut conn,
        real_now,
        &audit::Entry {
            actor: "cli",
            action: "export",
            study_id: Some(study.id),
            details: serde_json::json!({"kind": "report"}),
            ..Default::default()
        },
    )?;
    eprintln!("report written to {}", args.out.display());
    Ok(())
}
