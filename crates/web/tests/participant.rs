//! Students, parents and mentors through the real application on real databases: from the
//! link to a stored answer, and everything that must be refused on the way.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{test, web, App};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use koers_core::clock::{Clock, FixedClock};
use koers_core::settings::Settings;
use koers_core::study_settings::SettingsSection;
use koers_store::schema::{
    answers, consents, invitations, link_tokens, paradata, people, responses, reward_ledger, subscriptions,
};
use koers_store::testing::TestDb;
use koers_store::{tokens, Database};
use koers_web::AppState;
use std::sync::Arc;

mod study_support;

use study_support::{csrf, link, person, thursday, Visitor};

const PEOPLE: &str =
    "type,team_name,first_name,last_name,gender,mobile_phone,protocol_name,start_date,filling_out_for,locale
Student,Team A,Sanne,de Vries,female,0612345601,vsv_student,2026-11-02,,nl
Student,Team A,Daan,Jansen,male,0612345602,vsv_student,2026-11-02,,nl
Student,Team B,Noor,Smit,female,0612345603,vsv_student,2026-11-02,,en
Mentor,Team A,Joris,Bakker,male,0612345701,vsv_mentor,2026-11-02,0612345601,nl
Mentor,Team A,Joris,Bakker,male,0612345701,vsv_mentor,2026-11-02,0612345602,nl
Mentor,Team B,Fatima,El Amrani,female,0612345702,vsv_mentor,2026-11-02,0612345603,nl
";

struct Study {
    t: TestDb,
    clock: Arc<FixedClock>,
}

fn load_definitions(c: &mut koers_store::DbConnection, study_id: i64, now: DateTime<Utc>) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for (dir, protocol) in [("questionnaires", false), ("protocols", true)] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let header = koers_core::content::definition_header(&text).unwrap();
            let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
            if protocol {
                let name = header.name.unwrap_or(stem);
                koers_store::definitions::store_protocol(c, study_id, &name, header.role.as_deref(), &text, None, now)
                    .unwrap();
            } else {
                let key = header.key.unwrap_or(stem);
                koers_store::definitions::store_questionnaire(c, study_id, &key, None, &text, None, now).unwrap();
            }
        }
    }
}

fn study(t: TestDb) -> Study {
    let now = thursday();
    let study_id =
        t.db.write(|c| -> Result<i64, koers_store::StoreError> {
            let s = koers_store::studies::ensure_study(
                c,
                &koers_store::studies::NewStudy {
                    key: "vsv",
                    name: "VSV",
                    time_zone: "Europe/Amsterdam",
                    default_locale: "nl",
                    test_mode: false,
                },
                now,
            )?;
            let org = koers_store::studies::ensure_organisation(c, s.id, "roc", "ROC", None, now)?;
            koers_store::studies::ensure_team(c, org.id, "Team A", now)?;
            koers_store::studies::ensure_team(c, org.id, "Team B", now)?;
            load_definitions(c, s.id, now);
            Ok(s.id)
        })
        .unwrap();
    study_support::import(&t.db, study_id, PEOPLE, now);
    koers_scheduler::plan::plan(&t.db, now, None).unwrap();
    Study { t, clock: Arc::new(FixedClock::new(now)) }
}

fn app_state(s: &Study) -> AppState {
    let settings = Settings { base_url: "https://koers.example".into(), ..Settings::default() };
    AppState::new(s.t.db.clone(), s.clock.clone(), settings)
}

async fn visitor(
    s: &Study,
) -> Visitor<impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>> {
    let app =
        test::init_service(App::new().app_data(web::Data::new(app_state(s))).configure(koers_web::configure)).await;
    Visitor { app, cookies: Vec::new() }
}

fn count<T>(db: &Database, f: impl FnOnce(&mut koers_store::DbConnection) -> QueryResult<T>) -> T {
    f(&mut db.conn().unwrap()).unwrap()
}

async fn consent_as_adult<S>(v: &mut Visitor<S>, page: &str) -> (StatusCode, String, Option<String>)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    assert!(page.contains("Meedoen aan het onderzoek"), "consent comes first");
    let token = csrf(page);
    v.post("/p/toestemming", &[("csrf", &token), ("consent_age_under_16", "no"), ("consent_agree", "agree")]).await
}

#[actix_web::test]
async fn a_student_consents_answers_the_diary_and_sees_the_reward_on_both_databases() {
    for (name, t) in TestDb::both() {
        let s = study(t);
        let sanne = person(&s.t.db, "+31612345601");
        let mut v = visitor(&s).await;
        let (status, page, _) = v.open(&link(&s.t.db, sanne, s.clock.now())).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        let (status, _, to) = consent_as_adult(&mut v, &page).await;
        assert_eq!((status, to.as_deref()), (StatusCode::SEE_OTHER, Some("/p")), "{name}");
        let given: i64 =
            count(&s.t.db, |c| consents::table.filter(consents::person_id.eq(sanne)).count().get_result(c));
        assert_eq!(given, 1, "{name}: consent is recorded with its text version");

        let (status, _, to) = v.get("/p").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{name}: the open diary is shown");
        let diary = to.unwrap();
        let (status, page, _) = v.get(&diary).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Jouw week"), "{name}: the diary");
        let token = csrf(&page);
        // Sliders: one touched, one sent with its middle value but never touched.
        let form = [
            ("csrf", token.as_str()),
            ("attended", "yes"),
            ("school_experience", "80"),
            ("school_experience__touched", "1"),
            ("school_autonomy", "50"),
            ("wellbeing", "70"),
            ("wellbeing__touched", "1"),
        ];
        let (status, _, to) = v.post(&diary, &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{name}: accepted");
        let thanks = to.unwrap();
        assert!(thanks.starts_with("/p/klaar/"));
        let (_, page, _) = v.get(&thanks).await;
        assert!(page.contains("Dank je wel, Sanne!"), "{name}: {page}");
        assert!(page.contains("€ 2,00"), "{name}: the reward is shown");

        let response_id: i64 = diary.rsplit('/').next().unwrap().parse().unwrap();
        let stored: Vec<(String, String, Option<f64>)> = count(&s.t.db, |c| {
            answers::table
                .filter(answers::response_id.eq(response_id))
                .select((answers::item_id, answers::value_kind, answers::value_number))
                .load(c)
        });
        let of = |id: &str| stored.iter().find(|a| a.0 == id).cloned();
        assert_eq!(of("school_experience"), Some(("school_experience".into(), "number".into(), Some(80.0))), "{name}");
        assert_eq!(of("school_autonomy").map(|a| a.1), Some("not_answered".into()), "{name}: untouched slider");
        let touched: Vec<(String, bool)> = count(&s.t.db, |c| {
            paradata::table
                .filter(paradata::response_id.eq(response_id))
                .select((paradata::item_id, paradata::touched))
                .load(c)
        });
        assert!(
            touched.contains(&("school_experience".into(), true))
                && touched.contains(&("school_autonomy".into(), false))
        );

        // A double submit changes nothing and lands on the same thank-you page.
        let before = stored.len();
        let (status, _, to) = v.post(&diary, &form).await;
        assert_eq!((status, to.as_deref()), (StatusCode::SEE_OTHER, Some(thanks.as_str())), "{name}");
        let after: i64 =
            count(&s.t.db, |c| answers::table.filter(answers::response_id.eq(response_id)).count().get_result(c));
        assert_eq!(after as usize, before, "{name}: stored once");
        let rewards: i64 =
            count(&s.t.db, |c| reward_ledger::table.filter(reward_ledger::person_id.eq(sanne)).count().get_result(c));
        assert_eq!(rewards, 1, "{name}: rewarded once");

        // Nothing more is open: the home page says when the next one comes, kindly.
        let (status, page, _) = v.get("/p").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("donderdag 3 december om 12:00"), "{name}: {page}");
    }
}

#[actix_web::test]
async fn guessed_tokens_are_refused_and_then_rate_limited() {
    let s = study(TestDb::sqlite());
    let mut v = visitor(&s).await;
    let mut statuses = Vec::new();
    for i in 0..40 {
        let (status, page, _) = v.get(&format!("/l/AAAAAAAAAAAAAAAAAAAA{i:02}")).await;
        if status == StatusCode::NOT_FOUND {
            assert!(page.contains("Deze link kennen we niet"));
        }
        statuses.push(status);
    }
    assert!(statuses[..30].iter().all(|s| *s == StatusCode::NOT_FOUND), "{statuses:?}");
    assert!(statuses[30..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    assert!(v.cookies.is_empty(), "no session for a guess");
    // Only hashes are stored: the table holds no plain token.
    let stored: Vec<String> = count(&s.t.db, |c| link_tokens::table.select(link_tokens::token_hash).load(c));
    assert!(stored.iter().all(|h| h.len() == 64));
}

#[actix_web::test]
async fn a_form_without_its_csrf_token_is_refused_and_nothing_is_stored() {
    let s = study(TestDb::sqlite());
    let sanne = person(&s.t.db, "+31612345601");
    let mut v = visitor(&s).await;
    let (_, page, _) = v.open(&link(&s.t.db, sanne, s.clock.now())).await;
    let (status, _, _) = v.post("/p/toestemming", &[("consent_age_under_16", "no"), ("consent_agree", "agree")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = v
        .post(
            "/p/toestemming",
            &[("csrf", "not-the-token-at-all-xx"), ("consent_age_under_16", "no"), ("consent_agree", "agree")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let given: i64 = count(&s.t.db, |c| consents::table.count().get_result(c));
    assert_eq!(given, 0);
    consent_as_adult(&mut v, &page).await;
    let (_, _, to) = v.get("/p").await;
    let diary = to.unwrap();
    let (status, _, _) = v.post(&diary, &[("attended", "no")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let stored: i64 = count(&s.t.db, |c| answers::table.count().get_result(c));
    assert_eq!(stored, 0);
}

#[actix_web::test]
async fn html_typed_into_an_answer_comes_back_escaped() {
    let s = study(TestDb::sqlite());
    let sanne = person(&s.t.db, "+31612345601");
    let mut v = visitor(&s).await;
    let (_, page, _) = v.open(&link(&s.t.db, sanne, s.clock.now())).await;
    consent_as_adult(&mut v, &page).await;
    let (_, _, to) = v.get("/p").await;
    let diary = to.unwrap();
    let (_, page, _) = v.get(&diary).await;
    let token = csrf(&page);
    // A value outside the option list makes the form come back, with the text as typed.
    let (status, page, _) = v
        .post(
            &diary,
            &[("csrf", &token), ("attended", "maybe"), ("anything_else", "<script>alert('x')</script><b>hoi</b>")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!page.contains("<script>alert"), "never raw");
    assert!(!page.contains("<b>hoi</b>"));
    assert!(page.contains("&lt;script&gt;alert("), "shown escaped: {page}");
}

#[actix_web::test]
async fn a_mentor_sees_status_never_answers_and_cannot_reach_another_mentors_student() {
    for (name, t) in TestDb::both() {
        let s = study(t);
        let now = s.clock.now();
        let (sanne, joris, fatima) =
            (person(&s.t.db, "+31612345601"), person(&s.t.db, "+31612345701"), person(&s.t.db, "+31612345702"));
        // Sanne answers her diary with a free text that must never reach her mentor.
        let mut student = visitor(&s).await;
        let (_, page, _) = student.open(&link(&s.t.db, sanne, now)).await;
        consent_as_adult(&mut student, &page).await;
        let (_, _, to) = student.get("/p").await;
        let diary = to.unwrap();
        let (_, page, _) = student.get(&diary).await;
        let token = csrf(&page);
        let (status, _, _) =
            student.post(&diary, &[("csrf", &token), ("attended", "no"), ("anything_else", "GEHEIM-ANTWOORD")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);

        let mut mentor = visitor(&s).await;
        let (_, page, _) = mentor.open(&link(&s.t.db, joris, now)).await;
        assert!(page.contains("Meedoen als begeleider"), "{name}: mentor consent first");
        let token = csrf(&page);
        mentor.post("/p/toestemming", &[("csrf", &token), ("consent_agree", "agree"), ("share_contact", "yes")]).await;
        let (status, page, _) = mentor.get("/p").await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert!(page.contains("Sanne") && page.contains("Daan"), "{name}: own students");
        assert!(!page.contains("Noor"), "{name}: not another mentor's student");
        assert!(page.contains("heeft deze week ingevuld"), "{name}: Sanne's status");
        assert!(page.contains("heeft nog niet ingevuld"), "{name}: Daan's status");
        assert!(!page.contains("GEHEIM-ANTWOORD"));
        let (_, page, _) = student.get("/p/begeleider").await;
        assert!(page.contains("href=\"tel:+31"), "{name}: the shared number is a tap-to-call link: {page}");

        // Fatima's diary about Noor, and Sanne's own diary: both out of Joris's reach.
        let theirs: Vec<i64> = count(&s.t.db, |c| {
            responses::table
                .inner_join(subscriptions::table)
                .filter(subscriptions::person_id.eq_any([fatima, sanne]))
                .select(responses::id)
                .load(c)
        });
        assert!(!theirs.is_empty());
        for id in theirs {
            let (status, page, _) = mentor.get(&format!("/p/r/{id}")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{name}: /p/r/{id}");
            assert!(!page.contains("GEHEIM-ANTWOORD"));
            let (status, _, _) = mentor.get(&format!("/p/klaar/{id}")).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            let (_, page, _) = mentor.get("/p").await;
            let token = csrf_or_empty(&page);
            let (status, _, _) = mentor.post(&format!("/p/r/{id}"), &[("csrf", &token), ("contact", "no")]).await;
            assert!(status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN, "{name}: {status}");
        }

        // Two diaries in a row: the first, once sent, opens the next student's diary at once.
        let (_, page, _) = mentor.get("/p").await;
        let first = page.split("href=\"/p/r/").nth(1).map(|r| r[..r.find('"').unwrap()].to_string()).unwrap();
        let (_, form_page, _) = mentor.get(&format!("/p/r/{first}")).await;
        let token = csrf(&form_page);
        let (status, _, to) = mentor.post(&format!("/p/r/{first}"), &[("csrf", &token), ("contact", "no")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{name}: {form_page}");
        let to = to.unwrap();
        assert!(to.starts_with("/p/r/") && to.ends_with(&format!("?na={first}")), "{name}: {to}");
        let (_, page, _) = mentor.get(&to).await;
        assert!(
            page.contains("Opgeslagen: uw dagboek over"),
            "{name}: the next diary says the first was saved, in the mentor's \"u\": {page}"
        );
    }
}

fn csrf_or_empty(page: &str) -> String {
    page.find("name=\"csrf\" value=\"").map(|_| csrf(page)).unwrap_or_default()
}

#[actix_web::test]
async fn an_under_16_waits_for_the_parent_who_gets_their_own_link() {
    let s = study(TestDb::sqlite());
    let now = s.clock.now();
    let sanne = person(&s.t.db, "+31612345601");
    let mut v = visitor(&s).await;
    let (_, page, _) = v.open(&link(&s.t.db, sanne, now)).await;
    let token = csrf(&page);
    let (status, page, _) = v
        .post(
            "/p/toestemming",
            &[
                ("csrf", &token),
                ("consent_age_under_16", "yes"),
                ("consent_guardian_phone", "12"),
                ("consent_agree", "agree"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a number that is no mobile number is asked again");
    assert!(page.contains("06 12345678"));
    let (status, _, _) = v
        .post(
            "/p/toestemming",
            &[
                ("csrf", &token),
                ("consent_age_under_16", "yes"),
                ("consent_guardian_phone", "06 1111 2222"),
                ("consent_agree", "agree"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page, _) = v.get("/p").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("ouder of verzorger"), "{page}");
    let queued: Vec<String> = count(&s.t.db, |c| {
        invitations::table
            .filter(invitations::person_id.eq(sanne).and(invitations::kind.eq("guardian")))
            .select(invitations::dedupe_key)
            .load(c)
    });
    assert_eq!(queued, vec!["guardian:consent".to_string()], "one SMS to the parent, sent by the scheduler");

    // The parent's link opens the parent's consent, and nothing of the student's.
    let mut parent = visitor(&s).await;
    let koers_store::tokens::Issued { plain: token, .. } =
        tokens::issue(&mut s.t.db.conn().unwrap(), sanne, "guardian", now + chrono::TimeDelta::days(14), now).unwrap();
    let (status, _, to) = parent.get(&format!("/l/{token}")).await;
    assert_eq!((status, to.as_deref()), (StatusCode::SEE_OTHER, Some("/g")));
    let (_, page, _) = parent.get("/g").await;
    assert!(page.contains("Toestemming voor uw kind"), "{page}");
    let (status, _, _) = parent.get("/p").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a parent's session is not the student's");
    let ptoken = csrf(&page);
    let (status, page, _) = parent.post("/g", &[("csrf", &ptoken), ("guardian_agree", "agree")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Dank u wel"));
    let (_, page, _) = parent.post("/g", &[("csrf", &ptoken), ("guardian_agree", "decline")]).await;
    assert!(page.contains("Uw antwoord is opgeslagen"), "a second answer changes nothing: {page}");
    let start: Vec<String> = count(&s.t.db, |c| {
        invitations::table
            .filter(invitations::person_id.eq(sanne).and(invitations::kind.eq("can_start")))
            .select(invitations::status)
            .load(c)
    });
    assert_eq!(start, ["pending"], "the student hears that they can start");

    let (status, _, to) = v.get("/p").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "now the student can start");
    assert!(to.unwrap().starts_with("/p/r/"));
}

/// A parent's no stops everything for the child at once: their subscription, the mentor's
/// diary about them, the pair and every message still waiting; no closing questionnaire opens.
async fn a_parents_no(t: TestDb) {
    let s = study(t);
    let now = s.clock.now();
    let sanne = person(&s.t.db, "+31612345601");
    let mut v = visitor(&s).await;
    let (_, page, _) = v.open(&link(&s.t.db, sanne, now)).await;
    let token = csrf(&page);
    let form = [
        ("csrf", token.as_str()),
        ("consent_age_under_16", "yes"),
        ("consent_guardian_phone", "06 1111 2222"),
        ("consent_agree", "agree"),
    ];
    v.post("/p/toestemming", &form).await;
    let mut parent = visitor(&s).await;
    let koers_store::tokens::Issued { plain: token, .. } =
        tokens::issue(&mut s.t.db.conn().unwrap(), sanne, "guardian", now + chrono::TimeDelta::days(14), now).unwrap();
    parent.get(&format!("/l/{token}")).await;
    let (_, page, _) = parent.get("/g").await;
    let ptoken = csrf(&page);
    let (_, page, _) = parent.post("/g", &[("csrf", &ptoken), ("guardian_agree", "decline")]).await;
    assert!(page.contains("doet niet mee"), "{page}");
    let states: Vec<(Option<i64>, String, Option<String>)> = count(&s.t.db, |c| {
        subscriptions::table
            .filter(subscriptions::person_id.eq(sanne).or(subscriptions::filling_out_for_id.eq(sanne)))
            .order(subscriptions::id)
            .select((subscriptions::filling_out_for_id, subscriptions::state, subscriptions::end_reason))
            .load(c)
    });
    assert!(!states.is_empty());
    for (_, state, reason) in &states {
        assert_eq!((state.as_str(), reason.as_deref()), ("stopped", Some("guardian_declined")), "{states:?}");
    }
    let waiting: i64 = count(&s.t.db, |c| {
        invitations::table
            .filter(invitations::person_id.eq(sanne).and(invitations::status.eq_any(["pending", "retry"])))
            .count()
            .get_result(c)
    });
    assert_eq!(waiting, 0, "nothing waits to be sent to her");
    let (status, _, _) = v.get("/p").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "her open session ended");
    let mut again = visitor(&s).await;
    let (status, page, _) = again.open(&link(&s.t.db, sanne, now)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("geen vragen meer"), "her link says so kindly: {page}");
}

#[actix_web::test]
async fn a_parents_no_stops_everything_for_the_child_sqlite() {
    a_parents_no(TestDb::sqlite()).await;
}

#[actix_web::test]
async fn a_parents_no_stops_everything_for_the_child_postgres() {
    a_parents_no(TestDb::postgres()).await;
}

#[actix_web::test]
async fn a_pause_holds_messages_until_the_chosen_day_and_can_end_early() {
    let s = study(TestDb::sqlite());
    let daan = person(&s.t.db, "+31612345602");
    let mut v = visitor(&s).await;
    let (_, page, _) = v.open(&link(&s.t.db, daan, s.clock.now())).await;
    let (_, page, _) = consent_as_adult(&mut v, &page).await;
    let _ = page;
    let (_, page, _) = v.get("/p/pauze").await;
    assert!(page.contains("Even pauzeren") && page.contains("type=\"date\""), "{page}");
    let token = csrf(&page);
    let (status, page, _) = v.post("/p/pauze", &[("csrf", &token), ("until", "2027-06-01")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Kies een dag tussen morgen en over 8 weken"), "too far ahead is asked again: {page}");
    let until = (s.clock.now() + chrono::TimeDelta::days(14)).date_naive().to_string();
    let (_, page, _) = v.post("/p/pauze", &[("csrf", &token), ("until", &until)]).await;
    assert!(page.contains("Fijne pauze"), "{page}");
    let paused: Option<chrono::NaiveDateTime> =
        count(&s.t.db, |c| people::table.find(daan).select(people::paused_until).first(c));
    assert!(paused.is_some());
    // This week's diary is open: it can still be filled in during a pause.
    let (status, _, to) = v.get("/p").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.unwrap().starts_with("/p/r/"));
    let (status, _, to) = v.post("/p/pauze", &[("csrf", &token), ("resume", "1")]).await;
    assert_eq!((status, to.as_deref()), (StatusCode::SEE_OTHER, Some("/p")));
    let paused: Option<chrono::NaiveDateTime> =
        count(&s.t.db, |c| people::table.find(daan).select(people::paused_until).first(c));
    assert!(paused.is_none(), "the pause ended early");
}

#[actix_web::test]
async fn an_expired_link_says_when_the_next_questionnaire_comes() {
    let s = study(TestDb::sqlite());
    let now = s.clock.now();
    let daan = person(&s.t.db, "+31612345602");
    let koers_store::tokens::Issued { plain: token, .. } = tokens::issue(
        &mut s.t.db.conn().unwrap(),
        daan,
        "invitation",
        now - chrono::TimeDelta::hours(1),
        now - chrono::TimeDelta::days(2),
    )
    .unwrap();
    let mut v = visitor(&s).await;
    let (status, page, _) = v.get(&format!("/l/{token}")).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("Deze link is verlopen"));
    assert!(page.contains("Er staat nu wel een vragenlijst voor je klaar"), "this week's diary is open: {page}");
    assert!(page.contains("donderdag 3 december om 12:00"), "{page}");
    assert!(v.cookies.is_empty());
}

#[actix_web::test]
async fn stopping_offers_the_closing_questionnaire_at_once() {
    let s = study(TestDb::sqlite());
    let daan = person(&s.t.db, "+31612345602");
    let mut v = visitor(&s).await;
    let (_, page, _) = v.open(&link(&s.t.db, daan, s.clock.now())).await;
    consent_as_adult(&mut v, &page).await;
    let (_, page, _) = v.get("/p/stoppen").await;
    assert!(page.contains("Stoppen met meedoen?"));
    let token = csrf(&page);
    let (status, _, to) = v.post("/p/stoppen", &[("csrf", &token)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to_closing = to.clone();
    let (_, page, _) = v.get(&to.unwrap()).await;
    assert!(page.contains("Terugkijken"), "the closing questionnaire: {page}");
    let ends: Option<chrono::NaiveDateTime> = count(&s.t.db, |c| {
        subscriptions::table.filter(subscriptions::person_id.eq(daan)).select(subscriptions::ends_at).first(c)
    });
    assert!(ends.is_some(), "participation now ends");
    // With the closing questionnaire done, the overview says they no longer take part, and
    // offers no stop button.
    let closing = to_closing.unwrap();
    let (_, page, _) = v.get(&closing).await;
    let token = csrf(&page);
    v.post(&closing, &[("csrf", &token), ("koers_empty_ok", "1")]).await;
    let (status, page, to) = v.get("/p").await;
    assert_eq!(status, StatusCode::OK, "{to:?}");
    assert!(page.contains("Je doet niet meer mee"), "{page}");
    assert!(!page.contains("/p/stoppen"), "{page}");
}

/// Logging out on a shared phone: the session ends in the database, the cookie is removed, and
/// the old cookie opens nothing any more; the SMS link opens a new session.
async fn logging_out(t: TestDb) {
    let s = study(t);
    let now = s.clock.now();
    let daan = person(&s.t.db, "+31612345602");
    let l = link(&s.t.db, daan, now);
    let mut v = visitor(&s).await;
    let (_, page, _) = v.open(&l).await;
    consent_as_adult(&mut v, &page).await;
    let (_, home, _) = v.get("/p/begeleider").await;
    assert!(home.contains("action=\"/p/uitloggen\""), "a logout button: {home}");
    let old = v.cookies.iter().find(|c| c.name() == "koers_p").cloned().expect("a session");
    let (status, body, _) = v.post("/p/uitloggen", &[("csrf", &csrf(&home))]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Uitgelogd") && body.contains("Open dan de link uit de sms") && !body.contains("logged out"),
        "{body}"
    );
    assert!(v.cookies.iter().all(|c| c.name() != "koers_p" || c.value().is_empty()), "the cookie is removed");
    let live: i64 = count(&s.t.db, |c| {
        use koers_store::schema::web_sessions;
        web_sessions::table.filter(web_sessions::revoked_at.is_null()).count().get_result(c)
    });
    assert_eq!(live, 0, "the session ended in the database");
    v.cookies = vec![old];
    let (status, page, _) = v.get("/p").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old cookie opens nothing: {page}");
    v.cookies.clear();
    let (status, _, _) = v.get(&l).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the SMS link opens a new session");
}

#[actix_web::test]
async fn a_participant_logs_out_and_the_old_cookie_opens_nothing_sqlite() {
    logging_out(TestDb::sqlite()).await;
}

#[actix_web::test]
async fn a_participant_logs_out_and_the_old_cookie_opens_nothing_postgres() {
    logging_out(TestDb::postgres()).await;
}

/// A diary sent with nothing filled in is asked about once; sent anyway, it is stored without
/// a reward (the study's default).
#[actix_web::test]
async fn an_empty_diary_asks_are_you_sure_and_earns_nothing() {
    let s = study(TestDb::sqlite());
    let daan = person(&s.t.db, "+31612345602");
    let mut v = visitor(&s).await;
    let (_, page, _) = v.open(&link(&s.t.db, daan, s.clock.now())).await;
    consent_as_adult(&mut v, &page).await;
    let (_, _, to) = v.get("/p").await;
    let diary = to.unwrap();
    assert!(diary.starts_with("/p/r/"), "this week's diary is open: {diary}");
    let (_, page, _) = v.get(&diary).await;
    let token = csrf(&page);
    let (status, page, _) = v.post(&diary, &[("csrf", &token)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Nog niets ingevuld") && page.contains("Nee, terug naar de vragen"), "{page}");
    let completed: i64 =
        count(&s.t.db, |c| responses::table.filter(responses::completed_at.is_not_null()).count().get_result(c));
    assert_eq!(completed, 0, "nothing stored before the person says so");
    let (status, _, to) = v.post(&diary, &[("csrf", &token), ("koers_empty_ok", "1")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.unwrap().starts_with("/p/klaar/"));
    let completed: i64 =
        count(&s.t.db, |c| responses::table.filter(responses::completed_at.is_not_null()).count().get_result(c));
    assert_eq!(completed, 1);
    let rewards: i64 =
        count(&s.t.db, |c| reward_ledger::table.filter(reward_ledger::person_id.eq(daan)).count().get_result(c));
    assert_eq!(rewards, 0, "an empty diary earns no reward by default");
}

/// The safety path: off until the study lists places to turn to; then every page links "Hulp
/// nodig?", the help page lists them, and a diary whose free text holds an alarm word is put on
/// the attention list of the coordinators of that student's team only (audited, without the
/// text).
async fn the_safety_path(t: TestDb) {
    use koers_store::schema::{audit_log, people, teams};
    let s = study(t);
    let (sanne, daan) = (person(&s.t.db, "+31612345601"), person(&s.t.db, "+31612345602"));
    let now = s.clock.now();

    let mut v = visitor(&s).await;
    let (_, page, _) = v.open(&link(&s.t.db, daan, now)).await;
    consent_as_adult(&mut v, &page).await;
    let (_, _, to) = v.get("/p").await;
    let (_, page, _) = v.get(&to.unwrap()).await;
    assert!(!page.contains("/p/hulp"), "off by default: no link");
    assert_eq!(v.get("/p/hulp").await.0, StatusCode::NOT_FOUND, "and no page");

    let safety = koers_core::safety::Safety {
        help: vec![koers_core::safety::HelpResource {
            name: "De zorgcoördinator van je school".into(),
            text: Some("elke schooldag tot 17:00".into()),
            phone: Some("020 123 4567".into()),
            url: None,
        }],
        alarm_words: vec!["pesten".into()],
        notify_role: Some("coordinator".into()),
    };
    s.t.db
        .write(|c| {
            let study = koers_store::studies::find_study(c, "vsv")?.unwrap();
            koers_store::studies::set_settings_section(c, study.id, &SettingsSection::Safety(safety.clone()))
        })
        .unwrap();

    let mut v = visitor(&s).await;
    let (_, page, _) = v.open(&link(&s.t.db, sanne, now)).await;
    consent_as_adult(&mut v, &page).await;
    let (_, _, to) = v.get("/p").await;
    let diary = to.unwrap();
    let (_, page, _) = v.get(&diary).await;
    assert!(page.contains(r#"<a href="/p/hulp">Hulp nodig?</a>"#), "the diary links help");
    let (status, help, _) = v.get("/p/hulp").await;
    assert_eq!(status, StatusCode::OK);
    assert!(help.contains("De zorgcoördinator van je school: elke schooldag tot 17:00"), "{help}");
    assert!(help.contains(r#"href="tel:0201234567""#) && help.contains("112"), "{help}");

    let token = csrf(&page);
    let form = [("csrf", token.as_str()), ("attended", "no"), ("anything_else", "Ze blijven me PESTEN op stage.")];
    assert_eq!(v.post(&diary, &form).await.0, StatusCode::SEE_OTHER, "accepted");
    let alarms: Vec<(Option<i64>, String)> = count(&s.t.db, |c| {
        audit_log::table
            .filter(audit_log::action.eq(koers_store::safety::ALARM))
            .select((audit_log::target_id, audit_log::details))
            .load(c)
    });
    assert_eq!(alarms.len(), 1, "one alarm");
    assert_eq!(alarms[0].0, Some(sanne));
    assert!(!alarms[0].1.to_lowercase().contains("pesten"), "the audit holds neither text nor word");

    let team_of = |who: i64| -> (i64, i64, i64) {
        count(&s.t.db, |c| {
            people::table
                .inner_join(teams::table)
                .filter(people::id.eq(who))
                .select((people::team_id, teams::organisation_id, people::study_id))
                .first(c)
        })
    };
    let (team_a, org, study_id) = team_of(sanne);
    let team_b: i64 = count(&s.t.db, |c| teams::table.filter(teams::name.eq("Team B")).select(teams::id).first(c));
    let scope = |team: i64| koers_store::staff::Scope {
        staff_id: 1,
        everything: false,
        teams: [(team, koers_store::staff::TeamPlace { organisation_id: org, study_id })].into_iter().collect(),
    };
    let since = now - chrono::TimeDelta::days(1);
    let seen = s.t.db.read(|c| koers_store::safety::alarms_in_scope(c, &scope(team_a), since)).unwrap();
    assert_eq!(
        seen.iter().map(|a| (a.person_id, a.name.as_str())).collect::<Vec<_>>(),
        vec![(sanne, "Sanne de Vries")]
    );
    let other = s.t.db.read(|c| koers_store::safety::alarms_in_scope(c, &scope(team_b), since)).unwrap();
    assert!(other.is_empty(), "another team's coordinator does not see it");
}

#[actix_web::test]
async fn the_safety_path_links_help_and_tells_the_coordinator_sqlite() {
    the_safety_path(TestDb::sqlite()).await;
}

#[actix_web::test]
async fn the_safety_path_links_help_and_tells_the_coordinator_postgres() {
    the_safety_path(TestDb::postgres()).await;
}
