//! The rendered page of every shipped questionnaire, in Dutch, as a snapshot in
//! `tests/snapshots/`: a change in what a student or mentor sees (a wording, a step, a label)
//! shows in review as a diff of the HTML. Accept an intended change with `INSTA_UPDATE=always`.

use koers_core::questionnaire::parse_questionnaire;
use koers_core::questionnaire::vars::PersonVars;
use koers_core::register::Register;
use koers_web::questionnaire_page::{render_page, PageInput};
use koers_web::render::Templates;

fn shipped() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../questionnaires");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn every_shipped_questionnaire_renders_as_its_snapshot() {
    let templates = Templates::new();
    let pages = shipped();
    assert!(pages.iter().any(|(k, _)| k == "student_diary"), "the student diary is among them");
    for (key, source) in pages {
        let (q, _) = parse_questionnaire(&source, Some(&key)).unwrap_or_else(|e| panic!("{key}: {e:?}"));
        let input = PageInput {
            lang: "nl".into(),
            fallback_lang: "nl".into(),
            vars: PersonVars {
                first_name: Some("Sanne".into()),
                student_name: Some("Sanne".into()),
                mentor_name: Some("Joris".into()),
                ..Default::default()
            },
            action: format!("/p/r/1?q={key}"),
            csrf: "csrf-token".into(),
            draft_url: Some("/p/r/1/concept".into()),
            students: vec![(7, "Daan".into()), (8, "Sanne".into())],
            first_time: true,
            // Mentors and parents read "u" (the default for them), students "je".
            register: if key.starts_with("student") { Register::Je } else { Register::U },
            ..Default::default()
        };
        let html = render_page(&templates, &q, &input).unwrap();
        insta::assert_snapshot!(key.as_str(), html);
    }
}
