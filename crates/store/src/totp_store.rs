//! The second factor of staff accounts as stored: the TOTP secret, sealed, and the recovery
//! codes, hashed.
//!
//! The secret must be readable by koers to check a code, so it cannot be hashed; it is sealed
//! with ChaCha20-Poly1305 under a key derived from the installation secret (which lives in
//! `koers.secret` or `KOERS_SECRET_KEY`, never in the database), with the account's id as
//! associated data. A copy of the database alone (a backup, a dump) therefore holds no usable
//! second factor, and a sealed secret moved to another account's row does not open. Recovery
//! codes are shown once and kept as argon2 hashes like passwords; each works once.

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{staff_accounts, staff_recovery_codes};
use crate::studies::to_db;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use koers_core::totp;
use rand::RngCore;

/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;
const SEALED_PREFIX: &str = "v1:";

/// The key that seals TOTP secrets, derived from the installation secret with a label of its
/// own (the secret itself never encrypts anything).
#[derive(Clone)]
pub struct SealKey([u8; 32]);

impl SealKey {
    pub fn from_installation_secret(secret: &[u8]) -> SealKey {
        SealKey(koers_core::keyed::derive_key(secret, "koers totp seal"))
    }
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(..)")
    }
}

fn aad(staff_id: i64) -> Vec<u8> {
    format!("koers staff totp {staff_id}").into_bytes()
}

/// `v1:` and base64 of a random 96-bit nonce followed by the ciphertext.
fn seal(key: &SealKey, staff_id: i64, secret: &[u8]) -> StoreResult<String> {
    let cipher = ChaCha20Poly1305::new(Key::from_slice(&key.0));
    let mut nonce = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: secret, aad: &aad(staff_id) })
        .map_err(|_| StoreError::Invalid("cannot seal the second factor".into()))?;
    let mut out = nonce.to_vec();
    out.extend(sealed);
    Ok(format!("{SEALED_PREFIX}{}", STANDARD.encode(out)))
}

/// [`seal`], for tests that set up a second factor with a secret they know.
pub fn seal_for_tests(key: &SealKey, staff_id: i64, secret: &[u8]) -> String {
    seal(key, staff_id, secret).expect("sealing works")
}

fn open(key: &SealKey, staff_id: i64, sealed: &str) -> Option<Vec<u8>> {
    let raw = STANDARD.decode(sealed.strip_prefix(SEALED_PREFIX)?).ok()?;
    if raw.len() < 12 + 16 {
        return None;
    }
    let (nonce, body) = raw.split_at(12);
    let cipher = ChaCha20Poly1305::new(Key::from_slice(&key.0));
    cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad: &aad(staff_id) }).ok()
}

/// Where an account stands with its second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoFactor {
    /// Nothing set up.
    None,
    /// A secret was made and shown, but no code has confirmed it yet.
    Pending,
    /// Set up: every login asks for a code.
    Enrolled,
}

pub fn status(conn: &mut DbConnection, staff_id: i64) -> StoreResult<TwoFactor> {
    let row: Option<(Option<String>, Option<chrono::NaiveDateTime>)> = staff_accounts::table
        .find(staff_id)
        .select((staff_accounts::totp_secret, staff_accounts::totp_confirmed_at))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((Some(_), Some(_))) => TwoFactor::Enrolled,
        Some((Some(_), None)) => TwoFactor::Pending,
        _ => TwoFactor::None,
    })
}

/// The secret being set up: the one made before if it is still waiting for its first code (so
/// a reload shows the same QR code), else a new one. Refused once the factor is set up.
pub fn pending_secret(conn: &mut DbConnection, key: &SealKey, staff_id: i64) -> StoreResult<Vec<u8>> {
    let (sealed, confirmed): (Option<String>, Option<chrono::NaiveDateTime>) = staff_accounts::table
        .find(staff_id)
        .select((staff_accounts::totp_secret, staff_accounts::totp_confirmed_at))
        .first(conn)?;
    if confirmed.is_some() {
        return Err(StoreError::Invalid("this account has a second factor already".into()));
    }
    if let Some(secret) = sealed.as_deref().and_then(|s| open(key, staff_id, s)) {
        return Ok(secret);
    }
    let mut secret = vec![0u8; totp::SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    diesel::update(staff_accounts::table.find(staff_id))
        .set((
            staff_accounts::totp_secret.eq(Some(seal(key, staff_id, &secret)?)),
            staff_accounts::totp_last_step.eq(None::<i64>),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// A recovery code: ten characters in two groups, from an alphabet without look-alikes.
fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 10];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let chars: String = bytes.iter().map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char).collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

fn normalise_recovery(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Confirms the secret being set up with a code from the app: the factor is then set up, and
/// the recovery codes are returned (their only showing). `None` when the code does not match.
pub fn confirm(
    conn: &mut DbConnection,
    key: &SealKey,
    staff_id: i64,
    code: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<Vec<String>>> {
    let secret = pending_secret(conn, key, staff_id)?;
    let Some(step) = totp::matching_step(&secret, code, now, None) else { return Ok(None) };
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    let mut hashes = Vec::with_capacity(codes.len());
    for c in &codes {
        hashes.push(crate::staff::hash_password(&normalise_recovery(c))?);
    }
    crate::db::write_transaction(conn, |conn| -> StoreResult<()> {
        diesel::update(staff_accounts::table.find(staff_id))
            .set((staff_accounts::totp_confirmed_at.eq(Some(to_db(now))), staff_accounts::totp_last_step.eq(step)))
            .execute(conn)?;
        diesel::delete(staff_recovery_codes::table.filter(staff_recovery_codes::staff_id.eq(staff_id)))
            .execute(conn)?;
        for h in &hashes {
            diesel::insert_into(staff_recovery_codes::table)
                .values((
                    staff_recovery_codes::staff_id.eq(staff_id),
                    staff_recovery_codes::code_hash.eq(h),
                    staff_recovery_codes::created_at.eq(to_db(now)),
                ))
                .execute(conn)?;
        }
        Ok(())
    })?;
    Ok(Some(codes))
}

/// Checks a login's code: true once per step (the step is remembered, so the same code, or an
/// older one, does not work again). False without a second factor.
pub fn verify(
    conn: &mut DbConnection,
    key: &SealKey,
    staff_id: i64,
    code: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let row: Option<(Option<String>, Option<chrono::NaiveDateTime>, Option<i64>)> = staff_accounts::table
        .find(staff_id)
        .select((staff_accounts::totp_secret, staff_accounts::totp_confirmed_at, staff_accounts::totp_last_step))
        .first(conn)
        .optional()?;
    let Some((Some(sealed), Some(_), last)) = row else { return Ok(false) };
    let Some(secret) = open(key, staff_id, &sealed) else {
        tracing::error!(staff_id, "a second factor does not open with this installation's secret key");
        return Ok(false);
    };
    let Some(step) = totp::matching_step(&secret, code, now, last) else { return Ok(false) };
    // Conditional, so two requests with one code cannot both pass.
    let n = diesel::update(
        staff_accounts::table
            .find(staff_id)
            .filter(staff_accounts::totp_last_step.is_null().or(staff_accounts::totp_last_step.lt(step))),
    )
    .set(staff_accounts::totp_last_step.eq(step))
    .execute(conn)?;
    Ok(n == 1)
}

/// Uses a recovery code instead of a TOTP code; true (and the code spent) when it is one of
/// the account's unused codes.
pub fn use_recovery_code(conn: &mut DbConnection, staff_id: i64, code: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let typed = normalise_recovery(code);
    if typed.len() != 10 {
        return Ok(false);
    }
    let unused: Vec<(i64, String)> = staff_recovery_codes::table
        .filter(staff_recovery_codes::staff_id.eq(staff_id).and(staff_recovery_codes::used_at.is_null()))
        .select((staff_recovery_codes::id, staff_recovery_codes::code_hash))
        .load(conn)?;
    for (id, hash) in unused {
        if crate::staff::verify_hash(&typed, &hash) {
            let n =
                diesel::update(staff_recovery_codes::table.find(id).filter(staff_recovery_codes::used_at.is_null()))
                    .set(staff_recovery_codes::used_at.eq(Some(to_db(now))))
                    .execute(conn)?;
            return Ok(n == 1);
        }
    }
    Ok(false)
}

/// Removes the second factor and its recovery codes.
pub fn clear(conn: &mut DbConnection, staff_id: i64) -> StoreResult<()> {
    diesel::update(staff_accounts::table.find(staff_id))
        .set((
            staff_accounts::totp_secret.eq(None::<String>),
            staff_accounts::totp_confirmed_at.eq(None::<chrono::NaiveDateTime>),
            staff_accounts::totp_last_step.eq(None::<i64>),
        ))
        .execute(conn)?;
    diesel::delete(staff_recovery_codes::table.filter(staff_recovery_codes::staff_id.eq(staff_id))).execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_for_its_account() {
        let key = SealKey::from_installation_secret(b"an installation secret of enough length");
        let sealed = seal(&key, 7, b"12345678901234567890").unwrap();
        assert!(!sealed.contains("12345678901234567890"));
        assert_eq!(open(&key, 7, &sealed).unwrap(), b"12345678901234567890");
        assert!(open(&key, 8, &sealed).is_none(), "moved to another account");
        let other = SealKey::from_installation_secret(b"another installation's secret key....");
        assert!(open(&other, 7, &sealed).is_none(), "another installation");
        assert_ne!(seal(&key, 7, b"12345678901234567890").unwrap(), sealed, "a fresh nonce each time");
    }

    #[test]
    fn recovery_codes_are_long_and_typed_loosely() {
        let c = new_recovery_code();
        assert_eq!(c.len(), 11);
        assert_eq!(normalise_recovery(&c.to_uppercase().replace('-', " ")), c.replace('-', ""));
    }
}
