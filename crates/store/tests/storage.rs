//! Storage behaviour on both real backends: a fresh SQLite file and a fresh PostgreSQL schema.

mod common;

use chrono_tz::Europe::Amsterdam;
use koers_core::msg::Msg;
use koers_core::people::Locale;
use koers_store::import::{import_people, ImportError, ImportOptions};
use koers_store::schema_info::logical_schema;
use koers_store::testing::TestDb;
use koers_store::{people, Database, StoreError};

fn options(study_id: i64) -> ImportOptions {
    ImportOptions {
        study_id,
        zone: Amsterdam,
        default_locale: Locale::Nl,
        create_teams: false,
        organisation_key: None,
        dry_run: false,
        actor: "test".into(),
    }
}

/// 150 students in two teams and 50 mentors who each guide three of them.
fn class_of_200() -> String {
    let mut csv = String::from("type,team_name,role_title,first_name,last_name,gender,mobile_phone,email,protocol_name,start_date,filling_out_for,filling_out_for_protocol,end_date\n");
    for i in 0..150 {
        let team = if i % 2 == 0 { "Team Noord" } else { "Team Zuid" };
        csv += &format!(
            "Student,{team},Student,Student{i},Achternaam,{},0610{i:06},,studenten,2026-09-03,,,\n",
            if i % 3 == 0 { "female" } else { "male" }
        );
    }
    for m in 0..50 {
        for k in 0..3 {
            let s = m * 3 + k;
            csv += &format!("Mentor,Team Noord,Mentor,Mentor{m},Achternaam,other,0620{m:06},mentor{m}@school.nl,mentoren,2026-09-03,0610{s:06},,\n");
        }
    }
    csv
}

#[test]
fn both_backends_create_the_same_logical_schema() {
    let sqlite = TestDb::sqlite();
    let postgres = TestDb::postgres();
    let a = logical_schema(&mut sqlite.db.conn().unwrap()).unwrap();
    let b = logical_schema(&mut postgres.db.conn().unwrap()).unwrap();
    assert!(a.len() >= 20, "expected the whole domain, found tables {:?}", a.keys().collect::<Vec<_>>());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (table, columns) in &a {
        assert_eq!(columns, &b[table], "table {table} differs between SQLite and PostgreSQL");
    }
    assert!(a["person_identities"].iter().any(|c| c.name == "mobile_phone"));
    assert!(
        !a["answers"].iter().any(|c| c.name.contains("phone") || c.name.contains("name")),
        "answers must not hold identifying data"
    );
}

#[test]
fn migrating_twice_applies_nothing_the_second_time() {
    for (backend, t) in TestDb::both() {
        assert!(t.db.migrate().unwrap().is_empty(), "{backend}");
    }
}

#[test]
fn a_valid_file_of_200_people_is_imported_and_reimporting_it_changes_nothing() {
    for (backend, t) in TestDb::both() {
        let study = common::seed_study(&t.db);
        let csv = class_of_200();
        let first = import_people(&t.db, csv.as_bytes(), &options(study), common::now()).unwrap();
        assert_eq!(first.people.created, 200, "{backend}");
        assert_eq!(first.pairs.created, 150, "{backend}");
        assert_eq!(first.subscriptions.created, 300, "{backend}: 150 student + 150 mentor-per-student subscriptions");
        let mut conn = t.db.conn().unwrap();
        let counts = people::count_by_role(&mut conn, study).unwrap();
        assert_eq!((counts.students, counts.mentors), (150, 50), "{backend}");
        let sanne = people::find_by_phone(&mut conn, study, "+31610000007").unwrap().unwrap();
        assert_eq!(sanne.first_name.as_deref(), Some("Student7"));
        drop(conn);

        let again = import_people(&t.db, csv.as_bytes(), &options(study), common::now()).unwrap();
        assert!(!again.changed_anything(), "{backend}: {again:?}");
        assert_eq!(again.people.unchanged, 200);
    }
}

#[test]
fn a_file_with_mistakes_reports_every_one_and_imports_nothing() {
    for (backend, t) in TestDb::both() {
        let study = common::seed_study(&t.db);
        let csv = "type,team_name,first_name,mobile_phone,protocol_name\n\
                   Student,Team Noord,Sanne,0612345678,studenten\n\
                   Student,Team West,Ahmed,0612345679,studenten\n\
                   Student,Team Noord,Lisa,0612345678,studenten\n\
                   Mentor,Team Noord,Joris,0687654321,onbekend\n";
        let err = import_people(&t.db, csv.as_bytes(), &options(study), common::now()).unwrap_err();
        let ImportError::Problems(problems) = err else { panic!("{backend}: expected problems, got {err:?}") };
        let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 4, 5], "{backend}: {problems:?}");
        let mut conn = t.db.conn().unwrap();
        assert_eq!(
            people::count_by_role(&mut conn, study).unwrap(),
            people::RoleCounts { students: 0, mentors: 0 },
            "{backend}: nothing may be imported"
        );
    }
}

#[test]
fn a_dry_run_reports_what_would_happen_and_writes_nothing() {
    for (backend, t) in TestDb::both() {
        let study = common::seed_study(&t.db);
        let mut opts = options(study);
        opts.dry_run = true;
        opts.create_teams = true;
        opts.organisation_key = Some("roc-zuid".into());
        let csv = "type,team_name,first_name,mobile_phone\nStudent,Team Oost,Noor,0611111111\n";
        let summary = import_people(&t.db, csv.as_bytes(), &opts, common::now()).unwrap();
        assert!(summary.dry_run && summary.people.created == 1 && summary.teams_created == 1, "{backend}: {summary:?}");
        let mut conn = t.db.conn().unwrap();
        assert_eq!(
            people::count_by_role(&mut conn, study).unwrap(),
            people::RoleCounts { students: 0, mentors: 0 },
            "{backend}"
        );
        assert!(koers_store::studies::teams_of(&mut conn, study).unwrap().iter().all(|t| t.name != "Team Oost"));
    }
}

#[test]
fn new_teams_need_an_organisation_when_the_study_has_several() {
    let t = TestDb::sqlite();
    let study = common::seed_study(&t.db);
    let mut opts = options(study);
    opts.create_teams = true;
    let csv = "type,team_name,first_name,mobile_phone\nStudent,Team Oost,Noor,0611111111\n";
    let ImportError::Problems(p) = import_people(&t.db, csv.as_bytes(), &opts, common::now()).unwrap_err() else {
        panic!()
    };
    assert_eq!(p[0].msg, Msg::new("import-organisation-needed").arg("known", "roc-noord, roc-zuid"), "{p:?}");
}

#[test]
fn a_changed_row_updates_the_person_instead_of_adding_one() {
    for (backend, t) in TestDb::both() {
        let study = common::seed_study(&t.db);
        let v1 = "type,team_name,first_name,last_name,mobile_phone\nStudent,Team Noord,Noor,Jansen,0611111111\n";
        let v2 = "type,team_name,first_name,last_name,mobile_phone\nStudent,Team Zuid,Noor,de Jong,06-11111111\n";
        import_people(&t.db, v1.as_bytes(), &options(study), common::now()).unwrap();
        let s = import_people(&t.db, v2.as_bytes(), &options(study), common::now()).unwrap();
        assert_eq!((s.people.created, s.people.updated), (0, 1), "{backend}");
        let p = people::find_by_phone(&mut t.db.conn().unwrap(), study, "+31611111111").unwrap().unwrap();
        assert_eq!(p.last_name.as_deref(), Some("de Jong"));
    }
}

#[test]
fn database_urls_without_a_known_scheme_are_refused_and_create_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let typo = format!("postgress://{}/x", dir.path().display());
    let err = Database::open(&typo, 1).unwrap_err();
    assert!(matches!(err, StoreError::BadUrl(_)), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    assert!(matches!(Database::open("sqlite://:memory:", 1).unwrap_err(), StoreError::BadUrl(_)));
}

#[test]
fn sqlite_files_use_wal_and_enforce_foreign_keys() {
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Text};
    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }
    #[derive(QueryableByName)]
    struct Fk {
        #[diesel(sql_type = BigInt)]
        foreign_keys: i64,
    }
    let t = TestDb::sqlite();
    let mut conn = t.db.conn().unwrap();
    let mode: Mode = diesel::sql_query("PRAGMA journal_mode").get_result(&mut *conn).unwrap();
    assert_eq!(mode.journal_mode, "wal");
    let fk: Fk = diesel::sql_query("PRAGMA foreign_keys").get_result(&mut *conn).unwrap();
    assert_eq!(fk.foreign_keys, 1);
    let orphan = diesel::sql_query(
        "INSERT INTO teams (organisation_id, name, created_at) VALUES (999, 'x', '2026-01-01 00:00:00')",
    )
    .execute(&mut *conn);
    assert!(orphan.is_err(), "a team of a missing organisation must be refused");
}
