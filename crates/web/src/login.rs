//! Checking a staff login, the same way for the login page and the API's token endpoint: the
//! limits per address and per account, the password, whether a second factor comes next, and
//! the audit entry of every failure.
//!
//! A failed attempt is written to the audit log (`staff.login_failed`, with the client's
//! address and, when the address belongs to an account, that account), so an admin sees
//! guessing in the log; the typed e-mail address itself is not kept for unknown addresses (it
//! is sometimes a password typed into the wrong field).

use crate::state::AppState;
use actix_web::{web, HttpRequest};
use chrono::TimeDelta;
use koers_store::staff::{self, StaffAccount};
use koers_store::totp_store::{self, SealKey, TwoFactor};
use koers_store::{audit, two_factor_rule, DbConnection, StoreError};

/// What a password check found.
#[derive(Debug)]
pub enum Password {
    /// Too many attempts from this address or for this account: wait this long.
    Throttled(TimeDelta),
    /// Unknown address, wrong password or a disabled account (one answer for all three).
    Wrong,
    /// The password is right; what the second factor asks next.
    Right { account: StaffAccount, next: SecondFactor },
}

/// What stands between a right password and a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    /// Nothing: the account has no second factor and needs none.
    None,
    /// A code from the app (or a recovery code).
    Code,
    /// The account must set one up first.
    Enrol,
}

/// The key that seals second factors, from the installation secret; `None` without a secret
/// (the second factor then cannot be set up or checked, and logins that need it wait).
pub fn seal_key(state: &AppState) -> Option<SealKey> {
    state.settings.installation_secret().map(|s| SealKey::from_installation_secret(s.as_bytes()))
}

fn audit_failure(
    c: &mut DbConnection,
    account: Option<i64>,
    what: &str,
    via: &str,
    address: &str,
    failures: u32,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    audit::record(
        c,
        now,
        &audit::Entry {
            actor: &account.map_or("anonymous".to_string(), |id| format!("staff:{id}")),
            actor_staff_id: account,
            action: "staff.login_failed",
            target_kind: account.map(|_| "staff"),
            target_id: account,
            details: serde_json::json!({"failed": what, "via": via, "address": address, "failures_in_a_row": failures}),
            ..Default::default()
        },
    )
}

/// Checks an e-mail address and password. `via` names the door (`page`, `api`) in the audit log.
pub async fn check_password(
    state: &AppState,
    req: &HttpRequest,
    email: &str,
    password: &str,
    via: &'static str,
) -> Result<Password, StoreError> {
    if let Some(wait) = state.limits.account_wait(email) {
        return Ok(Password::Throttled(wait));
    }
    let address = state.limits.client(req).to_string();
    let now = state.real_clock.now();
    let (email_c, password) = (email.to_string(), password.to_string());
    let db = state.db.clone();
    let limits = state.limits.clone();
    web::block(move || {
        db.write(|c| -> Result<Password, StoreError> {
            let Some(account) = staff::verify_login(c, &email_c, &password, now)? else {
                let known = staff::find_by_email(c, &email_c)?.map(|a| a.id);
                let failures = limits.login_failed(&email_c);
                audit_failure(c, known, "password", via, &address, failures, now)?;
                return Ok(Password::Wrong);
            };
            let next = match totp_store::status(c, account.id)? {
                TwoFactor::Enrolled => SecondFactor::Code,
                _ if two_factor_rule::required(c, account.id)? => SecondFactor::Enrol,
                _ => SecondFactor::None,
            };
            if next == SecondFactor::None {
                limits.login_succeeded(&email_c);
            }
            Ok(Password::Right { account, next })
        })
    })
    .await
    .map_err(|_| StoreError::Busy)?
}

/// Checks the second factor of an account whose password was right: a code from the app, or
/// one of its recovery codes. A wrong one counts like a wrong password for the account.
pub async fn check_code(
    state: &AppState,
    req: &HttpRequest,
    account: &StaffAccount,
    code: &str,
    via: &'static str,
) -> Result<Result<(), Option<TimeDelta>>, StoreError> {
    if let Some(wait) = state.limits.account_wait(&account.email) {
        return Ok(Err(Some(wait)));
    }
    let Some(key) = seal_key(state) else {
        tracing::error!("staff login: no installation secret, so no second factor can be checked");
        return Err(StoreError::Busy);
    };
    let address = state.limits.client(req).to_string();
    let now = state.real_clock.now();
    let (id, email, code) = (account.id, account.email.clone(), code.to_string());
    let db = state.db.clone();
    let limits = state.limits.clone();
    web::block(move || {
        db.write(|c| -> Result<Result<(), Option<TimeDelta>>, StoreError> {
            let digits = code.chars().filter(|c| !c.is_whitespace()).count() == koers_core::totp::DIGITS;
            let ok = if digits {
                totp_store::verify(c, &key, id, &code, now)?
            } else {
                let ok = totp_store::use_recovery_code(c, id, &code, now)?;
                if ok {
                    let left = koers_store::staff_lifecycle::recovery_codes_left(c, id)?;
                    audit::record(
                        c,
                        now,
                        &audit::Entry {
                            actor: &format!("staff:{id}"),
                            actor_staff_id: Some(id),
                            action: "staff.recovery_code_used",
                            target_kind: Some("staff"),
                            target_id: Some(id),
                            details: serde_json::json!({"left": left}),
                            ..Default::default()
                        },
                    )?;
                }
                ok
            };
            if ok {
                limits.login_succeeded(&email);
                return Ok(Ok(()));
            }
            let failures = limits.login_failed(&email);
            audit_failure(c, Some(id), "second_factor", via, &address, failures, now)?;
            Ok(Err(None))
        })
    })
    .await
    .map_err(|_| StoreError::Busy)?
}
