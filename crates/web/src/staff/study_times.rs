//! Times on a staff page that may show several studies: each in its own study's zone, with the
//! zone named when the page's studies do not all share one (an admin who sees studies in
//! different zones), so a time never silently reads as Amsterdam's.

use super::nl_instant;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use koers_store::error::StoreResult;
use koers_store::studies::Study;
use koers_texts::t;
use std::collections::BTreeMap;

/// The zones of the studies a page shows.
pub(crate) struct StudyTimes {
    zones: BTreeMap<i64, Tz>,
    /// The one zone every study shares, if they do: times then read without a zone's name.
    shared: Option<Tz>,
}

impl StudyTimes {
    /// The zones of `studies` (each parsed once; an unknown zone is an error, not Amsterdam).
    pub(crate) fn of<'a>(studies: impl IntoIterator<Item = &'a Study>) -> StoreResult<Self> {
        let mut zones = BTreeMap::new();
        for s in studies {
            zones.insert(s.id, s.zone()?);
        }
        let mut distinct = zones.values().copied().collect::<Vec<_>>();
        distinct.sort_by_key(|z| z.name());
        distinct.dedup();
        let shared = (distinct.len() == 1).then(|| distinct[0]);
        Ok(StudyTimes { zones, shared })
    }

    /// `15-10-2026 12:00` on the clock of `study`, or `15-10-2026 12:00 (America/Curacao)` when
    /// the page's studies have different zones. A time of no study (a login, say) reads in the
    /// shared zone, or in UTC, named, when there is none.
    pub(crate) fn at(&self, lang: &str, study: Option<i64>, at: DateTime<Utc>) -> String {
        if let Some(zone) = self.shared {
            return nl_instant(at, zone);
        }
        let zone = study.and_then(|s| self.zones.get(&s)).copied().unwrap_or(Tz::UTC);
        t(lang, "staff-time-in-zone", &[("time", nl_instant(at, zone)), ("zone", zone.name().to_string())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn study(id: i64, zone: &str) -> Study {
        Study {
            id,
            key: format!("s{id}"),
            name: format!("S{id}"),
            time_zone: zone.into(),
            default_locale: "nl".into(),
            test_mode: false,
            settings: Default::default(),
            created_at: chrono::NaiveDateTime::default(),
            clock_offset_micros: 0,
        }
    }

    #[test]
    fn one_zone_reads_plain_and_several_are_named() {
        let at = Utc.with_ymd_and_hms(2026, 10, 15, 10, 0, 0).unwrap();
        let one = StudyTimes::of(&[study(1, "Europe/Amsterdam"), study(2, "Europe/Amsterdam")]).unwrap();
        assert_eq!(one.at("nl", Some(1), at), "15-10-2026 12:00");
        assert_eq!(one.at("nl", None, at), "15-10-2026 12:00");
        let two = StudyTimes::of(&[study(1, "Europe/Amsterdam"), study(2, "America/Curacao")]).unwrap();
        assert_eq!(two.at("nl", Some(1), at), "15-10-2026 12:00 (Europe/Amsterdam)");
        assert_eq!(two.at("en", Some(2), at), "15-10-2026 06:00 (America/Curacao)");
        assert_eq!(two.at("nl", None, at), "15-10-2026 10:00 (UTC)");
        assert!(StudyTimes::of(&[study(1, "Mars/Olympus")]).is_err(), "an unknown zone is an error");
    }
}
