//! Who needs attention: failing phone numbers and people who stopped answering. Each time reads
//! on the clock of the person's study ([`StudyTimes`]).

use super::study_times::StudyTimes;
use super::{base_in, read, render, role_word, staff_member, write};
use crate::page_error::{respond_staff, PageResult};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::coordination as co;
use koers_texts::t;
use serde_json::{json, Value};

/// How far back answers with an alarm word are listed.
const ALARM_DAYS: i64 = 14;

#[derive(serde::Deserialize)]
pub(super) struct AttentionQuery {
    weeks: Option<String>,
}

pub(super) async fn attention(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<AttentionQuery>,
) -> HttpResponse {
    respond_staff(&state, &req, attention_page(&state, &req, &query).await)
}

async fn attention_page(state: &AppState, req: &HttpRequest, query: &AttentionQuery) -> PageResult {
    let s = staff_member(state, req).await?;
    let weeks = query.weeks.as_deref().and_then(|w| w.trim().parse::<usize>().ok()).unwrap_or(3).clamp(1, 52);
    let scope = s.scope.clone();
    let now = state.real_clock.now();
    let found = read(state, move |c| {
        let ids = scope.study_ids();
        let studies = koers_store::studies::list_studies(c)?;
        let times = StudyTimes::of(studies.iter().filter(|s| ids.contains(&s.id)))?;
        Ok((co::failing_phones(c, &scope)?, co::silent_people(c, &scope, weeks, now)?, times))
    })
    .await;
    let (failing, silent, times) = found?;
    let lang = s.lang();
    let failing: Vec<Value> = failing
        .iter()
        .map(|p| {
            json!({
                "href": format!("/staff/people/{}", p.id),
                "name": p.name,
                "role": role_word(s.lang(), p.role),
                "team": p.team_name,
                "since": p.since.map(|at| times.at(lang, Some(p.study_id), at)).unwrap_or_default(),
                "why": p.why.clone().unwrap_or_default(),
            })
        })
        .collect();
    let silent: Vec<Value> = silent
        .iter()
        .map(|p| {
            json!({
                "href": format!("/staff/people/{}", p.id),
                "name": p.name,
                "role": role_word(s.lang(), p.role),
                "team": p.team_name,
                "last": p.last_completed_at.map(|at| times.at(lang, Some(p.study_id), at)),
            })
        })
        .collect();
    let warnings = early_warnings(state, &s).await?;
    let scope = s.scope.clone();
    let since = now - chrono::TimeDelta::days(ALARM_DAYS);
    let alarms = read(state, move |c| Ok(koers_store::safety::alarms_in_scope(c, &scope, since)?)).await?;
    let alarms: Vec<Value> = alarms
        .iter()
        .map(|a| {
            json!({"href": format!("/staff/people/{}", a.person_id), "name": a.name, "team": a.team_name,
                   "at": times.at(lang, Some(a.study_id), a.at)})
        })
        .collect();
    let mut data = base_in(&s, &t(lang, "attention-heading", &[]), lang);
    data.insert("warnings".into(), json!(warnings));
    data.insert("alarms".into(), json!(alarms));
    data.insert("weeks".into(), json!(weeks));
    data.insert("failing".into(), json!(failing));
    data.insert("silent".into(), json!(silent));
    Ok(render(state, StatusCode::OK, "staff_attention", &Value::Object(data)))
}

/// Early warnings about the students in scope, for a study that sends them to coordinators and
/// students who agreed; each one shown is recorded with the staff account it was shown to.
async fn early_warnings(state: &AppState, s: &super::Staff) -> Result<Vec<Value>, crate::page_error::PageError> {
    let (scope, real_now, account) = (s.scope.clone(), state.real_clock.now(), s.account.id);
    let found = read(state, move |c| {
        let students = co::warnable_students(c, &scope)?;
        let studies = koers_store::studies::list_studies(c)?;
        let mut found = Vec::new();
        for st in students {
            let Some(study) = studies.iter().find(|x| x.id == st.study_id) else { continue };
            let zone = study.zone()?;
            let now = koers_store::study_clock::of_study(c, study.id)?.at(real_now);
            let f = koers_store::studies::settings_of(c, study.id)?.feedback;
            let weeks = koers_store::feedback::diary_weeks(c, st.id, zone, now)?;
            for w in koers_core::warnings::current(&f.rules, &f.constructs, &weeks) {
                found.push((st.clone(), w, now));
            }
        }
        Ok(found)
    })
    .await?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, koers_store::feedback::ShownRow)> = found
        .iter()
        .map(|(st, w, now)| {
            let row = koers_store::feedback::ShownRow {
                kind: "warning",
                about: st.id,
                to_person: None,
                to_staff: Some(account),
                rule: Some(w.rule.as_str().into()),
                construct: w.construct.map(|k| k.as_str().into()),
                calendar_week: koers_core::weeks::calendar_week(w.date),
                shown_at: *now,
            };
            (st.study_id, row)
        })
        .collect();
    write(state, move |c| {
        for (study, row) in rows {
            koers_store::feedback::record_shown(c, study, std::slice::from_ref(&row))?;
        }
        Ok(())
    })
    .await?;
    Ok(found
        .iter()
        .map(|(st, w, _)| {
            let first = st.name.split_whitespace().next().unwrap_or_default();
            json!({"href": format!("/staff/people/{}", st.id), "name": st.name, "team": st.team_name, "text": koers_texts::msg(s.lang(), &w.msg(first))})
        })
        .collect())
}
