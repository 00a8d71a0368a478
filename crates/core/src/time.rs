//! Between the study's local wall clock and the UTC instants that are stored.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Reads an IANA zone name such as `Europe/Amsterdam`.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| format!("'{name}' is not a time zone; use an IANA name such as Europe/Amsterdam"))
}

/// The UTC instant of a local wall-clock time. A time that does not exist (the hour skipped when
/// summer time starts) moves forward to the first instant after the gap; a time that exists
/// twice (when summer time ends) takes the earlier of the two, so a window never opens late.
pub fn local_to_utc(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        LocalResult::None => {
            // Gaps are at most a few hours long; step in minutes to the first valid local time.
            let mut probe = local;
            for _ in 0..(24 * 60) {
                probe += chrono::TimeDelta::minutes(1);
                if let LocalResult::Single(t) | LocalResult::Ambiguous(t, _) = zone.from_local_datetime(&probe) {
                    return t.with_timezone(&Utc);
                }
            }
            Utc.from_utc_datetime(&local)
        }
    }
}

/// The UTC instant at which a local date starts in a zone.
pub fn start_of_local_day(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    local_to_utc(zone, date.and_time(NaiveTime::MIN))
}

/// A stored UTC instant's local date in a zone.
pub fn local_date(zone: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn local_noon_is_noon_in_winter_and_summer() {
        let ams = parse_zone("Europe/Amsterdam").unwrap();
        assert_eq!(local_to_utc(ams, dt("2026-01-08 12:00")).to_rfc3339(), "2026-01-08T11:00:00+00:00");
        assert_eq!(local_to_utc(ams, dt("2026-07-09 12:00")).to_rfc3339(), "2026-07-09T10:00:00+00:00");
    }

    #[test]
    fn skipped_and_repeated_hours_have_a_defined_answer() {
        let ams = parse_zone("Europe/Amsterdam").unwrap();
        // 2026-03-29 02:30 does not exist in Amsterdam: it becomes 03:00 CEST.
        assert_eq!(local_to_utc(ams, dt("2026-03-29 02:30")).to_rfc3339(), "2026-03-29T01:00:00+00:00");
        // 2026-10-25 02:30 happens twice: the first (CEST) is taken.
        assert_eq!(local_to_utc(ams, dt("2026-10-25 02:30")).to_rfc3339(), "2026-10-25T00:30:00+00:00");
    }

    #[test]
    fn unknown_zones_are_refused_with_an_example() {
        assert!(parse_zone("Amsterdam").unwrap_err().contains("Europe/Amsterdam"));
    }
}
