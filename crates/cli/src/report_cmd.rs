//! `koers report --study S --out report.html`: the study's figures (response curves, construct
//! means with 95% CI and quartiles, trajectories aligned to dropout, choice shares, joint weeks)
//! as one HTML page with inline SVG and the numbers in tables. Audited like an export.

use anyhow::{Context, Result};
use clap::Args;
use koers_core::clock::Clock;
use koers_core::settings::Settings;
use koers_export::{Format, Kind};
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
    /// The report's language, `nl` or `en`; the study's default language when left out.
    #[arg(long, value_parser = ["nl", "en"])]
    lang: Option<String>,
}

pub fn run(args: ReportArgs, settings: &Settings, db: &Database, clock: &dyn Clock) -> Result<()> {
    let secret = crate::secret::load(settings)?;
    let mut conn = db.conn()?;
    let real_now = clock.now();
    let (study, req) =
        crate::export_cmd::whole_study(&mut conn, &args.study, &secret, Kind::Codebook, Format::Csv, real_now)?;
    let data = koers_export::report::gather(&mut conn, &req)?;
    let lang = args.lang.as_deref().unwrap_or(study.default_locale.as_str());
    let title = if study.test_mode {
        koers_texts::t(lang, "report-test-title", &[("study", study.key.clone())])
    } else {
        study.key.clone()
    };
    std::fs::write(&args.out, koers_export::report_html::html(&title, &data, lang))
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
