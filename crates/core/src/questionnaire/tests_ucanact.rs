//! The constructs of u-can-act's vocabulary that koers once refused, one by one, with the
//! meaning they have on submit.

use super::model::*;
use super::parse_questionnaire;
use super::submit::*;
use chrono::{NaiveDate, TimeDelta, TimeZone, Utc};

fn parse(src: &str) -> (Questionnaire, Vec<String>) {
    match parse_questionnaire(src, Some("t")) {
        Ok((q, w)) => (q, w.iter().map(|p| p.to_string()).collect()),
        Err(p) => panic!("{}", p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")),
    }
}

fn submit(q: &Questionnaire, fields: &[(&str, &str)]) -> Result<Accepted, Rejected> {
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
    validate_submission(q, &sub, &ctx)
}

fn value<'a>(a: &'a Accepted, key: &str) -> Option<&'a Value> {
    a.answers.iter().find(|x| x.key == key).map(|x| &x.value)
}

#[test]
fn ids_that_are_not_snake_case_are_ids() {
    let (q, w) = parse(r#"{"questions": [{"id": "v1-smaak", "type": "textarea"}, {"id": 1, "type": "number"}]}"#);
    assert!(w.is_empty(), "{w:?}");
    let a = submit(&q, &[("v1-smaak", "zoet"), ("1", "4")]).unwrap();
    assert_eq!(value(&a, "v1-smaak"), Some(&Value::Text("zoet".into())));
    assert_eq!(value(&a, "1"), Some(&Value::Number(4.0)));
}

#[test]
fn a_time_is_a_duration_that_may_pass_24_hours() {
    let (q, _) = parse("questions:\n  - {id: v1, type: time, hours_from: 0, hours_to: 49, hours_step: 0.5}\n");
    let item = q.item("v1").unwrap();
    assert_eq!(item.hour_choices().len(), 98);
    assert_eq!(item.time.minute_choices(), [0, 15, 30, 45], "u-can-act's quarters");
    let a = submit(&q, &[("v1__h", "30.5"), ("v1__m", "15")]).unwrap();
    assert_eq!(value(&a, "v1"), Some(&Value::Time { hour: 30, minute: 45 }));
    assert!(submit(&q, &[("v1__h", "49"), ("v1__m", "0")]).is_err(), "hours_to itself is not offered");
    let (q, _) = parse("questions:\n  - {id: v1, type: time}\n");
    assert_eq!(q.item("v1").unwrap().hour_choices().last(), Some(&5.0), "u-can-act's default: up to 6 hours");
}

#[test]
fn dates_as_u_can_act_writes_them() {
    let (q, _) = parse(
        "questions:\n  - {id: v1, type: date, min: '2000/01/01', max: '2030/12/31', default_date: '2026/01/15'}\n  - {id: v2, type: textarea, show_after: '2000/01/01'}\n  - {id: v3, type: textarea, show_after: '2018-06-05T09:00:00.000+02:00'}\n  - {id: v4, type: textarea, show_after: 2419200}\n",
    );
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(q.item("v1").unwrap().date_min, Some(DateBound::Fixed(d(2000, 1, 1))));
    assert_eq!(q.item("v1").unwrap().default_date, Some(DateBound::Fixed(d(2026, 1, 15))));
    assert!(matches!(q.item("v2").unwrap().show_after, Some(ShowAfter::At(_))));
    assert!(matches!(q.item("v3").unwrap().show_after, Some(ShowAfter::At(_))));
    assert_eq!(q.item("v4").unwrap().show_after, Some(ShowAfter::Seconds(2_419_200)), "4.weeks as JSON");
    let a = submit(&q, &[("v1", "15/03/2024")]).unwrap();
    assert_eq!(value(&a, "v1"), Some(&Value::Date(d(2024, 3, 15))));
}

#[test]
fn long_option_lists_and_option_codes() {
    let countries: Vec<String> = (0..250).map(|i| format!("'Land {i}'")).collect();
    let (q, _) = parse(&format!("questions:\n  - {{id: v1, type: dropdown, options: [{}]}}\n", countries.join(", ")));
    assert_eq!(q.item("v1").unwrap().options.len(), 250);
    let (q, _) = parse("questions:\n  - {id: v1, type: likert, options: [{title: a, numeric_value: 10}, b, c]}\n");
    let codes: Vec<f64> = q.item("v1").unwrap().options.iter().enumerate().map(|(i, o)| o.numeric_code(i)).collect();
    assert_eq!(codes, [10.0, 2.0, 3.0], "numeric_value, else the 1-based place");
}

#[test]
fn a_record_written_out_from_u_can_act_reads_with_its_content_key() {
    let (q, w) = parse(
        r#"{"id": 7, "key": "diary", "name": "diary", "title": "", "created_at": "2018-01-01", "content": {"questions": [{"id": "v1", "type": "radio", "options": ["1", "2", "3"]}], "scores": [{"id": "s1", "label": {"nl": "Gemiddeld", "en": "Average"}, "ids": ["v1"], "operation": "average"}]}}"#,
    );
    assert_eq!(q.key, "diary");
    assert_eq!(w.len(), 2, "id and created_at are bookkeeping: {w:?}");
    let a = submit(&q, &[("v1", "3")]).unwrap();
    assert_eq!(a.scores, [("s1".into(), Some(3.0))], "an option that is a number counts as that number");
}

#[test]
fn a_hide_wins_over_a_show_whatever_the_order_and_options_may_show_items_above_them() {
    let (q, _) = parse(
        "questions:\n  - {id: v0, type: textarea, hidden: true}\n  - {id: v1, type: radio, required: false, show_otherwise: false, options: [{title: a, shows_questions: [v0, v3]}]}\n  - {id: v2, type: radio, required: false, show_otherwise: false, options: [{title: b, hides_questions: [v3]}]}\n  - {id: v3, type: textarea, hidden: true}\n",
    );
    let a = submit(&q, &[("v0", "boven"), ("v1", "a"), ("v3", "x")]).unwrap();
    assert_eq!(value(&a, "v0"), Some(&Value::Text("boven".into())), "shown by an option below it");
    assert_eq!(value(&a, "v3"), Some(&Value::Text("x".into())));
    let a = submit(&q, &[("v1", "a"), ("v2", "b"), ("v3", "x")]).unwrap();
    assert_eq!(value(&a, "v3"), None, "hidden, though shown too");
}

#[test]
fn show_when_reads_earlier_answers() {
    let (q, _) = parse(
        "questions:\n  - {id: a, type: radio, required: false, show_otherwise: false, options: [{title: Ja, value: yes}, {title: Nee, value: no}]}\n  - {id: b, type: checkbox, show_otherwise: false, options: [x, y]}\n  - {id: c, type: textarea, show_when: \"${a} = 'yes' and selected(${b}, 'y')\"}\n",
    );
    assert_eq!(
        value(&submit(&q, &[("a", "yes"), ("b", "y"), ("c", "t")]).unwrap(), "c"),
        Some(&Value::Text("t".into()))
    );
    assert_eq!(value(&submit(&q, &[("a", "yes"), ("b", "x"), ("c", "t")]).unwrap(), "c"), None);
}

#[test]
fn a_table_stores_each_row_with_the_columns_number() {
    let (q, _) = parse(
        "questions:\n  - {id: t, type: table, required: true, options: [nooit, soms, vaak], rows: [{id: lezen, title: Lezen, shows_questions: [why]}, {id: schrijven, title: Schrijven}]}\n  - {id: why, type: textarea, hidden: true}\nscores:\n  - {id: s, ids: [lezen, schrijven], operation: sum}\n",
    );
    let a = submit(&q, &[("lezen", "2"), ("schrijven", "0"), ("why", "leuk")]).unwrap();
    assert_eq!(value(&a, "lezen"), Some(&Value::Choice("2".into())));
    assert_eq!(value(&a, "why"), Some(&Value::Text("leuk".into())));
    assert_eq!(a.scores, [("s".into(), Some(2.0))]);
    let refused = submit(&q, &[("lezen", "5")]).unwrap_err();
    assert_eq!(refused.errors.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(), ["lezen", "schrijven"]);
}

#[test]
fn steps_split_the_questions_at_page_breaks() {
    let (q, w) = parse(
        "questions:\n  - {id: a, type: textarea}\n  - {type: page_break, title: Twee}\n  - {id: b, type: textarea}\n  - {type: page_break}\n  - {type: page_break, title: Leeg}\n",
    );
    let steps = q.steps();
    assert_eq!(steps.iter().map(|s| s.items.clone()).collect::<Vec<_>>(), [0..1, 2..3, 4..4, 5..5]);
    assert!(w.iter().any(|w| w == "questions[3]: warning: this step has no questions after it"), "{w:?}");
    let (one, _) = parse("questions:\n  - {id: a, type: textarea}\n");
    assert_eq!(one.steps().len(), 1);
}
