//! What a person earns: a fixed amount per completed questionnaire, more once they are on a
//! streak of completed questionnaires in a row. Missed weeks only end a streak; nothing is
//! ever taken away.

use crate::protocol::RewardScheme;

/// The amount for one completed questionnaire, given the streak it makes (this one included).
pub fn amount_for(scheme: &RewardScheme, streak: u32) -> u32 {
    scheme
        .streak
        .iter()
        .filter(|s| streak >= s.from)
        .max_by_key(|s| s.from)
        .map(|s| s.per_completed_cents)
        .unwrap_or(scheme.per_completed_cents)
}

/// An amount as people read it, the one way koers writes money in pages and messages alike:
/// Dutch "€ 12,50" (sign, space, decimal comma), English "€12.50" for `lang` "en".
pub fn euros(cents: i64, lang: &str) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let (whole, rest) = ((cents / 100).abs(), (cents % 100).abs());
    if lang == "en" {
        format!("{sign}€{whole}.{rest:02}")
    } else {
        format!("{sign}€ {whole},{rest:02}")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Earnings {
    pub total_cents: u32,
    /// Completed questionnaires in a row up to now.
    pub streak: u32,
    pub completed: u32,
}

/// Earnings over a person's past windows in order (`true` = completed, `false` = missed).
pub fn earnings(scheme: &RewardScheme, history: impl IntoIterator<Item = bool>) -> Earnings {
    let mut e = Earnings::default();
    for completed in history {
        if completed {
            e.streak += 1;
            e.completed += 1;
            e.total_cents += amount_for(scheme, e.streak);
        } else {
            e.streak = 0;
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::StreakStep;

    #[test]
    fn amounts_are_written_one_way_per_language() {
        assert_eq!(euros(1250, "nl"), "€ 12,50");
        assert_eq!(euros(5, "nl"), "€ 0,05");
        assert_eq!(euros(200, "en"), "€2.00");
        assert_eq!(euros(-1250, "nl"), "-€ 12,50", "a correction reads as one amount");
    }

    fn study_scheme() -> RewardScheme {
        RewardScheme { per_completed_cents: 200, streak: vec![StreakStep { from: 3, per_completed_cents: 300 }] }
    }

    #[test]
    fn two_euro_each_and_three_from_the_third_in_a_row() {
        let e = earnings(&study_scheme(), [true, true, true, true]);
        assert_eq!(e, Earnings { total_cents: 200 + 200 + 300 + 300, streak: 4, completed: 4 });
    }

    #[test]
    fn a_missed_week_restarts_the_streak_but_keeps_what_was_earned() {
        let e = earnings(&study_scheme(), [true, true, true, false, true]);
        assert_eq!(e, Earnings { total_cents: 200 + 200 + 300 + 200, streak: 1, completed: 4 });
    }
}
