//! Deleting a test-mode study whole: a rehearsal leaves nothing behind. Real studies are never
//! deleted this way (their data ends through withdrawal, retention and erasure, each audited).

use crate::db::{write_transaction, DbConnection};
use crate::error::{StoreError, StoreResult};
use crate::schema::{
    answers, audit_log, consents, delivery_attempts, delivery_reports, invitations, link_tokens, organisations, pairs,
    paradata, people, person_identities, protocols, response_scores, responses, reward_ledger, staff_roles, studies,
    subscriptions, teams, web_sessions,
};
use crate::studies::Study;
use diesel::prelude::*;

/// What was removed, for the command to report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Deleted {
    pub people: usize,
    pub responses: usize,
    pub invitations: usize,
}

/// Removes a test-mode study and everything in it, in one transaction. The audit log keeps its
/// entries (without the link to the study that no longer exists); the caller records the
/// deletion itself.
pub fn delete_test_study(conn: &mut DbConnection, study: &Study) -> StoreResult<Deleted> {
    if !study.test_mode {
        return Err(StoreError::Invalid(format!(
            "study '{}' is not in test mode; only a rehearsal can be deleted whole",
            study.key
        )));
    }
    let id = study.id;
    write_transaction(conn, |conn| -> StoreResult<Deleted> {
        let people_of = || people::table.filter(people::study_id.eq(id)).select(people::id);
        let subscriptions_of =
            || subscriptions::table.filter(subscriptions::person_id.eq_any(people_of())).select(subscriptions::id);
        let responses_of =
            || responses::table.filter(responses::subscription_id.eq_any(subscriptions_of())).select(responses::id);
        let invitations_of =
            || invitations::table.filter(invitations::person_id.eq_any(people_of())).select(invitations::id);
        // The same sets, for columns that may be empty.
        let people_of_nullable = || people::table.filter(people::study_id.eq(id)).select(people::id.nullable());
        let invitations_of_nullable =
            || invitations::table.filter(invitations::person_id.eq_any(people_of())).select(invitations::id.nullable());

        diesel::delete(
            delivery_reports::table.filter(delivery_reports::invitation_id.eq_any(invitations_of_nullable())),
        )
        .execute(conn)?;
        diesel::delete(delivery_attempts::table.filter(delivery_attempts::invitation_id.eq_any(invitations_of())))
            .execute(conn)?;
        let invitations =
            diesel::delete(invitations::table.filter(invitations::person_id.eq_any(people_of()))).execute(conn)?;
        diesel::delete(answers::table.filter(answers::response_id.eq_any(responses_of()))).execute(conn)?;
        diesel::delete(answers::table.filter(answers::about_person_id.eq_any(people_of_nullable()))).execute(conn)?;
        diesel::delete(paradata::table.filter(paradata::response_id.eq_any(responses_of()))).execute(conn)?;
        diesel::delete(
            crate::schema::response_drafts::table
                .filter(crate::schema::response_drafts::response_id.eq_any(responses_of())),
        )
        .execute(conn)?;
        diesel::delete(response_scores::table.filter(response_scores::response_id.eq_any(responses_of())))
            .execute(conn)?;
        diesel::delete(reward_ledger::table.filter(reward_ledger::person_id.eq_any(people_of()))).execute(conn)?;
        let responses = diesel::delete(responses::table.filter(responses::subscription_id.eq_any(subscriptions_of())))
            .execute(conn)?;
        diesel::delete(link_tokens::table.filter(link_tokens::person_id.eq_any(people_of()))).execute(conn)?;
        diesel::delete(consents::table.filter(consents::person_id.eq_any(people_of()))).execute(conn)?;
        diesel::delete(
            crate::schema::feedback_shown::table.filter(crate::schema::feedback_shown::study_id.eq(study.id)),
        )
        .execute(conn)?;
        diesel::delete(web_sessions::table.filter(web_sessions::person_id.eq_any(people_of_nullable())))
            .execute(conn)?;
        diesel::delete(subscriptions::table.filter(subscriptions::person_id.eq_any(people_of()))).execute(conn)?;
        diesel::delete(
            pairs::table.filter(pairs::student_id.eq_any(people_of()).or(pairs::mentor_id.eq_any(people_of()))),
        )
        .execute(conn)?;
        diesel::delete(person_identities::table.filter(person_identities::study_id.eq(id))).execute(conn)?;
        let people = diesel::delete(people::table.filter(people::study_id.eq(id))).execute(conn)?;
        diesel::delete(staff_roles::table.filter(staff_roles::study_id.eq(id))).execute(conn)?;
        diesel::delete(protocols::table.filter(protocols::study_id.eq(id))).execute(conn)?;
        // A study's questionnaires are its own: no other study's response points at them.
        diesel::delete(crate::schema::questionnaires::table.filter(crate::schema::questionnaires::study_id.eq(id)))
            .execute(conn)?;
        let organisations_of = || organisations::table.filter(organisations::study_id.eq(id)).select(organisations::id);
        diesel::delete(teams::table.filter(teams::organisation_id.eq_any(organisations_of()))).execute(conn)?;
        let organisations_of_nullable =
            || organisations::table.filter(organisations::study_id.eq(id)).select(organisations::id.nullable());
        diesel::update(audit_log::table.filter(audit_log::organisation_id.eq_any(organisations_of_nullable())))
            .set(audit_log::organisation_id.eq(None::<i64>))
            .execute(conn)?;
        diesel::update(audit_log::table.filter(audit_log::study_id.eq(id)))
            .set(audit_log::study_id.eq(None::<i64>))
            .execute(conn)?;
        diesel::delete(organisations::table.filter(organisations::study_id.eq(id))).execute(conn)?;
        diesel::delete(studies::table.find(id)).execute(conn)?;
        Ok(Deleted { people, responses, invitations })
    })
}
