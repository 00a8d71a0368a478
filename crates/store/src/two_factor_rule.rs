//! Which staff accounts must use a second factor, study by study.
//!
//! Installation admins always must. In a study, the `staff_two_factor` setting decides for the
//! accounts with a role there: `sensitive` (the default) for roles that see names and numbers or
//! may export (coordinators, admins, researchers with `export`), `all` for every role, and
//! `optional` for none: allowed only in a study in test mode (the demo), so that real people's
//! data is never behind a password alone. An account with roles in several studies follows the
//! strictest of them.

use crate::access::{access_of, Access};
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::studies;
use diesel::prelude::*;

/// The key in a study's settings JSON.
pub const SETTING: &str = "staff_two_factor";

/// A study's rule for the second factor of its staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Sensitive,
    All,
    Optional,
}

impl Rule {
    pub const ALL: &'static [Rule] = &[Rule::Sensitive, Rule::All, Rule::Optional];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Sensitive => "sensitive",
            Rule::All => "all",
            Rule::Optional => "optional",
        }
    }

    pub fn parse(s: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.as_str() == s)
    }
}

/// The rule in a study's settings JSON; anything unreadable counts as the default.
pub fn rule_in(settings: &str) -> Rule {
    serde_json::from_str::<serde_json::Value>(settings)
        .ok()
        .and_then(|v| v.get(SETTING).and_then(|r| r.as_str()).and_then(Rule::parse))
        .unwrap_or(Rule::Sensitive)
}

/// Sets a study's rule, keeping its other settings. `optional` only for a study in test mode.
pub fn set_rule(conn: &mut DbConnection, study_id: i64, rule: Rule) -> StoreResult<()> {
    let (settings, test_mode): (String, bool) =
        studies::table.find(study_id).select((studies::settings, studies::test_mode)).first(conn)?;
    if rule == Rule::Optional && !test_mode {
        return Err(StoreError::Invalid(
            "a second factor can be optional only in a study in test mode; real studies protect names, numbers and \
             exports with it"
                .into(),
        ));
    }
    let mut json: serde_json::Value = serde_json::from_str(&settings)
        .map_err(|e| StoreError::Invalid(format!("the study's settings are not valid JSON: {e}")))?;
    json.as_object_mut()
        .ok_or_else(|| StoreError::Invalid("the study's settings are not a JSON object".into()))?
        .insert(SETTING.into(), rule.as_str().into());
    diesel::update(studies::table.find(study_id)).set(studies::settings.eq(json.to_string())).execute(conn)?;
    Ok(())
}

/// Whether the account must log in with a second factor, as its roles and studies say.
pub fn required_for(conn: &mut DbConnection, access: &Access) -> StoreResult<bool> {
    if access.admin {
        return Ok(true);
    }
    let sensitive = access.sensitive_studies();
    for study_id in access.study_ids() {
        let (settings, test_mode): (String, bool) =
            studies::table.find(study_id).select((studies::settings, studies::test_mode)).first(conn)?;
        let required = match rule_in(&settings) {
            Rule::All => true,
            Rule::Sensitive => sensitive.contains(&study_id),
            // Kept from a test-mode past: a study taken out of test mode is strict again.
            Rule::Optional => !test_mode && sensitive.contains(&study_id),
        };
        if required {
            return Ok(true);
        }
    }
    Ok(false)
}

/// [`required_for`] of an account by id.
pub fn required(conn: &mut DbConnection, staff_id: i64) -> StoreResult<bool> {
    let access = access_of(conn, staff_id)?;
    required_for(conn, &access)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_defaults_to_sensitive() {
        assert_eq!(rule_in("{}"), Rule::Sensitive);
        assert_eq!(rule_in("not json"), Rule::Sensitive);
        assert_eq!(rule_in(r#"{"staff_two_factor": "all"}"#), Rule::All);
        assert_eq!(rule_in(r#"{"staff_two_factor": "nonsense"}"#), Rule::Sensitive);
    }
}
