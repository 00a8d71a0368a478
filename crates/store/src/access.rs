//! What a staff account may do, study by study, and over which teams: the one place where roles
//! become rights. The staff pages ([`crate::staff::scope_of`]), the dashboard
//! ([`crate::dashboard::reach_of`]) and the API all start from [`access_of`], so an account limited
//! to one organisation sees that organisation everywhere, never more through one of them.
//!
//! A role holds in a whole study, in one organisation (all its teams) or in one team. What it
//! gives:
//! - coordinator: the study, and the people of its teams with their names and numbers;
//! - researcher: the study and pseudonymous responses of its teams; with the `export`
//!   permission also the pseudonymous exports of its teams;
//! - admin (a role): all of that within its teams, and the payout file of its teams;
//! - an admin account of the installation: everything everywhere.

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{organisations, teams};
use crate::staff::{self, StaffRole};
use diesel::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The permission word in `staff_roles.permissions` that lets a researcher export.
pub const EXPORT_PERMISSION: &str = "export";

/// One thing an account (and an API token) may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    StudiesRead,
    PeopleRead,
    ResponsesRead,
    Export,
}

impl Scope {
    pub const ALL: &'static [Scope] = &[Scope::StudiesRead, Scope::PeopleRead, Scope::ResponsesRead, Scope::Export];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::StudiesRead => "studies:read",
            Scope::PeopleRead => "people:read",
            Scope::ResponsesRead => "responses:read",
            Scope::Export => "export",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.iter().copied().find(|x| x.as_str() == s)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of scopes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scopes(u8);

impl Scopes {
    pub const NONE: Scopes = Scopes(0);

    pub fn all() -> Scopes {
        Scopes::of(Scope::ALL)
    }

    pub fn of(list: &[Scope]) -> Scopes {
        Scopes(list.iter().fold(0, |acc, s| acc | s.bit()))
    }

    /// Reads a space-separated list; words that are not scopes are left out.
    pub fn parse(s: &str) -> Scopes {
        Scopes::of(&s.split_whitespace().filter_map(Scope::parse).collect::<Vec<_>>())
    }

    pub fn has(self, s: Scope) -> bool {
        self.0 & s.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn and(self, other: Scopes) -> Scopes {
        Scopes(self.0 & other.0)
    }

    pub fn or(self, other: Scopes) -> Scopes {
        Scopes(self.0 | other.0)
    }

    /// The scopes of `self` that `other` lacks.
    pub fn without(self, other: Scopes) -> Scopes {
        Scopes(self.0 & !other.0)
    }

    pub fn list(self) -> Vec<&'static str> {
        Scope::ALL.iter().filter(|s| self.has(**s)).map(|s| s.as_str()).collect()
    }
}

impl std::fmt::Display for Scopes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.list().join(" "))
    }
}

/// Whether a role's permissions text names `export` (words separated by spaces or commas).
pub fn can_export(permissions: &str) -> bool {
    permissions.split(|c: char| c.is_whitespace() || c == ',').any(|p| p == EXPORT_PERMISSION)
}

/// The scopes one role gives in its study.
pub fn role_scopes(role: StaffRole, permissions: &str) -> Scopes {
    match role {
        StaffRole::Coordinator => Scopes::of(&[Scope::StudiesRead, Scope::PeopleRead]),
        StaffRole::Researcher if can_export(permissions) => {
            Scopes::of(&[Scope::StudiesRead, Scope::ResponsesRead, Scope::Export])
        }
        StaffRole::Researcher => Scopes::of(&[Scope::StudiesRead, Scope::ResponsesRead]),
        StaffRole::Admin => Scopes::all(),
    }
}

/// One role as it holds: its study, what it gives, and its teams (`None`: the whole study).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAccess {
    pub study_id: i64,
    pub role: StaffRole,
    pub scopes: Scopes,
    pub teams: Option<BTreeSet<i64>>,
}

/// Which teams of a study something covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Teams {
    /// The whole study.
    All,
    /// These teams only (possibly none left, when an organisation has no teams yet).
    Only(Vec<i64>),
}

impl Teams {
    /// The teams as a filter: `None` for the whole study.
    pub fn filter(&self) -> Option<&[i64]> {
        match self {
            Teams::All => None,
            Teams::Only(t) => Some(t),
        }
    }

    pub fn into_filter(self) -> Option<Vec<i64>> {
        match self {
            Teams::All => None,
            Teams::Only(t) => Some(t),
        }
    }
}

/// Everything an account may do; nothing for an unknown or disabled account. Read afresh on
/// every request, so a removed role or a disabled account takes effect at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    pub staff_id: i64,
    /// An admin account of the installation: everything in every study.
    pub admin: bool,
    pub roles: Vec<RoleAccess>,
}

impl Access {
    /// What the account may do in one study.
    pub fn in_study(&self, study_id: i64) -> Scopes {
        if self.admin {
            return Scopes::all();
        }
        self.roles.iter().filter(|r| r.study_id == study_id).fold(Scopes::NONE, |acc, r| acc.or(r.scopes))
    }

    /// The union over all studies: the most a token for this account may carry.
    pub fn overall(&self) -> Scopes {
        if self.admin {
            return Scopes::all();
        }
        self.roles.iter().fold(Scopes::NONE, |acc, r| acc.or(r.scopes))
    }

    /// Whether the account holds an admin role in the study (or is an installation admin).
    pub fn administers(&self, study_id: i64) -> bool {
        self.admin || self.roles.iter().any(|r| r.study_id == study_id && r.role == StaffRole::Admin)
    }

    /// The teams of a study in which the account's roles that pass `keep` hold; `None` when no
    /// such role is in the study.
    fn teams_where(&self, study_id: i64, keep: impl Fn(&RoleAccess) -> bool) -> Option<Teams> {
        if self.admin {
            return Some(Teams::All);
        }
        let mut found = false;
        let mut set = BTreeSet::new();
        for r in self.roles.iter().filter(|r| r.study_id == study_id && keep(r)) {
            found = true;
            match &r.teams {
                None => return Some(Teams::All),
                Some(t) => set.extend(t.iter().copied()),
            }
        }
        found.then(|| Teams::Only(set.into_iter().collect()))
    }

    /// The teams of a study whose rows a request needing `scope` may see: those of the roles
    /// that give `scope` there. `None` when none does.
    pub fn teams_for(&self, study_id: i64, scope: Scope) -> Option<Teams> {
        self.teams_where(study_id, |r| r.scopes.has(scope))
    }

    /// The teams of a study in which the account holds an admin role: the payout file is
    /// limited to these.
    pub fn admin_teams(&self, study_id: i64) -> Option<Teams> {
        self.teams_where(study_id, |r| r.role == StaffRole::Admin)
    }

    /// The teams of a study any role of the account holds in (the dashboard's counts).
    pub fn any_teams(&self, study_id: i64) -> Option<Teams> {
        self.teams_where(study_id, |_| true)
    }

    /// The studies the account has any role in (every study's id must be given for an admin).
    pub fn study_ids(&self) -> BTreeSet<i64> {
        self.roles.iter().map(|r| r.study_id).collect()
    }

    /// Whether the account sees names and numbers, or may export, anywhere: such accounts need
    /// a second factor where their study requires it.
    pub fn sensitive_studies(&self) -> BTreeSet<i64> {
        self.roles
            .iter()
            .filter(|r| r.scopes.has(Scope::PeopleRead) || r.scopes.has(Scope::Export))
            .map(|r| r.study_id)
            .collect()
    }
}

/// Whether an admin may manage another account (disable it, end its sessions, take a role
/// away, reset its password or second factor): an installation admin may manage anyone but
/// themselves; an admin role only accounts whose every role lies where that admin role holds
/// (a study-wide admin: any role in the study; an organisation's admin: roles in its teams),
/// never an installation admin, and never an account without roles (nobody's to manage).
pub fn manages(admin: &Access, target: &Access, target_is_installation_admin: bool) -> bool {
    if admin.staff_id == target.staff_id {
        return false;
    }
    if admin.admin {
        return true;
    }
    if target_is_installation_admin || target.roles.is_empty() {
        return false;
    }
    target.roles.iter().all(|r| match admin.admin_teams(r.study_id) {
        Some(Teams::All) => true,
        Some(Teams::Only(mine)) => r.teams.as_ref().is_some_and(|t| t.iter().all(|x| mine.contains(x))),
        None => false,
    })
}

/// What an account may do now, resolved from its roles. A team role holds in that team, an
/// organisation role in the organisation's teams (as they are now), a study-wide role in all.
pub fn access_of(conn: &mut DbConnection, staff_id: i64) -> StoreResult<Access> {
    let mut access = Access { staff_id, ..Default::default() };
    let Some(acc) = staff::account(conn, staff_id)? else { return Ok(access) };
    if acc.disabled_at.is_some() {
        return Ok(access);
    }
    access.admin = acc.is_admin;
    let rows = staff::roles_of(conn, staff_id)?;
    access.roles = access_of_roles(conn, &rows)?;
    Ok(access)
}

/// What these roles give and where they hold, whatever the state of their account (an admin
/// page weighs a disabled account's roles too).
pub fn access_of_roles(conn: &mut DbConnection, rows: &[staff::RoleRow]) -> StoreResult<Vec<RoleAccess>> {
    let mut org_teams: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(role) = StaffRole::parse(&r.role) else { continue };
        let teams = match (r.organisation_id, r.team_id) {
            (_, Some(t)) => Some(BTreeSet::from([t])),
            (Some(o), None) => {
                if let std::collections::btree_map::Entry::Vacant(slot) = org_teams.entry(o) {
                    let ids: Vec<i64> = teams::table
                        .inner_join(organisations::table)
                        .filter(organisations::id.eq(o).and(organisations::study_id.eq(r.study_id)))
                        .select(teams::id)
                        .load(conn)?;
                    slot.insert(ids.into_iter().collect());
                }
                org_teams.get(&o).cloned()
            }
            (None, None) => None,
        };
        out.push(RoleAccess { study_id: r.study_id, role, scopes: role_scopes(role, &r.permissions), teams });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(study_id: i64, role: StaffRole, permissions: &str, teams: Option<&[i64]>) -> RoleAccess {
        RoleAccess {
            study_id,
            role,
            scopes: role_scopes(role, permissions),
            teams: teams.map(|t| t.iter().copied().collect()),
        }
    }

    #[test]
    fn roles_give_scopes_per_study_and_teams_per_scope() {
        let a = Access {
            staff_id: 1,
            admin: false,
            roles: vec![
                role(1, StaffRole::Coordinator, "", Some(&[10])),
                role(2, StaffRole::Researcher, "", None),
                role(3, StaffRole::Researcher, "export, view", Some(&[30, 31])),
                role(3, StaffRole::Admin, "", Some(&[31])),
            ],
        };
        assert_eq!(a.in_study(1).to_string(), "studies:read people:read");
        assert_eq!(a.in_study(2).to_string(), "studies:read responses:read");
        assert_eq!(a.in_study(3), Scopes::all());
        assert_eq!(a.in_study(4), Scopes::NONE);
        assert_eq!(a.teams_for(1, Scope::PeopleRead), Some(Teams::Only(vec![10])));
        assert_eq!(a.teams_for(1, Scope::ResponsesRead), None);
        assert_eq!(a.teams_for(2, Scope::ResponsesRead), Some(Teams::All));
        assert_eq!(a.teams_for(3, Scope::Export), Some(Teams::Only(vec![30, 31])));
        assert_eq!(a.admin_teams(3), Some(Teams::Only(vec![31])), "payouts: the admin role's teams only");
        assert!(a.administers(3) && !a.administers(1));
        assert!(!role_scopes(StaffRole::Researcher, "exporter").has(Scope::Export));
        let admin = Access { admin: true, ..Default::default() };
        assert_eq!(admin.teams_for(9, Scope::Export), Some(Teams::All));
        assert!(admin.administers(9));
    }

    #[test]
    fn admins_manage_accounts_within_where_they_hold() {
        let org_admin =
            Access { staff_id: 1, admin: false, roles: vec![role(3, StaffRole::Admin, "", Some(&[30, 31]))] };
        let inside =
            Access { staff_id: 2, admin: false, roles: vec![role(3, StaffRole::Coordinator, "", Some(&[31]))] };
        let wide = Access { staff_id: 3, admin: false, roles: vec![role(3, StaffRole::Researcher, "", None)] };
        let other_study = Access { staff_id: 4, admin: false, roles: vec![role(4, StaffRole::Researcher, "", None)] };
        assert!(manages(&org_admin, &inside, false));
        assert!(!manages(&org_admin, &wide, false), "a study-wide role is beyond an organisation's admin");
        assert!(!manages(&org_admin, &other_study, false));
        assert!(!manages(&org_admin, &inside, true), "nobody but an installation admin manages one");
        assert!(!manages(&org_admin, &org_admin, false), "not oneself");
        let root = Access { staff_id: 9, admin: true, roles: vec![] };
        assert!(manages(&root, &wide, false) && manages(&root, &other_study, true));
    }

    #[test]
    fn scopes_parse_intersect_and_subtract() {
        let s = Scopes::parse("export nonsense studies:read");
        assert_eq!(s.to_string(), "studies:read export");
        assert_eq!(s.and(Scopes::parse("export")).to_string(), "export");
        assert_eq!(s.without(Scopes::parse("export")).to_string(), "studies:read");
        assert!(Scopes::parse("").is_empty());
    }
}
