//! A person's study group: set for them at enrolment or import, else their organisation's (the
//! rule is `koers_core::groups::person_group`). The one place that answers "which group is this
//! person in" for pages and exports alike.

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{organisations, people, teams};
use diesel::prelude::*;
use std::collections::BTreeSet;

/// The group a person is in: their own, else their organisation's; `None` when neither is set.
pub fn person_group(conn: &mut DbConnection, person_id: i64) -> StoreResult<Option<String>> {
    let (own, organisation): (Option<String>, Option<String>) = people::table
        .inner_join(teams::table.inner_join(organisations::table))
        .filter(people::id.eq(person_id))
        .select((people::group_name, organisations::group_name))
        .first(conn)?;
    Ok(koers_core::groups::person_group(own.as_deref(), organisation.as_deref()))
}

/// The groups a study compares: those of its organisations and those its settings list
/// (`groups`, e.g. `["control", "at_risk"]`), so a group can exist before any school is in it.
pub fn study_groups(conn: &mut DbConnection, study_id: i64) -> StoreResult<BTreeSet<String>> {
    let mut groups: BTreeSet<String> = organisations::table
        .filter(organisations::study_id.eq(study_id))
        .select(organisations::group_name)
        .load::<Option<String>>(conn)?
        .into_iter()
        .flatten()
        .collect();
    groups.extend(crate::studies::settings_of(conn, study_id)?.groups);
    Ok(groups)
}

/// Sets (or with `None` clears) a person's own group; it must be one of the study's groups.
/// Returns whether it changed.
pub fn set_person_group(conn: &mut DbConnection, person_id: i64, group: Option<&str>) -> StoreResult<bool> {
    let (study_id, current): (i64, Option<String>) =
        people::table.find(person_id).select((people::study_id, people::group_name)).first(conn)?;
    let group = match group {
        Some(g) => {
            // Imports and forms check the group first (and say so in the reader's language).
            let known = study_groups(conn, study_id)?;
            Some(
                koers_core::groups::check_group(g, &known)
                    .map_err(|_| StoreError::Invalid(format!("'{g}' is not a group of this study")))?,
            )
        }
        None => None,
    };
    if group == current {
        return Ok(false);
    }
    diesel::update(people::table.find(person_id)).set(people::group_name.eq(&group)).execute(conn)?;
    Ok(true)
}
