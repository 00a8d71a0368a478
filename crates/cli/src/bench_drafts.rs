//! `koers bench drafts`: what keeping a draft costs, against viewing the diary page, in the same
//! process through the whole application (session, CSRF, storage, templates) on a demo study in
//! a new SQLite file: one client, one request at a time, so the numbers are the cost of one
//! request and the ratio means the same on any machine.

use actix_web::http::header;
use actix_web::test::{call_service, init_service, read_body, TestRequest};
use anyhow::{anyhow, bail, Result};
use koers_core::clock::{Clock, SystemClock};
use koers_core::settings::Settings;
use std::sync::Arc;
use std::time::Instant;

pub fn run(requests: usize) -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let settings = Settings {
        database_url: format!("sqlite://{}", tmp.path().join("bench.db").display()),
        base_url: "http://bench.invalid".into(),
        secret_key: Some("a-bench-secret-of-32-characters-or-more".into()),
        ..Settings::default()
    };
    let db = koers_store::Database::open(&settings.database_url, 8)?;
    db.migrate()?;
    let links = crate::demo::seed(&db, &settings, SystemClock.now())?;
    let link = links.iter().find(|l| l.url.contains("/l/")).ok_or_else(|| anyhow!("the demo has no links"))?;
    let path = link.url.trim_start_matches("http://bench.invalid").to_string();
    let state = koers_web::AppState::new(db.clone(), Arc::new(SystemClock), settings);
    actix_web::rt::System::new().block_on(async move {
        let app = init_service(koers_web::app(actix_web::web::Data::new(state))).await;
        let opened = call_service(&app, TestRequest::get().uri(&path).to_request()).await;
        let cookie = opened
            .response()
            .cookies()
            .find(|c| c.name() == "koers_p")
            .map(|c| format!("koers_p={}", c.value()))
            .ok_or_else(|| anyhow!("the link opened no session"))?;
        let get = |uri: &str| TestRequest::get().uri(uri).insert_header((header::COOKIE, cookie.clone())).to_request();
        let csrf_of = |html: &str| -> Result<String> {
            let at = html.find("name=\"csrf\" value=\"").ok_or_else(|| anyhow!("no form"))? + 19;
            Ok(html[at..].split('"').next().unwrap_or_default().to_string())
        };
        let post = |uri: &str, body: String| {
            TestRequest::post()
                .uri(uri)
                .insert_header((header::COOKIE, cookie.clone()))
                .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
                .set_payload(body)
                .to_request()
        };
        let consent = String::from_utf8(read_body(call_service(&app, get("/p")).await).await.to_vec())?;
        let csrf = csrf_of(&consent)?;
        let body = format!("csrf={csrf}&consent_age_under_16=no&consent_agree=agree");
        call_service(&app, post("/p/toestemming", body)).await;
        // The scheduler plans the windows a consent opens (as `koers serve` does each round).
        koers_scheduler::plan::plan(&db, SystemClock.now(), None)?;
        let home = call_service(&app, get("/p")).await;
        let diary = home.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        if !diary.starts_with("/p/r/") {
            let status = home.status();
            let page = String::from_utf8_lossy(&read_body(home).await).chars().take(600).collect::<String>();
            bail!("no open questionnaire for the demo student ({status} {diary}): {page}");
        }
        let draft = format!("csrf={csrf}&attended=yes&school_experience=71&school_experience__touched=1&wellbeing=64&wellbeing__touched=1&outside_domain=work");

        let views = |label: &'static str| {
            let (app, diary) = (&app, diary.clone());
            let get = &get;
            async move {
                let started = Instant::now();
                for _ in 0..requests {
                    let r = call_service(app, get(&diary)).await;
                    if !r.status().is_success() {
                        bail!("{label}: {}", r.status());
                    }
                    read_body(r).await;
                }
                Ok(requests as f64 / started.elapsed().as_secs_f64())
            }
        };
        let fresh = views("diary view").await?;
        let started = Instant::now();
        for _ in 0..requests {
            let r = call_service(&app, post(&format!("{diary}/concept"), draft.clone())).await;
            if r.status() != actix_web::http::StatusCode::NO_CONTENT {
                bail!("draft save: {}", r.status());
            }
        }
        let saves = requests as f64 / started.elapsed().as_secs_f64();
        let restored = views("diary view with its draft").await?;
        println!("drafts, {requests} requests each, one at a time, in-process, SQLite (the demo student's open questionnaire)");
        println!("  diary page view:                  {fresh:>8.0} /s");
        println!("  draft save (POST .../concept):    {saves:>8.0} /s   ratio to a view {:.2}", saves / fresh);
        println!("  diary page view with a draft:     {restored:>8.0} /s   ratio to a view {:.2}", restored / fresh);
        Ok(())
    })
}
