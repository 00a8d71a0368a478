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
use koers_core::study_settings::SettingsSection;

/// A study's rule for the second factor of its staff: `staff_two_factor` in its settings
/// (anything unreadable there counts as the default, `sensitive`).
pub use koers_core::study_settings::TwoFactorRule as Rule;

/// Sets a study's rule, keeping its other settings. `optional` only for a study in test mode.
pub fn set_rule(conn: &mut DbConnection, study_id: i64, rule: Rule) -> StoreResult<()> {
    let test_mode: bool = studies::table.find(study_id).select(studies::test_mode).first(conn)?;
    if rule == Rule::Optional && !test_mode {
        return Err(StoreError::Invalid(
            "a second factor can be optional only in a study in test mode; real studies protect names, numbers and \
             exports with it"
                .into(),
        ));
    }
    crate::studies::set_settings_section(conn, study_id, &SettingsSection::StaffTwoFactor(rule))
}

/// Whether the account must log in with a second factor, as its roles and studies say.
pub fn required_for(conn: &mut DbConnection, access: &Access) -> StoreResult<bool> {
    if access.admin {
        return Ok(true);
    }
    let sensitive = access.sensitive_studies();
    for study_id in access.study_ids() {
        let test_mode: bool = studies::table.find(study_id).select(studies::test_mode).first(conn)?;
        let required = match crate::studies::settings_of(conn, study_id)?.staff_two_factor {
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
