//! How a page addresses its reader: "je" or "u". Students are always "je"; a study chooses
//! for mentors and for parents (a `register:` section in its settings file), and every page,
//! form error and button those readers get follows that choice (`koers_texts::t_in`).

use serde::{Deserialize, Serialize};

/// "je" (informal) or "u" (polite) in Dutch; English has one "you".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Register {
    #[default]
    Je,
    U,
}

impl Register {
    /// The code pages carry in their data (`register`), read by the `{{t}}` helper.
    pub fn code(self) -> &'static str {
        match self {
            Register::Je => "je",
            Register::U => "u",
        }
    }

    pub fn from_code(code: &str) -> Register {
        if code == "u" {
            Register::U
        } else {
            Register::Je
        }
    }
}

/// Who the study addresses with "u". The shipped questionnaires for mentors and parents say
/// "u", so that is the default; a study whose mentors are, say, student buddies sets `je` and
/// writes its own mentor questionnaires in the same register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Registers {
    pub mentors: Register,
    pub parents: Register,
}

impl Default for Registers {
    fn default() -> Self {
        Registers { mentors: Register::U, parents: Register::U }
    }
}

/// Whose page it is, for choosing the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Student,
    Mentor,
    Parent,
}

impl Registers {
    /// The register of a page read by `reader`: students always "je".
    pub fn of(&self, reader: Reader) -> Register {
        match reader {
            Reader::Student => Register::Je,
            Reader::Mentor => self.mentors,
            Reader::Parent => self.parents,
        }
    }
}

impl From<crate::people::Role> for Reader {
    fn from(role: crate::people::Role) -> Reader {
        match role {
            crate::people::Role::Student => Reader::Student,
            crate::people::Role::Mentor => Reader::Mentor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study_settings::StudySettings;

    #[test]
    fn students_are_always_je_and_the_study_chooses_for_the_others() {
        let default = Registers::default();
        assert_eq!(default.of(Reader::Student), Register::Je);
        assert_eq!(default.of(Reader::Mentor), Register::U);
        assert_eq!(default.of(Reader::Parent), Register::U);
        let buddies = StudySettings::from_json(r#"{"register": {"mentors": "je"}}"#).register;
        assert_eq!(buddies.of(Reader::Mentor), Register::Je);
        assert_eq!(buddies.of(Reader::Parent), Register::U, "a register left out keeps its default");
        assert_eq!(StudySettings::from_json("{}").register, Registers::default());
    }
}
