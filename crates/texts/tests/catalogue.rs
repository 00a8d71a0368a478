//! The catalogue is whole: every key in Dutch is in English with the same variables (and the
//! other way round), and every key that code or a template names exists.

use koers_texts::{FILES, LANGS};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each message (and term) of a language with the variables it uses.
fn messages(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
    let start = Regex::new(r"^(-?[a-zA-Z][a-zA-Z0-9_-]*)\s*=").unwrap();
    let var = Regex::new(r"\$([a-zA-Z_][a-zA-Z0-9_-]*)").unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, name, source) in FILES.iter().filter(|f| f.0 == lang) {
        let mut current: Option<String> = None;
        for line in source.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if let Some(c) = start.captures(line) {
                let key = c[1].to_string();
                assert!(!out.contains_key(&key), "{lang}/{name}: {key} is defined twice");
                out.insert(key.clone(), BTreeSet::new());
                current = Some(key);
            }
            let key = current.as_ref().unwrap_or_else(|| panic!("{lang}/{name}: text before any key: {line}"));
            let vars = out.get_mut(key).expect("inserted above");
            vars.extend(var.captures_iter(line).map(|c| c[1].to_string()));
        }
    }
    out
}

#[test]
fn every_key_is_in_both_languages_with_the_same_variables() {
    let nl = messages("nl");
    let en = messages("en");
    assert!(nl.len() > 40, "the catalogue is read: {} keys", nl.len());
    let only_nl: Vec<_> = nl.keys().filter(|k| !en.contains_key(*k)).collect();
    let only_en: Vec<_> = en.keys().filter(|k| !nl.contains_key(*k)).collect();
    assert!(only_nl.is_empty() && only_en.is_empty(), "only in Dutch: {only_nl:?}; only in English: {only_en:?}");
    for (key, vars) in &nl {
        assert_eq!(vars, &en[key], "{key} uses other variables in Dutch than in English");
    }
    assert_eq!(LANGS, ["nl", "en"]);
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs" || e == "hbs") {
            out.push(p);
        }
    }
}

/// Keys named in code: `Msg::new("k")`, `t(lang, "k"`, `t_in(lang, register, "k"`, `me.t("k"`,
/// `key("k")` and `{{t "k"}}` in templates.
#[test]
fn every_key_code_and_templates_name_exists() {
    let used = Regex::new(
        r#"(?:Msg::new\(|\bt\([a-z_.&]+, |\bt_in\([a-z_.&]+, [a-z_.&]+, |\bme\.t\(|\bkey\(|\{\{t |\(t )"([a-z][a-z0-9-]*)""#,
    )
    .unwrap();
    let nl = messages("nl");
    let mut files = Vec::new();
    for dir in ["crates/core/src", "crates/store/src", "crates/web/src", "crates/web/templates", "crates/cli/src"] {
        sources(&workspace().join(dir), &mut files);
    }
    let mut seen = 0;
    let mut missing = Vec::new();
    for f in &files {
        // Comments show how keys are used (`{{t "key"}}`) without naming real ones.
        let text: String = std::fs::read_to_string(f)
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for c in used.captures_iter(&text) {
            seen += 1;
            if !nl.contains_key(&c[1]) {
                missing.push(format!("{}: {}", f.display(), &c[1]));
            }
        }
    }
    assert!(seen > 40, "the scan finds the keys in use ({seen})");
    assert!(missing.is_empty(), "keys not in the catalogue: {missing:#?}");
}
