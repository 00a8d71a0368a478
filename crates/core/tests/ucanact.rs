//! u-can-act's own questionnaires (converted seeds, see tests/fixtures/ucanact/README.md) load
//! unchanged and mean on submit what they meant there.

use chrono::{NaiveDate, TimeDelta, TimeZone, Utc};
use koers_core::questionnaire::submit::{validate_submission, Accepted, Context, Submission, Value};
use koers_core::questionnaire::{parse_questionnaire, Questionnaire};

fn fixture(name: &str) -> (Questionnaire, Vec<String>) {
    let path = format!("{}/tests/fixtures/ucanact/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(&path).unwrap();
    match parse_questionnaire(&source, Some(name)) {
        Ok((q, warnings)) => (q, warnings.iter().map(|w| w.to_string()).collect()),
        Err(problems) => panic!("{name}: {problems:#?}"),
    }
}

fn submit(q: &Questionnaire, fields: &[(&str, &str)]) -> Accepted {
    let now = Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap();
    let ctx = Context {
        lang: "nl".into(),
        fallback_lang: "nl".into(),
        now,
        today: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        protocol_start: now - TimeDelta::days(3),
        final_questionnaire: false,
        students: vec![],
    };
    let sub = Submission {
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        ..Default::default()
    };
    validate_submission(q, &sub, &ctx).unwrap_or_else(|r| panic!("{:?}", r.errors))
}

fn value<'a>(a: &'a Accepted, key: &str) -> Option<&'a Value> {
    a.answers.iter().find(|x| x.key == key).map(|x| &x.value)
}

#[test]
fn every_fixture_loads_and_only_keys_that_do_nothing_are_warned_about() {
    for name in [
        "mentor_diary",
        "ouders_start",
        "training_log",
        "01_demographics",
        "daily_questionnaire_maandag",
        "diary_study",
        "demo",
        "readme_examples",
    ] {
        let (_, warnings) = fixture(name);
        for w in &warnings {
            assert!(w.contains("does nothing") || w.contains("untouched slider"), "{name}: {w}");
        }
    }
    let (_, demo) = fixture("demo");
    assert_eq!(demo, ["questions[4].labels: warning: 'labels' does nothing for date items; koers ignores it"]);
}

#[test]
fn u_can_act_defaults_and_codes_are_kept() {
    let (q, _) = fixture("ouders_start");
    assert!(q.item("v4a").unwrap().options.len() > 200, "a dropdown of every country");
    let relation = q.item("v9_4").unwrap();
    assert!(relation.required && relation.show_otherwise, "a radio is required and offers 'other' unless it says not");
    let (q, _) = fixture("training_log");
    assert_eq!(q.item("v1").unwrap().options[0].value, "components.dashboards.questionnaire.training_type.badminton");
    assert_eq!(q.item("v4").unwrap().hour_choices().len(), 24, "hours 0 up to, not including, 24");
    let (q, _) = fixture("mentor_diary");
    assert_eq!(q.item("v4").unwrap().hour_choices().last(), Some(&10.0));
}

#[test]
fn an_option_hides_an_item_of_its_own_expansion_only() {
    let (q, _) = fixture("mentor_diary");
    let a = submit(
        &q,
        &[
            ("v1", "Ja"),
            ("v3_1__1", "Gesprek"),
            ("v3_2__1", "Motiveren"),
            ("v3_3__1", "Vaardigheden van {{deze_student}} ontwikkelen"),
            ("v3_51__1", "Niet van toepassing"),
            ("v3_5__1", "80"),
            ("v3_5__1__touched", "1"),
            ("v3_1__2", "Huisbezoek"),
            ("v3_2__2", "Confronteren"),
            ("v3_3__2", "De omgeving van {{deze_student}} veranderen"),
            ("v3_5__2", "70"),
            ("v3_5__2__touched", "1"),
            ("v4__h", "2"),
            ("v4__m", "30"),
            ("v9", "Nee"),
        ],
    );
    assert_eq!(value(&a, "v3_5__1"), None, "hidden in the first expansion");
    assert_eq!(value(&a, "v3_5__2"), Some(&Value::Number(70.0)), "shown in the second");
    assert_eq!(value(&a, "v3"), Some(&Value::Number(2.0)));
    assert_eq!(value(&a, "v4"), Some(&Value::Time { hour: 2, minute: 30 }));
}

#[test]
fn scores_are_preprocessed_as_in_u_can_act() {
    let (q, _) = fixture("readme_examples");
    let a = submit(
        &q,
        &[
            ("v1", "hobby/sport"),
            ("v2", "relatie"),
            ("v3", "relatie"),
            ("v4", "ho"),
            ("v5", "30"),
            ("v5__touched", "1"),
            ("v6", "tekst"),
            ("v7", "niks"),
            ("v8", "12"),
            ("v10", "2018-06-20"),
            ("v11", "2018-06-20"),
            ("v12", "werk"),
        ],
    );
    // s1: average of 20 and (1 × -1 + 100) = 59.5, rounded to 60; s2: average of 60 and 25.
    assert_eq!(a.scores, [("s1".to_string(), Some(60.0)), ("s2".to_string(), Some(42.5))]);
}
