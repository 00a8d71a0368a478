//! Time-based one-time passwords (RFC 6238) for the staff's second factor: six digits from
//! HMAC-SHA1 over 30-second steps, as every authenticator app makes them. The codes come from
//! the `totp-rs` crate; here is what koers decides around them: which steps count (the one of
//! "now" and one on either side, for clocks a little apart), that each step is used only once
//! (a code seen over a shoulder cannot be used again), and the `otpauth://` address a QR code
//! carries to the app.

use chrono::{DateTime, Utc};
use totp_rs::{Algorithm, TOTP};

/// Seconds per code.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Bytes of a new secret (160 bits, what RFC 4226 recommends for HMAC-SHA1).
pub const SECRET_BYTES: usize = 20;

fn totp(secret: &[u8]) -> TOTP {
    // `new_unchecked` only skips the length check, which SECRET_BYTES already satisfies.
    TOTP::new_unchecked(Algorithm::SHA1, DIGITS, 1, STEP_SECONDS as u64, secret.to_vec())
}

/// The time step an instant falls in.
pub fn step_of(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(STEP_SECONDS)
}

/// The code of one step.
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    totp(secret).generate((step.max(0) * STEP_SECONDS) as u64)
}

/// The code an app shows at an instant.
pub fn code_at(secret: &[u8], t: DateTime<Utc>) -> String {
    code_at_step(secret, step_of(t))
}

/// The step whose code `typed` is (spaces allowed), among the step of `now` and one either side,
/// and later than `last_used`; `None` when it is none of them.
pub fn matching_step(secret: &[u8], typed: &str, now: DateTime<Utc>, last_used: Option<i64>) -> Option<i64> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let here = step_of(now);
    let mut found = None;
    // Every candidate is compared (without stopping early), so the time taken says nothing.
    for step in [here - 1, here, here + 1] {
        let same = code_at_step(secret, step).bytes().zip(code.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if same && last_used.is_none_or(|l| step > l) {
            found = Some(step);
        }
    }
    found
}

/// RFC 4648 base32 without padding: how apps are given a secret to type in.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Reads RFC 4648 base32 (upper or lower case, spaces and padding ignored), as a secret typed
/// from a screen; `None` for anything else.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let (mut out, mut buffer, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = match c.to_ascii_uppercase() {
            u @ 'A'..='Z' => u as u32 - 'A' as u32,
            d @ '2'..='7' => d as u32 - '2' as u32 + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `otpauth://` address of a secret, as the enrolment QR code carries it.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        percent(issuer),
        percent(account),
        base32(secret),
        percent(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// RFC 6238, appendix B: the SHA-1 test vectors (eight digits there; six are their tail).
    #[test]
    fn codes_are_those_of_rfc_6238() {
        let secret = b"12345678901234567890";
        for (t, code) in
            [(59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924")]
        {
            let at = Utc.timestamp_opt(t, 0).unwrap();
            assert_eq!(code_at(secret, at), code[2..], "at {t}");
        }
    }

    #[test]
    fn a_code_counts_near_its_step_and_only_once() {
        let secret = b"12345678901234567890";
        let now = Utc.timestamp_opt(1111111111, 0).unwrap();
        let code = code_at(secret, now);
        let step = matching_step(secret, &code, now, None).unwrap();
        assert_eq!(step, step_of(now));
        assert_eq!(matching_step(secret, &format!("{} {}", &code[..3], &code[3..]), now, None), Some(step));
        assert_eq!(matching_step(secret, &code, now + chrono::TimeDelta::seconds(30), None), Some(step), "a step late");
        assert_eq!(matching_step(secret, &code, now + chrono::TimeDelta::seconds(90), None), None, "too late");
        assert_eq!(matching_step(secret, &code, now, Some(step)), None, "used already");
        assert_eq!(matching_step(secret, "12345", now, None), None);
        assert_eq!(matching_step(secret, "abcdef", now, None), None);
    }

    #[test]
    fn secrets_are_given_to_apps_in_base32() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(b"12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap(), b"12345678901234567890");
        assert_eq!(from_base32("MZXW6YTBOI").unwrap(), b"foobar");
        assert_eq!(from_base32("not base32!"), None);
        let uri = otpauth_uri("koers", "ann@school.nl", b"12345678901234567890");
        assert_eq!(
            uri,
            "otpauth://totp/koers:ann%40school.nl?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=koers&algorithm=SHA1&digits=6&period=30"
        );
    }
}
