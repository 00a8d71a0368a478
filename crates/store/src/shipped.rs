//! The questionnaires and protocols that ship with koers (the study's own instruments), built
//! into the binary, and loading a set of definition files into a study as new versions.

use crate::db::DbConnection;
use crate::definitions::{store_protocol, store_questionnaire, Loaded};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use include_dir::{include_dir, Dir};
use koers_core::content::definition_header;
use std::path::Path;

static QUESTIONNAIRES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../questionnaires");
static PROTOCOLS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../protocols");

/// A definition file's name and text.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: String,
    pub text: String,
}

/// Whether a file name is one koers reads as a definition.
pub fn is_definition(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json"))
}

fn embedded(dir: &Dir<'_>) -> Vec<Source> {
    let mut out: Vec<Source> = dir
        .files()
        .filter(|f| is_definition(f.path()))
        .filter_map(|f| Some(Source { path: f.path().display().to_string(), text: f.contents_utf8()?.to_string() }))
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

pub fn questionnaires() -> Vec<Source> {
    embedded(&QUESTIONNAIRES)
}

pub fn protocols() -> Vec<Source> {
    embedded(&PROTOCOLS)
}

#[derive(Debug, Default)]
pub struct LoadReport {
    pub new: Vec<String>,
    pub unchanged: usize,
}

fn stem(path: &str) -> String {
    Path::new(path).file_stem().and_then(|s| s.to_str()).unwrap_or(path).to_string()
}

/// Files a study's questionnaires (by key) and protocols (by name) at their current content,
/// into that study only; a version that is already there is not added again.
pub fn load_all(
    conn: &mut DbConnection,
    study_id: i64,
    questionnaires: &[Source],
    protocols: &[Source],
    now: DateTime<Utc>,
) -> StoreResult<LoadReport> {
    let mut report = LoadReport::default();
    for q in questionnaires {
        // A questionnaire that does not pass the checks would fail on the first person's page;
        // reading it also finds the key of every shape (a u-can-act record, a bare list).
        let (parsed, _) =
            koers_core::questionnaire::parse_questionnaire(&q.text, Some(&stem(&q.path))).map_err(|problems| {
                let lines: Vec<String> =
                    problems.iter().filter(|p| !p.warning).map(|p| format!("{}: {p}", q.path)).collect();
                StoreError::Invalid(format!("{}\nnothing was loaded; run koers questionnaire check", lines.join("\n")))
            })?;
        let key = parsed.key;
        match store_questionnaire(conn, study_id, &key, parsed.name.as_deref(), &q.text, Some(&q.path), now)? {
            Loaded::New(_) => report.new.push(format!("questionnaire {key}")),
            Loaded::Unchanged(_) => report.unchanged += 1,
        }
    }
    for p in protocols {
        let header = definition_header(&p.text).map_err(|e| StoreError::Invalid(format!("{}: {e}", p.path)))?;
        let name = header.name.unwrap_or_else(|| stem(&p.path));
        if let Some(role) = &header.role {
            if koers_core::people::Role::parse(role).is_none() {
                return Err(StoreError::Invalid(format!(
                    "{}: role: '{role}' is not a role; write student or mentor",
                    p.path
                )));
            }
        }
        match store_protocol(conn, study_id, &name, header.role.as_deref(), &p.text, Some(&p.path), now)? {
            Loaded::New(_) => report.new.push(format!("protocol {name}")),
            Loaded::Unchanged(_) => report.unchanged += 1,
        }
    }
    Ok(report)
}

/// Loads the shipped questionnaires and protocols into a study.
pub fn load_shipped(conn: &mut DbConnection, study_id: i64, now: DateTime<Utc>) -> StoreResult<LoadReport> {
    load_all(conn, study_id, &questionnaires(), &protocols(), now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_study_protocols_and_questionnaires_ship_inside_the_binary() {
        let names: Vec<String> = protocols().iter().map(|s| stem(&s.path)).collect();
        assert!(names.contains(&"vsv_student".to_string()) && names.contains(&"vsv_mentor".to_string()), "{names:?}");
        let keys: Vec<String> = questionnaires().iter().map(|s| stem(&s.path)).collect();
        assert!(keys.contains(&"student_diary".to_string()), "{keys:?}");
    }
}
