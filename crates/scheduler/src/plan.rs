//! Planning: every active subscription's windows become response rows, and the invitations
//! and reminders that are due become invitation rows, each exactly once.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use koers_core::invitation::InvitationKind;
use koers_core::people::{Role, SubscriptionState};
use koers_core::protocol::moved::windows_before_move;
use koers_core::protocol::windows::{asks, in_daytime, invitation_time, participation_end, windows, Window};
use koers_core::protocol::{parse_protocol, Protocol};
use koers_store::protocol_move::was_moved;
use koers_store::schedule::{self, NewInvitation};
use koers_store::{sending, Database, StoreError};
use std::collections::HashMap;

/// Windows are materialised a little ahead, so their rows exist when they open.
const LOOKAHEAD: TimeDelta = TimeDelta::minutes(10);
/// Windows that closed longer ago than this are left alone (their rows exist from before).
const LOOKBACK: TimeDelta = TimeDelta::days(14);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PlanReport {
    pub subscriptions: usize,
    pub invitations_created: usize,
    pub subscriptions_ended: usize,
}

/// The dedupe key of a window's message: one per person, window and kind, so a mentor who fills
/// out for several students gets one message for the week.
pub fn window_key(w: &Window) -> String {
    format!("{}:{}", w.measurement, w.open_at.timestamp())
}

/// One round of planning at the real instant `real_now`; each subscription is planned on its
/// study's clock. With `only_study`, the subscriptions of that study alone.
pub fn plan(db: &Database, real_now: DateTime<Utc>, only_study: Option<i64>) -> Result<PlanReport, StoreError> {
    let mut subs = db.read(schedule::active_subscriptions)?;
    if let Some(only) = only_study {
        subs.retain(|s| s.study_id == only);
    }
    let mut report = PlanReport { subscriptions: subs.len(), ..Default::default() };
    let mut protocols: HashMap<i64, Option<(Protocol, Tz)>> = HashMap::new();
    // People still taking part: an active subscription whose end (if stopped early) lies ahead.
    let active_people: std::collections::HashSet<i64> = subs
        .iter()
        .filter(|s| s.filling_out_for.is_none() && s.ends_at.is_none_or(|e| schedule::utc(e) > s.clock().at(real_now)))
        .map(|s| s.person_id)
        .collect();
    for s in &subs {
        let now = s.clock().at(real_now);
        let parsed = protocols.entry(s.protocol_id).or_insert_with(|| {
            let p = parse_protocol(&s.protocol_content).ok()?.0;
            let zone: Tz = p.zone().or_else(|| s.time_zone.parse().ok())?;
            Some((p, zone))
        });
        let Some((protocol, zone)) = parsed.as_ref() else {
            tracing::warn!(protocol = %s.protocol_name, "protocol does not parse; its subscriptions are not planned");
            continue;
        };
        // A mentor's diary about a student ends when the student's participation does.
        if let Some(student) = s.filling_out_for {
            if !active_people.contains(&student) {
                db.write(|c| sending::end_subscription(c, s.id, SubscriptionState::Completed, "student_ended", now))?;
                report.subscriptions_ended += 1;
                continue;
            }
        }
        let start = schedule::utc(s.starts_at);
        let end = participation_end(protocol, *zone, start, s.ends_at.map(schedule::utc));
        let mentor = protocol.role == Some(Role::Mentor);
        // Moved to another protocol: the windows before the move, without a closing.
        let planned = match s.ends_at.filter(|_| was_moved(s.end_reason.as_deref())) {
            Some(moved_at) => windows_before_move(protocol, *zone, start, schedule::utc(moved_at)),
            None => windows(protocol, *zone, start, end),
        };
        let all: Vec<Window> = planned.into_iter().filter(|w| asks(w, mentor, s.filling_out_for.is_some())).collect();
        if all.last().is_none_or(|w| w.close_at <= now) && now >= end {
            db.write(|c| sending::end_subscription(c, s.id, SubscriptionState::Completed, "protocol_end", now))?;
            report.subscriptions_ended += 1;
            continue;
        }
        for w in all.iter().filter(|w| w.open_at <= now + LOOKAHEAD && w.close_at > now - LOOKBACK) {
            report.invitations_created += db.write(|c| -> Result<usize, StoreError> {
                let response_id = schedule::ensure_response(c, s.id, w, now)?;
                let mut created = 0;
                if !w.invite || w.open_at > now || w.close_at <= now {
                    return Ok(0);
                }
                let key = window_key(w);
                let invite_key = format!("{key}:invite");
                let reminder_key = format!("{key}:reminder");
                let invite = NewInvitation {
                    person_id: s.person_id,
                    response_id: Some(response_id),
                    dedupe_key: &invite_key,
                    kind: InvitationKind::Invite,
                    channel: protocol.channel,
                    // Enrolled after the window opened: they were just told to expect it.
                    due_at: if schedule::utc(s.created_at) > w.open_at {
                        w.open_at
                    } else {
                        invitation_time(w.open_at, w.close_at, *zone)
                    },
                    expires_at: Some(w.close_at),
                };
                created += usize::from(schedule::ensure_invitation(c, &invite, now)?);
                // Someone enrolled late gets the invitation now and the reminder the full delay
                // after it, never both at once; the delay counts from when the invitation goes
                // (in the morning, for a window opening at night).
                let invited_at =
                    schedule::invitation_created_at(c, s.person_id, &invite_key)?.unwrap_or(now).max(invite.due_at);
                let remind_at = w.remind_at.map(|r| in_daytime(r.max(invited_at + (r - w.open_at)), w.close_at, *zone));
                if let Some(remind_at) = remind_at.filter(|r| *r <= now && *r < w.close_at) {
                    let reminder = NewInvitation {
                        dedupe_key: &reminder_key,
                        kind: InvitationKind::Reminder,
                        due_at: remind_at,
                        ..invite
                    };
                    created += usize::from(schedule::ensure_invitation(c, &reminder, now)?);
                }
                Ok(created)
            })?;
        }
    }
    Ok(report)
}
