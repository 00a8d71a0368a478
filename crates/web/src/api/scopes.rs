//! What a caller of the API may do: scopes, and where they come from.
//!
//! A staff account's scopes follow from its roles, study by study: a coordinator reads studies
//! and the people of their organisation or team; a researcher reads studies and pseudonymised
//! responses, and exports only when the role's permissions say `export`; an admin (the account
//! flag, or an admin role in a study) may do everything. An access token carries the union over
//! all studies; every request then narrows it to the study it is about, so a researcher of one
//! study never reads another study through a token made for the first.

use koers_store::api_reads::Grant;
use koers_store::staff::StaffRole;
use std::collections::BTreeMap;

/// One thing a token may be allowed to do.
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

    pub fn list(self) -> Vec<&'static str> {
        Scope::ALL.iter().filter(|s| self.has(**s)).map(|s| s.as_str()).collect()
    }
}

impl std::fmt::Display for Scopes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.list().join(" "))
    }
}

/// The scopes one role gives in its study.
pub fn role_scopes(role: &str, permissions: &str) -> Scopes {
    match StaffRole::parse(role) {
        Some(StaffRole::Coordinator) => Scopes::of(&[Scope::StudiesRead, Scope::PeopleRead]),
        Some(StaffRole::Researcher) => {
            let exports = permissions.split(|c: char| c.is_whitespace() || c == ',').any(|p| p == "export");
            let mut s = Scopes::of(&[Scope::StudiesRead, Scope::ResponsesRead]);
            if exports {
                s = s.or(Scopes::of(&[Scope::Export]));
            }
            s
        }
        Some(StaffRole::Admin) => Scopes::all(),
        None => Scopes::NONE,
    }
}

/// What an account may do, per study; read afresh on every request so a removed role or a
/// disabled account takes effect at once, not when the token expires.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// An admin account: everything in every study.
    pub admin: bool,
    pub studies: BTreeMap<i64, Scopes>,
    /// Studies where the account holds an admin role.
    pub admin_of: Vec<i64>,
}

impl Grants {
    pub fn new(is_admin: bool, roles: &[Grant]) -> Grants {
        let mut g = Grants { admin: is_admin, ..Default::default() };
        for r in roles {
            let s = g.studies.entry(r.study_id).or_default();
            *s = s.or(role_scopes(&r.role, &r.permissions));
            if StaffRole::parse(&r.role) == Some(StaffRole::Admin) {
                g.admin_of.push(r.study_id);
            }
        }
        g
    }

    /// The union over all studies: what a token for this account carries.
    pub fn overall(&self) -> Scopes {
        if self.admin {
            return Scopes::all();
        }
        self.studies.values().fold(Scopes::NONE, |acc, s| acc.or(*s))
    }

    pub fn in_study(&self, study_id: i64) -> Scopes {
        if self.admin {
            return Scopes::all();
        }
        self.studies.get(&study_id).copied().unwrap_or_default()
    }

    /// Whether the account administers the study (identifying exports need that).
    pub fn administers(&self, study_id: i64) -> bool {
        self.admin || self.admin_of.contains(&study_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(study_id: i64, role: &str, permissions: &str) -> Grant {
        Grant { study_id, role: role.into(), permissions: permissions.into() }
    }

    #[test]
    fn the_scope_words_are_the_ones_api_keys_may_name() {
        let ours: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(ours, koers_store::api_keys::KNOWN_SCOPES);
    }

    #[test]
    fn roles_give_scopes_per_study() {
        let g = Grants::new(
            false,
            &[grant(1, "coordinator", ""), grant(2, "researcher", ""), grant(3, "researcher", "export, view")],
        );
        assert_eq!(g.in_study(1).to_string(), "studies:read people:read");
        assert_eq!(g.in_study(2).to_string(), "studies:read responses:read");
        assert_eq!(g.in_study(3).to_string(), "studies:read responses:read export");
        assert_eq!(g.in_study(4), Scopes::NONE);
        assert_eq!(g.overall(), Scopes::all());
        assert!(!g.administers(1));
        assert!(!Grants::new(false, &[grant(1, "researcher", "exporter")]).in_study(1).has(Scope::Export));
        let admin = Grants::new(true, &[]);
        assert_eq!(admin.in_study(9), Scopes::all());
        assert!(admin.administers(9));
        assert!(Grants::new(false, &[grant(5, "admin", "")]).administers(5));
    }

    #[test]
    fn scopes_parse_and_intersect() {
        let s = Scopes::parse("export nonsense studies:read");
        assert_eq!(s.to_string(), "studies:read export");
        assert_eq!(s.and(Scopes::parse("export")).to_string(), "export");
        assert!(Scopes::parse("").is_empty());
    }
}
