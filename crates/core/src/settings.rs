//! The typed settings of an installation. Loading them (koers.toml, `KOERS_*` variables) is the
//! binary's job; here they are only described, with the defaults a new user gets.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://PATH` (default `sqlite://koers.db`) or `postgres://...`.
    pub database_url: String,
    /// Where the server listens.
    pub bind: String,
    /// The address participants' links point to, without a trailing slash.
    pub base_url: String,
    /// Database connections per process.
    pub pool_size: u32,
    /// `text` for people, `json` for log collectors.
    pub log_format: LogFormat,
    /// Keys the personal links; from `KOERS_SECRET_KEY`, or else kept in this file (created
    /// with a random key on first start). Never logged.
    pub secret_key: Option<String>,
    pub secret_key_file: String,
    pub sms: SmsSettings,
    pub email: EmailSettings,
    pub scheduler: SchedulerSettings,
    pub staff: StaffSettings,
    /// If set, `/metrics` asks for `Authorization: Bearer TOKEN` (KOERS_METRICS_TOKEN). Never logged.
    #[serde(default)]
    pub metrics_token: Option<String>,
    /// Addresses or ranges of the reverse proxies in front of koers (e.g. `["127.0.0.1"]`,
    /// `["172.16.0.0/12"]`). A request
    /// from one of them is rate-limited by the client address the proxy put last in
    /// `X-Forwarded-For`, not by the proxy's own address (which every participant would share).
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "sqlite://koers.db".into(),
            bind: "127.0.0.1:8080".into(),
            base_url: "http://127.0.0.1:8080".into(),
            pool_size: 8,
            log_format: LogFormat::Text,
            secret_key: None,
            secret_key_file: "koers.secret".into(),
            sms: SmsSettings::default(),
            email: EmailSettings::default(),
            scheduler: SchedulerSettings::default(),
            staff: StaffSettings::default(),
            metrics_token: None,
            trusted_proxies: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsSettings {
    /// `console` prints messages instead of sending them (the demo and development);
    /// `messagebird`, `twilio` or `webhook` send them.
    pub gateway: String,
    /// The neutral sender name participants see.
    pub sender: String,
    /// Sending is spread to at most this many messages per second per gateway.
    pub messages_per_second: u32,
    /// The gateway's API address; empty means the provider's public one.
    pub api_url: String,
    /// MessageBird access key (set it with KOERS_SMS__ACCESS_KEY).
    pub access_key: Option<String>,
    /// Twilio account and token (KOERS_SMS__ACCOUNT_SID, KOERS_SMS__AUTH_TOKEN).
    pub account_sid: Option<String>,
    pub auth_token: Option<String>,
    /// The generic webhook's address and signing secret.
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    /// A secret part of the delivery-report address given to MessageBird and the webhook.
    pub report_secret: Option<String>,
    pub timeout_seconds: u64,
    /// Sending attempts before a message counts as failed.
    pub max_attempts: u32,
}

impl Default for SmsSettings {
    fn default() -> Self {
        Self {
            gateway: "console".into(),
            sender: "Koers".into(),
            messages_per_second: 20,
            api_url: String::new(),
            access_key: None,
            account_sid: None,
            auth_token: None,
            webhook_url: None,
            webhook_secret: None,
            report_secret: None,
            timeout_seconds: 10,
            max_attempts: 10,
        }
    }
}

/// E-mail invitations (for protocols with `channel: email`); off while `smtp_url` is unset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailSettings {
    /// e.g. `smtp://user:password@mail.example.org:587?tls=required` (KOERS_EMAIL__SMTP_URL).
    pub smtp_url: Option<String>,
    pub from: String,
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self { smtp_url: None, from: "Koers <noreply@localhost>".into() }
    }
}

/// Staff sessions: how long they last, and after how long without a request they end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StaffSettings {
    /// A staff session ends after this many minutes without a request (1 to 480).
    pub idle_timeout_minutes: u32,
    /// A staff session ends this many hours after the login, however busy (1 to 24).
    pub session_hours: u32,
}

impl Default for StaffSettings {
    fn default() -> Self {
        Self { idle_timeout_minutes: 30, session_hours: 8 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchedulerSettings {
    /// `serve` runs the scheduler too; set false where separate `koers worker` processes run it.
    pub enabled: bool,
    /// How often due work is looked for; invitations go out within this many seconds.
    pub tick_seconds: u64,
    /// A claim older than this whose outcome was never recorded is reconciled.
    pub claim_timeout_seconds: u64,
    /// `/readyz` fails when an invitation has waited longer than this past its due time.
    pub lag_alert_seconds: u64,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        Self { enabled: true, tick_seconds: 5, claim_timeout_seconds: 120, lag_alert_seconds: 600 }
    }
}

/// The fewest characters an installation secret may have.
pub const SECRET_MIN_CHARS: usize = 32;

impl Settings {
    /// The installation secret, once the binary has loaded it into `secret_key` (from
    /// `KOERS_SECRET_KEY` or its key file: `koers serve` does, the one place that reads the
    /// file); `None` when there is none long enough to key anything.
    pub fn installation_secret(&self) -> Option<&str> {
        self.secret_key.as_deref().filter(|k| k.len() >= SECRET_MIN_CHARS)
    }

    /// Problems a person must fix before koers can start, each as one sentence.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !(self.database_url.starts_with("sqlite://")
            || self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://"))
        {
            out.push(format!(
                "database_url must start with sqlite:// or postgres:// (got '{}')",
                redact_url(&self.database_url)
            ));
        }
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://"))
            || self.base_url.ends_with('/')
        {
            out.push(format!("base_url must be an http(s) address without a trailing slash (got '{}')", self.base_url));
        }
        if self.pool_size == 0 || self.pool_size > 256 {
            out.push(format!("pool_size must be between 1 and 256 (got {})", self.pool_size));
        }
        if self.sms.messages_per_second == 0 {
            out.push("sms.messages_per_second must be at least 1".into());
        }
        let need = |v: &Option<String>| v.as_deref().is_none_or(str::is_empty);
        match self.sms.gateway.as_str() {
            "console" => {}
            "messagebird" if need(&self.sms.access_key) => {
                out.push("sms.gateway is messagebird but sms.access_key is not set (KOERS_SMS__ACCESS_KEY)".into())
            }
            "twilio" if need(&self.sms.account_sid) || need(&self.sms.auth_token) => out.push(
                "sms.gateway is twilio but sms.account_sid or sms.auth_token is not set (KOERS_SMS__ACCOUNT_SID, KOERS_SMS__AUTH_TOKEN)"
                    .into(),
            ),
            "webhook" if need(&self.sms.webhook_url) || need(&self.sms.webhook_secret) => {
                out.push("sms.gateway is webhook but sms.webhook_url or sms.webhook_secret is not set".into())
            }
            "messagebird" | "twilio" | "webhook" => {}
            other => out.push(format!("sms.gateway '{other}' is not one of console, messagebird, twilio, webhook")),
        }
        if self.scheduler.claim_timeout_seconds < 3 * self.sms.timeout_seconds.max(1) {
            out.push(format!(
                "scheduler.claim_timeout_seconds ({}) must be at least three times sms.timeout_seconds ({}), so a slow send is never taken for a crashed one",
                self.scheduler.claim_timeout_seconds, self.sms.timeout_seconds
            ));
        }
        if self.scheduler.tick_seconds == 0 || self.scheduler.tick_seconds > 300 {
            out.push("scheduler.tick_seconds must be between 1 and 300".into());
        }
        if !(1..=480).contains(&self.staff.idle_timeout_minutes) {
            out.push("staff.idle_timeout_minutes must be between 1 and 480".into());
        }
        if !(1..=24).contains(&self.staff.session_hours) {
            out.push("staff.session_hours must be between 1 and 24".into());
        }
        for p in &self.trusted_proxies {
            let p = p.trim();
            let (addr, bits) = p.split_once('/').map_or((p, None), |(a, b)| (a, Some(b)));
            let ip = addr.parse::<std::net::IpAddr>();
            let bits_ok = match (&ip, bits) {
                (_, None) => true,
                (Ok(std::net::IpAddr::V4(_)), Some(b)) => b.parse::<u8>().is_ok_and(|b| b <= 32),
                (Ok(std::net::IpAddr::V6(_)), Some(b)) => b.parse::<u8>().is_ok_and(|b| b <= 128),
                (Err(_), _) => false,
            };
            if ip.is_err() || !bits_ok {
                out.push(format!(
                    "trusted_proxies: '{p}' is not an IP address or range (e.g. 127.0.0.1 or 172.16.0.0/12)"
                ));
            }
        }
        out
    }
}

/// A database address with its password hidden, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme_end + 3], &userinfo[..colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_installation_secret_is_the_loaded_key_when_long_enough() {
        let with = |k: Option<&str>| Settings { secret_key: k.map(str::to_string), ..Settings::default() };
        assert_eq!(with(Some(&"s".repeat(SECRET_MIN_CHARS))).installation_secret(), Some("s".repeat(32).as_str()));
        assert_eq!(with(Some("short")).installation_secret(), None);
        assert_eq!(with(Some("")).installation_secret(), None);
        assert_eq!(with(None).installation_secret(), None, "the key file is the binary's to read, not this");
    }

    #[test]
    fn defaults_are_valid_and_point_at_a_local_sqlite_file() {
        let s = Settings::default();
        assert!(s.problems().is_empty(), "{:?}", s.problems());
        assert_eq!(s.database_url, "sqlite://koers.db");
    }

    #[test]
    fn a_url_without_a_known_scheme_is_refused() {
        let s = Settings { database_url: "postgress://u:secret@db/koers".into(), ..Settings::default() };
        let problems = s.problems();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("sqlite:// or postgres://"));
        assert!(!problems[0].contains("secret"), "password leaked: {}", problems[0]);
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(redact_url("postgres://koers:pw@db:5432/k"), "postgres://koers:***@db:5432/k");
        assert_eq!(redact_url("postgres://postgres@127.0.0.1/test"), "postgres://postgres@127.0.0.1/test");
    }
}
