//! What coordinators do with the people of their organisation or team: find them, look them up,
//! enrol one, change a phone number, hand a student over to another mentor, end a student's
//! participation, record a withdrawal, and see who needs attention.
//!
//! Every function takes the caller's [`Scope`] and answers [`CoordinationError::NotFound`] for a
//! person outside it, exactly as for an id that does not exist, so nothing tells a coordinator
//! that someone exists elsewhere. Every change, and every look at a person's details, is written
//! to the audit log (phone numbers only masked).

mod attention;
mod detail;
mod ending;
mod enrol;
mod handover;
mod list;
mod mentor_report;
mod number_in_use;
mod phone;
mod protocol_move;
mod scope;
mod withdrawal;

pub use attention::{failing_phones, silent_people, warnable_students, FailingPhone, Silent, WarnedStudent};
pub use detail::{person_detail, PairInfo, PersonDetail, SubscriptionInfo};
pub use ending::{end_participation, Ending};
pub use enrol::{enrol, Enrolment};
pub use handover::{handover, Handover};
pub use list::{
    list_people, mentors_in_scope, students_in_scope, teams_in_scope, PeopleFilter, PeoplePage, PersonRow, TeamChoice,
};
pub use mentor_report::{mentor_stops_guiding, outcome_of_next, record_outcome, MENTOR_STOPPED};
pub use number_in_use::{record_refusal, Refusal, MAX_REFUSALS_PER_HOUR, NOT_USABLE};
pub use phone::change_phone;
pub use protocol_move::move_protocol;
pub use withdrawal::withdraw;

use crate::audit;
use crate::db::DbConnection;
use crate::error::StoreError;
use crate::staff::Scope;
use chrono::{DateTime, Utc};
use koers_core::msg::Msg;
use scope::Visible;

/// A problem with one field of a form; the page says it in the reader's language (catalogue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The form field (`mobile_phone`, `team_id`, ...), or `None` for the form as a whole.
    pub field: Option<String>,
    pub msg: Msg,
}

impl FieldProblem {
    pub fn new(field: &str, msg: Msg) -> Self {
        FieldProblem { field: Some(field.to_string()), msg }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CoordinationError {
    /// Not there, or not the caller's to see: the two are never told apart.
    #[error("not found")]
    NotFound,
    /// What was asked cannot be done; each problem names its field.
    #[error("{}", .0.iter().map(|p| p.msg.key).collect::<Vec<_>>().join("; "))]
    Problems(Vec<FieldProblem>),
    /// The same, and one of the problems is a number someone outside the caller's scope has:
    /// the caller's transaction rolls back, so the caller audits the refusal afterwards
    /// ([`record_refusal`]) and then treats this as [`CoordinationError::Problems`].
    #[error("{}", problems.iter().map(|p| p.msg.key).collect::<Vec<_>>().join("; "))]
    NumberRefused { problems: Vec<FieldProblem>, refusal: Refusal },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for CoordinationError {
    fn from(e: diesel::result::Error) -> Self {
        CoordinationError::Store(e.into())
    }
}

pub type CoordinationResult<T> = Result<T, CoordinationError>;

fn problem(field: &str, msg: Msg) -> CoordinationError {
    CoordinationError::Problems(vec![FieldProblem::new(field, msg)])
}

pub(crate) fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    match (first, last) {
        (Some(f), Some(l)) if !l.is_empty() => format!("{f} {l}"),
        (Some(f), _) => f.to_string(),
        (None, Some(l)) => l.to_string(),
        (None, None) => "(naam gewist)".to_string(),
    }
}

fn audit_change(
    conn: &mut DbConnection,
    scope: &Scope,
    action: &str,
    person: &Visible,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // `now` is the person's study's time; the audit log keeps real time.
    let real = crate::study_clock::of_study(conn, person.study_id)?.real_instant(now);
    audit::record(
        conn,
        real,
        &audit::Entry {
            actor: &scope.actor(),
            actor_staff_id: Some(scope.staff_id),
            action,
            study_id: Some(person.study_id),
            organisation_id: Some(person.organisation_id),
            target_kind: Some("person"),
            target_id: Some(person.id),
            details,
        },
    )
}
