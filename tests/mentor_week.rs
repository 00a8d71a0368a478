//! A mentor's normal week, in a real headless Chromium against the real binary: three
//! students, a diary about each with one or two actions, last week's actions copied where
//! there was a last week. The test counts taps and page loads (goal: at most 30 and 5) and
//! prints them. A second mentor on a 320-pixel phone without scripts sees two action blocks,
//! gets more with a button, and copies last week through the server. Screenshots go to
//! target/screenshots/mentor_week_*/.

mod support;

use diesel::prelude::*;
use fantoccini::{Client, Locator};
use support::browser::Browser;
use support::gateway::{serve_study, Bird};
use support::taps::{press, press_and_follow, text, wait_for_new_page, CONFIRM_EMPTY, SUBMIT};
use wiremock::{Mock, MockServer};

const PEOPLE: &str = "type,team_name,first_name,last_name,gender,mobile_phone,protocol_name,filling_out_for,locale
Student,Entree,Sanne,de Vries,female,0612300101,demo_student,,nl
Student,Entree,Daan,Jansen,male,0612300102,demo_student,,nl
Student,Entree,Noor,Bakker,female,0612300103,demo_student,,nl
Mentor,Entree,Joris,Bakker,male,0612300201,demo_mentor,0612300101,nl
Mentor,Entree,Joris,Bakker,male,0612300201,demo_mentor,0612300102,nl
Mentor,Entree,Joris,Bakker,male,0612300201,demo_mentor,0612300103,nl
Mentor,Entree,Fatima,El Amrani,female,0612300202,demo_mentor,0612300103,nl
";

fn db(dir: &std::path::Path) -> koers_store::Database {
    koers_store::Database::open(&format!("sqlite://{}", dir.join("k.db").display()), 1).unwrap()
}

/// Last week's diary of `mentor` about `student`, completed, with `actions` action blocks:
/// what "same as last week" copies.
fn last_week(dir: &std::path::Path, mentor: &str, student: &str, actions: usize) {
    let db = db(dir);
    let mut c = db.conn().unwrap();
    let found = format!(
        "SELECT s.id AS id FROM subscriptions s JOIN person_identities m ON m.person_id = s.person_id \
         JOIN person_identities st ON st.person_id = s.filling_out_for_id WHERE m.first_name = '{mentor}' AND st.first_name = '{student}'"
    );
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let sub = diesel::sql_query(found).get_result::<Id>(&mut *c).unwrap().id;
    diesel::sql_query(format!(
        "INSERT INTO responses (subscription_id, measurement_key, occurrence, questionnaire_key, open_at, close_at, completed_at, created_at) \
         VALUES ({sub}, 'diary', -1, 'mentor_diary', datetime('now', '-8 days'), datetime('now', '-5 days'), datetime('now', '-6 days'), datetime('now', '-8 days'))"
    ))
    .execute(&mut *c)
    .unwrap();
    let response = diesel::sql_query("SELECT max(id) AS id FROM responses").get_result::<Id>(&mut *c).unwrap().id;
    let mut rows = vec![("contact".to_string(), "option", "'yes'".to_string(), "NULL")];
    for n in 1..=actions {
        rows.push((format!("action_description__{n}"), "text", format!("'Gesprek {n} over de stage'"), "NULL"));
        rows.push((format!("action_types__{n}"), "options", "'[\"motivating\"]'".into(), "NULL"));
        rows.push((format!("action_goals__{n}"), "options", "'[\"relationship\"]'".into(), "NULL"));
        rows.push((format!("action_satisfaction__{n}"), "number", "NULL".into(), "70"));
    }
    for (item, kind, text, number) in rows {
        diesel::sql_query(format!(
            "INSERT INTO answers (response_id, item_id, value_kind, value_text, value_number) VALUES ({response}, '{item}', '{kind}', {text}, {number})"
        ))
        .execute(&mut *c)
        .unwrap();
    }
}

fn stored_texts(dir: &std::path::Path, item: &str) -> usize {
    use koers_store::schema::answers;
    answers::table
        .filter(answers::item_id.eq(item).and(answers::value_kind.eq("text")))
        .count()
        .get_result::<i64>(&mut *db(dir).conn().unwrap())
        .unwrap() as usize
}

/// What a person does on the phone, counted: a tap on a control or link, and a page that loads.
#[derive(Default)]
struct Count {
    taps: usize,
    loads: usize,
}

impl Count {
    /// A real tap (WebDriver's click: the page's script sees it, a slider takes the value).
    async fn tap(&mut self, c: &Client, css: &str) {
        self.taps += 1;
        c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
    }

    async fn tap_and_follow(&mut self, c: &Client, css: &str) {
        let old = c.find(Locator::Css("html")).await.unwrap();
        self.tap(c, css).await;
        self.loads += 1;
        wait_for_new_page(c, old).await;
    }

    /// A tap into a field, then typing (the keys are not counted as taps).
    async fn type_in(&mut self, c: &Client, css: &str, words: &str) {
        self.tap(c, css).await;
        c.find(Locator::Css(css)).await.unwrap().send_keys(words).await.unwrap();
    }
}

async fn page_ok(b: &Browser, shot: &str) {
    b.screenshot(shot).await;
    assert_eq!(b.horizontal_overflow().await, 0, "{shot}: no sideways scrolling");
    // With scripts off too: axe-core runs through WebDriver, on the page as it is without them.
    let violations = b.axe_violations().await;
    assert!(violations.is_empty(), "{shot}: axe-core found {violations:?}");
}

/// Consent and the mentor's own intake (sent empty): once, before the weeks that count.
async fn first_visit(c: &Client, link: &str) {
    c.goto(link).await.unwrap();
    press(c, "input[name=consent_agree][value=agree]").await;
    press(c, "input[name=share_contact][value=yes]").await;
    press_and_follow(c, SUBMIT).await;
    let own = c.find(Locator::Css("li.p-todo a.p-button")).await.unwrap();
    let href = own.attr("href").await.unwrap().unwrap();
    c.goto(&href).await.unwrap();
    assert!(c.find(Locator::Css("input[name=contact]")).await.is_err(), "the first link is the mentor's own intake");
    press_and_follow(c, SUBMIT).await;
    if text(c).await.contains("Nog niets ingevuld") {
        press_and_follow(c, CONFIRM_EMPTY).await;
    }
}

async fn visible(c: &Client, css: &str) -> usize {
    let mut n = 0;
    for e in c.find_all(Locator::Css(css)).await.unwrap() {
        if e.is_displayed().await.unwrap() {
            n += 1;
        }
    }
    n
}

#[actix_web::test]
async fn a_normal_mentor_week_for_three_students_takes_at_most_30_taps_and_5_page_loads() {
    let dir = tempfile::tempdir().unwrap();
    let mock = MockServer::start().await;
    let bird = Bird::default();
    Mock::given(wiremock::matchers::method("POST")).respond_with(bird.clone()).mount(&mock).await;
    let server = serve_study(dir.path(), &mock.uri(), PEOPLE).await;
    // Last week: a diary about Daan with two actions, one about Sanne with one; Noor is new.
    last_week(dir.path(), "Joris", "Daan", 2);
    last_week(dir.path(), "Joris", "Sanne", 1);
    last_week(dir.path(), "Fatima", "Noor", 1);

    let m = Browser::phone("mentor_week_js", true).await;
    first_visit(&m.client, &bird.link_for("31612300201").await).await;

    // The week that counts starts at the SMS link (the overview).
    let c = &m.client;
    let mut count = Count::default();
    c.goto(&format!("{}/p", server.base)).await.unwrap();
    count.loads += 1;
    let overview = text(c).await;
    assert_eq!(overview.matches("Uw dagboek: nog te doen").count(), 3, "{overview}");
    assert!(overview.contains("Daan zelf: heeft nog niet ingevuld"), "the student's own diary apart: {overview}");
    page_ok(&m, "01-overview").await;
    count.tap_and_follow(c, "li.p-todo a.p-button").await;
    let mut seen = Vec::new();
    for diary in 0..3 {
        let page = text(c).await;
        let name =
            ["Daan", "Noor", "Sanne"].into_iter().find(|n| page.contains(&format!("Deze week met {n}"))).unwrap();
        seen.push(name);
        if diary > 0 {
            assert!(page.contains(&format!("Opgeslagen: uw dagboek over {}", seen[diary - 1])), "{page}");
        }
        count.tap(c, "input[name=contact][value=yes]").await;
        if name == "Noor" {
            // No last week: one action typed in.
            assert!(c.find(Locator::Css(".k-copy button")).await.is_err(), "nothing to copy for Noor");
            count.type_in(c, "#f-action_description__1", "Samen het rooster bekeken").await;
            count.tap(c, "input[name=action_types__1][value=supporting_schoolwork]").await;
            count.tap(c, "input[name=action_goals__1][value=skills]").await;
            count.tap(c, "#f-action_satisfaction__1").await;
        } else {
            count.tap(c, ".k-copy button").await;
            let typed = c.find(Locator::Css("#f-action_description__1")).await.unwrap().prop("value").await.unwrap();
            assert_eq!(typed.as_deref(), Some("Gesprek 1 over de stage"), "last week's action is copied in");
            if name == "Daan" {
                assert_eq!(visible(c, ".k-expansion").await, 2, "both of last week's actions show");
                // With changes: the second action went differently this week.
                count.tap(c, "input[name=action_goals__2][value=skills]").await;
            }
        }
        count.type_in(c, "input[name=hours]", "1").await;
        page_ok(&m, &format!("02-diary-{name}")).await;
        count.tap_and_follow(c, SUBMIT).await;
    }
    let end = text(c).await;
    assert!(end.contains("Dat was alles voor deze week"), "{end}");
    page_ok(&m, "03-done").await;
    println!("mentor week, 3 students: {} taps, {} page loads (goal: at most 30 and 5)", count.taps, count.loads);
    assert!(count.taps <= 30, "{} taps", count.taps);
    assert!(count.loads <= 5, "{} page loads", count.loads);

    c.goto(&format!("{}/p", server.base)).await.unwrap();
    let overview = text(c).await;
    assert_eq!(overview.matches("Uw dagboek: ✓ klaar").count(), 3, "{overview}");
    page_ok(&m, "04-overview-done").await;
    m.close().await;
    assert_eq!(stored_texts(dir.path(), "action_description__1"), 3 + 3, "last week's three and this week's three");
    assert_eq!(stored_texts(dir.path(), "action_description__2"), 2, "Daan's second action, copied");

    // Without scripts, on 320 pixels: two action blocks and a button for more; copying goes
    // through the server and keeps what was typed elsewhere.
    let n = Browser::phone_of_width("mentor_week_320_no_js", false, 320).await;
    let c = &n.client;
    first_visit(c, &bird.link_for("31612300202").await).await;
    c.goto(&format!("{}/p", server.base)).await.unwrap();
    page_ok(&n, "00-overview").await;
    press_and_follow(c, "li.p-todo a.p-button").await;
    assert_eq!(c.find_all(Locator::Css(".k-expansion:not([hidden])")).await.unwrap().len(), 2);
    assert!(text(c).await.contains("Deze vragenlijst heeft"), "the diary says how long it is");
    page_ok(&n, "00-diary").await;
    press(c, "input[name=contact][value=yes]").await;
    c.find(Locator::Css("#f-action_description__2")).await.unwrap().send_keys("Met ouders gebeld").await.unwrap();
    press_and_follow(c, "button.k-more").await;
    assert_eq!(c.find_all(Locator::Css(".k-expansion:not([hidden])")).await.unwrap().len(), 3, "one more block");
    let kept = c.find(Locator::Css("#f-action_description__2")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("Met ouders gebeld"), "what was typed stays");
    page_ok(&n, "01-more").await;
    press_and_follow(c, ".k-copy button").await;
    let copied = c.find(Locator::Css("#f-action_description__1")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(copied.as_deref(), Some("Gesprek 1 over de stage"));
    assert!(c.find(Locator::Css("input[name=contact][value=yes]")).await.unwrap().is_selected().await.unwrap());
    page_ok(&n, "02-copied").await;
    n.close().await;
}
