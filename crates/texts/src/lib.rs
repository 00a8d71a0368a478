//! koers's one message catalogue: every text a person reads on a page, in Dutch and English,
//! in Fluent files under `locales/<lang>/`. Code and templates name a key; the words live here.
//!
//! Dutch is the default: any language other than `en` reads Dutch. A key missing in a language
//! shows the key itself (never a panic on a page) and is remembered, so a test that walks the
//! pages fails on it ([`missing_keys`]); `tests/catalogue.rs` checks that both languages have
//! the same keys with the same variables and that every key named in code exists.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use koers_core::msg::Msg;
pub use koers_core::register::Register;
use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

/// The languages the catalogue speaks, Dutch first.
pub const LANGS: &[&str] = &["nl", "en"];

/// Every catalogue file: (language, file name, Fluent source), embedded in the binary.
pub const FILES: &[(&str, &str, &str)] = &[
    ("nl", "common.ftl", include_str!("../locales/nl/common.ftl")),
    ("nl", "import.ftl", include_str!("../locales/nl/import.ftl")),
    ("nl", "staff.ftl", include_str!("../locales/nl/staff.ftl")),
    ("nl", "participant.ftl", include_str!("../locales/nl/participant.ftl")),
    ("nl", "mentor.ftl", include_str!("../locales/nl/mentor.ftl")),
    ("nl", "questionnaire.ftl", include_str!("../locales/nl/questionnaire.ftl")),
    ("nl", "staff_pages.ftl", include_str!("../locales/nl/staff_pages.ftl")),
    ("en", "common.ftl", include_str!("../locales/en/common.ftl")),
    ("en", "import.ftl", include_str!("../locales/en/import.ftl")),
    ("en", "staff.ftl", include_str!("../locales/en/staff.ftl")),
    ("en", "participant.ftl", include_str!("../locales/en/participant.ftl")),
    ("en", "mentor.ftl", include_str!("../locales/en/mentor.ftl")),
    ("en", "questionnaire.ftl", include_str!("../locales/en/questionnaire.ftl")),
    ("en", "staff_pages.ftl", include_str!("../locales/en/staff_pages.ftl")),
];

struct Catalogue {
    nl: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: &str) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.parse().expect("a catalogue language is a language tag");
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // The Unicode isolation marks around arguments only matter for right-to-left scripts.
    b.set_use_isolating(false);
    for (l, name, source) in FILES.iter().filter(|f| f.0 == lang) {
        let resource = FluentResource::try_new(source.to_string())
            .unwrap_or_else(|(_, e)| panic!("catalogue file {l}/{name} is broken: {e:?}"));
        b.add_resource(resource).unwrap_or_else(|e| panic!("catalogue file {l}/{name} repeats a key: {e:?}"));
    }
    b
}

fn catalogue() -> &'static Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(|| Catalogue { nl: bundle("nl"), en: bundle("en") })
}

static MISSING: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// The language a locale reads: English if it is `en`, Dutch otherwise.
pub fn lang_of(locale: &str) -> &'static str {
    if locale == "en" {
        "en"
    } else {
        "nl"
    }
}

/// Whole numbers are passed as numbers (so plurals work); anything else, such as a phone number
/// `+316...` or `0612...`, stays text as typed.
fn value(v: &str) -> FluentValue<'_> {
    let number =
        !v.is_empty() && v.len() < 16 && v.bytes().all(|b| b.is_ascii_digit()) && (v == "0" || !v.starts_with('0'));
    match v.parse::<i64>() {
        Ok(n) if number => FluentValue::from(n),
        _ => FluentValue::from(v),
    }
}

/// The text of `key` in `lang` with its arguments filled in, addressing the reader with "je".
pub fn t(lang: &str, key: &str, args: &[(&str, String)]) -> String {
    t_in(lang, Register::Je, key, args)
}

/// The text of `key` in `lang` and `register`: a message whose words differ for "u" carries them
/// as its `.u` attribute (`home-hi = Hoi { $name }!` / `    .u = Goedendag { $name },`); one
/// without it reads the same in both registers.
pub fn t_in(lang: &str, register: Register, key: &str, args: &[(&str, String)]) -> String {
    let c = catalogue();
    let b = if lang_of(lang) == "en" { &c.en } else { &c.nl };
    let message = b.get_message(key);
    let polite = match register {
        Register::U => message.as_ref().and_then(|m| m.get_attribute("u")).map(|a| a.value()),
        Register::Je => None,
    };
    let Some(pattern) = polite.or_else(|| message.and_then(|m| m.value())) else {
        if let Ok(mut m) = MISSING.lock() {
            m.insert(format!("{}:{key}", lang_of(lang)));
        }
        return key.to_string();
    };
    let mut fargs = FluentArgs::new();
    for (name, v) in args {
        fargs.set(*name, value(v));
    }
    let mut errors = Vec::new();
    let text = b.format_pattern(pattern, Some(&fargs), &mut errors).into_owned();
    if !errors.is_empty() {
        if let Ok(mut m) = MISSING.lock() {
            m.insert(format!("{}:{key} ({errors:?})", lang_of(lang)));
        }
    }
    text
}

/// The text of a message core (or the store) chose, in `lang`.
pub fn msg(lang: &str, m: &Msg) -> String {
    msg_in(lang, Register::Je, m)
}

/// The text of a message core (or the store) chose, in `lang` and `register`.
pub fn msg_in(lang: &str, register: Register, m: &Msg) -> String {
    let args: Vec<(&str, String)> = m.args.iter().map(|(k, v)| (*k, v.clone())).collect();
    t_in(lang, register, m.key, &args)
}

/// Keys asked for that the catalogue lacks (or could not fill in), as `lang:key`, since start.
pub fn missing_keys() -> Vec<String> {
    MISSING.lock().map(|m| m.iter().cloned().collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_is_the_default_and_english_is_asked_for() {
        let m = Msg::new("import-too-long").arg("max", 100);
        assert_eq!(msg("nl", &m), msg("de", &m));
        assert_ne!(msg("nl", &m), msg("en", &m));
        assert!(msg("en", &m).contains("100"));
    }

    #[test]
    fn phone_numbers_stay_as_written() {
        let m = Msg::new("import-phone-twice").arg("phone", "+31612345678").arg("line", 2);
        assert!(msg("nl", &m).contains("+31612345678"), "{}", msg("nl", &m));
    }

    #[test]
    fn a_polite_variant_is_used_for_u_and_only_where_the_words_differ() {
        let je = t_in("nl", Register::Je, "p-logout", &[]);
        assert_eq!(t_in("nl", Register::U, "p-logout", &[]), je, "no .u attribute: the same words");
        let polite = t_in("nl", Register::U, "stop-any-time", &[]);
        assert_ne!(polite, t_in("nl", Register::Je, "stop-any-time", &[]));
        assert!(polite.starts_with("U "), "{polite}");
        assert_eq!(t_in("en", Register::U, "stop-any-time", &[]), t("en", "stop-any-time", &[]), "English has one you");
    }

    #[test]
    fn a_message_reference_reads_the_arguments_of_the_message_that_names_it() {
        let m = Msg::new("warning-less-well").arg("student", "Sanne").arg("construct", "wellbeing");
        assert_eq!(
            msg("nl", &m),
            "Het lijkt minder te gaan met hoe de student zich voelt bij Sanne. Misschien goed om te vragen hoe het gaat?"
        );
        assert!(msg("en", &m).contains("how the student feels"), "{}", msg("en", &m));
    }

    #[test]
    fn a_missing_key_shows_the_key_and_is_remembered() {
        assert_eq!(t("nl", "no-such-key-here", &[]), "no-such-key-here");
        assert!(missing_keys().contains(&"nl:no-such-key-here".to_string()));
    }
}
