//! A keyed rate limiter whose memory is bounded: token buckets per key (an address), kept in a
//! few shards of at most `capacity / SHARDS` entries each. A bucket that has filled up again is
//! worth nothing and is swept out; when a shard is full of live buckets (a flood of addresses),
//! new keys share one overflow bucket instead of growing the map, so memory never grows past the
//! bound and the flood throttles only keys that arrived during it, never those already known.
//!
//! Time comes from the caller (the installation's [`Clock`](koers_core::clock::Clock)), so tests
//! move it instead of sleeping.

use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::Mutex;

const SHARDS: usize = 16;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Requests still allowed at `at`.
    tokens: f64,
    at: DateTime<Utc>,
}

struct Shard<K> {
    buckets: HashMap<K, Bucket>,
    overflow: Option<Bucket>,
    last_sweep: Option<DateTime<Utc>>,
}

/// `burst` requests at once, refilled at `burst` per `period`.
pub struct Buckets<K> {
    burst: f64,
    period: TimeDelta,
    per_shard: usize,
    hasher: RandomState,
    shards: Vec<Mutex<Shard<K>>>,
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    pub fn new(burst: u32, period: TimeDelta, capacity: usize) -> Self {
        let shards = (0..SHARDS)
            .map(|_| Mutex::new(Shard { buckets: HashMap::new(), overflow: None, last_sweep: None }))
            .collect();
        Buckets {
            burst: f64::from(burst.max(1)),
            period,
            per_shard: (capacity / SHARDS).max(1),
            hasher: RandomState::new(),
            shards,
        }
    }

    fn refill(&self, b: &mut Bucket, now: DateTime<Utc>) {
        let elapsed = (now - b.at).num_milliseconds().max(0) as f64;
        let rate = self.burst / (self.period.num_milliseconds().max(1) as f64);
        b.tokens = (b.tokens + elapsed * rate).min(self.burst);
        b.at = now;
    }

    fn take(&self, b: &mut Bucket, now: DateTime<Utc>) -> bool {
        self.refill(b, now);
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Whether `key` may make one more request at `now` (and counts it if so).
    pub fn check(&self, key: &K, now: DateTime<Utc>) -> bool {
        let i = (self.hasher.hash_one(key) as usize) % SHARDS;
        let mut shard = self.shards[i].lock().unwrap_or_else(|e| e.into_inner());
        if let Some(mut b) = shard.buckets.get(key).copied() {
            let ok = self.take(&mut b, now);
            shard.buckets.insert(key.clone(), b);
            return ok;
        }
        if shard.buckets.len() >= self.per_shard {
            self.sweep(&mut shard, now);
        }
        if shard.buckets.len() >= self.per_shard {
            let mut b = shard.overflow.unwrap_or(Bucket { tokens: self.burst, at: now });
            let ok = self.take(&mut b, now);
            shard.overflow = Some(b);
            return ok;
        }
        let mut b = Bucket { tokens: self.burst, at: now };
        let ok = self.take(&mut b, now);
        shard.buckets.insert(key.clone(), b);
        ok
    }

    /// Drops the buckets that have filled up again (at most once per tenth of a period, so a
    /// flood does not make every request scan the shard).
    fn sweep(&self, shard: &mut Shard<K>, now: DateTime<Utc>) {
        if shard.last_sweep.is_some_and(|t| now - t < self.period / 10) {
            return;
        }
        shard.last_sweep = Some(now);
        let period = self.period;
        shard.buckets.retain(|_, b| now - b.at < period);
        if shard.buckets.capacity() > 2 * self.per_shard.max(16) {
            shard.buckets.shrink_to_fit();
        }
    }

    /// How many keys are remembered now (for tests and metrics).
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).buckets.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every bucket older than a period: called now and then so that a quiet server
    /// gives back the memory a flood took.
    pub fn forget_idle(&self, now: DateTime<Utc>) {
        for s in &self.shards {
            let mut shard = s.lock().unwrap_or_else(|e| e.into_inner());
            shard.last_sweep = None;
            self.sweep(&mut shard, now);
            if shard.buckets.is_empty() {
                shard.buckets = HashMap::new();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn each_key_gets_its_burst_then_waits_for_the_refill() {
        let b = Buckets::new(3, TimeDelta::minutes(1), 1000);
        let now = t0();
        assert!((0..3).all(|_| b.check(&1u32, now)));
        assert!(!b.check(&1u32, now));
        assert!(b.check(&2u32, now), "another key has its own");
        assert!(b.check(&1u32, now + TimeDelta::seconds(20)), "one back after a third of a minute");
        assert!(!b.check(&1u32, now + TimeDelta::seconds(21)));
    }

    #[test]
    fn a_flood_of_keys_never_grows_the_map_past_its_bound_and_it_shrinks_again() {
        let b = Buckets::new(30, TimeDelta::minutes(1), 4096);
        let now = t0();
        b.check(&u32::MAX, now);
        for k in 0..100_000u32 {
            b.check(&k, now);
        }
        assert!(b.len() <= 4096, "{} keys remembered", b.len());
        let later = now + TimeDelta::minutes(2);
        b.forget_idle(later);
        assert_eq!(b.len(), 0, "idle buckets are forgotten");
        assert!(b.check(&7u32, later));
    }

    #[test]
    fn keys_known_before_a_flood_keep_their_own_allowance() {
        let b = Buckets::new(2, TimeDelta::minutes(1), 16 * 4);
        let now = t0();
        assert!(b.check(&u32::MAX, now));
        for k in 0..10_000u32 {
            b.check(&k, now);
        }
        assert!(b.check(&u32::MAX, now), "the known key still has its second request");
    }
}
