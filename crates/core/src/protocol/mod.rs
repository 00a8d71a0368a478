//! Protocols: when a person gets which questionnaire, for how long, with which reminder, what
//! they earn, and the texts of their messages. Declarative YAML like questionnaires.

pub mod duration;
pub mod moved;
pub mod windows;

use crate::people::Role;
use crate::suggest::nearest;
use chrono::{NaiveDate, NaiveTime, Weekday};
use duration::Span;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A text in one language or several (`{nl: ..., en: ...}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LocalText {
    Plain(String),
    ByLanguage(BTreeMap<String, String>),
}

impl LocalText {
    /// The text in `lang`, else in `fallback`, else the first there is.
    pub fn get(&self, lang: &str, fallback: &str) -> &str {
        match self {
            LocalText::Plain(s) => s,
            LocalText::ByLanguage(m) => {
                m.get(lang).or_else(|| m.get(fallback)).or_else(|| m.values().next()).map(String::as_str).unwrap_or("")
            }
        }
    }

    pub fn all(&self) -> Vec<(&str, &str)> {
        match self {
            LocalText::Plain(s) => vec![("", s.as_str())],
            LocalText::ByLanguage(m) => m.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Daily,
    Weekly,
    Biweekly,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protocol {
    pub name: String,
    /// Who the protocol is for; mentors' protocols are filled out about each of their students.
    #[serde(default)]
    pub role: Option<Role>,
    /// The key of the consent questionnaire people on this protocol answer first; without it
    /// the role's own (`student_consent`, `mentor_consent`).
    #[serde(default)]
    pub consent: Option<String>,
    #[serde(default = "default_zone")]
    pub time_zone: String,
    /// Participation lasts this many weeks from the person's start ...
    #[serde(default)]
    pub duration_weeks: Option<u32>,
    /// ... or until this date (the last day), whichever comes first.
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    /// Someone who opened a questionnaire before it closed may finish it this long after.
    #[serde(default = "default_grace")]
    pub grace_period: Span,
    pub measurements: Vec<Measurement>,
    #[serde(default)]
    pub rewards: Option<RewardScheme>,
    #[serde(default)]
    pub texts: InvitationTexts,
    /// `check` warns when a message needs more SMS segments than this.
    #[serde(default = "default_segments")]
    pub max_sms_segments: u32,
    /// How invitations go: by SMS (the default), or by e-mail to people with an address
    /// (others still get an SMS).
    #[serde(default)]
    pub channel: Channel,
}

crate::people::stored_enum!(
    /// How a person's messages go; stored with each invitation.
    #[derive(Default)]
    Channel {
        #[default]
        Sms => "sms",
        Email => "email",
    }
);

impl Protocol {
    /// The zone its times are in: checked when the protocol is loaded (`check_protocol`), so
    /// `None` only for a protocol that never was.
    pub fn zone(&self) -> Option<chrono_tz::Tz> {
        crate::time::parse_zone(&self.time_zone).ok()
    }
}

fn default_zone() -> String {
    "Europe/Amsterdam".into()
}

/// The longest grace period a protocol may give: pages look this far back for windows still
/// answerable and drafts are kept this long after a close (checked in [`check_protocol`]).
pub const LONGEST_GRACE_PERIOD: chrono::TimeDelta = chrono::TimeDelta::days(2);

fn default_grace() -> Span {
    Span(chrono::TimeDelta::hours(1))
}

fn default_segments() -> u32 {
    2
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    pub key: String,
    pub questionnaire: String,
    /// `reward: false` leaves this measurement out of the rewards (an intake, say).
    #[serde(default = "counts_for_reward")]
    pub reward: bool,
    /// Opens once, this long after the person's start.
    #[serde(default)]
    pub open_from_start: Option<Span>,
    /// Opens on this weekday (weekly, biweekly) at `time`, local wall clock.
    #[serde(default)]
    pub weekday: Option<String>,
    /// Local wall-clock time, `HH:MM`.
    #[serde(default)]
    pub time: Option<String>,
    #[serde(default)]
    pub period: Option<Period>,
    /// Opens once, this long before the end of the person's participation.
    #[serde(default)]
    pub offset_till_end: Option<Span>,
    pub open_duration: Span,
    /// A reminder goes this long after opening if the questionnaire is not completed.
    #[serde(default)]
    pub reminder_delay: Option<Span>,
    /// Completing this measurement ends the person's participation (a closing questionnaire).
    #[serde(default)]
    pub stop_measurement: bool,
    /// Whether an SMS invitation goes out when it opens.
    #[serde(default = "yes")]
    pub invite: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardScheme {
    pub per_completed_cents: u32,
    #[serde(default)]
    pub streak: Vec<StreakStep>,
}

/// From `from` completed questionnaires in a row on, each earns `per_completed_cents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreakStep {
    pub from: u32,
    pub per_completed_cents: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvitationTexts {
    #[serde(default)]
    pub invitation: Option<LocalText>,
    #[serde(default)]
    pub reminder: Option<LocalText>,
    /// Invitation texts for people on a streak: the step with the highest `from` they reached.
    #[serde(default)]
    pub streak: Vec<StreakText>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreakText {
    pub from: u32,
    pub invitation: LocalText,
}

/// When a measurement opens, resolved from its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    FromStart(Span),
    Recurring { period: Period, weekday: Option<Weekday>, time: NaiveTime },
    BeforeEnd(Span),
}

fn counts_for_reward() -> bool {
    true
}

crate::people::stored_enum!(
    /// What a measurement is in a person's participation, as exports name it: once at the
    /// start, recurring, or once before the end.
    MeasurementKind { Intake => "intake", Diary => "diary", Closing => "closing" }
);

impl Measurement {
    /// intake, diary or closing, from how it opens (a measurement that opens in no way or
    /// several is refused by `check`; here the first key given decides).
    pub fn kind(&self) -> MeasurementKind {
        if self.open_from_start.is_some() {
            MeasurementKind::Intake
        } else if self.offset_till_end.is_some() {
            MeasurementKind::Closing
        } else {
            MeasurementKind::Diary
        }
    }

    /// The one way this measurement opens; `check` guarantees there is exactly one.
    pub fn opening(&self) -> Result<Opening, String> {
        let recurring = self.weekday.is_some() || self.time.is_some() || self.period.is_some();
        match (self.open_from_start, recurring, self.offset_till_end) {
            (Some(s), false, None) => Ok(Opening::FromStart(s)),
            (None, false, Some(s)) => Ok(Opening::BeforeEnd(s)),
            (None, true, None) => {
                let period = self.period.unwrap_or(Period::Weekly);
                let time = match &self.time {
                    Some(t) => NaiveTime::parse_from_str(t, "%H:%M")
                        .map_err(|_| format!("time: '{t}' is not a time of day; write it as 12:00"))?,
                    None => return Err("time: a recurring measurement needs a local time, e.g. time: \"12:00\"".into()),
                };
                let weekday = match (&self.weekday, period) {
                    (Some(w), _) => Some(parse_weekday(w)?),
                    (None, Period::Daily) => None,
                    (None, _) => return Err("weekday: a weekly measurement needs a weekday, e.g. weekday: thursday".into()),
                };
                Ok(Opening::Recurring { period, weekday, time })
            }
            (None, false, None) => {
                Err("says nowhere when it opens: give open_from_start, weekday and time, or offset_till_end".into())
            }
            _ => Err("gives more than one way to open: use only one of open_from_start, weekday/time/period, offset_till_end"
                .into()),
        }
    }
}

fn parse_weekday(s: &str) -> Result<Weekday, String> {
    let lower = s.trim().to_lowercase();
    let dutch = [
        ("maandag", Weekday::Mon),
        ("dinsdag", Weekday::Tue),
        ("woensdag", Weekday::Wed),
        ("donderdag", Weekday::Thu),
        ("vrijdag", Weekday::Fri),
        ("zaterdag", Weekday::Sat),
        ("zondag", Weekday::Sun),
    ];
    if let Some((_, w)) = dutch.iter().find(|(n, _)| *n == lower) {
        return Ok(*w);
    }
    lower.parse::<Weekday>().map_err(|_| format!("weekday: '{s}' is not a day of the week; write e.g. thursday"))
}

/// One problem in a protocol file; shown as `PATH: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolProblem {
    pub path: String,
    pub message: String,
    pub warning: bool,
}

impl fmt::Display for ProtocolProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.warning { "warning: " } else { "" };
        if self.path.is_empty() {
            write!(f, "{kind}{}", self.message)
        } else {
            write!(f, "{}: {kind}{}", self.path, self.message)
        }
    }
}

const KNOWN_FIELDS: &[&str] = &[
    "name",
    "role",
    "time_zone",
    "duration_weeks",
    "end_date",
    "grace_period",
    "measurements",
    "rewards",
    "texts",
    "max_sms_segments",
    "channel",
    "key",
    "questionnaire",
    "open_from_start",
    "weekday",
    "time",
    "period",
    "offset_till_end",
    "open_duration",
    "reminder_delay",
    "stop_measurement",
    "invite",
    "per_completed_cents",
    "streak",
    "from",
    "invitation",
    "reminder",
];

/// Largest protocol file accepted: a protocol is a page of settings, not data.
pub const MAX_PROTOCOL_BYTES: usize = 256 * 1024;

/// Reads a protocol and checks it; errors are `Err`, warnings come with the protocol.
pub fn parse_protocol(source: &str) -> Result<(Protocol, Vec<ProtocolProblem>), Vec<ProtocolProblem>> {
    let err = |path: &str, message: String| vec![ProtocolProblem { path: path.into(), message, warning: false }];
    if source.len() > MAX_PROTOCOL_BYTES {
        return Err(err("", format!("the file is larger than {} KiB", MAX_PROTOCOL_BYTES / 1024)));
    }
    let protocol: Protocol = serde_yaml_ng::from_str(source).map_err(|e| {
        let text = e.to_string();
        let (path, message) = match text.split_once(": ") {
            Some((p, m)) if !p.contains(' ') => (p.to_string(), m.to_string()),
            _ => (String::new(), text.clone()),
        };
        let hint = unknown_field(&message)
            .and_then(|f| nearest(f, KNOWN_FIELDS.iter().copied()))
            .map(|n| format!(" (did you mean '{n}'?)"))
            .unwrap_or_default();
        err(&path, format!("{message}{hint}"))
    })?;
    let problems = check_protocol(&protocol);
    if problems.iter().any(|p| !p.warning) {
        Err(problems)
    } else {
        Ok((protocol, problems))
    }
}

fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

/// The checks that need more than the file's shape.
pub fn check_protocol(p: &Protocol) -> Vec<ProtocolProblem> {
    let mut out = Vec::new();
    let mut error = |path: String, message: String| out.push(ProtocolProblem { path, message, warning: false });
    if p.name.is_empty() || !p.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        error("name".into(), format!("'{}' must be lower-case letters, digits and _", p.name));
    }
    if let Err(e) = crate::time::parse_zone(&p.time_zone) {
        error("time_zone".into(), e);
    }
    if p.duration_weeks.is_none() && p.end_date.is_none() {
        error(String::new(), "give duration_weeks or end_date, so participation ends".into());
    }
    if p.duration_weeks == Some(0) {
        error("duration_weeks".into(), "must be at least 1".into());
    }
    if p.grace_period.0 < chrono::TimeDelta::zero() || p.grace_period.0 > LONGEST_GRACE_PERIOD {
        error("grace_period".into(), "must be between 0 and 2 days".into());
    }
    if p.measurements.is_empty() {
        error("measurements".into(), "the protocol has no measurements".into());
    }
    let mut keys = BTreeMap::new();
    for (i, m) in p.measurements.iter().enumerate() {
        let path = format!("measurements[{i}]");
        if let Some(first) = keys.insert(m.key.clone(), i) {
            error(format!("{path}.key"), format!("'{}' is also the key of measurements[{first}]", m.key));
        }
        if let Err(e) = m.opening() {
            error(path.clone(), e);
        }
        if m.open_duration.0 <= chrono::TimeDelta::zero() {
            error(format!("{path}.open_duration"), "must be longer than 0".into());
        }
        if let Some(r) = m.reminder_delay {
            if r.0 <= chrono::TimeDelta::zero() || r.0 >= m.open_duration.0 {
                error(
                    format!("{path}.reminder_delay"),
                    format!("{r} must fall inside the open time ({}), after it opens", m.open_duration),
                );
            }
        }
    }
    if let Some(r) = &p.rewards {
        let mut last = 0;
        for (i, s) in r.streak.iter().enumerate() {
            if s.from < 2 || s.from <= last {
                error(format!("rewards.streak[{i}].from"), "steps start at 2 or more and go up".into());
            }
            last = s.from;
        }
    }
    for (name, text) in [("invitation", &p.texts.invitation), ("reminder", &p.texts.reminder)] {
        if let Some(t) = text {
            for (lang, s) in t.all() {
                if !s.contains("{{link}}") {
                    let at = if lang.is_empty() { format!("texts.{name}") } else { format!("texts.{name}.{lang}") };
                    error(at, "the text has no {{link}}, so the person cannot open the questionnaire".into());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const STUDENT: &str = include_str!("../../../../protocols/vsv_student.yaml");
    const MENTOR: &str = include_str!("../../../../protocols/vsv_mentor.yaml");

    #[test]
    fn a_measurement_is_an_intake_a_diary_or_a_closing_by_how_it_opens() {
        let (p, _) = parse_protocol(STUDENT).unwrap_or_else(|e| panic!("{e:?}"));
        let kinds: Vec<(&str, MeasurementKind)> = p.measurements.iter().map(|m| (m.key.as_str(), m.kind())).collect();
        assert!(kinds.contains(&("intake", MeasurementKind::Intake)), "{kinds:?}");
        assert!(kinds.contains(&("diary", MeasurementKind::Diary)), "{kinds:?}");
        assert!(kinds.contains(&("closing", MeasurementKind::Closing)), "{kinds:?}");
    }

    #[test]
    fn the_shipped_protocols_are_valid() {
        for source in [STUDENT, MENTOR] {
            let (p, warnings) = parse_protocol(source).unwrap_or_else(|e| panic!("{e:?}"));
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(p.duration_weeks, Some(35));
            let diary = p.measurements.iter().find(|m| m.key == "diary").unwrap();
            assert_eq!(
                diary.opening().unwrap(),
                Opening::Recurring {
                    period: Period::Weekly,
                    weekday: Some(Weekday::Thu),
                    time: NaiveTime::from_hms_opt(12, 0, 0).unwrap()
                }
            );
        }
    }

    fn problems(source: &str) -> Vec<String> {
        parse_protocol(source).unwrap_err().iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn unknown_keys_name_their_path_and_the_nearest_key() {
        let p = problems(
            "name: x\nduration_weeks: 3\nmeasurements:\n  - key: d\n    questionnaire: q\n    weekdy: monday\n    open_duration: 1h\n",
        );
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("measurements[0]: unknown field `weekdy`"), "{p:?}");
        assert!(p[0].ends_with("(did you mean 'weekday'?)"), "{p:?}");
    }

    #[test]
    fn semantic_mistakes_are_all_reported_with_paths() {
        let p = problems(
            "name: x\ntime_zone: Amsterdam\nmeasurements:\n\
             - {key: d, questionnaire: q, weekday: thursday, open_duration: 30h, reminder_delay: 31h}\n\
             - {key: d, questionnaire: q, open_duration: 1h}\n\
             texts:\n  invitation: {nl: 'Hoi!'}\n",
        );
        assert_eq!(
            p,
            [
                "time_zone: 'Amsterdam' is not a time zone; use an IANA name such as Europe/Amsterdam",
                "give duration_weeks or end_date, so participation ends",
                "measurements[0]: time: a recurring measurement needs a local time, e.g. time: \"12:00\"",
                "measurements[0].reminder_delay: 1d7h must fall inside the open time (1d6h), after it opens",
                "measurements[1].key: 'd' is also the key of measurements[0]",
                "measurements[1]: says nowhere when it opens: give open_from_start, weekday and time, or offset_till_end",
                "texts.invitation.nl: the text has no {{link}}, so the person cannot open the questionnaire",
            ]
        );
    }
}

#[cfg(test)]
mod study_fields {
    use super::parse_protocol;

    #[test]
    fn a_protocol_names_its_consent_and_a_measurement_can_earn_no_reward() {
        let src = "name: p\nconsent: pilot_consent\nduration_weeks: 4\nmeasurements:\n\
             - {key: intake, questionnaire: intake, open_from_start: 0h, open_duration: 7d, reward: false}\n\
             - {key: diary, questionnaire: diary, weekday: thursday, time: '12:00', open_duration: 30h}\n";
        let (p, _) = parse_protocol(src).unwrap();
        assert_eq!(p.consent.as_deref(), Some("pilot_consent"));
        let rewarded: Vec<(&str, bool)> = p.measurements.iter().map(|m| (m.key.as_str(), m.reward)).collect();
        assert_eq!(rewarded, [("intake", false), ("diary", true)]);
    }
}
