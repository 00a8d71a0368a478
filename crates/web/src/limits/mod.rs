//! Rate limits on the endpoints where guessing pays: personal links and staff login (the login
//! page and the API's token endpoint). Keyed by the client's address (behind a trusted reverse
//! proxy, the address it forwarded; IPv6 by its /64, which one subscriber gets whole), and for
//! logins also by the account asked for, with a growing wait ([`accounts`]). Each instance keeps
//! its own counts in bounded memory ([`buckets`]), which is enough to make guessing a 128-bit
//! token hopeless and a password slow.

pub mod accounts;
pub mod buckets;

use actix_web::HttpRequest;
use buckets::Buckets;
use chrono::TimeDelta;
use ipnet::IpNet;
use koers_core::clock::{Clock, SystemClock};
use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Addresses remembered per limit; past this a flood shares one overflow allowance.
const ADDRESSES: usize = 65_536;
/// Login addresses (e-mail) remembered for the per-account wait.
const ACCOUNTS: usize = 100_000;
const FORGET_EVERY_SECONDS: i64 = 600;

pub struct Limits {
    links: Buckets<IpAddr>,
    logins: Buckets<IpAddr>,
    accounts: accounts::AccountThrottle,
    trusted: Vec<IpNet>,
    clock: Arc<dyn Clock>,
    /// When idle buckets were last given back (unix seconds).
    last_forget: AtomicI64,
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(30, 10)
    }
}

impl Limits {
    /// Link openings and login attempts per client address and minute, on the system clock.
    pub fn new(links_per_minute: u32, logins_per_minute: u32) -> Self {
        Limits {
            links: Buckets::new(links_per_minute, TimeDelta::minutes(1), ADDRESSES),
            logins: Buckets::new(logins_per_minute, TimeDelta::minutes(1), ADDRESSES),
            accounts: accounts::AccountThrottle::new(ACCOUNTS),
            trusted: Vec::new(),
            clock: Arc::new(SystemClock),
            last_forget: AtomicI64::new(0),
        }
    }

    /// The same limits counted on this clock (the installation's, which tests move).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Trusts these proxies' `X-Forwarded-For`: addresses (`127.0.0.1`) or ranges
    /// (`172.16.0.0/12`). Entries that are neither are left out with a warning.
    pub fn trusting(mut self, proxies: &[String]) -> Self {
        for p in proxies {
            match parse_range(p) {
                Some(net) => self.trusted.push(net),
                None => tracing::warn!(entry = %p, "trusted_proxies: not an IP address or range, ignored"),
            }
        }
        self
    }

    /// Whether this client may open another personal link now.
    pub fn link_allowed(&self, req: &HttpRequest) -> bool {
        self.forget_now_and_then();
        self.links.check(&self.client_key(req), self.clock.now())
    }

    /// Whether this client may try another staff login now.
    pub fn login_allowed(&self, req: &HttpRequest) -> bool {
        self.forget_now_and_then();
        self.logins.check(&self.client_key(req), self.clock.now())
    }

    /// Every ten minutes, the memory of limits no longer in force is given back.
    fn forget_now_and_then(&self) {
        let now = self.clock.now().timestamp();
        let last = self.last_forget.load(Ordering::Relaxed);
        if now - last >= FORGET_EVERY_SECONDS
            && self.last_forget.compare_exchange(last, now, Ordering::AcqRel, Ordering::Relaxed).is_ok()
        {
            self.forget_idle();
        }
    }

    /// How long a login for this e-mail address must still wait; `None` when it may go.
    pub fn account_wait(&self, email: &str) -> Option<TimeDelta> {
        self.accounts.wait(email, self.clock.now())
    }

    /// Records a failed login for this e-mail address; returns the failures in a row.
    pub fn login_failed(&self, email: &str) -> u32 {
        self.accounts.failed(email, self.clock.now())
    }

    /// Records a successful login: the address's wait is over.
    pub fn login_succeeded(&self, email: &str) {
        self.accounts.succeeded(email)
    }

    /// Gives back the memory of limits no longer in force.
    pub fn forget_idle(&self) {
        let now = self.clock.now();
        self.links.forget_idle(now);
        self.logins.forget_idle(now);
    }

    fn is_trusted(&self, ip: &IpAddr) -> bool {
        self.trusted.iter().any(|n| n.contains(ip))
    }

    /// The client's address: the peer's, or for a trusted proxy the address nearest to us in
    /// its `X-Forwarded-For` that is not itself a trusted proxy. Entries further left are what
    /// the client claimed, and a client can claim anything.
    pub fn client(&self, req: &HttpRequest) -> IpAddr {
        let peer = req.peer_addr().map(|a| a.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]));
        if !self.is_trusted(&peer) {
            return peer;
        }
        let Some(forwarded) = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()) else {
            return peer;
        };
        let mut client = peer;
        for hop in forwarded.rsplit(',') {
            let Ok(ip) = hop.trim().parse::<IpAddr>() else { break };
            client = ip;
            if !self.is_trusted(&ip) {
                break;
            }
        }
        client
    }

    /// What a client is counted by: its address, an IPv6 address by its /64.
    fn client_key(&self, req: &HttpRequest) -> IpAddr {
        match self.client(req) {
            IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
                let mut seg = v6.segments();
                seg[4..].fill(0);
                IpAddr::from(seg)
            }
            IpAddr::V6(v6) => IpAddr::V4(v6.to_ipv4_mapped().expect("checked")),
            v4 => v4,
        }
    }
}

/// `10.0.0.1` or `10.0.0.0/8` (or their IPv6 forms) as a range.
fn parse_range(s: &str) -> Option<IpNet> {
    let s = s.trim();
    s.parse::<IpNet>().ok().or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn via(peer: &str, xff: &str) -> HttpRequest {
        TestRequest::default()
            .peer_addr(format!("{peer}:4000").parse().unwrap())
            .insert_header(("x-forwarded-for", xff))
            .to_http_request()
    }

    #[test]
    fn a_trusted_proxy_is_seen_through_and_anyone_else_is_not() {
        let limits = Limits::new(1, 1).trusting(&["10.0.0.1".into()]);
        // Two participants behind the proxy each get their own allowance ...
        assert!(limits.link_allowed(&via("10.0.0.1", "203.0.113.5")));
        assert!(limits.link_allowed(&via("10.0.0.1", "203.0.113.6")));
        assert!(!limits.link_allowed(&via("10.0.0.1", "203.0.113.6")));
        // ... a forged first entry does not help ...
        assert!(!limits.link_allowed(&via("10.0.0.1", "198.51.100.1, 203.0.113.6")));
        // ... and a client that is not the proxy is limited by its own address.
        assert!(limits.link_allowed(&via("192.0.2.9", "203.0.113.7")));
        assert!(!limits.link_allowed(&via("192.0.2.9", "203.0.113.8")));
    }

    #[test]
    fn proxies_can_be_named_by_range_and_chains_of_them_are_walked() {
        let limits = Limits::new(1, 1).trusting(&["172.16.0.0/12".into(), "::1".into(), "nonsense".into()]);
        assert_eq!(limits.trusted.len(), 2);
        // A container address of Docker's ranges, and a proxy behind another proxy.
        assert_eq!(limits.client(&via("172.18.0.5", "203.0.113.5")), "203.0.113.5".parse::<IpAddr>().unwrap());
        assert_eq!(
            limits.client(&via("172.18.0.5", "198.51.100.7, 203.0.113.5, 172.18.0.9")),
            "203.0.113.5".parse::<IpAddr>().unwrap(),
            "the nearest address that is not a proxy"
        );
        assert_eq!(limits.client(&via("172.18.0.5", "junk")), "172.18.0.5".parse::<IpAddr>().unwrap());
        assert_eq!(limits.client(&via("172.32.0.1", "203.0.113.5")), "172.32.0.1".parse::<IpAddr>().unwrap());
        // Thirty participants a minute through the proxy do not lock each other out.
        let limits = Limits::new(30, 10).trusting(&["172.16.0.0/12".into()]);
        for _ in 0..30 {
            assert!(limits.link_allowed(&via("172.18.0.5", "198.51.100.200")));
        }
        assert!(!limits.link_allowed(&via("172.18.0.5", "198.51.100.200")), "the guesser is held back");
        assert!(limits.link_allowed(&via("172.18.0.5", "198.51.100.201")), "everyone else is not");
    }

    #[test]
    fn a_hundred_thousand_addresses_leave_no_lasting_memory() {
        let clock = koers_core::clock::FixedClock::new(chrono::Utc::now());
        let limits = Limits::new(30, 10).with_clock(Arc::new(clock.clone()));
        for i in 0..100_000u32 {
            let ip = std::net::Ipv4Addr::from(0x0a00_0000 + i);
            let req = TestRequest::default().peer_addr(std::net::SocketAddr::from((ip, 4000))).to_http_request();
            limits.link_allowed(&req);
        }
        assert!(limits.links.len() <= ADDRESSES, "bounded during the flood: {}", limits.links.len());
        clock.advance(chrono::TimeDelta::minutes(11));
        limits.link_allowed(&via("192.0.2.1", ""));
        assert!(limits.links.len() <= 1, "given back after it: {}", limits.links.len());
    }

    #[test]
    fn one_ipv6_subscriber_is_one_client() {
        let limits = Limits::new(1, 1);
        let from =
            |ip: &str| TestRequest::default().peer_addr(format!("[{ip}]:4000").parse().unwrap()).to_http_request();
        assert!(limits.link_allowed(&from("2001:db8:1:2::1")));
        assert!(!limits.link_allowed(&from("2001:db8:1:2::ffff")), "the same /64");
        assert!(limits.link_allowed(&from("2001:db8:1:3::1")));
    }
}
