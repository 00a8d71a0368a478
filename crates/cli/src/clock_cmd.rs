//! `koers clock`: show and move the clock of a test-mode study, so a protocol can be lived
//! through in minutes. Every instance reads the clock from the database, so a moved clock holds
//! for the web server, `koers worker` and other commands at once.

use anyhow::{anyhow, Context, Result};
use chrono::{DateTime, FixedOffset, Utc};
use clap::Subcommand;
use koers_core::clock::{Clock, StudyClock};
use koers_core::protocol::duration::Span;
use koers_store::studies::{resolve_study, Study};
use koers_store::{audit, study_clock, Database};

#[derive(Subcommand)]
pub enum ClockCommand {
    /// Print the study's time (and, for a test-mode study, how far it is from real time).
    Show {
        #[arg(long)]
        study: Option<String>,
    },
    /// Set a test-mode study's clock to an instant, e.g. 2027-03-04T12:00+01:00. Once the
    /// study holds data its clock only moves forward.
    Set {
        /// RFC 3339 with an offset; seconds may be left out (2027-03-04T12:00+01:00).
        at: String,
        #[arg(long)]
        study: Option<String>,
    },
    /// Move a test-mode study's clock forward, e.g. `1w`, `30h`, `1d12h`.
    Advance {
        by: String,
        #[arg(long)]
        study: Option<String>,
    },
}

/// Reads `2027-03-04T12:00+01:00` as well as full RFC 3339.
pub fn parse_instant(s: &str) -> Result<DateTime<Utc>> {
    let s = s.trim();
    DateTime::<FixedOffset>::parse_from_rfc3339(s)
        .or_else(|_| DateTime::<FixedOffset>::parse_from_str(s, "%Y-%m-%dT%H:%M%:z"))
        .or_else(|_| DateTime::<FixedOffset>::parse_from_str(s, "%Y-%m-%dT%H:%M%#z"))
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| anyhow!("'{s}' is not an instant; write it with its offset, e.g. 2027-03-04T12:00+01:00"))
}

fn describe(study: &Study, clock: StudyClock, real: &dyn Clock) -> anyhow::Result<String> {
    let zone = study.zone()?;
    let now = clock.now(real).with_timezone(&zone);
    let base = format!("{}: {} ({})", study.key, now.format("%Y-%m-%d %H:%M:%S %:z, %A"), study.time_zone);
    if !study.test_mode {
        return Ok(format!("{base}, real time (not a test-mode study)"));
    }
    let ahead = clock.offset;
    let days = ahead.num_days();
    let hours = ahead.num_hours() - days * 24;
    Ok(format!("{base}, test mode: {days} day(s) {hours} hour(s) from real time"))
}

pub fn run(cmd: ClockCommand, db: &Database, real: &dyn Clock) -> Result<()> {
    let study_key = match &cmd {
        ClockCommand::Show { study } | ClockCommand::Set { study, .. } | ClockCommand::Advance { study, .. } => {
            study.clone()
        }
    };
    let study = db.read(|c| resolve_study(c, study_key.as_deref()))?;
    let (action, clock) = match cmd {
        ClockCommand::Show { .. } => {
            println!("{}", describe(&study, study.clock(), real)?);
            return Ok(());
        }
        ClockCommand::Set { at, .. } => {
            let to = parse_instant(&at)?;
            ("study.clock.set", db.write(|c| study_clock::set(c, &study, to, real.now()))?)
        }
        ClockCommand::Advance { by, .. } => {
            let span = Span::parse(&by).map_err(|e| anyhow!("{e}")).context("the duration to advance by")?;
            ("study.clock.advance", db.write(|c| study_clock::advance(c, &study, span.0))?)
        }
    };
    let now = real.now();
    db.write(|c| {
        audit::record(
            c,
            now,
            &audit::Entry {
                actor: "cli",
                action,
                study_id: Some(study.id),
                details: serde_json::json!({ "study_time": clock.at(now).to_rfc3339() }),
                ..Default::default()
            },
        )
    })?;
    println!("{}", describe(&study, clock, real)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_read_with_or_without_seconds() {
        let a = parse_instant("2027-03-04T12:00+01:00").unwrap();
        assert_eq!(a.to_rfc3339(), "2027-03-04T11:00:00+00:00");
        assert_eq!(parse_instant("2027-03-04T12:00:00+01:00").unwrap(), a);
        assert_eq!(parse_instant("2027-03-04T11:00:00Z").unwrap(), a);
        assert!(parse_instant("2027-03-04 12:00").is_err());
    }
}
