//! Mobile phone numbers, parsed with libphonenumber's rules and kept in E.164.

use crate::msg::Msg;
use phonenumber::{country, Mode, PhoneNumber};

/// Why a phone number cannot be used to send SMS.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("'{0}' is not a phone number; write it as 06 12345678 or +31 6 12345678")]
    Unparsable(String),
    #[error("'{0}' is not a valid phone number (check the number of digits)")]
    Invalid(String),
    #[error("'{0}' is not a mobile number, so it cannot receive SMS")]
    NotMobile(String),
}

impl PhoneError {
    /// What to tell the person who typed it, with a hint how to write a number that works.
    pub fn msg(&self) -> Msg {
        match self {
            PhoneError::Unparsable(v) => Msg::new("phone-unparsable").arg("value", v),
            PhoneError::Invalid(v) => Msg::new("phone-invalid").arg("value", v),
            PhoneError::NotMobile(v) => Msg::new("phone-not-mobile").arg("value", v),
        }
    }
}

/// Parses a number as people write it (Dutch numbers without country code are assumed) and
/// returns it in E.164 (`+316...`), the only form that is stored and compared.
pub fn normalise_mobile(input: &str) -> Result<String, PhoneError> {
    let trimmed = input.trim();
    if trimmed.is_empty() || trimmed.len() > 32 {
        return Err(PhoneError::Unparsable(trimmed.chars().take(32).collect()));
    }
    // Spreadsheets drop the leading zero of 0612345678 and show 612345678.
    let candidate = if trimmed.len() == 9 && trimmed.starts_with('6') && trimmed.chars().all(|c| c.is_ascii_digit()) {
        format!("0{trimmed}")
    } else {
        trimmed.to_string()
    };
    let number: PhoneNumber =
        phonenumber::parse(Some(country::NL), &candidate).map_err(|_| PhoneError::Unparsable(trimmed.to_string()))?;
    // Every Dutch 06 number is a mobile one (the numbering plan), also ranges the library's
    // metadata does not list yet, such as 06 99...
    let national = number.national().value().to_string();
    if number.code().value() == 31 && national.len() == 9 && national.starts_with('6') {
        return Ok(format!("+31{national}"));
    }
    if !phonenumber::is_valid(&number) {
        return Err(PhoneError::Invalid(trimmed.to_string()));
    }
    use phonenumber::metadata::DATABASE;
    use phonenumber::Type;
    match number.number_type(&DATABASE) {
        Type::Mobile | Type::FixedLineOrMobile | Type::Pager => {}
        _ => return Err(PhoneError::NotMobile(trimmed.to_string())),
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

/// Shows a number to staff with only the last digits, e.g. in lists and logs of changes.
pub fn masked(e164: &str) -> String {
    let digits = e164.chars().count();
    let shown: String = e164.chars().skip(digits.saturating_sub(3)).collect();
    format!("…{shown}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_mobile_numbers_become_e164() {
        assert_eq!(normalise_mobile("06 9988 7766").as_deref(), Ok("+31699887766"), "every 06 number is mobile");
        for input in [
            "0612345678",
            "06-12345678",
            "06 12 34 56 78",
            "+31612345678",
            "0031612345678",
            "612345678",
            "+31 (0)6 12345678",
        ] {
            assert_eq!(normalise_mobile(input).as_deref(), Ok("+31612345678"), "{input}");
        }
    }

    #[test]
    fn foreign_mobile_numbers_keep_their_country() {
        assert_eq!(normalise_mobile("+32 470 12 34 56").as_deref(), Ok("+32470123456"));
    }

    #[test]
    fn landlines_and_nonsense_are_refused_with_a_reason() {
        assert!(matches!(normalise_mobile("020 123 4567"), Err(PhoneError::NotMobile(_))));
        assert!(matches!(normalise_mobile("06123"), Err(PhoneError::Invalid(_))));
        assert!(matches!(normalise_mobile("bel me"), Err(PhoneError::Unparsable(_)) | Err(PhoneError::Invalid(_))));
        assert!(matches!(normalise_mobile(""), Err(PhoneError::Unparsable(_))));
    }

    #[test]
    fn masking_shows_only_the_last_digits() {
        assert_eq!(masked("+31612345678"), "…678");
    }
}
