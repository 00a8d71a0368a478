//! The walk through time: a queue of moments (the scheduler's ticks, people opening their SMS
//! links and sending forms, the coordinator's changes), taken in order. Before each moment the
//! study's clock is moved to it; the scheduler sends into a recorder; every message is matched
//! to its person by number, and that person acts on it as their pattern says.

use crate::answers::{ByName, FeedbackConsentAnswers, MentorAnswers, ParentAnswers, StudentAnswers};
use crate::browser::{Browser, Page};
use crate::cohort::Cohort;
use crate::form::{self, Person};
use crate::patterns::{MentorPattern, Pattern};
use crate::{Progress, RehearseError, Sms, TruthRow};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use koers_messaging::RecordingGateway;
use koers_scheduler::Scheduler;
use koers_store::studies::Study;
use koers_store::{study_clock, Database};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Student(usize),
    Mentor(usize),
    /// The parent of a student.
    Parent(usize),
}

/// One person of the rehearsal: their browser and what they did.
pub struct Actor {
    pub who: Who,
    pub browser: Browser,
    /// Responses this person has sent (so a mentor's list is worked through once).
    pub sent: HashSet<i64>,
    /// Questionnaires this person decided to leave this time.
    pub skipped: HashSet<i64>,
    /// Already on the way to answer (a later SMS changes nothing).
    pub busy_until: Option<DateTime<Utc>>,
    /// Stopped, withdrawn, declined: acts no more.
    pub gone: bool,
    /// The student intends to stop after this moment (pattern `stopped`).
    pub stop_after: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    Tick,
    /// A person opens the link of an SMS.
    Open {
        actor: usize,
        link: String,
    },
    /// A person sends a form they filled in.
    Submit {
        actor: usize,
        action: String,
        fields: Vec<(String, String)>,
    },
    /// A person goes back to their overview (`/p`) and goes on with what is open.
    Continue {
        actor: usize,
    },
    /// A student stops by themselves on the stop page.
    StopSelf {
        student: usize,
    },
    /// The coordinator ends a student's participation (dropout).
    End {
        student: usize,
    },
    Handover {
        student: usize,
    },
    Withdraw {
        student: usize,
    },
}

pub struct Engine<'a, S> {
    pub app: &'a S,
    pub db: Database,
    pub study: Study,
    pub zone: Tz,
    pub real: std::sync::Arc<dyn koers_core::clock::Clock>,
    pub scheduler: Scheduler,
    pub recorder: RecordingGateway,
    pub rng: ChaCha8Rng,
    /// The feedback consent answers come from a generator per student derived from this, so
    /// asking them does not shift the draws of everything else (the diaries the warnings judge).
    pub consent_seed: u64,
    pub cohort: Cohort,
    pub actors: Vec<Actor>,
    pub by_phone: HashMap<String, usize>,
    pub person_ids: HashMap<usize, i64>,
    pub queue: BinaryHeap<Reverse<(DateTime<Utc>, u64, Event)>>,
    pub seq: u64,
    /// Monday 00:00 of the rehearsal's first week, local time, as UTC.
    pub first_monday: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub staff: Browser,
    pub staff_login: (String, String),
    pub truth: Vec<TruthRow>,
    pub messages: Vec<Sms>,
    pub form_errors: Vec<String>,
    pub pseudonym_key: Vec<u8>,
}

/// The user agents of the phones people answer on (cheap, some old).
const AGENTS: [&str; 4] = [
    "Mozilla/5.0 (Linux; Android 8.1.0; Nokia 2) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 11; SM-A025F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13; moto g32) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
];

impl Actor {
    pub fn new(who: Who, i: usize) -> Self {
        Actor {
            who,
            browser: Browser::new(AGENTS[i % AGENTS.len()]),
            sent: HashSet::new(),
            skipped: HashSet::new(),
            busy_until: None,
            gone: false,
            stop_after: None,
        }
    }
}

/// The student's feedback consent form (in a study that switched feedback on).
const FEEDBACK_CONSENT: &str = "/p/terugkoppeling";

fn path_of(link: &str) -> Option<String> {
    link.find("/l/").map(|i| link[i..].trim_end_matches(['.', ',', ')']).to_string())
}

/// The response a form posts to; a form under it (`/p/r/5/vorige-week`, "same as last week")
/// is not the questionnaire itself.
fn response_id(path: &str, prefix: &str) -> Option<i64> {
    path.strip_prefix(prefix)?.split(['?', '#']).next()?.parse().ok()
}

impl<'a, S, B> Engine<'a, S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    pub fn at(&mut self, when: DateTime<Utc>, e: Event) {
        self.seq += 1;
        self.queue.push(Reverse((when, self.seq, e)));
    }

    fn week_of(&self, t: DateTime<Utc>) -> u32 {
        ((t - self.first_monday).num_days().max(0) / 7) as u32
    }

    /// Moves the study's clock to `to` unless it is there already (it never goes back).
    fn clock_to(&self, to: DateTime<Utc>) -> Result<(), RehearseError> {
        let real = self.real.now();
        let now = study_clock::of_study(&mut *self.db.conn()?, self.study.id)?.at(real);
        if to > now {
            self.db.write(|c| study_clock::set(c, &self.study, to, real))?;
        }
        Ok(())
    }

    /// Runs every moment up to the end; `progress` hears about every week.
    pub async fn run(&mut self, progress: &mut dyn FnMut(&Progress)) -> Result<(), RehearseError> {
        let mut week_reported = u32::MAX;
        while let Some(Reverse((when, _, event))) = self.queue.pop() {
            if when > self.until {
                break;
            }
            self.clock_to(when)?;
            let week = self.week_of(when);
            if week != week_reported && week < self.cohort.weeks + 2 {
                week_reported = week;
                progress(&Progress {
                    week: week + 1,
                    weeks: self.cohort.weeks,
                    messages: self.messages.len(),
                    responses: self.truth.len(),
                });
            }
            self.handle(when, event).await?;
        }
        Ok(())
    }

    async fn handle(&mut self, when: DateTime<Utc>, event: Event) -> Result<(), RehearseError> {
        match event {
            Event::Tick => self.tick(when).await,
            Event::Open { actor, link } => {
                // Busy for the next hour: a reminder arriving mid-form does not start a second go.
                self.actors[actor].busy_until = Some(when + TimeDelta::hours(1));
                if self.actors[actor].gone {
                    return Ok(());
                }
                let page = self.actors[actor].browser.get(self.app, &link).await;
                self.on_page(actor, when, page).await
            }
            Event::Submit { actor, action, fields } => {
                let page = self.actors[actor].browser.post(self.app, &action, &fields).await;
                self.after_submit(actor, when, &action, page).await
            }
            Event::Continue { actor } => {
                let page = self.actors[actor].browser.get(self.app, "/p").await;
                self.on_page(actor, when, page).await
            }
            Event::StopSelf { student } => self.stop_self(student, when).await,
            Event::End { student } => self.coordinator(student, when, "end").await,
            Event::Handover { student } => self.coordinator(student, when, "handover").await,
            Event::Withdraw { student } => self.coordinator(student, when, "withdraw").await,
        }
    }

    /// One round of the scheduler, then every message it sent goes to its person.
    async fn tick(&mut self, when: DateTime<Utc>) -> Result<(), RehearseError> {
        self.scheduler.tick().await.map_err(|e| RehearseError::Failed(e.to_string()))?;
        for sms in self.recorder.take() {
            let Some(&actor) = self.by_phone.get(&sms.to) else {
                self.messages.push(Sms { actor: None, at: when, body: sms.body.clone(), to: sms.to.clone() });
                continue;
            };
            self.messages.push(Sms { actor: Some(actor), at: when, body: sms.body.clone(), to: sms.to.clone() });
            let Some(link) = path_of(&sms.body) else { continue };
            self.on_sms(actor, when, link);
        }
        Ok(())
    }

    /// Whether and when a person answers a message.
    fn on_sms(&mut self, actor: usize, when: DateTime<Utc>, link: String) {
        let a = &self.actors[actor];
        if a.gone || a.busy_until.is_some_and(|b| b > when) {
            return;
        }
        let (rate, delay_minutes) = match a.who {
            Who::Student(i) => {
                let p = self.cohort.students[i].pattern;
                let delay = match p {
                    Pattern::Speeder => self.rng.gen_range(2..30),
                    Pattern::Irregular | Pattern::Skipper => self.rng.gen_range(30..600),
                    _ => self.rng.gen_range(10..240),
                };
                (p.answer_rate(), delay)
            }
            Who::Mentor(i) => {
                let p = self.cohort.mentors[i].pattern;
                let delay = match p {
                    MentorPattern::Late => self.rng.gen_range(500..1200),
                    _ => self.rng.gen_range(20..300),
                };
                (p.answer_rate(), delay)
            }
            Who::Parent(i) => (1.0, self.cohort.students[i].fate.guardian_days.unwrap_or(1) * 24 * 60),
        };
        if !self.rng.gen_bool(rate.clamp(0.0, 1.0)) {
            return;
        }
        let at = when + TimeDelta::minutes(delay_minutes);
        self.actors[actor].busy_until = Some(at);
        self.at(at, Event::Open { actor, link });
    }

    /// What a person does on a page they see: fill in the form that is for them, or go on to
    /// the next questionnaire on their list, or stop.
    async fn on_page(&mut self, actor: usize, when: DateTime<Utc>, page: Page) -> Result<(), RehearseError> {
        if !page.ok() {
            return Ok(());
        }
        let page = self.feedback_consent(actor, when, page).await;
        if !page.ok() {
            return Ok(());
        }
        let forms = form::forms(&page.body);
        let wanted = forms.iter().find(|f| {
            f.action == "/p/toestemming"
                || f.action == "/g"
                || response_id(&f.action, "/p/r/").is_some_and(|id| {
                    !self.actors[actor].sent.contains(&id) && !self.actors[actor].skipped.contains(&id)
                })
        });
        if let Some(f) = wanted.cloned() {
            let minutes = self.minutes_to_answer(actor);
            if let Some(id) = response_id(&f.action, "/p/r/") {
                if self.leaves_this_one(actor) {
                    self.actors[actor].skipped.insert(id);
                    self.at(when + TimeDelta::seconds(5), Event::Continue { actor });
                    return Ok(());
                }
            }
            let fields = self.fill(actor, when, &f);
            if let Some(id) = response_id(&f.action, "/p/r/") {
                // Taken: the same form is not filled in twice (a truth row per response).
                self.actors[actor].sent.insert(id);
            }
            self.at(when + TimeDelta::seconds(minutes), Event::Submit { actor, action: f.action.clone(), fields });
            return Ok(());
        }
        // A mentor's list: the next diary still to do.
        let next = form::links(&page.body).into_iter().find(|l| {
            response_id(l, "/p/r/")
                .is_some_and(|id| !self.actors[actor].sent.contains(&id) && !self.actors[actor].skipped.contains(&id))
        });
        if let Some(link) = next {
            let page = self.actors[actor].browser.get(self.app, &link).await;
            return Box::pin(self.on_page(actor, when + TimeDelta::seconds(3), page)).await;
        }
        // Nothing left to do: a student who meant to stop does so now.
        if let (Who::Student(i), Some(after)) = (self.actors[actor].who, self.actors[actor].stop_after) {
            if when >= after {
                self.actors[actor].stop_after = None;
                self.at(when + TimeDelta::minutes(1), Event::StopSelf { student: i });
            }
        }
        Ok(())
    }

    /// A student asked about feedback answers at once and carries on with the page they were
    /// going to (the open diary): no time passes, no event is queued and the answers come from
    /// the student's own generator, so every other draw and moment stays as without the question.
    async fn feedback_consent(&mut self, actor: usize, when: DateTime<Utc>, page: Page) -> Page {
        let Who::Student(i) = self.actors[actor].who else { return page };
        let Some(f) = form::forms(&page.body).into_iter().find(|f| f.action == FEEDBACK_CONSENT) else { return page };
        let mut rng: ChaCha8Rng = rand::SeedableRng::seed_from_u64(self.consent_seed.wrapping_add(i as u64));
        let fields = form::fill(&f, &mut FeedbackConsentAnswers { rng: &mut rng });
        let next = self.actors[actor].browser.post(self.app, FEEDBACK_CONSENT, &fields).await;
        if next.status == 422 || form::forms(&next.body).iter().any(|f| f.action == FEEDBACK_CONSENT) {
            self.form_errors.push(format!(
                "{} sent {FEEDBACK_CONSENT} at {when} and got {}",
                self.describe(actor),
                next.status
            ));
        }
        next
    }

    /// Seconds a person takes for a form (a speeder is done in moments).
    fn minutes_to_answer(&mut self, actor: usize) -> i64 {
        match self.actors[actor].who {
            Who::Student(i) if self.cohort.students[i].pattern == Pattern::Speeder => self.rng.gen_range(15..40),
            Who::Parent(_) => self.rng.gen_range(60..180),
            _ => self.rng.gen_range(90..300),
        }
    }

    /// A sporadic mentor leaves some diaries of a week.
    fn leaves_this_one(&mut self, actor: usize) -> bool {
        match self.actors[actor].who {
            Who::Mentor(i) => match self.cohort.mentors[i].pattern {
                MentorPattern::Sporadic => self.rng.gen_bool(0.35),
                MentorPattern::Silent => true,
                _ => false,
            },
            _ => false,
        }
    }

    fn fill(&mut self, actor: usize, when: DateTime<Utc>, f: &form::Form) -> Vec<(String, String)> {
        let week = self.week_of(when);
        let who = self.actors[actor].who;
        let mut rng = std::mem::replace(&mut self.rng, rand::SeedableRng::seed_from_u64(0));
        let fields = match who {
            Who::Student(i) => {
                let s = &self.cohort.students[i];
                let parent = s.parent_phone.clone();
                let mut p = StudentAnswers {
                    rng: &mut rng,
                    pattern: s.pattern,
                    level: s.level,
                    week,
                    falls_from: s.fate.falls_from,
                    parent_phone: parent.as_deref(),
                };
                form::fill(f, &mut p)
            }
            Who::Mentor(_) => {
                let contact = rng.gen_bool(0.85);
                let series = if contact { rng.gen_range(1..=3) } else { 0 };
                let mut p = MentorAnswers { rng: &mut rng, contact, series };
                form::fill(f, &mut p)
            }
            Who::Parent(i) => {
                let agree = self.cohort.students[i].pattern != Pattern::GuardianDeclined;
                form::fill(f, &mut ParentAnswers { agree } as &mut dyn Person)
            }
        };
        self.rng = rng;
        fields
    }

    async fn after_submit(
        &mut self,
        actor: usize,
        when: DateTime<Utc>,
        action: &str,
        page: Page,
    ) -> Result<(), RehearseError> {
        if !page.ok() || page.status == 422 || form::forms(&page.body).iter().any(|f| f.action == action) {
            if let Some(id) = response_id(action, "/p/r/") {
                self.actors[actor].sent.remove(&id);
            }
            self.form_errors.push(format!(
                "{} sent {action} at {when} and got {} at {}: {}",
                self.describe(actor),
                page.status,
                page.path,
                form::text(&page.body).split_whitespace().take(60).collect::<Vec<_>>().join(" ")
            ));
            return Ok(());
        }
        if let Some(id) = response_id(action, "/p/r/") {
            self.record_truth(actor, id)?;
        }
        if let Who::Parent(i) = self.actors[actor].who {
            // A parent answers once; a student whose parent said no stops acting.
            self.actors[actor].gone = true;
            if self.cohort.students[i].pattern == Pattern::GuardianDeclined {
                if let Some(&s) = self.by_phone.get(&crate::e164(&self.cohort.students[i].phone)) {
                    self.actors[s].gone = true;
                }
            }
            self.at(when + TimeDelta::seconds(1), Event::Tick);
            return Ok(());
        }
        // Stopping, a consent with a parent's number, or a questionnaire may make the scheduler
        // send something at once (a closing questionnaire, a parent's request).
        self.at(when + TimeDelta::seconds(1), Event::Tick);
        self.on_page(actor, when, page).await?;
        if matches!(self.actors[actor].who, Who::Student(_)) {
            self.at(when + TimeDelta::seconds(10), Event::Continue { actor });
        }
        Ok(())
    }

    fn describe(&self, actor: usize) -> String {
        match self.actors[actor].who {
            Who::Student(i) => format!("student {i} ({})", self.cohort.students[i].pattern.as_str()),
            Who::Mentor(i) => format!("mentor {i}"),
            Who::Parent(i) => format!("parent of student {i}"),
        }
    }

    fn record_truth(&mut self, actor: usize, response: i64) -> Result<(), RehearseError> {
        let r = self.db.read(|c| koers_store::participation::response_facts(c, response))?;
        let Some(r) = r else { return Ok(()) };
        let (pattern, person) = match self.actors[actor].who {
            Who::Student(i) => (self.cohort.students[i].pattern.as_str(), self.person_ids.get(&actor).copied()),
            Who::Mentor(i) => (self.cohort.mentors[i].pattern.as_str(), self.person_ids.get(&actor).copied()),
            Who::Parent(_) => return Ok(()),
        };
        let Some(person) = person else { return Ok(()) };
        let date = koers_core::time::local_date(self.zone, r.open_at);
        self.truth.push(TruthRow {
            person: koers_export::pseudonym(&self.pseudonym_key, person),
            questionnaire: r.questionnaire_key,
            calendar_week: koers_core::weeks::calendar_week(date),
            pattern: pattern.to_string(),
            about: r.about.map(|a| koers_export::pseudonym(&self.pseudonym_key, a)),
        });
        Ok(())
    }

    async fn stop_self(&mut self, student: usize, when: DateTime<Utc>) -> Result<(), RehearseError> {
        let Some(&actor) = self.by_phone.get(&crate::e164(&self.cohort.students[student].phone)) else {
            return Ok(());
        };
        let mut page = self.actors[actor].browser.get(self.app, "/p/stoppen").await;
        if page.status == 401 {
            // Their session ended with the link it came from: they tap their latest SMS first.
            let latest = self.messages.iter().rev().find(|m| m.actor == Some(actor)).and_then(|m| path_of(&m.body));
            let Some(link) = latest else { return Ok(()) };
            let opened = self.actors[actor].browser.get(self.app, &link).await;
            if opened.status == 410 {
                // That link has expired too: stopping waits for the next SMS, as it would.
                self.actors[actor].stop_after = Some(when);
                return Ok(());
            }
            page = self.actors[actor].browser.get(self.app, "/p/stoppen").await;
        }
        let Some(f) = form::forms(&page.body).into_iter().find(|f| f.action == "/p/stoppen") else {
            self.form_errors.push(format!("student {student}: no stop form at {when} ({})", page.status));
            return Ok(());
        };
        let fields = form::fill(&f, &mut ByName(&[("confirm", "yes")]));
        let page = self.actors[actor].browser.post(self.app, "/p/stoppen", &fields).await;
        if !page.ok() {
            self.form_errors.push(format!("student {student}: stopping failed with {}", page.status));
        }
        self.at(when + TimeDelta::seconds(1), Event::Tick);
        Ok(())
    }

    /// The coordinator's change on a student's page, through the staff pages.
    async fn coordinator(&mut self, student: usize, when: DateTime<Utc>, what: &str) -> Result<(), RehearseError> {
        let Some(&actor) = self.by_phone.get(&crate::e164(&self.cohort.students[student].phone)) else {
            return Ok(());
        };
        let Some(&person) = self.person_ids.get(&actor) else { return Ok(()) };
        self.staff_session().await?;
        let path = format!("/staff/people/{person}");
        let page = self.staff.get(self.app, &path).await;
        let action = format!("{path}/{what}");
        let Some(f) = form::forms(&page.body).into_iter().find(|f| f.action == action) else {
            // Already ended or withdrawn: the form is not offered any more.
            return Ok(());
        };
        let s = &self.cohort.students[student];
        let date = koers_core::time::local_date(self.zone, when).to_string();
        let mentor_person = s
            .fate
            .handover_to
            .and_then(|m| self.by_phone.get(&crate::e164(&self.cohort.mentors[m].phone)))
            .and_then(|a| self.person_ids.get(a))
            .map(|id| id.to_string())
            .unwrap_or_default();
        let kind = s.fate.dropout_kind.unwrap_or("other");
        let values: Vec<(&str, &str)> = match what {
            // The rehearsal's dropouts end participation too (the closing questionnaire follows).
            "end" => vec![("reason", kind), ("date", &date), ("ending", "end")],
            "handover" => vec![("mentor_id", &mentor_person)],
            _ => vec![("data", "keep"), ("confirm", "yes")],
        };
        let fields = form::fill(&f, &mut ByName(&values));
        let page = self.staff.post(self.app, &action, &fields).await;
        let s = &self.cohort.students[student];
        if !page.ok() || page.status == 422 {
            self.form_errors.push(format!(
                "coordinator {what} of student {student} ({}): {} {}",
                s.pattern.as_str(),
                page.status,
                form::text(&page.body).split_whitespace().take(80).collect::<Vec<_>>().join(" ")
            ));
        }
        if what == "withdraw" {
            self.actors[actor].gone = true;
        }
        self.at(when + TimeDelta::seconds(1), Event::Tick);
        Ok(())
    }

    async fn staff_session(&mut self) -> Result<(), RehearseError> {
        let page = self.staff.get(self.app, "/staff").await;
        if page.ok() && !page.path.starts_with("/staff/login") {
            return Ok(());
        }
        let page = self.staff.get(self.app, "/staff/login").await;
        let Some(f) = form::forms(&page.body).into_iter().find(|f| f.action == "/staff/login") else {
            return Err(RehearseError::Failed("the staff login page has no form".into()));
        };
        let (email, password) = self.staff_login.clone();
        let fields = form::fill(&f, &mut ByName(&[("email", &email), ("password", &password)]));
        let page = self.staff.post(self.app, "/staff/login", &fields).await;
        if !page.ok() || page.path.starts_with("/staff/login") {
            return Err(RehearseError::Failed(format!("the rehearsal's coordinator cannot log in ({})", page.status)));
        }
        Ok(())
    }

    /// The people of a cohort as the rehearsal files them (person pseudonym, role, pattern).
    pub fn people_rows(&self) -> Vec<(String, &'static str, &'static str)> {
        let mut out: BTreeMap<usize, (String, &'static str, &'static str)> = BTreeMap::new();
        for (actor, a) in self.actors.iter().enumerate() {
            let Some(&id) = self.person_ids.get(&actor) else { continue };
            let row = match a.who {
                Who::Student(i) => ("student", self.cohort.students[i].pattern.as_str()),
                Who::Mentor(i) => ("mentor", self.cohort.mentors[i].pattern.as_str()),
                Who::Parent(_) => continue,
            };
            out.insert(actor, (koers_export::pseudonym(&self.pseudonym_key, id), row.0, row.1));
        }
        out.into_values().collect()
    }
}
