//! Rate limits on the endpoints where guessing pays: personal links and staff login. Keyed by
//! the client's address (behind a trusted reverse proxy, the address it forwarded); each
//! instance keeps its own counts, which is enough to make guessing a 128-bit token or a password
//! hopeless.

use actix_web::HttpRequest;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;

pub struct Limits {
    links: DefaultKeyedRateLimiter<IpAddr>,
    logins: DefaultKeyedRateLimiter<IpAddr>,
    trusted: Vec<IpAddr>,
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(30, 10)
    }
}

fn per_minute(n: u32) -> Quota {
    let n = NonZeroU32::new(n.max(1)).expect("at least one");
    Quota::per_minute(n).allow_burst(n)
}

impl Limits {
    /// Link openings and login attempts per client address and minute.
    pub fn new(links_per_minute: u32, logins_per_minute: u32) -> Self {
        Limits {
            links: RateLimiter::keyed(per_minute(links_per_minute)),
            logins: RateLimiter::keyed(per_minute(logins_per_minute)),
            trusted: Vec::new(),
        }
    }

    /// Trusts these proxies' `X-Forwarded-For`; entries that are not addresses are left out
    /// with a warning.
    pub fn trusting(mut self, proxies: &[String]) -> Self {
        for p in proxies {
            match p.trim().parse::<IpAddr>() {
                Ok(ip) => self.trusted.push(ip),
                Err(_) => tracing::warn!(entry = %p, "trusted_proxies: not an IP address, ignored"),
            }
        }
        self
    }

    /// Whether this client may open another personal link now.
    pub fn link_allowed(&self, req: &HttpRequest) -> bool {
        self.links.check_key(&self.client(req)).is_ok()
    }

    /// Whether this client may try another staff login now.
    pub fn login_allowed(&self, req: &HttpRequest) -> bool {
        self.logins.check_key(&self.client(req)).is_ok()
    }
}

impl Limits {
    /// The peer's address; for a trusted proxy, the last address in its `X-Forwarded-For`
    /// (the one it saw, which a client cannot forge: anything the client sent comes before it).
    fn client(&self, req: &HttpRequest) -> IpAddr {
        let peer = req.peer_addr().map(|a| a.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]));
        if !self.trusted.contains(&peer) {
            return peer;
        }
        req.headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|last| last.trim().parse::<IpAddr>().ok())
            .unwrap_or(peer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn a_trusted_proxy_is_seen_through_and_anyone_else_is_not() {
        let limits = Limits::new(1, 1).trusting(&["10.0.0.1".into()]);
        let via = |peer: &str, xff: &str| {
            TestRequest::default()
                .peer_addr(format!("{peer}:4000").parse().unwrap())
                .insert_header(("x-forwarded-for", xff))
                .to_http_request()
        };
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
}
