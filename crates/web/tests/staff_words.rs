//! The coordinator's pages speak one language: Dutch by default, with no English word on any of
//! them (the import's messages showed in English here before), English after choosing it; every
//! text comes from the catalogue (no key is missing). A phone number is accepted however it is
//! written, and a form error is summed up at the top of the page, linked to its field.

use actix_web::{test, web};
use koers_store::testing::TestDb;

mod second_factor;
mod staff_support;
use staff_support::*;

/// Words that only English text has (checked as whole words, case-insensitively, in the text
/// of a page without its tags). Not "English" itself: the menu offers the pages in English.
const ENGLISH: &[&str] = &[
    "the",
    "and",
    "please",
    "required",
    "empty",
    "choose",
    "save",
    "search",
    "previous",
    "history",
    "cannot",
    "your",
    "you",
    "with",
    "number",
    "phone",
    "found",
    "enrol",
    "password",
    "people",
    "questionnaires",
    "none",
    "since",
    "stopped",
    "withdraw",
    "change",
    "mobile",
    "mentor now",
    "log",
    "not a",
    "is not",
];

/// The visible text of a page: tags dropped, entities left as they are.
fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#x27;", "'").to_lowercase()
}

fn english_words_in(html: &str) -> Vec<&'static str> {
    let words: Vec<String> =
        text_of(html).split(|c: char| !c.is_alphanumeric() && c != '\'').map(str::to_string).collect();
    let joined = format!(" {} ", words.join(" "));
    ENGLISH.iter().copied().filter(|w| joined.contains(&format!(" {w} "))).collect()
}

#[actix_web::test]
async fn every_staff_page_is_dutch_by_default_and_english_when_chosen() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let app = test::init_service(koers_web::app(web::Data::new(state(&t.db)))).await;
        let login_page = call(&app, test::TestRequest::get().uri("/staff/login").to_request()).await;
        let (session, csrf) = login(&app).await;
        let mut pages = vec![("/staff/login".to_string(), login_page)];
        for uri in [
            "/staff".to_string(),
            "/staff?q=zzz".to_string(),
            "/staff/people/new".to_string(),
            format!("/staff/people/{}", w.sanne),
            format!("/staff/people/{}", w.joris),
            format!("/staff/people/{}?ok=phone", w.sanne),
            "/staff/attention".to_string(),
            "/staff/dashboard".to_string(),
        ] {
            let page = call(&app, get(&uri, &session)).await;
            assert_eq!(page.status, 200, "{backend}: {uri}");
            pages.push((uri, page));
        }
        // Pages with form errors: the import's rules and the store's, in the page's words.
        let enrol = post("/staff/people/new", &session, &[("csrf", &csrf), ("role", "student"), ("email", "x")]);
        pages.push(("enrol with mistakes".into(), call(&app, enrol).await));
        let sanne = format!("/staff/people/{}", w.sanne);
        for (what, form) in [
            ("phone", vec![("csrf", csrf.as_str()), ("mobile_phone", "020 123 4567")]),
            ("phone", vec![("csrf", csrf.as_str()), ("mobile_phone", "06 123")]),
            ("end", vec![("csrf", csrf.as_str())]),
            ("withdraw", vec![("csrf", csrf.as_str())]),
            ("handover", vec![("csrf", csrf.as_str())]),
        ] {
            let page = call(&app, post(&format!("{sanne}/{what}"), &session, &form)).await;
            assert_eq!(page.status, 422, "{backend}: {what}");
            pages.push((format!("{what} with mistakes"), page));
        }
        for (uri, page) in &pages {
            assert!(page.body.contains("<html lang=\"nl\">"), "{backend}: {uri}");
            assert_eq!(english_words_in(&page.body), Vec::<&str>::new(), "{backend}: English on {uri}");
        }
        let missing = koers_texts::missing_keys();
        assert!(missing.iter().all(|k| k.contains("no-such-key")), "{backend}: keys the catalogue lacks: {missing:?}");

        // The same staff member chooses English: their pages follow, the summary too.
        let chosen = call(&app, post("/staff/language", &session, &[("csrf", &csrf), ("locale", "en")])).await;
        assert_eq!(chosen.status, 303, "{backend}");
        let bad = post(&format!("{sanne}/phone"), &session, &[("csrf", &csrf), ("mobile_phone", "020 123 4567")]);
        let page = call(&app, bad).await;
        assert!(page.body.contains("<html lang=\"en\">"), "{backend}");
        assert!(page.body.contains("Change phone number"));
        assert!(page.body.contains("is not a mobile number"), "{backend}");
        assert!(!page.body.contains("Telefoonnummer wijzigen"));
        assert!(english_words_in(&page.body).len() > 5, "the check above would see English");
        let back = call(&app, post("/staff/language", &session, &[("csrf", &csrf), ("locale", "nl")])).await;
        assert_eq!(back.status, 303);
        let list = call(&app, get("/staff", &session)).await;
        assert!(list.body.contains("<title>Mensen</title>"), "{backend}: Dutch again");
        // Without the CSRF token the language stays.
        let forged = call(&app, post("/staff/language", &session, &[("locale", "en")])).await;
        assert_eq!(forged.status, 403);
    }
}

#[actix_web::test]
async fn a_phone_number_is_accepted_however_it_is_written() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let app = test::init_service(koers_web::app(web::Data::new(state(&t.db)))).await;
        let (session, csrf) = login(&app).await;
        let sanne = format!("/staff/people/{}/phone", w.sanne);
        for typed in ["06 9988 7766", "06-9988-7766", "+31 6 9988 7766", "0031 6 99887766", " 0699887766 "] {
            let r = call(&app, post(&sanne, &session, &[("csrf", &csrf), ("mobile_phone", typed)])).await;
            assert_eq!(r.status, 303, "{backend}: '{typed}' is a good number: {}", r.body);
            assert_eq!(phone_of(&t.db, w.sanne).as_deref(), Some("+31699887766"), "{backend}: {typed}");
        }
        let fields = [("first_name", "Noor"), ("mobile_phone", "06 9988 7755")];
        let enrolled = call(&app, enrol_student(&session, &csrf, w.team_noord, &fields)).await;
        assert_eq!(enrolled.status, 303, "{backend}: enrolled with spaces in the number: {}", enrolled.body);
        // A refused number says how to write one that works.
        let r = call(&app, post(&sanne, &session, &[("csrf", &csrf), ("mobile_phone", "06 123")])).await;
        assert!(r.body.contains("een Nederlands mobiel nummer is 06 met nog 8 cijfers"), "{backend}");
    }
}

#[actix_web::test]
async fn a_form_error_is_summed_up_at_the_top_and_links_to_its_field() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let app = test::init_service(koers_web::app(web::Data::new(state(&t.db)))).await;
        let (session, csrf) = login(&app).await;
        let person = format!("/staff/people/{}", w.sanne);
        let page = call(&app, get(&person, &session)).await;
        assert!(!page.body.contains("id=\"problems\""), "{backend}: no summary without errors");
        assert!(
            page.body.contains(&format!("action=\"{person}/withdraw#problems\"")),
            "the answer opens at the summary"
        );
        let r = call(&app, post(&format!("{person}/withdraw"), &session, &[("csrf", &csrf)])).await;
        assert_eq!(r.status, 422);
        let at = r.body.find("id=\"problems\"").expect("a summary");
        let end = r.body.find("id=\"mobile_phone\"").expect("the first field");
        assert!(at < end, "{backend}: the summary comes before the forms");
        let summary = &r.body[at..at + r.body[at..].find("</div>").unwrap()];
        assert!(summary.contains("autofocus"), "{summary}");
        assert!(summary.contains("<a href=\"#data\">Kies wat er met de antwoorden gebeurt.</a>"), "{summary}");
        assert!(summary.contains("<a href=\"#confirm\">"), "{summary}");
        assert!(r.body.contains("id=\"data\"") && r.body.contains("id=\"confirm\""), "each link has its field");
    }
}
