//! The study's diary in a real headless Chromium on a 360x640 phone screen, with JavaScript on
//! and off: every item is usable and nothing scrolls sideways.

mod support;

use actix_web::{web, App, HttpResponse, HttpServer};
use fantoccini::Locator;
use koers_core::questionnaire::parse_questionnaire;
use koers_web::questionnaire_page::{render_page, PageInput};
use support::browser::Browser;

/// Serves one rendered page with koers's own assets and headers (the strict CSP included).
fn serve(html: String) -> (String, actix_web::dev::ServerHandle) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = HttpServer::new(move || {
        let html = html.clone();
        App::new()
            .wrap(koers_web::security_headers())
            .route(
                "/",
                web::get().to(move || {
                    let html = html.clone();
                    async move { HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html) }
                }),
            )
            .route("/", web::post().to(|| async { HttpResponse::Ok().body("ok") }))
            .route(
                "/static/koers.css",
                web::get().to(|| async { HttpResponse::Ok().content_type("text/css").body(koers_web::render::CSS) }),
            )
            .route(
                "/static/koers.js",
                web::get()
                    .to(|| async { HttpResponse::Ok().content_type("text/javascript").body(koers_web::render::JS) }),
            )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (url, handle)
}

fn diary_html() -> String {
    let source =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../questionnaires/student_diary.yaml"))
            .unwrap();
    let (q, _) = parse_questionnaire(&source, Some("student_diary")).unwrap();
    let input = PageInput {
        lang: "nl".into(),
        fallback_lang: "nl".into(),
        action: "/".into(),
        csrf: "t".into(),
        first_time: true,
        ..Default::default()
    };
    render_page(&koers_web::render::Templates::new(), &q, &input).unwrap()
}

async fn visible_count(b: &Browser, css: &str) -> usize {
    let mut n = 0;
    for el in b.client.find_all(Locator::Css(css)).await.unwrap() {
        if el.is_displayed().await.unwrap() {
            n += 1;
        }
    }
    n
}

/// Every visible control is labelled: by a <label>, or inside a fieldset with a legend.
async fn unlabelled_controls(b: &Browser) -> i64 {
    b.client
        .execute(
            "return Array.prototype.filter.call(document.querySelectorAll('input:not([type=hidden]), select, textarea'), function (el) {
               if (!el.offsetParent) { return false; }
               var labelled = el.closest('label') || (el.id && document.querySelector('label[for=\"' + el.id + '\"]'));
               return !labelled;
             }).length;",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap()
}

#[actix_web::test]
async fn the_diary_fits_a_phone_screen_with_javascript_on() {
    let (url, handle) = serve(diary_html());
    let b = Browser::phone("questionnaire_js_on", true).await;
    b.client.goto(&url).await.unwrap();
    assert_eq!(b.horizontal_overflow().await, 0, "no sideways scrolling at 360 px");
    assert_eq!(unlabelled_controls(&b).await, 0);
    let school_items = "[data-cond=school_experience]";
    assert_eq!(visible_count(&b, school_items).await, 0, "school questions wait for 'yes, I went'");
    b.screenshot("01-start").await;
    b.client.find(Locator::Css("input[name=attended][value=yes]")).await.unwrap().click().await.unwrap();
    assert_eq!(visible_count(&b, school_items).await, 1, "shown at once after 'yes'");
    // One step at a time ("Stap 1 van 4"), back and next; the slider is in the last step.
    assert_eq!(visible_count(&b, ".k-step").await, 1, "one step shows");
    assert_eq!(visible_count(&b, "form.k-form button[type=submit]").await, 0, "send waits for the last step");
    // A slider that counts something shows its value once set: "20 uur", not a bare track.
    let hours_shown = |b: &Browser| {
        let c = b.client.clone();
        async move { c.find(Locator::Css("#q-school_hours output.k-value")).await.unwrap().text().await.unwrap() }
    };
    assert_eq!(hours_shown(&b).await, "", "nothing shown before it is set");
    let hours = b.client.find(Locator::Css("#f-school_hours")).await.unwrap();
    hours.click().await.unwrap();
    let value = hours.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(hours_shown(&b).await, format!("{value} uur"));
    for _ in 0..3 {
        b.client.find(Locator::Css(".k-stepnav .k-next")).await.unwrap().click().await.unwrap();
    }
    let step = b.client.find(Locator::Css(".k-step:not([hidden]) .k-step-n")).await.unwrap().text().await.unwrap();
    assert_eq!(step, "Stap 4 van 4");
    assert_eq!(visible_count(&b, "form.k-form button[type=submit]").await, 1, "send on the last step");
    assert!(b.axe_violations().await.is_empty(), "a step passes axe-core");
    let slider = b.client.find(Locator::Css("#f-wellbeing")).await.unwrap();
    let untouched = |b: &Browser| {
        let c = b.client.clone();
        async move { c.find(Locator::Css("#q-wellbeing .k-untouched")).await.is_ok() }
    };
    assert!(untouched(&b).await, "no thumb before the slider is touched");
    let hint = "#q-wellbeing .k-tap";
    assert_eq!(visible_count(&b, hint).await, 1, "an untouched slider says 'tik op de lijn'");
    let height = slider.rectangle().await.unwrap().3;
    assert!(height >= 44.0, "the slider is a 44 px touch target ({height})");
    slider.click().await.unwrap();
    assert!(!untouched(&b).await, "touching the slider shows its thumb");
    assert_eq!(visible_count(&b, hint).await, 0, "the hint goes once it is touched");
    let touched: String = b
        .client
        .find(Locator::Css("input[name=wellbeing__touched]"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(touched, "1");
    assert_eq!(b.horizontal_overflow().await, 0);
    b.screenshot("02-answered").await;
    b.close().await;
    handle.stop(false).await;
}

#[actix_web::test]
async fn the_diary_is_usable_with_javascript_off() {
    let (url, handle) = serve(diary_html());
    let b = Browser::phone("questionnaire_js_off", false).await;
    b.client.goto(&url).await.unwrap();
    assert_eq!(b.horizontal_overflow().await, 0);
    // Without the script every question shows, the follow-ups with a hint that they are optional.
    assert_eq!(visible_count(&b, "[data-cond=school_experience]").await, 1);
    assert!(visible_count(&b, ".k-only").await >= 1);
    // Sliders offer a checkbox that says they were set, since no script can notice a touch.
    assert!(visible_count(&b, "input[name=wellbeing__touched][type=checkbox]").await == 1);
    assert_eq!(unlabelled_controls(&b).await, 0);
    b.screenshot("01-no-script").await;
    b.close().await;
    handle.stop(false).await;
}
