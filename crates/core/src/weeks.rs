//! Week numbers as researchers use them: the calendar week, the week since a person started
//! and the week relative to a dropout date. All on local dates in the study's zone.

use chrono::{Datelike, NaiveDate};

/// ISO 8601 calendar week, `2026-W53`: the week-based year, so the last days of December can
/// belong to week 1 of the next year and the first days of January to the last week before.
pub fn calendar_week(date: NaiveDate) -> String {
    let w = date.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The Monday of a date's ISO week.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - chrono::TimeDelta::days(i64::from(date.weekday().num_days_from_monday()))
}

/// 1 in the calendar week (Monday to Sunday) of the person's first day, 2 in the next, and so
/// on; 0 or less before it. Calendar weeks, so that a student and a mentor who answer in the same
/// week get rows that line up, whatever weekday each of them started on.
pub fn week_since_start(start: NaiveDate, date: NaiveDate) -> i64 {
    (monday_of(date) - monday_of(start)).num_days() / 7 + 1
}

/// 0 in the calendar week of the dropout date, -1 in the week before, 1 in the week after.
pub fn week_from(dropout: NaiveDate, date: NaiveDate) -> i64 {
    (monday_of(date) - monday_of(dropout)).num_days() / 7
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn calendar_weeks_cross_the_year_boundary_as_iso_says() {
        assert_eq!(calendar_week(d(2026, 12, 31)), "2026-W53");
        assert_eq!(calendar_week(d(2027, 1, 3)), "2026-W53");
        assert_eq!(calendar_week(d(2027, 1, 4)), "2027-W01");
        assert_eq!(calendar_week(d(2025, 12, 29)), "2026-W01");
    }

    #[test]
    fn weeks_since_start_and_around_dropout() {
        // Thursday 17 December 2026; that week runs from Monday the 14th to Sunday the 20th.
        let start = d(2026, 12, 17);
        assert_eq!(week_since_start(start, start), 1);
        assert_eq!(week_since_start(start, d(2026, 12, 14)), 1);
        assert_eq!(week_since_start(start, d(2026, 12, 20)), 1);
        assert_eq!(week_since_start(start, d(2026, 12, 21)), 2);
        assert_eq!(week_since_start(start, d(2027, 1, 7)), 4, "across the year boundary");
        assert_eq!(week_since_start(start, d(2026, 12, 13)), 0);
        // Sunday 10 January 2027: its week is Monday 4 to Sunday 10.
        let out = d(2027, 1, 10);
        assert_eq!(week_from(out, d(2027, 1, 4)), 0);
        assert_eq!(week_from(out, d(2027, 1, 3)), -1);
        assert_eq!(week_from(out, d(2026, 12, 27)), -2);
        assert_eq!(week_from(out, d(2027, 1, 11)), 1);
    }
}
