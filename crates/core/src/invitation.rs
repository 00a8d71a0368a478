//! What a planned message is and where it stands: the words the invitations table stores, and
//! the groups of them the rules about sending speak of.

use crate::people::stored_enum;
use crate::sms::MessageKind;

stored_enum!(
    /// What a planned message is for.
    InvitationKind {
        /// The message that a window opened.
        Invite => "invite",
        /// The reminder of an open window that is not done yet.
        Reminder => "reminder",
        /// The question to a parent whether their child may take part.
        Guardian => "guardian",
        /// The message to a child whose parent said yes: they can start.
        CanStart => "can_start",
    }
);

impl InvitationKind {
    /// Which of the protocol's texts a message of this kind uses (guardian and can-start
    /// messages have texts of their own and never ask for one).
    pub fn message_kind(self) -> MessageKind {
        match self {
            InvitationKind::Reminder => MessageKind::Reminder,
            _ => MessageKind::Invitation,
        }
    }
}

stored_enum!(
    /// Where a planned message stands. Sending records `Claimed` before the gateway is called and
    /// `Sent`, `Retry` or `Failed` after; a claim whose outcome nobody knows becomes `Unknown`
    /// and is reconciled, never resent blindly.
    InvitationStatus {
        Pending => "pending",
        Claimed => "claimed",
        Retry => "retry",
        Sent => "sent",
        Delivered => "delivered",
        Failed => "failed",
        /// Sent, but the gateway reported that it never reached the phone.
        Undelivered => "undelivered",
        /// Not sent on purpose; the reason is recorded with it.
        Skipped => "skipped",
        /// Claimed, the gateway was called, and nobody knows what happened.
        Unknown => "unknown",
    }
);

impl InvitationStatus {
    /// Waiting for its turn: the dispatcher may claim these once they are due.
    pub const WAITING: [InvitationStatus; 2] = [InvitationStatus::Pending, InvitationStatus::Retry];
    /// Handed to the gateway, which took it.
    pub const SENT: [InvitationStatus; 2] = [InvitationStatus::Sent, InvitationStatus::Delivered];
    /// Gone wrong in a way staff must see.
    pub const FAILING: [InvitationStatus; 2] = [InvitationStatus::Failed, InvitationStatus::Unknown];

    /// The stored codes of a group, for a query's `IN (...)`.
    pub fn codes<const N: usize>(group: [InvitationStatus; N]) -> [&'static str; N] {
        group.map(InvitationStatus::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_codes_round_trip_and_unknown_codes_are_errors() {
        for k in InvitationKind::ALL {
            assert_eq!(InvitationKind::try_from(k.as_str().to_string()), Ok(*k));
        }
        for s in InvitationStatus::ALL {
            assert_eq!(InvitationStatus::try_from(s.as_str().to_string()), Ok(*s));
        }
        assert!(InvitationStatus::try_from("Sent".to_string()).is_err());
        assert!(InvitationKind::try_from("sms".to_string()).is_err());
    }

    #[test]
    fn only_a_reminder_uses_the_reminder_text() {
        assert_eq!(InvitationKind::Reminder.message_kind(), MessageKind::Reminder);
        assert_eq!(InvitationKind::Invite.message_kind(), MessageKind::Invitation);
        assert_eq!(InvitationStatus::codes(InvitationStatus::WAITING), ["pending", "retry"]);
    }
}
