//! Versions of definitions (questionnaires, protocols) by the hash of their content.

use sha2::{Digest, Sha256};

/// The version of a definition: the first 16 hex digits of the SHA-256 of its bytes with line
/// endings normalised, so the same file checked out on Windows or Linux has the same version.
pub fn content_hash(content: &str) -> String {
    let normalised = content.replace("\r\n", "\n");
    let digest = Sha256::digest(normalised.as_bytes());
    hex::encode(&digest[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_ignores_line_endings_but_not_content() {
        assert_eq!(
            content_hash("a: 1\r\nb: 2\r\n"),
            content_hash("a: 1\nb: 2\n")
        );
        assert_ne!(content_hash("a: 1\n"), content_hash("a: 2\n"));
        assert_eq!(content_hash("x").len(), 16);
    }
}
