//! Dates and amounts the way a participant reads them, in Dutch or English.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;

const NL_DAYS: [&str; 7] = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"];
const EN_DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const NL_MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "donderdag 3 december om 12:00" / "Thursday 3 December at 12:00", on the local clock.
pub fn when(at: DateTime<Utc>, zone: Tz, lang: &str) -> String {
    let l = at.with_timezone(&zone);
    let day = l.weekday().num_days_from_monday() as usize;
    let month = l.month0() as usize;
    if lang == "en" {
        format!("{} {} {} at {:02}:{:02}", EN_DAYS[day], l.day(), EN_MONTHS[month], l.hour(), l.minute())
    } else {
        format!("{} {} {} om {:02}:{:02}", NL_DAYS[day], l.day(), NL_MONTHS[month], l.hour(), l.minute())
    }
}

/// Amounts are written by core, the same way in pages and messages.
pub use koers_core::rewards::euros;

/// The person's language: English if that is their locale, Dutch otherwise.
pub fn lang(locale: &str) -> &'static str {
    if locale == "en" {
        "en"
    } else {
        "nl"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn local_wall_clock_in_both_languages() {
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 11, 0, 0).unwrap();
        assert_eq!(when(at, chrono_tz::Europe::Amsterdam, "nl"), "donderdag 3 december om 12:00");
        assert_eq!(when(at, chrono_tz::Europe::Amsterdam, "en"), "Thursday 3 December at 12:00");
    }
}
