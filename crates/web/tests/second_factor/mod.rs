//! Logging staff in through their second factor in tests, the way a person does it: the
//! enrolment page's key (typed off the screen) gives the codes an app would show. Tests that
//! are not about the second factor use this to get past it.

#![allow(dead_code)]

use chrono::{DateTime, Utc};
use koers_core::settings::Settings;
use std::cell::RefCell;
use std::collections::HashMap;

/// The installation secret of these tests (second factors are sealed with a key from it).
pub const SECRET_KEY: &str = "a test installation secret, long enough";

/// Settings with the test secret.
pub fn settings() -> Settings {
    Settings { secret_key: Some(SECRET_KEY.into()), ..Settings::default() }
}

thread_local! {
    /// Per e-mail address: the secret set up last, and the last step whose code was used.
    static SECRETS: RefCell<HashMap<String, (Vec<u8>, i64)>> = RefCell::new(HashMap::new());
}

/// The key on the enrolment page (`<code class="s-secret">`), and the code an app shows for it
/// now; remembered for later logins of the same address.
pub fn setup_code(email: &str, page: &str, now: DateTime<Utc>) -> String {
    let at = page.find("class=\"s-secret\">").expect("the key on the enrolment page") + 17;
    let text = &page[at..at + page[at..].find('<').unwrap()];
    let secret = koers_core::totp::from_base32(text).expect("the key is base32");
    let step = koers_core::totp::step_of(now);
    SECRETS.with(|s| s.borrow_mut().insert(email.to_string(), (secret.clone(), step)));
    koers_core::totp::code_at_step(&secret, step)
}

/// A code for a later login of an address set up before: the next step after the last one
/// used (a code works once, and a test's clock stands still).
pub fn login_code(email: &str, now: DateTime<Utc>) -> String {
    SECRETS.with(|s| {
        let mut s = s.borrow_mut();
        let (secret, last) = s.get_mut(email).expect("this address set up its second factor in this test");
        let step = (*last + 1).max(koers_core::totp::step_of(now) - 1);
        assert!(step <= koers_core::totp::step_of(now) + 1, "too many logins of {email} at one instant");
        *last = step;
        koers_core::totp::code_at_step(secret, step)
    })
}
