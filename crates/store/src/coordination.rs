//! What coordinators do with the people of their organisation or team: find them, look them up,
//! enrol one, change a phone number, hand a student over to another mentor, end a student's
//! participation, record a withdrawal, and see who needs attention.
//!
//! Every function takes the caller's [`Scope`] and answers [`CoordinationError::NotFound`] for a
//! person outside it, exactly as for an id that does not exist, so nothing tells a coordinator
//! that someone exists elsewhere. Every change, and every look at a person's details, is written
//! to the audit log (phone numbers only masked).

use crate::db::DbConnection;
use crate::error::StoreError;
use crate::lifecycle::{self, OnWithdrawal, Withdrawal};
use crate::schema::{
    organisations, pairs, people, person_identities, protocols, responses, studies, subscriptions, teams,
};
use crate::staff::Scope;
use crate::studies::{from_db, to_db};
use crate::{audit, definitions, people as people_q, sending};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use koers_core::people::{DropoutType, Gender, Locale, Role, SubscriptionState};
use koers_core::people_import::{plan_people_import, ImportContext, COLUMNS};
use koers_core::phone::{masked, normalise_mobile};
use koers_core::time::{local_date, start_of_local_day};
use std::collections::{BTreeMap, HashMap};

/// A problem with one field of a form, in words for the person who filled it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The form field (`mobile_phone`, `team_id`, ...), or `None` for the form as a whole.
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CoordinationError {
    /// Not there, or not the caller's to see: the two are never told apart.
    #[error("not found")]
    NotFound,
    /// What was asked cannot be done; each problem names its field.
    #[error("{}", .0.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("; "))]
    Problems(Vec<FieldProblem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for CoordinationError {
    fn from(e: diesel::result::Error) -> Self {
        CoordinationError::Store(e.into())
    }
}

pub type CoordinationResult<T> = Result<T, CoordinationError>;

fn problem(field: &str, message: impl Into<String>) -> CoordinationError {
    CoordinationError::Problems(vec![FieldProblem { field: Some(field.to_string()), message: message.into() }])
}

fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    match (first, last) {
        (Some(f), Some(l)) if !l.is_empty() => format!("{f} {l}"),
        (Some(f), _) => f.to_string(),
        (None, Some(l)) => l.to_string(),
        (None, None) => "(naam gewist)".to_string(),
    }
}

fn audit_change(
    conn: &mut DbConnection,
    scope: &Scope,
    action: &str,
    person: &Visible,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    audit::record(
        conn,
        now,
        &audit::Entry {
            actor: &scope.actor(),
            actor_staff_id: Some(scope.staff_id),
            action,
            study_id: Some(person.study_id),
            organisation_id: Some(person.organisation_id),
            target_kind: Some("person"),
            target_id: Some(person.id),
            details,
        },
    )
}

/// The little every check needs about a person the caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Visible {
    id: i64,
    study_id: i64,
    organisation_id: i64,
    team_id: i64,
    role: Role,
    ended: bool,
}

fn visible(conn: &mut DbConnection, scope: &Scope, id: i64) -> CoordinationResult<Visible> {
    let row: Option<(i64, i64, String, Option<NaiveDateTime>)> = people::table
        .find(id)
        .select((people::study_id, people::team_id, people::role, people::ended_at))
        .first(conn)
        .optional()?;
    let Some((study_id, team_id, role, ended_at)) = row else { return Err(CoordinationError::NotFound) };
    let Some(&(organisation_id, scope_study)) = scope.teams.get(&team_id) else {
        return Err(CoordinationError::NotFound);
    };
    let Some(role) = Role::parse(&role) else { return Err(CoordinationError::NotFound) };
    if scope_study != study_id {
        return Err(CoordinationError::NotFound);
    }
    Ok(Visible { id, study_id, organisation_id, team_id, role, ended: ended_at.is_some() })
}

fn study_zone(conn: &mut DbConnection, study_id: i64) -> CoordinationResult<Tz> {
    let zone: String = studies::table.find(study_id).select(studies::time_zone).first(conn)?;
    Ok(zone.parse().unwrap_or(chrono_tz::Europe::Amsterdam))
}

// ---------------------------------------------------------------------------------------------
// Lists

/// What the list of people asks for.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    /// A name (every word must match the first or last name) or a phone fragment (digits).
    pub q: Option<String>,
    pub role: Option<Role>,
    /// From 1.
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub team_name: String,
    pub organisation_name: String,
    pub phone_masked: Option<String>,
    pub phone_failing: bool,
    pub ended: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeoplePage {
    pub people: Vec<PersonRow>,
    pub total: usize,
    pub page: i64,
    pub pages: i64,
}

type ListRaw =
    (i64, String, Option<NaiveDateTime>, String, Option<String>, Option<String>, Option<String>, String, String);

fn scope_rows(conn: &mut DbConnection, scope: &Scope, role: Option<Role>) -> CoordinationResult<Vec<ListRaw>> {
    let mut q = people::table
        .inner_join(person_identities::table)
        .inner_join(teams::table.inner_join(organisations::table))
        .filter(people::team_id.eq_any(scope.team_ids()))
        .select((
            people::id,
            people::role,
            people::ended_at,
            people::phone_status,
            person_identities::first_name,
            person_identities::last_name,
            person_identities::mobile_phone,
            teams::name,
            organisations::name,
        ))
        .order((person_identities::first_name.asc(), person_identities::last_name.asc(), people::id.asc()))
        .into_boxed();
    if let Some(r) = role {
        q = q.filter(people::role.eq(r.as_str()));
    }
    Ok(q.load(conn)?)
}

/// Whether a person matches a search: digits look for a phone fragment (`06 123` finds
/// +31 6 123...), words look for names, case- and accent-insensitively enough for Dutch names.
fn matches(q: &str, first: Option<&str>, last: Option<&str>, phone: Option<&str>) -> bool {
    let q = q.trim();
    if q.is_empty() {
        return true;
    }
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    let looks_like_phone = q.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if looks_like_phone {
        if digits.len() < 2 {
            return false;
        }
        let fragment = digits.trim_start_matches('0');
        let phone_digits: String = phone.unwrap_or("").chars().filter(char::is_ascii_digit).collect();
        return !fragment.is_empty() && phone_digits.contains(fragment);
    }
    let name = format!("{} {}", first.unwrap_or(""), last.unwrap_or("")).to_lowercase();
    q.to_lowercase().split_whitespace().all(|w| name.contains(w))
}

/// People in scope, searched, filtered by role and paged; names sorted.
pub fn list_people(conn: &mut DbConnection, scope: &Scope, f: &PeopleFilter) -> CoordinationResult<PeoplePage> {
    let per_page = f.per_page.clamp(1, 500);
    let q = f.q.as_deref().unwrap_or("");
    let rows: Vec<PersonRow> = scope_rows(conn, scope, f.role)?
        .into_iter()
        .filter(|r| matches(q, r.4.as_deref(), r.5.as_deref(), r.6.as_deref()))
        .filter_map(|(id, role, ended_at, status, first, last, phone, team, org)| {
            Some(PersonRow {
                id,
                name: full_name(first.as_deref(), last.as_deref()),
                role: Role::parse(&role)?,
                team_name: team,
                organisation_name: org,
                phone_masked: phone.as_deref().map(masked),
                phone_failing: status == "failing",
                ended: ended_at.is_some(),
            })
        })
        .collect();
    let total = rows.len();
    let pages = ((total as i64 + per_page - 1) / per_page).max(1);
    let page = f.page.clamp(1, pages);
    let people = rows.into_iter().skip(((page - 1) * per_page) as usize).take(per_page as usize).collect();
    Ok(PeoplePage { people, total, page, pages })
}

/// Mentors in scope who still take part, for choosing whom a student goes to.
pub fn mentors_in_scope(conn: &mut DbConnection, scope: &Scope) -> CoordinationResult<Vec<PersonRow>> {
    Ok(list_people(conn, scope, &PeopleFilter { role: Some(Role::Mentor), page: 1, per_page: 500, q: None })?
        .people
        .into_iter()
        .filter(|p| !p.ended)
        .collect())
}

/// Students in scope who still take part, for pairing a new mentor with one.
pub fn students_in_scope(conn: &mut DbConnection, scope: &Scope) -> CoordinationResult<Vec<PersonRow>> {
    Ok(list_people(conn, scope, &PeopleFilter { role: Some(Role::Student), page: 1, per_page: 500, q: None })?
        .people
        .into_iter()
        .filter(|p| !p.ended)
        .collect())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamChoice {
    pub id: i64,
    pub name: String,
    pub organisation_name: String,
}

/// The teams a coordinator may enrol people into.
pub fn teams_in_scope(conn: &mut DbConnection, scope: &Scope) -> CoordinationResult<Vec<TeamChoice>> {
    let rows: Vec<(i64, String, String)> = teams::table
        .inner_join(organisations::table)
        .filter(teams::id.eq_any(scope.team_ids()))
        .order((organisations::name.asc(), teams::name.asc()))
        .select((teams::id, teams::name, organisations::name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, name, organisation_name)| TeamChoice { id, name, organisation_name }).collect())
}

// ---------------------------------------------------------------------------------------------
// One person

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairInfo {
    pub id: i64,
    pub other_id: i64,
    /// `None` when the other person is outside the caller's scope.
    pub other_name: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionInfo {
    pub id: i64,
    pub protocol: String,
    pub filling_out_for: Option<String>,
    pub state: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDetail {
    pub id: i64,
    pub study_id: i64,
    /// The study's IANA zone, for showing instants as local time.
    pub time_zone: String,
    pub role: Role,
    pub role_title: Option<String>,
    pub gender: Option<String>,
    pub locale: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub name: String,
    pub mobile_phone: Option<String>,
    pub email: Option<String>,
    pub team_id: i64,
    pub team_name: String,
    pub organisation_name: String,
    pub phone_failing: bool,
    pub phone_failing_since: Option<DateTime<Utc>>,
    pub phone_failure: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
    pub dropout_type: Option<String>,
    pub dropout_date: Option<NaiveDate>,
    /// For a student: their mentors now; for a mentor: their students now.
    pub current: Vec<PairInfo>,
    /// Every pair, newest first, open ones included.
    pub history: Vec<PairInfo>,
    pub subscriptions: Vec<SubscriptionInfo>,
}

type DetailRaw = (
    (i64, i64, String, Option<String>, Option<String>, String, String),
    (Option<NaiveDateTime>, Option<String>, Option<NaiveDateTime>, Option<String>, Option<String>, Option<NaiveDate>),
    (Option<String>, Option<String>, Option<String>, Option<String>),
    (String, String),
);

/// A person's details as a coordinator sees them. Reading identifying data is audited.
pub fn person_detail(
    conn: &mut DbConnection,
    scope: &Scope,
    id: i64,
    now: DateTime<Utc>,
) -> CoordinationResult<PersonDetail> {
    let v = visible(conn, scope, id)?;
    let raw: DetailRaw = people::table
        .inner_join(person_identities::table)
        .inner_join(teams::table.inner_join(organisations::table))
        .filter(people::id.eq(id))
        .select((
            (
                people::id,
                people::team_id,
                people::role,
                people::role_title,
                people::gender,
                people::locale,
                people::phone_status,
            ),
            (
                people::phone_failing_since,
                people::phone_failure,
                people::ended_at,
                people::end_reason,
                people::dropout_type,
                people::dropout_date,
            ),
            (
                person_identities::first_name,
                person_identities::last_name,
                person_identities::mobile_phone,
                person_identities::email,
            ),
            (teams::name, organisations::name),
        ))
        .first(conn)?;
    let ((_, team_id, _, role_title, gender, locale, phone_status), research, identity, (team_name, organisation_name)) =
        raw;
    let (failing_since, failure, ended_at, end_reason, dropout_type, dropout_date) = research;
    let (first_name, last_name, mobile_phone, email) = identity;

    let history = pairs_of(conn, scope, v)?;
    let current = history.iter().filter(|p| p.ends_on.is_none()).cloned().collect();
    let subscriptions = subscriptions_of(conn, scope, id)?;
    audit_change(conn, scope, "person.view", &v, serde_json::json!({}), now)?;
    let time_zone: String = studies::table.find(v.study_id).select(studies::time_zone).first(conn)?;
    Ok(PersonDetail {
        id,
        study_id: v.study_id,
        time_zone,
        role: v.role,
        role_title,
        gender,
        locale,
        name: full_name(first_name.as_deref(), last_name.as_deref()),
        first_name,
        last_name,
        mobile_phone,
        email,
        team_id,
        team_name,
        organisation_name,
        phone_failing: phone_status == "failing",
        phone_failing_since: failing_since.map(from_db),
        phone_failure: failure,
        ended_at: ended_at.map(from_db),
        end_reason,
        dropout_type,
        dropout_date,
        current,
        history,
        subscriptions,
    })
}

/// The name of someone the caller may see; `None` for anyone else.
fn name_in_scope(conn: &mut DbConnection, scope: &Scope, id: i64) -> CoordinationResult<Option<String>> {
    let row: Option<(i64, Option<String>, Option<String>)> = people::table
        .inner_join(person_identities::table)
        .filter(people::id.eq(id))
        .select((people::team_id, person_identities::first_name, person_identities::last_name))
        .first(conn)
        .optional()?;
    Ok(row.filter(|(team, _, _)| scope.has_team(*team)).map(|(_, f, l)| full_name(f.as_deref(), l.as_deref())))
}

fn pairs_of(conn: &mut DbConnection, scope: &Scope, v: Visible) -> CoordinationResult<Vec<PairInfo>> {
    let mut q = pairs::table.into_boxed();
    q = match v.role {
        Role::Student => q.filter(pairs::student_id.eq(v.id)),
        Role::Mentor => q.filter(pairs::mentor_id.eq(v.id)),
    };
    type Raw = (i64, i64, i64, NaiveDate, Option<NaiveDate>, Option<String>);
    let rows: Vec<Raw> = q
        .order((pairs::starts_on.desc(), pairs::id.desc()))
        .select((pairs::id, pairs::student_id, pairs::mentor_id, pairs::starts_on, pairs::ends_on, pairs::end_reason))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, student, mentor, starts_on, ends_on, end_reason) in rows {
        let other_id = if v.role == Role::Student { mentor } else { student };
        let other_name = name_in_scope(conn, scope, other_id)?;
        out.push(PairInfo { id, other_id, other_name, starts_on, ends_on, end_reason });
    }
    Ok(out)
}

fn subscriptions_of(conn: &mut DbConnection, scope: &Scope, id: i64) -> CoordinationResult<Vec<SubscriptionInfo>> {
    type Raw = (i64, String, Option<i64>, String, NaiveDateTime, Option<NaiveDateTime>, Option<String>);
    let rows: Vec<Raw> = subscriptions::table
        .inner_join(protocols::table)
        .filter(subscriptions::person_id.eq(id))
        .order(subscriptions::id.desc())
        .select((
            subscriptions::id,
            protocols::name,
            subscriptions::filling_out_for_id,
            subscriptions::state,
            subscriptions::starts_at,
            subscriptions::ends_at,
            subscriptions::end_reason,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, protocol, fof, state, starts_at, ends_at, end_reason) in rows {
        let filling_out_for = match fof {
            Some(p) => Some(name_in_scope(conn, scope, p)?.unwrap_or_else(|| "iemand buiten je team".into())),
            None => None,
        };
        out.push(SubscriptionInfo {
            id,
            protocol,
            filling_out_for,
            state,
            starts_at: from_db(starts_at),
            ends_at: ends_at.map(from_db),
            end_reason,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Enrolling one person

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
pub fn enrol(conn: &mut DbConnection, scope: &Scope, e: &Enrolment, now: DateTime<Utc>) -> CoordinationResult<i64> {
    let mut problems: Vec<FieldProblem> = Vec::new();
    let mut push = |field: &str, message: String| problems.push(FieldProblem { field: Some(field.into()), message });

    let team = e.team_id.and_then(|t| scope.teams.get(&t).map(|(o, s)| (t, *o, *s)));
    if team.is_none() {
        push("team_id", "Kies een team.".into());
    }
    let Some(study_id) = team.map(|t| t.2).or_else(|| scope.study_ids().into_iter().next()) else {
        return Err(CoordinationError::NotFound);
    };
    let (zone_name, default_locale): (String, String) =
        studies::table.find(study_id).select((studies::time_zone, studies::default_locale)).first(conn)?;
    let zone: Tz = zone_name.parse().unwrap_or(chrono_tz::Europe::Amsterdam);
    let role = Role::parse(e.role.trim());
    if role.is_none() {
        push("role", "Kies student of begeleider.".into());
    }
    let team_name: String = match team {
        Some((t, _, _)) => teams::table.find(t).select(teams::name).first(conn)?,
        None => String::new(),
    };
    let protocols = definitions::latest_protocols(conn, study_id)?;
    let protocol = role.and_then(|r| protocols.values().find(|p| p.role.as_deref() == Some(r.as_str())).cloned());
    if role.is_some() && protocol.is_none() {
        push("role", "Dit onderzoek heeft nog geen protocol voor deze rol; vraag de onderzoeker het te laden.".into());
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
                        _ if open > 0 => push(
                            "student_id",
                            "Deze student heeft al een begeleider. Draag de student over op de pagina van de student."
                                .into(),
                        ),
                        Some(p) => student = Some((sid, p)),
                        None => push("student_id", "Van deze student is geen telefoonnummer bekend.".into()),
                    }
                }
                _ => push("student_id", "Kies een student uit de lijst.".into()),
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
        existing: people_q::roles_by_phone(conn, study_id)?,
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
                    problems.push(FieldProblem { field, message: p.message });
                }
            }
            None
        }
    };
    if let Some(plan) = &plan {
        if let Some(p) = plan.people.first() {
            if people_q::find_by_phone(conn, study_id, &p.phone)?.is_some() {
                problems.push(FieldProblem {
                    field: Some("mobile_phone".into()),
                    message: format!("{} is already enrolled; every person needs their own number", masked(&p.phone)),
                });
            }
        }
    }
    if !problems.is_empty() {
        return Err(CoordinationError::Problems(problems));
    }
    let (Some(plan), Some((team_id, organisation_id, _)), Some(role)) = (plan, team, role) else {
        return Err(CoordinationError::Problems(vec![FieldProblem {
            field: None,
            message: "Er ging iets mis; probeer het opnieuw.".into(),
        }]));
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

// ---------------------------------------------------------------------------------------------
// Changes

/// Gives a person a new phone number (normalised like the import does); a number that was failing
/// counts as working again.
pub fn change_phone(
    conn: &mut DbConnection,
    scope: &Scope,
    id: i64,
    input: &str,
    now: DateTime<Utc>,
) -> CoordinationResult<()> {
    let v = visible(conn, scope, id)?;
    let phone = normalise_mobile(input).map_err(|e| problem("mobile_phone", e.to_string()))?;
    if let Some(other) = people_q::find_by_phone(conn, v.study_id, &phone)? {
        if other.id != id {
            return Err(problem("mobile_phone", "Dit nummer hoort al bij iemand anders in dit onderzoek."));
        }
    }
    let old: Option<String> = person_identities::table.find(id).select(person_identities::mobile_phone).first(conn)?;
    let now_db = to_db(now);
    diesel::update(person_identities::table.find(id))
        .set((person_identities::mobile_phone.eq(&phone), person_identities::updated_at.eq(now_db)))
        .execute(conn)?;
    diesel::update(people::table.find(id))
        .set((
            people::phone_status.eq("ok"),
            people::phone_failing_since.eq(None::<NaiveDateTime>),
            people::phone_failure.eq(None::<String>),
            people::updated_at.eq(now_db),
        ))
        .execute(conn)?;
    audit_change(
        conn,
        scope,
        "person.phone",
        &v,
        serde_json::json!({"old": old.as_deref().map(masked), "new": masked(&phone)}),
        now,
    )?;
    Ok(())
}

/// The Monday of the week a date is in.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - TimeDelta::days(i64::from(date.weekday().num_days_from_monday()))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub new_pair_id: i64,
    pub starts_on: NaiveDate,
    pub ended_pairs: usize,
    pub new_subscription_id: Option<i64>,
}

/// Hands a student over to another mentor of the same study in scope. The open pair ends
/// (reason `handover`) on the Sunday before this week's Monday, the new pair starts on that
/// Monday (in the study's zone; for a pair that itself began this week, on the day it began, so
/// the new pair never starts before the old one), the old mentor's subscription for the student ends and the new
/// mentor's starts now. Nothing of the old pair is removed.
pub fn handover(
    conn: &mut DbConnection,
    scope: &Scope,
    student_id: i64,
    new_mentor_id: i64,
    now: DateTime<Utc>,
) -> CoordinationResult<Handover> {
    let student = visible(conn, scope, student_id)?;
    if student.role != Role::Student {
        return Err(CoordinationError::NotFound);
    }
    if student.ended {
        return Err(problem("mentor_id", "Deze student doet niet meer mee; overdragen kan niet meer."));
    }
    let mentor = match visible(conn, scope, new_mentor_id) {
        Ok(m) if m.role == Role::Mentor && m.study_id == student.study_id && !m.ended => m,
        _ => return Err(problem("mentor_id", "Kies een begeleider uit de lijst.")),
    };
    let zone = study_zone(conn, student.study_id)?;
    let today = local_date(zone, now);
    let monday = monday_of(today);

    let open: Vec<(i64, i64, NaiveDate)> = pairs::table
        .filter(pairs::student_id.eq(student_id).and(pairs::ends_on.is_null()))
        .select((pairs::id, pairs::mentor_id, pairs::starts_on))
        .load(conn)?;
    if open.iter().any(|(_, m, _)| *m == mentor.id) {
        return Err(problem("mentor_id", "Dit is al de begeleider van deze student."));
    }
    let mut protocol_id: Option<i64> = None;
    for (pair_id, old_mentor, starts_on) in &open {
        let ends_on = (monday - TimeDelta::days(1)).max(*starts_on);
        diesel::update(pairs::table.find(pair_id))
            .set((pairs::ends_on.eq(ends_on), pairs::end_reason.eq("handover")))
            .execute(conn)?;
        let subs: Vec<(i64, i64)> = subscriptions::table
            .filter(subscriptions::person_id.eq(old_mentor))
            .filter(subscriptions::filling_out_for_id.eq(student_id))
            .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
            .select((subscriptions::id, subscriptions::protocol_id))
            .load(conn)?;
        for (sub, protocol) in subs {
            protocol_id.get_or_insert(protocol);
            sending::end_subscription(conn, sub, SubscriptionState::Completed, "handover", now)?;
        }
    }
    let starts_on = open.iter().map(|(_, _, s)| *s).max().map_or(monday, |s| s.max(monday));
    let new_pair_id = people_q::insert_pair(conn, student_id, mentor.id, starts_on, now)?;
    if protocol_id.is_none() {
        protocol_id = definitions::latest_protocols(conn, student.study_id)?
            .into_values()
            .find(|p| p.role.as_deref() == Some(Role::Mentor.as_str()))
            .map(|p| p.id);
    }
    let new_subscription_id = match protocol_id {
        Some(protocol_id) => Some(people_q::insert_subscription(
            conn,
            &people_q::NewSubscription {
                person_id: mentor.id,
                protocol_id,
                filling_out_for: Some(student_id),
                starts_at: now,
                ends_at: None,
            },
            now,
        )?),
        None => None,
    };
    audit_change(
        conn,
        scope,
        "person.handover",
        &student,
        serde_json::json!({
            "from_mentors": open.iter().map(|o| o.1).collect::<Vec<_>>(),
            "to_mentor": mentor.id,
            "starts_on": starts_on.to_string(),
        }),
        now,
    )?;
    Ok(Handover { new_pair_id, starts_on, ended_pairs: open.len(), new_subscription_id })
}

/// Why a student's participation ends, as a coordinator records it.
#[derive(Debug, Clone)]
pub struct Ending {
    pub reason: DropoutType,
    pub date: NaiveDate,
    pub note: Option<String>,
}

const MAX_NOTE: usize = 500;

/// Ends a student's participation: the reason and date are kept with the person, their own
/// subscriptions stop now (so the closing questionnaire opens; the scheduler then ends their
/// mentors' subscriptions for them), and their open pairs end today with reason `ended`.
pub fn end_participation(
    conn: &mut DbConnection,
    scope: &Scope,
    id: i64,
    ending: &Ending,
    now: DateTime<Utc>,
) -> CoordinationResult<usize> {
    let v = visible(conn, scope, id)?;
    if v.role != Role::Student {
        return Err(CoordinationError::NotFound);
    }
    if v.ended {
        return Err(problem("reason", "De deelname van deze student is al beëindigd."));
    }
    let note = ending.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE) {
        return Err(problem("note", format!("Schrijf hooguit {MAX_NOTE} tekens.")));
    }
    let zone = study_zone(conn, v.study_id)?;
    let today = local_date(zone, now);
    if ending.date > today + TimeDelta::days(366) || ending.date.year() < 2000 {
        return Err(problem("date", "Kies een datum die niet meer dan een jaar vooruit ligt."));
    }
    let now_db = to_db(now);
    let end_reason = match note {
        Some(n) => format!("{}: {n}", ending.reason.as_str()),
        None => ending.reason.as_str().to_string(),
    };
    diesel::update(people::table.find(id))
        .set((
            people::dropout_type.eq(ending.reason.as_str()),
            people::dropout_date.eq(ending.date),
            people::ended_at.eq(now_db),
            people::end_reason.eq(&end_reason),
            people::updated_at.eq(now_db),
        ))
        .execute(conn)?;
    let subs: Vec<i64> = subscriptions::table
        .filter(subscriptions::person_id.eq(id))
        .filter(subscriptions::filling_out_for_id.is_null())
        .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
        .select(subscriptions::id)
        .load(conn)?;
    let mut stopped = 0;
    for s in subs {
        stopped += usize::from(sending::stop_subscription(conn, s, ending.reason.as_str(), now)?);
    }
    let open: Vec<(i64, NaiveDate)> = pairs::table
        .filter(pairs::student_id.eq(id).and(pairs::ends_on.is_null()))
        .select((pairs::id, pairs::starts_on))
        .load(conn)?;
    for (pair, starts_on) in open {
        diesel::update(pairs::table.find(pair))
            .set((pairs::ends_on.eq(today.max(starts_on)), pairs::end_reason.eq("ended")))
            .execute(conn)?;
    }
    audit_change(
        conn,
        scope,
        "person.end",
        &v,
        serde_json::json!({"reason": ending.reason.as_str(), "date": ending.date.to_string(), "stopped": stopped}),
        now,
    )?;
    Ok(stopped)
}

/// A person withdraws their consent, recorded by a coordinator who may see them: everything
/// [`lifecycle::withdraw`] does, at once, audited with the coordinator as actor. Students and
/// mentors alike may withdraw; doing it again is harmless (`Delete` after `Keep` deletes).
pub fn withdraw(
    conn: &mut DbConnection,
    scope: &Scope,
    id: i64,
    data: OnWithdrawal,
    now: DateTime<Utc>,
) -> CoordinationResult<Withdrawal> {
    let v = visible(conn, scope, id)?;
    let actor = scope.actor();
    let who = lifecycle::Actor { name: &actor, staff_id: Some(scope.staff_id) };
    lifecycle::withdraw(conn, v.study_id, id, data, who, koers_core::clock::Moment::real(now)).map_err(|e| match e {
        StoreError::NotFound(_) => CoordinationError::NotFound,
        e => e.into(),
    })
}

// ---------------------------------------------------------------------------------------------
// Attention

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailingPhone {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub team_name: String,
    pub since: Option<DateTime<Utc>>,
    pub why: Option<String>,
}

/// People still taking part whose phone number fails, longest failing first.
pub fn failing_phones(conn: &mut DbConnection, scope: &Scope) -> CoordinationResult<Vec<FailingPhone>> {
    type Raw = (i64, String, Option<NaiveDateTime>, Option<String>, Option<String>, Option<String>, String);
    let rows: Vec<Raw> = people::table
        .inner_join(person_identities::table)
        .inner_join(teams::table)
        .filter(people::team_id.eq_any(scope.team_ids()))
        .filter(people::phone_status.eq("failing"))
        .filter(people::ended_at.is_null())
        .order((people::phone_failing_since.asc(), people::id.asc()))
        .select((
            people::id,
            people::role,
            people::phone_failing_since,
            people::phone_failure,
            person_identities::first_name,
            person_identities::last_name,
            teams::name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, role, since, why, first, last, team_name)| {
            Some(FailingPhone {
                id,
                name: full_name(first.as_deref(), last.as_deref()),
                role: Role::parse(&role)?,
                team_name,
                since: since.map(from_db),
                why,
            })
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Silent {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub team_name: String,
    /// When they last completed a questionnaire, if ever.
    pub last_completed_at: Option<DateTime<Utc>>,
}

/// People still taking part who completed nothing in their last `windows` closed windows (a
/// mentor's window counts as answered when they answered it for any of their students).
pub fn silent_people(
    conn: &mut DbConnection,
    scope: &Scope,
    windows: usize,
    now: DateTime<Utc>,
) -> CoordinationResult<Vec<Silent>> {
    let windows = windows.clamp(1, 52);
    type Raw = (i64, NaiveDateTime, Option<NaiveDateTime>);
    let rows: Vec<Raw> = responses::table
        .inner_join(subscriptions::table.inner_join(people::table))
        .filter(people::team_id.eq_any(scope.team_ids()))
        .filter(people::ended_at.is_null())
        .filter(responses::close_at.le(to_db(now)))
        .select((people::id, responses::open_at, responses::completed_at))
        .load(conn)?;
    // Person -> window start -> answered.
    let mut by_person: HashMap<i64, BTreeMap<NaiveDateTime, bool>> = HashMap::new();
    let mut last_done: HashMap<i64, NaiveDateTime> = HashMap::new();
    for (person, open_at, completed_at) in rows {
        let w = by_person.entry(person).or_default().entry(open_at).or_insert(false);
        *w |= completed_at.is_some();
        if let Some(c) = completed_at {
            let e = last_done.entry(person).or_insert(c);
            *e = (*e).max(c);
        }
    }
    let mut silent_ids: Vec<i64> = by_person
        .into_iter()
        .filter(|(_, w)| w.len() >= windows && w.values().rev().take(windows).all(|done| !done))
        .map(|(id, _)| id)
        .collect();
    silent_ids.sort_unstable();
    if silent_ids.is_empty() {
        return Ok(Vec::new());
    }
    type Named = (i64, String, Option<String>, Option<String>, String);
    let rows: Vec<Named> = people::table
        .inner_join(person_identities::table)
        .inner_join(teams::table)
        .filter(people::id.eq_any(&silent_ids))
        .order((person_identities::first_name.asc(), people::id.asc()))
        .select((people::id, people::role, person_identities::first_name, person_identities::last_name, teams::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, role, first, last, team_name)| {
            Some(Silent {
                id,
                name: full_name(first.as_deref(), last.as_deref()),
                role: Role::parse(&role)?,
                team_name,
                last_completed_at: last_done.get(&id).copied().map(from_db),
            })
        })
        .collect())
}

/// Gender words for forms, in the order they are offered.
pub fn gender_codes() -> Vec<&'static str> {
    Gender::ALL.iter().map(|g| g.as_str()).collect()
}
