//! A person moved to another protocol from a chosen date (a lighter aftercare protocol after a
//! dropout, say). Moving is not ending: the old protocol's windows stop at the date without its
//! closing questionnaire being brought forward, and the new protocol's windows start there.

use super::windows::{participation_end, windows, Window};
use super::{Opening, Protocol};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Why a subscription ended when its person moved to another protocol.
pub const MOVED: &str = "moved";

/// The windows of a subscription that started at `start` and was moved away at `moved_at`:
/// those the protocol would have had, opening before the move. A measurement counted back from
/// the end (a closing questionnaire) is left out: the person's participation goes on.
pub fn windows_before_move(p: &Protocol, zone: Tz, start: DateTime<Utc>, moved_at: DateTime<Utc>) -> Vec<Window> {
    let natural = participation_end(p, zone, start, None);
    let end = if natural > start { natural } else { moved_at };
    let closing: Vec<&str> = p
        .measurements
        .iter()
        .filter(|m| matches!(m.opening(), Ok(Opening::BeforeEnd(_))))
        .map(|m| m.key.as_str())
        .collect();
    windows(p, zone, start, end)
        .into_iter()
        .filter(|w| w.open_at < moved_at && !closing.contains(&w.measurement.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::parse_protocol;
    use chrono::TimeZone;

    #[test]
    fn the_old_protocol_stops_at_the_move_without_its_closing() {
        let p = parse_protocol(
            "name: p\nrole: student\nduration_weeks: 10\nmeasurements:\n  - {key: intake, questionnaire: i, open_from_start: 0h, open_duration: 7d}\n  - {key: diary, questionnaire: d, period: weekly, weekday: thursday, time: '12:00', open_duration: 30h}\n  - {key: closing, questionnaire: c, offset_till_end: 7d, open_duration: 7d}\n",
        )
        .unwrap()
        .0;
        let zone = chrono_tz::Europe::Amsterdam;
        let start = Utc.with_ymd_and_hms(2026, 9, 6, 22, 0, 0).unwrap(); // Monday 7 September, local
        let moved = Utc.with_ymd_and_hms(2026, 9, 27, 22, 0, 0).unwrap(); // Monday 28 September
        let w = windows_before_move(&p, zone, start, moved);
        let keys: Vec<(&str, u32)> = w.iter().map(|w| (w.measurement.as_str(), w.occurrence)).collect();
        assert_eq!(keys, vec![("intake", 1), ("diary", 1), ("diary", 2), ("diary", 3)]);
        assert!(w.iter().all(|w| w.open_at < moved));
    }
}
