//! Server-side handling of submitted forms: visibility, untouched sliders, validation, scores.

use super::parse_questionnaire;
use super::submit::*;
use chrono::{NaiveDate, TimeDelta, TimeZone, Utc};

const DIARY: &str = r#"
key: d
questions:
  - id: went
    type: radio
    required: false
    title: Naar school geweest?
    options:
      - {title: Ja, value: yes, shows_questions: [school_fun]}
      - {title: Nee, value: no}
      - {title: Ik stop, value: stop, stop_subscription: true}
  - {id: school_fun, type: range, hidden: true, title: Leuk?}
  - {id: mood, type: range, title: Hoe voel je je?}
  - {id: hours, type: number, min: 0, max: 40, step: 0.5}
  - {id: why, type: checkbox, options: [{title: a, value: a, numeric_value: 1}, {title: b, value: b, numeric_value: 2}, c], max_selections: 2, show_otherwise: true}
  - {id: postcode, type: textfield, pattern: '[0-9]{4}[A-Z]{2}', hint: {nl: Vier cijfers en twee letters, en: Four digits and two letters}}
  - {id: later, type: textarea, show_after: 1209600}
  - {id: progress, type: range, foreach: student}
  - id: actions
    type: expandable
    max_expansions: 3
    content:
      - {id: what, type: textarea}
  - {id: must, type: radio, options: [x, y], required: true}
scores:
  - {id: feel, ids: [mood, school_fun], operation: average, round_to_decimals: 1}
  - {id: why_sum, ids: [why], operation: sum}
"#;

fn ctx() -> Context {
    let now = Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap();
    Context {
        lang: "nl".into(),
        fallback_lang: "nl".into(),
        now,
        today: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        protocol_start: now - TimeDelta::days(3),
        final_questionnaire: false,
        students: vec![],
    }
}

fn submit(fields: &[(&str, &str)], ctx: &Context) -> Result<Accepted, Rejected> {
    let (q, _) = parse_questionnaire(DIARY, None).unwrap();
    let sub = Submission {
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        started_at: Some(ctx.now - TimeDelta::seconds(95)),
        user_agent: Some("Mozilla/4.0".into()),
    };
    validate_submission(&q, &sub, ctx)
}

fn value<'a>(a: &'a Accepted, key: &str) -> Option<&'a Value> {
    a.answers.iter().find(|x| x.key == key).map(|x| &x.value)
}

#[test]
fn an_answer_to_a_question_that_was_not_shown_is_dropped() {
    let a =
        submit(&[("went", "no"), ("school_fun", "80"), ("school_fun__touched", "1"), ("must", "x")], &ctx()).unwrap();
    assert_eq!(value(&a, "school_fun"), None, "hidden and not shown: not stored at all");
    let b =
        submit(&[("went", "yes"), ("school_fun", "80"), ("school_fun__touched", "1"), ("must", "x")], &ctx()).unwrap();
    assert_eq!(value(&b, "school_fun"), Some(&Value::Number(80.0)), "shown by the chosen option");
}

#[test]
fn without_the_script_a_slider_moved_from_its_start_counts_as_set() {
    // No `__touched` and no paradata: a browser without scripts sends only the value.
    let moved = submit(&[("mood", "72"), ("mood__touched", "0"), ("must", "x")], &ctx()).unwrap();
    assert_eq!(value(&moved, "mood"), Some(&Value::Number(72.0)));
    assert!(moved.paradata.iter().find(|p| p.key == "mood").unwrap().touched);
    let left = submit(&[("mood", "50"), ("mood__touched", "0"), ("must", "x")], &ctx()).unwrap();
    assert_eq!(value(&left, "mood"), Some(&Value::NotAnswered), "left at its start: not an answer");
    let (q, _) = parse_questionnaire(
        "key: s\nquestions:\n  - {id: h, type: range, min: 0, max: 40, value: 12, unit: uur}\n",
        None,
    )
    .unwrap();
    assert_eq!(q.questions[0].slider_start(), 12.0);
    assert!(q.questions[0].unit.is_some(), "a slider may say what it counts");
    assert!(!q.questions[0].slider_set(false, Some("12")) && q.questions[0].slider_set(false, Some("20")));
}

#[test]
fn an_untouched_slider_is_not_answered_and_its_touch_is_recorded() {
    let a = submit(&[("mood", "50"), ("must", "x")], &ctx()).unwrap();
    assert_eq!(value(&a, "mood"), Some(&Value::NotAnswered));
    assert!(!a.paradata.iter().find(|p| p.key == "mood").unwrap().touched);
    let b = submit(&[("mood", "50"), ("mood__touched", "1"), ("must", "x")], &ctx()).unwrap();
    assert_eq!(value(&b, "mood"), Some(&Value::Number(50.0)));
    let c = submit(
        &[
            ("mood", "70"),
            ("must", "x"),
            ("__paradata", r#"{"mood": {"first": 1790000000000, "last": 1790000004000, "changes": 3}}"#),
        ],
        &ctx(),
    )
    .unwrap();
    let pd = c.paradata.iter().find(|p| p.key == "mood").unwrap();
    assert!(pd.touched && pd.changes == 3 && pd.last_at.unwrap() - pd.first_at.unwrap() == TimeDelta::seconds(4));
    assert_eq!(value(&c, "mood"), Some(&Value::Number(70.0)), "the script's record of a touch counts too");
}

#[test]
fn a_visible_question_left_open_is_stored_as_not_answered() {
    let a = submit(&[("must", "y")], &ctx()).unwrap();
    for key in ["went", "mood", "hours", "why", "postcode"] {
        assert_eq!(value(&a, key), Some(&Value::NotAnswered), "{key}");
    }
    assert_eq!(value(&a, "later"), None, "not yet shown (show_after two weeks)");
}

#[test]
fn values_outside_the_options_or_range_are_refused_with_every_error_and_the_form_kept() {
    let r = submit(
        &[
            ("went", "maybe"),
            ("mood", "101"),
            ("mood__touched", "1"),
            ("hours", "3,25"),
            ("why", "a"),
            ("why", "b"),
            ("why", "c"),
            ("postcode", "12AB"),
        ],
        &ctx(),
    )
    .unwrap_err();
    let errors: Vec<(&str, &str)> = r.errors.iter().map(|e| (e.key.as_str(), e.message.as_str())).collect();
    assert_eq!(
        errors,
        [
            ("went", "Kies een van de antwoorden."),
            ("mood", "Kies een waarde van 0 tot en met 100."),
            ("hours", "Gebruik stappen van 0.5."),
            ("why", "Kies er hoogstens 2."),
            ("postcode", "Vier cijfers en twee letters"),
            ("must", "Deze vraag moet je beantwoorden."),
        ]
    );
    assert!(r.kept.contains(&("postcode".to_string(), "12AB".to_string())), "what was typed comes back");
}

#[test]
fn messages_follow_the_participants_language() {
    let mut c = ctx();
    c.lang = "en".into();
    let r = submit(&[("postcode", "nope")], &c).unwrap_err();
    assert_eq!(r.errors[0].message, "Four digits and two letters");
    assert_eq!(r.errors[1].message, "Please answer this question.");
}

#[test]
fn numbers_accept_a_decimal_comma_and_other_texts_are_kept_only_when_other_is_chosen() {
    let a =
        submit(&[("hours", "3,5"), ("why", "a"), ("why", "__other"), ("why__other", "omdat"), ("must", "x")], &ctx())
            .unwrap();
    assert_eq!(value(&a, "hours"), Some(&Value::Number(3.5)));
    assert_eq!(value(&a, "why"), Some(&Value::Choices(vec!["a".into(), "__other".into()])));
    assert_eq!(value(&a, "why__other"), Some(&Value::Text("omdat".into())));
    let b = submit(&[("why", "a"), ("why__other", "omdat"), ("must", "x")], &ctx()).unwrap();
    assert_eq!(value(&b, "why__other"), Some(&Value::NotAnswered));
}

#[test]
fn scores_use_numeric_values_and_skip_what_was_not_answered() {
    let a = submit(
        &[
            ("went", "yes"),
            ("school_fun", "61"),
            ("school_fun__touched", "1"),
            ("mood", "70"),
            ("mood__touched", "1"),
            ("why", "a"),
            ("why", "b"),
            ("must", "x"),
        ],
        &ctx(),
    )
    .unwrap();
    assert_eq!(a.scores, [("feel".to_string(), Some(65.5)), ("why_sum".to_string(), Some(3.0))]);
    let b = submit(&[("must", "x")], &ctx()).unwrap();
    assert_eq!(b.scores, [("feel".to_string(), None), ("why_sum".to_string(), None)]);
}

#[test]
fn stop_options_repeated_items_expandables_and_timing() {
    let mut c = ctx();
    c.students = vec![(12, "Sanne".into()), (13, "Ahmed".into())];
    c.now += TimeDelta::days(14);
    let a = submit(
        &[
            ("went", "stop"),
            ("progress_s12", "40"),
            ("progress_s12__touched", "1"),
            ("what__1", "belde"),
            ("what__2", ""),
            ("what__3", "appte"),
            ("later", "ok"),
            ("must", "x"),
        ],
        &c,
    )
    .unwrap();
    assert!(a.stop_subscription);
    assert_eq!(value(&a, "progress_s12"), Some(&Value::Number(40.0)));
    assert_eq!(value(&a, "progress_s13"), Some(&Value::NotAnswered));
    assert_eq!(a.answers.iter().find(|x| x.key == "progress_s13").unwrap().about_student, Some(13));
    assert_eq!(value(&a, "actions"), Some(&Value::Number(3.0)));
    assert_eq!(value(&a, "what__1"), Some(&Value::Text("belde".into())));
    assert_eq!(value(&a, "what__2"), None, "an empty expansion is not stored");
    assert_eq!(value(&a, "later"), Some(&Value::Text("ok".into())), "shown two weeks after the start");
    assert_eq!(a.duration_seconds, Some(95));
}

#[test]
fn oversized_forms_are_refused_whole() {
    let long = "x".repeat(MAX_FIELD_CHARS + 1);
    let r = submit(&[("postcode", &long)], &ctx()).unwrap_err();
    assert_eq!(r.errors[0].message, "Dit formulier is te groot. Maak je antwoorden korter.");
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn on_any_form(fields in prop::collection::vec(("[a-z_0-9]{0,12}", "\\PC{0,40}"), 0..30)) {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let _ = submit(&fields, &ctx());
        }
    }
}
