//! Durations as protocols write them: `30h`, `7d`, `90m`, `1d12h`, `2w`.

use chrono::TimeDelta;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An elapsed duration: "30 hours" is 30 hours of real time, also across a DST switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Span(pub TimeDelta);

impl Span {
    pub fn parse(s: &str) -> Result<Span, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("an empty duration; write e.g. 30h, 7d or 90m".into());
        }
        if s == "0" {
            return Ok(Span(TimeDelta::zero()));
        }
        let mut total = TimeDelta::zero();
        let mut number = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let n: i64 = number.parse().map_err(|_| format!("'{s}' is not a duration; write e.g. 30h, 7d or 1d12h"))?;
            if n > 100_000 {
                return Err(format!("'{s}' is too long a duration"));
            }
            number.clear();
            total += match c {
                'w' => TimeDelta::weeks(n),
                'd' => TimeDelta::days(n),
                'h' => TimeDelta::hours(n),
                'm' => TimeDelta::minutes(n),
                's' => TimeDelta::seconds(n),
                _ => return Err(format!("'{s}' has an unknown unit '{c}'; use w, d, h, m or s")),
            };
        }
        if !number.is_empty() {
            return Err(format!("'{s}' lacks a unit; write e.g. {number}h"));
        }
        Ok(Span(total))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut secs = self.0.num_seconds();
        if secs == 0 {
            return f.write_str("0h");
        }
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
            if secs >= size {
                write!(f, "{}{unit}", secs / size)?;
                secs %= size;
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(i64),
        }
        match Raw::deserialize(d)? {
            Raw::Text(s) => Span::parse(&s).map_err(serde::de::Error::custom),
            Raw::Number(0) => Ok(Span(TimeDelta::zero())),
            Raw::Number(n) => Err(serde::de::Error::custom(format!("{n} lacks a unit; write e.g. {n}h"))),
        }
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_and_print_in_protocol_units() {
        assert_eq!(Span::parse("30h").unwrap().0, TimeDelta::hours(30));
        assert_eq!(Span::parse("1d12h").unwrap().0, TimeDelta::hours(36));
        assert_eq!(Span::parse("2w").unwrap().0, TimeDelta::days(14));
        assert_eq!(Span::parse("1d12h").unwrap().to_string(), "1d12h");
        assert!(Span::parse("30").unwrap_err().contains("lacks a unit"));
        assert!(Span::parse("3y").unwrap_err().contains("unknown unit"));
    }
}
