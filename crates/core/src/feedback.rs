//! A study's feedback settings: what mentors, coordinators and students may be shown of the
//! diaries, and the early-warning rules. Everything is off until the study switches it on, and
//! even then only shown about students who agreed to that kind of feedback (see the consent).
//!
//! Written by a researcher as YAML (a `feedback:` section), kept in the study's settings JSON.

use crate::warnings::{Construct, Rules};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Feedback {
    /// Mentors see the trend of the chosen constructs of their (consenting) students.
    pub trends: bool,
    /// Mentors see their own support per week beside the support their student experienced.
    pub support_match: bool,
    /// Early-warning signals to the mentor (and the coordinator when `warn_coordinator`).
    pub warnings: bool,
    /// Students see their own trend after a diary.
    pub own_trend: bool,
    /// Warnings also appear on the coordinator's attention page.
    pub warn_coordinator: bool,
    /// The constructs trends and warnings are about.
    pub constructs: Vec<Construct>,
    pub rules: Rules,
}

impl Default for Feedback {
    fn default() -> Self {
        Feedback {
            trends: false,
            support_match: false,
            warnings: false,
            own_trend: false,
            warn_coordinator: false,
            constructs: vec![Construct::Commitment, Construct::PassConfidence, Construct::Wellbeing],
            rules: Rules::default(),
        }
    }
}

impl Feedback {
    pub fn problems(&self) -> Vec<String> {
        let mut out = self.rules.problems();
        if self.constructs.is_empty() && (self.trends || self.warnings || self.own_trend) {
            out.push("feedback.constructs must name at least one construct when trends or warnings are on".into());
        }
        out
    }

    /// Whether anything at all is on.
    pub fn any(&self) -> bool {
        self.trends || self.support_match || self.warnings || self.own_trend
    }

    /// The questions of the feedback consent (`student_feedback_consent`) a student is asked:
    /// one per setting that is on, so nobody is asked about feedback the study does not give.
    pub fn consent_items(&self) -> Vec<&'static str> {
        CONSENT_ITEMS.iter().filter(|(_, on)| on(self)).map(|(item, _)| *item).collect()
    }
}

/// Whether one setting is on.
type IsOn = fn(&Feedback) -> bool;

/// Each feedback consent question and the setting it is about.
const CONSENT_ITEMS: [(&str, IsOn); 4] = [
    ("consent_feedback_trends", |f| f.trends),
    ("consent_feedback_support_match", |f| f.support_match),
    ("consent_feedback_warnings", |f| f.warnings),
    ("consent_feedback_own_trend", |f| f.own_trend),
];

/// The consent kind a feedback consent question gives (`consent_feedback_trends` gives
/// `feedback_trends`); `None` for any other item.
pub fn consent_kind(item: &str) -> Option<&'static str> {
    CONSENT_ITEMS.iter().find(|(i, _)| *i == item).map(|(i, _)| &i["consent_".len()..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study_settings::StudySettings;

    #[test]
    fn everything_is_off_unless_the_study_switches_it_on() {
        assert!(!Feedback::default().any());
        assert!(!StudySettings::from_json("{}").feedback.any());
        assert!(!StudySettings::from_json("not json").feedback.any());
    }

    /// The feedback section of a settings file, or what is wrong with the file.
    fn from_yaml(text: &str) -> Result<Feedback, Vec<String>> {
        crate::study_settings::SettingsFile::from_yaml(text).map(|f| f.feedback.expect("a feedback section"))
    }

    #[test]
    fn a_yaml_file_sets_the_switches_and_rule_numbers() {
        let f = from_yaml(
            "feedback:\n  trends: true\n  warnings: true\n  constructs: [commitment, wellbeing]\n  rules:\n    sustained_fall: {weeks: 4, threshold: 12}\n",
        )
        .unwrap();
        assert!(f.trends && f.warnings && !f.support_match && !f.own_trend);
        assert_eq!(f.constructs, vec![Construct::Commitment, Construct::Wellbeing]);
        assert_eq!(f.rules.sustained_fall.weeks, 4);
        assert_eq!(f.rules.sustained_fall.min_baseline, 2, "unset numbers keep their default");
        let json = serde_json::json!({ "feedback": f }).to_string();
        assert_eq!(StudySettings::from_json(&json).feedback, f);
    }

    #[test]
    fn a_student_is_asked_only_about_the_feedback_that_is_on() {
        assert!(Feedback::default().consent_items().is_empty());
        let f = Feedback { trends: true, warnings: true, ..Feedback::default() };
        assert_eq!(f.consent_items(), vec!["consent_feedback_trends", "consent_feedback_warnings"]);
        assert_eq!(consent_kind("consent_feedback_support_match"), Some("feedback_support_match"));
        assert_eq!(consent_kind("consent_feedback_own_trend"), Some("feedback_own_trend"));
        assert_eq!(consent_kind("consent_participant"), None);
    }

    #[test]
    fn mistakes_in_the_file_are_named() {
        let e = from_yaml("feedback:\n  trend: true\n").unwrap_err();
        assert!(e[0].contains("trend"), "{e:?}");
        let e = from_yaml("feedback:\n  constructs: [motivation]\n").unwrap_err();
        assert!(e[0].contains("motivation"), "{e:?}");
        let e = from_yaml("feedback:\n  rules:\n    low_after_mid_year: {mid_year: '13-40'}\n").unwrap_err();
        assert!(e[0].contains("MM-DD"), "{e:?}");
    }
}
