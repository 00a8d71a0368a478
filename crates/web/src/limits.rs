//! Rate limits on the endpoints where guessing pays: personal links and staff login. Keyed by
//! the client's address; each instance keeps its own counts, which is enough to make guessing
//! a 128-bit token or a password hopeless.

use actix_web::HttpRequest;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;

pub struct Limits {
    links: DefaultKeyedRateLimiter<IpAddr>,
    logins: DefaultKeyedRateLimiter<IpAddr>,
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
        }
    }

    /// Whether this client may open another personal link now.
    pub fn link_allowed(&self, req: &HttpRequest) -> bool {
        self.links.check_key(&client(req)).is_ok()
    }

    /// Whether this client may try another staff login now.
    pub fn login_allowed(&self, req: &HttpRequest) -> bool {
        self.logins.check_key(&client(req)).is_ok()
    }
}

/// The peer's address. Behind a reverse proxy every client shares the proxy's address, so the
/// proxy should rate-limit as well (see deploy/).
fn client(req: &HttpRequest) -> IpAddr {
    req.peer_addr().map(|a| a.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]))
}
