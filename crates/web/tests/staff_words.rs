//! The staff pages speak one language: Dutch by default, with no English word on any of them (the
//! import's messages showed in English here before), English after choosing it; every text comes
//! from the catalogue (no key is missing). That holds for the coordinator's pages, the research
//! team's and admins' (dashboard, exclusions, accounts, audit log, the second factor) and the
//! pages that refuse, and an admin whose account speaks English reads all of them in English. A phone number is accepted however it is
//! written, and a form error is summed up at the top of the page, linked to its field.

use actix_web::{test, web};
use koers_store::testing::TestDb;

mod second_factor;
mod staff_support;
mod words_support;
use staff_support::*;
use words_support::words_in;

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

fn english_words_in(html: &str) -> Vec<&'static str> {
    words_in(html, ENGLISH)
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

/// Dutch words an English page must not show (whole words, as [`ENGLISH`]).
const DUTCH: &[&str] =
    &["het", "een", "niet", "je", "van", "voor", "geen", "naar", "wie", "nog", "alleen", "pagina", "vragenlijsten"];

fn dutch_words_in(html: &str) -> Vec<&'static str> {
    words_in(html, DUTCH)
}

const RESEARCHER: &str = "onderzoeker@uni.example";
const ADMIN: &str = "beheer@koers.example";
const ADMIN_EN: &str = "admin@koers.example";

/// A researcher of the study, a Dutch admin and an English one; the coordinator's account id.
fn research_team(db: &koers_store::Database) -> i64 {
    use koers_store::staff::{self, StaffRole};
    let mut c = db.conn().unwrap();
    let c = &mut *c;
    let study = koers_store::studies::list_studies(c).unwrap()[0].id;
    let researcher = staff::create_account(c, RESEARCHER, "Onderzoeker", PASSWORD, false, now()).unwrap();
    staff::add_role(c, researcher, study, None, None, StaffRole::Researcher, now()).unwrap();
    staff::create_account(c, ADMIN, "Beheerder", PASSWORD, true, now()).unwrap();
    let en = staff::create_account(c, ADMIN_EN, "Admin", PASSWORD, true, now()).unwrap();
    staff::set_locale(c, en, "en").unwrap();
    staff::find_by_email(c, EMAIL).unwrap().unwrap().id
}

/// Sanne left two diaries open and agreed to warnings, which her study sends to coordinators
/// too; and one of her answers held an alarm word.
fn signal_and_alarm(db: &koers_store::Database, sanne: i64) {
    use diesel::prelude::*;
    use koers_store::participation::{record_consent, CONSENT_FEEDBACK_WARNINGS, CONSENT_PARTICIPANT};
    use koers_store::schema::{people, responses, subscriptions};
    db.write(|c| -> Result<(), koers_store::StoreError> {
        let study: i64 = people::table.find(sanne).select(people::study_id).first(c)?;
        let warn = koers_core::feedback::Feedback { warnings: true, warn_coordinator: true, ..Default::default() };
        koers_store::studies::set_settings_section(
            c,
            study,
            &koers_core::study_settings::SettingsSection::Feedback(warn),
        )?;
        record_consent(c, sanne, CONSENT_PARTICIPANT, "v1", now())?;
        record_consent(c, sanne, CONSENT_FEEDBACK_WARNINGS, "v1", now())?;
        two_missed_diaries(c, sanne);
        let sub: i64 = subscriptions::table
            .filter(subscriptions::person_id.eq(sanne).and(subscriptions::filling_out_for_id.is_null()))
            .select(subscriptions::id)
            .first(c)?;
        let response: i64 =
            responses::table.filter(responses::subscription_id.eq(sub)).select(responses::id).first(c)?;
        koers_store::safety::record_alarm(c, sanne, response, now() - chrono::TimeDelta::days(1))
    })
    .unwrap();
}

/// Logs `email` in; the pages of the second factor on the way (set up the first time, the code
/// after that) are added to `pages`, with a wrong code's answer.
async fn login_as<S, B>(
    app: &S,
    email: &str,
    pages: &mut Vec<(String, Answer)>,
) -> (actix_web::cookie::Cookie<'static>, String)
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    let done = try_login(app, email, PASSWORD).await;
    assert_eq!(done.status, 303, "{email}: {}", done.body);
    let session = match cookie(&done, "koers_s") {
        Some(s) => s.clone(),
        None => {
            let pending = cookie(&done, "koers_s2").expect("a pending session").clone();
            let to = done.location.clone().unwrap();
            let page = call(app, get(&to, &pending)).await;
            assert_eq!(page.status, 200, "{email}: {to}");
            let csrf = csrf_of(&page.body);
            pages.push((format!("{to} for {email}"), page));
            let wrong = call(app, post(&to, &pending, &[("csrf", &csrf), ("code", "000000")])).await;
            assert!(wrong.status.is_client_error(), "{email}: {to} refuses a wrong code");
            pages.push((format!("{to} with a wrong code for {email}"), wrong));
            past_second_factor_of(app, email, &done).await
        }
    };
    let dash = call(app, get("/staff/dashboard", &session)).await;
    assert_eq!(dash.status, 200, "{email}");
    (session.clone(), csrf_of(&dash.body))
}

#[actix_web::test]
async fn the_pages_of_researchers_admins_and_refusals_are_dutch_too_and_english_when_chosen() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let coordinator = research_team(&t.db);
        signal_and_alarm(&t.db, w.sanne);
        let app = test::init_service(koers_web::app(web::Data::new(state(&t.db)))).await;
        let mut pages: Vec<(String, Answer)> = Vec::new();

        // The coordinator: the attention page with a signal and an alarm, and what refuses them.
        let (session, csrf) = login(&app).await;
        let attention = call(&app, get("/staff/attention", &session)).await;
        assert!(attention.body.contains("Signalen uit de dagboeken"), "{backend}: {}", attention.body);
        assert!(attention.body.contains("Antwoorden om naar te kijken"), "{backend}");
        assert!(attention.body.contains("14-10-2026 12:00"), "{backend}: the alarm on Amsterdam's clock, unnamed");
        pages.push(("/staff/attention with a signal and an alarm".into(), attention));
        for (uri, status) in [
            ("/staff/accounts", 403),
            ("/staff/audit", 403),
            ("/staff/exclusions", 403),
            ("/staff/report", 403),
            ("/staff/people/999999", 404),
        ] {
            let page = call(&app, get(uri, &session)).await;
            assert_eq!(page.status, status, "{backend}: {uri} for a coordinator");
            pages.push((format!("{uri} for a coordinator"), page));
        }
        let forged = post(&format!("/staff/people/{}/phone", w.sanne), &session, &[("mobile_phone", "0612345678")]);
        let forged = call(&app, forged).await;
        assert_eq!(forged.status, 403, "{backend}");
        assert!(forged.body.contains("Dit formulier is verlopen"), "{backend}");
        pages.push(("a form without its token".into(), forged));
        let _ = csrf;

        // The researcher: the figures, the exclusions and the report.
        let (session, csrf) = login_as(&app, RESEARCHER, &mut pages).await;
        for uri in ["/staff/dashboard", "/staff/exclusions", "/staff/exclusions?ok=exclude", "/staff/2fa/setup"] {
            let page = call(&app, get(uri, &session)).await;
            assert_eq!(page.status, 200, "{backend}: {uri} for a researcher");
            pages.push((format!("{uri} for a researcher"), page));
        }
        let refused = post("/staff/exclusions", &session, &[("csrf", &csrf), ("study", "vsv"), ("person", "p00")]);
        let refused = call(&app, refused).await;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(refused.body.contains("Schrijf kort waarom"), "{backend}");
        pages.push(("an exclusion without a reason".into(), refused));
        // The report (`koers report`'s page) in the researcher's language.
        let report = call(&app, get("/staff/report", &session)).await;
        assert_eq!(report.status, 200, "{backend}: {}", report.body);
        assert!(report.body.contains("Respons per groep en week"), "{backend}: {}", report.body);
        pages.push(("/staff/report for a researcher".into(), report));

        // The admin: accounts and the audit log.
        let (session, csrf) = login_as(&app, ADMIN, &mut pages).await;
        let account = format!("/staff/accounts/{coordinator}");
        for uri in ["/staff/accounts", account.as_str(), "/staff/audit", "/staff/attention"] {
            let page = call(&app, get(uri, &session)).await;
            assert_eq!(page.status, 200, "{backend}: {uri} for an admin");
            pages.push((format!("{uri} for an admin"), page));
        }
        let password = call(&app, post(&format!("{account}/password"), &session, &[("csrf", &csrf)])).await;
        assert_eq!(password.status, 200, "{backend}");
        assert!(password.body.contains("Nieuw tijdelijk wachtwoord:"), "{backend}");
        pages.push(("a new password".into(), password));
        // Logging in again asks for the code.
        login_as(&app, ADMIN, &mut pages).await;
        assert!(pages.iter().any(|(uri, _)| uri.starts_with("/staff/2fa for")), "{backend}: the code page was walked");

        for (uri, page) in &pages {
            assert!(page.body.contains("<html lang=\"nl\">"), "{backend}: {uri}");
            assert_eq!(english_words_in(&page.body), Vec::<&str>::new(), "{backend}: English on {uri}");
        }
        let missing = koers_texts::missing_keys();
        assert!(missing.iter().all(|k| k.contains("no-such-key")), "{backend}: keys the catalogue lacks: {missing:?}");

        // An admin whose account speaks English reads all of it in English.
        let mut english: Vec<(String, Answer)> = Vec::new();
        let (session, csrf) = login_as(&app, ADMIN_EN, &mut english).await;
        for uri in ["/staff/attention", "/staff/accounts", account.as_str(), "/staff/audit", "/staff/dashboard"] {
            let page = call(&app, get(uri, &session)).await;
            assert_eq!(page.status, 200, "{backend}: {uri} in English");
            english.push((uri.to_string(), page));
        }
        for uri in ["/staff/exclusions", "/staff/2fa/setup"] {
            let page = call(&app, get(uri, &session)).await;
            english.push((uri.to_string(), page));
        }
        let missing_page = call(&app, get("/staff/people/999999", &session)).await;
        assert_eq!(missing_page.status, 404);
        english.push(("an unknown person".into(), missing_page));
        let forged = call(&app, post(&format!("{account}/sessions"), &session, &[])).await;
        assert_eq!(forged.status, 403);
        assert!(forged.body.contains("This form has expired"), "{backend}: {}", forged.body);
        english.push(("a form without its token".into(), forged));
        let _ = csrf;
        let expected = [
            "Set up",
            "Needs attention",
            "Signals from the diaries",
            "Answers to look at",
            "What you can do",
            "Audit log",
            "Response per week",
            "Exclude from the analysis",
            "This page does not exist",
        ];
        for phrase in expected {
            assert!(english.iter().any(|(_, p)| p.body.contains(phrase)), "{backend}: '{phrase}' on an English page");
        }
        for (uri, page) in &english {
            assert!(page.body.contains("<html lang=\"en\">"), "{backend}: {uri}: {}", page.body);
            assert_eq!(dutch_words_in(&page.body), Vec::<&str>::new(), "{backend}: Dutch on {uri}");
        }
        assert!(dutch_words_in(&pages[0].1.body).len() > 3, "the check above would see Dutch");
        let missing = koers_texts::missing_keys();
        assert!(missing.iter().all(|k| k.contains("no-such-key")), "{backend}: keys the catalogue lacks: {missing:?}");
    }
}
