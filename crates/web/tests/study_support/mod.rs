//! A small browser for participant pages, shared by the tests of studies and mentor reports.
#![allow(dead_code)]

use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{test, web, App};
use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::clock::FixedClock;
use koers_core::settings::Settings;
use koers_store::shipped::Source;
use koers_store::{tokens, Database};
use koers_web::AppState;
use std::sync::Arc;

/// Thursday 26 November 2026, 13:00 in Amsterdam: the week's diary opened an hour ago.
pub fn thursday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
}

pub fn person(db: &Database, phone: &str) -> i64 {
    use koers_store::schema::person_identities;
    person_identities::table
        .filter(person_identities::mobile_phone.eq(phone))
        .select(person_identities::person_id)
        .first(&mut *db.conn().unwrap())
        .unwrap()
}

pub fn link(db: &Database, person_id: i64, now: DateTime<Utc>) -> String {
    let mut c = db.conn().unwrap();
    let koers_store::tokens::Issued { plain: token, .. } =
        tokens::issue(&mut c, person_id, "invitation", now + chrono::TimeDelta::hours(30), now).unwrap();
    format!("/l/{token}")
}

/// A browser in miniature: keeps the session cookie between requests.
pub struct Visitor<S> {
    pub app: S,
    pub cookies: Vec<Cookie<'static>>,
}

impl<S> Visitor<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    pub async fn call(&mut self, mut req: test::TestRequest) -> (StatusCode, String, Option<String>) {
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

    pub async fn get(&mut self, uri: &str) -> (StatusCode, String, Option<String>) {
        self.call(test::TestRequest::get().uri(uri)).await
    }

    pub async fn post(&mut self, uri: &str, form: &[(&str, &str)]) -> (StatusCode, String, Option<String>) {
        let body = serde_urlencoded::to_string(form).unwrap();
        self.call(
            test::TestRequest::post()
                .uri(uri)
                .insert_header(("content-type", "application/x-www-form-urlencoded"))
                .set_payload(body),
        )
        .await
    }

    /// Follows the link and the redirect after it; returns the page at the clean address.
    pub async fn open(&mut self, link: &str) -> (StatusCode, String, Option<String>) {
        let (status, _, to) = self.get(link).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "a valid link redirects");
        let to = to.unwrap();
        assert!(!to.contains(&link[3..]), "the token does not stay in the address");
        self.get(&to).await
    }

    /// Follows a redirect chain from `uri` to the page at its end.
    pub async fn follow(&mut self, uri: &str) -> String {
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

pub fn csrf(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("the form carries a CSRF token") + 19;
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

/// The student's pages: the consent they are asked, then the diary they see after saying yes.
pub async fn pages_of(db: &Database, student: i64) -> (String, String) {
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

/// A visitor on the application at [`thursday`].
pub async fn visitor(
    db: &Database,
) -> Visitor<impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>> {
    let settings = Settings { base_url: "https://koers.example".into(), ..Settings::default() };
    let state = AppState::new(db.clone(), Arc::new(FixedClock::new(thursday())), settings);
    let app = test::init_service(App::new().app_data(web::Data::new(state)).configure(koers_web::configure)).await;
    Visitor { app, cookies: Vec::new() }
}

/// A study with one student (and mentor) on its own instruments; returns the study's id.
pub fn study(db: &Database, key: &str, phone_suffix: u32, sources: (Vec<Source>, Vec<Source>)) -> i64 {
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
            let (q, p) = sources;
            koers_store::shipped::load_all(c, s.id, &q, &p, now)?;
            Ok(s.id)
        })
        .unwrap();
    let people = format!(
        "type,team_name,first_name,last_name,gender,mobile_phone,protocol_name,start_date,filling_out_for,locale
Student,Team A,Sanne,de Vries,female,061234560{phone_suffix},vsv_student,2026-11-02,,nl
Mentor,Team A,Joris,Bakker,male,061234570{phone_suffix},vsv_mentor,2026-11-02,061234560{phone_suffix},nl
"
    );
    import(db, study_id, &people, now);
    study_id
}

/// Imports a people CSV into the study's existing teams, as a coordinator's import does.
pub fn import(db: &Database, study_id: i64, people: &str, now: DateTime<Utc>) {
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
}
