//! Parsing and checking: every item type, every key, and every kind of mistake with its message.

use super::model::*;
use super::parse_questionnaire;

fn parse(src: &str) -> Questionnaire {
    match parse_questionnaire(src, Some("t")) {
        Ok((q, _)) => q,
        Err(p) => panic!("{}", p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")),
    }
}

/// Every message (errors and warnings) for a file.
fn problems(src: &str) -> Vec<String> {
    match parse_questionnaire(src, Some("t")) {
        Ok((_, warnings)) => warnings.iter().map(|p| p.to_string()).collect(),
        Err(p) => p.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn every_item_type_and_its_own_keys_parse() {
    let q = parse(
        r#"
key: all_types
name: All types
title: {nl: Alles, en: Everything}
questions:
  - {id: v1, type: radio, title: Ja of nee?, options: [Ja, Nee], required: true, show_otherwise: true, otherwise_label: Anders}
  - {id: v2, type: likert, title: Eens?, options: [{title: {nl: Oneens, en: Disagree}, value: disagree, numeric_value: 1}, {title: Eens, numeric_value: 2}]}
  - {id: v3, type: checkbox, options: [a, b, c], max_selections: 2, tooltip: Kies er twee}
  - {id: v4, type: dropdown, options: [x, y], placeholder: Kies}
  - {id: v5, type: range, min: 0, max: 10, step: 1, labels: [laag, hoog], ticks: true, vertical: false, gradient: true, no_initial_thumb: true}
  - {id: v6, type: number, min: 0, max: 40, step: 0.25, maxlength: 5, placeholder: uren, links_to_expandable: v13}
  - {id: v7, type: textfield, pattern: '^[0-9]{4}[A-Z]{2}$', hint: Vier cijfers en twee letters, maxlength: 6, placeholder: 1234AB}
  - {id: v8, type: textarea, maxlength: 500, placeholder: Vertel}
  - {id: v9, type: time, hours_from: 8, hours_to: 18, hours_step: 1, hours_label: uur, minutes_label: min, hours_id: v9_h, minutes_id: v9_m, am_pm: false}
  - {id: v10, type: date, min: -7, max: true, today: true, default_date: 2026-09-01}
  - {id: v11, type: date_and_time, min: 2026-01-01, max: 2026-12-31, hours_from: 0, hours_to: 23}
  - {id: v12, type: days, from_days_ago: 7, exclude_weekends: true, include_today: true, morning_and_afternoon: true, date_format: '%A'}
  - id: v13
    type: expandable
    default_expansions: 1
    max_expansions: 5
    add_button_label: Nog een
    remove_button_label: Weg
    content:
      - {id: v13_a, type: textarea, title: Wat deed je?}
  - {type: raw, content: {first: Welkom!, normal: Welkom terug!}}
  - {id: v15, type: unsubscribe, content: Wil je stoppen?, button_text: Stoppen}
  - {id: v16, type: drawing, image: body.png, color: '#ff0000', width: 300, height: 600, radius: 10, density: 5}
  - {id: v17, type: textarea, section_start: Tot slot, section_end: true, show_after: only_on_final_questionnaire, label: closing_text, combines_with: [v8], foreach: student, uses: {previous: v8, default: niets}, title: 'Vorige keer: {{previous_v8}}'}
  - {id: v18, type: textarea, show_after: 604800}
  - {id: v19, type: textarea, show_after: '2018-06-27 00:00:00 +0000'}
  - {type: page_break, title: {nl: Tot slot, en: Finally}}
  - {id: v20, type: time_fancy, placeholder: '12:00'}
  - {id: v21, type: date_range, min: '2018/06/14', max: '2018/07/20'}
  - {id: v22, type: table, options: [nooit, soms, vaak], rows: [{id: v22_a, title: Lezen, shows_questions: [v25]}, {id: v22_b, title: Schrijven}]}
  - {type: next_questionnaire_notice}
  - {id: v23, type: gentle, network: '{{previous_v23}}', uses: {previous: v23, default: '{}'}}
  - {id: v24, type: textfield, default_value: '{{deze_student}}', show_when: "${v1} = 'Ja' and selected(${v3}, 'a')"}
  - {id: v25, type: textarea, hidden: true}
scores:
  - {id: s1, label: Samen, ids: [v2, v5], operation: sum, require_all: true, round_to_decimals: 1}
"#,
    );
    assert_eq!(q.key, "all_types");
    let types: Vec<&str> = q.all_items().iter().map(|i| i.kind.name()).collect();
    for (name, _) in ItemType::ALL {
        assert!(types.contains(name), "{name} missing from {types:?}");
    }
    let v2 = q.item("v2").unwrap();
    assert_eq!(v2.options[0].value, "disagree");
    assert_eq!(v2.options[0].title.resolve("en", "nl"), "Disagree");
    assert_eq!(v2.options[1].value, "Eens", "no value: the title is the code");
    assert_eq!(q.item("v6").unwrap().step, Some(0.25));
    assert_eq!(q.item("v10").unwrap().date_min, Some(DateBound::DaysFromToday(-7)));
    assert_eq!(q.item("v13").unwrap().content[0].id.as_deref(), Some("v13_a"));
    assert!(matches!(q.questions[13].raw_content, Some(RawContent::FirstAndNormal { .. })));
    let v17 = q.item("v17").unwrap();
    assert!(v17.foreach_student && v17.section_end);
    assert_eq!(v17.show_after, Some(ShowAfter::OnlyOnFinalQuestionnaire));
    assert_eq!(q.item("v18").unwrap().show_after, Some(ShowAfter::Seconds(604_800)));
    assert!(matches!(q.item("v19").unwrap().show_after, Some(ShowAfter::At(_))));
    assert_eq!(q.scores[0].operation, Operation::Sum);
    assert_eq!(q.version.len(), 16);
    assert_eq!(
        q.item("v21").unwrap().date_min,
        Some(DateBound::Fixed(chrono::NaiveDate::from_ymd_opt(2018, 6, 14).unwrap()))
    );
    let table = q.item("v22").unwrap();
    assert_eq!(
        table.options.iter().map(|o| o.value.as_str()).collect::<Vec<_>>(),
        ["0", "1", "2"],
        "a table stores the column's number"
    );
    assert!(q.item("v24").unwrap().show_when.is_some());
    let steps = q.steps();
    assert_eq!(steps.len(), 2);
    assert_eq!((steps[0].heading, steps[0].items.clone()), (None, 0..19));
    assert_eq!(steps[1].heading.and_then(|h| h.title.as_ref()).map(|t| t.resolve("en", "nl")), Some("Finally"));
    assert_eq!(steps[1].items, 20..q.questions.len());
    let numbers = q.step_numbers();
    assert_eq!(
        (numbers[0], numbers[18], numbers[19], numbers[20]),
        (1, 1, 2, 2),
        "the page break is on the step it opens"
    );
    assert_eq!(numbers.len(), q.questions.len());
}

#[test]
fn json_and_a_bare_list_of_items_are_accepted() {
    let q = parse(r#"{"questions": [{"id": "v1", "type": "radio", "options": ["Ja", "Nee"]}]}"#);
    assert_eq!(q.key, "t", "the key comes from the file name");
    let bare = parse("- {id: v1, type: textarea}\n");
    assert_eq!(bare.questions.len(), 1);
}

#[test]
fn translations_fall_back_to_the_study_language_then_the_first() {
    let q = parse("questions:\n  - {id: v1, type: textarea, title: {i18n: key.v1, nl: Hallo, en: Hello}}\n");
    let t = q.item("v1").unwrap().title.as_ref().unwrap();
    assert_eq!(t.resolve("en", "nl"), "Hello");
    assert_eq!(t.resolve("de", "nl"), "Hallo");
    assert_eq!(t.resolve("de", "fr"), "Hello", "the first real translation, never the i18n key");
}

#[test]
fn unknown_keys_name_their_place_and_the_nearest_known_key() {
    assert_eq!(
        problems("questions:\n  - {id: v1, type: radio, optoins: [a]}\n"),
        [
            "questions[0].optoins: unknown key 'optoins'; did you mean 'options'?",
            "questions[0].options: a radio item needs at least one option"
        ]
    );
    assert_eq!(
        problems("qeustions: []\n"),
        [
            "qeustions: unknown key 'qeustions'; did you mean 'questions'?",
            "questions: the questionnaire has no questions"
        ]
    );
    assert_eq!(
        problems("questions:\n  - {id: v1, type: radio, options: [{title: a, valeu: x}]}\n"),
        ["questions[0].options[0].valeu: unknown key 'valeu'; did you mean 'value'?"]
    );
    // A key of another type does nothing there: u-can-act ignored it, koers says so.
    assert_eq!(
        problems("questions:\n  - {id: v1, type: textarea, options: [a]}\n"),
        ["questions[0].options: warning: 'options' does nothing for textarea items; koers ignores it"]
    );
    assert_eq!(
        problems("questions:\n  - {id: v1, type: radio, options: [{title: a, section_end: true}]}\n"),
        ["questions[0].options[0].section_end: warning: 'section_end' does nothing on an option; koers ignores it"]
    );
}

#[test]
fn unknown_types_are_errors_with_a_suggestion() {
    assert_eq!(
        problems("questions:\n  - {id: v1, type: radoi}\n"),
        ["questions[0].type: unknown type 'radoi'; did you mean 'radio'?"]
    );
}

#[test]
fn every_kind_of_check_error_has_its_message() {
    let cases: &[(&str, &str)] = &[
        ("- {id: v1, type: textarea}\n- {id: v1, type: textarea}", "questions[1].id: 'v1' is also the id of questions[0]"),
        ("- {type: textarea}", "questions[0]: a textarea item needs an id"),
        ("- {id: V 1, type: textarea}", "questions[0].id: 'V 1' cannot be an id: use letters, digits, _ or - (no spaces or quotes)"),
        ("- {id: v1, type: radio, options: [a]}\n- {id: v1__other, type: textarea}", "questions[1].id: 'v1__other' would be mixed up with the 'other' field of 'v1'; choose another id"),
        ("- {id: v1, type: time, hours_from: 5, hours_to: 5}", "questions[0]: hours_from (5) to hours_to (5) offers no hours; hours_to is the first hour not offered"),
        ("- {id: v1, type: textarea, show_when: \"${v2} = 'a'\"}\n- {id: v2, type: radio, options: [a]}", "questions[0].show_when: 'v2' comes after this item; a condition can only read earlier answers"),
        ("- {id: v1, type: textarea, show_when: '${v1} > 2'}", "questions[0].show_when: '${v1} > 2': '>' is not part of the conditions koers understands"),
        ("- {id: t, type: table, options: [a, b], rows: [{title: x}]}", "questions[0].rows[0]: a row needs an id: its answer is stored under it"),
        ("- {id: v1, type: expandable, content: [{type: page_break}]}", "questions[0].content[0]: a page_break belongs between the questions, not inside an expandable"),
        ("- {id: v1, type: radio, options: [{title: a, shows_questions: [v9]}]}", "questions[0].options[0].shows_questions: 'v9' is not the id of any item"),
        (
            "- {id: v1, type: radio, options: [{title: a, shows_questions: [v2]}]}\n- {id: v2, type: textarea}",
            "questions[0].options[0].shows_questions: 'v2' is not hidden, so showing it changes nothing; add hidden: true to questions[1]",
        ),
        ("- {id: v1, type: checkbox, options: []}", "questions[0].options: a checkbox item needs at least one option"),
        ("- {id: v1, type: range, min: 10, max: 5}", "questions[0]: min (10) is above max (5)"),
        ("- {id: v1, type: number, step: 0}", "questions[0].step: must be more than 0"),
        ("- {id: v1, type: textfield, pattern: '[a-'}", "questions[0].pattern: '[a-' is not a valid regular expression (error: unclosed character class)"),
        ("- {id: v1, type: checkbox, options: [a, b], max_selections: 3}", "questions[0].max_selections: must be between 1 and the number of options (2)"),
        ("- {id: v1, type: expandable, content: []}", "questions[0].content: an expandable needs at least one item"),
        ("- {id: v1, type: number, links_to_expandable: v2}\n- {id: v2, type: textarea}", "questions[0].links_to_expandable: 'v2' is a textarea, not an expandable"),
        ("- {id: v1, type: textarea, uses: {previous: v9}}", "questions[0].uses.previous: 'v9' is not the id of any item"),
        ("- {id: v1, type: radio, options: [{title: a, value: x}, {title: b, value: x}]}", "questions[0].options[1].value: 'x' is also the value of options[0]"),
        ("- {id: v1, type: date, min: 2026-12-01, max: 2026-01-01}", "questions[0]: min (2026-12-01) is after max (2026-01-01)"),
        ("- {id: v1, type: textarea, required: ja}", "questions[0].required: must be true or false, not a text"),
        ("- {id: v1, type: range, max: veel}", "questions[0].max: must be a number, not a text"),
        ("- {id: v1, type: textarea, show_after: morgen}", "questions[0].show_after: 'morgen' is not seconds, a date-time (2018-06-27 00:00:00 +0000) or only_on_final_questionnaire"),
        ("- {id: v1, type: textarea, foreach: mentor}", "questions[0].foreach: 'mentor' is not something to repeat for; the only one is student"),
    ];
    for (items, expected) in cases {
        let src = format!("questions:\n{}\n", items.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n"));
        let got = problems(&src);
        assert!(got.iter().any(|g| g == expected), "for\n{src}\nexpected {expected:?}\ngot {got:?}");
    }
}

#[test]
fn score_mistakes_are_reported() {
    let base = "questions:\n  - {id: v1, type: range}\n  - {id: v2, type: textarea}\n  - {id: v3, type: radio, options: [a, b]}\nscores:\n";
    for (score, expected) in [
        ("  - {id: s1, ids: [v9]}", "scores[0].ids: 'v9' is not an item or an earlier score"),
        ("  - {id: v1, ids: [v1]}", "scores[0].id: 'v1' is also the id of an item"),
        (
            "  - {id: s1, ids: [v2]}",
            "scores[0].ids: warning: 'v2' is a textarea; it counts only when its answer is a number",
        ),
        (
            "  - {id: s1, ids: [v3]}",
            "scores[0].ids: warning: 'v3' has no numeric_value on its options, so it adds nothing to the score",
        ),
        (
            "  - {id: s1, ids: [v1], preprocessing: {v2: {multiply_with: -1}}}",
            "scores[0].preprocessing.v2: 'v2' is not one of the score's ids",
        ),
        (
            "  - {id: s1, ids: [v1], preprocessing: {v1: {multiply_wit: -1}}}",
            "scores[0].preprocessing.v1.multiply_wit: unknown key 'multiply_wit'; did you mean 'multiply_with'?",
        ),
        (
            "  - {id: s1, ids: [v1], operation: median}",
            "scores[0].operation: 'median' is not an operation; use average or sum",
        ),
    ] {
        let got = problems(&format!("{base}{score}\n"));
        assert!(got.iter().any(|g| g == expected), "expected {expected:?}, got {got:?}");
    }
    let ok = parse(&format!("{base}  - {{id: s1, ids: [v1]}}\n  - {{id: s2, ids: [s1, v1]}}\n"));
    assert_eq!(ok.scores.len(), 2, "a score may use an earlier score");
}

#[test]
fn unknown_variables_and_unreachable_items_are_warnings_not_errors() {
    let (q, warnings) = parse_questionnaire(
        "questions:\n  - {id: v1, type: textarea, title: 'Hoi {{voornaam}}, hoe gaat het met {{onbekend}}?'}\n  - {id: v2, type: textarea, hidden: true}\n  - {id: v3, type: textarea, section_end: true}\n",
        Some("t"),
    )
    .unwrap();
    assert_eq!(q.questions.len(), 3);
    let w: Vec<String> = warnings.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        w,
        [
            "questions[0].title: warning: unknown variable {{onbekend}}; it is shown as nothing",
            "questions[1]: warning: is hidden and no option shows it, so nobody will see it",
            "questions[2].section_end: warning: closes a section that was never opened",
        ]
    );
}

#[test]
fn limits_on_size_are_clear_errors() {
    let big = format!(
        "questions:\n  - {{id: v1, type: textarea, title: '{}'}}\n",
        "a".repeat(super::parse::MAX_TEXT_CHARS + 1)
    );
    assert!(problems(&big)[0].contains("longer than 20000 characters"));
    let many: String = (0..2_001).map(|i| format!("  - {{id: v{i}, type: textarea}}\n")).collect();
    assert!(problems(&format!("questions:\n{many}")).iter().any(|p| p.contains("more than 2000 items")));
    assert!(problems(&"#".repeat(super::parse::MAX_SOURCE_BYTES + 1))[0].contains("larger than 4096 KiB"));
}

#[test]
fn broken_yaml_is_one_clear_error() {
    let p = problems("questions: [\n");
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("not valid YAML or JSON"), "{p:?}");
}

mod never_panics {
    use super::super::parse_questionnaire;
    use proptest::prelude::*;

    fn yamlish() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            "[a-z_]{0,8}".prop_map(|s| format!("'{s}'")),
            Just("true".to_string()),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(|v| format!("[{}]", v.join(", "))),
                prop::collection::vec(
                    (
                        prop::sample::select(vec![
                            "id",
                            "type",
                            "title",
                            "options",
                            "questions",
                            "scores",
                            "min",
                            "max",
                            "content",
                            "shows_questions",
                            "radio",
                            "range",
                            "expandable",
                            "ids"
                        ]),
                        inner
                    ),
                    0..6
                )
                .prop_map(|kv| format!(
                    "{{{}}}",
                    kv.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ")
                )),
            ]
        })
    }

    proptest! {
        #[test]
        fn on_any_text(s in "\\PC{0,400}") {
            let _ = parse_questionnaire(&s, Some("x"));
        }

        #[test]
        fn on_any_yaml_shaped_value(s in yamlish()) {
            let _ = parse_questionnaire(&s, Some("x"));
            let _ = parse_questionnaire(&format!("questions: [{{type: radio, options: {s}}}, {{type: expandable, content: {s}}}]"), Some("x"));
        }
    }
}
