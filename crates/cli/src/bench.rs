//! `koers bench`: measurements that report ratios against a baseline run in the same process
//! on the same machine, so the numbers mean something on any hardware.

use anyhow::{bail, Result};
use chrono::TimeDelta;
use clap::Subcommand;
use koers_core::clock::{Clock, SystemClock};
use koers_scheduler::{Scheduler, SchedulerConfig};
use koers_store::Database;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Sends COUNT due invitations through the scheduler to a local mock MessageBird and compares
    /// with a plain HTTP client loop sending the same requests to the same mock.
    Fanout {
        #[arg(long, default_value_t = 100_000)]
        count: usize,
        /// How long the mock gateway takes to answer, like a real one over the network.
        #[arg(long, default_value_t = 10)]
        latency_ms: u64,
        /// Requests in flight at once, for both koers and the baseline.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// The database to use (default: a new SQLite file in a temporary folder).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Generates ANSWERS answers in PostgreSQL (and then twice as many), exports answers-long
    /// and compares with PostgreSQL's own COPY of the same rows; prints peak memory.
    Export {
        #[arg(long, default_value_t = 10_000_000)]
        answers: i64,
        /// A PostgreSQL database to fill (a study per size is added to it).
        #[arg(long, env = "KOERS_BENCH_DATABASE_URL", default_value = "postgres://postgres@127.0.0.1:5432/test")]
        database_url: String,
    },
    /// Diary submissions per second on PostgreSQL through the questionnaire engine and the
    /// store, against pgbench inserting the same rows.
    Submit {
        #[arg(long, default_value_t = 20_000)]
        submissions: i64,
        #[arg(long, default_value_t = 8)]
        clients: usize,
        /// A PostgreSQL database (the bench works in a schema of its own and drops it).
        #[arg(long, env = "KOERS_BENCH_DATABASE_URL", default_value = "postgres://postgres@127.0.0.1:5432/test")]
        database_url: String,
    },
    /// Draft saves per second against diary page views, in-process on a demo study (SQLite).
    Drafts {
        #[arg(long, default_value_t = 2_000)]
        requests: usize,
    },
}

pub fn run(cmd: BenchCommand) -> Result<()> {
    let (count, latency_ms, concurrency, database_url) = match cmd {
        BenchCommand::Fanout { count, latency_ms, concurrency, database_url } => {
            (count, latency_ms, concurrency, database_url)
        }
        BenchCommand::Export { answers, database_url } => return crate::bench_export::run(answers, &database_url),
        BenchCommand::Submit { submissions, clients, database_url } => {
            return crate::bench_submit::run(submissions, clients, &database_url)
        }
        BenchCommand::Drafts { requests } => return crate::bench_drafts::run(requests),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let tmp = tempfile::tempdir()?;
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}", tmp.path().join("bench.db").display()));
    let db = Database::open(&url, 16)?;
    let mock = runtime.block_on(start_mock(Duration::from_millis(latency_ms)))?;
    println!("fan-out of {count} invitations; mock gateway answers after {latency_ms} ms; {concurrency} in flight; database {}", url.split("://").next().unwrap_or(""));

    let seeded = Instant::now();
    seed(&db, count)?;
    println!("  seeded {count} people and due invitations in {:.1} s", seeded.elapsed().as_secs_f64());

    let baseline = runtime.block_on(plain_loop(&mock.url, count, concurrency))?;
    let before = mock.received.load(Ordering::Relaxed);
    let scheduler = Scheduler {
        db: db.clone(),
        real_clock: Arc::new(SystemClock),
        test_gateway: Arc::new(koers_messaging::ConsoleGateway::new()),
        gateway: Arc::new(koers_messaging::messagebird::MessageBird::new(
            &mock.url,
            "bench",
            None,
            Duration::from_secs(10),
        )),
        email: None,
        config: SchedulerConfig {
            base_url: "https://koers.example".into(),
            sender: "Koers".into(),
            secret: b"bench-secret-bench-secret-bench-secret".to_vec(),
            worker_id: "bench".into(),
            messages_per_second: 1_000_000,
            max_attempts: 3,
            claim_timeout: TimeDelta::minutes(10),
            throttle: false,
            apply_retention: false,
            only_study: None,
        },
    };
    let started = Instant::now();
    let report = runtime.block_on(koers_scheduler::dispatch::dispatch_with(&scheduler, concurrency))?;
    let koers = started.elapsed();
    let reached = mock.received.load(Ordering::Relaxed) - before;
    if report.sent != count || reached as usize != count {
        bail!("only {} of {count} invitations were sent ({reached} reached the mock)", report.sent);
    }
    let rate = |d: Duration| count as f64 / d.as_secs_f64();
    println!("  plain HTTP loop: {:>7.1} s  {:>8.0} requests/s", baseline.as_secs_f64(), rate(baseline));
    println!("  koers scheduler: {:>7.1} s  {:>8.0} invitations/s", koers.as_secs_f64(), rate(koers));
    println!(
        "  ratio koers / plain loop: {:.2} (target at least 0.5; time target under 60 s)",
        rate(koers) / rate(baseline)
    );
    let _ = SystemClock.now();
    Ok(())
}

fn seed(db: &Database, count: usize) -> Result<()> {
    koers_store::seed::seed_due_invitations(db, "bench", count, SystemClock.now())?;
    Ok(())
}

/// The same requests as MessageBird gets from koers, from a bare client with no database.
async fn plain_loop(url: &str, count: usize, concurrency: usize) -> Result<Duration> {
    let client = koers_messaging::http::client(Duration::from_secs(10));
    let started = Instant::now();
    let sem = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..count {
        let permit = sem.clone().acquire_owned().await?;
        let (client, url) = (client.clone(), format!("{url}/messages"));
        tasks.spawn(async move {
            let body = serde_json::json!({"originator": "Koers", "recipients": [format!("3161{:07}", i)], "body": "Hoi Bench, er staat een korte vragenlijst voor je klaar: https://koers.example/l/AbCdEfGhIjKlMnOpQrStUv", "reference": format!("plain-{i}")});
            let ok = client.post(url).header("Authorization", "AccessKey bench").json(&body).send().await.map(|r| r.status().is_success()).unwrap_or(false);
            drop(permit);
            ok
        });
        while let Some(done) = tasks.try_join_next() {
            done?;
        }
    }
    while let Some(done) = tasks.join_next().await {
        if !done? {
            bail!("the plain loop got an error from the mock");
        }
    }
    Ok(started.elapsed())
}

struct Mock {
    url: String,
    received: Arc<AtomicU64>,
}

/// A MessageBird stand-in on a free local port, in its own thread.
async fn start_mock(latency: Duration) -> Result<Mock> {
    use actix_web::{web, App, HttpResponse, HttpServer};
    let received = Arc::new(AtomicU64::new(0));
    let counter = received.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}", listener.local_addr()?);
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            HttpServer::new(move || {
                let counter = counter.clone();
                App::new().route(
                    "/messages",
                    web::post().to(move |_body: web::Bytes| {
                        let counter = counter.clone();
                        async move {
                            actix_web::rt::time::sleep(latency).await;
                            let n = counter.fetch_add(1, Ordering::Relaxed);
                            HttpResponse::Created()
                                .content_type("application/json")
                                .body(format!("{{\"id\":\"mb-{n}\"}}"))
                        }
                    }),
                )
            })
            .workers(1)
            .backlog(4096)
            .listen(listener)
            .expect("listen")
            .run()
            .await
            .expect("mock gateway");
        });
    });
    Ok(Mock { url, received })
}
