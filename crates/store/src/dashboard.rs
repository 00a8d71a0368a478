//! Counts for the staff dashboards: windows and completions, invitations sent, active pairs,
//! people who stopped answering, and whether sending works. Nothing here returns a name, a phone
//! number or an answer, only counts per team and instant, so researchers may see all of it.
//!
//! Counting happens in SQL (`GROUP BY` with `count`), grouped by team and by the instant a
//! window opened: every person in a protocol shares those instants, so the groups stay few. The
//! calendar week of an instant depends on the study's zone and the two backends' date functions
//! differ, so callers bucket the instants into weeks in Rust. Grouped rows and people are read in
//! bounded pages, so memory stays flat however large a study grows.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{invitations, job_runs, organisations, pairs, people, responses, studies, subscriptions};
use crate::studies::{from_db, to_db};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use diesel::dsl::{count, count_star, min};
use diesel::prelude::*;
use koers_core::invitation::{InvitationKind, InvitationStatus};
use std::collections::{BTreeMap, BTreeSet, HashMap};

// Counts are grouped by a person's team and an instant of another table.
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    crate::schema::people::team_id,
    crate::schema::responses::open_at
);
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    crate::schema::people::team_id,
    crate::schema::invitations::kind
);
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    crate::schema::people::team_id,
    crate::schema::invitations::due_at
);

/// Rows per page of a grouped query, and people per page where people are paged.
const PAGE: i64 = 1_000;

/// An invitation still waiting this long after it was due means the scheduler lags.
pub const LAG_MINUTES: i64 = 10;

/// What a staff member may see counts of: whole studies, or some teams of a study. Every role
/// (coordinator, researcher, admin) gives counts over where it holds; identifying data is a
/// separate matter ([`staff::Scope`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// An admin account of the installation: every study.
    pub everything: bool,
    /// Study id -> its teams the staff member may count, `None` for the whole study.
    pub studies: BTreeMap<i64, Option<BTreeSet<i64>>>,
}

impl Reach {
    pub fn is_empty(&self) -> bool {
        self.studies.is_empty()
    }

    /// `None` when the study is out of reach; `Some(None)` for all of it; else its teams.
    pub fn teams_in(&self, study_id: i64) -> Option<Option<Vec<i64>>> {
        self.studies.get(&study_id).map(|t| t.as_ref().map(|t| t.iter().copied().collect()))
    }
}

/// The studies and teams a staff member's account and roles let them count: every role counts
/// over where it holds, as [`crate::access::access_of`] resolves it.
pub fn reach_of(conn: &mut DbConnection, staff_id: i64) -> StoreResult<Reach> {
    use crate::access::{access_of, Teams};
    let access = access_of(conn, staff_id)?;
    let mut reach = Reach { everything: access.admin, ..Default::default() };
    let ids: BTreeSet<i64> = if access.admin {
        studies::table.select(studies::id).load::<i64>(conn)?.into_iter().collect()
    } else {
        access.study_ids()
    };
    for id in ids {
        let teams = match access.any_teams(id) {
            Some(Teams::All) => None,
            Some(Teams::Only(t)) => Some(t.into_iter().collect()),
            None => continue,
        };
        reach.studies.insert(id, teams);
    }
    Ok(reach)
}

/// Whose counts a dashboard shows: one study, optionally only some of its teams, optionally
/// only the organisations of one group (`organisations.group_name`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Population {
    pub study_id: i64,
    pub teams: Option<Vec<i64>>,
    pub group: Option<String>,
}

/// The teams of a population with the group of each team's organisation.
pub fn teams_of(conn: &mut DbConnection, pop: &Population) -> StoreResult<BTreeMap<i64, Option<String>>> {
    use crate::schema::teams;
    let mut q = teams::table
        .inner_join(organisations::table)
        .filter(organisations::study_id.eq(pop.study_id))
        .select((teams::id, organisations::group_name))
        .into_boxed();
    if let Some(g) = &pop.group {
        q = q.filter(organisations::group_name.eq(g.clone()));
    }
    if let Some(only) = &pop.teams {
        q = q.filter(teams::id.eq_any(only.clone()));
    }
    Ok(q.load::<(i64, Option<String>)>(conn)?.into_iter().collect())
}

/// The groups of a study's organisations (of the given teams only, when given), sorted.
pub fn groups_of(conn: &mut DbConnection, study_id: i64, teams: Option<&[i64]>) -> StoreResult<Vec<String>> {
    let pop = Population { study_id, teams: teams.map(<[i64]>::to_vec), group: None };
    let set: BTreeSet<String> = teams_of(conn, &pop)?.into_values().flatten().collect();
    Ok(set.into_iter().collect())
}

/// Windows of one team that opened at one instant, and how many of them were completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowCount {
    pub team_id: i64,
    pub open_at: DateTime<Utc>,
    pub windows: i64,
    pub completed: i64,
}

/// Windows (a questionnaire someone was asked to fill out) that opened from `from` up to
/// `until`, per team and opening instant, with how many were completed.
pub fn windows_by_opening(
    conn: &mut DbConnection,
    team_ids: &[i64],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> StoreResult<Vec<WindowCount>> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let rows: Vec<(i64, NaiveDateTime, i64, i64)> = responses::table
            .inner_join(subscriptions::table.inner_join(people::table))
            .filter(people::team_id.eq_any(team_ids))
            .filter(responses::open_at.ge(to_db(from)).and(responses::open_at.le(to_db(until))))
            .group_by((people::team_id, responses::open_at))
            .select((people::team_id, responses::open_at, count_star(), count(responses::completed_at)))
            .order((responses::open_at, people::team_id))
            .limit(PAGE)
            .offset(offset)
            .load(conn)?;
        let n = rows.len() as i64;
        out.extend(rows.into_iter().map(|(team_id, open_at, windows, completed)| WindowCount {
            team_id,
            open_at: from_db(open_at),
            windows,
            completed,
        }));
        if n < PAGE {
            return Ok(out);
        }
        offset += PAGE;
    }
}

/// Messages of one kind (`invite`, `reminder`) of one team that were due at one instant and
/// went out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentCount {
    pub team_id: i64,
    pub kind: InvitationKind,
    pub due_at: DateTime<Utc>,
    pub sent: i64,
}

/// Invitations and reminders that were due from `from` up to `until` and were handed to the
/// gateway, per team, kind and due instant.
pub fn sent_by_due(
    conn: &mut DbConnection,
    team_ids: &[i64],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> StoreResult<Vec<SentCount>> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let rows: Vec<(i64, String, NaiveDateTime, i64)> = invitations::table
            .inner_join(people::table)
            .filter(people::team_id.eq_any(team_ids))
            .filter(invitations::kind.eq_any([InvitationKind::Invite.as_str(), InvitationKind::Reminder.as_str()]))
            .filter(invitations::sent_at.is_not_null())
            .filter(invitations::due_at.ge(to_db(from)).and(invitations::due_at.le(to_db(until))))
            .group_by((people::team_id, invitations::kind, invitations::due_at))
            .select((people::team_id, invitations::kind, invitations::due_at, count_star()))
            .order((invitations::due_at, people::team_id, invitations::kind))
            .limit(PAGE)
            .offset(offset)
            .load(conn)?;
        let n = rows.len() as i64;
        for (team_id, kind, due_at, sent) in rows {
            out.push(SentCount { team_id, kind: InvitationKind::try_from(kind)?, due_at: from_db(due_at), sent });
        }
        if n < PAGE {
            return Ok(out);
        }
        offset += PAGE;
    }
}

/// Student-mentor pairs running on `today`, per team of the student.
pub fn active_pairs(conn: &mut DbConnection, team_ids: &[i64], today: NaiveDate) -> StoreResult<BTreeMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = pairs::table
        .inner_join(people::table.on(people::id.eq(pairs::student_id)))
        .filter(people::team_id.eq_any(team_ids))
        .filter(pairs::starts_on.le(today))
        .filter(pairs::ends_on.is_null().or(pairs::ends_on.gt(today)))
        .group_by(people::team_id)
        .select((people::team_id, count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// People still taking part who have been asked for at least `weeks` weeks and completed none
/// of the windows that opened in the last `weeks` weeks and have closed since, per team.
pub fn silent_people(
    conn: &mut DbConnection,
    team_ids: &[i64],
    weeks: u32,
    now: DateTime<Utc>,
) -> StoreResult<BTreeMap<i64, i64>> {
    let since = to_db(now - TimeDelta::weeks(i64::from(weeks.clamp(1, 104))));
    let now_db = to_db(now);
    let mut out: BTreeMap<i64, i64> = BTreeMap::new();
    let mut after = 0i64;
    loop {
        let batch: Vec<(i64, i64)> = people::table
            .filter(people::team_id.eq_any(team_ids))
            .filter(people::ended_at.is_null())
            .filter(people::id.gt(after))
            .order(people::id)
            .limit(PAGE)
            .select((people::id, people::team_id))
            .load(conn)?;
        let Some(&(last, _)) = batch.last() else { return Ok(out) };
        after = last;
        let ids: Vec<i64> = batch.iter().map(|(id, _)| *id).collect();
        let first: HashMap<i64, Option<NaiveDateTime>> = responses::table
            .inner_join(subscriptions::table)
            .filter(subscriptions::person_id.eq_any(&ids))
            .group_by(subscriptions::person_id)
            .select((subscriptions::person_id, min(responses::open_at)))
            .load::<(i64, Option<NaiveDateTime>)>(conn)?
            .into_iter()
            .collect();
        let recent: HashMap<i64, (i64, i64)> = responses::table
            .inner_join(subscriptions::table)
            .filter(subscriptions::person_id.eq_any(&ids))
            .filter(responses::open_at.ge(since).and(responses::close_at.le(now_db)))
            .group_by(subscriptions::person_id)
            .select((subscriptions::person_id, count_star(), count(responses::completed_at)))
            .load::<(i64, i64, i64)>(conn)?
            .into_iter()
            .map(|(p, due, done)| (p, (due, done)))
            .collect();
        for (id, team) in batch {
            let long_enough = first.get(&id).copied().flatten().is_some_and(|f| f <= since);
            let silent = recent.get(&id).is_some_and(|&(due, done)| due > 0 && done == 0);
            if long_enough && silent {
                *out.entry(team).or_default() += 1;
            }
        }
    }
}

/// Whether messages go out: what staff must hear about before participants notice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendingHealth {
    /// Messages that failed, or whose outcome is unknown, in the last 24 hours.
    pub failed_last_day: i64,
    /// Messages still waiting more than [`LAG_MINUTES`] after they were due.
    pub overdue: i64,
    pub oldest_overdue: Option<DateTime<Utc>>,
    /// Scheduler jobs whose last run failed.
    pub failing_jobs: Vec<FailingJob>,
}

/// A scheduler job whose last run failed, and when it last succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailingJob {
    pub job: String,
    pub last_ok_at: Option<DateTime<Utc>>,
}

pub fn sending_health(conn: &mut DbConnection, team_ids: &[i64], now: DateTime<Utc>) -> StoreResult<SendingHealth> {
    let day_ago = to_db(now - TimeDelta::hours(24));
    let failed_last_day: i64 = invitations::table
        .inner_join(people::table)
        .filter(people::team_id.eq_any(team_ids))
        .filter(invitations::status.eq_any(InvitationStatus::codes(InvitationStatus::FAILING)))
        .filter(invitations::updated_at.ge(day_ago))
        .count()
        .get_result(conn)?;
    let cutoff = to_db(now - TimeDelta::minutes(LAG_MINUTES));
    let now_db = to_db(now);
    let (overdue, oldest): (i64, Option<NaiveDateTime>) = invitations::table
        .inner_join(people::table)
        .filter(people::team_id.eq_any(team_ids))
        .filter(invitations::status.eq_any(InvitationStatus::codes(InvitationStatus::WAITING)))
        .filter(invitations::due_at.lt(cutoff))
        .filter(invitations::next_attempt_at.is_null().or(invitations::next_attempt_at.lt(cutoff)))
        .filter(invitations::expires_at.is_null().or(invitations::expires_at.gt(now_db)))
        .select((count_star(), min(invitations::due_at)))
        .get_result(conn)?;
    /// Job, last finished, last succeeded, last error.
    type JobRow = (String, Option<NaiveDateTime>, Option<NaiveDateTime>, Option<String>);
    let jobs: Vec<JobRow> = job_runs::table
        .order(job_runs::job)
        .select((job_runs::job, job_runs::last_finished_at, job_runs::last_ok_at, job_runs::last_error))
        .load(conn)?;
    let failing_jobs = jobs
        .into_iter()
        .filter(|(_, finished, ok, error)| error.is_some() && (ok.is_none() || finished > ok))
        .map(|(job, _, ok, _)| FailingJob { job, last_ok_at: ok.map(from_db) })
        .collect();
    Ok(SendingHealth { failed_last_day, overdue, oldest_overdue: oldest.map(from_db), failing_jobs })
}
