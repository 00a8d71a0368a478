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
    diary_step_html(None)
}

/// The diary as the server sends it: every step, or (for a browser without scripts) one.
fn diary_step_html(step: Option<usize>) -> String {
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
        step,
        ..Default::default()
    };
    render_page(&koers_web::render::Templates::new(), &q, &input).unwrap()
}

/// A short questionnaire without steps: a choice, a text and a slider.
fn short_html() -> String {
    let source = "title: Even kort\nquestions:\n\
        - {id: mood, type: radio, title: Ging het goed vandaag?, options: [{value: 'yes', title: Ja}, {value: 'no', title: Nee}]}\n\
        - {id: note, type: textarea, title: Wil je er iets over kwijt?}\n\
        - {id: energy, type: range, title: Hoeveel energie had je?, labels: [Weinig, Veel]}\n";
    let (q, _) = parse_questionnaire(source, Some("short")).unwrap();
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

async fn progress_line(b: &Browser) -> String {
    b.client.find(Locator::Css("#k-progress-text")).await.unwrap().text().await.unwrap()
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
    let violations = b.axe_violations().await;
    assert!(violations.is_empty(), "every step on one page passes axe-core: {violations:?}");
    b.screenshot("01-no-script").await;
    b.close().await;
    handle.stop(false).await;
}

#[actix_web::test]
async fn a_page_without_steps_shows_how_far_along_the_person_is() {
    let (url, handle) = serve(short_html());
    // Without scripts: the length of the questionnaire, as a sentence.
    let plain = Browser::phone_of_width("questionnaire_progress_no_js", false, 320).await;
    plain.client.goto(&url).await.unwrap();
    assert_eq!(progress_line(&plain).await, "Deze vragenlijst heeft 3 vragen.");
    assert_eq!(visible_count(&plain, "#k-progress progress").await, 0, "no bar that never moves");
    assert_eq!(plain.horizontal_overflow().await, 0);
    let violations = plain.axe_violations().await;
    assert!(violations.is_empty(), "axe-core found {violations:?}");
    plain.close().await;
    // With scripts: "0 van de 3", then "1 van de 3" once a question is answered, in words and
    // as a bar that is labelled by those words.
    let b = Browser::phone("questionnaire_progress_js", true).await;
    b.client.goto(&url).await.unwrap();
    assert_eq!(progress_line(&b).await, "0 van de 3 vragen beantwoord");
    b.client.find(Locator::Css("input[name=mood][value=yes]")).await.unwrap().click().await.unwrap();
    assert_eq!(progress_line(&b).await, "1 van de 3 vragen beantwoord");
    let bar = b.client.find(Locator::Css("#k-progress progress")).await.unwrap();
    assert!(bar.is_displayed().await.unwrap());
    assert_eq!(bar.attr("value").await.unwrap().as_deref(), Some("1"));
    assert_eq!(bar.attr("aria-labelledby").await.unwrap().as_deref(), Some("k-progress-text"));
    // Typing alone does not change the line (nothing is announced per keystroke); leaving the
    // field does.
    let note = b.client.find(Locator::Css("#f-note")).await.unwrap();
    note.send_keys("Prima").await.unwrap();
    assert_eq!(progress_line(&b).await, "1 van de 3 vragen beantwoord");
    b.client.find(Locator::Css("#f-energy")).await.unwrap().click().await.unwrap();
    assert_eq!(progress_line(&b).await, "3 van de 3 vragen beantwoord");
    assert!(b.axe_violations().await.is_empty(), "the live progress passes axe-core");
    b.screenshot("01-progress").await;
    b.close().await;
    handle.stop(false).await;
}

#[actix_web::test]
async fn every_step_of_the_diary_passes_axe_at_320_pixels_without_scripts() {
    let b = Browser::phone_of_width("questionnaire_steps_320_no_js", false, 320).await;
    for step in 1..=4 {
        let (url, handle) = serve(diary_step_html(Some(step)));
        b.client.goto(&url).await.unwrap();
        let shown = b.client.find(Locator::Css(".k-step:not([hidden]) .k-step-n")).await.unwrap().text().await.unwrap();
        assert_eq!(shown, format!("Stap {step} van 4"));
        assert_eq!(b.horizontal_overflow().await, 0, "step {step}: no sideways scrolling");
        let violations = b.axe_violations().await;
        assert!(violations.is_empty(), "step {step}: axe-core found {violations:?}");
        b.screenshot(&format!("step-{step}")).await;
        handle.stop(false).await;
    }
    // axe-core really runs on a page without scripts: a field without a label is found.
    b.client
        .execute("document.querySelector('form').appendChild(document.createElement('input')); return true;", vec![])
        .await
        .unwrap();
    let violations = b.axe_violations().await;
    assert!(violations.iter().any(|v| v.starts_with("label")), "{violations:?}");
    b.close().await;
}
