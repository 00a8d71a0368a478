//! Personal link tokens for invitations. A window's token is derived with HMAC from the
//! installation's secret, so the reminder can carry the same link as the invitation without
//! the plain token ever being stored: the database holds only its SHA-256.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};

/// 128 bits of the HMAC of (person, window), URL-safe: 22 characters.
pub fn window_token(secret: &[u8], person_id: i64, window_key: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("any key length");
    mac.update(format!("link:{person_id}:{window_key}").as_bytes());
    URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_link_per_person_and_window_that_only_the_secret_can_make() {
        let a = window_token(b"secret", 1, "diary:1789000000");
        assert_eq!(a, window_token(b"secret", 1, "diary:1789000000"));
        assert_ne!(a, window_token(b"secret", 2, "diary:1789000000"));
        assert_ne!(a, window_token(b"secret", 1, "diary:1789604800"));
        assert_ne!(a, window_token(b"other", 1, "diary:1789000000"));
        assert_eq!(a.len(), 22);
    }
}
