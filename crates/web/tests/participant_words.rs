//! The pages of students, mentors and parents speak one language and one register: a Dutch
//! page has no English word on it and every text comes from the catalogue (no key is missing);
//! students read "je", and mentors and parents read "u" unless the study chose "je" for them
//! (its `register:` settings section), on every page, button and line around the questions.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use koers_core::register::{Register, Registers};
use koers_core::study_settings::SettingsSection;
use koers_store::testing::TestDb;
use koers_store::{shipped, tokens, Database};
use study_support::{csrf, link, person, study, thursday, visitor, Visitor};
use words_support::{text_of, words_in};

mod study_support;
mod words_support;

/// Words only English has (whole words, case-insensitively, in a page's visible text).
const ENGLISH: &[&str] = &[
    "the",
    "and",
    "please",
    "your",
    "you",
    "with",
    "none",
    "log",
    "back",
    "next",
    "thank",
    "thanks",
    "saved",
    "answered",
    "questionnaire",
    "diary",
    "overview",
    "call",
    "break",
    "parent",
    "consent",
    "support",
    "how",
    "what",
    "who",
    "not",
];

/// "je" words: how a page addresses a student, and never a mentor or parent in a "u" study.
const JE: &[&str] = &["je", "jij", "jou", "jouw", "jezelf"];
/// "u" words: never on the page of a mentor in a study that chose "je" for mentors.
const U: &[&str] = &["u", "uw", "uzelf"];

/// What is left of a page without what its questionnaire says (titles, questions, options,
/// explanations): the page's own words around the questions. The study writes its questionnaires
/// in the register it chose; these are checked by the study, not by this test.
fn chrome_of(html: &str) -> String {
    let mut out = html.to_string();
    for (start, end) in [
        ("<title>", "</title>"),
        ("<h1", "</h1>"),
        ("<legend>", "</legend>"),
        ("<div class=\"k-raw\">", "</div>"),
        ("<label class=\"k-option\">", "</label>"),
        ("<p class=\"k-tip\">", "</p>"),
        ("<p class=\"k-label\">", "</p>"),
        ("<label for=\"f-", "</label>"),
        ("<select", "</select>"),
        ("<div class=\"k-labels", "</div>"),
    ] {
        while let Some(a) = out.find(start) {
            let Some(b) = out[a..].find(end) else { break };
            out.replace_range(a..a + b + end.len(), " ");
        }
    }
    out
}

/// Every page in the list is Dutch: `<html lang="nl">` and no English word.
fn assert_dutch(backend: &str, pages: &[(String, String)]) {
    for (what, page) in pages {
        assert!(page.contains("<html lang=\"nl\">"), "{backend}: {what} is a Dutch page: {page}");
        assert_eq!(words_in(page, ENGLISH), Vec::<&str>::new(), "{backend}: English on {what}: {}", text_of(page));
    }
}

/// The page at the end of a redirect, which must be a page (200).
async fn page<S>(v: &mut Visitor<S>, uri: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let (status, body, to) = v.get(uri).await;
    assert_eq!(status, StatusCode::OK, "{uri} -> {to:?}: {body}");
    body
}

/// A study with feedback and help switched on; Sanne (18) and her mentor Joris.
fn world(db: &Database) -> i64 {
    let study_id = study(db, "vsv", 1, (shipped::questionnaires(), shipped::protocols()));
    db.write(|c| {
        let feedback = serde_json::json!({"trends": true, "support_match": true, "warnings": true});
        let feedback = serde_json::from_value(feedback).expect("feedback settings");
        koers_store::studies::set_settings_section(c, study_id, &SettingsSection::Feedback(feedback))?;
        let safety = serde_json::json!({"help": [{"name": "De zorgcoördinator", "phone": "020 123 4567"}]});
        let safety = serde_json::from_value(safety).expect("safety settings");
        koers_store::studies::set_settings_section(c, study_id, &SettingsSection::Safety(safety))
    })
    .unwrap();
    koers_scheduler::plan::plan(db, thursday(), None).unwrap();
    study_id
}

fn set_registers(db: &Database, study_id: i64, registers: Registers) {
    db.write(|c| koers_store::studies::set_settings_section(c, study_id, &SettingsSection::Register(registers)))
        .unwrap();
}

async fn walk(backend: &str, t: TestDb) {
    let db = &t.db;
    let study_id = world(db);
    let (sanne, joris) = (person(db, "+31612345601"), person(db, "+31612345701"));

    // Sanne: consent, the feedback choice, a diary sent empty, then her own pages.
    let mut s = visitor(db).await;
    let mut student = Vec::new();
    let consent = s.follow(&link(db, sanne, thursday())).await;
    student.push(("student consent".to_string(), consent.clone()));
    let token = csrf(&consent);
    let (status, _, _) =
        s.post("/p/toestemming", &[("csrf", &token), ("consent_age_under_16", "no"), ("consent_agree", "agree")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{backend}");
    let feedback = page(&mut s, "/p").await;
    assert!(feedback.contains("consent_feedback_trends"), "{backend}: the feedback choice comes first: {feedback}");
    student.push(("feedback consent".into(), feedback));
    let choose = [
        ("csrf", token.as_str()),
        ("consent_feedback_trends", "yes"),
        ("consent_feedback_support_match", "yes"),
        ("consent_feedback_warnings", "yes"),
    ];
    let (status, body, _) = s.post("/p/terugkoppeling", &choose).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{backend}: {body}");
    let (_, _, diary) = s.get("/p").await;
    let diary = diary.expect("this week's diary is open");
    s.post(&diary, &[("csrf", &token), ("koers_empty_ok", "1")]).await;
    for uri in ["/p", "/p/pauze", "/p/stoppen", "/p/begeleider", "/p/hulp", "/p/terugkoppeling"] {
        student.push((format!("student {uri}"), page(&mut s, uri).await));
    }
    assert!(student[2].1.contains("Hoi Sanne"), "{backend}: the overview: {}", student[2].1);
    assert_dutch(backend, &student);

    // Joris: consent, then his overview, Sanne's trend and the stop page.
    let mut m = visitor(db).await;
    let consent = m.follow(&link(db, joris, thursday())).await;
    let token = csrf(&consent);
    let (status, _, _) = m.post("/p/toestemming", &[("csrf", &token), ("consent_agree", "agree")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{backend}");
    let mut mentor = Vec::new();
    let overview = page(&mut m, "/p").await;
    let trend = format!("/p/student/{sanne}");
    assert!(overview.contains(&format!("href=\"{trend}\"")), "{backend}: Sanne agreed to her trend: {overview}");
    mentor.push(("mentor overview".to_string(), overview));
    for uri in [trend.as_str(), "/p/stoppen", "/p/pauze", "/p/hulp"] {
        mentor.push((format!("mentor {uri}"), page(&mut m, uri).await));
    }
    assert_dutch(backend, &mentor);

    // Daan (15) asks his parent; the parent's consent page and thanks.
    let daan = under_16(db, study_id).await;
    let mut p = visitor(db).await;
    let tokens::Issued { plain, .. } =
        tokens::issue(&mut db.conn().unwrap(), daan, "guardian", thursday() + chrono::TimeDelta::days(14), thursday())
            .unwrap();
    let asked = p.follow(&format!("/l/{plain}")).await;
    assert!(asked.contains("guardian_agree"), "{backend}: the parent's consent: {asked}");
    let (_, thanks, _) = p.post("/g", &[("csrf", &csrf(&asked)), ("guardian_agree", "agree")]).await;
    let tokens::Issued { plain: old, .. } =
        tokens::issue(&mut db.conn().unwrap(), daan, "guardian", thursday() - chrono::TimeDelta::hours(1), thursday())
            .unwrap();
    let (status, expired, _) = visitor(db).await.get(&format!("/l/{old}")).await;
    assert_eq!(status, StatusCode::GONE, "{backend}");
    assert!(!expired.contains("vragenlijst voor"), "{backend}: nothing of the child's questionnaires: {expired}");
    let parent = vec![
        ("parent consent".to_string(), asked),
        ("parent thanks".to_string(), thanks),
        ("parent's expired link".to_string(), expired),
    ];
    assert_dutch(backend, &parent);

    let missing = koers_texts::missing_keys();
    assert!(missing.iter().all(|k| k.contains("no-such-key")), "{backend}: keys the catalogue lacks: {missing:?}");

    // By default mentors and parents read "u"; students "je". (The parent's consent page is a
    // questionnaire page: its frame's words follow `PageInput.register`, checked with the
    // questionnaire pages.)
    for (what, page) in mentor.iter().chain(&parent) {
        let chrome = chrome_of(page);
        assert_eq!(words_in(&chrome, JE), Vec::<&str>::new(), "{backend}: 'je' on {what}: {}", text_of(&chrome));
    }
    assert!(words_in(&mentor[0].1, U).contains(&"uw"), "{backend}: the check above reads the page");
    assert!(text_of(&mentor[1].1).contains("u ziet nooit losse antwoorden"), "{backend}: {}", text_of(&mentor[1].1));
    assert!(text_of(&parent[1].1).contains("dank u wel voor uw toestemming"), "{backend}: {}", text_of(&parent[1].1));
    assert!(!words_in(&student[2].1, JE).is_empty(), "{backend}: students read 'je'");

    // A study of student buddies chose "je" for mentors: no "u" on the mentor's overview, while
    // parents keep "u".
    set_registers(db, study_id, Registers { mentors: Register::Je, parents: Register::U });
    let overview = page(&mut m, "/p").await;
    assert_eq!(words_in(&overview, U), Vec::<&str>::new(), "{backend}: 'u' for a 'je' mentor: {}", text_of(&overview));
    assert!(!words_in(&overview, JE).is_empty(), "{backend}: the mentor now reads 'je': {}", text_of(&overview));
    let stop = page(&mut m, "/p/stoppen").await;
    assert!(text_of(&stop).contains("je mag altijd stoppen"), "{backend}: {}", text_of(&stop));

    // A study that chose "je" for parents too: the parent's thanks follow.
    set_registers(db, study_id, Registers { mentors: Register::Je, parents: Register::Je });
    let (_, again, _) = p.post("/g", &[("csrf", &csrf(&parent[0].1)), ("guardian_agree", "agree")]).await;
    assert!(text_of(&again).contains("je antwoord is opgeslagen"), "{backend}: {}", text_of(&again));
}

/// Daan, 15, in the same study: says yes and gives his parent's number.
async fn under_16(db: &Database, study_id: i64) -> i64 {
    let people =
        "type,team_name,first_name,last_name,gender,mobile_phone,protocol_name,start_date,filling_out_for,locale
Student,Team A,Daan,Jansen,male,0612345699,vsv_student,2026-11-02,,nl
";
    study_support::import(db, study_id, people, thursday());
    let daan = person(db, "+31612345699");
    let mut v = visitor(db).await;
    let consent = v.follow(&link(db, daan, thursday())).await;
    let form = [
        ("csrf", csrf(&consent)),
        ("consent_age_under_16", "yes".into()),
        ("consent_guardian_phone", "06 1111 2222".into()),
        ("consent_agree", "agree".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, _) = v.post("/p/toestemming", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    daan
}

#[actix_web::test]
async fn participant_pages_are_dutch_and_in_the_readers_register_sqlite() {
    walk("sqlite", TestDb::sqlite()).await;
}

#[actix_web::test]
async fn participant_pages_are_dutch_and_in_the_readers_register_postgres() {
    walk("postgres", TestDb::postgres()).await;
}
