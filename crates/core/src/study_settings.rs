//! A study's own settings, kept as one JSON object in `studies.settings` and read into one typed
//! [`StudySettings`] where the study is read (`koers_store::studies::settings_of`). Every key has
//! a default that keeps its feature off, so `{}` is a complete study.
//!
//! Reading is forgiving, section by section: a key whose value does not read keeps its default
//! and is noted in [`StudySettings::unreadable`], so one typo never takes a participant's page
//! down; the readers that must not guess (retention, the quality thresholds) look there and say
//! so. Unknown keys are ignored when read and left as they are when a section is written
//! ([`SettingsSection::write_into`] changes one key of the stored object and nothing else): a
//! newer koers or a hand edit may have put them there. The settings *file* of
//! `koers study settings --file` ([`SettingsFile`]) is strict instead and rejects unknown keys,
//! because there a typo is a person's mistake to show them.

use crate::feedback::Feedback;
use crate::quality::QualityThresholds;
use crate::register::Registers;
use crate::safety::Safety;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The key [`StudySettings::unreadable`] uses for settings that are not a JSON object at all.
pub const WHOLE: &str = "";

/// Everything a study sets for itself. Built by [`StudySettings::from_json`].
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct StudySettings {
    /// What mentors, coordinators and students are shown of the diaries (`feedback`).
    pub feedback: Feedback,
    /// Help resources and alarm words (`safety`).
    pub safety: Safety,
    /// "je" or "u" for mentors and parents (`register`).
    pub register: Registers,
    /// When a person's diaries get a quality flag (`quality`).
    pub quality: QualityThresholds,
    /// Groups the study compares besides those of its organisations (`groups`).
    pub groups: Vec<String>,
    /// Whether a questionnaire sent back with nothing answered still earns its reward.
    pub reward_empty_questionnaires: bool,
    /// Which staff accounts must log in with a second factor (`staff_two_factor`).
    pub staff_two_factor: TwoFactorRule,
    /// Identifiers are erased this many days after a person's participation ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_days_after_end: Option<u32>,
    /// Who does the research, named in messages (`research_group`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub research_group: Option<String>,
    /// How to reach them (`contact`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Keys whose stored value could not be read (left at their default), with why;
    /// [`WHOLE`] when the settings are not a JSON object.
    #[serde(skip)]
    pub unreadable: BTreeMap<String, String>,
}

/// A study's rule for the second factor of its staff (see `koers_store::two_factor_rule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TwoFactorRule {
    /// Roles that see names and numbers or may export.
    #[default]
    Sensitive,
    /// Every role.
    All,
    /// No role: only in a study in test mode.
    Optional,
}

impl TwoFactorRule {
    pub const ALL: &'static [TwoFactorRule] = &[TwoFactorRule::Sensitive, TwoFactorRule::All, TwoFactorRule::Optional];

    pub fn as_str(self) -> &'static str {
        match self {
            TwoFactorRule::Sensitive => "sensitive",
            TwoFactorRule::All => "all",
            TwoFactorRule::Optional => "optional",
        }
    }

    pub fn parse(s: &str) -> Option<TwoFactorRule> {
        TwoFactorRule::ALL.iter().copied().find(|r| r.as_str() == s)
    }
}

impl StudySettings {
    /// The settings as stored. Never fails: what does not read keeps its default and is noted
    /// in [`StudySettings::unreadable`]. An empty text is no settings (`{}`).
    pub fn from_json(stored: &str) -> StudySettings {
        let mut s = StudySettings::default();
        let stored = stored.trim();
        if stored.is_empty() {
            return s;
        }
        let map = match serde_json::from_str::<Value>(stored) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                s.unreadable.insert(WHOLE.into(), "the study's settings are not a JSON object".into());
                return s;
            }
            Err(e) => {
                s.unreadable.insert(WHOLE.into(), format!("the study's settings are not valid JSON: {e}"));
                return s;
            }
        };
        let mut r = Reader { map: &map, unreadable: &mut s.unreadable };
        s.feedback = r.section("feedback");
        s.safety = r.section("safety");
        s.register = r.section("register");
        s.quality = r.section("quality");
        if let Err(problem) = s.quality.check() {
            r.unreadable.insert("quality".into(), problem);
            s.quality = QualityThresholds::default();
        }
        s.groups = r.groups();
        s.reward_empty_questionnaires = r.section("reward_empty_questionnaires");
        s.staff_two_factor = r.section("staff_two_factor");
        s.retention_days_after_end = r.days("retention_days_after_end");
        s.research_group = r.text("research_group");
        s.contact = r.text("contact");
        s
    }

    /// Why `key` could not be read (or the whole settings), if it could not: the readers that
    /// must not fall back to a default silently ask this.
    pub fn unreadable(&self, key: &str) -> Option<&str> {
        self.unreadable.get(WHOLE).or_else(|| self.unreadable.get(key)).map(String::as_str)
    }

    /// The retention period, or why it cannot be read: erasing on a guess is never right.
    pub fn retention_days(&self) -> Result<Option<u32>, String> {
        match self.unreadable("retention_days_after_end") {
            Some(problem) => Err(problem.to_string()),
            None => Ok(self.retention_days_after_end),
        }
    }
}

/// The stored text, read as [`StudySettings::from_json`] does (for the store's row types).
impl From<String> for StudySettings {
    fn from(stored: String) -> StudySettings {
        StudySettings::from_json(&stored)
    }
}

/// Reads the keys of the stored object one by one, noting those that do not read.
struct Reader<'a> {
    map: &'a Map<String, Value>,
    unreadable: &'a mut BTreeMap<String, String>,
}

impl Reader<'_> {
    fn section<T: DeserializeOwned + Default>(&mut self, key: &str) -> T {
        match self.map.get(key) {
            None | Some(Value::Null) => T::default(),
            Some(v) => T::deserialize(v).unwrap_or_else(|e| {
                self.unreadable.insert(key.into(), format!("{key}: {e}"));
                T::default()
            }),
        }
    }

    /// A list of group names; what is not a name in it is passed over.
    fn groups(&mut self) -> Vec<String> {
        match self.map.get("groups") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            Some(_) => {
                self.unreadable.insert("groups".into(), "groups: not a list".into());
                Vec::new()
            }
        }
    }

    /// A whole number of days.
    fn days(&mut self, key: &str) -> Option<u32> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => v.as_u64().and_then(|d| u32::try_from(d).ok()).or_else(|| {
                self.unreadable
                    .insert(key.into(), format!("the study setting {key} must be a whole number of days (got {v})"));
                None
            }),
        }
    }

    /// A text; an empty one is none.
    fn text(&mut self, key: &str) -> Option<String> {
        self.section::<Option<String>>(key).filter(|t| !t.is_empty())
    }
}

/// One key of a study's settings with its new value: the typed way to change one section and
/// leave the rest of the stored settings as they are (`koers_store::studies::set_settings_section`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingsSection {
    Feedback(Feedback),
    Safety(Safety),
    Register(Registers),
    Quality(QualityThresholds),
    Groups(Vec<String>),
    RewardEmptyQuestionnaires(bool),
    StaffTwoFactor(TwoFactorRule),
    /// `None` removes the period.
    RetentionDaysAfterEnd(Option<u32>),
    ResearchGroup(Option<String>),
    Contact(Option<String>),
}

impl SettingsSection {
    /// Its key in the settings JSON (serde's external tag, so it cannot drift from the reader).
    pub fn key(&self) -> String {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map.keys().next().cloned().unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// What is wrong with the new value; nothing when it may be stored.
    pub fn problems(&self) -> Vec<String> {
        match self {
            SettingsSection::Feedback(f) => f.problems(),
            SettingsSection::Safety(s) => s.problems(),
            SettingsSection::Quality(q) => q.check().err().into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The stored settings with this key replaced (or removed, for a `None`), every other key
    /// as it was. Refuses settings that are not a JSON object rather than overwrite them.
    pub fn write_into(&self, stored: &str) -> Result<String, String> {
        let stored = if stored.trim().is_empty() { "{}" } else { stored };
        let mut json: Value =
            serde_json::from_str(stored).map_err(|e| format!("the study's settings are not valid JSON: {e}"))?;
        let map = json.as_object_mut().ok_or("the study's settings are not a JSON object")?;
        let Ok(Value::Object(new)) = serde_json::to_value(self) else {
            return Err("a settings section that is not a key and a value".into());
        };
        for (key, value) in new {
            if value.is_null() {
                map.remove(&key);
            } else {
                map.insert(key, value);
            }
        }
        Ok(json.to_string())
    }
}

/// A study's settings file (`koers study settings --file`): `feedback:`, `safety:` and
/// `register:` sections; a section left out keeps what the study had.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    pub feedback: Option<Feedback>,
    pub safety: Option<Safety>,
    pub register: Option<Registers>,
}

impl SettingsFile {
    pub fn from_yaml(text: &str) -> Result<SettingsFile, Vec<String>> {
        let f: SettingsFile = serde_yaml_ng::from_str(text).map_err(|e| vec![format!("the settings file: {e}")])?;
        let sections = f.sections();
        if sections.is_empty() {
            return Err(vec!["the settings file has no feedback:, safety: or register: section".into()]);
        }
        let problems: Vec<String> = sections.iter().flat_map(SettingsSection::problems).collect();
        if problems.is_empty() {
            Ok(f)
        } else {
            Err(problems)
        }
    }

    /// The sections the file sets, to store one by one.
    pub fn sections(&self) -> Vec<SettingsSection> {
        let mut out = Vec::new();
        out.extend(self.feedback.clone().map(SettingsSection::Feedback));
        out.extend(self.safety.clone().map(SettingsSection::Safety));
        out.extend(self.register.map(SettingsSection::Register));
        out
    }
}

#[cfg(test)]
#[path = "study_settings_tests.rs"]
mod tests;
