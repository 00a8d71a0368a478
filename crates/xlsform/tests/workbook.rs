//! An XLSForm workbook with every type koers reads: imported, rendered, submitted to as the
//! workbook says, written back out and read again unchanged; and bad workbooks, reported by
//! sheet and row with nothing written.

use chrono::{NaiveDate, TimeZone, Utc};
use koers_core::questionnaire::submit::{validate_submission, Context, Submission, Value};
use koers_core::questionnaire::{parse_questionnaire, ItemType, Questionnaire};
use koers_web::questionnaire_page::{render_page, PageInput};
use rust_xlsxwriter::Workbook;

type Rows<'a> = &'a [&'a [&'a str]];

fn workbook(survey: Rows<'_>, choices: Rows<'_>, settings: Rows<'_>) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in [("survey", survey), ("choices", choices), ("settings", settings)] {
        let ws = book.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    ws.write_string(r as u32, c as u16, *cell).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

const HEADER: &[&str] = &[
    "type",
    "name",
    "label::Dutch (nl)",
    "label::English (en)",
    "hint::Dutch (nl)",
    "required",
    "constraint",
    "relevant",
    "appearance",
    "parameters",
    "labels::Dutch (nl)",
];

fn every_type() -> Vec<u8> {
    let survey: Rows<'_> = &[
        HEADER,
        &["start", "started", "", "", "", "", "", "", "", "", ""],
        &["note", "welcome", "Welkom!", "Welcome!", "", "", "", "", "", "", ""],
        &["begin_group", "about", "Over jou", "About you", "", "", "", "", "", "", ""],
        &["select_one yesno", "school", "Naar school?", "At school?", "Deze week", "yes", "", "", "", "", ""],
        &[
            "integer",
            "lessons",
            "Hoeveel lessen?",
            "How many lessons?",
            "",
            "yes",
            ". >= 0 and . <= 40",
            "${school} = 'yes'",
            "",
            "",
            "",
        ],
        &[
            "select_multiple subjects or_other",
            "subjects",
            "Welke vakken?",
            "Which subjects?",
            "",
            "",
            "",
            "${school} = 'yes'",
            "",
            "",
            "",
        ],
        &[
            "text",
            "best",
            "Wat was het leukst?",
            "What was best?",
            "",
            "",
            "",
            "selected(${subjects}, 'math') or selected(${subjects}, 'art')",
            "",
            "",
            "",
        ],
        &[
            "text",
            "both",
            "Beide?",
            "Both?",
            "",
            "",
            "",
            "${school} = 'yes' and selected(${subjects}, 'art')",
            "",
            "",
            "",
        ],
        &["end_group", "", "", "", "", "", "", "", "", "", ""],
        &["begin_group", "week", "Je week", "Your week", "", "", "", "", "", "", ""],
        &[
            "range",
            "mood",
            "Hoe ging het?",
            "How did it go?",
            "",
            "",
            "",
            "",
            "",
            "start=0 end=10 step=1",
            "slecht | goed",
        ],
        &["decimal", "hours", "Hoeveel uur sport?", "Hours of sport?", "", "", ". <= 30", "", "", "step=0.5", ""],
        &["date", "day", "Welke dag?", "Which day?", "", "", "", "", "", "", ""],
        &["time", "bed", "Hoe laat naar bed?", "Bedtime?", "", "", "", "", "", "", ""],
        &["begin_group", "extra", "Nog iets", "One more thing", "", "", "", "", "", "", ""],
        &["text", "postcode", "Postcode", "Postcode", "", "", "regex(., '[0-9]{4}')", "", "", "", ""],
        &["text", "story", "Vertel", "Tell", "", "", "", "", "multiline", "", ""],
        &["end_group", "", "", "", "", "", "", "", "", "", ""],
        &["begin_repeat", "friends", "Vrienden", "Friends", "", "", "", "", "", "", ""],
        &["text", "friend", "Naam", "Name", "", "", "", "", "", "", ""],
        &["end_repeat", "", "", "", "", "", "", "", "", "", ""],
        &["end_group", "", "", "", "", "", "", "", "", "", ""],
    ];
    let choices: Rows<'_> = &[
        &["list_name", "name", "label::Dutch (nl)", "label::English (en)"],
        &["yesno", "yes", "Ja", "Yes"],
        &["yesno", "no", "Nee", "No"],
        &["subjects", "math", "Wiskunde", "Maths"],
        &["subjects", "art", "Tekenen", "Art"],
        &["subjects", "dutch", "Nederlands", "Dutch"],
    ];
    let settings: Rows<'_> = &[&["form_id", "form_title"], &["school_week", "Schoolweek"]];
    workbook(survey, choices, settings)
}

fn load(yaml: &str) -> Questionnaire {
    parse_questionnaire(yaml, None).unwrap_or_else(|p| panic!("{p:#?}\n{yaml}")).0
}

fn ctx() -> Context {
    let now = Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap();
    Context {
        lang: "nl".into(),
        fallback_lang: "nl".into(),
        now,
        today: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        protocol_start: now,
        final_questionnaire: false,
        students: vec![],
    }
}

fn submit(q: &Questionnaire, fields: &[(&str, &str)]) -> Result<Vec<(String, Value)>, Vec<String>> {
    let sub = Submission {
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        ..Default::default()
    };
    validate_submission(q, &sub, &ctx())
        .map(|a| a.answers.into_iter().map(|a| (a.key, a.value)).collect())
        .map_err(|r| r.errors.into_iter().map(|e| e.key).collect())
}

#[test]
fn every_supported_type_imports_renders_and_validates_as_the_workbook_says() {
    let yaml = koers_xlsform::import(&every_type(), "upload", None).unwrap();
    let q = load(&yaml);
    assert_eq!(q.key, "school_week");
    let kinds: Vec<&str> = q.all_items().iter().map(|i| i.kind.name()).collect();
    for k in [
        "raw",
        "page_break",
        "radio",
        "number",
        "checkbox",
        "textfield",
        "range",
        "date",
        "time_fancy",
        "textarea",
        "expandable",
    ] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    let steps = q.steps();
    assert_eq!(steps.len(), 3, "the welcome, then one step per top-level group");
    assert_eq!(q.item("lessons").unwrap().max, Some(40.0));
    assert!(q.item("lessons").unwrap().hidden, "relevant on one option: hidden, shown by the option");
    assert_eq!(
        q.item("school").unwrap().options[0].shows_questions,
        ["lessons", "subjects", "both"].map(String::from).to_vec()[..2]
    );
    assert!(q.item("both").unwrap().show_when.is_some(), "and between two questions is a show_when");
    assert_eq!(q.item("hours").unwrap().step, Some(0.5));
    assert_eq!(
        q.item("postcode").unwrap().section_start.as_ref().map(|t| t.resolve("en", "nl")),
        Some("One more thing")
    );
    assert_eq!(q.item("friends").unwrap().content.len(), 1);
    assert!(q.item("subjects").unwrap().show_otherwise);

    let page = render_page(
        &koers_web::render::Templates::new(),
        &q,
        &PageInput {
            lang: "en".into(),
            fallback_lang: "nl".into(),
            action: "/p".into(),
            csrf: "t".into(),
            first_time: true,
            ..Default::default()
        },
    )
    .unwrap();
    for needle in [
        "Step 2 of 3",
        "About you",
        "name=\"school\"",
        "name=\"mood\"",
        "type=\"time\"",
        "name=\"friend__1\"",
        "data-when=",
    ] {
        assert!(page.contains(needle), "{needle} in the page");
    }

    let ok = submit(
        &q,
        &[
            ("school", "yes"),
            ("lessons", "12"),
            ("subjects", "art"),
            ("best", "tekenen"),
            ("both", "ja"),
            ("mood", "7"),
            ("mood__touched", "1"),
            ("hours", "2.5"),
            ("postcode", "9712"),
            ("friend__1", "Sam"),
        ],
    )
    .unwrap();
    let get = |k: &str| ok.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    assert_eq!(get("lessons"), Some(Value::Number(12.0)));
    assert_eq!(get("both"), Some(Value::Text("ja".into())));
    assert_eq!(get("friends"), Some(Value::Number(1.0)));
    let hidden = submit(&q, &[("school", "no"), ("lessons", "12"), ("best", "x")]).unwrap();
    assert!(!hidden.iter().any(|(k, _)| k == "lessons" || k == "best"), "not relevant: not stored");
    assert_eq!(submit(&q, &[("school", "yes"), ("lessons", "41")]).unwrap_err(), ["lessons"], "the constraint");
    assert_eq!(submit(&q, &[]).unwrap_err(), ["school"], "required");
    assert_eq!(submit(&q, &[("school", "no"), ("postcode", "abc")]).unwrap_err(), ["postcode"], "the regex");
}

#[test]
fn a_workbook_written_back_out_reads_back_unchanged() {
    let first = koers_xlsform::import(&every_type(), "upload", None).unwrap();
    let out = koers_xlsform::export(&load(&first)).unwrap();
    let second = koers_xlsform::import(&out, "upload", None).unwrap();
    assert_eq!(first, second);
    // And a questionnaire written in koers's words, with a decimal step and a score number.
    let own = "key: own\nquestions:\n  - {id: a, type: likert, options: [{title: laag, value: '1', numeric_value: 0}, {title: hoog, value: '2', numeric_value: 100}]}\n  - {id: b, type: number, step: 0.25, min: 0, max: 10, required: true}\n  - {id: c, type: textarea, hidden: true, show_when: \"${b} = '1'\"}\n";
    let q = load(own);
    let back = load(&koers_xlsform::import(&koers_xlsform::export(&q).unwrap(), "own", None).unwrap());
    assert_eq!(
        back.questions.iter().map(|i| (&i.id, i.kind, i.required, i.step, i.min, i.max)).collect::<Vec<_>>(),
        q.questions.iter().map(|i| (&i.id, i.kind, i.required, i.step, i.min, i.max)).collect::<Vec<_>>()
    );
    assert_eq!(back.item("a").unwrap().options, q.item("a").unwrap().options);
    assert_eq!(back.item("c").unwrap().show_when, q.item("c").unwrap().show_when);
}

#[test]
fn what_koers_cannot_write_in_a_workbook_is_named() {
    let q = load("key: k\nquestions:\n  - {id: a, type: days}\n  - {id: b, type: textfield, placeholder: hier}\nscores:\n  - {id: s, ids: [a]}\n");
    let problems = koers_xlsform::export(&q).unwrap_err();
    assert_eq!(
        problems,
        [
            "questions[0]: XLSForm has no days questions",
            "questions[1]: XLSForm has no place for placeholder",
            "scores: XLSForm has no scores; add them to the YAML after reading the workbook back",
        ]
    );
    assert_eq!(q.questions[0].kind, ItemType::Days);
}

#[test]
fn bad_workbooks_report_sheet_row_and_column_and_give_nothing() {
    let survey: Rows<'_> = &[
        &["type", "name", "label", "relevant", "constraint", "media::image"],
        &["select_one nolist", "a", "A", "", "", ""],
        &["geopoint", "where", "Waar?", "", "", ""],
        &["text", "b", "B", "${a} > 3", "", ""],
        &["integer", "c", "C", "", ". != 3", "c.png"],
        &["begin_group", "g", "G", "", "", ""],
    ];
    let problems: Vec<String> =
        koers_xlsform::import(&workbook(survey, &[&["list_name", "name", "label"]], &[]), "bad", None)
            .unwrap_err()
            .iter()
            .map(|p| p.to_string())
            .collect();
    assert_eq!(problems, [
        "survey:2: type: there is no choice list 'nolist' on the choices sheet",
        "survey:3: type: koers has no 'geopoint' questions",
        "survey:4: relevant: koers cannot translate '${a} > 3': '>' is not part of the conditions koers understands",
        "survey:5: media::image: koers cannot translate this column",
        "survey:5: constraint: koers cannot translate '. != 3'",
        "survey:6: type: this begin_group is never ended",
    ]);
    let not_a_workbook = koers_xlsform::import(b"not a zip", "x", None).unwrap_err();
    assert!(not_a_workbook[0].to_string().starts_with("workbook: not an .xlsx workbook"), "{not_a_workbook:?}");
}
