//! Questionnaire and protocol files: the ones shipped inside the binary, or a folder's.

use anyhow::{anyhow, Context, Result};
use chrono::{DateTime, Utc};
use include_dir::{include_dir, Dir};
use koers_core::content::definition_header;
use koers_store::db::DbConnection;
use koers_store::definitions::{self, Loaded};
use std::path::{Path, PathBuf};

static QUESTIONNAIRES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../questionnaires");
static PROTOCOLS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../protocols");

/// A definition file's name and text.
pub struct Source {
    pub path: String,
    pub text: String,
}

fn is_definition(path: &Path) -> bool {
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

pub fn read_dir(dir: &Path) -> Result<Vec<Source>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_definition(p))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).with_context(|| format!("cannot read {}", p.display()))?;
            Ok(Source { path: p.display().to_string(), text })
        })
        .collect()
}

pub fn shipped_questionnaires() -> Vec<Source> {
    embedded(&QUESTIONNAIRES)
}

pub fn shipped_protocols() -> Vec<Source> {
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

/// Files every questionnaire (by key) and a study's protocols (by name) at their current
/// content; a version that is already there is not added again.
pub fn load_all(
    conn: &mut DbConnection,
    study_id: i64,
    questionnaires: &[Source],
    protocols: &[Source],
    now: DateTime<Utc>,
) -> Result<LoadReport> {
    let mut report = LoadReport::default();
    for q in questionnaires {
        // A questionnaire that does not pass the checks would fail on the first person's page.
        let (parsed, _) =
            koers_core::questionnaire::parse_questionnaire(&q.text, Some(&stem(&q.path))).map_err(|problems| {
                let lines: Vec<String> =
                    problems.iter().filter(|p| !p.warning).map(|p| format!("{}: {p}", q.path)).collect();
                anyhow!("{}\nnothing was loaded; run koers questionnaire check", lines.join("\n"))
            })?;
        let key = parsed.key;
        match definitions::store_questionnaire(conn, &key, parsed.name.as_deref(), &q.text, Some(&q.path), now)? {
            Loaded::New(_) => report.new.push(format!("questionnaire {key}")),
            Loaded::Unchanged(_) => report.unchanged += 1,
        }
    }
    for p in protocols {
        let header = definition_header(&p.text).map_err(|e| anyhow!("{}: {e}", p.path))?;
        let name = header.name.unwrap_or_else(|| stem(&p.path));
        if let Some(role) = &header.role {
            if koers_core::people::Role::parse(role).is_none() {
                return Err(anyhow!("{}: role: '{role}' is not a role; write student or mentor", p.path));
            }
        }
        match definitions::store_protocol(conn, study_id, &name, header.role.as_deref(), &p.text, Some(&p.path), now)? {
            Loaded::New(_) => report.new.push(format!("protocol {name}")),
            Loaded::Unchanged(_) => report.unchanged += 1,
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_study_protocols_ship_inside_the_binary() {
        let names: Vec<String> = shipped_protocols().iter().map(|s| stem(&s.path)).collect();
        assert!(names.contains(&"vsv_student".to_string()) && names.contains(&"vsv_mentor".to_string()), "{names:?}");
    }
}
