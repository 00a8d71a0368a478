//! A mentor's view of one student (`/p/student/{id}`): the trend of the study's constructs and
//! the support match, only for their current students who agreed to that kind of feedback, in a
//! study that switched it on. Weekly means only, never a single answer or free text; every view
//! is recorded (showing it is an intervention the analysis must know about).

use super::{db, me, render, Me, Page};
use crate::dashboard::chart::{LineChart, Series};
use crate::page_error::{respond, Audience, PageError};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_core::trend::{support_match, trend, Point, SupportWeek};
use koers_core::warnings::Construct;
use koers_store::feedback::{diary_weeks, record_shown, shown_to_mentor, support_answers, ShownRow};
use koers_store::participation as part;
use koers_store::studies::settings_of;
use serde_json::{json, Value};

/// The chart's box: fits a 360 px wide phone without shrinking its texts.
const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 190.0;

/// The link from the mentor's overview to a student's view.
pub(super) fn href(student: i64) -> String {
    format!("/p/student/{student}")
}

pub(super) async fn view(state: web::Data<AppState>, req: HttpRequest, id: web::Path<i64>) -> HttpResponse {
    respond(&state, view_inner(&state, &req, id.into_inner()).await)
}

/// What the view shows about one student.
struct Seen {
    name: String,
    trends: Vec<(Construct, Vec<Point>)>,
    support: Option<Vec<SupportWeek>>,
}

async fn view_inner(state: &AppState, req: &HttpRequest, student: i64) -> Page {
    let me = me(state, req).await?;
    let not_found = || PageError::NotFound(Audience::Participant(me.lang));
    if me.person.role != koers_core::people::Role::Mentor {
        return Err(not_found());
    }
    let (mentor, study, zone, now) = (me.person.id, me.person.study_id, me.zone, me.now);
    let today = now.with_timezone(&zone).date_naive();
    let seen = db(state, false, move |c| {
        let shown = shown_to_mentor(c, mentor, student, today)?;
        if !(shown.trends || shown.support_match) {
            return Ok(None);
        }
        let settings = settings_of(c, study)?.feedback;
        let name = part::names(c, &[student])?.remove(&student).map(|n| n.first_name).unwrap_or_default();
        let trends = if shown.trends {
            let weeks = diary_weeks(c, student, zone, now)?;
            settings.constructs.iter().filter_map(|k| trend(&weeks, *k).map(|t| (*k, t))).collect()
        } else {
            Vec::new()
        };
        let support = if shown.support_match {
            let a = support_answers(c, mentor, student, zone, now)?;
            Some(support_match(&a.intended, &a.experienced))
        } else {
            None
        };
        Ok(Some(Seen { name, trends, support }))
    })
    .await?;
    let Some(seen) = seen else { return Err(not_found()) };
    let rows = shown_rows(&seen, student, mentor, now);
    db(state, true, move |c| record_shown(c, study, &rows)).await?;
    page(state, &me, &seen)
}

/// One recorded view per trend and support match on the page.
fn shown_rows(seen: &Seen, student: i64, mentor: i64, now: chrono::DateTime<chrono::Utc>) -> Vec<ShownRow> {
    let week = koers_core::weeks::calendar_week(now.date_naive());
    let row = |rule: &str, construct: Option<&str>| ShownRow {
        kind: "view",
        about: student,
        to_person: Some(mentor),
        to_staff: None,
        rule: Some(rule.into()),
        construct: construct.map(Into::into),
        calendar_week: week.clone(),
        shown_at: now,
    };
    let mut rows: Vec<ShownRow> = seen.trends.iter().map(|(k, _)| row("trend", Some(k.as_str()))).collect();
    if seen.support.is_some() {
        rows.push(row("support_match", None));
    }
    rows
}

/// `W50` for `2026-W50`: short enough for a phone's axis.
fn short(calendar_week: &str) -> String {
    calendar_week.rsplit('-').next().unwrap_or(calendar_week).to_string()
}

fn number(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into())
}

/// A section per trend (chart and table) for the `p_trend` partial; `whose` heads each chart.
pub(super) fn trend_sections(trends: &[(Construct, Vec<Point>)], whose: &str, lang: &str) -> Vec<Value> {
    let t = |key: &str, args: &[(&str, String)]| koers_texts::t(lang, key, args);
    trends
        .iter()
        .map(|(k, points)| {
            let construct = ("construct", k.as_str().to_string());
            let title = t("construct-title", std::slice::from_ref(&construct));
            let chart = LineChart {
                id: format!("trend-{}", k.as_str()),
                title: t("trend-chart-title", &[("whose", whose.to_string()), construct]),
                description: t("trend-chart-description", &[]),
                x_labels: points.iter().map(|p| short(&p.calendar_week)).collect(),
                series: vec![Series { name: title.clone(), values: points.iter().map(|p| p.value).collect() }],
                y_max: Some(100.0),
                unit: "",
            };
            json!({"heading": title, "chart": chart.draw_sized(WIDTH, HEIGHT),
                   "columns": [t("trend-week", &[]), t("trend-mean", &[])],
                   "rows": points.iter().map(|p| json!({"week": short(&p.calendar_week), "cells": [number(p.value)]})).collect::<Vec<_>>()})
        })
        .collect()
}

fn page(state: &AppState, me: &Me, seen: &Seen) -> Page {
    let name = &seen.name;
    let trends = trend_sections(&seen.trends, name, me.lang);
    let (you, them) = (me.t("support-yours", &[]), me.t("support-theirs", &[("name", name.clone())]));
    let support = seen.support.as_ref().filter(|s| !s.is_empty()).map(|weeks| {
        let chart = LineChart {
            id: "support-match".into(),
            title: me.t("support-chart-title", &[("name", name.clone())]),
            description: me.t("support-chart-description", &[]),
            x_labels: weeks.iter().map(|w| short(&w.calendar_week)).collect(),
            series: vec![
                Series { name: you.clone(), values: weeks.iter().map(|w| w.intended).collect() },
                Series { name: them.clone(), values: weeks.iter().map(|w| w.experienced).collect() },
            ],
            y_max: Some(100.0),
            unit: "",
        };
        json!({"heading": me.t("support-heading", &[]), "intro": me.t("support-intro", &[]),
               "columns": [me.t("trend-week", &[]), you.clone(), them.clone()],
               "chart": chart.draw_sized(WIDTH, HEIGHT),
               "rows": weeks.iter().map(|w| json!({"week": short(&w.calendar_week), "cells": [number(w.intended), number(w.experienced)]})).collect::<Vec<_>>()})
    });
    let nothing = trends.is_empty() && support.is_none();
    render(
        state,
        "p_student",
        &json!({"lang": me.lang, "register": me.register.code(), "title": "koers", "student_name": name, "trends": trends,
                "support": support, "nothing": nothing, "logout": super::logout::logout_form(me)}),
    )
}

/// The student's own trend after a diary (`feedback.own_trend`, only with their own consent),
/// recorded as a view like a mentor's: showing it may change what they answer next.
pub(super) async fn own_trend(state: &AppState, me: &Me, questionnaire_key: &str) -> Result<Vec<Value>, PageError> {
    use koers_store::participation::CONSENT_FEEDBACK_OWN_TREND;
    if me.person.role != koers_core::people::Role::Student || questionnaire_key != koers_store::feedback::STUDENT_DIARY
    {
        return Ok(Vec::new());
    }
    let (id, study, zone, now) = (me.person.id, me.person.study_id, me.zone, me.now);
    let found: Vec<(Construct, Vec<Point>)> = db(state, false, move |c| {
        let f = settings_of(c, study)?.feedback;
        if !f.own_trend || !part::has_consent(c, id, CONSENT_FEEDBACK_OWN_TREND)? {
            return Ok(Vec::new());
        }
        let weeks = diary_weeks(c, id, zone, now)?;
        Ok(f.constructs.iter().filter_map(|k| trend(&weeks, *k).map(|t| (*k, t))).collect())
    })
    .await?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let seen = Seen { name: String::new(), trends: found, support: None };
    let rows: Vec<ShownRow> =
        shown_rows(&seen, id, id, now).into_iter().map(|r| ShownRow { rule: Some("own_trend".into()), ..r }).collect();
    db(state, true, move |c| record_shown(c, study, &rows)).await?;
    Ok(trend_sections(&seen.trends, &me.t("trend-you", &[]), me.lang))
}
