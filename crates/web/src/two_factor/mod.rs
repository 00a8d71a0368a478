//! The staff's second factor (TOTP, RFC 6238) in the browser: the step after a right password,
//! and setting one up.
//!
//! After a right password for an account with a second factor, or one that must have one, the
//! login page opens a *pending* session (cookie `koers_s2`, ten minutes) instead of a staff
//! session; it opens nothing but these pages. `/staff/2fa` asks for the code from the app (or
//! a recovery code) and then opens the real session. `/staff/2fa/setup` shows a new secret as
//! a QR code (an SVG drawn here, as a `data:` image: no script, no CDN) and as text, takes the
//! first code, and shows the recovery codes once. A staff member who is logged in can set one
//! up there of their own accord too.
//!
//! Codes are checked by [`crate::login::check_code`]: per-account waits, audit of failures,
//! each code once.

mod pages;

pub use pages::{after_password, configure};
