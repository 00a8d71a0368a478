//! A study with two organisations and their teams, as the import tests need it.

use chrono::{DateTime, TimeZone, Utc};
use koers_store::studies::{ensure_organisation, ensure_study, ensure_team, NewStudy};
use koers_store::{definitions, Database};

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 1, 8, 0, 0).unwrap()
}

/// Returns the study id.
pub fn seed_study(db: &Database) -> i64 {
    let mut conn = db.conn().unwrap();
    let study = ensure_study(
        &mut conn,
        &NewStudy { key: "vsv", name: "VSV", time_zone: "Europe/Amsterdam", default_locale: "nl", test_mode: false },
        now(),
    )
    .unwrap();
    let a = ensure_organisation(&mut conn, study.id, "roc-noord", "ROC Noord", Some("intervention"), now()).unwrap();
    let b = ensure_organisation(&mut conn, study.id, "roc-zuid", "ROC Zuid", Some("control"), now()).unwrap();
    ensure_team(&mut conn, a.id, "Team Noord", now()).unwrap();
    ensure_team(&mut conn, b.id, "Team Zuid", now()).unwrap();
    definitions::store_protocol(&mut conn, study.id, "studenten", Some("student"), "name: studenten\n", None, now())
        .unwrap();
    definitions::store_protocol(&mut conn, study.id, "mentoren", Some("mentor"), "name: mentoren\n", None, now())
        .unwrap();
    study.id
}
