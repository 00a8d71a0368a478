//! Changing a person's phone number.

use super::scope::visible;
use super::{audit_change, problem, CoordinationResult};
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schedule::{ensure_invitation, NewInvitation};
use crate::schema::{
    invitation_responses, invitations, link_tokens, people, person_identities, responses, web_sessions,
};
use crate::staff::Scope;
use crate::studies::to_db;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use koers_core::invitation::{InvitationKind, InvitationStatus};
use koers_core::phone::{masked, normalise_mobile};
use koers_core::protocol::Channel;

/// Gives a person a new phone number (normalised like the import does); a number that was failing
/// counts as working again.
pub fn change_phone(
    conn: &mut DbConnection,
    scope: &Scope,
    id: i64,
    input: &str,
    real_now: DateTime<Utc>,
) -> CoordinationResult<()> {
    let v = visible(conn, scope, id)?;
    let now = crate::study_clock::of_study(conn, v.study_id)?.at(real_now);
    let phone = normalise_mobile(input).map_err(|e| problem("mobile_phone", e.msg()))?;
    super::number_in_use::check_allowance(conn, scope, now)?;
    if let Some((p, refusal)) = super::number_in_use::taken(conn, scope, v.study_id, &phone, Some(id))? {
        return Err(super::number_in_use::refused(vec![p], refusal));
    }
    let old: Option<String> = person_identities::table.find(id).select(person_identities::mobile_phone).first(conn)?;
    let now_db = to_db(now);
    diesel::update(person_identities::table.find(id))
        .set((person_identities::mobile_phone.eq(&phone), person_identities::updated_at.eq(now_db)))
        .execute(conn)?;
    let changed = old.as_deref() != Some(phone.as_str());
    diesel::update(people::table.find(id))
        .set((
            people::link_generation.eq(people::link_generation + i32::from(changed)),
            people::phone_status.eq("ok"),
            people::phone_failing_since.eq(None::<NaiveDateTime>),
            people::phone_failure.eq(None::<String>),
            people::updated_at.eq(now_db),
        ))
        .execute(conn)?;
    let resent = if changed { new_links(conn, id, now)? } else { 0 };
    audit_change(
        conn,
        scope,
        "person.phone",
        &v,
        serde_json::json!({"old": old.as_deref().map(masked), "new": masked(&phone), "resent": resent}),
        now,
    )?;
    Ok(())
}

/// After a new number: the links and sessions opened from the old one are revoked (a parent's
/// link stays), and every window still open and not completed is sent again, to the new
/// number with a new link (the generation went up). Returns how many messages were queued.
fn new_links(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> StoreResult<usize> {
    let now_db = to_db(now);
    diesel::update(
        link_tokens::table
            .filter(link_tokens::person_id.eq(id).and(link_tokens::revoked_at.is_null()))
            .filter(link_tokens::purpose.ne("guardian")),
    )
    .set(link_tokens::revoked_at.eq(now_db))
    .execute(conn)?;
    diesel::update(web_sessions::table.filter(web_sessions::person_id.eq(id).and(web_sessions::revoked_at.is_null())))
        .set(web_sessions::revoked_at.eq(now_db))
        .execute(conn)?;
    let generation: i32 = people::table.find(id).select(people::link_generation).first(conn)?;
    type Sent = (i64, Option<i64>, String, String, Option<NaiveDateTime>);
    let sent: Vec<Sent> = invitations::table
        .filter(invitations::person_id.eq(id).and(invitations::kind.eq("invite")))
        .filter(invitations::status.eq_any(InvitationStatus::codes(InvitationStatus::SENT)))
        .filter(invitations::expires_at.gt(now_db))
        .select((
            invitations::id,
            invitations::response_id,
            invitations::dedupe_key,
            invitations::channel,
            invitations::expires_at,
        ))
        .load(conn)?;
    let mut queued = 0;
    for (inv, response_id, key, channel, expires_at) in sent {
        let covered: Vec<i64> = invitation_responses::table
            .inner_join(responses::table)
            .filter(invitation_responses::invitation_id.eq(inv).and(responses::completed_at.is_null()))
            .select(invitation_responses::response_id)
            .load(conn)?;
        if covered.is_empty() {
            continue;
        }
        let window = key.rsplit_once(':').map_or(key.as_str(), |(w, _)| w);
        let dedupe_key = format!("{window}:resend{generation}");
        queued += usize::from(ensure_invitation(
            conn,
            &NewInvitation {
                person_id: id,
                response_id: response_id.filter(|r| covered.contains(r)).or(covered.first().copied()),
                dedupe_key: &dedupe_key,
                kind: InvitationKind::Invite,
                channel: Channel::try_from(channel)?,
                due_at: now,
                expires_at: expires_at.map(crate::studies::from_db),
            },
            now,
        )?);
        let new_id: i64 = invitations::table
            .filter(invitations::person_id.eq(id).and(invitations::dedupe_key.eq(&dedupe_key)))
            .select(invitations::id)
            .first(conn)?;
        for r in covered {
            crate::schedule::link_response(conn, new_id, r)?;
        }
    }
    Ok(queued)
}
