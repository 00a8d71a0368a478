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
    pub sms: SmsSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "sqlite://koers.db".into(),
            bind: "127.0.0.1:8080".into(),
            base_url: "http://127.0.0.1:8080".into(),
            pool_size: 8,
            log_format: LogFormat::Text,
            sms: SmsSettings::default(),
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
    /// `console` prints messages instead of sending them (the demo and development).
    pub gateway: String,
    /// The neutral sender name participants see.
    pub sender: String,
    /// Sending is spread to at most this many messages per second per gateway.
    pub messages_per_second: u32,
}

impl Default for SmsSettings {
    fn default() -> Self {
        Self { gateway: "console".into(), sender: "Koers".into(), messages_per_second: 20 }
    }
}

impl Settings {
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
