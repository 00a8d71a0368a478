//! The concrete windows of a person's protocol: when each questionnaire opens, when the
//! reminder goes and when it closes, as UTC instants computed on the study's local wall clock.
//!
//! The rules: a recurring measurement opens at its local time in every period, whatever the
//! UTC offset that day; a local time that does not exist (spring forward) opens at the first
//! instant after the gap, one that exists twice (fall back) at the first of the two
//! (`crate::time::local_to_utc`). Durations (open time, reminder delay) are elapsed time.

use super::{Opening, Period, Protocol};
use crate::time::{local_to_utc, start_of_local_day};
use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub measurement: String,
    /// 1 for the first window of a measurement, 2 for the next ...
    pub occurrence: u32,
    pub questionnaire: String,
    pub open_at: DateTime<Utc>,
    pub remind_at: Option<DateTime<Utc>>,
    pub close_at: DateTime<Utc>,
    pub invite: bool,
    pub stop_measurement: bool,
    /// Opens again and again (a diary), rather than once (an intake or a closing).
    pub recurring: bool,
}

/// Nobody gets an SMS at night: a message due between 21:00 and 09:00 local time (an intake
/// opening at midnight, say) goes at 09:00, unless the window closes before then.
pub fn in_daytime(due: DateTime<Utc>, close_at: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    let local = due.with_timezone(&zone);
    let date = local.date_naive();
    let nine = chrono::NaiveTime::from_hms_opt(9, 0, 0).expect("a valid time");
    let morning = match local.hour() {
        9..=20 => return due,
        21..=23 => date + Days::new(1),
        _ => date,
    };
    let at = local_to_utc(zone, morning.and_time(nine));
    if at < close_at {
        at
    } else {
        due
    }
}

/// When a window's invitation goes: at its opening, except that a window opening at local
/// midnight (an intake or a closing counted in days) is announced at 09:00.
pub fn invitation_time(open_at: DateTime<Utc>, close_at: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    if open_at.with_timezone(&zone).time() == chrono::NaiveTime::MIN {
        in_daytime(open_at, close_at, zone)
    } else {
        open_at
    }
}

/// Whether a window is still asked of someone whose participation ended at `ended_at`: only
/// one opening at (or, within a minute, just before) the end, which is the closing
/// questionnaire. A withdrawal or a parent's no stops the subscription, so no closing opens.
pub fn asked_after_end(ended_at: Option<DateTime<Utc>>, open_at: DateTime<Utc>) -> bool {
    ended_at.is_none_or(|end| open_at >= end - chrono::TimeDelta::minutes(1))
}

/// Which windows a subscription is asked. A mentor fills out a diary about each of their
/// students, one subscription per student, but is asked their own one-off questionnaires
/// (intake, closing) once, on a subscription of their own: otherwise a mentor of five students
/// would fill in their intake five times, each behind a student's name.
pub fn asks(w: &Window, mentor: bool, about_student: bool) -> bool {
    match (mentor, about_student) {
        (false, _) => true,
        (true, true) => w.recurring,
        (true, false) => !w.recurring,
    }
}

/// Where a person's participation ends: `duration_weeks` on the local calendar from the start,
/// the protocol's `end_date` (its last day), or the subscription's own end, whichever is first.
pub fn participation_end(
    p: &Protocol,
    zone: Tz,
    start: DateTime<Utc>,
    own_end: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let mut ends = Vec::new();
    if let Some(weeks) = p.duration_weeks {
        let local = start.with_timezone(&zone).naive_local();
        ends.push(local_to_utc(zone, local + Days::new(7 * u64::from(weeks))));
    }
    if let Some(d) = p.end_date {
        ends.push(start_of_local_day(zone, d + Days::new(1)));
    }
    ends.extend(own_end);
    ends.into_iter().min().unwrap_or(start)
}

/// Every window of a person who starts at `start` and ends at `end`, in opening order.
pub fn windows(p: &Protocol, zone: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<Window> {
    let mut out = Vec::new();
    for m in &p.measurements {
        let Ok(opening) = m.opening() else { continue };
        let recurring = matches!(opening, Opening::Recurring { .. });
        let opens: Vec<DateTime<Utc>> = match opening {
            Opening::FromStart(after) => vec![start + after.0],
            Opening::BeforeEnd(before) => vec![end - before.0],
            Opening::Recurring { period, weekday, time } => {
                let local_start = start.with_timezone(&zone).date_naive();
                let mut date = first_date(local_start, weekday);
                let step = match period {
                    Period::Daily => 1,
                    Period::Weekly => 7,
                    Period::Biweekly => 14,
                };
                let mut v = Vec::new();
                // A bound keeps a protocol with an absurd end from looping for ever.
                for _ in 0..5_000 {
                    let open = local_to_utc(zone, date.and_time(time));
                    if open >= end {
                        break;
                    }
                    if open >= start {
                        v.push(open);
                    }
                    date = date + Days::new(step);
                }
                v
            }
        };
        for (i, open_at) in opens.into_iter().enumerate() {
            out.push(Window {
                measurement: m.key.clone(),
                occurrence: i as u32 + 1,
                questionnaire: m.questionnaire.clone(),
                open_at,
                remind_at: m.reminder_delay.map(|r| open_at + r.0),
                close_at: open_at + m.open_duration.0,
                invite: m.invite,
                stop_measurement: m.stop_measurement,
                recurring,
            });
        }
    }
    out.sort_by(|a, b| a.open_at.cmp(&b.open_at).then_with(|| a.measurement.cmp(&b.measurement)));
    out
}

fn first_date(from: NaiveDate, weekday: Option<chrono::Weekday>) -> NaiveDate {
    match weekday {
        None => from,
        Some(w) => {
            let ahead = (7 + w.num_days_from_monday() as i64 - from.weekday().num_days_from_monday() as i64) % 7;
            from + TimeDelta::days(ahead)
        }
    }
}

/// The moment after which a window no longer takes answers: its close, plus the grace period
/// for someone who had opened it before it closed.
pub fn accepts_answers_until(p: &Protocol, close_at: DateTime<Utc>, opened_before_close: bool) -> DateTime<Utc> {
    if opened_before_close {
        close_at + p.grace_period.0
    } else {
        close_at
    }
}

/// One window as a person meets it, for [`answerable`].
#[derive(Debug, Clone, Copy)]
pub struct WindowState {
    pub open_at: DateTime<Utc>,
    pub close_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub completed: bool,
    /// Whether the subscription it belongs to still runs.
    pub active: bool,
}

/// Whether a window can be answered now: open, or closed a moment ago while the person was
/// already answering it (the protocol's grace period; none if the protocol is unknown).
pub fn answerable(p: Option<&Protocol>, w: WindowState, now: DateTime<Utc>) -> bool {
    if w.completed || !w.active || w.open_at > now {
        return false;
    }
    let opened_before_close = w.opened_at.is_some_and(|o| o < w.close_at);
    let until = match p {
        Some(p) => accepts_answers_until(p, w.close_at, opened_before_close),
        None => w.close_at,
    };
    now < until
}

#[cfg(test)]
mod tests {
    use super::super::parse_protocol;
    use super::*;
    use chrono::{TimeZone, Weekday};
    use proptest::prelude::*;

    #[test]
    fn a_window_takes_answers_after_its_close_only_from_who_opened_it_in_time() {
        let (p, _) = parse_protocol(
            "name: p\nrole: student\nduration_weeks: 2\ngrace_period: 2h\nmeasurements:\n  - key: diary\n    questionnaire: q\n    time: \"09:00\"\n    period: daily\n    open_duration: 24h\n",
        )
        .unwrap();
        let at = |h: i64| Utc.with_ymd_and_hms(2027, 1, 4, 0, 0, 0).unwrap() + TimeDelta::hours(h);
        let w =
            WindowState { open_at: at(9), close_at: at(33), opened_at: Some(at(20)), completed: false, active: true };
        assert!(!answerable(Some(&p), w, at(8)), "not before it opens");
        assert!(answerable(Some(&p), w, at(32)));
        assert!(answerable(Some(&p), w, at(34)), "within the grace period after opening it in time");
        assert!(!answerable(Some(&p), w, at(35)), "not after the grace period");
        let late = WindowState { opened_at: Some(at(33)), ..w };
        assert!(!answerable(Some(&p), late, at(34)), "opened at the close: no grace");
        assert!(!answerable(None, w, at(34)), "an unknown protocol gives no grace");
        assert!(!answerable(Some(&p), WindowState { completed: true, ..w }, at(20)));
        assert!(!answerable(Some(&p), WindowState { active: false, ..w }, at(20)));
    }

    #[test]
    fn a_grace_period_over_two_days_is_refused() {
        let source = "name: p\nrole: student\nduration_weeks: 2\ngrace_period: 3d\nmeasurements:\n  - key: diary\n    questionnaire: q\n    time: \"09:00\"\n    period: daily\n    open_duration: 24h\n";
        let problems = parse_protocol(source).unwrap_err();
        assert!(problems.iter().any(|p| p.path == "grace_period"), "{problems:?}");
    }

    #[test]
    fn messages_due_at_night_go_at_nine_unless_the_window_closes_first() {
        let zone: Tz = "Europe/Amsterdam".parse().unwrap();
        let at = |d, h, m| zone.with_ymd_and_hms(2026, 9, d, h, m, 0).unwrap().with_timezone(&Utc);
        let week = at(14, 0, 0);
        assert_eq!(in_daytime(at(7, 0, 0), week, zone), at(7, 9, 0), "midnight: nine the same day");
        assert_eq!(in_daytime(at(7, 22, 30), week, zone), at(8, 9, 0), "late evening: nine the next day");
        assert_eq!(in_daytime(at(7, 12, 0), week, zone), at(7, 12, 0), "daytime stays");
        assert_eq!(in_daytime(at(7, 20, 59), week, zone), at(7, 20, 59));
        assert_eq!(in_daytime(at(7, 0, 0), at(7, 8, 0), zone), at(7, 0, 0), "a window that closes before nine");
        assert_eq!(invitation_time(at(7, 0, 0), week, zone), at(7, 9, 0), "an intake opening at midnight");
        assert_eq!(invitation_time(at(7, 23, 30), week, zone), at(7, 23, 30), "enrolled late: at once");
    }

    #[test]
    fn a_mentor_is_asked_their_intake_once_and_a_diary_per_student() {
        let p = parse_protocol(include_str!("../../../../protocols/vsv_mentor.yaml")).unwrap().0;
        let start = Utc.with_ymd_and_hms(2026, 9, 7, 0, 0, 0).unwrap();
        let zone: Tz = "Europe/Amsterdam".parse().unwrap();
        let all = windows(&p, zone, start, participation_end(&p, zone, start, None));
        let keys = |mentor, about| -> Vec<&str> {
            let mut k: Vec<&str> =
                all.iter().filter(|w| asks(w, mentor, about)).map(|w| w.measurement.as_str()).collect();
            k.dedup();
            k.sort();
            k.dedup();
            k
        };
        assert_eq!(keys(true, false), ["closing", "intake"], "the mentor's own subscription");
        assert_eq!(keys(true, true), ["diary"], "a subscription about one student");
        assert_eq!(keys(false, false), ["closing", "diary", "intake"], "a student is asked everything");
    }

    fn protocol(zone: &str) -> Protocol {
        let src = format!(
            "name: p\ntime_zone: {zone}\nduration_weeks: 35\nmeasurements:\n\
             - {{key: intake, questionnaire: intake, open_from_start: 0h, open_duration: 7d, reminder_delay: 8h}}\n\
             - {{key: diary, questionnaire: diary, weekday: thursday, time: '12:00', open_duration: 30h, reminder_delay: 8h}}\n\
             - {{key: closing, questionnaire: closing, offset_till_end: 0h, open_duration: 7d, stop_measurement: true}}\n"
        );
        parse_protocol(&src).unwrap().0
    }

    fn ams() -> Tz {
        "Europe/Amsterdam".parse().unwrap()
    }

    #[test]
    fn a_35_week_protocol_has_35_diaries_at_noon_local_time_across_both_switches() {
        let p = protocol("Europe/Amsterdam");
        // Starting Monday 2026-09-07: the diaries run through the October and March switches.
        let start = start_of_local_day(ams(), NaiveDate::from_ymd_opt(2026, 9, 7).unwrap());
        let end = participation_end(&p, ams(), start, None);
        let w = windows(&p, ams(), start, end);
        let diaries: Vec<&Window> = w.iter().filter(|w| w.measurement == "diary").collect();
        assert_eq!(diaries.len(), 35);
        for d in &diaries {
            let local = d.open_at.with_timezone(&ams());
            assert_eq!((local.weekday(), local.hour(), local.minute()), (Weekday::Thu, 12, 0), "{d:?}");
            assert_eq!(d.close_at - d.open_at, TimeDelta::hours(30));
            assert_eq!(d.remind_at, Some(d.open_at + TimeDelta::hours(8)));
        }
        // Winter: 11:00 UTC; summer: 10:00 UTC.
        assert_eq!(diaries[0].open_at, Utc.with_ymd_and_hms(2026, 9, 10, 10, 0, 0).unwrap());
        let november = diaries.iter().find(|d| d.open_at.month() == 11).unwrap();
        assert_eq!(november.open_at.hour(), 11);
        let intake = &w[0];
        assert_eq!((intake.measurement.as_str(), intake.open_at), ("intake", start));
        let closing = w.last().unwrap();
        assert_eq!((closing.measurement.as_str(), closing.open_at), ("closing", end));
        assert!(closing.stop_measurement);
    }

    #[test]
    fn a_start_after_this_weeks_opening_begins_next_week() {
        let p = protocol("Europe/Amsterdam");
        let start = Utc.with_ymd_and_hms(2026, 9, 10, 13, 0, 0).unwrap(); // Thursday 15:00 local
        let end = participation_end(&p, ams(), start, None);
        let first = windows(&p, ams(), start, end).into_iter().find(|w| w.measurement == "diary").unwrap();
        assert_eq!(first.open_at, Utc.with_ymd_and_hms(2026, 9, 17, 10, 0, 0).unwrap());
    }

    #[test]
    fn a_daily_time_inside_the_skipped_hour_opens_when_the_clock_jumps() {
        let src = "name: p\nduration_weeks: 1\nmeasurements:\n - {key: d, questionnaire: q, period: daily, time: '02:30', open_duration: 2h}\n";
        let p = parse_protocol(src).unwrap().0;
        let start = start_of_local_day(ams(), NaiveDate::from_ymd_opt(2026, 3, 28).unwrap());
        let w = windows(&p, ams(), start, participation_end(&p, ams(), start, None));
        // 2026-03-29 02:30 does not exist: 03:00 CEST = 01:00 UTC.
        assert_eq!(w[1].open_at, Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap());
        assert_eq!(w[1].close_at - w[1].open_at, TimeDelta::hours(2));
    }

    proptest! {
        #[test]
        fn weekly_windows_keep_their_local_time_in_any_zone_and_year(
            days in 0i64..(365 * 8),
            zone in prop::sample::select(vec!["Europe/Amsterdam", "America/New_York", "Australia/Sydney"]),
        ) {
            let tz: Tz = zone.parse().unwrap();
            let p = protocol(zone);
            let start_date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + TimeDelta::days(days);
            let start = start_of_local_day(tz, start_date);
            let end = participation_end(&p, tz, start, None);
            let diaries: Vec<Window> = windows(&p, tz, start, end).into_iter().filter(|w| w.measurement == "diary").collect();
            prop_assert!(diaries.len() == 35 || diaries.len() == 34, "{} diaries", diaries.len());
            for pair in diaries.windows(2) {
                let a = pair[0].open_at.with_timezone(&tz);
                let b = pair[1].open_at.with_timezone(&tz);
                prop_assert_eq!((b.date_naive() - a.date_naive()).num_days(), 7);
                prop_assert_eq!((b.hour(), b.minute(), b.weekday()), (12, 0, Weekday::Thu));
                let elapsed = (pair[1].open_at - pair[0].open_at).num_hours();
                prop_assert!((167..=169).contains(&elapsed), "{} hours between openings", elapsed);
            }
            for d in &diaries {
                prop_assert!(d.open_at >= start && d.open_at < end);
                prop_assert_eq!(d.close_at - d.open_at, TimeDelta::hours(30));
            }
        }
    }
}
