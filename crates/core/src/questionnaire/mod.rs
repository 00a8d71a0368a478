//! Questionnaires as data: the format of `questionnaires/*.yaml` (u-can-act's vocabulary), its
//! checks, text variables, and the server-side handling of a submitted form.

mod answer;
pub mod check;
pub mod condition;
pub mod model;
pub mod parse;
mod parse_item;
pub mod problem;
mod read;
pub mod scores;
pub mod submit;
pub mod vars;
pub mod vocabulary;

pub use model::{Item, ItemType, Questionnaire, Step, Text};
pub use parse::parse_questionnaire;
pub use problem::QuestionnaireProblem;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_submit;
#[cfg(test)]
mod tests_ucanact;
