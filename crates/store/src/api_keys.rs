//! API keys: long-lived credentials for scripts and analysis pipelines, exchanged at
//! `POST /api/v1/token` for a short-lived JWT. A key belongs to one staff account and names the
//! scopes it may use; it never gives more than its owner has at the moment it is used.
//!
//! Like personal link tokens, a key is random (256 bits), shown once when it is made and stored
//! only as the SHA-256 hex of its plain form ([`crate::tokens::hash_token`]): a stolen database
//! holds no usable key, and a fast hash is enough because there is nothing to brute-force.

use crate::access::Scopes;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::api_keys;
use crate::studies::to_db;
use crate::tokens::hash_token;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use rand::RngCore;

/// What an API key (and a token) can be allowed to do. The API decides what each one opens;
/// here they are only the words a key may name.
pub const KNOWN_SCOPES: &[&str] = &["studies:read", "people:read", "responses:read", "export"];

/// Every plain key starts with this, so secret scanners and people recognise one when it leaks.
pub const KEY_PREFIX: &str = "koers_";

const KEY_BYTES: usize = 32;
const MAX_NAME_CHARS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: i64,
    pub staff_id: i64,
    pub name: String,
    /// Space-separated, each one of [`KNOWN_SCOPES`].
    pub scopes: String,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl ApiKey {
    /// Whether the key may still be exchanged for a token at `now`.
    pub fn usable_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|t| t > to_db(now))
    }
}

/// A fresh key in its plain form (shown once) and its hash (stored).
pub fn new_key() -> crate::tokens::NewSecret {
    let mut bytes = [0u8; KEY_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let plain = format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_token(&plain);
    crate::tokens::NewSecret { plain, hash }
}

/// Whether a string can be a key at all; anything else is refused before a database lookup.
pub fn looks_like_key(s: &str) -> bool {
    s.len() <= 100
        && s.strip_prefix(KEY_PREFIX).is_some_and(|rest| {
            rest.len() >= 22 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The scopes of a new key in their stored form: known words only, each once, in the order of
/// [`KNOWN_SCOPES`].
pub fn normalise_scopes(scopes: &str) -> StoreResult<String> {
    let asked: Vec<&str> = scopes.split_whitespace().collect();
    if let Some(unknown) = asked.iter().find(|s| !KNOWN_SCOPES.contains(s)) {
        return Err(StoreError::Invalid(format!(
            "'{unknown}' is not a scope; use some of: {}",
            KNOWN_SCOPES.join(" ")
        )));
    }
    if asked.is_empty() {
        return Err(StoreError::Invalid(format!("name at least one scope: {}", KNOWN_SCOPES.join(" "))));
    }
    Ok(KNOWN_SCOPES.iter().filter(|k| asked.contains(k)).copied().collect::<Vec<_>>().join(" "))
}

/// Makes a key for a staff account and returns its id and plain form, which is not kept. Every
/// scope named must be one the account's roles give now (a key that claims more than its owner
/// has would only mislead whoever holds it); the error says which and what would give it.
pub fn create(
    conn: &mut DbConnection,
    staff_id: i64,
    name: &str,
    scopes: &str,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> StoreResult<crate::tokens::Issued> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(StoreError::Invalid(format!("the name of a key must be 1 to {MAX_NAME_CHARS} characters")));
    }
    let scopes = normalise_scopes(scopes)?;
    let has = crate::access::access_of(conn, staff_id)?.overall();
    let lacking = Scopes::parse(&scopes).without(has);
    if !lacking.is_empty() {
        let why = |s: &str| match s {
            "export" => {
                "a researcher role with the export permission (koers user add-role ... --can-export) or an admin role"
            }
            "people:read" => "a coordinator or admin role",
            "responses:read" => "a researcher or admin role",
            _ => "any role in a study",
        };
        let lines: Vec<String> = lacking.list().iter().map(|s| format!("'{s}' needs {}", why(s))).collect();
        return Err(StoreError::Invalid(format!(
            "the account's roles do not give {}: {}",
            lacking.list().join(", "),
            lines.join("; ")
        )));
    }
    if expires_at.is_some_and(|t| t <= now) {
        return Err(StoreError::Invalid("the key would expire before it is made".into()));
    }
    let crate::tokens::NewSecret { plain, hash } = new_key();
    let id = diesel::insert_into(api_keys::table)
        .values((
            api_keys::staff_id.eq(staff_id),
            api_keys::name.eq(name),
            api_keys::key_hash.eq(hash),
            api_keys::scopes.eq(scopes),
            api_keys::expires_at.eq(expires_at.map(to_db)),
            api_keys::created_at.eq(to_db(now)),
        ))
        .returning(api_keys::id)
        .get_result(conn)?;
    Ok(crate::tokens::Issued { id, plain })
}

pub fn find_by_hash(conn: &mut DbConnection, key_hash: &str) -> StoreResult<Option<ApiKey>> {
    Ok(api_keys::table.filter(api_keys::key_hash.eq(key_hash)).select(ApiKey::as_select()).first(conn).optional()?)
}

pub fn find(conn: &mut DbConnection, id: i64) -> StoreResult<Option<ApiKey>> {
    Ok(api_keys::table.find(id).select(ApiKey::as_select()).first(conn).optional()?)
}

/// The key a presented plain key is, if it exists and may be used now.
pub fn usable(conn: &mut DbConnection, plain: &str, now: DateTime<Utc>) -> StoreResult<Option<ApiKey>> {
    if !looks_like_key(plain) {
        return Ok(None);
    }
    Ok(find_by_hash(conn, &hash_token(plain))?.filter(|k| k.usable_at(now)))
}

/// The keys of an account, newest first.
pub fn keys_of(conn: &mut DbConnection, staff_id: i64) -> StoreResult<Vec<ApiKey>> {
    Ok(api_keys::table
        .filter(api_keys::staff_id.eq(staff_id))
        .order(api_keys::id.desc())
        .select(ApiKey::as_select())
        .load(conn)?)
}

/// Revokes a key; tokens it was exchanged for stop working at their next request. Returns
/// whether the key was usable until now (revoking twice changes nothing).
pub fn revoke(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = diesel::update(api_keys::table.find(id).filter(api_keys::revoked_at.is_null()))
        .set(api_keys::revoked_at.eq(to_db(now)))
        .execute(conn)?;
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_random_prefixed_and_stored_as_a_hash() {
        let crate::tokens::NewSecret { plain: a, hash: ha } = new_key();
        let b = new_key().plain;
        assert_ne!(a, b);
        assert!(a.starts_with(KEY_PREFIX));
        assert_eq!(a.len(), KEY_PREFIX.len() + 43);
        assert!(looks_like_key(&a));
        assert_eq!(ha, hash_token(&a));
        assert!(!looks_like_key("koers_short"));
        assert!(!looks_like_key(&a.replace(KEY_PREFIX, "other_")));
    }

    #[test]
    fn scopes_are_known_words_in_a_fixed_order() {
        assert_eq!(normalise_scopes("export studies:read export").unwrap(), "studies:read export");
        assert!(normalise_scopes("admin").is_err());
        assert!(normalise_scopes("  ").is_err());
    }
}
