//! A staff account's life after it was made: disabling and enabling it, a new password, a role
//! taken away, its sessions ended, its second factor reset. Each change is one transaction with
//! its audit entry, and each one that takes access away takes it away at once: the account's
//! browser sessions are revoked, and API tokens issued before the change are refused
//! (`tokens_not_before`, checked on every API request), besides its API keys when disabled.

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::lifecycle::Actor;
use crate::schema::{api_keys, staff_accounts, staff_recovery_codes, staff_roles, web_sessions};
use crate::staff::{self, StaffAccount};
use crate::studies::to_db;
use crate::{audit, sessions};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// What disabling an account ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Disabled {
    /// False when it was disabled already (nothing changed).
    pub changed: bool,
    pub sessions_revoked: usize,
    pub api_keys_revoked: usize,
}

fn record(
    conn: &mut DbConnection,
    actor: Actor<'_>,
    action: &str,
    staff_id: i64,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    audit::record(
        conn,
        now,
        &audit::Entry {
            actor: actor.name,
            actor_staff_id: actor.staff_id,
            action,
            target_kind: Some("staff"),
            target_id: Some(staff_id),
            details,
            ..Default::default()
        },
    )
}

fn existing(conn: &mut DbConnection, staff_id: i64) -> StoreResult<StaffAccount> {
    staff::account(conn, staff_id)?.ok_or_else(|| StoreError::Invalid(format!("there is no staff account {staff_id}")))
}

/// Ends every browser session of the account and refuses API tokens issued until now.
fn end_access(conn: &mut DbConnection, staff_id: i64, now: DateTime<Utc>) -> StoreResult<usize> {
    diesel::update(staff_accounts::table.find(staff_id))
        .set(staff_accounts::tokens_not_before.eq(to_db(now)))
        .execute(conn)?;
    sessions::revoke_staff(conn, staff_id, now)
}

/// Disables an account: it can no longer log in, its sessions and API tokens stop at once and
/// its API keys are revoked for good (enabling it again does not bring them back).
pub fn disable(conn: &mut DbConnection, staff_id: i64, actor: Actor<'_>, now: DateTime<Utc>) -> StoreResult<Disabled> {
    crate::db::write_transaction(conn, |conn| -> StoreResult<_> {
        let acc = existing(conn, staff_id)?;
        if acc.disabled_at.is_some() {
            return Ok(Disabled::default());
        }
        diesel::update(staff_accounts::table.find(staff_id))
            .set(staff_accounts::disabled_at.eq(to_db(now)))
            .execute(conn)?;
        let sessions_revoked = end_access(conn, staff_id, now)?;
        let api_keys_revoked = diesel::update(
            api_keys::table.filter(api_keys::staff_id.eq(staff_id)).filter(api_keys::revoked_at.is_null()),
        )
        .set(api_keys::revoked_at.eq(to_db(now)))
        .execute(conn)?;
        let done = Disabled { changed: true, sessions_revoked, api_keys_revoked };
        record(
            conn,
            actor,
            "staff.disable",
            staff_id,
            serde_json::json!({"sessions_revoked": sessions_revoked, "api_keys_revoked": api_keys_revoked}),
            now,
        )?;
        Ok(done)
    })
}

/// Lets a disabled account log in again; returns false when it was not disabled.
pub fn enable(conn: &mut DbConnection, staff_id: i64, actor: Actor<'_>, now: DateTime<Utc>) -> StoreResult<bool> {
    crate::db::write_transaction(conn, |conn| -> StoreResult<_> {
        if existing(conn, staff_id)?.disabled_at.is_none() {
            return Ok(false);
        }
        diesel::update(staff_accounts::table.find(staff_id))
            .set(staff_accounts::disabled_at.eq(None::<chrono::NaiveDateTime>))
            .execute(conn)?;
        record(conn, actor, "staff.enable", staff_id, serde_json::json!({}), now)?;
        Ok(true)
    })
}

/// Gives the account a new password and ends its sessions and API tokens (whoever knew the old
/// password is out). Returns the sessions ended.
pub fn reset_password(
    conn: &mut DbConnection,
    staff_id: i64,
    password: &str,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    staff::check_new_password(password).map_err(StoreError::Invalid)?;
    let hash = staff::hash_password(password)?;
    crate::db::write_transaction(conn, |conn| -> StoreResult<_> {
        existing(conn, staff_id)?;
        diesel::update(staff_accounts::table.find(staff_id))
            .set(staff_accounts::password_hash.eq(&hash))
            .execute(conn)?;
        let n = end_access(conn, staff_id, now)?;
        record(conn, actor, "staff.reset_password", staff_id, serde_json::json!({"sessions_revoked": n}), now)?;
        Ok(n)
    })
}

/// Ends every session and API token of the account (it logs in again). Returns the sessions.
pub fn revoke_sessions(
    conn: &mut DbConnection,
    staff_id: i64,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    crate::db::write_transaction(conn, |conn| -> StoreResult<_> {
        existing(conn, staff_id)?;
        let n = end_access(conn, staff_id, now)?;
        record(conn, actor, "staff.sessions_revoke", staff_id, serde_json::json!({"sessions_revoked": n}), now)?;
        Ok(n)
    })
}

/// Takes one role away; the account's next request sees the change (access is read afresh
/// every time), and its sessions end so that no page opened with the role stays open.
pub fn remove_role(
    conn: &mut DbConnection,
    staff_id: i64,
    role_id: i64,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    crate::db::write_transaction(conn, |conn| -> StoreResult<_> {
        let row: Option<(i64, String, Option<i64>, Option<i64>)> = staff_roles::table
            .find(role_id)
            .filter(staff_roles::staff_id.eq(staff_id))
            .select((staff_roles::study_id, staff_roles::role, staff_roles::organisation_id, staff_roles::team_id))
            .first(conn)
            .optional()?;
        let Some((study_id, role, organisation_id, team_id)) = row else {
            return Err(StoreError::Invalid(format!("staff account {staff_id} has no role {role_id}")));
        };
        diesel::delete(staff_roles::table.find(role_id)).execute(conn)?;
        end_access(conn, staff_id, now)?;
        audit::record(
            conn,
            now,
            &audit::Entry {
                actor: actor.name,
                actor_staff_id: actor.staff_id,
                action: "staff.remove_role",
                study_id: Some(study_id),
                organisation_id,
                target_kind: Some("staff"),
                target_id: Some(staff_id),
                details: serde_json::json!({"role": role, "team_id": team_id}),
            },
        )?;
        Ok(())
    })
}

/// Removes the account's second factor and recovery codes: its next login enrols a new one.
/// For a lost phone; the account's sessions end too.
pub fn reset_totp(conn: &mut DbConnection, staff_id: i64, actor: Actor<'_>, now: DateTime<Utc>) -> StoreResult<()> {
    crate::db::write_transaction(conn, |conn| -> StoreResult<_> {
        existing(conn, staff_id)?;
        crate::totp_store::clear(conn, staff_id)?;
        end_access(conn, staff_id, now)?;
        record(conn, actor, "staff.totp_reset", staff_id, serde_json::json!({}), now)?;
        Ok(())
    })
}

/// Lets a role export (or not): the `export` permission of a researcher role.
pub fn set_export(conn: &mut DbConnection, role_id: i64, allowed: bool) -> StoreResult<()> {
    let permissions = if allowed { crate::access::EXPORT_PERMISSION } else { "" };
    diesel::update(staff_roles::table.find(role_id)).set(staff_roles::permissions.eq(permissions)).execute(conn)?;
    Ok(())
}

/// How many unused recovery codes an account has left.
pub fn recovery_codes_left(conn: &mut DbConnection, staff_id: i64) -> StoreResult<i64> {
    Ok(staff_recovery_codes::table
        .filter(staff_recovery_codes::staff_id.eq(staff_id).and(staff_recovery_codes::used_at.is_null()))
        .count()
        .get_result(conn)?)
}

/// Live browser sessions of an account (for the admin page).
pub fn live_sessions(conn: &mut DbConnection, staff_id: i64, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(web_sessions::table
        .filter(web_sessions::staff_id.eq(staff_id))
        .filter(web_sessions::revoked_at.is_null())
        .filter(web_sessions::expires_at.gt(to_db(now)))
        .count()
        .get_result(conn)?)
}
