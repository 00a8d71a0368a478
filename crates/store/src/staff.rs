//! Staff accounts (coordinators, researchers, admins), their passwords and what they may see.
//!
//! Passwords are kept only as argon2id hashes. E-mail addresses are stored in lower case and
//! looked up the same way, so `Ann@School.nl` and `ann@school.nl` are one account. A login for an
//! unknown address still runs one argon2 verification, so the time taken does not tell whether
//! an address has an account.
//!
//! A [`Scope`] is what a staff member may see of people: the teams of the organisations (or the
//! single teams) their coordinator roles name, or every team of a study for a study-wide
//! coordinator or admin role, or everything for an admin account. Researchers' roles give no
//! access to identifying data, so they add nothing to a scope.

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{organisations, staff_accounts, staff_roles, studies, teams};
use crate::studies::to_db;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Shorter passwords are refused when an account is made.
pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_CHARS: usize = 1024;

/// What a staff role is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StaffRole {
    Coordinator,
    Researcher,
    Admin,
}

impl StaffRole {
    pub const ALL: &'static [StaffRole] = &[StaffRole::Coordinator, StaffRole::Researcher, StaffRole::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Coordinator => "coordinator",
            StaffRole::Researcher => "researcher",
            StaffRole::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = staff_accounts)]
pub struct StaffAccount {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    pub disabled_at: Option<NaiveDateTime>,
    pub last_login_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// API tokens issued at or before this instant are refused (sessions revoked, disabled).
    pub tokens_not_before: Option<NaiveDateTime>,
    /// When the second factor was set up; `None` without one.
    pub totp_confirmed_at: Option<NaiveDateTime>,
    /// The language of the staff pages: `nl` (the default) or `en`.
    pub locale: String,
}

/// The form an e-mail address is stored and looked up in.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// An argon2id hash of a password in PHC form (salt and parameters included).
pub fn hash_password(password: &str) -> StoreResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("cannot hash the password: {e}")))
}

/// Whether a password is acceptable for a new account; the reason if not.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(format!("the password is too short: use at least {MIN_PASSWORD_CHARS} characters"));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(format!("the password is longer than {MAX_PASSWORD_CHARS} characters"));
    }
    Ok(())
}

/// Whether `secret` is the one an argon2 hash in PHC form was made of (passwords, recovery codes).
pub fn verify_hash(secret: &str, phc: &str) -> bool {
    verify(secret, phc)
}

fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Creates an account; an address that already has one is refused.
pub fn create_account(
    conn: &mut DbConnection,
    email: &str,
    display_name: &str,
    password: &str,
    is_admin: bool,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let email = normalise_email(email);
    if !email.contains('@') || email.chars().any(char::is_whitespace) || email.len() > 254 {
        return Err(StoreError::Invalid(format!("'{email}' is not an e-mail address")));
    }
    let display_name = display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return Err(StoreError::Invalid("the name must be 1 to 100 characters".into()));
    }
    check_new_password(password).map_err(StoreError::Invalid)?;
    if find_by_email(conn, &email)?.is_some() {
        return Err(StoreError::Invalid(format!("there is already an account for {email}")));
    }
    let hash = hash_password(password)?;
    Ok(diesel::insert_into(staff_accounts::table)
        .values((
            staff_accounts::email.eq(&email),
            staff_accounts::display_name.eq(display_name),
            staff_accounts::password_hash.eq(hash),
            staff_accounts::is_admin.eq(is_admin),
            staff_accounts::created_at.eq(to_db(now)),
        ))
        .returning(staff_accounts::id)
        .get_result(conn)?)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> StoreResult<Option<StaffAccount>> {
    Ok(staff_accounts::table
        .filter(staff_accounts::email.eq(normalise_email(email)))
        .select(StaffAccount::as_select())
        .first(conn)
        .optional()?)
}

pub fn account(conn: &mut DbConnection, id: i64) -> StoreResult<Option<StaffAccount>> {
    Ok(staff_accounts::table.find(id).select(StaffAccount::as_select()).first(conn).optional()?)
}

/// A hash of a password nobody has, verified against when the address is unknown so that both
/// cases take one argon2 verification.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a password anyone has, only for timing").unwrap_or_default())
}

/// Checks a login. `None` for an unknown address, a wrong password and a disabled account
/// alike (callers show one message for all three); on success the login time is recorded.
pub fn verify_login(
    conn: &mut DbConnection,
    email: &str,
    password: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<StaffAccount>> {
    let email = normalise_email(email);
    let found: Option<(i64, String)> = staff_accounts::table
        .filter(staff_accounts::email.eq(&email))
        .select((staff_accounts::id, staff_accounts::password_hash))
        .first(conn)
        .optional()?;
    let Some((id, hash)) = found else {
        let _ = verify(password, dummy_hash());
        return Ok(None);
    };
    if !verify(password, &hash) {
        return Ok(None);
    }
    let Some(acc) = account(conn, id)? else { return Ok(None) };
    if acc.disabled_at.is_some() {
        return Ok(None);
    }
    diesel::update(staff_accounts::table.find(id)).set(staff_accounts::last_login_at.eq(to_db(now))).execute(conn)?;
    Ok(Some(StaffAccount { last_login_at: Some(to_db(now)), ..acc }))
}

pub fn set_password(conn: &mut DbConnection, id: i64, password: &str) -> StoreResult<()> {
    check_new_password(password).map_err(StoreError::Invalid)?;
    let hash = hash_password(password)?;
    diesel::update(staff_accounts::table.find(id)).set(staff_accounts::password_hash.eq(hash)).execute(conn)?;
    Ok(())
}

/// Sets the language of a staff member's pages; anything but `en` is Dutch.
pub fn set_locale(conn: &mut DbConnection, id: i64, locale: &str) -> StoreResult<()> {
    let locale = if locale == "en" { "en" } else { "nl" };
    diesel::update(staff_accounts::table.find(id)).set(staff_accounts::locale.eq(locale)).execute(conn)?;
    Ok(())
}

/// Disables an account at once (sessions, tokens and API keys stop); see
/// [`crate::staff_lifecycle::disable`], which this is with the command line as actor.
pub fn disable(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    crate::staff_lifecycle::disable(conn, id, crate::lifecycle::Actor::CLI, now).map(|_| ())
}

/// One role of an account, with the names of where it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRow {
    pub id: i64,
    pub study_id: i64,
    pub study_key: String,
    pub organisation_id: Option<i64>,
    pub organisation_key: Option<String>,
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
    pub role: String,
    /// Extra permissions (`export`).
    pub permissions: String,
}

/// Gives an account a role in a whole study, one organisation, or one team. A team must belong
/// to the organisation given with it, and both to the study.
pub fn add_role(
    conn: &mut DbConnection,
    staff_id: i64,
    study_id: i64,
    organisation_id: Option<i64>,
    team_id: Option<i64>,
    role: StaffRole,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    if let Some(org) = organisation_id {
        let of_study: i64 = organisations::table
            .filter(organisations::id.eq(org).and(organisations::study_id.eq(study_id)))
            .count()
            .get_result(conn)?;
        if of_study == 0 {
            return Err(StoreError::Invalid("that organisation is not part of the study".into()));
        }
    }
    if let Some(team) = team_id {
        let org: Option<i64> = teams::table
            .inner_join(organisations::table)
            .filter(teams::id.eq(team).and(organisations::study_id.eq(study_id)))
            .select(organisations::id)
            .first(conn)
            .optional()?;
        match (org, organisation_id) {
            (None, _) => return Err(StoreError::Invalid("that team is not part of the study".into())),
            (Some(o), Some(given)) if o != given => {
                return Err(StoreError::Invalid("that team is not part of that organisation".into()))
            }
            _ => {}
        }
    }
    Ok(diesel::insert_into(staff_roles::table)
        .values((
            staff_roles::staff_id.eq(staff_id),
            staff_roles::study_id.eq(study_id),
            staff_roles::organisation_id.eq(organisation_id),
            staff_roles::team_id.eq(team_id),
            staff_roles::role.eq(role.as_str()),
            staff_roles::permissions.eq(""),
            staff_roles::created_at.eq(to_db(now)),
        ))
        .returning(staff_roles::id)
        .get_result(conn)?)
}

pub fn roles_of(conn: &mut DbConnection, staff_id: i64) -> StoreResult<Vec<RoleRow>> {
    type Raw = (i64, i64, String, Option<i64>, Option<i64>, String, String);
    let rows: Vec<Raw> = staff_roles::table
        .inner_join(studies::table)
        .filter(staff_roles::staff_id.eq(staff_id))
        .order(staff_roles::id)
        .select((
            staff_roles::id,
            staff_roles::study_id,
            studies::key,
            staff_roles::organisation_id,
            staff_roles::team_id,
            staff_roles::role,
            staff_roles::permissions,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, study_id, study_key, organisation_id, team_id, role, permissions) in rows {
        let organisation_key = match organisation_id {
            Some(o) => organisations::table.find(o).select(organisations::key).first(conn).optional()?,
            None => None,
        };
        let team_name = match team_id {
            Some(t) => teams::table.find(t).select(teams::name).first(conn).optional()?,
            None => None,
        };
        out.push(RoleRow {
            id,
            study_id,
            study_key,
            organisation_id,
            organisation_key,
            team_id,
            team_name,
            role,
            permissions,
        });
    }
    Ok(out)
}

/// A staff account with every role it holds.
#[derive(Debug, Clone)]
pub struct AccountWithRoles {
    pub account: StaffAccount,
    pub roles: Vec<RoleRow>,
}

/// Every staff account, oldest first, with its roles.
pub fn list_accounts(conn: &mut DbConnection) -> StoreResult<Vec<AccountWithRoles>> {
    let accounts: Vec<StaffAccount> =
        staff_accounts::table.order(staff_accounts::id).select(StaffAccount::as_select()).load(conn)?;
    let mut out = Vec::with_capacity(accounts.len());
    for a in accounts {
        let roles = roles_of(conn, a.id)?;
        out.push(AccountWithRoles { account: a, roles });
    }
    Ok(out)
}

/// The teams whose people a staff member may see and manage, resolved when the request starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub staff_id: i64,
    /// Every team of every study: an admin account.
    pub everything: bool,
    /// Team id -> where the team is.
    pub teams: BTreeMap<i64, TeamPlace>,
}

/// The organisation and study a team belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeamPlace {
    pub organisation_id: i64,
    pub study_id: i64,
}

impl Scope {
    /// Whether the scope holds any people at all.
    pub fn is_empty(&self) -> bool {
        self.teams.is_empty()
    }

    pub fn has_team(&self, team_id: i64) -> bool {
        self.teams.contains_key(&team_id)
    }

    pub fn team_ids(&self) -> Vec<i64> {
        self.teams.keys().copied().collect()
    }

    pub fn study_ids(&self) -> BTreeSet<i64> {
        self.teams.values().map(|p| p.study_id).collect()
    }

    /// The audit actor of this staff member.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.staff_id)
    }
}

/// What an account may see of people: the teams of its roles that give names and numbers
/// (coordinator and admin roles), as [`crate::access::access_of`] resolves them; nothing for a
/// disabled or unknown account.
pub fn scope_of(conn: &mut DbConnection, staff_id: i64) -> StoreResult<Scope> {
    use crate::access::{access_of, Scope as Can, Teams};
    let access = access_of(conn, staff_id)?;
    let mut scope = Scope { staff_id, everything: access.admin, ..Default::default() };
    if !access.admin && access.roles.is_empty() {
        return Ok(scope);
    }
    let all: Vec<(i64, i64, i64)> = teams::table
        .inner_join(organisations::table)
        .select((teams::id, organisations::id, organisations::study_id))
        .load(conn)?;
    for (t, o, s) in all {
        let holds = match access.teams_for(s, Can::PeopleRead) {
            Some(Teams::All) => true,
            Some(Teams::Only(only)) => only.contains(&t),
            None => false,
        };
        if holds {
            scope.teams.insert(t, TeamPlace { organisation_id: o, study_id: s });
        }
    }
    Ok(scope)
}

/// The names of the test-mode studies an account works in (every one for an admin), so that
/// staff pages can say plainly that what they show is rehearsal data.
pub fn test_studies_of(conn: &mut DbConnection, staff_id: i64) -> StoreResult<Vec<String>> {
    use crate::schema::studies;
    let admin = account(conn, staff_id)?.is_some_and(|a| a.is_admin);
    let mut q = studies::table.filter(studies::test_mode.eq(true)).into_boxed();
    if !admin {
        q = q.filter(
            studies::id
                .eq_any(staff_roles::table.filter(staff_roles::staff_id.eq(staff_id)).select(staff_roles::study_id)),
        );
    }
    Ok(q.order(studies::id).select(studies::name).load(conn)?)
}
