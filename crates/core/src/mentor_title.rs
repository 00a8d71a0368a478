//! What an organisation calls the person who guides a student: "begeleider" at one school,
//! "coach" or "jobcoach" at another. Pages and SMS texts use the organisation's own word, so a
//! student reads the word they know. The list is closed on purpose: a free word could reveal the
//! study's topic to someone reading over a shoulder.

/// The titles an organisation can choose; the first is the default.
pub const MENTOR_TITLES: &[&str] = &["begeleider", "coach", "buddy", "jobcoach"];

/// The title used when an organisation has not chosen one.
pub const DEFAULT_MENTOR_TITLE: &str = "begeleider";

/// The title as stored, or a message naming the titles that can be chosen.
pub fn parse_mentor_title(title: &str) -> Result<&'static str, String> {
    let t = title.trim().to_lowercase();
    MENTOR_TITLES
        .iter()
        .copied()
        .find(|k| *k == t)
        .ok_or_else(|| format!("unknown mentor title '{}'; choose one of: {}", title.trim(), MENTOR_TITLES.join(", ")))
}

/// The title in the reader's language: Dutch as stored, English for `en`.
pub fn mentor_title_in(title: &str, lang: &str) -> &'static str {
    let nl = parse_mentor_title(title).unwrap_or(DEFAULT_MENTOR_TITLE);
    if !lang.starts_with("en") {
        return nl;
    }
    match nl {
        "coach" => "coach",
        "buddy" => "buddy",
        "jobcoach" => "job coach",
        _ => "mentor",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_titles_are_accepted_in_any_case_and_unknown_ones_named() {
        assert_eq!(parse_mentor_title(" Coach ").unwrap(), "coach");
        let e = parse_mentor_title("schuldhulpmaatje").unwrap_err();
        assert!(e.contains("begeleider, coach, buddy, jobcoach"), "{e}");
    }

    #[test]
    fn english_pages_get_an_english_word_and_unknown_stored_titles_the_default() {
        assert_eq!(mentor_title_in("jobcoach", "en"), "job coach");
        assert_eq!(mentor_title_in("begeleider", "en"), "mentor");
        assert_eq!(mentor_title_in("buddy", "nl"), "buddy");
        assert_eq!(mentor_title_in("", "nl"), "begeleider");
    }
}
