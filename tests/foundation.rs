//! The foundation as a new user meets it: the real binary, a fresh directory, both databases.

mod support;

use std::fs;
use support::{free_port, koers, Server};

#[test]
fn the_demo_starts_on_an_empty_directory_and_prints_links_that_open() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut cmd = koers(dir.path());
    // No base_url set: the links point at the address served.
    cmd.args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")]).env_remove("KOERS_BASE_URL");
    let mut server = Server::start(cmd, port);
    assert!(dir.path().join("koers-demo.db").exists(), "the demo keeps its data in a SQLite file");

    let out = server.drain();
    let links: Vec<&str> = out
        .iter()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().find(|w| w.contains("/l/")))
        .collect();
    assert_eq!(links.len(), 13, "10 students and 3 mentors: {out:?}");
    assert!(links.iter().all(|l| l.starts_with(&server.base)), "links follow the served address: {links:?}");

    // It starts with weeks of rehearsed history (a test-mode study), so dashboards show data.
    let db =
        koers_store::Database::open(&format!("sqlite://{}", dir.path().join("koers-demo.db").display()), 1).unwrap();
    let study = db.read(|c| koers_store::studies::find_study(c, "demo")).unwrap().unwrap();
    assert!(study.test_mode, "the demo is a test-mode study");
    let answered = db
        .read(|c| koers_store::life_course::windows_per_person(c, study.id, koers_core::people::Role::Student, "diary"))
        .unwrap();
    assert!(answered.len() > 10, "rehearsed students with diaries: {}", answered.len());

    let client = reqwest::blocking::Client::new();
    let health: serde_json::Value = client.get(format!("{}/healthz", server.base)).send().unwrap().json().unwrap();
    assert_eq!(health["database"]["backend"], "sqlite");
    assert_eq!(health["database"]["reachable"], true);

    let landing = client.get(&server.base).send().unwrap();
    assert!(landing.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    let landing = landing.text().unwrap();
    assert!(landing.contains("Welkom bij koers") && landing.contains("/l/"), "the demo landing page lists the links");

    // The link opens a session and sends the browser on to a clean address without the token.
    let no_redirect = reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let opened = no_redirect.get(links[0]).send().unwrap();
    assert_eq!(opened.status(), 303);
    assert_eq!(opened.headers()["location"], "/p");
    let cookie = opened.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let page = client.get(format!("{}/p", server.base)).header("cookie", cookie).send().unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().unwrap();
    assert!(
        page.contains("Meedoen aan het onderzoek") && page.contains("name=\"csrf\""),
        "consent comes first: {page}"
    );

    // The questionnaires can be tried out; the server shows what it would store.
    let diary = client.get(format!("{}/preview/student_diary", server.base)).send().unwrap().text().unwrap();
    assert!(diary.contains("name=\"attended\"") && diary.contains("/static/koers.js"));
    let stored = client
        .post(format!("{}/preview/student_diary", server.base))
        .form(&[
            ("attended", "no"),
            ("school_experience", "80"),
            ("school_experience__touched", "1"),
            ("wellbeing", "50"),
        ])
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        stored.contains("<td>attended</td><td>no</td>") && !stored.contains("school_experience"),
        "hidden answers are dropped"
    );
    assert!(stored.contains("<td>wellbeing</td><td>(niet beantwoord)</td>"), "an untouched slider is not answered");

    let guessed = client.get(format!("{}/l/AAAAAAAAAAAAAAAAAAAAAA", server.base)).send().unwrap();
    assert_eq!(guessed.status(), 404);
    assert!(guessed.text().unwrap().contains("Deze link kennen we niet"));
}

#[test]
fn a_second_demo_start_keeps_the_data_and_adds_no_people() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let port = free_port();
        let mut cmd = koers(dir.path());
        cmd.args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")]);
        let _server = Server::start(cmd, port);
    }
    let db =
        koers_store::Database::open(&format!("sqlite://{}", dir.path().join("koers-demo.db").display()), 1).unwrap();
    let mut conn = db.conn().unwrap();
    let study = koers_store::studies::find_study(&mut conn, "demo").unwrap().unwrap();
    // The demo's 10 students and 3 mentors, and the rehearsed cohort of its history: once.
    let counts = koers_store::people::count_by_role(&mut conn, study.id).unwrap();
    assert_eq!((counts.students, counts.mentors), (10 + 18, 3 + 5));
}

const SETUP: &[&[&str]] = &[
    &["study", "create", "vsv", "--name", "VSV"],
    &["organisation", "add", "roc-a", "--name", "ROC A"],
    &["team", "add", "Team A", "--organisation", "roc-a"],
    &["load"],
];

fn run_ok(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{:?} failed: {}{}",
        cmd,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn import_reports_every_mistake_as_file_line_column_and_imports_nothing_on_both_databases() {
    let pg = support::postgres_schema();
    let dir = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}", dir.path().join("k.db").display());
    for url in [sqlite_url.as_str(), pg.url.as_str()] {
        for args in SETUP {
            run_ok(koers(dir.path()).args(*args).env("KOERS_DATABASE_URL", url));
        }
        let bad = dir.path().join("people.csv");
        fs::write(
            &bad,
            "type,team_name,first_name,mobile_phone,protocol_name,start_date\n\
             Student,Team A,Sanne,0612345678,vsv_student,2026-09-03\n\
             Student,Team B,Ahmed,0612345679,vsv_student,2026-09-03\n\
             Student,Team A,Lisa,0612345678,vsv_student,2026-09-03\n\
             Student,Team A,Tim,0612345670,vsv_student,2026-13-03\n",
        )
        .unwrap();
        let out =
            koers(dir.path()).args(["import", "people"]).arg(&bad).env("KOERS_DATABASE_URL", url).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{url}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let file = bad.display().to_string();
        for expected in [
            format!("{file}:3: team_name: unknown team 'Team B'"),
            format!("{file}:4: mobile_phone: +31612345678 is also the phone number on line 2"),
            format!("{file}:5: start_date: '2026-13-03' is not a date"),
            "3 problem(s)".to_string(),
            "nothing was imported".to_string(),
        ] {
            assert!(stderr.contains(&expected), "{url}: missing {expected:?} in:\n{stderr}");
        }

        let good = dir.path().join("good.csv");
        fs::write(&good, "type,team_name,first_name,mobile_phone,protocol_name\nStudent,Team A,Sanne,06 1234 5678,vsv_student\nMentor,Team A,Joris,0687654321,vsv_mentor\n").unwrap();
        let first = run_ok(koers(dir.path()).args(["import", "people"]).arg(&good).env("KOERS_DATABASE_URL", url));
        assert!(first.contains("people:        2 new"), "{first}");
        let second = run_ok(koers(dir.path()).args(["import", "people"]).arg(&good).env("KOERS_DATABASE_URL", url));
        assert!(second.contains("people:        0 new, 0 changed, 2 unchanged"), "{second}");
    }
}

#[test]
fn migrate_creates_the_schema_and_says_so_and_a_bad_url_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_ok(koers(dir.path()).arg("migrate").env("KOERS_DATABASE_URL", "sqlite://data/k.db"));
    let shipped = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/sqlite")).unwrap().count();
    assert!(out.contains(&format!("up to date ({shipped} migration(s) applied now)")), "{out}");
    assert!(dir.path().join("data/k.db").exists());
    let again = run_ok(koers(dir.path()).arg("migrate").env("KOERS_DATABASE_URL", "sqlite://data/k.db"));
    assert!(again.contains("(0 migration(s) applied now)"), "{again}");

    let bad = koers(dir.path()).arg("migrate").env("KOERS_DATABASE_URL", "postgress://u:secret@x/y").output().unwrap();
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("must start with sqlite:// or postgres://") && !err.contains("secret"), "{err}");
}

#[test]
fn help_documents_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let help = run_ok(koers(dir.path()).arg("--help"));
    for cmd in ["serve", "migrate", "import", "load", "study", "organisation", "team", "rehearse", "clock", "export"] {
        assert!(help.contains(cmd), "--help lacks {cmd}: {help}");
    }
    // Every command clap knows, read off the list: it has help of its own, and the README
    // shows how to use it.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.is_empty() && !l.starts_with("Options:"))
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 18, "{commands:?}");
    for cmd in &commands {
        let own = run_ok(koers(dir.path()).args([cmd, "--help"]));
        assert!(own.lines().next().is_some_and(|l| !l.trim().is_empty()), "koers {cmd} --help says nothing: {own}");
        assert!(readme.contains(&format!("koers {cmd}")), "the README never shows `koers {cmd}`");
    }
    let import = run_ok(koers(dir.path()).args(["import", "people", "--help"]));
    assert!(
        import.contains("--dry-run") && import.contains("--create-teams") && import.contains("filling_out_for"),
        "{import}"
    );
}
