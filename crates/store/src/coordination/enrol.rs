//! Enrolling one person from the form, checked with the rules of the CSV import.

use super::scope::{visible, Visible};
use super::{audit_change, CoordinationError, CoordinationResult, FieldProblem};
use crate::db::DbConnection;
use crate::schema::{pairs, person_identities, studies, teams};
use crate::staff::Scope;
use crate::{definitions, people as people_q};
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use koers_core::msg::Msg;
use koers_core::people::{Locale, Role};
use koers_core::people_import::{plan_people_import, ImportContext, COLUMNS};
use koers_core::time::{local_date, start_of_local_day};
use std::collections::BTreeMap;

/// The enrolment form as typed; checked with exactly the rules of the CSV import.
#[derive(Debug, Clone, Default)]
pub struct Enrolment {
    /// `student` or `mentor`.
    pub role: String,
    pub team_id: Option<i64>,
    pub first_name: String,
    pub last_name: String,
    pub gender: String,
    pub mobile_phone: String,
    pub email: String,
    /// Empty: today.
    pub start_date: String,
    pub locale: String,
    /// For a mentor: the student they will guide (optional).
    pub student_id: Option<i64>,
    /// The study group for this person; empty: their organisation's.
    pub group: String,
}

/// Which form field an import column is typed into.
fn field_of(column: Option<&str>) -> Option<String> {
    let f = match column? {
        "type" | "protocol_name" | "filling_out_for_protocol" => "role",
        "team_name" => "team_id",
        "filling_out_for" => "student_id",
        other => other,
    };
    Some(f.to_string())
}

fn csv_cell(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Enrols one person: the person, their subscription to their role's protocol and, for a mentor
/// with a student, the pair and the mentor's subscription for that student. Every problem is
/// returned at once, with the field it belongs to.
/// `real_now` is real time; the person is enrolled on their study's clock.
pub fn enrol(
    conn: &mut DbConnection,
    scope: &Scope,
    e: &Enrolment,
    real_now: DateTime<Utc>,
) -> CoordinationResult<i64> {
    let mut problems: Vec<FieldProblem> = Vec::new();
    let mut push = |field: &str, msg: Msg| problems.push(FieldProblem::new(field, msg));

    let team = e.team_id.and_then(|t| scope.teams.get(&t).map(|p| (t, p.organisation_id, p.study_id)));
    if team.is_none() {
        push("team_id", Msg::new("enrol-choose-team"));
    }
    let Some(study_id) = team.map(|t| t.2).or_else(|| scope.study_ids().into_iter().next()) else {
        return Err(CoordinationError::NotFound);
    };
    let now = crate::study_clock::of_study(conn, study_id)?.at(real_now);
    let (zone_name, default_locale): (String, String) =
        studies::table.find(study_id).select((studies::time_zone, studies::default_locale)).first(conn)?;
    let zone: Tz = crate::studies::stored_zone(&zone_name)?;
    let role = Role::parse(e.role.trim());
    if role.is_none() {
        push("role", Msg::new("enrol-choose-role"));
    }
    let team_name: String = match team {
        Some((t, _, _)) => teams::table.find(t).select(teams::name).first(conn)?,
        None => String::new(),
    };
    let protocols = definitions::latest_protocols(conn, study_id)?;
    let protocol = role.and_then(|r| protocols.values().find(|p| p.role.as_deref() == Some(r.as_str())).cloned());
    if role.is_some() && protocol.is_none() {
        push("role", Msg::new("enrol-no-protocol"));
    }
    let mut student: Option<(i64, String)> = None;
    if role == Some(Role::Mentor) {
        if let Some(sid) = e.student_id {
            match visible(conn, scope, sid) {
                Ok(v) if v.role == Role::Student && !v.ended && v.study_id == study_id => {
                    let phone: Option<String> = person_identities::table
                        .find(sid)
                        .select(person_identities::mobile_phone)
                        .first(conn)
                        .optional()?
                        .flatten();
                    let open: i64 = pairs::table
                        .filter(pairs::student_id.eq(sid).and(pairs::ends_on.is_null()))
                        .count()
                        .get_result(conn)?;
                    match phone {
                        _ if open > 0 => push("student_id", Msg::new("enrol-student-has-mentor")),
                        Some(p) => student = Some((sid, p)),
                        None => push("student_id", Msg::new("enrol-student-no-phone")),
                    }
                }
                _ => push("student_id", Msg::new("enrol-choose-student")),
            }
        }
    }

    // One row of an import file, checked by the import's own planner.
    let type_word = match role {
        Some(Role::Student) => "Student",
        Some(Role::Mentor) => "Mentor",
        None => "",
    };
    let cells: BTreeMap<&str, String> = [
        ("type", type_word.to_string()),
        ("team_name", team_name.clone()),
        ("first_name", e.first_name.trim().to_string()),
        ("last_name", e.last_name.trim().to_string()),
        ("gender", e.gender.trim().to_string()),
        ("mobile_phone", e.mobile_phone.trim().to_string()),
        ("email", e.email.trim().to_string()),
        ("protocol_name", protocol.as_ref().map(|p| p.name.clone()).unwrap_or_default()),
        ("start_date", e.start_date.trim().to_string()),
        ("filling_out_for", student.as_ref().map(|s| s.1.clone()).unwrap_or_default()),
        ("locale", e.locale.trim().to_string()),
        ("group", e.group.trim().to_string()),
    ]
    .into_iter()
    .collect();
    let line: Vec<String> = COLUMNS.iter().map(|c| csv_cell(cells.get(c).map(String::as_str).unwrap_or(""))).collect();
    let data = format!("{}\n{}\n", COLUMNS.join(","), line.join(","));
    let ctx = ImportContext {
        today: local_date(zone, now),
        known_teams: crate::studies::teams_of(conn, study_id)?.into_iter().map(|t| t.name).collect(),
        create_teams: false,
        protocols: protocols.iter().map(|(n, p)| (n.clone(), p.role.as_deref().and_then(Role::parse))).collect(),
        // Only the numbers of people the coordinator may see: the planner's "already enrolled as
        // a mentor" must not tell them about anyone else (see `number_in_use`).
        existing: people_q::roles_by_phone(conn, study_id)?
            .into_iter()
            .filter(|(phone, _)| {
                people_q::find_by_phone(conn, study_id, phone)
                    .ok()
                    .flatten()
                    .is_some_and(|p| visible(conn, scope, p.id).is_ok())
            })
            .collect(),
        groups: crate::groups::study_groups(conn, study_id)?,
    };
    let plan = match plan_people_import(data.as_bytes(), &ctx) {
        Ok(plan) => Some(plan),
        Err(found) => {
            for p in found {
                // The form already says which team and role are missing, in its own words.
                let field = field_of(p.column.as_deref());
                let duplicate = problems.iter().any(|q| q.field == field)
                    && matches!(field.as_deref(), Some("team_id" | "role" | "student_id"));
                if !duplicate {
                    problems.push(FieldProblem { field, msg: p.msg });
                }
            }
            None
        }
    };
    let mut refusal = None;
    if let Some(plan) = &plan {
        if let Some(p) = plan.people.first() {
            super::number_in_use::check_allowance(conn, scope, now)?;
            if let Some((taken, refused)) = super::number_in_use::taken(conn, scope, study_id, &p.phone, None)? {
                problems.retain(|q| q.field.as_deref() != Some("mobile_phone"));
                problems.push(taken);
                refusal = refused;
            }
        }
    }
    if !problems.is_empty() {
        return Err(super::number_in_use::refused(problems, refusal));
    }
    let (Some(plan), Some((team_id, organisation_id, _)), Some(role)) = (plan, team, role) else {
        return Err(CoordinationError::Problems(vec![FieldProblem { field: None, msg: Msg::new("form-went-wrong") }]));
    };
    let p = &plan.people[0];
    let id = people_q::insert_person(
        conn,
        &people_q::NewPerson {
            study_id,
            team_id,
            role,
            role_title: p.role_title.as_deref(),
            gender: p.gender,
            locale: p.locale.or_else(|| Locale::parse(&default_locale)).unwrap_or(Locale::Nl),
            first_name: &p.first_name,
            last_name: p.last_name.as_deref(),
            mobile_phone: &p.phone,
            email: p.email.as_deref(),
        },
        now,
    )?;
    if let Some(g) = &p.group {
        crate::groups::set_person_group(conn, id, Some(g))?;
    }
    for pair in &plan.pairs {
        if let Some((sid, _)) = &student {
            people_q::insert_pair(conn, *sid, id, pair.start, now)?;
        }
    }
    for s in &plan.subscriptions {
        let Some(protocol) = protocols.get(&s.protocol) else { continue };
        people_q::insert_subscription(
            conn,
            &people_q::NewSubscription {
                person_id: id,
                protocol_id: protocol.id,
                filling_out_for: s.filling_out_for.as_ref().and(student.as_ref().map(|s| s.0)),
                starts_at: start_of_local_day(zone, s.start),
                ends_at: s.end.map(|d| start_of_local_day(zone, d + TimeDelta::days(1))),
            },
            now,
        )?;
    }
    let v = Visible { id, study_id, organisation_id, team_id, role, ended: false };
    audit_change(
        conn,
        scope,
        "person.enrol",
        &v,
        serde_json::json!({"role": role.as_str(), "team_id": team_id, "student_id": student.map(|s| s.0)}),
        now,
    )?;
    Ok(id)
}
