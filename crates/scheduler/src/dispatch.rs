//! Dispatching: claim due invitations, check at the moment of sending that they should still
//! go, write the personal text, send through the gateway at a steady rate, and record the
//! outcome. Reconciliation finishes what a crashed process left claimed.

use crate::links::window_token;
use crate::{Scheduler, SchedulerError};
use chrono::{DateTime, TimeDelta, Utc};
use koers_core::invitation::InvitationKind;
use koers_core::protocol::{parse_protocol, Channel};
use koers_core::sms::{choose_text, render_message, MessageVars};
use koers_messaging::email::OutgoingEmail;
use koers_messaging::{Lookup, OutgoingSms, SendError, SmsGateway};
use koers_store::schedule::{self, utc, StudyClockRow};
use koers_store::sending::{self, Outcome, SendContext};
use koers_store::{tokens, DbConnection, StoreError};
use koers_texts::{t, t_in};
use std::sync::Arc;
use tokio::sync::Semaphore;

const MAX_BATCH: i64 = 500;
const MAX_IN_FLIGHT: usize = 64;
/// The catalogue's SMS texts keep the SMS placeholders (`{{voornaam}}`, `{{link}}`) for
/// `render_message` to fill in, so they are passed as the values of the Fluent variables.
const NAME_PLACEHOLDER: &str = "{{voornaam}}";
const LINK_PLACEHOLDER: &str = "{{link}}";

/// The invitation of a protocol that wrote none of its own.
fn default_invitation(locale: &str) -> String {
    t(locale, "sms-invitation", &[("name", NAME_PLACEHOLDER.into()), ("link", LINK_PLACEHOLDER.into())])
}

/// What the request to a parent or carer says: the child's first name, the school and who does
/// the research, with a way to reach them, so it does not read like a scam text; never the
/// study's subject, since anyone may read an SMS over a shoulder.
struct GuardianAsk<'a> {
    lang: &'a str,
    register: koers_core::register::Register,
    child: Option<&'a str>,
    school: Option<&'a str>,
    research_group: Option<&'a str>,
    contact: Option<&'a str>,
}

fn guardian_text(ctx: &SendContext) -> String {
    guardian_words(&GuardianAsk {
        lang: ctx.locale.as_str(),
        register: ctx.parents_register,
        child: ctx.first_name.as_deref().filter(|n| !n.is_empty()),
        school: ctx.school.as_deref(),
        research_group: ctx.research_group.as_deref(),
        contact: ctx.contact.as_deref(),
    })
}

/// The parent's SMS in the catalogue's words (`sms-guardian-*`), in the register the study
/// chose for parents.
fn guardian_words(ask: &GuardianAsk<'_>) -> String {
    let tr = |key: &str, args: &[(&str, String)]| t_in(ask.lang, ask.register, key, args);
    let mut text = match (ask.child, ask.school) {
        (Some(c), Some(s)) => tr("sms-guardian-child", &[("child", c.into()), ("school", s.into())]),
        _ => tr("sms-guardian-anonymous", &[]),
    };
    if let Some(g) = ask.research_group {
        text.push_str(&tr("sms-guardian-by", &[("group", g.into())]));
    }
    text.push_str(&tr("sms-guardian-permission", &[]));
    if let Some(c) = ask.contact {
        text.push_str(&tr("sms-guardian-questions", &[("contact", c.into())]));
    }
    text.push_str(&tr("sms-guardian-answer", &[("link", LINK_PLACEHOLDER.into())]));
    text
}

/// After a parent's yes, the child hears that they can start.
fn can_start_text(locale: &str) -> String {
    t(locale, "sms-can-start", &[("name", NAME_PLACEHOLDER.into()), ("link", LINK_PLACEHOLDER.into())])
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DispatchReport {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub skipped: usize,
}

enum Prepared {
    /// Not sent, for a reason recorded on the invitation.
    Skip,
    /// Another worker took the claim over (this one was too slow); it sends, not us.
    Lost,
    Send {
        message: Message,
        attempt_id: i64,
        attempts: i32,
        expires_at: Option<DateTime<Utc>>,
    },
}

enum Done {
    Sent,
    Retried,
    Failed,
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, SchedulerError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| SchedulerError::Join(e.to_string()))?.map_err(SchedulerError::from)
}

/// Claims and sends everything that is due now.
pub async fn dispatch(s: &Scheduler) -> Result<DispatchReport, SchedulerError> {
    dispatch_with(s, MAX_IN_FLIGHT).await
}

/// [`dispatch`] with a chosen number of sends in flight at once. Database work is done in
/// groups (one transaction prepares a group, one records a group of outcomes), so the
/// database keeps pace with the gateway. Each study is sent on its own clock, read afresh.
pub async fn dispatch_with(s: &Scheduler, in_flight: usize) -> Result<DispatchReport, SchedulerError> {
    let in_flight = in_flight.max(1);
    let mut report = DispatchReport::default();
    let permits = Arc::new(Semaphore::new(in_flight));
    let gap = std::time::Duration::from_secs_f64(1.0 / f64::from(s.config.messages_per_second.max(1)));
    let mut pace = tokio::time::interval(gap);
    pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let db = s.db.clone();
    let studies = blocking(move || db.read(schedule::study_clocks)).await?;
    for study in studies.into_iter().filter(|c| s.config.only_study.is_none_or(|o| o == c.study_id)) {
        let mut run = Run { s, study, in_flight, permits: permits.clone(), pace: &mut pace, report: &mut report };
        run.study().await?;
    }
    Ok(report)
}

/// One study's share of a round of sending.
struct Run<'a> {
    s: &'a Scheduler,
    study: StudyClockRow,
    in_flight: usize,
    permits: Arc<Semaphore>,
    pace: &'a mut tokio::time::Interval,
    report: &'a mut DispatchReport,
}

impl Run<'_> {
    /// A test-mode study's messages go through the test gateway only; if that is not a test
    /// gateway they are not sent at all.
    fn gateway(&self) -> Option<Arc<dyn SmsGateway>> {
        if !self.study.test_mode {
            return Some(self.s.gateway.clone());
        }
        Some(self.s.test_gateway.clone()).filter(|g| g.is_test())
    }

    async fn study(&mut self) -> Result<(), SchedulerError> {
        let s = self.s;
        let gateway = self.gateway();
        loop {
            let real_now = s.real_clock.now();
            let (db, worker, now, study_id) =
                (s.db.clone(), s.config.worker_id.clone(), self.study.clock.at(real_now), self.study.study_id);
            // A batch must be sent well within the claim timeout at the paced rate, or another
            // worker would take claims over that this one is still working through.
            let paced = i64::from(s.config.messages_per_second) * s.config.claim_timeout.num_seconds() / 4;
            let batch = if s.config.throttle { paced.clamp(1, MAX_BATCH) } else { MAX_BATCH };
            let ids =
                blocking(move || db.read(|c| schedule::claim_due(c, &worker, study_id, now, real_now, batch))).await?;
            if ids.is_empty() {
                return Ok(());
            }
            self.report.claimed += ids.len();
            let mut tasks = tokio::task::JoinSet::new();
            let mut finished: Vec<Finished> = Vec::new();
            for group in ids.chunks(self.in_flight) {
                let real_now = s.real_clock.now();
                let times = Times { now: self.study.clock.at(real_now), real_now };
                let (db, cfg, group, email) = (s.db.clone(), s.config.clone(), group.to_vec(), s.email.is_some());
                let allowed = gateway.is_some();
                let prepared = blocking(move || {
                    db.write(|c| {
                        group
                            .iter()
                            .map(|id| Ok((*id, message_for_invitation(c, *id, times, &cfg, email, allowed)?)))
                            .collect::<Result<Vec<_>, StoreError>>()
                    })
                })
                .await?;
                for (id, p) in prepared {
                    let Prepared::Send { message, attempt_id, attempts, expires_at } = p else {
                        self.report.skipped += 1;
                        continue;
                    };
                    let Some(gateway) = gateway.clone() else { continue };
                    if s.config.throttle {
                        self.pace.tick().await;
                    }
                    let permit = self.permits.clone().acquire_owned().await.expect("semaphore open");
                    let (me, clock) = (s.clone(), self.study.clock);
                    tasks.spawn(async move {
                        let result = send(&me, gateway.as_ref(), &message, attempts).await;
                        drop(permit);
                        let gateway = match message {
                            Message::Sms(_) => gateway.name(),
                            Message::Email(_) => "smtp",
                        };
                        Finished {
                            id,
                            attempt_id,
                            attempts,
                            expires_at,
                            result,
                            gateway,
                            at: clock.at(me.real_clock.now()),
                        }
                    });
                    while let Some(joined) = tasks.try_join_next() {
                        finished.push(joined.map_err(|e| SchedulerError::Join(e.to_string()))?);
                    }
                    if finished.len() >= RECORD_GROUP {
                        record(s, std::mem::take(&mut finished), self.report).await?;
                    }
                }
            }
            while let Some(joined) = tasks.join_next().await {
                finished.push(joined.map_err(|e| SchedulerError::Join(e.to_string()))?);
            }
            record(s, finished, self.report).await?;
        }
    }
}

/// The two times a send is stamped with: the study's (`now`: due, sent, skipped) and the real
/// one (`real_now`: the claim).
#[derive(Debug, Clone, Copy)]
struct Times {
    now: DateTime<Utc>,
    real_now: DateTime<Utc>,
}

/// Outcomes are written in groups of this many, one transaction each.
const RECORD_GROUP: usize = 128;

struct Finished {
    id: i64,
    attempt_id: i64,
    attempts: i32,
    expires_at: Option<DateTime<Utc>>,
    result: Result<koers_messaging::SendReceipt, SendError>,
    gateway: &'static str,
    /// When the gateway answered, by the study's clock.
    at: DateTime<Utc>,
}

/// One invitation as it goes out.
enum Message {
    Sms(OutgoingSms),
    Email(OutgoingEmail),
}

async fn send(
    s: &Scheduler,
    gateway: &dyn SmsGateway,
    message: &Message,
    attempts: i32,
) -> Result<koers_messaging::SendReceipt, SendError> {
    let sms = match message {
        Message::Sms(sms) => sms,
        Message::Email(email) => {
            return match &s.email {
                Some(sender) => sender.send(email).await,
                None => Err(SendError::Permanent("e-mail is not configured (email.smtp_url)".into())),
            }
        }
    };
    // A retry may follow a timeout that did reach the gateway: ask before sending again.
    if attempts > 1 {
        if let Ok(Lookup::Known(Some(id))) = gateway.lookup(sms).await {
            return Ok(koers_messaging::SendReceipt { gateway_message_id: id });
        }
    }
    gateway.send(sms).await
}

async fn record(s: &Scheduler, finished: Vec<Finished>, report: &mut DispatchReport) -> Result<(), SchedulerError> {
    if finished.is_empty() {
        return Ok(());
    }
    let (db, max_attempts) = (s.db.clone(), s.config.max_attempts as i32);
    let done = blocking(move || {
        db.write(|c| finished.iter().map(|f| record_one(c, f, max_attempts)).collect::<Result<Vec<Done>, StoreError>>())
    })
    .await?;
    for d in done {
        match d {
            Done::Sent => report.sent += 1,
            Done::Retried => report.retried += 1,
            Done::Failed => report.failed += 1,
        }
    }
    Ok(())
}

fn record_one(c: &mut DbConnection, f: &Finished, max_attempts: i32) -> Result<Done, StoreError> {
    let (id, attempt, now, gateway) = (f.id, Some(f.attempt_id), f.at, f.gateway);
    match &f.result {
        Ok(receipt) => {
            sending::finish_attempt(
                c,
                id,
                attempt,
                Outcome::Sent { gateway, message_id: &receipt.gateway_message_id },
                now,
            )?;
            Ok(Done::Sent)
        }
        Err(SendError::Transient(e)) => {
            let next = now + backoff(f.attempts);
            if f.attempts < max_attempts && f.expires_at.is_none_or(|x| next < x) {
                sending::finish_attempt(c, id, attempt, Outcome::Retry { error: e, next_attempt_at: next }, now)?;
                Ok(Done::Retried)
            } else {
                let error = format!("gave up after {} attempt(s): {e}", f.attempts);
                sending::finish_attempt(c, id, attempt, Outcome::Failed { error: &error, phone_refused: false }, now)?;
                Ok(Done::Failed)
            }
        }
        Err(SendError::Permanent(e)) => {
            sending::finish_attempt(
                c,
                id,
                attempt,
                Outcome::Failed { error: e, phone_refused: refers_to_the_number(e) },
                now,
            )?;
            Ok(Done::Failed)
        }
    }
}

/// 30 s, 2 min, 8 min, then every 15 minutes: a gateway that is down for an hour gets its
/// messages within a quarter of an hour of coming back (with the default 10 attempts an outage
/// of up to 100 minutes is bridged), and never after the window closed.
pub fn backoff(attempts: i32) -> TimeDelta {
    let exp = attempts.clamp(1, 6) as u32 - 1;
    TimeDelta::seconds((30 * 4i64.pow(exp)).min(MAX_BACKOFF_SECONDS))
}

const MAX_BACKOFF_SECONDS: i64 = 15 * 60;

/// Whether a refusal says the recipient's number is the problem (MessageBird error 9 or 21;
/// Twilio 21211, 21614), as opposed to our credentials or sender.
fn refers_to_the_number(error: &str) -> bool {
    let e = error.to_lowercase();
    !(e.starts_with("http 401") || e.starts_with("http 403"))
        && (e.contains("recipient")
            || e.contains("21211")
            || e.contains("21614")
            || e.contains("'to'")
            || e.contains("number"))
}

/// The decision and the text, made from the state at the moment of sending. `gateway_allowed`
/// is false for a test-mode study without a test gateway: its messages are skipped.
fn message_for_invitation(
    c: &mut DbConnection,
    id: i64,
    times: Times,
    cfg: &crate::SchedulerConfig,
    email: bool,
    gateway_allowed: bool,
) -> Result<Prepared, StoreError> {
    let Times { now, real_now } = times;
    let (secret, base_url, sender) = (&cfg.secret, &cfg.base_url, &cfg.sender);
    {
        let mut ctx = sending::send_context(c, id)?;
        // A parent's consent request goes to the parent's number, with a text of its own.
        let guardian = ctx.invitation.kind == InvitationKind::Guardian;
        if guardian {
            ctx.phone = ctx.guardian_phone.clone();
            ctx.phone_failing = false;
        }
        let expires_at = ctx.invitation.expires_at.map(utc);
        if let Some(reason) = skip_reason(&ctx, now, expires_at) {
            sending::mark_skipped(c, id, reason, now)?;
            return Ok(Prepared::Skip);
        }
        if !gateway_allowed {
            sending::mark_skipped(c, id, "test-mode study: no test gateway to send it through", now)?;
            return Ok(Prepared::Skip);
        }
        let by_email = if email && ctx.channel == Channel::Email { ctx.email.clone() } else { None };
        if by_email.is_none() && ctx.phone.is_none() {
            sending::mark_skipped(c, id, "no phone number", now)?;
            return Ok(Prepared::Skip);
        }
        let phone = ctx.phone.clone().unwrap_or_default();
        let protocol = ctx.protocol_content.as_deref().and_then(|p| parse_protocol(p).ok()).map(|(p, _)| p);
        let kind = ctx.invitation.kind.message_kind();
        let template = protocol
            .as_ref()
            .and_then(|p| choose_text(&p.texts, kind, ctx.streak.max(0) as u32))
            .map(|t| t.get(ctx.locale.as_str(), "nl").to_string())
            .unwrap_or_else(|| default_invitation(ctx.locale.as_str()));
        let template = match ctx.invitation.kind {
            InvitationKind::Guardian => guardian_text(&ctx),
            InvitationKind::CanStart => can_start_text(ctx.locale.as_str()),
            _ => template,
        };
        let window = ctx.invitation.dedupe_key.rsplit_once(':').map(|(w, _)| w).unwrap_or(&ctx.invitation.dedupe_key);
        let token = window_token(secret, ctx.invitation.person_id, ctx.link_generation, window);
        let grace = protocol.as_ref().map(|p| p.grace_period.0).unwrap_or_default();
        let token_expiry = expires_at.unwrap_or(now + TimeDelta::days(7)) + grace;
        let purpose = if guardian { "guardian" } else { "invitation" };
        sending::ensure_link_token(
            c,
            ctx.invitation.person_id,
            purpose,
            &tokens::hash_token(&token),
            token_expiry,
            now,
        )?;
        let link = format!("{base_url}/l/{token}");
        let body = render_message(
            &template,
            &MessageVars {
                first_name: ctx.first_name.as_deref().unwrap_or(""),
                mentor_name: ctx.mentor_first_name.as_deref().unwrap_or(""),
                earned_cents: ctx.earned_cents.max(0) as u32,
                streak: ctx.streak.max(0) as u32,
                link: &link,
                mentor_title: koers_core::mentor_title::mentor_title_in(&ctx.mentor_title, ctx.locale.as_str()),
                organisation: ctx.school.as_deref().unwrap_or(""),
            },
        );
        let Some(attempt_id) = sending::start_attempt(c, id, &cfg.worker_id, ctx.invitation.attempts, now, real_now)?
        else {
            return Ok(Prepared::Lost);
        };
        let reference = format!("koers-{id}");
        let message = match by_email {
            Some(to) => {
                let subject = if ctx.locale == koers_core::people::Locale::En {
                    "Your questions for this week"
                } else {
                    "Je vragen van deze week"
                };
                Message::Email(OutgoingEmail { to, subject: subject.into(), body, reference })
            }
            None => Message::Sms(OutgoingSms { to: phone, sender: sender.to_string(), body, reference }),
        };
        Ok(Prepared::Send { message, attempt_id, attempts: ctx.invitation.attempts, expires_at })
    }
}

/// Eligibility is checked again when sending, not only when the window was planned.
fn skip_reason(ctx: &SendContext, now: DateTime<Utc>, expires_at: Option<DateTime<Utc>>) -> Option<&'static str> {
    if expires_at.is_some_and(|x| now >= x) {
        Some("window closed")
    } else if ctx.person_ended {
        Some("participation ended")
    } else if ctx.invitation.response_id.is_some() && !ctx.subscription_active {
        Some("subscription ended")
    } else if ctx.paused_until.is_some_and(|p| now < p) && ctx.invitation.kind != InvitationKind::Guardian {
        Some("paused")
    } else if ctx.waiting_for_guardian && ctx.invitation.kind != InvitationKind::Guardian {
        Some("waiting for a parent's consent")
    } else if ctx.consent_withdrawn {
        Some("consent withdrawn")
    } else if ctx.phone_failing {
        Some("phone number failing")
    } else if ctx.phone.is_none() {
        Some("no phone number")
    } else if ctx.all_completed {
        Some("already completed")
    } else {
        None
    }
}

/// Finishes claims a crashed process left behind: never sent → queued again; maybe sent →
/// asked of the gateway; the gateway cannot tell → marked unknown for staff, not resent.
/// Staleness is judged on real time; what is recorded is stamped with the study's time.
pub async fn reconcile(s: &Scheduler) -> Result<usize, SchedulerError> {
    let (db, real_now, timeout) = (s.db.clone(), s.real_clock.now(), s.config.claim_timeout);
    let stale = blocking(move || db.read(|c| sending::stale_claims(c, real_now - timeout))).await?;
    let mut handled = 0;
    for sending::StaleClaim { invitation_id: id, maybe_sent } in stale {
        let db = s.db.clone();
        let ctx = blocking(move || db.read(|c| sending::send_context(c, id))).await?;
        if s.config.only_study.is_some_and(|o| o != ctx.study_id) {
            continue;
        }
        let now = ctx.clock.at(real_now);
        let db = s.db.clone();
        if !maybe_sent {
            blocking(move || db.read(|c| sending::release_claim(c, id, now))).await?;
            handled += 1;
            continue;
        }
        let Some(phone) = ctx.phone else { continue };
        let probe = OutgoingSms {
            to: phone,
            sender: s.config.sender.clone(),
            body: String::new(),
            reference: format!("koers-{id}"),
        };
        let gateway = if ctx.test_mode { s.test_gateway.clone() } else { s.gateway.clone() };
        let name = gateway.name();
        match gateway.lookup(&probe).await {
            Ok(Lookup::Known(Some(message_id))) => {
                blocking(move || {
                    db.read(|c| {
                        sending::finish_attempt(
                            c,
                            id,
                            None,
                            Outcome::Sent { gateway: name, message_id: &message_id },
                            now,
                        )
                    })
                })
                .await?;
            }
            Ok(Lookup::Known(None)) => {
                blocking(move || db.read(|c| sending::release_claim(c, id, now))).await?;
            }
            Ok(Lookup::Unsupported) => {
                tracing::warn!(
                    invitation = id,
                    "send outcome unknown after a crash and the gateway cannot be asked; not resent"
                );
                blocking(move || db.read(|c| sending::mark_unknown(c, id, now))).await?;
            }
            Err(e) => {
                tracing::warn!(invitation = id, error = %e, "could not ask the gateway about a lost send; trying later");
                continue;
            }
        }
        handled += 1;
    }
    Ok(handled)
}

#[cfg(test)]
mod sms_words {
    use super::*;
    use koers_core::register::Register;

    #[test]
    fn a_parent_reads_who_asks_and_how_to_reach_them_in_the_studys_register() {
        let mut ask = GuardianAsk {
            lang: "nl",
            register: Register::U,
            child: Some("Daan"),
            school: Some("ROC Noord"),
            research_group: Some("de Universiteit Utrecht"),
            contact: Some("030 253 0000"),
        };
        assert_eq!(
            guardian_words(&ask),
            "Hallo, Daan van ROC Noord wil meedoen aan een onderzoek van de Universiteit Utrecht en heeft uw \
             toestemming nodig. Vragen? 030 253 0000. Lees meer en geef antwoord: {{link}}"
        );
        ask.register = Register::Je;
        assert!(guardian_words(&ask).contains("heeft je toestemming nodig."), "{}", guardian_words(&ask));
        let anonymous = GuardianAsk { child: None, research_group: None, contact: None, ..ask };
        assert_eq!(
            guardian_words(&anonymous),
            "Hallo, je kind wil meedoen aan een onderzoek op school en heeft je toestemming nodig. Lees meer en geef \
             antwoord: {{link}}"
        );
        let english = GuardianAsk { lang: "en", register: Register::U, ..anonymous };
        assert!(guardian_words(&english).starts_with("Hello, your child would like"), "{}", guardian_words(&english));
    }

    #[test]
    fn koers_own_texts_keep_the_placeholders_for_sending() {
        assert_eq!(
            default_invitation("nl"),
            "Hoi {{voornaam}}, er staat een korte vragenlijst voor je klaar: {{link}}"
        );
        assert_eq!(can_start_text("en"), "Hi {{voornaam}}, your parent or carer said yes. You can start now: {{link}}");
    }
}
