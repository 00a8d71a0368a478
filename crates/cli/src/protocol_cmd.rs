//! `koers protocol check` and `koers protocol preview`.

use crate::definitions;
use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;
use clap::{Subcommand, ValueEnum};
use koers_core::protocol::windows::{participation_end, windows};
use koers_core::protocol::{parse_protocol, Opening, Protocol};
use koers_core::sms::{render_message, segments, MessageVars};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum ProtocolCommand {
    /// Check protocol files; every problem is printed as FILE: PATH: message (exit 1 on errors).
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Every window of a person who starts on DATE: open, reminder and close in local time and UTC.
    Preview {
        /// A protocol's name (vsv_student) or its file.
        protocol: String,
        /// The person's start date, YYYY-MM-DD (participation starts at local midnight).
        #[arg(long)]
        start: NaiveDate,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

pub fn run(cmd: ProtocolCommand, base_url: &str) -> Result<()> {
    match cmd {
        ProtocolCommand::Check { files } => check(&files, base_url),
        ProtocolCommand::Preview { protocol, start, format } => preview(&protocol, start, format),
    }
}

fn check(files: &[PathBuf], base_url: &str) -> Result<()> {
    let known_questionnaires: Vec<String> = definitions::shipped_questionnaires()
        .iter()
        .filter_map(|q| Path::new(&q.path).file_stem().and_then(|s| s.to_str()).map(str::to_string))
        .collect();
    let mut errors = 0;
    for file in files {
        let source = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{}: cannot read: {e}", file.display());
                errors += 1;
                continue;
            }
        };
        match parse_protocol(&source) {
            Err(problems) => {
                for p in &problems {
                    eprintln!("{}: {p}", file.display());
                }
                errors += problems.iter().filter(|p| !p.warning).count();
            }
            Ok((p, warnings)) => {
                for w in warnings {
                    eprintln!("{}: {w}", file.display());
                }
                for w in sms_warnings(&p, base_url) {
                    eprintln!("{}: warning: {w}", file.display());
                }
                for (i, m) in p.measurements.iter().enumerate() {
                    if !known_questionnaires.is_empty() && !known_questionnaires.contains(&m.questionnaire) {
                        eprintln!("{}: measurements[{i}].questionnaire: warning: '{}' is not among the shipped questionnaires", file.display(), m.questionnaire);
                    }
                }
                println!("{}: ok ({} measurements)", file.display(), p.measurements.len());
            }
        }
    }
    if errors > 0 {
        bail!("{errors} problem(s) found");
    }
    Ok(())
}

/// Texts rendered with a long name and a real-length link, measured in SMS segments.
fn sms_warnings(p: &Protocol, base_url: &str) -> Vec<String> {
    let link = format!("{base_url}/l/AbCdEfGhIjKlMnOpQrStUv");
    let vars = MessageVars {
        first_name: "Mohammed-Ali",
        mentor_name: "Anne-Marieke",
        earned_cents: 12_300,
        streak: 12,
        link: &link,
        // The longest title and a long school name: a text must fit with either.
        mentor_title: "jobcoach",
        organisation: "Regionaal Opleidingscentrum Noord-Nederland",
    };
    let mut texts: Vec<(String, &koers_core::protocol::LocalText)> = Vec::new();
    if let Some(t) = &p.texts.invitation {
        texts.push(("texts.invitation".into(), t));
    }
    if let Some(t) = &p.texts.reminder {
        texts.push(("texts.reminder".into(), t));
    }
    for (i, s) in p.texts.streak.iter().enumerate() {
        texts.push((format!("texts.streak[{i}].invitation"), &s.invitation));
    }
    let mut out = Vec::new();
    for (path, text) in texts {
        for (lang, t) in text.all() {
            let n = segments(&render_message(t, &vars));
            if n.segments as u32 > p.max_sms_segments {
                let at = if lang.is_empty() { path.clone() } else { format!("{path}.{lang}") };
                out.push(format!(
                    "{at}: needs {} SMS segments ({:?}, {} units), more than max_sms_segments {}",
                    n.segments, n.encoding, n.units, p.max_sms_segments
                ));
            }
        }
    }
    out
}

fn load_protocol(name_or_file: &str) -> Result<(Protocol, String)> {
    let path = Path::new(name_or_file);
    let source = if path.exists() {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?
    } else {
        let shipped = definitions::shipped_protocols();
        shipped
            .iter()
            .find(|s| Path::new(&s.path).file_stem().and_then(|x| x.to_str()) == Some(name_or_file))
            .map(|s| s.text.clone())
            .ok_or_else(|| {
                anyhow!(
                    "'{name_or_file}' is neither a file nor a shipped protocol; shipped: {}",
                    shipped
                        .iter()
                        .filter_map(|s| Path::new(&s.path).file_stem()?.to_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?
    };
    let (protocol, _) = parse_protocol(&source).map_err(|problems| {
        anyhow!(
            "the protocol has problems:\n  {}",
            problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n  ")
        )
    })?;
    let zone = protocol.time_zone.clone();
    Ok((protocol, zone))
}

fn rfc(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn preview(name: &str, start: NaiveDate, format: Format) -> Result<()> {
    let (p, zone_name) = load_protocol(name)?;
    let zone: Tz = zone_name.parse().map_err(|_| anyhow!("unknown time zone {zone_name}"))?;
    let start_at = koers_core::time::start_of_local_day(zone, start);
    let end = participation_end(&p, zone, start_at, None);
    let all = windows(&p, zone, start_at, end);
    match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = all
                .iter()
                .map(|w| {
                    serde_json::json!({
                        "questionnaire": w.questionnaire,
                        "measurement": w.measurement,
                        "occurrence": w.occurrence,
                        "open_local": rfc(w.open_at, zone),
                        "reminder_local": w.remind_at.map(|r| rfc(r, zone)),
                        "close_local": rfc(w.close_at, zone),
                        "open_utc": utc(w.open_at),
                        "reminder_utc": w.remind_at.map(utc),
                        "close_utc": utc(w.close_at),
                        "invite": w.invite,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&rows)?);
        }
        Format::Table => {
            println!("protocol {} for a start on {start} ({zone_name}); participation ends {}", p.name, rfc(end, zone));
            for m in &p.measurements {
                let opens = match m.opening() {
                    Ok(Opening::FromStart(s)) => format!("opens {s} after the start"),
                    Ok(Opening::BeforeEnd(s)) => format!("opens {s} before the end"),
                    Ok(Opening::Recurring { period, weekday, time }) => format!(
                        "opens {:?} {}at {} local time",
                        period,
                        weekday.map(|w| format!("on {w} ")).unwrap_or_default(),
                        time.format("%H:%M")
                    )
                    .to_lowercase(),
                    Err(e) => e,
                };
                let reminder =
                    m.reminder_delay.map(|r| format!("; reminder at open + {r} unless completed")).unwrap_or_default();
                println!(
                    "  {}: {opens}; closes at open + {}{reminder}; who opened it may finish until close + {}",
                    m.key, m.open_duration, p.grace_period
                );
            }
            println!();
            println!(
                "{:<16} {:>3}  {:<25} {:<25} {:<25}  {:<20}",
                "questionnaire", "#", "opens (local)", "reminder (local)", "closes (local)", "opens (UTC)"
            );
            for w in &all {
                println!(
                    "{:<16} {:>3}  {:<25} {:<25} {:<25}  {:<20}",
                    w.questionnaire,
                    w.occurrence,
                    rfc(w.open_at, zone),
                    w.remind_at.map(|r| rfc(r, zone)).unwrap_or_else(|| "-".into()),
                    rfc(w.close_at, zone),
                    utc(w.open_at)
                );
            }
        }
    }
    Ok(())
}
