//! Setting a rehearsal up (the test-mode study, its organisations, the cohort enrolled through
//! the people import, a coordinator account, the moments to come) and writing what it did.

use crate::checks::{self, Check};
use crate::cohort::{Cohort, Organisation, ORGANISATIONS};
use crate::engine::{Actor, Engine, Event, Who};
use crate::patterns::Pattern;
use crate::{e164, Progress, RehearseError, TruthRow};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use koers_core::clock::Clock;
use koers_core::people::Locale;
use koers_core::settings::Settings;
use koers_messaging::RecordingGateway;
use koers_scheduler::{Scheduler, SchedulerConfig};
use koers_store::import::{import_people, ImportError, ImportOptions};
use koers_store::studies::{ensure_organisation, ensure_study, ensure_team, find_study, NewStudy, Study};
use koers_store::{people, shipped, staff, study_clock, Database};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::{BinaryHeap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// Mixed into the seed for the feedback consent answers, which draw from generators of their own.
const CONSENT_SEED_SALT: u64 = 0x6b6f_6572_735f_6663;

/// The default first Monday: fixed, so that the same seed gives the same study on any day.
pub const DEFAULT_START: (i32, u32, u32) = (2026, 9, 7);

/// What to rehearse.
#[derive(Debug, Clone)]
pub struct Options {
    pub students: usize,
    pub mentors: usize,
    pub weeks: u32,
    pub seed: u64,
    /// The test-mode study to use (created if missing); default `rehearsal`.
    pub study: Option<String>,
    /// The Monday of the first week (a new study only; a study reused goes on from its clock).
    pub start: Option<NaiveDate>,
    /// Where truth.csv and people.csv go; nothing is written without it.
    pub out: Option<PathBuf>,
    /// Stop here instead of a week after the last one (the demo stops at today).
    pub until: Option<DateTime<Utc>>,
    /// Participation goes on after the rehearsed weeks (no end date): the demo's history.
    pub open_ended: bool,
    /// The two organisations (control group first); default [`ORGANISATIONS`].
    pub organisations: Option<[Organisation; 2]>,
    /// Switch the study's early warnings (and trends) on and judge the rules on the rehearsed
    /// diaries afterwards (`Report::feedback`, and feedback.csv with `out`).
    pub feedback: bool,
}

impl Options {
    /// A rehearsal of `students` and `mentors` over `weeks` with this seed, in the default
    /// study, to its end.
    pub fn new(students: usize, mentors: usize, weeks: u32, seed: u64) -> Self {
        Options {
            students,
            mentors,
            weeks,
            seed,
            study: None,
            start: None,
            out: None,
            until: None,
            open_ended: false,
            organisations: None,
            feedback: false,
        }
    }
}

/// What a rehearsal runs on: the installation's database, settings and secret.
pub struct Setup {
    pub db: Database,
    pub settings: Settings,
    pub secret: Vec<u8>,
    pub real_clock: Arc<dyn Clock>,
}

/// What a rehearsal did.
#[derive(Debug)]
pub struct Report {
    pub study: String,
    pub study_id: i64,
    pub truth: Vec<TruthRow>,
    /// Pseudonym, role, pattern.
    pub people: Vec<(String, &'static str, &'static str)>,
    pub messages: usize,
    /// Forms the server refused or pages that failed: a rehearsal expects none.
    pub form_errors: Vec<String>,
    pub checks: Vec<Check>,
    /// The coordinator the rehearsal used, to look at the study afterwards.
    pub coordinator: (String, String),
    pub elapsed: std::time::Duration,
    /// How the early-warning rules did (with `Options::feedback`).
    pub feedback: Option<crate::feedback::FeedbackReport>,
}

fn local(zone: Tz, date: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    koers_core::time::local_to_utc(zone, date.and_time(chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()))
}

fn study_for(db: &Database, opts: &Options, now: DateTime<Utc>) -> Result<(Study, bool), RehearseError> {
    let key = opts.study.clone().unwrap_or_else(|| "rehearsal".into());
    if let Some(s) = db.read(|c| find_study(c, &key))? {
        if !s.test_mode {
            return Err(RehearseError::Failed(format!(
                "study '{key}' is a real study; a rehearsal runs only in a test-mode study (choose another --study)"
            )));
        }
        // A study that nobody takes part in yet starts where it is asked to.
        let empty = db.read(|c| people::ids_by_phone(c, s.id))?.is_empty();
        return Ok((s, empty));
    }
    let s = db.write(|c| {
        ensure_study(
            c,
            &NewStudy {
                key: &key,
                name: "Oefenstudie (rehearsal)",
                time_zone: "Europe/Amsterdam",
                default_locale: "nl",
                test_mode: true,
            },
            now,
        )
    })?;
    Ok((s, true))
}

/// Rehearses a study and writes its truth files; see the crate's documentation.
pub async fn rehearse(
    setup: Setup,
    opts: Options,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Report, RehearseError> {
    let started = std::time::Instant::now();
    let Setup { db, settings, secret, real_clock } = setup;
    let real_now = real_clock.now();
    let (study, new) = study_for(&db, &opts, real_now)?;
    let zone: Tz = koers_core::time::parse_zone(&study.time_zone).map_err(RehearseError::Failed)?;

    // The first Monday: the one asked for, or the next one on the study's clock.
    let first_monday = if new {
        let (y, m, d) = DEFAULT_START;
        let asked = opts.start.unwrap_or(NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default());
        koers_core::weeks::monday_of(asked)
    } else {
        let today = koers_core::time::local_date(zone, study.clock().at(real_now));
        koers_core::weeks::monday_of(today) + TimeDelta::weeks(1)
    };
    let start_at = local(zone, first_monday, 0, 0);
    // Before anything happens the clock stands a day before the first Monday.
    db.write(|c| study_clock::set(c, &study, start_at - TimeDelta::hours(16), real_now))?;
    if opts.feedback {
        let mut f = db.read(|c| koers_store::studies::settings_of(c, study.id))?.feedback;
        (f.trends, f.support_match, f.warnings) = (true, true, true);
        let section = koers_core::study_settings::SettingsSection::Feedback(f);
        db.write(|c| koers_store::studies::set_settings_section(c, study.id, &section))?;
    }
    let study_now = study_clock::of_study(&mut *db.conn()?, study.id)?.at(real_clock.now());

    let mut orgs = Vec::new();
    db.write(|c| -> Result<(), RehearseError> {
        for o in opts.organisations.unwrap_or(ORGANISATIONS) {
            let org = ensure_organisation(c, study.id, o.key, o.name, Some(o.group), study_now)?;
            for t in o.teams {
                ensure_team(c, org.id, t, study_now)?;
            }
            orgs.push(org.id);
        }
        shipped::load_shipped(c, study.id, study_now)?;
        Ok(())
    })?;

    // Same seed, same cohort: a second cohort in a reused study gets numbers of its own.
    let existing = db.read(|c| people::ids_by_phone(c, study.id))?;
    let batch = (0..10u32)
        .find(|b| !existing.contains_key(&e164(&format!("06124{b}0001"))))
        .ok_or_else(|| RehearseError::Failed(format!("study '{}' already holds ten rehearsed cohorts", study.key)))?;
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let orgs = opts.organisations.unwrap_or(ORGANISATIONS);
    let cohort = Cohort::draw_in(&orgs, opts.students.max(1), opts.mentors.max(1), opts.weeks.max(1), batch, &mut rng);
    let csv = cohort.import_csv_ending(first_monday, !opts.open_ended);
    let import = ImportOptions {
        study_id: study.id,
        zone,
        default_locale: Locale::Nl,
        create_teams: false,
        organisation_key: None,
        dry_run: false,
        actor: "rehearse".into(),
    };
    import_people(&db, csv.as_bytes(), &import, study_now).map_err(|e| match e {
        ImportError::Problems(p) => RehearseError::Failed(format!(
            "the rehearsal's people do not import: {}",
            p.iter().map(|p| format!("{}: {}", p.line, koers_texts::msg("en", &p.msg))).collect::<Vec<_>>().join("; ")
        )),
        other => RehearseError::Failed(other.to_string()),
    })?;

    // The coordinator who ends, hands over and withdraws, through the staff pages.
    let email = format!("coordinator+{}@rehearsal.invalid", study.key);
    let password = {
        use rand::Rng;
        let bytes: [u8; 12] = rand::rngs::OsRng.gen();
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    db.write(|c| -> Result<(), RehearseError> {
        // The rehearsal's own coordinator is a program with a throw-away password, in a study in
        // test mode: its study explicitly makes the second factor optional (real studies cannot).
        koers_store::two_factor_rule::set_rule(c, study.id, koers_store::two_factor_rule::Rule::Optional)?;
        match staff::find_by_email(c, &email)? {
            Some(account) => staff::set_password(c, account.id, &password)?,
            None => {
                let id = staff::create_account(c, &email, "Coördinator (oefenstudie)", &password, false, study_now)?;
                staff::add_role(c, id, study.id, None, None, staff::StaffRole::Coordinator, study_now)?;
            }
        }
        Ok(())
    })?;

    let ids = db.read(|c| people::ids_by_phone(c, study.id))?;
    let mut actors = Vec::new();
    let mut by_phone = HashMap::new();
    let mut person_ids = HashMap::new();
    for s in &cohort.students {
        let phone = e164(&s.phone);
        let actor = actors.len();
        actors.push(Actor::new(Who::Student(s.index), actor));
        if let Some(id) = ids.get(&phone) {
            person_ids.insert(actor, *id);
        }
        by_phone.insert(phone, actor);
        if let Some(parent) = &s.parent_phone {
            let actor = actors.len();
            actors.push(Actor::new(Who::Parent(s.index), actor));
            by_phone.insert(e164(parent), actor);
        }
    }
    for m in &cohort.mentors {
        let phone = e164(&m.phone);
        let actor = actors.len();
        actors.push(Actor::new(Who::Mentor(m.index), actor));
        if let Some(id) = ids.get(&phone) {
            person_ids.insert(actor, *id);
        }
        by_phone.insert(phone, actor);
    }

    let recorder = RecordingGateway::new();
    let scheduler = Scheduler {
        db: db.clone(),
        real_clock: real_clock.clone(),
        // Both gateways record: nothing a rehearsal does can reach a phone.
        gateway: Arc::new(recorder.clone()),
        test_gateway: Arc::new(recorder.clone()),
        email: None,
        config: SchedulerConfig {
            base_url: settings.base_url.clone(),
            sender: settings.sms.sender.clone(),
            secret: secret.clone(),
            worker_id: format!("rehearse-{}", std::process::id()),
            messages_per_second: 1_000,
            max_attempts: 3,
            claim_timeout: TimeDelta::minutes(10),
            throttle: false,
            apply_retention: false,
            only_study: Some(study.id),
        },
    };

    // The pages key what they seal with the installation secret the rehearsal was given.
    let settings = Settings { secret_key: Some(String::from_utf8_lossy(&secret).into_owned()), ..settings };
    let mut state = koers_web::AppState::new(db.clone(), real_clock.clone(), settings.clone());
    // The rehearsal's own in-process requests all come from one "address": its link limit is
    // lifted for them alone (the server's limits are untouched).
    state.limits = Arc::new(koers_web::limits::Limits::new(u32::MAX / 2, 10_000));
    let app = actix_web::test::init_service(koers_web::app(actix_web::web::Data::new(state))).await;

    let until = opts.until.unwrap_or(start_at + TimeDelta::weeks(i64::from(cohort.weeks)) + TimeDelta::days(8));
    let mut engine = Engine {
        app: &app,
        db: db.clone(),
        study: study.clone(),
        zone,
        real: real_clock.clone(),
        scheduler,
        recorder,
        rng,
        consent_seed: opts.seed ^ CONSENT_SEED_SALT,
        cohort,
        actors,
        by_phone,
        person_ids,
        queue: BinaryHeap::new(),
        seq: 0,
        first_monday: start_at,
        until,
        staff: crate::Browser::new("Mozilla/5.0 (X11; Linux x86_64) koers-rehearse"),
        staff_login: (email.clone(), password.clone()),
        truth: Vec::new(),
        messages: Vec::new(),
        form_errors: Vec::new(),
        pseudonym_key: koers_export::pseudonym_key(&secret),
    };
    plan_moments(&mut engine, zone, first_monday)?;
    engine.run(progress).await?;

    let people = engine.people_rows();
    if let Some(dir) = &opts.out {
        crate::checks::write_truth(dir, &engine.truth, &people)?;
    }
    let checks = checks::run(&engine)?;
    let feedback = if opts.feedback {
        let r = crate::feedback::evaluate(&engine)?;
        if let Some(dir) = &opts.out {
            crate::feedback::write(dir, &r)?;
        }
        Some(r)
    } else {
        None
    };
    Ok(Report {
        study: study.key.clone(),
        study_id: study.id,
        truth: engine.truth,
        people,
        messages: engine.messages.len(),
        form_errors: engine.form_errors,
        checks,
        coordinator: (email, password),
        elapsed: started.elapsed(),
        feedback,
    })
}

/// Every moment the rehearsal knows in advance: the scheduler's rounds (three a day and at
/// every window's opening and reminder) and what the coordinator and the students will do.
fn plan_moments<S, B>(e: &mut Engine<'_, S>, zone: Tz, first_monday: NaiveDate) -> Result<(), RehearseError>
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    let days = (e.until - e.first_monday).num_days() + 1;
    for d in 0..days {
        let date = first_monday + TimeDelta::days(d);
        for (h, m) in [(0, 1), (9, 0), (12, 0), (18, 0), (20, 0)] {
            e.at(local(zone, date, h, m) + TimeDelta::seconds(1), Event::Tick);
        }
    }
    let week_day = |week: u32, weekday: chrono::Weekday, h: u32| {
        let monday = first_monday + TimeDelta::weeks(i64::from(week));
        local(zone, monday + TimeDelta::days(i64::from(weekday.num_days_from_monday())), h, 0)
    };
    let students: Vec<(usize, Pattern, crate::cohort::Fate)> =
        e.cohort.students.iter().map(|s| (s.index, s.pattern, s.fate.clone())).collect();
    for (i, _pattern, fate) in students {
        if let Some(w) = fate.dropout_week {
            e.at(week_day(w, chrono::Weekday::Tue, 10), Event::End { student: i });
        }
        if let Some(w) = fate.handover_week {
            e.at(week_day(w, chrono::Weekday::Mon, 10), Event::Handover { student: i });
        }
        if let Some(w) = fate.withdraw_week {
            e.at(week_day(w, chrono::Weekday::Wed, 10), Event::Withdraw { student: i });
        }
        if let Some(w) = fate.stop_week {
            e.at(week_day(w, chrono::Weekday::Fri, 16), Event::StopSelf { student: i });
        }
    }
    let _ = first_monday.weekday();
    Ok(())
}
