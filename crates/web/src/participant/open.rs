//! Which of a person's windows can be answered now, and when the next one opens.

use super::protocol_of;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use koers_core::protocol::windows::{answerable, participation_end, windows, WindowState};
use koers_store::participation::{self as part, ResponseRef};

/// Whether a window can be answered now: open, or closed a moment ago while the person was
/// already answering (the protocol's grace period).
pub(super) fn is_open(state: &AppState, r: &ResponseRef, now: DateTime<Utc>) -> bool {
    let window = WindowState {
        open_at: r.open_at,
        close_at: r.close_at,
        opened_at: r.opened_at,
        completed: r.completed_at.is_some(),
        active: r.subscription_active,
    };
    answerable(protocol_of(state, &r.protocol_content).as_deref(), window, now)
}

/// What to answer first of the windows open now: in the order of the protocol's measurements
/// (the intake before a diary that happened to open earlier the same day), then oldest first.
pub(super) fn first_open<'a>(state: &AppState, open: &'a [ResponseRef], now: DateTime<Utc>) -> Option<&'a ResponseRef> {
    open.iter().filter(|r| is_open(state, r, now)).min_by_key(|r| {
        let place = protocol_of(state, &r.protocol_content)
            .and_then(|p| p.measurements.iter().position(|m| m.key == r.measurement_key))
            .unwrap_or(usize::MAX);
        (place, r.open_at)
    })
}

/// The first window after now of any of these subscriptions, from the protocols themselves.
pub(super) fn next_window(
    state: &AppState,
    subs: &[part::ActiveSubscription],
    zone: Tz,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    subs.iter()
        .filter_map(|s| {
            let p = protocol_of(state, &s.protocol_content)?;
            let z: Tz = p.zone().unwrap_or(zone);
            let stop = participation_end(&p, z, s.starts_at, s.ends_at);
            windows(&p, z, s.starts_at, stop).into_iter().map(|w| w.open_at).find(|o| *o > now)
        })
        .min()
}
