//! The demo study of `koers serve --demo`: two schools, three mentors, ten students, enrolled
//! through the same import path as real people, so the demo shows what a real study holds.

use crate::definitions;
use anyhow::{anyhow, Result};
use chrono::{DateTime, TimeDelta, Utc};
use koers_core::people::Locale;
use koers_store::import::{import_people, ImportError, ImportOptions};
use koers_store::studies::{ensure_organisation, ensure_study, ensure_team, NewStudy};
use koers_store::{people, tokens, Database};
use koers_web::state::DemoLink;

pub const STUDY_KEY: &str = "demo";

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

/// Creates (or finds) the demo study and returns a personal link for each of its people.
pub fn seed(db: &Database, base_url: &str, now: DateTime<Utc>) -> Result<Vec<DemoLink>> {
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
            p.iter().map(|p| format!("line {p}")).collect::<Vec<_>>().join("; ")
        ),
        other => anyhow!(other),
    })?;

    db.write(|conn| -> Result<Vec<DemoLink>> {
        let mut links = Vec::new();
        for p in people::people_of_study(conn, study_id)? {
            let (_, token) = tokens::issue(conn, p.id, "invitation", now + TimeDelta::days(7), now)?;
            let role = if p.role == "mentor" { "begeleider" } else { "student" };
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
