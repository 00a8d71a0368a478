//! Questionnaire and protocol files of a folder (the shipped ones live in `koers_store::shipped`).

use anyhow::{Context, Result};
pub use koers_store::shipped::{load_all, Source};
use std::path::{Path, PathBuf};

pub fn read_dir(dir: &Path) -> Result<Vec<Source>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| koers_store::shipped::is_definition(p))
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
    koers_store::shipped::questionnaires()
}

pub fn shipped_protocols() -> Vec<Source> {
    koers_store::shipped::protocols()
}
