//! The staff dashboard, and the audit log page ([`audit_log`]).
//!
//! The dashboard shows counts only: response per group and week, messages sent against
//! questionnaires completed, active pairs, people who stopped answering, and data-quality flags,
//! with a banner when sending fails or the scheduler lags. No name, phone number or answer
//! appears on it, so researchers (who may never see identifying data) use it as well as
//! coordinators and admins; each sees the studies and teams their roles hold. Because nothing
//! identifying is shown, viewing it writes no audit entry. The audit page is for admins, and
//! every view of it is itself written to the audit log.
//!
//! Charts are SVG drawn on the server ([`chart`]), each with a table of the same numbers.

mod audit_log;
pub(crate) mod chart;

use crate::page_error::{respond_staff, staff_message, Audience, PageError, PageResult};
use crate::staff::{nl_instant, staff_session, SignedIn};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chart::{LineChart, Series};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use koers_core::quality::{median, PersonQuality, QualityThresholds};
use koers_core::time::{local_date, start_of_local_day};
use koers_core::weeks::{calendar_week, monday_of};
use koers_store::dashboard::{self as dash, Population, Reach, SendingHealth};
use koers_store::sessions::SessionRow;
use koers_store::staff::{self, StaffAccount, StaffRole};
use koers_store::studies::{list_studies, Study};
use koers_store::{quality, DbConnection, StoreError};
use koers_texts::t;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/staff/dashboard", web::get().to(dashboard)).route("/staff/audit", web::get().to(audit_log::audit_page));
}

/// Input limits of the query parameters.
const MAX_KEY_CHARS: usize = 64;
const MAX_GROUP_CHARS: usize = 100;

// ---------------------------------------------------------------------------------------------
// Who is asking

/// The logged-in staff member and what they may see here.
struct Viewer {
    session: SessionRow,
    account: StaffAccount,
    reach: Reach,
    /// May see the audit log: `Some(None)` all of it (an admin account), `Some(Some(ids))` the
    /// entries of the studies they hold an admin role in.
    audit: Option<Option<Vec<i64>>>,
    /// Has no access to people's pages (a researcher): the menu leaves them out.
    researcher_only: bool,
    test_studies: Vec<String>,
}

fn render(state: &AppState, template: &str, data: &Value) -> HttpResponse {
    crate::staff::render(state, StatusCode::OK, template, data)
}

async fn read<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let db = state.db.clone();
    web::block(move || db.read(f)).await.map_err(|_| StoreError::Busy)?
}

async fn viewer(state: &AppState, req: &HttpRequest) -> Result<Viewer, PageError> {
    let signed_in = staff_session(state, req, |c, id| {
        let reach = dash::reach_of(c, id)?;
        let people = staff::scope_of(c, id)?;
        let admin_of: Vec<i64> = staff::roles_of(c, id)?
            .into_iter()
            .filter(|r| StaffRole::parse(&r.role) == Some(StaffRole::Admin))
            .map(|r| r.study_id)
            .collect();
        Ok((reach, people.is_empty(), admin_of))
    })
    .await?;
    let SignedIn { session, account, test_studies, loaded: (reach, researcher_only, admin_of) } = signed_in;
    let audit = if account.is_admin {
        Some(None)
    } else if !admin_of.is_empty() {
        Some(Some(admin_of))
    } else {
        None
    };
    Ok(Viewer { session, account, reach, audit, researcher_only, test_studies })
}

impl Viewer {
    /// The language of the viewer's pages: Dutch unless their account says English.
    fn lang(&self) -> &'static str {
        koers_texts::lang_of(&self.account.locale)
    }
}

/// What every page here shows around its content (the menu needs the same as staff pages).
fn base(v: &Viewer, title: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("lang".into(), json!(v.lang()));
    m.insert("title".into(), json!(title));
    m.insert("staff_name".into(), json!(v.account.display_name));
    m.insert("csrf".into(), json!(v.session.csrf_token));
    m.insert("researcher_only".into(), json!(v.researcher_only));
    m.insert("nav_audit".into(), json!(v.audit.is_some()));
    m.insert("test_studies".into(), json!(v.test_studies));
    m
}

/// A query value cut to a sane length; empty counts as absent.
fn limited(v: &Option<String>, max: usize) -> Option<String> {
    v.as_deref().map(|s| s.trim().chars().take(max).collect::<String>()).filter(|s| !s.is_empty())
}

fn number_in(v: &Option<String>, default: u32, min: u32, max: u32) -> u32 {
    v.as_deref().and_then(|w| w.trim().parse::<u32>().ok()).unwrap_or(default).clamp(min, max)
}

// ---------------------------------------------------------------------------------------------
// Weeks

/// Consecutive calendar weeks (by their Monday) in a study's zone, the last one being the
/// current week.
struct Weeks {
    zone: Tz,
    mondays: Vec<NaiveDate>,
}

impl Weeks {
    fn ending_at(zone: Tz, now: DateTime<Utc>, count: u32) -> Self {
        let this = monday_of(local_date(zone, now));
        let mondays = (0..count).rev().map(|k| this - TimeDelta::weeks(i64::from(k))).collect();
        Weeks { zone, mondays }
    }

    fn start(&self) -> DateTime<Utc> {
        start_of_local_day(self.zone, self.mondays[0])
    }

    /// The position of the week an instant falls in, if it is one of these.
    fn index(&self, t: DateTime<Utc>) -> Option<usize> {
        self.mondays.binary_search(&monday_of(local_date(self.zone, t))).ok()
    }

    /// `2026-W37 (vanaf 07-09)` for tables, `W37` for axes.
    fn long_label(&self, lang: &str, i: usize) -> String {
        let m = self.mondays[i];
        t(lang, "dash-week", &[("week", calendar_week(m)), ("monday", m.format("%d-%m").to_string())])
    }

    fn short_label(&self, i: usize) -> String {
        format!("W{:02}", self.mondays[i].iso_week().week())
    }

    fn len(&self) -> usize {
        self.mondays.len()
    }
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

fn percent_text(lang: &str, part: i64, whole: i64) -> String {
    match percent(part, whole) {
        Some(p) => t(
            lang,
            "dash-percent",
            &[("percent", (p.round() as i64).to_string()), ("part", part.to_string()), ("whole", whole.to_string())],
        ),
        None => "–".into(),
    }
}

fn group_label(lang: &str, g: &Option<String>) -> String {
    g.clone().unwrap_or_else(|| t(lang, "dash-no-group", &[]))
}

// ---------------------------------------------------------------------------------------------
// The dashboard

#[derive(serde::Deserialize)]
struct DashboardQuery {
    study: Option<String>,
    group: Option<String>,
    /// Weeks without an answer before someone counts as silent.
    weeks: Option<String>,
    /// Weeks shown in the charts.
    span: Option<String>,
}

/// Everything the dashboard counts, read in one go.
struct Counts {
    teams: BTreeMap<i64, Option<String>>,
    windows: Vec<dash::WindowCount>,
    sent: Vec<dash::SentCount>,
    pairs: BTreeMap<i64, i64>,
    silent: BTreeMap<i64, i64>,
    health: SendingHealth,
    quality: Vec<(i64, PersonQuality)>,
    thresholds: QualityThresholds,
}

fn count_all(
    c: &mut DbConnection,
    pop: &Population,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
    today: NaiveDate,
    silent_weeks: u32,
) -> Result<Counts, StoreError> {
    let teams = dash::teams_of(c, pop)?;
    let ids: Vec<i64> = teams.keys().copied().collect();
    Ok(Counts {
        windows: dash::windows_by_opening(c, &ids, from, now)?,
        sent: dash::sent_by_due(c, &ids, from, now)?,
        pairs: dash::active_pairs(c, &ids, today)?,
        silent: dash::silent_people(c, &ids, silent_weeks, now)?,
        health: dash::sending_health(c, &ids, now)?,
        quality: quality::per_person_in(c, pop)?.into_iter().collect(),
        thresholds: quality::thresholds(c, pop.study_id)?,
        teams,
    })
}

/// Counts per team summed per group, in group order, with a total.
fn per_group(lang: &str, teams: &BTreeMap<i64, Option<String>>, counts: &BTreeMap<i64, i64>) -> (Vec<Value>, i64) {
    let mut groups: BTreeMap<Option<String>, i64> = BTreeMap::new();
    for (team, n) in counts {
        if let Some(g) = teams.get(team) {
            *groups.entry(g.clone()).or_default() += n;
        }
    }
    let total = groups.values().sum();
    (groups.iter().map(|(g, n)| json!({"label": group_label(lang, g), "count": n})).collect(), total)
}

fn alerts(lang: &str, h: &SendingHealth, zone: Tz) -> Vec<Value> {
    let mut out = Vec::new();
    if h.failed_last_day > 0 {
        out.push(json!({
            "heading": t(lang, "dash-failed-heading", &[]),
            "text": t(lang, "dash-failed-text", &[("n", h.failed_last_day.to_string())]),
        }));
    }
    if h.overdue > 0 {
        let mut text =
            t(lang, "dash-overdue-text", &[("n", h.overdue.to_string()), ("minutes", dash::LAG_MINUTES.to_string())]);
        if let Some(since) = h.oldest_overdue {
            text.push(' ');
            text.push_str(&t(lang, "dash-overdue-since", &[("since", nl_instant(since, zone))]));
        }
        out.push(json!({"heading": t(lang, "dash-overdue-heading", &[]), "text": text}));
    }
    for dash::FailingJob { job, last_ok_at: ok } in &h.failing_jobs {
        let mut text = t(lang, "dash-job-text", &[("job", job.clone())]);
        if let Some(ok) = ok {
            text.push(' ');
            text.push_str(&t(lang, "dash-job-last-ok", &[("when", nl_instant(*ok, zone))]));
        }
        out.push(json!({"heading": t(lang, "dash-job-heading", &[]), "text": text}));
    }
    out
}

/// A number with one decimal, with a decimal comma in Dutch.
fn decimal(lang: &str, v: f64) -> String {
    let s = format!("{v:.1}");
    if lang == "en" {
        s
    } else {
        s.replace('.', ",")
    }
}

fn quality_view(lang: &str, q: &[(i64, PersonQuality)], th: &QualityThresholds) -> Value {
    let assessed = q.len();
    let middle = q.iter().filter(|(_, p)| p.middle_flag).count();
    let fast = q.iter().filter(|(_, p)| p.fast_flag).count();
    let flagged = q.iter().filter(|(_, p)| p.flagged()).count();
    let shares: Vec<f64> = q.iter().filter_map(|(_, p)| p.untouched_share).collect();
    let untouched = if shares.is_empty() {
        "–".to_string()
    } else {
        let mean = (shares.iter().sum::<f64>() / shares.len() as f64 * 100.0).round() as i64;
        t(lang, "dash-untouched", &[("percent", mean.to_string())])
    };
    let mssds: Vec<f64> = q.iter().filter_map(|(_, p)| p.mssd).collect();
    let mssd =
        median(&mssds).map(|m| t(lang, "dash-mssd", &[("mssd", decimal(lang, m))])).unwrap_or_else(|| "–".into());
    json!({
        "assessed": assessed,
        "middle": middle,
        "fast": fast,
        "flagged": flagged,
        "untouched": untouched,
        "mssd": mssd,
        "rules": t(
            lang,
            "dash-quality-rules",
            &[
                ("share", ((th.middle_share * 100.0).round() as i64).to_string()),
                ("band", th.middle_band.to_string()),
                ("seconds", th.fast_seconds.to_string()),
                ("responses", th.min_responses.to_string()),
            ]
        ),
    })
}

async fn dashboard(state: web::Data<AppState>, req: HttpRequest, query: web::Query<DashboardQuery>) -> HttpResponse {
    respond_staff(&state, &req, dashboard_page(&state, &req, &query).await)
}

async fn dashboard_page(state: &AppState, req: &HttpRequest, query: &DashboardQuery) -> PageResult {
    let v = viewer(state, req).await?;
    let lang = v.lang();
    if v.reach.is_empty() {
        return Err(staff_message(
            state,
            StatusCode::FORBIDDEN,
            lang,
            &t(lang, "dash-no-role-heading", &[]),
            &t(lang, "dash-no-role-text", &[]),
        )
        .into());
    }
    let wanted = limited(&query.study, MAX_KEY_CHARS);
    let wanted_group = limited(&query.group, MAX_GROUP_CHARS);
    let silent_weeks = number_in(&query.weeks, 3, 1, 52);
    let span = number_in(&query.span, 12, 4, 52);
    let reach = v.reach.clone();
    let studies: Vec<Study> = match read(state, list_studies).await {
        Ok(all) => all.into_iter().filter(|s| reach.teams_in(s.id).is_some()).collect(),
        Err(_) => return Err(PageError::Unavailable(Audience::Staff)),
    };
    let study = match &wanted {
        Some(key) => studies.iter().find(|s| &s.key == key),
        None => studies.first(),
    };
    let Some(study) = study.cloned() else {
        return Err(staff_message(
            state,
            StatusCode::NOT_FOUND,
            lang,
            &t(lang, "dash-no-study-heading", &[]),
            &t(lang, "dash-no-study-text", &[]),
        )
        .into());
    };
    let teams = v.reach.teams_in(study.id).flatten();
    let limited_view = teams.is_some();
    let Ok(zone) = study.zone() else {
        tracing::error!(study = study.id, "dashboard: the study's time zone is unknown");
        return Err(PageError::Unavailable(Audience::Staff));
    };
    // The figures run to the study's own now (a test-mode study's clock).
    let now = study.clock().at(state.real_clock.now());
    let weeks = Weeks::ending_at(zone, now, span);
    let from = weeks.start();
    let today = local_date(zone, now);
    let (study_id, scope_teams) = (study.id, teams.clone());
    let groups = match read(state, move |c| dash::groups_of(c, study_id, scope_teams.as_deref())).await {
        Ok(g) => g,
        Err(_) => return Err(PageError::Unavailable(Audience::Staff)),
    };
    let group = wanted_group.filter(|g| groups.contains(g));
    let pop = Population { study_id: study.id, teams, group: group.clone() };
    let counted = read(state, move |c| count_all(c, &pop, from, now, today, silent_weeks)).await;
    let counts = match counted {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "dashboard: counting failed");
            return Err(PageError::Unavailable(Audience::Staff));
        }
    };

    // Response per group and week.
    let group_names: Vec<Option<String>> = {
        let mut g: Vec<Option<String>> = counts.teams.values().cloned().collect();
        g.sort();
        g.dedup();
        g
    };
    let mut rate = vec![vec![(0i64, 0i64); weeks.len()]; group_names.len()];
    let mut per_week = vec![(0i64, 0i64, 0i64, 0i64); weeks.len()];
    for w in &counts.windows {
        let (Some(i), Some(g)) = (weeks.index(w.open_at), counts.teams.get(&w.team_id)) else { continue };
        if let Some(k) = group_names.iter().position(|n| n == g) {
            rate[k][i].0 += w.windows;
            rate[k][i].1 += w.completed;
        }
        per_week[i].2 += w.windows;
        per_week[i].3 += w.completed;
    }
    for s in &counts.sent {
        let Some(i) = weeks.index(s.due_at) else { continue };
        if s.kind == koers_core::invitation::InvitationKind::Reminder {
            per_week[i].1 += s.sent;
        } else {
            per_week[i].0 += s.sent;
        }
    }
    let mut series: Vec<Series> = group_names
        .iter()
        .zip(&rate)
        .map(|(g, r)| Series {
            name: group_label(lang, g),
            values: r.iter().map(|(n, done)| percent(*done, *n)).collect(),
        })
        .collect();
    if group_names.len() > 1 {
        series.push(Series {
            name: t(lang, "dash-all-groups", &[]),
            values: per_week.iter().map(|w| percent(w.3, w.2)).collect(),
        });
    }
    let mut rate_headers: Vec<String> = group_names.iter().map(|g| group_label(lang, g)).collect();
    if group_names.len() > 1 {
        rate_headers.push(t(lang, "dash-all-groups", &[]));
    }
    let rate_rows: Vec<Value> = (0..weeks.len())
        .rev()
        .map(|i| {
            let mut cells: Vec<String> = rate.iter().map(|r| percent_text(lang, r[i].1, r[i].0)).collect();
            if group_names.len() > 1 {
                cells.push(percent_text(lang, per_week[i].3, per_week[i].2));
            }
            json!({"week": weeks.long_label(lang, i), "cells": cells})
        })
        .collect();
    let x_labels: Vec<String> = (0..weeks.len()).map(|i| weeks.short_label(i)).collect();
    let rate_chart = LineChart {
        id: "respons".into(),
        title: t(lang, "dash-rate-title", &[]),
        description: t(lang, "dash-rate-description", &[("weeks", span.to_string())]),
        x_labels: x_labels.clone(),
        series,
        y_max: Some(100.0),
        unit: "%",
    };
    let sent_chart = LineChart {
        id: "verstuurd".into(),
        title: t(lang, "dash-sent-title", &[]),
        description: t(lang, "dash-sent-description", &[]),
        x_labels,
        series: vec![
            Series {
                name: t(lang, "dash-series-invites", &[]),
                values: per_week.iter().map(|w| Some(w.0 as f64)).collect(),
            },
            Series {
                name: t(lang, "dash-series-completed", &[]),
                values: per_week.iter().map(|w| Some(w.3 as f64)).collect(),
            },
        ],
        y_max: None,
        unit: "",
    };
    let sent_rows: Vec<Value> = (0..weeks.len())
        .rev()
        .map(|i| {
            let (invites, reminders, windows, completed) = per_week[i];
            json!({"week": weeks.long_label(lang, i), "invites": invites, "reminders": reminders, "windows": windows, "completed": completed})
        })
        .collect();
    let (pairs, pairs_total) = per_group(lang, &counts.teams, &counts.pairs);
    let (silent, silent_total) = per_group(lang, &counts.teams, &counts.silent);

    let mut data = base(&v, &t(lang, "dash-title", &[]));
    data.insert("study_name".into(), json!(study.name));
    data.insert("test_mode".into(), json!(study.test_mode));
    data.insert("study_key".into(), json!(study.key));
    data.insert("several_studies".into(), json!(studies.len() > 1));
    data.insert(
        "studies".into(),
        json!(studies
            .iter()
            .map(|s| json!({"key": s.key, "name": s.name, "selected": s.id == study.id}))
            .collect::<Vec<_>>()),
    );
    let mut group_options =
        vec![json!({"value": "", "label": t(lang, "dash-all-groups", &[]), "selected": group.is_none()})];
    group_options.extend(
        groups.iter().map(|g| json!({"value": g, "label": g, "selected": group.as_deref() == Some(g.as_str())})),
    );
    data.insert("groups".into(), json!(group_options));
    data.insert("weeks".into(), json!(silent_weeks));
    data.insert("span".into(), json!(span));
    data.insert("limited".into(), json!(limited_view));
    data.insert("updated".into(), json!(nl_instant(now, zone)));
    data.insert("alerts".into(), json!(alerts(lang, &counts.health, zone)));
    data.insert("rate_chart".into(), json!(rate_chart.draw()));
    data.insert("rate_headers".into(), json!(rate_headers));
    data.insert("rate_rows".into(), json!(rate_rows));
    data.insert("sent_chart".into(), json!(sent_chart.draw()));
    data.insert("sent_rows".into(), json!(sent_rows));
    data.insert("pairs".into(), json!(pairs));
    data.insert("pairs_total".into(), json!(pairs_total));
    data.insert("silent".into(), json!(silent));
    data.insert("silent_total".into(), json!(silent_total));
    data.insert("quality".into(), quality_view(lang, &counts.quality, &counts.thresholds));
    Ok(render(state, "staff_dashboard", &Value::Object(data)))
}
