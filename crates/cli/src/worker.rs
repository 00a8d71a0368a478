//! `koers worker`: the scheduler on its own.

use anyhow::{anyhow, Result};
use chrono::TimeDelta;
use clap::Args;
use koers_core::clock::{Clock, SystemClock};
use koers_core::settings::Settings;
use koers_scheduler::{Scheduler, SchedulerConfig};
use koers_store::Database;
use std::sync::Arc;

/// `koers worker` takes no options of its own; settings come from koers.toml and `KOERS_*`.
/// (A rehearsal on a simulated clock is `koers rehearse` or `koers clock advance` on a
/// test-mode study: real studies always run on real time.)
#[derive(Args)]
pub struct WorkerArgs {}

/// The scheduler as the settings describe it.
pub fn build(settings: &Settings, db: Database, real_clock: Arc<dyn Clock>, throttle: bool) -> Result<Scheduler> {
    let gateway = koers_messaging::factory::from_settings(&settings.sms, &settings.base_url).map_err(|e| anyhow!(e))?;
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "koers".into());
    Ok(Scheduler {
        db,
        real_clock,
        gateway,
        // Test-mode studies print their messages; they never reach a real phone.
        test_gateway: Arc::new(koers_messaging::ConsoleGateway::new()),
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
            only_study: None,
        },
    })
}

pub fn run(_args: WorkerArgs, settings: &Settings, db: Database) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
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
