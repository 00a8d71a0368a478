//! `koers export KIND --study S`: a dataset to a file (written to a temporary file beside it and
//! renamed at the end, so a crash or Ctrl-C never leaves half a dataset under the real name) or
//! to standard output. Every export is written to the audit log.

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use koers_core::clock::Clock;
use koers_core::settings::Settings;
use koers_export::{Format, Kind, Request};
use koers_store::{audit, Database};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// answers-long, responses-wide, pair-weeks, invitations, people, rewards or codebook; or
    /// `package`: every pseudonymised export with codebook, datapackage.json, R, SPSS and Stata
    /// syntax and a README, written into the folder given by --out.
    #[arg(value_name = "KIND")]
    kind: String,
    /// The study's key.
    #[arg(long)]
    study: String,
    /// Write here instead of to standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// csv or jsonl; by default from the file's extension, else csv.
    #[arg(long)]
    format: Option<String>,
    /// responses-wide of this questionnaire only (plain item columns).
    #[arg(long, value_name = "KEY")]
    questionnaire: Option<String>,
    /// Needed for `rewards`, the one export with names and phone numbers.
    #[arg(long)]
    identifying: bool,
}

pub fn run(args: ExportArgs, settings: &Settings, db: &Database, clock: &dyn Clock) -> Result<()> {
    if args.kind == "package" {
        return package(args, settings, db, clock);
    }
    let names = Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ");
    let kind =
        Kind::parse(&args.kind).ok_or_else(|| anyhow!("'{}' is not an export; choose one of {names}", args.kind))?;
    if kind.identifying() && !args.identifying {
        bail!("'{}' holds names and phone numbers; add --identifying to confirm you may export them", kind.as_str());
    }
    let from_extension =
        args.out.as_ref().and_then(|p| p.extension()).and_then(|e| Format::parse(&e.to_string_lossy()));
    let format = match &args.format {
        Some(f) => Format::parse(f).ok_or_else(|| anyhow!("'{f}' is not a format; use csv or jsonl"))?,
        None => from_extension.unwrap_or(Format::Csv),
    };
    let secret = crate::secret::load(settings)?;
    let mut conn = db.conn()?;
    let real_now = clock.now();
    let (study, mut req) = whole_study(&mut conn, &args.study, &secret, kind, format, real_now)?;
    req.questionnaire = args.questionnaire.clone();
    if study.test_mode {
        eprintln!("Note: {} is a test-mode study: this export holds rehearsal data, not real answers.", study.key);
    }
    let terminal = std::io::stderr().is_terminal();
    let mut progress = |done: u64, total: Option<u64>| {
        if terminal {
            match total {
                Some(t) if t > 0 => eprint!("\r{}: {done} of {t} ({}%)   ", kind.as_str(), done * 100 / t),
                _ => eprint!("\r{}: {done}   ", kind.as_str()),
            }
        }
    };
    let summary = match &args.out {
        Some(path) => {
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            let mut tmp =
                tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
            let summary = {
                let mut out = std::io::BufWriter::new(tmp.as_file_mut());
                let s = koers_export::export(&mut conn, &req, &mut out, &mut progress)?;
                out.flush()?;
                s
            };
            tmp.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
            summary
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let s = koers_export::export(&mut conn, &req, &mut out, &mut progress)?;
            out.flush()?;
            s
        }
    };
    if terminal {
        eprintln!();
    }
    audit::record(
        &mut conn,
        real_now,
        &audit::Entry {
            actor: "cli",
            action: "export",
            study_id: Some(study.id),
            details: serde_json::json!({"kind": kind.as_str(), "format": format.extension(), "rows": summary.rows,
                                        "questionnaire": args.questionnaire}),
            ..Default::default()
        },
    )?;
    if let Some(path) = &args.out {
        eprintln!("{} rows of {} written to {}", summary.rows, kind.as_str(), path.display());
    }
    Ok(())
}

/// The study by its key and a request for all of it: whoever runs the command line holds the
/// database itself, so every team. Open pairs and participations count up to the study's own
/// now; audit entries use real time.
pub(crate) fn whole_study(
    conn: &mut koers_store::DbConnection,
    key: &str,
    secret: &[u8],
    kind: Kind,
    format: Format,
    real_now: chrono::DateTime<chrono::Utc>,
) -> Result<(koers_store::studies::Study, Request)> {
    let study = koers_store::studies::find_study(conn, key)?
        .ok_or_else(|| anyhow!("there is no study '{key}'; `koers study list` shows them"))?;
    let req = Request {
        kind,
        study_id: study.id,
        format,
        pseudonym_key: koers_export::pseudonym_key(secret),
        questionnaire: None,
        now: study.clock().at(real_now),
        teams: None,
    };
    Ok((study, req))
}

/// `koers export package --study S --out DIR`: the research package into a folder.
fn package(args: ExportArgs, settings: &Settings, db: &Database, clock: &dyn Clock) -> Result<()> {
    let dir = args.out.clone().ok_or_else(|| anyhow!("a package needs --out FOLDER"))?;
    let secret = crate::secret::load(settings)?;
    let mut conn = db.conn()?;
    let real_now = clock.now();
    let (study, req) = whole_study(&mut conn, &args.study, &secret, Kind::Codebook, Format::Csv, real_now)?;
    if study.test_mode {
        eprintln!("Note: {} is a test-mode study: this package holds rehearsal data, not real answers.", study.key);
    }
    let files = koers_export::package::build(&mut conn, &req)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot make {}", dir.display()))?;
    for f in &files {
        let path = dir.join(&f.name);
        let mut tmp =
            tempfile::NamedTempFile::new_in(&dir).with_context(|| format!("cannot write in {}", dir.display()))?;
        tmp.write_all(&f.bytes)?;
        tmp.persist(&path).with_context(|| format!("cannot write {}", path.display()))?;
    }
    audit::record(
        &mut conn,
        real_now,
        &audit::Entry {
            actor: "cli",
            action: "export",
            study_id: Some(study.id),
            details: serde_json::json!({"kind": "package", "files": files.len()}),
            ..Default::default()
        },
    )?;
    eprintln!("{} files written to {}", files.len(), dir.display());
    Ok(())
}
