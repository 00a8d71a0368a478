//! The two ways into koers as a researcher meets them, with the real binary: u-can-act's
//! questionnaires pass `check` and render with a form; a spreadsheet is imported, checked,
//! loaded into a study, written back out and read back the same; a bad one is refused by
//! sheet and row.

mod support;

use rust_xlsxwriter::Workbook;
use std::path::{Path, PathBuf};
use support::koers;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/ucanact")
}

fn run(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = koers(dir).args(args).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn every_u_can_act_fixture_passes_check_and_renders_with_a_form() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(files.len() >= 8);
    let mut args = vec!["questionnaire", "check"];
    args.extend(files.iter().map(String::as_str));
    let (ok, stdout, stderr) = run(dir.path(), &args);
    assert!(ok, "{stderr}");
    assert_eq!(stdout.matches(": ok (").count(), files.len(), "{stdout}");
    assert!(stderr.contains("warning: 'labels' does nothing for date items"), "{stderr}");
    for f in &files {
        let (ok, page, stderr) = run(dir.path(), &["questionnaire", "render", f, "--var", "deze_student=Sanne"]);
        assert!(ok, "{f}: {stderr}");
        assert!(page.contains("<form method=\"post\"") && page.contains("name=\"csrf\""), "{f}");
        // Option codes keep their variables (a code is the same for everyone); the words
        // people read never do.
        let mut shown = page.clone();
        while let Some(at) = shown.find("value=\"") {
            let end = shown[at + 7..].find('"').map_or(shown.len(), |e| at + 8 + e);
            shown.replace_range(at..end, "");
        }
        assert!(!shown.contains("{{"), "{f}: no variable is left raw");
    }
}

fn survey_workbook(path: &Path, survey: &[&[&str]]) {
    let mut book = Workbook::new();
    let sheets: [(&str, &[&[&str]]); 3] = [
        ("survey", survey),
        (
            "choices",
            &[
                &["list_name", "name", "label::Dutch (nl)", "label::English (en)"],
                &["yn", "yes", "Ja", "Yes"],
                &["yn", "no", "Nee", "No"],
            ],
        ),
        ("settings", &[&["form_id"], &["check_in"]]),
    ];
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn a_spreadsheet_is_imported_checked_loaded_exported_and_read_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("check-in.xlsx");
    survey_workbook(
        &form,
        &[
            &["type", "name", "label::Dutch (nl)", "label::English (en)", "required", "relevant"],
            &["begin_group", "today", "Vandaag", "Today", "", ""],
            &["select_one yn", "slept", "Goed geslapen?", "Slept well?", "yes", ""],
            &["text", "why", "Waarom niet?", "Why not?", "", "${slept} = 'no'"],
            &["end_group", "", "", "", "", ""],
        ],
    );
    let (ok, yaml, stderr) = run(dir.path(), &["questionnaire", "import", "check-in.xlsx"]);
    assert!(ok, "{stderr}");
    assert!(yaml.starts_with("key: check_in\n") && yaml.contains("type: page_break"), "{yaml}");
    let qdir = dir.path().join("questionnaires");
    std::fs::create_dir(&qdir).unwrap();
    std::fs::write(qdir.join("check_in.yaml"), &yaml).unwrap();
    let (ok, stdout, stderr) = run(dir.path(), &["questionnaire", "check", "questionnaires/check_in.yaml"]);
    assert!(ok && stdout.contains("ok (3 items"), "{stdout}{stderr}");

    // It loads into a study like any questionnaire.
    let db = format!("sqlite://{}", dir.path().join("k.db").display());
    let with_db = |args: &[&str]| {
        let out = koers(dir.path()).env("KOERS_DATABASE_URL", &db).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    with_db(&["study", "create", "s1", "--name", "S"]);
    let loaded = with_db(&["load", "--study", "s1", "--questionnaires", "questionnaires"]);
    assert!(loaded.contains("new version: questionnaire check_in"), "{loaded}");

    let (ok, stdout, stderr) =
        run(dir.path(), &["questionnaire", "export", "questionnaires/check_in.yaml", "--xlsform", "out.xlsx"]);
    assert!(ok && stdout.contains("out.xlsx: written"), "{stdout}{stderr}");
    let (ok, again, stderr) = run(dir.path(), &["questionnaire", "import", "out.xlsx"]);
    assert!(ok, "{stderr}");
    assert_eq!(again, yaml, "edited in a spreadsheet and read back unchanged");
}

#[test]
fn a_bad_spreadsheet_is_reported_by_sheet_and_row_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("bad.xlsx");
    survey_workbook(
        &form,
        &[
            &["type", "name", "label"],
            &["select_one yn", "a", "A"],
            &["calculate", "sum", ""],
            &["select_one colours", "c", "C"],
        ],
    );
    let (ok, stdout, stderr) = run(dir.path(), &["questionnaire", "import", "bad.xlsx"]);
    assert!(!ok);
    assert_eq!(stdout, "", "nothing is written");
    assert!(stderr.contains("bad.xlsx:survey:3: type: koers has no 'calculate' questions"), "{stderr}");
    assert!(
        stderr.contains("bad.xlsx:survey:4: type: there is no choice list 'colours' on the choices sheet"),
        "{stderr}"
    );
}
