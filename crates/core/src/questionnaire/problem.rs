//! A mistake (or a warning) in a questionnaire file, shared by the reader and the checks.

use std::fmt;

/// One problem in a questionnaire, shown as `PATH: message` (`PATH: warning: message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionnaireProblem {
    pub path: String,
    pub message: String,
    pub warning: bool,
}

impl QuestionnaireProblem {
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        QuestionnaireProblem { path: path.into(), message: message.into(), warning: false }
    }

    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        QuestionnaireProblem { path: path.into(), message: message.into(), warning: true }
    }
}

impl fmt::Display for QuestionnaireProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.warning { "warning: " } else { "" };
        match self.path.as_str() {
            "" => write!(f, "{kind}{}", self.message),
            p => write!(f, "{p}: {kind}{}", self.message),
        }
    }
}
