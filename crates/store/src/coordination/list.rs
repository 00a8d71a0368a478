//! Finding people: the searchable, paged list and the choices forms offer.

use super::{full_name, CoordinationResult};
use crate::db::DbConnection;
use crate::schema::{organisations, people, person_identities, teams};
use crate::staff::Scope;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use koers_core::people::Role;
use koers_core::phone::masked;

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
