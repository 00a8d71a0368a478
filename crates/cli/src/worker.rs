//! `koers worker`: the scheduler on its own, for real or on a simulated clock.

use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, TimeDelta, Utc};
use clap::Args;
use koers_core::clock::{Clock, FixedClock, SystemClock};
use koers_core::protocol::duration::Span;
use koers_core::settings::Settings;
use koers_scheduler::{Scheduler, SchedulerConfig};
use koers_store::Database;
use std::sync::Arc;

#[derive(Args)]
pub struct WorkerArgs {
    /// Rehearse on a simulated clock starting at this instant (RFC 3339, e.g. 2026-09-03T00:00:00Z);
    /// every step runs one full round of the scheduler, as fast as the machine allows.
    #[arg(long, requires = "simulate_until")]
    simulate_from: Option<DateTime<Utc>>,
    /// Where the simulation stops.
    #[arg(long, requires = "simulate_from")]
    simulate_until: Option<DateTime<Utc>>,
    /// Simulated time between rounds, e.g. 1m or 5m.
    #[arg(long, default_value = "1m")]
    step: String,
}

/// The scheduler as the settings describe it.
pub fn build(settings: &Settings, db: Database, clock: Arc<dyn Clock>, throttle: bool) -> Result<Scheduler> {
    let gateway = koers_messaging::factory::from_settings(&settings.sms, &settings.base_url).map_err(|e| anyhow!(e))?;
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "koers".into());
    Ok(Scheduler {
        db,
        clock,
        gateway,
        email: match &settings.email.smtp_url {
            Some(url) if !url.is_empty() => Some(Arc::new(
                koers_messaging::email::Smtp::new(
                    url,
                    &settings.email.from,
                    std::time::Duration::from_secs(settings.sms.timeout_seconds.max(1)),
                )
                .map_err(|e| anyhow!(e))?,
            )),
            _ => None,
        },
        config: SchedulerConfig {
            base_url: settings.base_url.clone(),
            sender: settings.sms.sender.clone(),
            secret: crate::secret::load(settings)?,
            worker_id: format!("{host}-{}", std::process::id()),
            messages_per_second: settings.sms.messages_per_second,
            max_attempts: settings.sms.max_attempts,
            claim_timeout: TimeDelta::seconds(settings.scheduler.claim_timeout_seconds as i64),
            throttle,
            apply_retention: true,
        },
    })
}

pub fn run(args: WorkerArgs, settings: &Settings, db: Database) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match (args.simulate_from, args.simulate_until) {
        (Some(from), Some(until)) => {
            if until <= from {
                bail!("--simulate-until must be after --simulate-from");
            }
            let step = Span::parse(&args.step).map_err(|e| anyhow!("--step: {e}"))?.0;
            if step <= TimeDelta::zero() {
                bail!("--step must be longer than 0");
            }
            let clock = FixedClock::new(from);
            let mut scheduler = build(settings, db, Arc::new(clock.clone()), false)?;
            // A rehearsal's clock runs ahead of the real one: it must not erase anyone.
            scheduler.config.apply_retention = false;
            runtime.block_on(async {
                let mut rounds = 0u64;
                while clock.now() <= until {
                    let report = scheduler.tick().await?;
                    if report.dispatched.claimed > 0 {
                        tracing::info!(at = %clock.now(), sent = report.dispatched.sent, skipped = report.dispatched.skipped, "simulated round");
                    }
                    rounds += 1;
                    clock.advance(step);
                }
                println!("Simulated {rounds} rounds from {from} to {until}.");
                Ok::<_, anyhow::Error>(())
            })
        }
        _ => {
            let scheduler = build(settings, db, Arc::new(SystemClock), true)?;
            let tick = settings.scheduler.tick_seconds;
            runtime.block_on(async move {
                tracing::info!(worker = %scheduler.config.worker_id, "worker running; Ctrl-C or SIGTERM stops it");
                scheduler
                    .run(tick, async {
                        // SIGTERM too: that is what systemd, Docker and Kubernetes send.
                        #[cfg(unix)]
                        {
                            use tokio::signal::unix::{signal, SignalKind};
                            match signal(SignalKind::terminate()) {
                                Ok(mut term) => {
                                    tokio::select! {
                                        _ = tokio::signal::ctrl_c() => {}
                                        _ = term.recv() => {}
                                    }
                                }
                                Err(_) => {
                                    let _ = tokio::signal::ctrl_c().await;
                                }
                            }
                        }
                        #[cfg(not(unix))]
                        let _ = tokio::signal::ctrl_c().await;
                    })
                    .await
                    .map_err(|e| anyhow!(e))
            })
        }
    }
}
