//! The rules on hand-made series of weekly diaries.

use super::*;
use chrono::TimeDelta;

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 7).unwrap()
}

/// One construct's values, a week apart from `start`; `None` is a missed diary.
fn series(start: NaiveDate, c: Construct, values: &[Option<f64>]) -> Vec<Week> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| Week {
            date: start + TimeDelta::weeks(i as i64),
            answered: v.is_some(),
            values: v.map(|v| BTreeMap::from([(c, v)])).unwrap_or_default(),
        })
        .collect()
}

fn rules_of(ws: &[Warning]) -> Vec<(Rule, Option<Construct>, NaiveDate)> {
    ws.iter().map(|w| (w.rule, w.construct, w.date)).collect()
}

const C: Construct = Construct::Commitment;

#[test]
fn three_weeks_below_the_own_mean_is_a_sustained_fall_and_two_are_not() {
    let r = Rules::default();
    let v = [70.0, 74.0, 72.0, 58.0, 55.0, 50.0].map(Some);
    let weeks = series(monday(), C, &v);
    assert!(current(&r, &[C], &weeks[..5]).is_empty(), "two weeks down is not yet sustained");
    let first = first_warnings(&r, &[C], &weeks);
    assert_eq!(rules_of(&first), vec![(Rule::SustainedFall, Some(C), monday() + TimeDelta::weeks(5))]);
}

#[test]
fn a_small_dip_or_noise_around_the_own_level_warns_of_nothing() {
    let r = Rules::default();
    let v = [70.0, 64.0, 76.0, 62.0, 63.0, 64.0, 71.0, 68.0].map(Some);
    assert!(first_warnings(&r, &[C], &series(monday(), C, &v)).is_empty());
}

#[test]
fn a_missed_week_does_not_break_a_fall_but_a_recovered_week_does() {
    let r = Rules::default();
    let fall = [Some(70.0), Some(72.0), Some(55.0), None, Some(52.0), Some(50.0)];
    assert_eq!(first_warnings(&r, &[C], &series(monday(), C, &fall)).len(), 1);
    let recovered = [Some(70.0), Some(72.0), Some(55.0), Some(71.0), Some(52.0), Some(50.0)];
    assert!(first_warnings(&r, &[C], &series(monday(), C, &recovered)).is_empty());
}

#[test]
fn the_fall_is_measured_against_the_persons_own_level() {
    // A student who is always low is not falling; low values alone warn only after mid-year.
    let r = Rules::default();
    let v = [30.0, 28.0, 31.0, 29.0, 30.0].map(Some);
    assert!(first_warnings(&r, &[C], &series(monday(), C, &v)).is_empty());
}

#[test]
fn a_fall_after_an_unusually_high_start() {
    let r = Rules::default();
    let v = [92.0, 90.0, 85.0, 66.0, 64.0].map(Some);
    let ws = first_warnings(&r, &[C], &series(monday(), C, &v));
    assert_eq!(rules_of(&ws), vec![(Rule::FallAfterHighStart, Some(C), monday() + TimeDelta::weeks(4))]);
    // The same fall from an ordinary start is only 20 points: no warning of this kind.
    let v = [72.0, 70.0, 71.0, 52.0, 51.0].map(Some);
    assert!(first_warnings(&r, &[C], &series(monday(), C, &v)).iter().all(|w| w.rule != Rule::FallAfterHighStart));
}

#[test]
fn low_values_warn_only_after_mid_year() {
    let r = Rules::default();
    let v = [30.0, 28.0, 31.0].map(Some);
    let january = NaiveDate::from_ymd_opt(2027, 1, 11).unwrap();
    assert!(first_warnings(&r, &[C], &series(january, C, &v)).is_empty(), "weeks 2 and 3 are in January");
    let late_january = NaiveDate::from_ymd_opt(2027, 1, 25).unwrap();
    let ws = first_warnings(&r, &[C], &series(late_january, C, &v));
    assert_eq!(rules_of(&ws), vec![(Rule::LowAfterMidYear, Some(C), late_january + TimeDelta::weeks(2))]);
}

#[test]
fn diaries_missed_in_a_row_warn_about_the_student_not_a_construct() {
    let r = Rules::default();
    let v = [Some(70.0), None, Some(71.0), None, None, None];
    let ws = first_warnings(&r, &[C], &series(monday(), C, &v));
    assert_eq!(rules_of(&ws), vec![(Rule::MissingInRow, None, monday() + TimeDelta::weeks(4))]);
    // Still holds in the third missed week (the overview keeps showing it).
    assert_eq!(current(&r, &[C], &series(monday(), C, &v)).len(), 1);
}

#[test]
fn each_construct_is_judged_on_its_own_and_only_chosen_ones() {
    let r = Rules::default();
    let mut weeks = series(monday(), C, &[70.0, 72.0, 71.0, 55.0, 54.0, 50.0].map(Some));
    for w in &mut weeks {
        w.values.insert(Construct::Wellbeing, 70.0);
    }
    let ws = first_warnings(&r, &[C, Construct::Wellbeing], &weeks);
    assert_eq!(ws.len(), 1);
    assert_eq!(ws[0].construct, Some(C));
    assert!(first_warnings(&r, &[Construct::Wellbeing], &weeks).is_empty());
}

#[test]
fn a_rule_with_zero_weeks_is_off() {
    let mut r = Rules::default();
    r.sustained_fall.weeks = 0;
    r.missing_in_row.weeks = 0;
    let v = [Some(70.0), Some(72.0), Some(55.0), Some(52.0), Some(50.0), None, None];
    assert!(first_warnings(&r, &[C], &series(monday(), C, &v)).is_empty());
}

#[test]
fn warnings_are_questions_to_the_mentor() {
    let w = Warning { rule: Rule::SustainedFall, construct: Some(C), date: monday() };
    let m = w.msg("Sanne");
    assert_eq!(m.key, "warning-less-well");
    assert_eq!(m.args, vec![("student", "Sanne".to_string()), ("construct", C.as_str().to_string())]);
    let missed = Warning { rule: Rule::MissingInRow, construct: None, date: monday() };
    assert_eq!(missed.msg("Sanne").key, "warning-missing");
}

#[test]
fn construct_values_average_their_items() {
    let numbers = BTreeMap::from([("programme_choice".to_string(), 60.0), ("programme_fit".to_string(), 80.0)]);
    let texts = BTreeMap::from([("school_hours_enough".to_string(), "too_little".to_string())]);
    assert_eq!(Construct::Commitment.value(&numbers, &texts), Some(70.0));
    assert_eq!(Construct::TimeEnough.value(&numbers, &texts), Some(0.0));
    assert_eq!(Construct::Wellbeing.value(&numbers, &texts), None);
}
