use super::*;
use crate::register::{Reader as RegisterReader, Register};

/// Settings as koers has stored them before there was one typed struct: every key that any
/// version wrote, in the shapes it wrote them (sections written by `koers study settings`, flags
/// and lists put in by hand or by tests, the two-factor rule and retention by their commands).
const STORED_TODAY: &str = r#"{
    "feedback": {"trends": true, "support_match": false, "warnings": true, "own_trend": false,
                 "warn_coordinator": true, "constructs": ["commitment", "wellbeing"],
                 "rules": {"sustained_fall": {"weeks": 4, "threshold": 12}}},
    "safety": {"help": [{"name": "Zorgcoördinator", "phone": "0201234567"}],
               "alarm_words": ["pesten"], "notify_role": "coordinator"},
    "register": {"mentors": "je"},
    "quality": {"fast_seconds": 5, "middle_share": 1.0},
    "groups": ["control", "at_risk"],
    "reward_empty_questionnaires": true,
    "staff_two_factor": "optional",
    "retention_days_after_end": 365,
    "research_group": "Universiteit Utrecht",
    "contact": "onderzoek@example.org"
}"#;

#[test]
fn the_settings_stored_today_read_into_one_struct() {
    let s = StudySettings::from_json(STORED_TODAY);
    assert!(s.unreadable.is_empty(), "{:?}", s.unreadable);
    assert!(s.feedback.trends && s.feedback.warnings && s.feedback.warn_coordinator && !s.feedback.support_match);
    assert_eq!(s.feedback.rules.sustained_fall.weeks, 4);
    assert!(s.safety.has_help());
    assert_eq!(s.safety.notify_role.as_deref(), Some("coordinator"));
    assert_eq!(s.register.of(RegisterReader::Mentor), Register::Je);
    assert_eq!(s.register.of(RegisterReader::Parent), Register::U, "a register left out keeps its default");
    assert_eq!(s.quality, QualityThresholds { fast_seconds: 5.0, middle_share: 1.0, ..QualityThresholds::default() });
    assert_eq!(s.groups, vec!["control".to_string(), "at_risk".to_string()]);
    assert!(s.reward_empty_questionnaires);
    assert_eq!(s.staff_two_factor, TwoFactorRule::Optional);
    assert_eq!(s.retention_days(), Ok(Some(365)));
    assert_eq!(s.research_group.as_deref(), Some("Universiteit Utrecht"));
    assert_eq!(s.contact.as_deref(), Some("onderzoek@example.org"));
}

#[test]
fn no_settings_are_the_defaults_that_keep_everything_off() {
    for stored in ["{}", "", "  "] {
        let s = StudySettings::from_json(stored);
        assert_eq!(s, StudySettings::default(), "{stored:?}");
        assert!(!s.feedback.any() && !s.safety.has_help() && !s.reward_empty_questionnaires);
        assert_eq!(s.staff_two_factor, TwoFactorRule::Sensitive);
        assert_eq!(s.retention_days(), Ok(None));
    }
}

#[test]
fn a_key_that_does_not_read_keeps_its_default_and_says_why() {
    let s = StudySettings::from_json(
        r#"{"feedback": {"trends": "yes"}, "safety": {"help": [{"name": "Zorg"}]}, "staff_two_factor": "nonsense",
            "groups": ["a", 3, "b"], "reward_empty_questionnaires": "ja", "research_group": "",
            "quality": {"fast_secnods": 45}, "retention_days_after_end": "a year", "newer_key": 1}"#,
    );
    assert_eq!(s.feedback, Feedback::default());
    assert!(s.safety.has_help(), "one broken section leaves the others alone");
    assert_eq!(s.staff_two_factor, TwoFactorRule::Sensitive);
    assert_eq!(s.groups, vec!["a".to_string(), "b".to_string()], "what is not a name in the list is passed over");
    assert!(!s.reward_empty_questionnaires);
    assert_eq!(s.research_group, None, "an empty text is none");
    assert!(s.unreadable("quality").unwrap().contains("fast_secnods"));
    assert_eq!(s.quality, QualityThresholds::default());
    assert!(s.retention_days().unwrap_err().contains("whole number of days"));
    assert_eq!(s.unreadable("newer_key"), None, "unknown keys are not an error");
    assert!(s.unreadable("feedback").is_some() && s.unreadable("staff_two_factor").is_some());
}

#[test]
fn quality_thresholds_out_of_range_are_unreadable() {
    let s = StudySettings::from_json(r#"{"quality": {"middle_share": 2}}"#);
    assert_eq!(s.quality, QualityThresholds::default());
    assert!(s.unreadable("quality").unwrap().contains("middle_share"));
    let t = StudySettings::from_json(r#"{"other": 1, "quality": {"fast_seconds": 45}}"#);
    assert_eq!(t.quality, QualityThresholds { fast_seconds: 45.0, ..QualityThresholds::default() });
}

#[test]
fn settings_that_are_not_an_object_make_every_key_unreadable() {
    for stored in ["not json", "[1, 2]"] {
        let s = StudySettings::from_json(stored);
        assert_eq!(s.feedback, Feedback::default());
        assert!(s.unreadable("quality").is_some() && s.retention_days().is_err(), "{stored}");
    }
    assert!(StudySettings::from_json("{not json").unreadable(WHOLE).unwrap().contains("not valid JSON"));
}

#[test]
fn a_section_is_written_under_its_own_key_and_nothing_else_changes() {
    assert_eq!(SettingsSection::Feedback(Feedback::default()).key(), "feedback");
    assert_eq!(SettingsSection::Register(Registers::default()).key(), "register");
    assert_eq!(SettingsSection::RewardEmptyQuestionnaires(true).key(), "reward_empty_questionnaires");
    assert_eq!(SettingsSection::StaffTwoFactor(TwoFactorRule::All).key(), "staff_two_factor");
    assert_eq!(SettingsSection::RetentionDaysAfterEnd(None).key(), "retention_days_after_end");

    let stored = r#"{"newer_key": {"x": 1}, "feedback": {"trends": "broken"}, "groups": ["a"]}"#;
    let safety =
        Safety { notify_role: Some("coordinator".into()), alarm_words: vec!["pesten".into()], ..Safety::default() };
    let written = SettingsSection::Safety(safety.clone()).write_into(stored).unwrap();
    let json: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(json["newer_key"], serde_json::json!({"x": 1}), "unknown keys are kept");
    assert_eq!(json["feedback"], serde_json::json!({"trends": "broken"}), "an unreadable section stays as it was");
    assert_eq!(StudySettings::from_json(&written).safety, safety);
    assert_eq!(StudySettings::from_json(&written).groups, vec!["a".to_string()]);

    let with_days = SettingsSection::RetentionDaysAfterEnd(Some(30)).write_into(&written).unwrap();
    assert_eq!(StudySettings::from_json(&with_days).retention_days(), Ok(Some(30)));
    let without = SettingsSection::RetentionDaysAfterEnd(None).write_into(&with_days).unwrap();
    assert!(!without.contains("retention_days_after_end"), "None removes the key: {without}");
    let rule = SettingsSection::StaffTwoFactor(TwoFactorRule::All).write_into("{}").unwrap();
    assert_eq!(rule, r#"{"staff_two_factor":"all"}"#, "the shape the old writer wrote");

    assert!(SettingsSection::Contact(None).write_into("{not json").is_err(), "never overwrite what cannot be read");
    assert!(SettingsSection::Contact(None).write_into("[1]").is_err());
}

#[test]
fn a_section_is_checked_before_it_is_stored() {
    let no_one_to_tell = Safety { alarm_words: vec!["pesten".into()], ..Safety::default() };
    assert!(!SettingsSection::Safety(no_one_to_tell).problems().is_empty());
    let out_of_range = QualityThresholds { middle_share: 2.0, ..QualityThresholds::default() };
    assert!(!SettingsSection::Quality(out_of_range).problems().is_empty());
    assert!(SettingsSection::Groups(vec!["x".into()]).problems().is_empty());
}

#[test]
fn the_two_factor_rule_reads_its_three_names() {
    for rule in TwoFactorRule::ALL {
        assert_eq!(TwoFactorRule::parse(rule.as_str()), Some(*rule));
        let stored = format!(r#"{{"staff_two_factor": "{}"}}"#, rule.as_str());
        assert_eq!(StudySettings::from_json(&stored).staff_two_factor, *rule);
    }
    assert_eq!(TwoFactorRule::parse("nonsense"), None);
}

#[test]
fn a_settings_file_may_hold_either_section_and_is_checked() {
    let only_safety = SettingsFile::from_yaml("safety:\n  help:\n    - name: Zorgcoördinator\n").unwrap();
    assert!(only_safety.feedback.is_none() && only_safety.safety.clone().unwrap().has_help());
    assert_eq!(only_safety.sections().iter().map(SettingsSection::key).collect::<Vec<_>>(), vec!["safety"]);
    assert!(SettingsFile::from_yaml("feedback:\n  trends: true\n").unwrap().safety.is_none());
    assert!(SettingsFile::from_yaml("other: 1\n").is_err(), "the file rejects what it does not know");
    assert!(SettingsFile::from_yaml("{}\n").is_err(), "a file with nothing in it");
    let buddies = SettingsFile::from_yaml("register:\n  mentors: je\n").unwrap();
    assert_eq!(buddies.register.unwrap().mentors, Register::Je);
    assert!(SettingsFile::from_yaml("register:\n  mentors: jij\n").is_err(), "je or u only");
    assert!(SettingsFile::from_yaml("safety:\n  alarm_words: [pesten]\n").is_err(), "no one to tell");
}
