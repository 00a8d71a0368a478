//! A study's safety path: where a participant finds help right now, and the words in a free-text
//! answer that ask a named staff role to look at it. Off unless the study sets it (a `safety:`
//! section in the settings file of `koers study settings`, kept in the study's settings JSON).

use serde::{Deserialize, Serialize};

/// Longest alarm word or phrase, and most of them: a list to read, not a dictionary.
const MAX_WORD: usize = 60;
const MAX_WORDS: usize = 200;
const MAX_HELP: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Safety {
    /// Shown on the "Hulp nodig?" page, in this order; with none, the page and its link are off.
    pub help: Vec<HelpResource>,
    /// Words or phrases that, found as whole words in a free-text answer, notify `notify_role`.
    pub alarm_words: Vec<String>,
    /// The staff role that sees such an answer on its attention page: `coordinator` (the one
    /// role that sees people by name; researchers see pseudonyms only). Without one, alarm
    /// words do nothing.
    pub notify_role: Option<String>,
}

/// One place to turn to, e.g. a school's care coordinator or a national help line.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HelpResource {
    pub name: String,
    /// When and for what, in a sentence.
    pub text: Option<String>,
    pub phone: Option<String>,
    pub url: Option<String>,
}

impl Safety {
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.help.len() > MAX_HELP {
            out.push(format!("safety.help: at most {MAX_HELP} places to turn to"));
        }
        for (i, h) in self.help.iter().enumerate() {
            if h.name.trim().is_empty() {
                out.push(format!("safety.help[{i}].name is empty"));
            }
            if h.url.as_deref().is_some_and(|u| !u.starts_with("https://")) {
                out.push(format!("safety.help[{i}].url must start with https://"));
            }
        }
        if self.alarm_words.len() > MAX_WORDS {
            out.push(format!("safety.alarm_words: at most {MAX_WORDS}"));
        }
        if self.alarm_words.iter().any(|w| words(w).is_empty() || w.chars().count() > MAX_WORD) {
            out.push(format!("safety.alarm_words: each must hold a word and be at most {MAX_WORD} characters"));
        }
        match self.notify_role.as_deref() {
            None | Some("coordinator") => {}
            Some(other) => out.push(format!(
                "safety.notify_role: '{other}' cannot be told; coordinator is the role that sees people by name"
            )),
        }
        if !self.alarm_words.is_empty() && self.notify_role.is_none() {
            out.push("safety.alarm_words need a notify_role (coordinator) to tell".into());
        }
        out
    }

    /// Whether participant pages link the help page.
    pub fn has_help(&self) -> bool {
        !self.help.is_empty()
    }

    /// Whether the study looks for alarm words at all: it names words and someone to tell.
    pub fn watches(&self) -> bool {
        self.notify_role.is_some() && !self.alarm_words.is_empty()
    }

    /// Whether any of these answers holds an alarm word (as whole words, any case), and the
    /// study names someone to tell.
    pub fn alarms<'a>(&self, answers: impl IntoIterator<Item = &'a str>) -> bool {
        if !self.watches() {
            return false;
        }
        let phrases: Vec<String> = self.alarm_words.iter().map(|w| format!(" {} ", words(w).join(" "))).collect();
        answers.into_iter().any(|text| {
            let text = format!(" {} ", words(text).join(" "));
            phrases.iter().any(|p| !p.trim().is_empty() && text.contains(p.as_str()))
        })
    }
}

/// The words of a text in lower case, without punctuation: "Ik wil NIET meer!" -> ik wil niet meer.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study_settings::StudySettings;

    fn on(words: &[&str]) -> Safety {
        Safety {
            alarm_words: words.iter().map(|w| w.to_string()).collect(),
            notify_role: Some("coordinator".into()),
            ..Default::default()
        }
    }

    #[test]
    fn an_alarm_phrase_matches_whole_words_in_any_case_and_punctuation() {
        let s = on(&["niet meer leven", "pesten"]);
        assert!(s.alarms(["Ik wil NIET meer... leven!"]));
        assert!(s.alarms(["iets", "Ze blijven pesten."]));
        assert!(!s.alarms(["Ik wil niet meer naar school"]), "part of a phrase is not the phrase");
        assert!(!s.alarms(["gepest worden"]), "whole words only: 'gepest' is not 'pesten'");
        assert!(!s.alarms(Vec::<&str>::new()));
    }

    #[test]
    fn nothing_alarms_without_someone_to_tell_or_words_to_look_for() {
        let mut s = on(&["pesten"]);
        s.notify_role = None;
        assert!(!s.alarms(["pesten"]));
        assert!(!Safety::default().alarms(["pesten"]));
        assert!(!s.problems().is_empty(), "alarm words without a role are refused when loaded");
    }

    #[test]
    fn settings_are_read_from_the_study_json_and_checked() {
        let json = r#"{"safety": {"help": [{"name": "Mentor of zorgcoördinator", "phone": "0201234567"}],
                       "alarm_words": ["pesten"], "notify_role": "coordinator"}}"#;
        let s = StudySettings::from_json(json).safety;
        assert!(s.has_help() && s.problems().is_empty(), "{:?}", s.problems());
        assert_eq!(StudySettings::from_json("{}").safety, Safety::default());
        let bad = Safety {
            help: vec![HelpResource { name: " ".into(), url: Some("http://x".into()), ..Default::default() }],
            notify_role: Some("mentor".into()),
            ..Default::default()
        };
        assert_eq!(bad.problems().len(), 3, "{:?}", bad.problems());
    }
}
