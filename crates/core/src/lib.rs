//! koers-core: the pure domain of koers.
//!
//! Everything here is deterministic and free of I/O, async and databases, so that it can be
//! tested in milliseconds and reused elsewhere (a preview tool, a future mobile client).
//! Time comes in through the [`clock::Clock`] trait; nothing here reads the system clock.

pub mod clock;
pub mod content;
pub mod device;
pub mod feedback;
pub mod groups;
pub mod invitation;
pub mod keyed;
pub mod mentor_title;
pub mod mentor_week;
pub mod msg;
pub mod people;
pub mod people_import;
pub mod phone;
pub mod protocol;
pub mod quality;
pub mod questionnaire;
pub mod register;
pub mod rewards;
pub mod safety;
pub mod settings;
pub mod sms;
pub mod stats;
pub mod study_settings;
pub mod suggest;
pub mod time;
pub mod totp;
pub mod trend;
pub mod varnames;
pub mod warnings;
pub mod weeks;
