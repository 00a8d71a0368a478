//! Remembered items give exactly the page rendered afresh.

use super::clean::Bounded;
use super::*;
use koers_core::questionnaire::parse_questionnaire;

const SHIPPED: &[&str] = &[
    include_str!("../../../../questionnaires/student_diary.yaml"),
    include_str!("../../../../questionnaires/student_intake.yaml"),
    include_str!("../../../../questionnaires/mentor_diary.yaml"),
    include_str!("../../../../questionnaires/mentor_closing.yaml"),
];

fn person(name: &str, mentor: &str, students: &[(i64, &str)], lang: &str) -> PageInput {
    PageInput {
        lang: lang.into(),
        fallback_lang: "nl".into(),
        vars: PersonVars {
            first_name: Some(name.into()),
            student_name: Some(name.into()),
            mentor_name: Some(mentor.into()),
            ..Default::default()
        },
        action: "/p/r/7".into(),
        csrf: format!("csrf-of-{name}"),
        students: students.iter().map(|(id, n)| (*id, n.to_string())).collect(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
        first_time: true,
        ..Default::default()
    }
}

/// Remembered items must give exactly the page rendering everything afresh gives, and
/// never one person's name on another person's page.
#[test]
fn remembered_items_give_the_same_page_and_each_person_their_own_names() {
    let templates = Templates::new();
    for source in SHIPPED {
        let (q, _) = parse_questionnaire(source, Some("kort")).unwrap();
        let people = [
            person("Sanne", "Fatima", &[(1, "Daan"), (2, "Noor")], "nl"),
            person("Mo", "Peter", &[(3, "Lotte")], "nl"),
            person("Sanne", "Fatima", &[(1, "Daan"), (2, "Noor")], "en"),
        ];
        for input in people.iter().chain(people.iter()) {
            let remembered = render_page(&templates, &q, input).unwrap();
            let afresh = templates.render("questionnaire", &page_view(&q, input)).unwrap();
            assert_eq!(remembered, afresh, "{}: the same page for {:?}", q.key, input.vars.first_name);
            assert!(remembered.contains(&input.csrf), "each page carries its own CSRF token");
        }
    }
    let (diary, _) = parse_questionnaire(SHIPPED[2], None).unwrap();
    let mo = render_page(&templates, &diary, &people_of_mo()).unwrap();
    assert!(mo.contains("Lotte"), "the mentor diary names its student");
    assert!(!mo.contains("Sanne") && !mo.contains("Fatima"), "nothing of the first person's page");
}

#[test]
fn a_remembering_memory_empties_itself_at_its_limit() {
    let mut m = Bounded::new(10);
    m.put("a", 1, 6);
    m.put("b", 2, 4);
    assert_eq!((m.get(&"a"), m.get(&"b")), (Some(1), Some(2)), "10 of 10 fits");
    m.put("c", 3, 1);
    assert_eq!((m.get(&"a"), m.get(&"b"), m.get(&"c")), (None, None, Some(3)), "one more empties it first");
}

fn people_of_mo() -> PageInput {
    let mut mo = person("Mo", "Peter", &[(3, "Lotte")], "nl");
    mo.vars.student_name = Some("Lotte".into());
    mo
}

/// The error summary names each question in its own words and links to it.
#[test]
fn the_error_summary_names_the_question_and_links_to_it() {
    use koers_core::questionnaire::submit::FieldError;
    let templates = Templates::new();
    let (diary, _) = parse_questionnaire(SHIPPED[2], None).unwrap();
    let mut input = people_of_mo();
    input.kept = vec![("hours".into(), "99".into())];
    input.errors = vec![FieldError { key: "hours".into(), message: "Kies een getal tot 40.".into() }];
    let page = render_page(&templates, &diary, &input).unwrap();
    let summary = &page[page.find("k-errors").unwrap()..page.find("<form").unwrap()];
    assert!(summary.contains("href=\"#q-hours\""), "{summary}");
    assert!(summary.contains("Lotte besteed?</strong> Kies een getal tot 40."), "{summary}");
}

/// Without scripts two action blocks show, with a button for one more; a page sent back
/// with "more" shows as many as asked for.
#[test]
fn without_scripts_two_action_blocks_show_and_more_on_request() {
    let templates = Templates::new();
    let (diary, _) = parse_questionnaire(SHIPPED[2], None).unwrap();
    let fresh = render_page(&templates, &diary, &people_of_mo()).unwrap();
    assert_eq!(fresh.matches("class=\"k-expansion\"").count(), 4, "every block is there for the script");
    assert_eq!(fresh.matches(" hidden><p class=\"k-count\">").count(), 2, "two of them hidden");
    assert!(fresh.contains("name=\"__more\" value=\"actions:3\""), "a button for the third");
    let mut more = people_of_mo();
    more.kept = vec![("__shown_actions".into(), "4".into())];
    let page = render_page(&templates, &diary, &more).unwrap();
    assert_eq!(page.matches(" hidden><p class=\"k-count\">").count(), 0);
    assert!(!page.contains("name=\"__more\""), "no button past the last block");
}

/// A questionnaire without steps says how many questions it has, and how many are answered
/// when it comes back with answers; one with steps says "Stap 1 van 4" instead.
#[test]
fn a_page_without_steps_counts_its_questions() {
    let templates = Templates::new();
    let source = "title: Kort\nquestions:\n- {id: a, type: radio, title: Een, options: [{value: '1', title: Ja}]}\n- {id: b, type: textfield, title: Twee}\n- {type: raw, content: Tekst}\n- {id: c, type: range, title: Drie}\n";
    let (q, _) = parse_questionnaire(source, Some("kort")).unwrap();
    let input = person("Sanne", "Joris", &[], "nl");
    let fresh = render_page(&templates, &q, &input).unwrap();
    assert!(fresh.contains("Deze vragenlijst heeft 3 vragen."), "{fresh}");
    assert_eq!(fresh.matches(" data-q").count(), 3, "the raw text is no question");
    let mut back = input.clone();
    back.kept = vec![("b".into(), "iets".into()), ("c".into(), "5".into()), ("c__touched".into(), "0".into())];
    let refilled = render_page(&templates, &q, &back).unwrap();
    assert!(refilled.contains("1 van de 3 vragen beantwoord"), "an untouched slider is not an answer");
    let (diary, _) = parse_questionnaire(SHIPPED[0], None).unwrap();
    let stepped = render_page(&templates, &diary, &input).unwrap();
    assert!(!stepped.contains("k-progress"), "steps show their own progress");
    assert!(stepped.contains("Stap 1 van 4"));
}

/// The page's own words follow the register: a mentor reads "u" where a student reads "je".
#[test]
fn the_page_words_follow_the_register() {
    let templates = Templates::new();
    let source = "title: Kort\nquestions:\n- {id: a, type: radio, title: Een, options: [{value: '1', title: Ja}], hidden: true}\n- {id: b, type: textfield, title: Twee}\n";
    let (q, _) = parse_questionnaire(source, Some("kort")).unwrap();
    let je = person("Sanne", "Joris", &[], "nl");
    let u = PageInput { register: Register::U, ..je.clone() };
    let for_je = render_page(&templates, &q, &je).unwrap();
    let for_u = render_page(&templates, &q, &u).unwrap();
    assert!(for_je.contains("als het voor jou geldt"), "{for_je}");
    assert!(for_u.contains("als het voor u geldt"), "{for_u}");
    assert!(for_u.contains("Uw antwoorden blijven bewaard"));
    assert!(koers_texts::missing_keys().is_empty(), "{:?}", koers_texts::missing_keys());
}
