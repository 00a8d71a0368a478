//! The research package of a rehearsed study checked against its own data: every CSV column is
//! in `datapackage.json` with a type its values fit, every column and value label set is in the
//! R, SPSS and Stata syntax, and every `responses-wide` name fits Stata's 32 characters. Where R
//! is installed, the generated `koers.R` is run and must read every file with its labels.

use chrono::{TimeZone, Utc};
use koers_core::clock::{Clock, FixedClock};
use koers_core::settings::Settings;
use koers_export::{package, pseudonym_key, Format, Kind, Request};
use koers_rehearse::{rehearse, Options, Setup};
use koers_store::testing::TestDb;
use koers_store::{studies, Database};
use std::collections::HashMap;
use std::sync::Arc;

const SECRET: &[u8] = b"package-test-secret-package-test-secret";

fn build(db: &Database) -> Vec<package::PackageFile> {
    let settings = Settings { base_url: "https://koers.example".into(), ..Settings::default() };
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap())) as Arc<dyn Clock>;
    let setup = Setup { db: db.clone(), settings, secret: SECRET.to_vec(), real_clock: clock.clone() };
    let report = actix_web::rt::System::new()
        .block_on(rehearse(setup, Options::new(12, 3, 5, 3), &mut |_| {}))
        .expect("the rehearsal runs");
    let study = db.read(|c| studies::find_study(c, &report.study)).unwrap().unwrap();
    let req = Request {
        kind: Kind::Codebook,
        study_id: study.id,
        format: Format::Csv,
        pseudonym_key: pseudonym_key(SECRET),
        questionnaire: None,
        now: study.clock().at(clock.now()),
        teams: None,
    };
    db.read(|c| package::build(c, &req)).unwrap()
}

fn csv_of(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

fn check(files: &[package::PackageFile], backend: &str) {
    let by_name: HashMap<&str, &[u8]> = files.iter().map(|f| (f.name.as_str(), f.bytes.as_slice())).collect();
    for name in ["datapackage.json", "koers.R", "koers.sps", "koers.do", "README.md", "codebook.csv"] {
        assert!(by_name.contains_key(name), "{backend}: {name} is missing");
    }
    let text = |n: &str| String::from_utf8(by_name[n].to_vec()).unwrap();
    let (r, sps, stata, readme) = (text("koers.R"), text("koers.sps"), text("koers.do"), text("README.md"));
    assert!(readme.contains("consented and completed at least one questionnaire"), "{backend}");
    assert!(readme.contains("week_since_start"), "{backend}");
    let dp: serde_json::Value = serde_json::from_slice(by_name["datapackage.json"]).unwrap();
    assert!(dp["description"].as_str().unwrap().contains("HMAC-SHA256"), "{backend}: the pseudonymisation note");
    let resources = dp["resources"].as_array().unwrap();
    assert_eq!(resources.len(), package::KINDS.len(), "{backend}");
    let mut label_sets = 0;
    for res in resources {
        let path = res["path"].as_str().unwrap();
        let (header, rows) = csv_of(by_name[path]);
        assert!(!rows.is_empty(), "{backend}: {path} is empty");
        let fields = res["schema"]["fields"].as_array().unwrap();
        let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(names, header, "{backend}: {path}: the schema names every column in order");
        assert_eq!(res["schema"]["missingValues"], serde_json::json!([""]), "{backend}");
        assert!(r.contains(&format!("read.csv(\"{path}\"")), "{backend}: R reads {path}");
        assert!(sps.contains(&format!("/FILE='{path}'")), "{backend}: SPSS reads {path}");
        assert!(stata.contains(&format!("import delimited using `\"{path}\"'")), "{backend}: Stata reads {path}");
        let shorts = koers_core::varnames::short_names(&header);
        for (i, (f, short)) in fields.iter().zip(&shorts).enumerate() {
            let name = f["name"].as_str().unwrap();
            let values = rows.iter().map(|row| row[i].as_str()).filter(|v| !v.is_empty());
            match f["type"].as_str().unwrap() {
                "integer" => assert!(values.clone().all(|v| v.parse::<i64>().is_ok()), "{backend}: {path}.{name}"),
                "number" => assert!(values.clone().all(|v| v.parse::<f64>().is_ok()), "{backend}: {path}.{name}"),
                _ => {}
            }
            assert!(r.contains(&serde_json::to_string(name).unwrap()), "{backend}: R names {path}.{name}");
            assert!(sps.contains(&format!("  {short} ")), "{backend}: SPSS names {path}.{name}");
            assert!(stata.contains(&format!("rename v{} {short}\n", i + 1)), "{backend}: Stata names {path}.{name}");
            if let Some(cats) = f["categories"].as_array() {
                label_sets += 1;
                let codes: Vec<f64> = cats.iter().map(|c| c["value"].as_f64().unwrap()).collect();
                for v in values {
                    assert!(codes.contains(&v.parse::<f64>().unwrap()), "{backend}: {name} = {v} has a label");
                }
                assert!(
                    r.contains(&format!(
                        "attr(koers[[\"{}\"]][[\"{name}\"]], \"labels\") <- c(",
                        res["name"].as_str().unwrap()
                    )),
                    "{backend}: R labels {name}"
                );
                assert!(sps.contains(&format!("VALUE LABELS {short} ")), "{backend}: SPSS labels {name}");
                let whole = codes.iter().all(|c| c.fract() == 0.0);
                assert!(
                    !whole || stata.contains(&format!("label values {short} L{}\n", i + 1)),
                    "{backend}: Stata labels {name}"
                );
            }
        }
        if ["invitations.csv", "pair-weeks.csv", "people.csv", "answers-long.csv"].contains(&path) {
            let g = header.iter().position(|h| h == "group").expect("a group column");
            assert!(
                rows.iter().any(|r| r[g] == "control") && rows.iter().any(|r| r[g] == "at_risk"),
                "{backend}: {path}"
            );
        }
        if path == "responses-wide.csv" {
            assert!(header.iter().all(|h| h.len() <= 32), "{backend}: {header:?}");
            assert!(header.iter().any(|h| h.ends_with("_code")), "{backend}: code columns");
        }
    }
    assert!(label_sets >= 3, "{backend}: only {label_sets} value label sets");
    let zip = package::zip(files).unwrap();
    assert!(zip.starts_with(b"PK") && zip.len() > 1000, "{backend}: a zip");
    run_r(files, backend);
}

/// Runs the generated R file where R is installed: it must read every CSV with its labels.
fn run_r(files: &[package::PackageFile], backend: &str) {
    if std::process::Command::new("Rscript").arg("--version").output().is_err() {
        // Without R the syntax files were checked against datapackage.json above.
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for f in files {
        std::fs::write(dir.path().join(&f.name), &f.bytes).unwrap();
    }
    let out = std::process::Command::new("Rscript")
        .current_dir(dir.path())
        .args(["-e", "source('koers.R'); cat(sapply(koers, nrow)); stopifnot(any(sapply(koers[['responses-wide']], function(x) !is.null(attr(x, 'labels')))))"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{backend}: R: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_rehearsed_study_package_reads_with_labels_sqlite() {
    check(&build(&TestDb::sqlite().db), "sqlite");
}

#[test]
fn a_rehearsed_study_package_reads_with_labels_postgres() {
    check(&build(&TestDb::postgres().db), "postgres");
}
