//! A study's settings file, as `koers study settings --file` reads it: a `feedback:` section
//! (`crate::feedback`), a `safety:` section (`crate::safety`), a `register:` section
//! (`crate::register`), or any of them together.

use serde::de::DeserializeOwned;
use serde::Deserialize;

/// One section of a study's settings JSON (as stored); missing or unreadable means the
/// section's defaults, which keep everything off.
pub fn section<T: DeserializeOwned + Default>(settings: &str, key: &str) -> T {
    serde_json::from_str::<serde_json::Value>(settings)
        .ok()
        .and_then(|mut v| v.get_mut(key).map(serde_json::Value::take))
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// A study's settings file (`koers study settings --file`): `feedback:`, `safety:` and
/// `register:` sections; a section left out keeps what the study had.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsFile {
    pub feedback: Option<crate::feedback::Feedback>,
    pub safety: Option<crate::safety::Safety>,
    pub register: Option<crate::register::Registers>,
}

impl SettingsFile {
    pub fn from_yaml(text: &str) -> Result<SettingsFile, Vec<String>> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            feedback: Option<crate::feedback::Feedback>,
            safety: Option<crate::safety::Safety>,
            register: Option<crate::register::Registers>,
        }
        let f: File = serde_yaml_ng::from_str(text).map_err(|e| vec![format!("the settings file: {e}")])?;
        if f.feedback.is_none() && f.safety.is_none() && f.register.is_none() {
            return Err(vec!["the settings file has no feedback:, safety: or register: section".into()]);
        }
        let mut problems = f.feedback.as_ref().map(|x| x.problems()).unwrap_or_default();
        problems.extend(f.safety.as_ref().map(crate::safety::Safety::problems).unwrap_or_default());
        if problems.is_empty() {
            Ok(SettingsFile { feedback: f.feedback, safety: f.safety, register: f.register })
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settings_file_may_hold_either_section_and_is_checked() {
        let only_safety = SettingsFile::from_yaml("safety:\n  help:\n    - name: Zorgcoördinator\n").unwrap();
        assert!(only_safety.feedback.is_none() && only_safety.safety.unwrap().has_help());
        assert!(SettingsFile::from_yaml("feedback:\n  trends: true\n").unwrap().safety.is_none());
        assert!(SettingsFile::from_yaml("other: 1\n").is_err());
        let buddies = SettingsFile::from_yaml("register:\n  mentors: je\n").unwrap();
        assert_eq!(buddies.register.unwrap().mentors, crate::register::Register::Je);
        assert!(SettingsFile::from_yaml("register:\n  mentors: jij\n").is_err(), "je or u only");
        assert!(SettingsFile::from_yaml("safety:\n  alarm_words: [pesten]\n").is_err(), "no one to tell");
    }
}
