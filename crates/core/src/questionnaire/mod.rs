//! Questionnaires as data: the format of `questionnaires/*.yaml` (u-can-act's vocabulary), its
//! checks, text variables, and the server-side handling of a submitted form.

pub mod check;
pub mod model;
pub mod parse;
pub mod submit;
pub mod vars;

pub use model::{Item, ItemType, Questionnaire, Text};
pub use parse::{parse_questionnaire, Problem};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_submit;
