//! Feedback for mentors in a real headless Chromium at 360 px: a student agrees on the
//! feedback consent page, and her mentor then sees her trend and the support match (0 axe
//! violations, no sideways scrolling); a student who did not agree shows nothing (no link,
//! 404), and neither does anyone once the study switches feedback off. Each view is recorded.
//! Screenshots go to target/screenshots/feedback_view_*/.

mod support;

use chrono::{TimeDelta, Utc};
use diesel::prelude::*;
use fantoccini::Locator;
use koers_store::schema::{answers, feedback_shown, person_identities, responses, subscriptions};
use support::browser::Browser;
use support::gateway::{run, serve_study, Bird};
use support::taps::{press, press_and_follow, text, SUBMIT};
use wiremock::{Mock, MockServer};

const PEOPLE: &str = "type,team_name,first_name,last_name,gender,mobile_phone,protocol_name,filling_out_for,locale
Student,Entree,Sanne,de Vries,female,0612300101,demo_student,,nl
Student,Entree,Daan,Jansen,male,0612300102,demo_student,,nl
Mentor,Entree,Joris,Bakker,male,0612300201,demo_mentor,0612300101,nl
Mentor,Entree,Joris,Bakker,male,0612300201,demo_mentor,0612300102,nl
";

fn db(dir: &std::path::Path) -> koers_store::Database {
    koers_store::Database::open(&format!("sqlite://{}", dir.join("k.db").display()), 1).unwrap()
}

fn person(c: &mut koers_store::DbConnection, phone: &str) -> i64 {
    person_identities::table
        .filter(person_identities::mobile_phone.eq(phone))
        .select(person_identities::person_id)
        .first(c)
        .unwrap()
}

/// Four past weeks of answered diaries: the student's own (a falling commitment and the support
/// she felt) and her mentor's about her (the support he meant to give).
fn plant_weeks(dir: &std::path::Path) -> (i64, i64, i64) {
    let db = db(dir);
    let c = &mut *db.conn().unwrap();
    let (sanne, daan, joris) = (person(c, "+31612300101"), person(c, "+31612300102"), person(c, "+31612300201"));
    let sub = |c: &mut koers_store::DbConnection, p: i64, about: Option<i64>| -> i64 {
        let q = subscriptions::table.filter(subscriptions::person_id.eq(p)).select(subscriptions::id);
        match about {
            Some(a) => q.filter(subscriptions::filling_out_for_id.eq(a)).first(c).unwrap(),
            None => q.filter(subscriptions::filling_out_for_id.is_null()).first(c).unwrap(),
        }
    };
    let (own, mentors) = (sub(c, sanne, None), sub(c, joris, Some(sanne)));
    // The pair started before the planted weeks.
    diesel::update(koers_store::schema::pairs::table.filter(koers_store::schema::pairs::student_id.eq(sanne)))
        .set(koers_store::schema::pairs::starts_on.eq((Utc::now() - TimeDelta::weeks(8)).date_naive()))
        .execute(c)
        .unwrap();
    let mut last_own = 0;
    for week in 1..=4i64 {
        let open = (Utc::now() - TimeDelta::weeks(5 - week)).naive_utc();
        for (s, key, items) in [
            (
                own,
                "student_diary",
                vec![
                    ("programme_choice", 90.0 - 10.0 * week as f64),
                    ("programme_fit", 80.0 - 10.0 * week as f64),
                    ("wellbeing", 60.0),
                    ("mentor_support_autonomy", 50.0),
                    ("mentor_support_competence", 55.0),
                    ("mentor_support_relatedness", 60.0),
                ],
            ),
            (
                mentors,
                "mentor_diary",
                vec![("intended_autonomy", 70.0), ("intended_competence", 75.0), ("intended_relatedness", 80.0)],
            ),
        ] {
            let id: i64 = diesel::insert_into(responses::table)
                .values((
                    responses::subscription_id.eq(s),
                    responses::measurement_key.eq("planted"),
                    responses::occurrence.eq(week as i32),
                    responses::questionnaire_key.eq(key),
                    responses::open_at.eq(open),
                    responses::close_at.eq(open + TimeDelta::days(2)),
                    responses::completed_at.eq(Some(open + TimeDelta::hours(1))),
                    responses::created_at.eq(open),
                ))
                .returning(responses::id)
                .get_result(c)
                .unwrap();
            if s == own {
                last_own = id;
            }
            for (item, v) in items {
                diesel::insert_into(answers::table)
                    .values((
                        answers::response_id.eq(id),
                        answers::item_id.eq(item),
                        answers::value_kind.eq("number"),
                        answers::value_number.eq(Some(v)),
                    ))
                    .execute(c)
                    .unwrap();
            }
        }
    }
    (sanne, daan, last_own)
}

async fn page_ok(b: &Browser, shot: &str) {
    b.screenshot(shot).await;
    assert_eq!(b.horizontal_overflow().await, 0, "{shot}: no sideways scrolling");
    let violations = b.axe_violations().await;
    assert!(violations.is_empty(), "{shot}: axe-core found {violations:?}");
}

#[actix_web::test]
async fn a_mentor_sees_the_trend_and_support_of_a_consenting_student_only() {
    let dir = tempfile::tempdir().unwrap();
    let mock = MockServer::start().await;
    let bird = Bird::default();
    Mock::given(wiremock::matchers::method("POST")).respond_with(bird.clone()).mount(&mock).await;
    let server = serve_study(dir.path(), &mock.uri(), PEOPLE).await;
    let on =
        "feedback:\n  trends: true\n  support_match: true\n  own_trend: true\n  constructs: [commitment, wellbeing]\n";
    std::fs::write(dir.path().join("feedback.yaml"), on).unwrap();
    run(dir.path(), &["study", "settings", "--study", "vsv", "--file", "feedback.yaml"]);

    // Sanne agrees to take part, then on the feedback page to both kinds of feedback.
    let s = Browser::phone("feedback_view_student", true).await;
    s.client.goto(&bird.link_for("31612300101").await).await.unwrap();
    press(&s.client, "input[name=consent_age_under_16][value=no]").await;
    press(&s.client, "input[name=consent_agree][value=agree]").await;
    press_and_follow(&s.client, SUBMIT).await;
    let asked = text(&s.client).await;
    assert!(asked.contains("Wat mag je begeleider zien?"), "{asked}");
    assert!(!asked.contains("seintje"), "warnings are off, so not asked about: {asked}");
    page_ok(&s, "01-feedback-consent").await;
    press(&s.client, "input[name=consent_feedback_trends][value=yes]").await;
    press(&s.client, "input[name=consent_feedback_support_match][value=yes]").await;
    press(&s.client, "input[name=consent_feedback_own_trend][value=yes]").await;
    press_and_follow(&s.client, SUBMIT).await;
    let (sanne, daan, diary) = plant_weeks(dir.path());
    // After a diary she sees her own trend (feedback.own_trend, her own consent).
    s.client.goto(&format!("{}/p/klaar/{diary}", server.base)).await.unwrap();
    let thanks = text(&s.client).await;
    assert!(thanks.contains("Alleen jij ziet dit"), "{thanks}");
    assert_eq!(s.client.find_all(Locator::Css("svg[role=img]")).await.unwrap().len(), 2, "two trends");
    page_ok(&s, "02-own-trend").await;
    s.close().await;

    // Joris: consent, then his overview links Sanne's view and not Daan's.
    let m = Browser::phone("feedback_view_mentor", true).await;
    m.client.goto(&bird.link_for("31612300201").await).await.unwrap();
    press(&m.client, "input[name=consent_agree][value=agree]").await;
    press(&m.client, "input[name=share_contact][value=yes]").await;
    press_and_follow(&m.client, SUBMIT).await;
    m.client.goto(&format!("{}/p", server.base)).await.unwrap();
    let links: Vec<String> = {
        let mut out = Vec::new();
        for a in m.client.find_all(Locator::Css("a[href^='/p/student/']")).await.unwrap() {
            out.push(a.attr("href").await.unwrap().unwrap_or_default());
        }
        out
    };
    assert_eq!(links, vec![format!("/p/student/{sanne}")], "only the student who agreed");
    page_ok(&m, "01-overview").await;
    press_and_follow(&m.client, "a[href^='/p/student/']").await;
    let view = text(&m.client).await;
    assert!(view.contains("Hoe het gaat met Sanne"), "{view}");
    assert!(view.contains("Steun: u en uw student"), "{view}");
    assert_eq!(
        m.client.find_all(Locator::Css("svg[role=img]")).await.unwrap().len(),
        3,
        "two trends, one support match"
    );
    assert!(view.contains("75") && view.contains("55"), "the table holds the weekly means: {view}");
    page_ok(&m, "02-student-view").await;

    // Daan did not agree: nothing, even by typing the address.
    m.client.goto(&format!("{}/p/student/{daan}", server.base)).await.unwrap();
    assert!(!text(&m.client).await.contains("Hoe het gaat met"), "nothing about Daan");
    assert_eq!(status(&m, &format!("/p/student/{daan}")).await, 404);

    // The study switches feedback off: Sanne's view is gone too.
    std::fs::write(dir.path().join("off.yaml"), "feedback:\n  trends: false\n").unwrap();
    run(dir.path(), &["study", "settings", "--study", "vsv", "--file", "off.yaml"]);
    m.client.goto(&format!("{}/p", server.base)).await.unwrap();
    assert!(m.client.find(Locator::Css("a[href^='/p/student/']")).await.is_err(), "no link with feedback off");
    m.client.goto(&format!("{}/p/student/{sanne}", server.base)).await.unwrap();
    assert!(!text(&m.client).await.contains("Hoe het gaat met"), "nothing with feedback off");
    assert_eq!(status(&m, &format!("/p/student/{sanne}")).await, 404);
    m.close().await;

    let views: Vec<(String, i64, Option<String>)> = feedback_shown::table
        .select((feedback_shown::kind, feedback_shown::about_person_id, feedback_shown::rule))
        .load(&mut *db(dir.path()).conn().unwrap())
        .unwrap();
    assert!(views.iter().all(|v| v.0 == "view" && v.1 == sanne), "{views:?}");
    let count = |rule: &str| views.iter().filter(|v| v.2.as_deref() == Some(rule)).count();
    assert_eq!((count("own_trend"), count("trend"), count("support_match")), (2, 2, 1), "each viewed once: {views:?}");
}

/// The status the server answers to a GET of `path` in the mentor's own session.
async fn status(b: &Browser, path: &str) -> u64 {
    let script = "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => done(r.status));";
    b.client.execute_async(script, vec![serde_json::json!(path)]).await.unwrap().as_u64().unwrap()
}
