//! The statistics of the study report (`koers report`): response rates, means with a 95%
//! confidence interval (Student's t) and the middle 50% (quartiles, R's default type 7), and
//! shares. Pure functions over plain numbers, so every figure can be checked by hand.

use std::collections::BTreeMap;

/// Windows that opened and how many of them were completed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rate {
    pub opened: u64,
    pub completed: u64,
}

impl Rate {
    pub fn rate(&self) -> Option<f64> {
        (self.opened > 0).then(|| self.completed as f64 / self.opened as f64)
    }
}

/// Rates per key from (key, completed) windows.
pub fn rates<K: Ord>(windows: impl IntoIterator<Item = (K, bool)>) -> BTreeMap<K, Rate> {
    let mut out: BTreeMap<K, Rate> = BTreeMap::new();
    for (k, done) in windows {
        let r = out.entry(k).or_default();
        r.opened += 1;
        r.completed += u64::from(done);
    }
    out
}

/// The mean of some values with its 95% confidence interval and quartiles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub mean: f64,
    /// Standard deviation (n - 1); `None` for a single value.
    pub sd: Option<f64>,
    /// Mean +/- t(0.975, n - 1) x sd / sqrt(n); `None` for a single value.
    pub ci: Option<(f64, f64)>,
    pub q25: f64,
    pub q75: f64,
}

/// t(0.975, df) for df 1 to 30; beyond, the normal 1.96 plus a small correction.
pub fn t95(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => T[df - 1],
        // Cornish-Fisher: within 0.001 of the exact value from 31 on.
        _ => {
            let z: f64 = 1.959_964;
            let d = df as f64;
            z + (z.powi(3) + z) / (4.0 * d) + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
        }
    }
}

/// The p-quantile of sorted values, interpolating linearly (R's type 7, pandas' default).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Mean, 95% CI and quartiles; `None` without values.
pub fn summarise(values: &[f64]) -> Option<Summary> {
    if values.is_empty() {
        return None;
    }
    let n = values.len();
    let mean = values.iter().sum::<f64>() / n as f64;
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let sd = (n > 1).then(|| (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt());
    let ci = sd.map(|sd| {
        let half = t95(n - 1) * sd / (n as f64).sqrt();
        (mean - half, mean + half)
    });
    Some(Summary { n, mean, sd, ci, q25: quantile(&sorted, 0.25), q75: quantile(&sorted, 0.75) })
}

/// Summaries per key from (key, value) pairs.
pub fn summaries<K: Ord>(values: impl IntoIterator<Item = (K, f64)>) -> BTreeMap<K, Summary> {
    let mut by: BTreeMap<K, Vec<f64>> = BTreeMap::new();
    for (k, v) in values {
        by.entry(k).or_default().push(v);
    }
    by.into_iter().filter_map(|(k, v)| summarise(&v).map(|s| (k, s))).collect()
}

/// One category's part of all mentions, from 0 to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub category: String,
    pub share: f64,
}

/// Each category's share of all mentions per key (a multi-select's ticks), largest first.
pub fn shares<K: Ord>(mentions: impl IntoIterator<Item = (K, String)>) -> BTreeMap<K, Vec<Share>> {
    let mut by: BTreeMap<K, BTreeMap<String, u64>> = BTreeMap::new();
    for (k, c) in mentions {
        *by.entry(k).or_default().entry(c).or_default() += 1;
    }
    by.into_iter()
        .map(|(k, counts)| {
            let total: u64 = counts.values().sum();
            let mut v: Vec<Share> =
                counts.into_iter().map(|(category, n)| Share { category, share: n as f64 / total as f64 }).collect();
            v.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.category.cmp(&b.category)));
            (k, v)
        })
        .collect()
}

/// How many pairs have at least n joint weeks (both answered), for n = 1 up to the most.
pub fn pairs_with_joint_weeks(joint_weeks: &[u64]) -> Vec<(u64, usize)> {
    let max = joint_weeks.iter().copied().max().unwrap_or(0);
    (1..=max).map(|n| (n, joint_weeks.iter().filter(|w| **w >= n).count())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn mean_ci_and_quartiles_match_a_hand_computation() {
        // 1..5: mean 3, sd sqrt(2.5) = 1.5811, se 0.7071, t(4) 2.776: 3 +/- 1.9630.
        let s = summarise(&[5.0, 1.0, 3.0, 2.0, 4.0]).unwrap();
        assert_eq!(s.n, 5);
        assert!(close(s.mean, 3.0) && close(s.sd.unwrap(), 1.5811));
        let (lo, hi) = s.ci.unwrap();
        assert!(close(lo, 1.0370) && close(hi, 4.9630), "{lo} {hi}");
        assert!(close(s.q25, 2.0) && close(s.q75, 4.0));
        // 60, 70, 90: quartiles at 0.5 and 1.5 of the sorted places: 65 and 80.
        let s = summarise(&[60.0, 70.0, 90.0]).unwrap();
        assert!(close(s.q25, 65.0) && close(s.q75, 80.0));
        let one = summarise(&[7.0]).unwrap();
        assert_eq!((one.sd, one.ci, one.q25, one.q75), (None, None, 7.0, 7.0));
        assert!(summarise(&[]).is_none());
        assert!((t95(40) - 2.021).abs() < 0.001 && (t95(120) - 1.980).abs() < 0.001);
    }

    #[test]
    fn rates_shares_and_joint_weeks_count_what_they_say() {
        let r = rates([("a", true), ("a", false), ("a", true), ("b", false)]);
        assert_eq!(r["a"], Rate { opened: 3, completed: 2 });
        assert!(close(r["a"].rate().unwrap(), 0.6667) && r["b"].rate() == Some(0.0));
        let s = shares([(1, "x".to_string()), (1, "y".into()), (1, "x".into()), (1, "x".into())]);
        let share = |c: &str, share| Share { category: c.to_string(), share };
        assert_eq!(s[&1], vec![share("x", 0.75), share("y", 0.25)]);
        assert_eq!(pairs_with_joint_weeks(&[2, 0, 3]), vec![(1, 2), (2, 2), (3, 1)]);
    }
}
