//! Early warnings on the mentor's overview: only about their current students who agreed to
//! warnings, in a study that switched them on; each one shown is recorded (an intervention).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use koers_core::warnings::{current, Warning};
use koers_store::feedback::{diary_weeks, record_shown, shown_to_mentor, ShownRow};
use koers_store::studies::settings_of;
use koers_store::{DbConnection, StoreError};

/// The warnings that hold now about each of `students`, for `mentor`.
pub(super) fn warnings_for(
    c: &mut DbConnection,
    study_id: i64,
    mentor: i64,
    students: &[i64],
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, Warning)>, StoreError> {
    let settings = settings_of(c, study_id)?.feedback;
    if !settings.warnings {
        return Ok(Vec::new());
    }
    let today = now.with_timezone(&zone).date_naive();
    let mut out = Vec::new();
    for &s in students {
        if !shown_to_mentor(c, mentor, s, today)?.warnings {
            continue;
        }
        let weeks = diary_weeks(c, s, zone, now)?;
        out.extend(current(&settings.rules, &settings.constructs, &weeks).into_iter().map(|w| (s, w)));
    }
    Ok(out)
}

/// Records the warnings a mentor was just shown.
pub(super) fn record(
    c: &mut DbConnection,
    study_id: i64,
    mentor: i64,
    shown: &[(i64, Warning)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let rows: Vec<ShownRow> = shown
        .iter()
        .map(|(s, w)| ShownRow {
            kind: "warning",
            about: *s,
            to_person: Some(mentor),
            to_staff: None,
            rule: Some(w.rule.as_str().into()),
            construct: w.construct.map(|c| c.as_str().into()),
            calendar_week: koers_core::weeks::calendar_week(w.date),
            shown_at: now,
        })
        .collect();
    record_shown(c, study_id, &rows)
}

/// The warning texts for the mentor's overview (recorded as shown), in the mentor's words.
pub(super) async fn shown_warnings(
    state: &crate::state::AppState,
    me: &super::Me,
) -> Result<Vec<String>, crate::page_error::PageError> {
    let (mentor, study, zone, now) = (me.person.id, me.person.study_id, me.zone, me.now);
    let found = super::db(state, false, move |c| {
        let subs = koers_store::participation::active_subscriptions_of(c, mentor)?;
        let students: Vec<i64> = subs.iter().filter_map(|s| s.about_student).collect();
        let found = warnings_for(c, study, mentor, &students, zone, now)?;
        let ids: Vec<i64> = found.iter().map(|f| f.0).collect();
        Ok((found, koers_store::participation::names(c, &ids)?))
    })
    .await?;
    let (found, names) = found;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let shown = found.clone();
    super::db(state, true, move |c| record(c, study, mentor, &shown, now)).await?;
    Ok(found
        .iter()
        .map(|(s, w)| {
            let name = names.get(s).map(|n| n.first_name.clone()).unwrap_or_default();
            koers_texts::msg_in(me.lang, me.register, &w.msg(&name))
        })
        .collect())
}
