//! Login attempts per account, whatever address they come from: after a few wrong passwords for
//! one e-mail address, each further attempt must wait, and the wait doubles with every failure
//! (30 seconds, 1, 2, 4 minutes, ... up to 15). A right password after the wait resets it. Keyed
//! by a hash of the address as typed (lower case), whether or not an account has it, so the
//! answer never tells whether an address is known; bounded like the address limits.

use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// Wrong passwords allowed before the waiting starts.
pub const FREE_FAILURES: u32 = 5;
const FIRST_WAIT: TimeDelta = TimeDelta::seconds(30);
const LONGEST_WAIT: TimeDelta = TimeDelta::minutes(15);
/// Failures older than this are forgotten.
const FORGET_AFTER: TimeDelta = TimeDelta::hours(1);

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: DateTime<Utc>,
}

impl Failures {
    /// When the next attempt may come.
    fn next_allowed(&self) -> DateTime<Utc> {
        if self.count < FREE_FAILURES {
            return self.last;
        }
        let doublings = (self.count - FREE_FAILURES).min(10);
        let wait = (FIRST_WAIT * 2i32.pow(doublings)).min(LONGEST_WAIT);
        self.last + wait
    }
}

pub struct AccountThrottle {
    failures: Mutex<HashMap<[u8; 32], Failures>>,
    capacity: usize,
}

fn key(email: &str) -> [u8; 32] {
    Sha256::digest(email.trim().to_lowercase().as_bytes()).into()
}

impl AccountThrottle {
    pub fn new(capacity: usize) -> Self {
        AccountThrottle { failures: Mutex::new(HashMap::new()), capacity: capacity.max(16) }
    }

    /// How long an attempt for this address must still wait at `now`; `None` when it may go.
    pub fn wait(&self, email: &str, now: DateTime<Utc>) -> Option<TimeDelta> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let f = map.get(&key(email))?;
        if now - f.last > FORGET_AFTER {
            return None;
        }
        let until = f.next_allowed();
        (until > now).then(|| until - now)
    }

    /// A wrong password for this address; returns how many in a row there have been.
    pub fn failed(&self, email: &str, now: DateTime<Utc>) -> u32 {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.capacity {
            map.retain(|_, f| now - f.last <= FORGET_AFTER);
            if map.len() >= self.capacity {
                // Under a flood of addresses: forget the ones that are not (yet) held back.
                map.retain(|_, f| f.count >= FREE_FAILURES);
            }
            if map.capacity() > 2 * self.capacity {
                map.shrink_to_fit();
            }
            if map.len() >= self.capacity && !map.contains_key(&key(email)) {
                // Full of held-back addresses: this one is limited per client address only.
                return 1;
            }
        }
        let e = map.entry(key(email)).or_insert(Failures { count: 0, last: now });
        if now - e.last > FORGET_AFTER {
            e.count = 0;
        }
        e.count += 1;
        e.last = now;
        e.count
    }

    /// A right password: the address starts afresh.
    pub fn succeeded(&self, email: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(&key(email));
    }

    pub fn len(&self) -> usize {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_wait_starts_after_five_failures_and_doubles() {
        let t = AccountThrottle::new(100);
        let now = Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap();
        for _ in 0..FREE_FAILURES {
            assert_eq!(t.wait("Ann@School.nl", now), None);
            t.failed("ann@school.nl ", now);
        }
        assert_eq!(t.wait("ann@school.nl", now), Some(TimeDelta::seconds(30)));
        assert_eq!(t.wait("other@school.nl", now), None, "another address is not held back");
        let later = now + TimeDelta::seconds(30);
        assert_eq!(t.wait("ann@school.nl", later), None);
        t.failed("ann@school.nl", later);
        assert_eq!(t.wait("ann@school.nl", later), Some(TimeDelta::minutes(1)));
        for _ in 0..20 {
            t.failed("ann@school.nl", later);
        }
        assert_eq!(t.wait("ann@school.nl", later), Some(TimeDelta::minutes(15)), "never more than 15 minutes");
        t.succeeded("ann@school.nl");
        assert_eq!(t.wait("ann@school.nl", later), None);
    }

    #[test]
    fn memory_stays_bounded() {
        let t = AccountThrottle::new(1000);
        let now = Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap();
        for i in 0..50_000 {
            t.failed(&format!("guess{i}@example.org"), now);
        }
        assert!(t.len() <= 1000, "{}", t.len());
    }
}
