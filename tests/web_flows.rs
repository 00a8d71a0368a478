//! The whole path a student and a mentor take, in a real headless Chromium on a phone screen:
//! the SMS arrives at a mock MessageBird, its link opens consent, the questionnaires and the
//! reward; the mentor sees the student's status change and fills in a diary for two students.
//! Every page is checked with axe-core, for sideways scrolling and for weight. Screenshots go
//! to target/screenshots/web_flows_*/.
//!
//! A third test goes through the student's pages on a 320-pixel screen with scripts off.

mod support;

use diesel::prelude::*;
use fantoccini::{Client, Locator};
use support::browser::Browser;
use support::gateway::{run, serve_study, Bird};
use support::taps::{press, press_and_follow, text, wait_for_new_page, CONFIRM_EMPTY, SUBMIT};
use support::{koers, Server};
use wiremock::{Mock, MockServer};

const PEOPLE: &str = "type,team_name,first_name,last_name,gender,mobile_phone,protocol_name,filling_out_for,locale
Student,Entree,Sanne,de Vries,female,0612300101,demo_student,,nl
Student,Entree,Daan,Jansen,male,0612300102,demo_student,,nl
Mentor,Entree,Joris,Bakker,male,0612300201,demo_mentor,0612300101,nl
Mentor,Entree,Joris,Bakker,male,0612300201,demo_mentor,0612300102,nl
";

/// The study of these tests, enrolled and served by the real binary.
async fn start(dir: &std::path::Path, mock: &str) -> Server {
    serve_study(dir, mock, PEOPLE).await
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
}

/// Clicks something that loads a new page and waits until the new page is there: WebDriver's
/// click returns once the click happened, which may be before the server answered a POST.
async fn follow(c: &Client, css: &str) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    click(c, css).await;
    wait_for_new_page(c, old).await;
}

/// Checks that every page must pass, and a screenshot for a person to look at.
async fn page_ok(b: &Browser, shot: &str) {
    b.screenshot(shot).await;
    assert_eq!(b.horizontal_overflow().await, 0, "{shot}: no sideways scrolling");
    // With scripts off too: axe-core runs through WebDriver, on the page as it is without them.
    let violations = b.axe_violations().await;
    assert!(violations.is_empty(), "{shot}: axe-core found {violations:?}");
}

async fn submit(c: &Client) {
    follow(c, SUBMIT).await;
}

fn stored(dir: &std::path::Path, item: &str) -> Vec<(String, Option<f64>)> {
    use koers_store::schema::answers;
    let db = koers_store::Database::open(&format!("sqlite://{}", dir.join("k.db").display()), 1).unwrap();
    answers::table
        .filter(answers::item_id.eq(item))
        .select((answers::value_kind, answers::value_number))
        .load(&mut *db.conn().unwrap())
        .unwrap()
}

#[actix_web::test]
async fn a_student_and_a_mentor_from_the_sms_link_to_stored_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mock = MockServer::start().await;
    let bird = Bird::default();
    Mock::given(wiremock::matchers::method("POST")).respond_with(bird.clone()).mount(&mock).await;
    let _server = start(dir.path(), &mock.uri()).await;

    // The student: SMS link, consent, then every open questionnaire until the reward.
    let b = Browser::phone("web_flows_student", true).await;
    b.client.goto(&bird.link_for("31612300101").await).await.unwrap();
    assert!(b.client.current_url().await.unwrap().path() == "/p", "the token leaves the address bar");
    assert!(text(&b.client).await.contains("Meedoen aan het onderzoek"));
    page_ok(&b, "01-consent").await;
    click(&b.client, "input[name=consent_age_under_16][value=no]").await;
    click(&b.client, "input[name=consent_agree][value=agree]").await;
    submit(&b.client).await;
    let mut diary_done = false;
    for step in 0..8 {
        let page = text(&b.client).await;
        eprintln!("student step {step}: {}", page.lines().next().unwrap_or(""));
        // The thank-you page names the diary too ("Je antwoorden op “Jouw week” ...").
        if page.contains("Jouw week") && !page.contains("Dank je wel") {
            assert!(b.page_weight().await < 50_000, "a diary page with its CSS and JS stays under 50 KB");
            click(&b.client, "input[name=attended][value=yes]").await;
            click(&b.client, "#f-school_experience").await;
            // The diary's steps, one at a time: "Stap 1 van 4" to the last one.
            for _ in 0..3 {
                click(&b.client, ".k-stepnav .k-next").await;
            }
            click(&b.client, "#f-wellbeing").await;
            page_ok(&b, "03-diary").await;
            submit(&b.client).await;
            diary_done = true;
        } else if page.contains("Nog niets ingevuld") {
            // An intake sent empty is asked about once; the student sends it anyway.
            page_ok(&b, &format!("02-empty-{step}")).await;
            follow(&b.client, CONFIRM_EMPTY).await;
        } else if b.client.find(Locator::Css("form.k-form")).await.is_ok() {
            page_ok(&b, &format!("02-questionnaire-{step}")).await;
            submit(&b.client).await;
        } else if page.contains("Dank je wel") {
            if diary_done {
                break;
            }
            follow(&b.client, "a.p-button").await;
        }
    }
    assert!(diary_done, "the diary was reached");
    let thanks = text(&b.client).await;
    assert!(thanks.contains("Dank je wel, Sanne!"), "{thanks}");
    assert!(thanks.contains("€ 2,00"), "the diary earned €2; the intake, sent empty, earns nothing: {thanks}");
    page_ok(&b, "04-thanks").await;
    b.close().await;

    let touched = stored(dir.path(), "wellbeing");
    assert_eq!(touched.len(), 1);
    assert_eq!(touched[0].0, "number", "the touched slider is stored");
    let untouched = stored(dir.path(), "school_autonomy");
    assert_eq!(untouched, vec![("not_answered".to_string(), None)], "the untouched slider is not answered");

    // The mentor: consent, the overview with Sanne done and Daan not yet, two diaries in a row.
    let m = Browser::phone("web_flows_mentor", true).await;
    m.client.goto(&bird.link_for("31612300201").await).await.unwrap();
    page_ok(&m, "01-consent").await;
    click(&m.client, "input[name=consent_agree][value=agree]").await;
    click(&m.client, "input[name=share_contact][value=yes]").await;
    submit(&m.client).await;
    let overview = text(&m.client).await;
    assert!(overview.contains("Sanne") && overview.contains("Daan"), "{overview}");
    assert!(overview.contains("heeft deze week ingevuld"), "Sanne's diary shows as done: {overview}");
    assert!(overview.contains("heeft nog niet ingevuld"), "Daan's as not yet: {overview}");
    page_ok(&m, "02-overview").await;
    let mut diaries = 0;
    for step in 0..8 {
        let page = text(&m.client).await;
        if page.contains("Nog niets ingevuld") {
            // The mentor's own intake, sent empty: asked about once, sent anyway.
            follow(&m.client, CONFIRM_EMPTY).await;
        } else if m.client.find(Locator::Css("form.k-form")).await.is_ok() {
            if m.client.find(Locator::Css("input[name=contact][value=yes]")).await.is_ok() {
                click(&m.client, "input[name=contact][value=yes]").await;
                diaries += 1;
            }
            page_ok(&m, &format!("03-form-{step}")).await;
            submit(&m.client).await;
        } else if let Ok(next) = m.client.find(Locator::Css("a.p-button")).await {
            page_ok(&m, &format!("04-next-{step}")).await;
            let old = m.client.find(Locator::Css("html")).await.unwrap();
            next.click().await.unwrap();
            wait_for_new_page(&m.client, old).await;
        } else {
            assert!(page.contains("Dat was alles") || page.contains("niets in te vullen"), "{page}");
            break;
        }
    }
    assert_eq!(diaries, 2, "a diary for each student");
    m.client.goto(&format!("{}/p", _server.base)).await.unwrap();
    let overview = text(&m.client).await;
    assert!(overview.contains("Uw dagboek: ✓ klaar"), "{overview}");
    page_ok(&m, "05-overview-done").await;
    m.close().await;
    assert_eq!(stored(dir.path(), "contact").len(), 2);
}

#[actix_web::test]
async fn the_pages_fit_a_320_pixel_phone_and_work_without_javascript() {
    let dir = tempfile::tempdir().unwrap();
    let mock = MockServer::start().await;
    let bird = Bird::default();
    Mock::given(wiremock::matchers::method("POST")).respond_with(bird.clone()).mount(&mock).await;
    let _server = start(dir.path(), &mock.uri()).await;
    let b = Browser::phone_of_width("web_flows_320_no_js", false, 320).await;
    b.client.goto(&bird.link_for("31612300102").await).await.unwrap();
    page_ok(&b, "01-consent").await;

    press(&b.client, "input[name=consent_age_under_16][value=no]").await;
    press(&b.client, "input[name=consent_agree][value=agree]").await;
    press_and_follow(&b.client, SUBMIT).await;
    for step in 0..4 {
        if text(&b.client).await.contains("Jouw week") {
            // Without a script each step is a page of its own, kept as the draft on "next".
            assert!(text(&b.client).await.contains("Stap 1 van 4"));
            assert!(!text(&b.client).await.contains("Stap 2 van 4"), "one step at a time");
            page_ok(&b, "03-diary-step-1").await;
            press(&b.client, "input[name=attended][value=no]").await;
            for step in 2..=4 {
                press_and_follow(&b.client, "button[name=__step]").await;
                let page = text(&b.client).await;
                assert!(page.contains(&format!("Stap {step} van 4")), "{page}");
                page_ok(&b, &format!("03-diary-step-{step}")).await;
            }
            // Without a script a slider counts only when its "I set this" box is ticked.
            press(&b.client, "input[name=wellbeing__touched][type=checkbox]").await;
            page_ok(&b, "03-diary").await;
            press_and_follow(&b.client, SUBMIT).await;
            break;
        }
        page_ok(&b, &format!("02-page-{step}")).await;
        if text(&b.client).await.contains("Nog niets ingevuld") {
            press_and_follow(&b.client, CONFIRM_EMPTY).await;
        } else if b.client.find(Locator::Css("form.k-form")).await.is_ok() {
            press_and_follow(&b.client, SUBMIT).await;
        } else {
            press_and_follow(&b.client, "a.p-button").await;
        }
    }
    assert!(text(&b.client).await.contains("Dank je wel, Daan!"));
    page_ok(&b, "04-thanks").await;
    b.close().await;
    assert_eq!(stored(dir.path(), "wellbeing").first().map(|a| a.0.clone()), Some("number".into()));
    assert_eq!(stored(dir.path(), "attended").first().map(|a| a.0.clone()), Some("option".into()), "step 1's answer");
}

#[actix_web::test]
async fn a_coordinator_hands_a_student_over_and_ends_another_participation() {
    let dir = tempfile::tempdir().unwrap();
    let mock = MockServer::start().await;
    Mock::given(wiremock::matchers::method("POST")).respond_with(Bird::default()).mount(&mock).await;
    std::fs::write(
        dir.path().join("mentors.csv"),
        "type,team_name,first_name,last_name,mobile_phone,protocol_name,filling_out_for\nMentor,Entree,Fatima,El Amrani,0612300202,demo_mentor,0612300102\n",
    )
    .unwrap();
    let server = {
        // Fatima mentors Daan too, so the coordinator has a second mentor to hand Sanne to.
        let s = start(dir.path(), &mock.uri()).await;
        run(dir.path(), &["import", "people", "mentors.csv"]);
        s
    };
    let out = koers(dir.path())
        .args([
            "user",
            "add",
            "coordinator@roc.example",
            "--name",
            "Carla",
            "--study",
            "vsv",
            "--role",
            "coordinator",
            "--organisation",
            "roc",
        ])
        .env("KOERS_DATABASE_URL", "sqlite://k.db")
        .env("KOERS_PASSWORD", "een lang genoeg wachtwoord")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let b = Browser::phone("web_flows_coordinator", true).await;
    let c = &b.client;
    c.goto(&format!("{}/staff/login", server.base)).await.unwrap();
    page_ok(&b, "01-login").await;
    c.find(Locator::Css("#email")).await.unwrap().send_keys("coordinator@roc.example").await.unwrap();
    c.find(Locator::Css("#password")).await.unwrap().send_keys("een lang genoeg wachtwoord").await.unwrap();
    follow(c, "form button[type=submit]").await;
    // A coordinator sees names and numbers: the first login sets up the second factor. The key
    // is typed off the screen into "an app" (the test computes the code an app would show).
    let setup = text(c).await;
    assert!(setup.contains("Scan in de app deze QR-code"), "{setup}");
    page_ok(&b, "01b-second-factor").await;
    let key = c.find(Locator::Css(".s-secret")).await.unwrap().text().await.unwrap();
    let secret = koers_core::totp::from_base32(&key).expect("the key is base32");
    let code = koers_core::totp::code_at(&secret, koers_core::clock::Clock::now(&koers_core::clock::SystemClock));
    c.find(Locator::Css("#code")).await.unwrap().send_keys(&code).await.unwrap();
    follow(c, "form button[type=submit]").await;
    let codes = text(c).await;
    assert!(codes.contains("herstelcodes"), "{codes}");
    page_ok(&b, "01c-recovery-codes").await;
    follow(c, "main a[href='/staff']").await;
    let list = text(c).await;
    assert!(list.contains("Sanne") && list.contains("Daan") && list.contains("Joris"), "{list}");
    page_ok(&b, "02-people").await;

    // Sanne goes from Joris to Fatima.
    let old = c.find(Locator::Css("html")).await.unwrap();
    c.find(Locator::LinkText("Sanne de Vries")).await.unwrap().click().await.unwrap();
    wait_for_new_page(c, old).await;
    page_ok(&b, "03-sanne").await;
    let select = c.find(Locator::Css("#mentor_id")).await.unwrap();
    select.select_by_label("Fatima El Amrani (Entree)").await.unwrap();
    follow(c, "form[action*='/handover'] button").await;
    let page = text(c).await;
    assert!(page.contains("Fatima"), "the new mentor shows: {page}");
    assert!(page.contains("overgedragen"), "the old pair stays in the history: {page}");
    page_ok(&b, "04-handed-over").await;

    // Daan leaves for another programme.
    c.goto(&format!("{}/staff", server.base)).await.unwrap();
    let old = c.find(Locator::Css("html")).await.unwrap();
    c.find(Locator::LinkText("Daan Jansen")).await.unwrap().click().await.unwrap();
    wait_for_new_page(c, old).await;
    click(c, "input[name=reason][value=switcher]").await;
    // A date field's typing order depends on the browser's locale; set the value itself.
    c.execute("document.getElementById('date').value = '2026-11-01';", vec![]).await.unwrap();
    follow(c, "form[action*='/end#'] button").await;
    let page = text(c).await;
    assert!(page.contains("overstapper"), "the dropout type is recorded: {page}");
    page_ok(&b, "05-ended").await;
    b.close().await;

    use koers_store::schema::{pairs, people, person_identities};
    let db = koers_store::Database::open(&format!("sqlite://{}", dir.path().join("k.db").display()), 1).unwrap();
    let mut conn = db.conn().unwrap();
    let sanne_pairs: Vec<(Option<String>, Option<chrono::NaiveDate>)> = pairs::table
        .inner_join(person_identities::table.on(person_identities::person_id.eq(pairs::student_id)))
        .filter(person_identities::first_name.eq("Sanne"))
        .order(pairs::id)
        .select((pairs::end_reason, pairs::ends_on))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(sanne_pairs.len(), 2, "history kept: {sanne_pairs:?}");
    assert!(sanne_pairs[0].1.is_some() && sanne_pairs[1].1.is_none());
    let daan: (Option<String>, Option<chrono::NaiveDate>) = people::table
        .inner_join(person_identities::table)
        .filter(person_identities::first_name.eq("Daan"))
        .select((people::dropout_type, people::dropout_date))
        .first(&mut *conn)
        .unwrap();
    assert_eq!(daan, (Some("switcher".into()), chrono::NaiveDate::from_ymd_opt(2026, 11, 1)));
}
