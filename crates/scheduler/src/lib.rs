//! koers-scheduler: the recurring work that turns protocols into messages.
//!
//! Each tick plans (materialises windows and invitations that are due), reconciles claims left
//! behind by a crash, dispatches due invitations, once a day applies each study's retention
//! period, and once a day deletes ended sessions and old expired links ([`cleanup`]). Every step is idempotent and safe with several instances on one database, so ticks
//! may overlap, repeat or be skipped.

pub mod cleanup;
pub mod dispatch;
pub mod links;
pub mod plan;
pub mod retention;

use chrono::TimeDelta;
use koers_core::clock::Clock;
use koers_messaging::SmsGateway;
use koers_store::Database;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum SchedulerError {
    #[error(transparent)]
    Store(#[from] koers_store::StoreError),
    #[error("background task failed: {0}")]
    Join(String),
}

#[derive(Clone)]
pub struct SchedulerConfig {
    pub base_url: String,
    pub sender: String,
    pub secret: Vec<u8>,
    pub worker_id: String,
    pub messages_per_second: u32,
    pub max_attempts: u32,
    pub claim_timeout: TimeDelta,
    /// Send at the rate limit (false in simulations, where time is not real).
    pub throttle: bool,
    /// Erase identifiers past each study's retention period once a day. Off in simulations:
    /// a rehearsal's clock runs ahead, and an erasure cannot be undone.
    pub apply_retention: bool,
    /// Work for this study only (a rehearsal's in-process scheduler must never touch another
    /// study's messages); `None` works for every study.
    pub only_study: Option<i64>,
}

#[derive(Clone)]
pub struct Scheduler {
    pub db: Database,
    /// Real time: claims, leases and the daily jobs. Each study's own decisions use that study's
    /// clock (`koers_core::clock::StudyClock`), read from the database every round.
    pub real_clock: Arc<dyn Clock>,
    pub gateway: Arc<dyn SmsGateway>,
    /// Carries the messages of test-mode studies; must say `is_test()` (console, a recorder), or
    /// those messages are not sent at all: a rehearsal never reaches a real phone.
    pub test_gateway: Arc<dyn SmsGateway>,
    /// For protocols that invite by e-mail; `None` sends those by SMS too.
    pub email: Option<Arc<dyn koers_messaging::email::EmailSender>>,
    pub config: SchedulerConfig,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub planned: plan::PlanReport,
    pub dispatched: dispatch::DispatchReport,
    pub retention: retention::RetentionReport,
    /// What the daily clean-up deleted, in the round that ran it.
    pub cleaned: Option<koers_store::cleanup::Cleaned>,
}

impl Scheduler {
    /// One round of all the work; returns what it did.
    pub async fn tick(&self) -> Result<TickReport, SchedulerError> {
        let me = self.clone();
        let planned =
            tokio::task::spawn_blocking(move || plan::plan(&me.db, me.real_clock.now(), me.config.only_study))
                .await
                .map_err(|e| SchedulerError::Join(e.to_string()))??;
        dispatch::reconcile(self).await?;
        let dispatched = dispatch::dispatch(self).await?;
        // After the sending, so that a slow erasure never delays a message.
        let retention = if self.config.apply_retention {
            let me = self.clone();
            tokio::task::spawn_blocking(move || retention::apply_due(&me.db, &me.config.worker_id, me.real_clock.now()))
                .await
                .map_err(|e| SchedulerError::Join(e.to_string()))??
        } else {
            retention::RetentionReport::default()
        };
        // Installation-wide, on real time: not for a rehearsal's scheduler of one study.
        let cleaned = if self.config.only_study.is_none() {
            let me = self.clone();
            tokio::task::spawn_blocking(move || cleanup::apply_due(&me.db, &me.config.worker_id, me.real_clock.now()))
                .await
                .map_err(|e| SchedulerError::Join(e.to_string()))??
        } else {
            None
        };
        Ok(TickReport { planned, dispatched, retention, cleaned })
    }

    /// One tick whose failure is logged, not returned: the next tick tries again, so a
    /// database hiccup never stops the sending for good.
    pub async fn tick_logged(&self) {
        match self.tick().await {
            Ok(r) if r.dispatched.claimed > 0 => tracing::info!(
                sent = r.dispatched.sent,
                failed = r.dispatched.failed,
                skipped = r.dispatched.skipped,
                retried = r.dispatched.retried,
                "invitations dispatched"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "scheduler tick failed; trying again next tick"),
        }
    }

    /// Ticks every `every_seconds` (on tokio-cron-scheduler, in UTC) until `stop` resolves.
    /// A tick that is still busy when the next is due lets that one pass.
    pub async fn run(self, every_seconds: u64, stop: impl std::future::Future<Output = ()>) -> Result<(), String> {
        use tokio_cron_scheduler::{Job, JobScheduler};
        // A repeated job, not a cron line: a cron seconds field cannot say "every 90 seconds",
        // and the settings allow 1 to 300 (`Settings::problems`).
        let every = std::time::Duration::from_secs(every_seconds.max(1));
        let mut sched = JobScheduler::new().await.map_err(|e| e.to_string())?;
        let busy = Arc::new(tokio::sync::Mutex::new(()));
        let me = self.clone();
        let job = Job::new_repeated_async(every, move |_id, _lock| {
            let (me, busy) = (me.clone(), busy.clone());
            Box::pin(async move {
                let Ok(_guard) = busy.try_lock() else { return };
                me.tick_logged().await;
            })
        })
        .map_err(|e| e.to_string())?;
        sched.add(job).await.map_err(|e| e.to_string())?;
        // A first round at once, so nothing waits for the first cron second.
        self.tick_logged().await;
        sched.start().await.map_err(|e| e.to_string())?;
        stop.await;
        sched.shutdown().await.map_err(|e| e.to_string())
    }
}
