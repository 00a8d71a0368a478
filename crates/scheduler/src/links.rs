//! Personal link tokens for invitations. A window's token is derived with HMAC from the
//! installation's secret, so the reminder can carry the same link as the invitation without
//! the plain token ever being stored: the database holds only its SHA-256.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// 128 bits of the HMAC of (person, link generation, window), URL-safe: 22 characters. The
/// generation goes up when the person's phone number changes, so links sent to the old number
/// cannot be made again; generation 0 keeps the links sent before generations existed.
pub fn window_token(secret: &[u8], person_id: i64, generation: i32, window_key: &str) -> String {
    let input = match generation {
        0 => format!("link:{person_id}:{window_key}"),
        g => format!("link:{person_id}:g{g}:{window_key}"),
    };
    URL_SAFE_NO_PAD.encode(&koers_core::keyed::hmac_sha256(secret, input.as_bytes())[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_link_per_person_and_window_that_only_the_secret_can_make() {
        let a = window_token(b"secret", 1, 0, "diary:1789000000");
        assert_eq!(a, window_token(b"secret", 1, 0, "diary:1789000000"));
        assert_ne!(a, window_token(b"secret", 2, 0, "diary:1789000000"));
        assert_ne!(a, window_token(b"secret", 1, 0, "diary:1789604800"));
        assert_ne!(a, window_token(b"other", 1, 0, "diary:1789000000"));
        assert_ne!(a, window_token(b"secret", 1, 1, "diary:1789000000"), "a new number, a new link");
        assert_eq!(a.len(), 22);
    }
}
