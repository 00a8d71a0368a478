//! Never lose an answer, in a real headless Chromium against the real binary: answers are kept
//! as a draft on the server while the student answers, and come back after a reload, in a new
//! browser (another device) opened from the SMS link, and after a submit that met a lost
//! session. Screenshots go to target/screenshots/drafts_*/.

mod support;

use diesel::prelude::*;
use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};
use support::browser::Browser;
use support::gateway::{serve_study, Bird};
use support::taps::{press, press_and_follow, text, CONFIRM_EMPTY, SUBMIT};
use support::Server;
use wiremock::{Mock, MockServer};

const PEOPLE: &str = "type,team_name,first_name,last_name,gender,mobile_phone,protocol_name,filling_out_for,locale
Student,Entree,Sanne,de Vries,female,0612300101,demo_student,,nl
Student,Entree,Daan,Jansen,male,0612300102,demo_student,,nl
";

/// The study of these tests, enrolled and served by the real binary.
async fn start(dir: &std::path::Path, mock: &str) -> Server {
    serve_study(dir, mock, PEOPLE).await
}

async fn selected(c: &Client, css: &str) -> bool {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).is_selected().await.unwrap()
}

/// From the SMS link through consent and the intake to the diary ("Jouw week").
async fn to_the_diary(c: &Client, link: &str) {
    c.goto(link).await.unwrap();
    press(c, "input[name=consent_age_under_16][value=no]").await;
    press(c, "input[name=consent_agree][value=agree]").await;
    press_and_follow(c, SUBMIT).await;
    for _ in 0..5 {
        if text(c).await.contains("Jouw week") {
            return;
        }
        if text(c).await.contains("Nog niets ingevuld") {
            // The intake, sent empty, is asked about once; sent anyway.
            press_and_follow(c, CONFIRM_EMPTY).await;
        } else if c.find(Locator::Css("form.k-form")).await.is_ok() {
            press_and_follow(c, SUBMIT).await;
        } else {
            press_and_follow(c, "a.p-button").await;
        }
    }
    panic!("the diary was not reached: {}", text(c).await);
}

/// With scripts, a questionnaire with steps shows one at a time: "next" until the last one.
async fn to_the_last_step(c: &Client) {
    for _ in 0..10 {
        let Ok(next) = c.find(Locator::Css(".k-stepnav .k-next")).await else { return };
        if !next.is_displayed().await.unwrap() {
            return;
        }
        next.click().await.unwrap();
    }
}

fn db(dir: &std::path::Path) -> koers_store::Database {
    koers_store::Database::open(&format!("sqlite://{}", dir.join("k.db").display()), 1).unwrap()
}

fn drafts(dir: &std::path::Path) -> Vec<String> {
    use koers_store::schema::response_drafts;
    response_drafts::table.select(response_drafts::fields).load(&mut *db(dir).conn().unwrap()).unwrap()
}

fn stored(dir: &std::path::Path, item: &str) -> usize {
    use koers_store::schema::answers;
    answers::table.filter(answers::item_id.eq(item)).count().get_result::<i64>(&mut *db(dir).conn().unwrap()).unwrap()
        as usize
}

#[actix_web::test]
async fn half_a_diary_survives_a_reload_and_comes_back_on_another_device() {
    let dir = tempfile::tempdir().unwrap();
    let mock = MockServer::start().await;
    let bird = Bird::default();
    Mock::given(wiremock::matchers::method("POST")).respond_with(bird.clone()).mount(&mock).await;
    let _server = start(dir.path(), &mock.uri()).await;
    let link = bird.link_for("31612300101").await;

    let b = Browser::phone("drafts_half_a_diary", true).await;
    to_the_diary(&b.client, &link).await;
    let diary = b.client.current_url().await.unwrap();
    // Half the diary: whether they were at school, and the wellbeing slider.
    press(&b.client, "input[name=attended][value=yes]").await;
    let step = b.client.find(Locator::Css(".k-step-n")).await.unwrap().text().await.unwrap();
    assert_eq!(step, "Stap 1 van 4", "the diary comes in four steps");
    to_the_last_step(&b.client).await;
    b.client.find(Locator::Css("#f-wellbeing")).await.unwrap().click().await.unwrap();
    b.screenshot("01-half").await;
    let start = Instant::now();
    while !drafts(dir.path()).iter().any(|d| d.contains("attended") && d.contains(r#""wellbeing__touched","1""#)) {
        assert!(start.elapsed() < Duration::from_secs(15), "the draft reaches the server: {:?}", drafts(dir.path()));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(stored(dir.path(), "attended"), 0, "a draft is never stored as an answer");

    b.client.refresh().await.unwrap();
    assert!(selected(&b.client, "input[name=attended][value=yes]").await, "kept after a reload");
    b.screenshot("02-reloaded").await;
    b.close().await;

    // Another device (a new browser profile), opened from the SMS link again.
    let other = Browser::phone("drafts_other_device", true).await;
    other.client.goto(&link).await.unwrap();
    assert_eq!(other.client.current_url().await.unwrap().path(), diary.path(), "the link leads to the diary");
    assert!(selected(&other.client, "input[name=attended][value=yes]").await, "kept on another device");
    let touched = other.client.find(Locator::Css("input[name=wellbeing__touched]")).await.unwrap();
    assert_eq!(touched.attr("value").await.unwrap().as_deref(), Some("1"), "the touched slider stays touched");
    assert!(other.axe_violations().await.is_empty(), "the restored page passes axe-core");
    other.screenshot("03-other-device").await;
    to_the_last_step(&other.client).await;
    press_and_follow(&other.client, SUBMIT).await;
    assert!(text(&other.client).await.contains("Dank je wel"), "{}", text(&other.client).await);
    other.close().await;
    assert_eq!(stored(dir.path(), "attended"), 1);
    assert!(drafts(dir.path()).is_empty(), "a completed response keeps no draft");
}

#[actix_web::test]
async fn a_submit_without_a_session_keeps_the_answers_for_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let mock = MockServer::start().await;
    let bird = Bird::default();
    Mock::given(wiremock::matchers::method("POST")).respond_with(bird.clone()).mount(&mock).await;
    let _server = start(dir.path(), &mock.uri()).await;
    let link = bird.link_for("31612300102").await;

    // Without scripts (nothing is saved before the submit) on the smallest phone.
    let b = Browser::phone_of_width("drafts_lost_session", false, 320).await;
    to_the_diary(&b.client, &link).await;
    press(&b.client, "input[name=attended][value=no]").await;
    press(&b.client, "input[name=wellbeing__touched][type=checkbox]").await;
    b.client.delete_cookie("koers_p").await.unwrap();
    press_and_follow(&b.client, SUBMIT).await;
    let page = text(&b.client).await;
    assert!(page.contains("Je antwoorden zijn bewaard"), "{page}");
    b.screenshot("01-kept").await;
    let violations = b.axe_violations().await;
    assert!(violations.is_empty(), "01-kept: axe-core found {violations:?}");
    assert_eq!(stored(dir.path(), "attended"), 0, "nothing was submitted");
    assert_eq!(drafts(dir.path()).len(), 1, "what was posted is kept");

    b.client.goto(&link).await.unwrap();
    assert!(text(&b.client).await.contains("Jouw week"));
    assert!(selected(&b.client, "input[name=attended][value=no]").await, "the answer is back");
    assert!(selected(&b.client, "input[name=wellbeing__touched][type=checkbox]").await, "the slider's tick is back");
    b.screenshot("02-back").await;
    let violations = b.axe_violations().await;
    assert!(violations.is_empty(), "02-back: axe-core found {violations:?}");
    press_and_follow(&b.client, SUBMIT).await;
    assert!(text(&b.client).await.contains("Dank je wel, Daan!"));
    b.close().await;
    assert_eq!(stored(dir.path(), "attended"), 1);
}
