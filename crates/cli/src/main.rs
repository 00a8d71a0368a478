//! `koers`: the one binary of koers. Every command loads the settings once (koers.toml and
//! `KOERS_*` variables) and works on the database they name.

// A command-line tool talks to its user on stdout and stderr (the libraries may not).
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod api_key_cmd;
mod backup_cmd;
mod bench;
mod bench_drafts;
mod bench_export;
mod bench_submit;
mod clock_cmd;
mod config;
mod definitions;
mod demo;
mod exclude_cmd;
mod export_cmd;
mod lifecycle_cmd;
mod memory;
mod move_cmd;
mod people_cmd;
mod protocol_cmd;
mod questionnaire_cmd;
mod rehearse_cmd;
mod report_cmd;
mod secret;
mod study_cmd;
mod user_access_cmd;
mod user_cmd;
mod worker;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use koers_core::clock::{Clock, SystemClock};
use koers_core::settings::{LogFormat, Settings};
use koers_store::Database;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "koers", version, about = "koers: weekly questionnaires by SMS for intensive longitudinal studies")]
struct Cli {
    /// Settings file (default: ./koers.toml when it exists). KOERS_* variables override it.
    #[arg(long, global = true, env = "KOERS_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server and, unless `scheduler.enabled` is false, the scheduler.
    Serve {
        /// Start with a demo study on a local SQLite file (koers-demo.db unless database_url is set).
        #[arg(long)]
        demo: bool,
        /// Address to listen on, e.g. 127.0.0.1:8080 (overrides the `bind` setting).
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Bring the database schema up to date (serve does this on start too).
    Migrate,
    /// Import people from a CSV file.
    #[command(subcommand)]
    Import(people_cmd::ImportCommand),
    /// Store the questionnaire and protocol files of a study as new versions where they changed.
    Load(study_cmd::LoadArgs),
    /// Create and list studies.
    #[command(subcommand)]
    Study(study_cmd::StudyCommand),
    /// Add organisations (schools, providers) to a study.
    #[command(subcommand)]
    Organisation(study_cmd::OrganisationCommand),
    /// Add teams to an organisation.
    #[command(subcommand)]
    Team(study_cmd::TeamCommand),
    /// Check questionnaire files and render them as a participant sees them.
    #[command(subcommand)]
    Questionnaire(questionnaire_cmd::QuestionnaireCommand),
    /// Check protocols and preview a person's windows.
    #[command(subcommand)]
    Protocol(protocol_cmd::ProtocolCommand),
    /// Run only the scheduler (plan windows, send invitations and reminders); several may run
    /// on one PostgreSQL database.
    Worker(worker::WorkerArgs),
    /// Live through a whole study in minutes: a synthetic cohort in a test-mode study, answering
    /// through the real web forms on the study's own clock; writes truth files and checks.
    Rehearse(rehearse_cmd::RehearseArgs),
    /// Show or move the clock of a test-mode study (real studies always run on real time).
    #[command(subcommand)]
    Clock(clock_cmd::ClockCommand),
    /// Staff accounts: coordinators, researchers and admins.
    #[command(subcommand)]
    User(user_cmd::UserCommand),
    /// API keys for scripts: create (shown once), list, revoke.
    #[command(subcommand)]
    ApiKey(api_key_cmd::ApiKeyCommand),
    /// Export a pseudonymised dataset (or, with --identifying, the rewards to pay out).
    Export(export_cmd::ExportArgs),
    /// The study's figures as one HTML page (response curves, means with 95% CI, dropout
    /// trajectories, choice shares, joint weeks).
    Report(report_cmd::ReportArgs),
    /// Set a person aside from the analysis with a reason (or --undo); audited.
    Exclude(exclude_cmd::ExcludeArgs),
    /// Measure koers against a baseline in the same run and print the ratios.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Copy a running SQLite database consistently to a new file (PostgreSQL: use pg_dump -Fc).
    Backup(backup_cmd::BackupArgs),
    /// At the end of a study: erase every person's name, phone numbers and e-mail address.
    EraseIdentifiers(lifecycle_cmd::EraseArgs),
    /// A person withdraws: end their participation now, and keep or delete their answers.
    Withdraw(lifecycle_cmd::WithdrawArgs),
    /// Move a person to another protocol from a date (e.g. aftercare after a dropout); audited.
    MoveProtocol(move_cmd::MoveArgs),
    /// List (or with --apply erase) identifiers kept past the study's retention period.
    Retention(lifecycle_cmd::RetentionArgs),
}

/// Logs go to standard error at the level `RUST_LOG` asks for, but only koers's own code may
/// log below `info`: at `debug`, libraries write what passes through them (handlebars the
/// values it renders, html5ever the texts it parses: names, phone numbers, tokens, answers),
/// and koers's own events never carry personal data. A test runs a whole flow at `debug` and
/// searches the log for what must not be there (`tests/debug_logs.rs`).
fn init_logging(format: LogFormat) {
    use tracing_subscriber::filter::FilterExt;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,actix_server=warn".into());
    let ours_only_below_info = tracing_subscriber::filter::filter_fn(|meta| {
        *meta.level() <= tracing::Level::INFO || meta.target().starts_with("koers")
    });
    // Colour codes only on a terminal: a log written to a file or a journal stays plain text.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(colour);
    let layer = match format {
        LogFormat::Json => layer.json().with_filter(filter.and(ours_only_below_info)).boxed(),
        LogFormat::Text => layer.with_filter(filter.and(ours_only_below_info)).boxed(),
    };
    tracing_subscriber::registry().with(layer).init();
}

fn open(settings: &Settings) -> Result<Database> {
    Database::open(&settings.database_url, settings.pool_size).with_context(|| {
        format!("cannot use the database {}", koers_core::settings::redact_url(&settings.database_url))
    })
}

fn main() -> Result<()> {
    memory::configure();
    let cli = Cli::parse();
    let (mut settings, base_url_set) = config::load_layers(cli.config.as_deref())?;
    init_logging(settings.log_format);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match cli.command {
        Command::Serve { demo, bind } => {
            if let Some(bind) = bind {
                settings.bind = bind;
            }
            if !base_url_set {
                settings.base_url = config::base_url_for(&settings.bind);
            }
            if demo && settings.database_url == Settings::default().database_url {
                settings.database_url = "sqlite://koers-demo.db".into();
            }
            serve(settings, clock, demo)
        }
        Command::Migrate => {
            let db = Database::connect(&settings.database_url, 1).with_context(|| {
                format!("cannot use the database {}", koers_core::settings::redact_url(&settings.database_url))
            })?;
            let applied = db.migrate()?;
            for m in &applied {
                println!("applied {m}");
            }
            println!("The database is up to date ({} migration(s) applied now).", applied.len());
            Ok(())
        }
        Command::Import(cmd) => people_cmd::run(cmd, &open(&settings)?, clock.as_ref()),
        Command::Load(args) => study_cmd::load(args, &open(&settings)?, clock.as_ref()),
        Command::Study(cmd) => study_cmd::study(cmd, &open(&settings)?, clock.as_ref()),
        Command::Organisation(cmd) => study_cmd::organisation(cmd, &open(&settings)?, clock.as_ref()),
        Command::Team(cmd) => study_cmd::team(cmd, &open(&settings)?, clock.as_ref()),
        Command::Protocol(cmd) => protocol_cmd::run(cmd, &settings.base_url),
        Command::Questionnaire(cmd) => questionnaire_cmd::run(cmd),
        Command::Worker(args) => worker::run(args, &settings, open(&settings)?),
        Command::Rehearse(args) => rehearse_cmd::run(args, &settings, open(&settings)?),
        Command::Clock(cmd) => clock_cmd::run(cmd, &open(&settings)?, clock.as_ref()),
        Command::User(cmd) => user_cmd::run(cmd, &open(&settings)?, clock.as_ref()),
        Command::ApiKey(cmd) => api_key_cmd::run(cmd, &open(&settings)?, clock.as_ref()),
        Command::Export(args) => export_cmd::run(args, &settings, &open(&settings)?, clock.as_ref()),
        Command::Exclude(args) => exclude_cmd::run(args, &settings, &open(&settings)?, clock.as_ref()),
        Command::Report(args) => report_cmd::run(args, &settings, &open(&settings)?, clock.as_ref()),
        Command::Bench(cmd) => bench::run(cmd),
        Command::Backup(args) => backup_cmd::run(args, &settings, clock.as_ref()),
        Command::EraseIdentifiers(args) => lifecycle_cmd::erase(args, &open(&settings)?, clock.as_ref()),
        Command::Withdraw(args) => lifecycle_cmd::withdraw(args, &open(&settings)?, clock.as_ref()),
        Command::MoveProtocol(args) => move_cmd::move_protocol(args, &open(&settings)?, clock.as_ref()),
        Command::Retention(args) => lifecycle_cmd::retention(args, &open(&settings)?, clock.as_ref()),
    }
}

fn serve(mut settings: Settings, clock: Arc<dyn Clock>, demo: bool) -> Result<()> {
    let db = open(&settings)?;
    // The API signs its tokens and the exports key their pseudonyms with the installation
    // secret: load it (or create the file) here, so web instances without a scheduler have it.
    if settings.secret_key.as_deref().is_none_or(str::is_empty) {
        settings.secret_key = Some(String::from_utf8(secret::load(&settings)?).context("the secret key is not text")?);
    }
    let mut state = koers_web::AppState::new(db.clone(), clock.clone(), settings.clone());
    if demo {
        let links = demo::seed(&db, &settings, clock.now())?;
        println!(
            "\nkoers demo: {} (database {})",
            settings.base_url,
            koers_core::settings::redact_url(&settings.database_url)
        );
        println!("Personal links of the demo people (open one in a browser):");
        for l in &links {
            println!("  {:<28} {}", l.label, l.url);
        }
        println!();
        state.demo_links = links;
        state.preview = true;
    }
    let scheduler = if settings.scheduler.enabled { Some(worker::build(&settings, db, clock, true)?) } else { None };
    memory::release_freed();
    tracing::info!(bind = %settings.bind, scheduler = scheduler.is_some(), "serving");
    let tick = settings.scheduler.tick_seconds;
    let bind = settings.bind.clone();
    actix_web::rt::System::new()
        .block_on(async move {
            if let Some(s) = scheduler {
                actix_web::rt::spawn(async move {
                    if let Err(e) = s.run(tick, std::future::pending()).await {
                        tracing::error!(error = %e, "the scheduler could not start");
                    }
                });
            }
            koers_web::serve(state, &bind).await
        })
        .with_context(|| format!("cannot serve on {}", settings.bind))
}
