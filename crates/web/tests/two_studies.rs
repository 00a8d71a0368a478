//! Two studies on one installation, each with its own `student_diary` wording and its own
//! consent: each study's participants see their own, and each study's codebook holds only its
//! own versions (SQLite and PostgreSQL).

use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{test, web, App};
use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::clock::FixedClock;
use koers_core::settings::Settings;
use koers_store::shipped::{self, Source};
use koers_store::testing::TestDb;
use koers_store::{tokens, Database};
use koers_web::AppState;
use std::sync::Arc;

/// Thursday 26 November 2026, 13:00 in Amsterdam: the week's diary opened an hour ago.
fn thursday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
}

const SHIPPED_ITEM: &str = "Ben je deze week naar school of stage geweest?";
const PILOT_ITEM: &str = "Ben je deze week bij de pilot geweest?";
const SHIPPED_CONSENT: &str = "Meedoen aan het onderzoek";
const PILOT_CONSENT: &str = "Meedoen aan de pilot";

/// The pilot's own instruments: its diary asks differently, and its student protocol names a
/// consent questionnaire of its own.
fn pilot_sources() -> (Vec<Source>, Vec<Source>) {
    let mut questionnaires = shipped::questionnaires();
    for q in &mut questionnaires {
        if q.path.ends_with("student_diary.yaml") {
            q.text = q.text.replace(SHIPPED_ITEM, PILOT_ITEM);
        }
    }
    let consent = shipped::questionnaires().into_iter().find(|q| q.path.ends_with("student_consent.yaml")).unwrap();
    questionnaires.push(Source {
        path: "pilot_consent.yaml".into(),
        text: consent
            .text
            .replace("key: student_consent", "key: pilot_consent")
            .replace(SHIPPED_CONSENT, PILOT_CONSENT),
    });
    let mut protocols = shipped::protocols();
    for p in &mut protocols {
        if p.path.ends_with("vsv_student.yaml") {
            p.text = p.text.replace("role: student\n", "role: student\nconsent: pilot_consent\n");
        }
    }
    (questionnaires, protocols)
}

/// A study with one student (and mentor) on its own instruments; returns the study's id.
fn study(db: &Database, key: &str, phone_suffix: u32, pilot: bool) -> i64 {
    let now = thursday();
    let study_id = db
        .write(|c| -> Result<i64, koers_store::StoreError> {
            let s = koers_store::studies::ensure_study(
                c,
                &koers_store::studies::NewStudy {
                    key,
                    name: key,
                    time_zone: "Europe/Amsterdam",
                    default_locale: "nl",
                    test_mode: false,
                },
                now,
            )?;
            let org = koers_store::studies::ensure_organisation(c, s.id, &format!("roc-{key}"), "ROC", None, now)?;
            koers_store::studies::ensure_team(c, org.id, "Team A", now)?;
            let (q, p) = if pilot { pilot_sources() } else { (shipped::questionnaires(), shipped::protocols()) };
            shipped::load_all(c, s.id, &q, &p, now)?;
            Ok(s.id)
        })
        .unwrap();
    let people = format!(
        "type,team_name,first_name,last_name,gender,mobile_phone,protocol_name,start_date,filling_out_for,locale
Student,Team A,Sanne,de Vries,female,061234560{phone_suffix},vsv_student,2026-11-02,,nl
Mentor,Team A,Joris,Bakker,male,061234570{phone_suffix},vsv_mentor,2026-11-02,061234560{phone_suffix},nl
"
    );
    let opts = koers_store::import::ImportOptions {
        study_id,
        zone: chrono_tz::Europe::Amsterdam,
        default_locale: koers_core::people::Locale::Nl,
        create_teams: false,
        organisation_key: None,
        dry_run: false,
        actor: "test".into(),
    };
    koers_store::import::import_people(db, people.as_bytes(), &opts, now).unwrap();
    study_id
}

fn person(db: &Database, phone: &str) -> i64 {
    use koers_store::schema::person_identities;
    person_identities::table
        .filter(person_identities::mobile_phone.eq(phone))
        .select(person_identities::person_id)
        .first(&mut *db.conn().unwrap())
        .unwrap()
}

fn link(db: &Database, person_id: i64, now: DateTime<Utc>) -> String {
    let mut c = db.conn().unwrap();
    let (_, token) = tokens::issue(&mut c, person_id, "invitation", now + chrono::TimeDelta::hours(30), now).unwrap();
    format!("/l/{token}")
}

/// A browser in miniature: keeps the session cookie between requests.
struct Visitor<S> {
    app: S,
    cookies: Vec<Cookie<'static>>,
}

impl<S> Visitor<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    async fn call(&mut self, mut req: test::TestRequest) -> (StatusCode, String, Option<String>) {
        for c in &self.cookies {
            req = req.cookie(c.clone());
        }
        let res = test::call_service(&self.app, req.to_request()).await;
        for c in res.response().cookies() {
            self.cookies.retain(|k| k.name() != c.name());
            self.cookies.push(c.into_owned());
        }
        let status = res.status();
        let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string());
        let body = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
        (status, body, location)
    }

    async fn get(&mut self, uri: &str) -> (StatusCode, String, Option<String>) {
        self.call(test::TestRequest::get().uri(uri)).await
    }

    async fn post(&mut self, uri: &str, form: &[(&str, &str)]) -> (StatusCode, String, Option<String>) {
        let body = serde_urlencoded::to_string(form).unwrap();
        self.call(
            test::TestRequest::post()
                .uri(uri)
                .insert_header(("content-type", "application/x-www-form-urlencoded"))
                .set_payload(body),
        )
        .await
    }

    /// Follows a redirect chain from `uri` to the page at its end.
    async fn follow(&mut self, uri: &str) -> String {
        let mut at = uri.to_string();
        for _ in 0..5 {
            let (status, body, to) = self.get(&at).await;
            match to {
                Some(to) if status == StatusCode::SEE_OTHER || status == StatusCode::FOUND => at = to,
                _ => return body,
            }
        }
        panic!("too many redirects from {uri}");
    }
}

fn csrf(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("the form carries a CSRF token") + 19;
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

/// The student's pages: the consent they are asked, then the diary they see after saying yes.
async fn pages_of(db: &Database, student: i64) -> (String, String) {
    let settings = Settings { base_url: "https://koers.example".into(), ..Settings::default() };
    let state = AppState::new(db.clone(), Arc::new(FixedClock::new(thursday())), settings);
    let app = test::init_service(App::new().app_data(web::Data::new(state)).configure(koers_web::configure)).await;
    let mut v = Visitor { app, cookies: Vec::new() };
    let consent = v.follow(&link(db, student, thursday())).await;
    let token = csrf(&consent);
    let (status, _, _) =
        v.post("/p/toestemming", &[("csrf", &token), ("consent_age_under_16", "no"), ("consent_agree", "agree")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "consent is accepted");
    let diary = v.follow("/p").await;
    (consent, diary)
}

fn codebook(db: &Database, study_id: i64) -> String {
    let req = koers_export::Request {
        kind: koers_export::Kind::Codebook,
        study_id,
        format: koers_export::Format::Csv,
        pseudonym_key: koers_export::pseudonym_key(b"two studies"),
        questionnaire: None,
        now: thursday(),
        teams: None,
    };
    let mut out = Vec::new();
    koers_export::export(&mut db.conn().unwrap(), &req, &mut out, &mut |_, _| {}).unwrap();
    String::from_utf8(out).unwrap()
}

#[actix_web::test]
async fn two_studies_each_see_and_export_only_their_own_diary_and_consent_on_both_databases() {
    for (name, t) in TestDb::both() {
        let db = &t.db;
        let main = study(db, "vsv", 1, false);
        let pilot = study(db, "pilot", 2, true);
        koers_scheduler::plan::plan(db, thursday(), None).unwrap();

        let (consent, diary) = pages_of(db, person(db, "+31612345601")).await;
        assert!(consent.contains(SHIPPED_CONSENT) && !consent.contains(PILOT_CONSENT), "{name}: main consent");
        assert!(diary.contains(SHIPPED_ITEM) && !diary.contains(PILOT_ITEM), "{name}: main diary:\n{diary}");

        let (consent, diary) = pages_of(db, person(db, "+31612345602")).await;
        assert!(consent.contains(PILOT_CONSENT) && !consent.contains(SHIPPED_CONSENT), "{name}: pilot consent");
        assert!(diary.contains(PILOT_ITEM) && !diary.contains(SHIPPED_ITEM), "{name}: pilot diary:\n{diary}");

        let main_book = codebook(db, main);
        let pilot_book = codebook(db, pilot);
        assert!(main_book.contains(SHIPPED_ITEM) && !main_book.contains(PILOT_ITEM), "{name}: main codebook");
        assert!(pilot_book.contains(PILOT_ITEM) && !pilot_book.contains(SHIPPED_ITEM), "{name}: pilot codebook");

        // Loading the pilot's diary again into the main study would be a new version there only.
        let versions: Vec<(i64, String)> = {
            use koers_store::schema::questionnaires as q;
            q::table
                .filter(q::key.eq("student_diary"))
                .select((q::study_id, q::content_hash))
                .load(&mut *db.conn().unwrap())
                .unwrap()
        };
        assert_eq!(versions.len(), 2, "{name}: one diary version per study: {versions:?}");
        assert_ne!(versions[0].1, versions[1].1, "{name}: each study's own wording");
    }
}
