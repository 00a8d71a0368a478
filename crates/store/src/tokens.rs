//! Personal link tokens: random, at least 128 bits, shown once and stored only as a hash.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{link_tokens, people, studies};
use crate::studies::to_db;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use koers_core::clock::StudyClock;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 16 random bytes: 128 bits, 22 characters in a link.
const TOKEN_BYTES: usize = 16;

/// A fresh secret: the plain form goes to its holder once, only the hash is stored.
#[derive(Debug, Clone)]
pub struct NewSecret {
    pub plain: String,
    pub hash: String,
}

/// A secret just stored: its row's id, and the plain form for its holder (given out once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub id: i64,
    pub plain: String,
}

/// A fresh token in its plain form (for the link) and its hash (for the database).
pub fn new_token() -> NewSecret {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let plain = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&plain);
    NewSecret { plain, hash }
}

/// Tokens carry 128 random bits, so a fast hash is enough: there is nothing to brute-force.
pub fn hash_token(plain: &str) -> String {
    hex::encode(Sha256::digest(plain.as_bytes()))
}

/// Whether a string can be a token at all; anything else is refused before a database lookup.
pub fn looks_like_token(s: &str) -> bool {
    (20..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Issues a link token for a person and returns its plain form, which is not kept anywhere.
pub fn issue(
    conn: &mut DbConnection,
    person_id: i64,
    purpose: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<Issued> {
    let NewSecret { plain, hash } = new_token();
    let id = diesel::insert_into(link_tokens::table)
        .values((
            link_tokens::person_id.eq(person_id),
            link_tokens::token_hash.eq(hash),
            link_tokens::purpose.eq(purpose),
            link_tokens::expires_at.eq(to_db(expires_at)),
            link_tokens::created_at.eq(to_db(now)),
        ))
        .returning(link_tokens::id)
        .get_result(conn)?;
    Ok(Issued { id, plain })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenState {
    /// `expires_at` on the clock of the person's study, which `clock` is.
    Valid {
        token_id: i64,
        person_id: i64,
        purpose: String,
        expires_at: DateTime<Utc>,
        clock: StudyClock,
    },
    /// `purpose` as for a valid one: a parent's old link is answered in words for a parent.
    Expired {
        person_id: i64,
        purpose: String,
        clock: StudyClock,
    },
    Unknown,
}

/// id, person, purpose, expiry, revoked, the person's study's clock offset.
type TokenRow = (i64, i64, String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>, i64);

/// What a presented token is worth now (`real_now`: real time; the link expires by the person's
/// study's clock); a valid one has its use recorded.
pub fn redeem(conn: &mut DbConnection, plain: &str, real_now: DateTime<Utc>) -> StoreResult<TokenState> {
    if !looks_like_token(plain) {
        return Ok(TokenState::Unknown);
    }
    let row: Option<TokenRow> = link_tokens::table
        .inner_join(people::table.inner_join(studies::table))
        .filter(link_tokens::token_hash.eq(hash_token(plain)))
        .select((
            link_tokens::id,
            link_tokens::person_id,
            link_tokens::purpose,
            link_tokens::expires_at,
            link_tokens::revoked_at,
            studies::clock_offset_micros,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        None => TokenState::Unknown,
        Some((token_id, person_id, purpose, expires_at, revoked_at, offset)) => {
            let clock = StudyClock::from_offset_micros(offset);
            let now = clock.at(real_now);
            if revoked_at.is_some() || expires_at <= to_db(now) {
                TokenState::Expired { person_id, purpose, clock }
            } else {
                diesel::update(link_tokens::table.find(token_id))
                    .set(link_tokens::last_used_at.eq(to_db(now)))
                    .execute(conn)?;
                TokenState::Valid {
                    token_id,
                    person_id,
                    purpose,
                    expires_at: crate::studies::from_db(expires_at),
                    clock,
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let NewSecret { plain: a, hash: ha } = new_token();
        let b = new_token().plain;
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
        assert!(looks_like_token(&a));
        assert_eq!(ha, hash_token(&a));
        assert_ne!(ha, a, "only the hash is stored");
        assert!(!looks_like_token("../../etc/passwd"));
    }
}
