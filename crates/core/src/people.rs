//! The people of a study and the words for them that are stored and exported.

/// Declares a closed set of stored codes: one `as_str` for the database and exports, one `parse`
/// for reading them back, so stored text never drifts from the enum.
macro_rules! stored_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Reads a stored code; `None` for anything else.
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        /// How the store reads a column into the enum (diesel's `deserialize_as = String`): a
        /// code that is not one of the enum's is an error, never a silent default.
        impl TryFrom<String> for $name {
            type Error = $crate::people::UnknownCode;

            fn try_from(code: String) -> Result<Self, $crate::people::UnknownCode> {
                Self::parse(&code).ok_or($crate::people::UnknownCode { what: stringify!($name), code })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use stored_enum;

stored_enum!(
    /// What a person is in a study. Staff are accounts, not people.
    Role { Student => "student", Mentor => "mentor" }
);

stored_enum!(
    /// Used only to choose pronouns in texts; `Other` gets neutral wording or the name.
    Gender { Male => "male", Female => "female", Other => "other" }
);

stored_enum!(
    /// The languages participants can read koers in; Dutch first.
    Locale { Nl => "nl", En => "en" }
);

stored_enum!(
    /// Where a protocol subscription stands.
    SubscriptionState {
        Active => "active",
        Completed => "completed",
        Stopped => "stopped",
        Cancelled => "cancelled",
    }
);

stored_enum!(
    /// Why a student left school, as coordinators record it.
    DropoutType { SchoolLeaver => "school_leaver", Switcher => "switcher", Other => "other" }
);

stored_enum!(
    /// Why a person's participation ended, as the people export gives it: a code, never the
    /// note a coordinator may have written with it.
    EndReason {
        SchoolLeaver => "school_leaver",
        Switcher => "switcher",
        Other => "other",
        Stopped => "stopped",
        Withdrawn => "withdrawn",
        GuardianDeclined => "guardian_declined",
        ProtocolEnd => "protocol_end",
    }
);

impl EndReason {
    /// From what was recorded: the person's own end reason (a dropout type, perhaps followed by
    /// `: note`, or `withdrawn`, `guardian_declined`) first; otherwise how their own
    /// subscriptions ended (`unsubscribed` and `unsubscribe_item` are someone stopping by
    /// themselves). `None` while they take part.
    pub fn from_records<'a>(person: Option<&str>, subscriptions: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        let code = |r: &str| {
            let r = r.split(':').next().unwrap_or("").trim();
            match r {
                "unsubscribed" | "unsubscribe_item" | "stopped" => Some(EndReason::Stopped),
                _ => EndReason::parse(r),
            }
        };
        if let Some(r) = person.and_then(code) {
            return Some(r);
        }
        let subs: Vec<EndReason> = subscriptions.into_iter().filter_map(code).collect();
        subs.iter().find(|r| **r != EndReason::ProtocolEnd).or(subs.first()).copied()
    }
}

/// A stored code that is none of its enum's: a database written by something else.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{code}' is not a {what} koers knows")]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: String,
}

/// A word in an import cell that means none of the allowed values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not one of the allowed words")]
pub struct UnknownWord;

impl Role {
    /// Reads the `type` column of an import file: English, Dutch, any case.
    pub fn from_import(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "student" | "jongere" | "leerling" => Some(Role::Student),
            "mentor" | "begeleider" => Some(Role::Mentor),
            _ => None,
        }
    }
}

impl Gender {
    /// Reads a gender as people write it in a spreadsheet; empty means unknown.
    pub fn from_import(s: &str) -> Result<Option<Self>, UnknownWord> {
        match s.trim().to_lowercase().as_str() {
            "" => Ok(None),
            "male" | "man" | "m" | "jongen" => Ok(Some(Gender::Male)),
            "female" | "vrouw" | "f" | "v" | "meisje" => Ok(Some(Gender::Female)),
            "other" | "anders" | "x" | "nonbinary" | "non-binary" => Ok(Some(Gender::Other)),
            _ => Err(UnknownWord),
        }
    }
}

impl Locale {
    pub fn from_import(s: &str) -> Result<Option<Self>, UnknownWord> {
        match s.trim().to_lowercase().as_str() {
            "" => Ok(None),
            "nl" | "nl-nl" | "nederlands" | "dutch" => Ok(Some(Locale::Nl)),
            "en" | "en-gb" | "en-us" | "english" | "engels" => Ok(Some(Locale::En)),
            _ => Err(UnknownWord),
        }
    }
}

#[cfg(test)]
mod end_reason_tests {
    use super::EndReason;

    #[test]
    fn the_code_never_carries_the_note() {
        assert_eq!(EndReason::from_records(Some("school_leaver: moved to Spain"), []), Some(EndReason::SchoolLeaver));
        assert_eq!(EndReason::from_records(None, ["unsubscribed"]), Some(EndReason::Stopped));
        assert_eq!(EndReason::from_records(None, ["protocol_end"]), Some(EndReason::ProtocolEnd));
        assert_eq!(
            EndReason::from_records(Some("guardian_declined"), ["guardian_declined"]),
            Some(EndReason::GuardianDeclined)
        );
        assert_eq!(EndReason::from_records(None, ["something else"]), None);
        assert_eq!(EndReason::from_records(None, []), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        for s in SubscriptionState::ALL {
            assert_eq!(SubscriptionState::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Role::parse("Student"), None);
    }

    #[test]
    fn import_words_in_dutch_and_english() {
        assert_eq!(Role::from_import(" Begeleider "), Some(Role::Mentor));
        assert_eq!(Role::from_import("STUDENT"), Some(Role::Student));
        assert_eq!(Role::from_import("teacher"), None);
        assert_eq!(Gender::from_import("V"), Ok(Some(Gender::Female)));
        assert_eq!(Gender::from_import(""), Ok(None));
        assert!(Gender::from_import("maybe").is_err());
    }
}
