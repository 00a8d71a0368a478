//! What a trend shows (a mentor's view of a consenting student, a student's own trend): one
//! point per calendar week, the week's mean of a construct, rounded to whole numbers, of the
//! last weeks only. Never a single answer with its wording, never free text; a line is only
//! drawn once there are enough weeks to be a line.

use crate::warnings::{Construct, Week};
use crate::weeks::{calendar_week, monday_of};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// How many weeks a trend goes back (a school term and a bit).
pub const TREND_WEEKS: usize = 16;
/// Fewer answered weeks than this show no line ("not enough weeks yet").
pub const MIN_POINTS: usize = 3;

/// One week of a trend: `None` when nothing was answered that week.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub monday: NaiveDate,
    /// `2026-W50`, as in the exports.
    pub calendar_week: String,
    pub value: Option<f64>,
}

/// The trend of one construct over the last [`TREND_WEEKS`] weeks with a diary, or `None` when
/// fewer than [`MIN_POINTS`] weeks have a value.
pub fn trend(weeks: &[Week], construct: Construct) -> Option<Vec<Point>> {
    let mut by_week: BTreeMap<NaiveDate, Vec<f64>> = BTreeMap::new();
    for w in weeks {
        let values = by_week.entry(monday_of(w.date)).or_default();
        if let Some(v) = w.values.get(&construct) {
            values.push(*v);
        }
    }
    let points: Vec<Point> = by_week
        .into_iter()
        .map(|(monday, v)| Point { monday, calendar_week: calendar_week(monday), value: mean_rounded(&v) })
        .collect();
    let recent = &points[points.len().saturating_sub(TREND_WEEKS)..];
    (recent.iter().filter(|p| p.value.is_some()).count() >= MIN_POINTS).then(|| recent.to_vec())
}

/// One week of support match: the mentor's intended support and the support the student
/// experienced, each the mean of its three (autonomy, competence, relatedness) answers.
#[derive(Debug, Clone, PartialEq)]
pub struct SupportWeek {
    pub monday: NaiveDate,
    pub calendar_week: String,
    pub intended: Option<f64>,
    pub experienced: Option<f64>,
}

/// One diary's answers to the support items, by the local date it opened.
#[derive(Debug, Clone, PartialEq)]
pub struct DiaryAnswers {
    pub date: NaiveDate,
    pub values: Vec<f64>,
}

/// Pairs up the mentor's and the student's weekly support answers (each diary's answers) by
/// calendar week, the last [`TREND_WEEKS`] weeks in which either answered.
pub fn support_match(intended: &[DiaryAnswers], experienced: &[DiaryAnswers]) -> Vec<SupportWeek> {
    let mut weeks: BTreeMap<NaiveDate, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for d in intended {
        weeks.entry(monday_of(d.date)).or_default().0.extend(&d.values);
    }
    for d in experienced {
        weeks.entry(monday_of(d.date)).or_default().1.extend(&d.values);
    }
    let all: Vec<SupportWeek> = weeks
        .into_iter()
        .map(|(monday, (i, e))| SupportWeek {
            monday,
            calendar_week: calendar_week(monday),
            intended: mean_rounded(&i),
            experienced: mean_rounded(&e),
        })
        .filter(|w| w.intended.is_some() || w.experienced.is_some())
        .collect();
    all[all.len().saturating_sub(TREND_WEEKS)..].to_vec()
}

fn mean_rounded(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| (v.iter().sum::<f64>() / v.len() as f64).round())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(d: u32, value: Option<f64>) -> Week {
        let mut values = BTreeMap::new();
        if let Some(v) = value {
            values.insert(Construct::Commitment, v);
        }
        Week { date: NaiveDate::from_ymd_opt(2026, 9, d).unwrap(), answered: value.is_some(), values }
    }

    #[test]
    fn a_trend_is_one_rounded_point_per_week_with_gaps_for_unanswered_weeks() {
        let weeks = [week(1, Some(70.4)), week(8, None), week(15, Some(60.0)), week(22, Some(55.6))];
        let t = trend(&weeks, Construct::Commitment).expect("three answered weeks make a line");
        let values: Vec<Option<f64>> = t.iter().map(|p| p.value).collect();
        assert_eq!(values, vec![Some(70.0), None, Some(60.0), Some(56.0)]);
        assert_eq!(t[0].calendar_week, "2026-W36");
        assert!(trend(&weeks, Construct::Wellbeing).is_none(), "no values, no line");
    }

    #[test]
    fn too_few_weeks_show_no_line_and_only_the_last_weeks_are_shown() {
        assert!(trend(&[week(1, Some(50.0)), week(8, Some(40.0))], Construct::Commitment).is_none());
        let many: Vec<Week> = (0..20)
            .map(|i| Week {
                date: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap() + chrono::TimeDelta::weeks(i),
                answered: true,
                values: BTreeMap::from([(Construct::Commitment, i as f64)]),
            })
            .collect();
        let t = trend(&many, Construct::Commitment).unwrap();
        assert_eq!(t.len(), TREND_WEEKS);
        assert_eq!(t[0].value, Some(4.0));
    }

    #[test]
    fn support_match_puts_both_sides_of_a_week_together() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 9, day).unwrap();
        let a = |day, values: Vec<f64>| DiaryAnswers { date: d(day), values };
        let intended = [a(2, vec![80.0, 70.0, 90.0]), a(9, vec![60.0])];
        let experienced = [a(3, vec![50.0, 60.0, 71.0]), a(16, vec![40.0])];
        let m = support_match(&intended, &experienced);
        assert_eq!(m.len(), 3);
        assert_eq!((m[0].intended, m[0].experienced), (Some(80.0), Some(60.0)));
        assert_eq!((m[1].intended, m[1].experienced), (Some(60.0), None));
        assert_eq!((m[2].intended, m[2].experienced), (None, Some(40.0)));
    }
}
