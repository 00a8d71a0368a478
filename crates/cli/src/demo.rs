//! The demo study of `koers serve --demo`: two schools, three mentors, ten students, enrolled
//! through the same import path as real people, so the demo shows what a real study holds.

use crate::definitions;
use anyhow::{anyhow, Result};
use chrono::{DateTime, TimeDelta, Utc};
use koers_core::clock::{Clock, SystemClock};
use koers_core::people::Locale;
use koers_core::settings::Settings;
use koers_store::import::{import_people, ImportError, ImportOptions};
use koers_store::studies::{ensure_organisation, ensure_study, ensure_team, NewStudy};
use koers_store::{people, tokens, Database};
use koers_web::state::DemoLink;
use std::sync::Arc;

pub const STUDY_KEY: &str = "demo";

/// The number block of the demo's own people (below), as stored.
const DEMO_NUMBERS: &str = "+3161230";

/// Made-up people; the numbers are in a block no real subscriber is likely to hold, and the
/// demo only ever prints messages.
const PEOPLE: &str = "\
type,team_name,role_title,first_name,last_name,gender,mobile_phone,email,protocol_name,start_date,filling_out_for,filling_out_for_protocol,end_date,locale
Student,Entree,Student,Sanne,de Vries,female,0612300101,,demo_student,,,,,nl
Student,Entree,Student,Daan,Jansen,male,0612300102,,demo_student,,,,,nl
Student,Entree,Student,Yasmin,Bouzid,female,0612300103,,demo_student,,,,,nl
Student,Entree,Student,Milan,Visser,male,0612300104,,demo_student,,,,,en
Student,Zorg en welzijn,Student,Noor,Smit,female,0612300105,,demo_student,,,,,nl
Student,Zorg en welzijn,Student,Kai,Mulder,other,0612300106,,demo_student,,,,,nl
Student,Zorg en welzijn,Student,Lotte,de Boer,female,0612300107,,demo_student,,,,,nl
Student,Techniek,Student,Ravi,Ramdin,male,0612300108,,demo_student,,,,,nl
Student,Techniek,Student,Emma,Dekker,female,0612300109,,demo_student,,,,,nl
Student,Techniek,Student,Bram,Hendriks,male,0612300110,,demo_student,,,,,nl
Mentor,Entree,Mentor,Joris,Bakker,male,0612300201,joris@demo.invalid,demo_mentor,,0612300101,,,nl
Mentor,Entree,Mentor,Joris,Bakker,male,0612300201,joris@demo.invalid,demo_mentor,,0612300102,,,nl
Mentor,Entree,Mentor,Joris,Bakker,male,0612300201,joris@demo.invalid,demo_mentor,,0612300103,,,nl
Mentor,Entree,Mentor,Joris,Bakker,male,0612300201,joris@demo.invalid,demo_mentor,,0612300104,,,nl
Mentor,Zorg en welzijn,Mentor,Fatima,El Amrani,female,0612300202,fatima@demo.invalid,demo_mentor,,0612300105,,,nl
Mentor,Zorg en welzijn,Mentor,Fatima,El Amrani,female,0612300202,fatima@demo.invalid,demo_mentor,,0612300106,,,nl
Mentor,Zorg en welzijn,Mentor,Fatima,El Amrani,female,0612300202,fatima@demo.invalid,demo_mentor,,0612300107,,,nl
Mentor,Techniek,Jongerenwerker,Sam,de Wit,other,0612300203,sam@demo.invalid,demo_mentor,,0612300108,,,nl
Mentor,Techniek,Jongerenwerker,Sam,de Wit,other,0612300203,sam@demo.invalid,demo_mentor,,0612300109,,,nl
Mentor,Techniek,Jongerenwerker,Sam,de Wit,other,0612300203,sam@demo.invalid,demo_mentor,,0612300110,,,nl
";

/// The weeks of rehearsed history a new demo starts with.
const HISTORY_WEEKS: u32 = 4;

/// Four weeks of a rehearsed cohort in the demo's own schools, ending now, so the dashboards
/// and exports show something the first time a new user opens them.
fn rehearse_history(db: &Database, settings: &Settings, now: DateTime<Utc>) -> Result<()> {
    use koers_rehearse::cohort::Organisation;
    let zone = chrono_tz::Europe::Amsterdam;
    let monday = koers_core::weeks::monday_of(koers_core::time::local_date(zone, now));
    let opts = koers_rehearse::Options {
        study: Some(STUDY_KEY.into()),
        start: Some(monday - TimeDelta::weeks(i64::from(HISTORY_WEEKS))),
        until: Some(now),
        open_ended: true,
        organisations: Some([
            Organisation { key: "roc-zuid", name: "ROC Zuid (demo)", group: "control", teams: &["Techniek"] },
            Organisation {
                key: "roc-noord",
                name: "ROC Noord (demo)",
                group: "intervention",
                teams: &["Entree", "Zorg en welzijn"],
            },
        ]),
        ..koers_rehearse::Options::new(18, 5, HISTORY_WEEKS, 2026)
    };
    let setup = koers_rehearse::Setup {
        db: db.clone(),
        settings: settings.clone(),
        secret: crate::secret::load(settings)?,
        real_clock: Arc::new(SystemClock),
    };
    eprintln!("Preparing {HISTORY_WEEKS} weeks of rehearsed history for the demo (once) ...");
    let report = actix_web::rt::System::new()
        .block_on(koers_rehearse::rehearse(setup, opts, &mut |_| {}))
        .map_err(|e| anyhow!("the demo's history could not be rehearsed: {e}"))?;
    eprintln!("  {} messages and {} questionnaires of history.", report.messages, report.truth.len());
    Ok(())
}

/// Creates (or finds) the demo study and returns a personal link for each of its people.
pub fn seed(db: &Database, settings: &Settings, now: DateTime<Utc>) -> Result<Vec<DemoLink>> {
    let base_url = settings.base_url.as_str();
    let fresh = db.read(|c| koers_store::studies::find_study(c, STUDY_KEY))?.is_none();
    let study_id = db.write(|conn| -> Result<i64> {
        let study = ensure_study(
            conn,
            &NewStudy {
                key: STUDY_KEY,
                name: "Demo: begeleiding op het mbo",
                time_zone: "Europe/Amsterdam",
                default_locale: "nl",
                test_mode: true,
            },
            now,
        )?;
        // The demo's printed logins work at once, without an authenticator app: a second factor
        // is optional in this test-mode study (and only there; anyone may still set one up).
        koers_store::two_factor_rule::set_rule(conn, study.id, koers_store::two_factor_rule::Rule::Optional)?;
        let noord = ensure_organisation(conn, study.id, "roc-noord", "ROC Noord (demo)", Some("intervention"), now)?;
        let zuid = ensure_organisation(conn, study.id, "roc-zuid", "ROC Zuid (demo)", Some("control"), now)?;
        ensure_team(conn, noord.id, "Entree", now)?;
        ensure_team(conn, noord.id, "Zorg en welzijn", now)?;
        ensure_team(conn, zuid.id, "Techniek", now)?;
        definitions::load_all(
            conn,
            study.id,
            &definitions::shipped_questionnaires(),
            &definitions::shipped_protocols(),
            now,
        )?;
        Ok(study.id)
    })?;
    if fresh {
        rehearse_history(db, settings, now)?;
        // The rehearsal's clock stops a moment before now; the demo runs on from real time.
        let study = db.read(|c| koers_store::studies::find_study(c, STUDY_KEY))?.ok_or_else(|| anyhow!("no demo"))?;
        db.write(|c| koers_store::study_clock::set(c, &study, SystemClock.now(), SystemClock.now()))?;
    }

    let opts = ImportOptions {
        study_id,
        zone: chrono_tz::Europe::Amsterdam,
        default_locale: Locale::Nl,
        create_teams: false,
        organisation_key: None,
        dry_run: false,
        actor: "demo".into(),
    };
    import_people(db, PEOPLE.as_bytes(), &opts, now).map_err(|e| match e {
        ImportError::Problems(p) => anyhow!(
            "the demo people do not import: {}",
            p.iter()
                .map(|p| format!("line {}: {}", p.line, koers_texts::msg("en", &p.msg)))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow!(other),
    })?;

    db.write(|conn| -> Result<Vec<DemoLink>> {
        let mut links = Vec::new();
        // Links for the demo's own people; the rehearsed cohort behind the history has none.
        let demo_people = people::people_of_study(conn, study_id)?
            .into_iter()
            .filter(|p| p.mobile_phone.as_deref().is_some_and(|m| m.starts_with(DEMO_NUMBERS)));
        for p in demo_people {
            let koers_store::tokens::Issued { plain: token, .. } =
                tokens::issue(conn, p.id, "invitation", now + TimeDelta::days(7), now)?;
            let role = if p.role == koers_core::people::Role::Mentor { "begeleider" } else { "student" };
            links.push(DemoLink {
                label: format!("{} ({role})", p.first_name.unwrap_or_default()),
                url: format!("{base_url}/l/{token}"),
            });
        }
        links.push(crate::user_cmd::demo_coordinator(conn, study_id, base_url, now)?);
        links.push(demo_researcher(conn, study_id, base_url, now)?);
        Ok(links)
    })
}

/// The demo's researcher: the whole study, but counts and dashboards only, never a name or a
/// phone number. Like the coordinator, the password is fixed and printed: demo only.
pub const DEMO_RESEARCHER_EMAIL: &str = "researcher@demo.invalid";
pub const DEMO_RESEARCHER_PASSWORD: &str = "demo-koers-onderzoek";

fn demo_researcher(
    c: &mut koers_store::DbConnection,
    study_id: i64,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<DemoLink> {
    use koers_store::staff::{self, StaffRole};
    if staff::find_by_email(c, DEMO_RESEARCHER_EMAIL)?.is_none() {
        let id = staff::create_account(
            c,
            DEMO_RESEARCHER_EMAIL,
            "Onderzoeker (demo)",
            DEMO_RESEARCHER_PASSWORD,
            false,
            now,
        )?;
        staff::add_role(c, id, study_id, None, None, StaffRole::Researcher, now)?;
    }
    Ok(DemoLink {
        label: format!("Onderzoeker: {DEMO_RESEARCHER_EMAIL} / {DEMO_RESEARCHER_PASSWORD}"),
        url: format!("{base_url}/staff/login"),
    })
}
