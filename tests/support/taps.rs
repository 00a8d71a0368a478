//! What a person does on a page in the end-to-end browser tests: tap, wait for the next page,
//! read it. One copy for every test file that drives Chromium through the participant pages.

use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};

/// A questionnaire's own send button (not "next", "back" or a draft button, which have names).
pub const SUBMIT: &str = "form.k-form button[type=submit]:not([name])";
/// "Yes, send it empty" on the page that asks about an empty questionnaire.
pub const CONFIRM_EMPTY: &str = "form:not(.p-logout) button[type=submit]";

/// A tap for the browser with scripts on or off: WebDriver's own click never returns with
/// scripts off (its input events wait for the page's script engine), so the element's native
/// activation is triggered from outside the page, which is what a tap does to a radio,
/// checkbox or button without any of the page's scripts taking part.
pub async fn press(c: &Client, css: &str) {
    let element = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    c.execute("arguments[0].click();", vec![serde_json::to_value(element).unwrap()]).await.unwrap();
}

/// A tap that loads a new page, waiting until it is there.
pub async fn press_and_follow(c: &Client, css: &str) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    press(c, css).await;
    wait_for_new_page(c, old).await;
}

/// Waits until `old` (the previous page's root) is gone and the new page has its main part.
pub async fn wait_for_new_page(c: &Client, old: fantoccini::elements::Element) {
    let start = Instant::now();
    // Only "stale" says the old page is gone: while a POST is pending the old page stays, and
    // other errors can come from the moment of switching.
    while !old.tag_name().await.err().is_some_and(|e| e.is_stale_element_reference()) {
        assert!(start.elapsed() < Duration::from_secs(20), "no new page after 20 s at {:?}", c.current_url().await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("main")).await.expect("the new page has a main");
}

/// The text of the page's main part.
pub async fn text(c: &Client) -> String {
    c.find(Locator::Css("main")).await.unwrap().text().await.unwrap()
}
