//! What a submitted form means, decided on the server: which items were visible, what each
//! visible item's answer is (or that it was not answered), whether every answer is valid,
//! the paradata, and the scores. The web layer only passes the form in; nothing the browser
//! claims about visibility is trusted (old browsers once stored answers to questions nobody saw).
//!
//! Form field names, shared with the page renderer: an item's value is named by its id
//! (`v3`; a checkbox or days item sends it once per ticked option; a table row by the row's
//! id); `ID__other` holds an "other, namely" text; `ID__touched` is `1` once a slider was
//! touched; `ID__h` and `ID__m` hold hours and minutes; an expandable's fields carry `__N`
//! (1-based) after the inner id; an item repeated per student carries `_sSTUDENT` after its
//! id; `__paradata` is JSON from the page's script; `__unsubscribe` is the unsubscribe button.
//! The page's own buttons for browsers without scripts, `__step` (go to a step) and `__more`
//! (one more action block), are handled by the web layer before a form gets here.

use super::model::*;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use std::collections::{HashMap, HashSet};

pub use super::answer::day_choices;

pub const MAX_FIELDS: usize = 5_000;
pub const MAX_FIELD_CHARS: usize = 20_000;
const MAX_PARADATA_BYTES: usize = 64 * 1024;

/// A submitted form: its fields as sent (a name may repeat), and what the server knows.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    pub fields: Vec<(String, String)>,
    /// When the page was first shown, as the server recorded it.
    pub started_at: Option<DateTime<Utc>>,
    pub user_agent: Option<String>,
}

/// What the questionnaire's rules need to know about the person and the moment.
#[derive(Debug, Clone)]
pub struct Context {
    pub lang: String,
    pub fallback_lang: String,
    pub now: DateTime<Utc>,
    /// The person's local date, for date limits relative to today.
    pub today: NaiveDate,
    /// When the person's protocol started, for `show_after` in seconds.
    pub protocol_start: DateTime<Utc>,
    /// Whether this is the person's last questionnaire of the protocol.
    pub final_questionnaire: bool,
    /// Students a mentor answers `foreach: student` items about: (person id, first name).
    pub students: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    NotAnswered,
    Text(String),
    Number(f64),
    /// An option's code.
    Choice(String),
    /// Ticked options' codes, in the order of the options.
    Choices(Vec<String>),
    Date(NaiveDate),
    /// Hours and minutes: a clock time, or (u-can-act's `time`) a duration that may pass 24 hours.
    Time {
        hour: u32,
        minute: u32,
    },
    DateTime {
        date: NaiveDate,
        hour: u32,
        minute: u32,
    },
    /// A drawing's marks, a network or other structured data.
    Json(String),
}

impl Value {
    /// The codes a condition compares with: an option's code, the ticked codes, or the
    /// answer as text.
    pub fn codes(&self) -> Vec<String> {
        match self {
            Value::NotAnswered => Vec::new(),
            Value::Text(t) | Value::Choice(t) | Value::Json(t) => vec![t.clone()],
            Value::Number(n) => vec![if n.fract() == 0.0 { format!("{}", *n as i64) } else { n.to_string() }],
            Value::Choices(cs) => cs.clone(),
            Value::Date(d) => vec![d.to_string()],
            Value::Time { hour, minute } => vec![format!("{hour:02}:{minute:02}")],
            Value::DateTime { date, hour, minute } => vec![format!("{date}T{hour:02}:{minute:02}")],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The stored id: the item's id, with `_sSTUDENT` or `__N` where the item repeats.
    pub key: String,
    pub item_id: String,
    pub about_student: Option<i64>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemParadata {
    pub key: String,
    pub touched: bool,
    pub changes: u32,
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    pub answers: Vec<Answer>,
    pub paradata: Vec<ItemParadata>,
    pub scores: Vec<(String, Option<f64>)>,
    /// An unsubscribe button or a `stop_subscription` option: participation ends after this.
    pub stop_subscription: bool,
    pub duration_seconds: Option<i64>,
    pub user_agent: Option<String>,
    pub version: String,
}

impl Accepted {
    /// Nothing was answered: every item left empty. Sent by accident more often than on
    /// purpose, so the page asks once more, and it earns no reward unless the study says so.
    pub fn answered_nothing(&self) -> bool {
        self.answers.iter().all(|a| match &a.value {
            Value::NotAnswered => true,
            Value::Text(t) => t.trim().is_empty(),
            Value::Choices(c) => c.is_empty(),
            _ => false,
        })
    }
}

/// A problem with one item's answer, in the participant's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub key: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub errors: Vec<FieldError>,
    /// What was filled in, to show the form again as it was.
    pub kept: Vec<(String, String)>,
}

pub(super) struct Form<'a> {
    values: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Form<'a> {
    pub fn all(&self, name: &str) -> Vec<&'a str> {
        self.values.get(name).cloned().unwrap_or_default()
    }
    /// The first non-empty value, trimmed.
    pub fn one(&self, name: &str) -> Option<&'a str> {
        self.values.get(name)?.iter().map(|v| v.trim()).find(|v| !v.is_empty())
    }
}

pub(super) fn msg(lang: &str, nl: &str, en: &str) -> String {
    if lang == "en" { en } else { nl }.to_string()
}

/// Decides on a submitted form. Either everything to store, or every problem by item.
pub fn validate_submission(q: &Questionnaire, sub: &Submission, ctx: &Context) -> Result<Accepted, Rejected> {
    let lang = ctx.lang.as_str();
    let mut errors = Vec::new();
    if sub.fields.len() > MAX_FIELDS
        || sub.fields.iter().any(|(k, v)| k.len() > 200 || v.chars().count() > MAX_FIELD_CHARS)
    {
        errors.push(FieldError {
            key: String::new(),
            message: msg(
                lang,
                "Dit formulier is te groot. Maak je antwoorden korter.",
                "This form is too large. Please shorten your answers.",
            ),
        });
        return Err(Rejected { errors, kept: Vec::new() });
    }
    let mut values: HashMap<&str, Vec<&str>> = HashMap::new();
    for (k, v) in &sub.fields {
        values.entry(k.as_str()).or_default().push(v.as_str());
    }
    let form = Form { values };
    let paradata = parse_paradata(form.one("__paradata"));
    // An option may show an item above it (u-can-act's page script allowed that), so the
    // questionnaire is read again with what the last reading showed and hid, until nothing
    // changes.
    let mut seen = Toggles::default();
    let mut passes = 0;
    let (out, errors) = loop {
        passes += 1;
        let (out, errors, vis) = read_all(q, sub, ctx, &form, &paradata, &seen);
        if vis.toggles == seen || passes == 4 {
            break (out, errors);
        }
        seen = vis.toggles;
    };
    if !errors.is_empty() {
        let kept = sub.fields.iter().filter(|(k, _)| !k.starts_with("__") && k != "csrf").cloned().collect();
        return Err(Rejected { errors, kept });
    }
    let mut out = out;
    out.scores = super::scores::scores(q, &out.answers);
    Ok(out)
}

fn read_all(
    q: &Questionnaire,
    sub: &Submission,
    ctx: &Context,
    form: &Form<'_>,
    paradata: &HashMap<String, RawParadata>,
    seen: &Toggles,
) -> (Accepted, Vec<FieldError>, Visibility) {
    let mut out = Accepted {
        answers: Vec::new(),
        paradata: Vec::new(),
        scores: Vec::new(),
        stop_subscription: form.one("__unsubscribe").is_some(),
        duration_seconds: sub.started_at.map(|s| (ctx.now - s).num_seconds().max(0)),
        user_agent: sub.user_agent.as_ref().map(|u| u.chars().take(500).collect()),
        version: q.version.clone(),
    };
    let mut errors = Vec::new();
    let mut run = Run {
        form,
        ctx,
        paradata: paradata.clone(),
        vis: Visibility { seen: seen.clone(), ..Default::default() },
        out: &mut out,
        errors: &mut errors,
    };
    let students: Vec<(Option<i64>, String)> = if ctx.students.is_empty() {
        vec![(None, String::new())]
    } else {
        ctx.students.iter().map(|(id, _)| (Some(*id), format!("_s{id}"))).collect()
    };
    for item in &q.questions {
        if !shown_now(item, ctx) {
            continue;
        }
        let repeats: Vec<(Option<i64>, String)> =
            if item.foreach_student { students.clone() } else { vec![(None, String::new())] };
        for (student, suffix) in &repeats {
            let place = Place { scope: suffix.clone(), outer: suffix.clone(), siblings: &[], student: *student };
            if !run.vis.visible(item, &place) {
                continue;
            }
            let key = format!("{}{suffix}", item.id.as_deref().unwrap_or(""));
            run.item(item, &key, &place);
        }
    }
    let vis = std::mem::take(&mut run.vis);
    (out, errors, vis)
}

/// The ids shown and hidden by answers, with their scope.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Toggles {
    shown: HashSet<(String, String)>,
    hidden: HashSet<(String, String)>,
}

/// Where an item is answered: its scope (the student suffix, and `__N` inside an
/// expandable), the scope around it, and the other items of its expansion.
pub(super) struct Place<'q> {
    pub scope: String,
    pub outer: String,
    pub siblings: &'q [Item],
    pub student: Option<i64>,
}

/// What the answers so far say about visibility, per scope: items are read in order, so an
/// option shows or hides the items after it, and a `show_when` reads earlier answers. A hide
/// wins over a show, whatever the order of the questions that gave them.
#[derive(Default)]
pub(super) struct Visibility {
    /// What answers showed and hid in this reading.
    toggles: Toggles,
    /// What they showed and hid in the reading before (for items above their option).
    seen: Toggles,
    answers: HashMap<(String, String), Vec<String>>,
}

impl Visibility {
    fn scopes<'a>(place: &'a Place<'_>) -> [&'a str; 3] {
        [place.scope.as_str(), place.outer.as_str(), ""]
    }

    fn any(&self, shown: bool, id: &str, place: &Place<'_>) -> bool {
        let sets =
            if shown { [&self.toggles.shown, &self.seen.shown] } else { [&self.toggles.hidden, &self.seen.hidden] };
        Visibility::scopes(place).iter().any(|s| sets.iter().any(|set| set.contains(&(id.to_string(), s.to_string()))))
    }

    pub fn visible(&self, item: &Item, place: &Place<'_>) -> bool {
        if let Some(id) = item.id.as_deref() {
            if self.any(false, id, place) {
                return false;
            }
            if item.hidden && !self.any(true, id, place) {
                return false;
            }
        } else if item.hidden {
            return false;
        }
        match &item.show_when {
            None => true,
            Some(cond) => cond.holds(&|id| {
                Visibility::scopes(place)
                    .iter()
                    .find_map(|s| self.answers.get(&(id.to_string(), s.to_string())).cloned())
                    .unwrap_or_default()
            }),
        }
    }

    /// An answer's effect: the ids it shows and hides, in this expansion when they are its
    /// siblings, else around it.
    pub fn toggle(&mut self, shows: &[String], hides: &[String], place: &Place<'_>) {
        let scope_of = |id: &String| {
            if place.siblings.iter().any(|s| s.id.as_ref() == Some(id)) {
                place.scope.clone()
            } else {
                place.outer.clone()
            }
        };
        for id in shows {
            self.toggles.shown.insert((id.clone(), scope_of(id)));
        }
        for id in hides {
            self.toggles.hidden.insert((id.clone(), scope_of(id)));
        }
    }

    pub fn record(&mut self, id: &str, place: &Place<'_>, value: &Value) {
        self.answers.insert((id.to_string(), place.scope.clone()), value.codes());
    }
}

fn shown_now(item: &Item, ctx: &Context) -> bool {
    match &item.show_after {
        None => true,
        Some(ShowAfter::Seconds(s)) => ctx.now >= ctx.protocol_start + TimeDelta::seconds(*s),
        Some(ShowAfter::At(t)) => ctx.now >= *t,
        Some(ShowAfter::OnlyOnFinalQuestionnaire) => ctx.final_questionnaire,
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub(super) struct RawParadata {
    #[serde(default)]
    pub first: Option<i64>,
    #[serde(default)]
    pub last: Option<i64>,
    #[serde(default)]
    pub changes: Option<u32>,
}

/// The page script's record of interactions (milliseconds since the epoch), by field key.
fn parse_paradata(raw: Option<&str>) -> HashMap<String, RawParadata> {
    raw.filter(|r| r.len() <= MAX_PARADATA_BYTES).and_then(|r| serde_json::from_str(r).ok()).unwrap_or_default()
}

/// One submission being read: the form, what is known so far, and what comes out.
pub(super) struct Run<'a, 'f> {
    pub form: &'a Form<'f>,
    pub ctx: &'a Context,
    pub paradata: HashMap<String, RawParadata>,
    pub vis: Visibility,
    pub out: &'a mut Accepted,
    pub errors: &'a mut Vec<FieldError>,
}
