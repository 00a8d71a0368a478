//! Data quality of one person's diaries, as researchers screen it: how much the diary sliders
//! move from one diary to the next (the MSSD), how many sliders were left untouched, how long a
//! diary took, and two flags that point at answers worth a second look: sliders left in the
//! middle, and diaries completed implausibly fast.
//!
//! Pure arithmetic on values the store hands in; the thresholds come from the study's settings
//! (`quality` in `crate::study_settings`) so a study can tune them without a release.
//! The flags are hints for the researcher, never a verdict about the person.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// When a person's diaries get a flag. Every field has a default, so a study's settings only
/// name what they change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QualityThresholds {
    /// Half the width of the "middle" band, on a 0-100 scale; a slider's own range is scaled to
    /// it, so 5 means within 5 % of the range on either side of the midpoint.
    pub middle_band: f64,
    /// The share of touched slider answers inside the band from which the middle flag is set.
    pub middle_share: f64,
    /// A median completion time below this many seconds is implausibly fast.
    pub fast_seconds: f64,
    /// Neither flag is set on fewer completed diaries than this: one quick diary says little.
    pub min_responses: usize,
}

impl Default for QualityThresholds {
    fn default() -> Self {
        Self { middle_band: 5.0, middle_share: 0.8, fast_seconds: 20.0, min_responses: 3 }
    }
}

impl QualityThresholds {
    /// What is wrong with these thresholds; a study whose `quality` settings fail this is
    /// screened with the defaults (`crate::study_settings`).
    pub fn check(&self) -> Result<(), String> {
        if !(0.0..=50.0).contains(&self.middle_band) {
            return Err(format!("quality.middle_band must be between 0 and 50 (got {})", self.middle_band));
        }
        if !(0.0..=1.0).contains(&self.middle_share) {
            return Err(format!("quality.middle_share must be between 0 and 1 (got {})", self.middle_share));
        }
        if !(self.fast_seconds >= 0.0 && self.fast_seconds.is_finite()) {
            return Err(format!("quality.fast_seconds must be 0 or more (got {})", self.fast_seconds));
        }
        Ok(())
    }
}

/// One slider answer of a diary.
#[derive(Debug, Clone, PartialEq)]
pub struct SliderAnswer {
    /// Which series the answer belongs to: the same slider in the same person's successive
    /// diaries (a mentor's slider about each student is a series of its own).
    pub series: String,
    /// The slider (construct) it measures, the same for every series of one slider: a mentor's
    /// `wellbeing` about each of their students is one construct in several series.
    pub construct: String,
    /// The value, or `None` when the slider was left untouched (stored as not answered).
    pub value: Option<f64>,
    /// The slider's range.
    pub min: f64,
    pub max: f64,
}

/// One completed diary of a person.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diary {
    /// From the page being shown (or the link being opened) to completion.
    pub seconds: Option<f64>,
    pub sliders: Vec<SliderAnswer>,
}

/// The quality figures of one person's diaries.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PersonQuality {
    /// Completed diaries looked at.
    pub diaries: usize,
    /// The mean squared successive difference of each slider over successive diaries (on a
    /// 0-100 scale, so sliders with different ranges can be averaged), averaged over sliders;
    /// `None` when no slider has two values.
    pub mssd: Option<f64>,
    /// The MSSD of each slider construct (0-100 scale), averaged over its series; only the
    /// constructs with at least one series of two values.
    pub mssd_by_construct: BTreeMap<String, f64>,
    /// Untouched slider answers out of all slider answers; `None` without slider answers.
    pub untouched_share: Option<f64>,
    /// Touched slider answers inside the middle band out of all touched ones.
    pub middle_share: Option<f64>,
    /// The median completion time in seconds.
    pub median_seconds: Option<f64>,
    /// Sliders left in the middle.
    pub middle_flag: bool,
    /// Completed implausibly fast.
    pub fast_flag: bool,
}

impl PersonQuality {
    pub fn flagged(&self) -> bool {
        self.middle_flag || self.fast_flag
    }
}

/// The mean squared successive difference of a series: the mean of `(x[i+1] - x[i])²`.
/// `None` with fewer than two values; never negative. Non-finite values are left out.
pub fn mssd(values: &[f64]) -> Option<f64> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.len() < 2 {
        return None;
    }
    let n = (finite.len() - 1) as f64;
    // Divided before summing, so that huge values cannot overflow to infinity on the way.
    let mean = finite.windows(2).map(|w| (w[1] - w[0]).powi(2) / n).sum::<f64>();
    Some(if mean.is_finite() { mean.max(0.0) } else { f64::MAX })
}

/// The median; `None` for no values. Non-finite values are left out.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 { v[mid] } else { v[mid - 1] / 2.0 + v[mid] / 2.0 })
}

/// A value on its slider's range as a share of 0-100 (a degenerate range counts as the middle).
fn on_hundred(value: f64, min: f64, max: f64) -> f64 {
    if max > min {
        (value - min) / (max - min) * 100.0
    } else {
        50.0
    }
}

/// The figures and flags of a person's completed diaries, given in the order they were answered.
pub fn assess(diaries: &[Diary], t: &QualityThresholds) -> PersonQuality {
    let mut series: Vec<(&str, &str, Vec<f64>)> = Vec::new();
    let (mut answers, mut untouched, mut touched, mut middle) = (0usize, 0usize, 0usize, 0usize);
    for d in diaries {
        for s in &d.sliders {
            answers += 1;
            let Some(v) = s.value.filter(|v| v.is_finite()) else {
                untouched += 1;
                continue;
            };
            touched += 1;
            let scaled = on_hundred(v, s.min, s.max);
            // A hair of tolerance: 22 on 0-40 is 55.00000000000001 in floating point.
            if (scaled - 50.0).abs() <= t.middle_band + 1e-9 {
                middle += 1;
            }
            match series.iter_mut().find(|(k, _, _)| *k == s.series) {
                Some((_, _, values)) => values.push(scaled),
                None => series.push((s.series.as_str(), s.construct.as_str(), vec![scaled])),
            }
        }
    }
    let per_slider: Vec<f64> = series.iter().filter_map(|(_, _, v)| mssd(v)).collect();
    let mssd = (!per_slider.is_empty()).then(|| per_slider.iter().sum::<f64>() / per_slider.len() as f64);
    let mut by_construct: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (_, construct, values) in &series {
        if let Some(m) = self::mssd(values) {
            by_construct.entry(construct.to_string()).or_default().push(m);
        }
    }
    let mssd_by_construct =
        by_construct.into_iter().map(|(c, ms)| (c, ms.iter().sum::<f64>() / ms.len() as f64)).collect();
    let share = |part: usize, whole: usize| (whole > 0).then(|| part as f64 / whole as f64);
    let seconds: Vec<f64> = diaries.iter().filter_map(|d| d.seconds).collect();
    let median_seconds = median(&seconds);
    let middle_share = share(middle, touched);
    let enough = diaries.len() >= t.min_responses;
    PersonQuality {
        diaries: diaries.len(),
        mssd,
        mssd_by_construct,
        untouched_share: share(untouched, answers),
        middle_share,
        median_seconds,
        middle_flag: enough && middle_share.is_some_and(|s| s >= t.middle_share),
        fast_flag: enough && median_seconds.is_some_and(|s| s < t.fast_seconds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn slider(series: &str, value: Option<f64>) -> SliderAnswer {
        SliderAnswer { series: series.into(), construct: series.into(), value, min: 0.0, max: 100.0 }
    }

    fn diary(seconds: f64, values: &[(&str, Option<f64>)]) -> Diary {
        Diary { seconds: Some(seconds), sliders: values.iter().map(|(s, v)| slider(s, *v)).collect() }
    }

    #[test]
    fn mssd_of_a_known_series() {
        assert_eq!(mssd(&[]), None);
        assert_eq!(mssd(&[4.0]), None);
        assert_eq!(mssd(&[1.0, 3.0, 0.0]), Some((4.0 + 9.0) / 2.0));
        assert_eq!(mssd(&[7.0, 7.0, 7.0]), Some(0.0));
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn sliders_left_in_the_middle_are_flagged_once_there_are_enough_diaries() {
        let t = QualityThresholds::default();
        let middle = |s| diary(s, &[("a", Some(50.0)), ("b", Some(52.0)), ("c", None)]);
        let two = assess(&[middle(120.0), middle(130.0)], &t);
        assert!(!two.middle_flag, "two diaries are not enough to say anything");
        let three = assess(&[middle(120.0), middle(130.0), middle(140.0)], &t);
        assert!(three.middle_flag);
        assert!(!three.fast_flag);
        assert_eq!(three.diaries, 3);
        assert_eq!(three.mssd, Some(0.0));
        assert_eq!(three.untouched_share, Some(1.0 / 3.0));
        assert_eq!(three.middle_share, Some(1.0));
        assert_eq!(three.median_seconds, Some(130.0));
    }

    #[test]
    fn the_middle_band_scales_with_the_slider_range() {
        let t = QualityThresholds::default();
        // On 0-40, the middle is 20 and 5 % of the range is 2.
        let hours = |v| Diary {
            seconds: Some(60.0),
            sliders: vec![SliderAnswer {
                series: "h".into(),
                construct: "h".into(),
                value: Some(v),
                min: 0.0,
                max: 40.0,
            }],
        };
        assert!(assess(&[hours(21.0), hours(19.0), hours(22.0)], &t).middle_flag);
        assert!(!assess(&[hours(21.0), hours(19.0), hours(23.0)], &t).middle_flag);
    }

    #[test]
    fn varied_answers_and_fast_diaries() {
        let t = QualityThresholds::default();
        let d = [
            diary(10.0, &[("a", Some(10.0)), ("b", Some(90.0))]),
            diary(12.0, &[("a", Some(30.0)), ("b", Some(70.0))]),
            diary(300.0, &[("a", Some(20.0)), ("b", None)]),
        ];
        let q = assess(&d, &t);
        assert!(!q.middle_flag);
        assert!(q.fast_flag, "median 12 s is below 20 s");
        // a: (400 + 100) / 2 = 250; b: 400 / 1 = 400; averaged: 325.
        assert_eq!(q.mssd, Some(325.0));
        assert_eq!(q.untouched_share, Some(1.0 / 6.0));
        let by: Vec<(&str, f64)> = q.mssd_by_construct.iter().map(|(c, m)| (c.as_str(), *m)).collect();
        assert_eq!(by, [("a", 250.0), ("b", 400.0)]);
    }

    #[test]
    fn a_construct_in_several_series_averages_its_series() {
        // A mentor's wellbeing slider about two students: two series of one construct, on 0-10.
        let s = |series: &str, v: f64| SliderAnswer {
            series: series.into(),
            construct: "wellbeing".into(),
            value: Some(v),
            min: 0.0,
            max: 10.0,
        };
        let d = |a: f64, b: f64| Diary { seconds: Some(60.0), sliders: vec![s("ahmed", a), s("bo", b)] };
        let q = assess(&[d(2.0, 5.0), d(4.0, 5.0), d(3.0, 9.0)], &QualityThresholds::default());
        // On 0-100: ahmed 20, 40, 30 -> (400 + 100) / 2 = 250; bo 50, 50, 90 -> (0 + 1600) / 2 = 800.
        assert_eq!(q.mssd_by_construct.get("wellbeing"), Some(&525.0));
        assert_eq!(q.mssd, Some(525.0));
        assert_eq!(q.mssd_by_construct.len(), 1);
    }

    #[test]
    fn nothing_to_go_on_gives_no_figures_and_no_flags() {
        let q = assess(&[], &QualityThresholds::default());
        assert_eq!(q, PersonQuality::default());
        let untouched = [diary(5.0, &[("a", None)]), diary(5.0, &[("a", None)]), diary(5.0, &[("a", None)])];
        let q = assess(&untouched, &QualityThresholds::default());
        assert_eq!((q.mssd, q.middle_share, q.middle_flag), (None, None, false));
        assert_eq!(q.untouched_share, Some(1.0));
        assert!(q.fast_flag);
    }

    proptest! {
        #[test]
        fn mssd_of_a_constant_series_is_zero(x in -1e6f64..1e6, n in 2usize..50) {
            prop_assert_eq!(mssd(&vec![x; n]), Some(0.0));
        }

        #[test]
        fn mssd_is_never_negative_and_never_panics(values in proptest::collection::vec(proptest::num::f64::ANY, 0..40)) {
            if let Some(m) = mssd(&values) {
                prop_assert!(m >= 0.0);
                prop_assert!(!m.is_nan());
            }
        }

        #[test]
        fn assessing_never_panics(
            diaries in proptest::collection::vec(
                (proptest::option::of(proptest::num::f64::ANY),
                 proptest::collection::vec((0u8..4, proptest::option::of(proptest::num::f64::ANY), -100f64..100.0, -100f64..200.0), 0..6)),
                0..12),
        ) {
            let diaries: Vec<Diary> = diaries
                .into_iter()
                .map(|(seconds, sliders)| Diary {
                    seconds,
                    sliders: sliders
                        .into_iter()
                        .map(|(s, value, min, max)| SliderAnswer { series: s.to_string(), construct: (s % 2).to_string(), value, min, max })
                        .collect(),
                })
                .collect();
            let q = assess(&diaries, &QualityThresholds::default());
            prop_assert!(q.mssd.is_none_or(|m| m >= 0.0));
            prop_assert!(q.untouched_share.is_none_or(|s| (0.0..=1.0).contains(&s)));
            prop_assert!(q.middle_share.is_none_or(|s| (0.0..=1.0).contains(&s)));
        }
    }
}
