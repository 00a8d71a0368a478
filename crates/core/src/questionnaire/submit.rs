//! What a submitted form means, decided on the server: which items were visible, what each
//! visible item's answer is (or that it was not answered), whether every answer is valid,
//! the paradata, and the scores. The web layer only passes the form in; nothing the browser
//! claims about visibility is trusted (old browsers once stored answers to questions nobody saw).
//!
//! Form field names, shared with the page renderer: an item's value is named by its id
//! (`v3`; a checkbox or days item sends it once per ticked option); `ID__other` holds an
//! "other, namely" text; `ID__touched` is `1` once a slider was touched; `ID__h` and `ID__m`
//! hold hours and minutes; an expandable's fields carry `__N` (1-based) after the inner id;
//! an item repeated per student carries `_sSTUDENT` after its id; `__paradata` is JSON from
//! the page's script; `__unsubscribe` is the unsubscribe button.

use super::model::*;
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use std::collections::{BTreeMap, HashMap, HashSet};

pub const MAX_FIELDS: usize = 5_000;
pub const MAX_FIELD_CHARS: usize = 20_000;
const DEFAULT_TEXTFIELD_MAX: usize = 1_000;
const DEFAULT_TEXTAREA_MAX: usize = 10_000;
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
    Time {
        hour: u32,
        minute: u32,
    },
    DateTime {
        date: NaiveDate,
        hour: u32,
        minute: u32,
    },
    /// A drawing's marks or other structured data.
    Json(String),
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

struct Form<'a> {
    values: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Form<'a> {
    fn all(&self, name: &str) -> Vec<&'a str> {
        self.values.get(name).cloned().unwrap_or_default()
    }
    /// The first non-empty value, trimmed.
    fn one(&self, name: &str) -> Option<&'a str> {
        self.values.get(name)?.iter().map(|v| v.trim()).find(|v| !v.is_empty())
    }
}

fn msg(lang: &str, nl: &str, en: &str) -> String {
    if lang == "en" { en } else { nl }.to_string()
}

/// Decides on a submitted form. Either everything to store, or every problem by item.
pub fn evaluate(q: &Questionnaire, sub: &Submission, ctx: &Context) -> Result<Accepted, Rejected> {
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
    let paradata_in = parse_paradata(form.one("__paradata"));
    let mut out = Accepted {
        answers: Vec::new(),
        paradata: Vec::new(),
        scores: Vec::new(),
        stop_subscription: form.one("__unsubscribe").is_some(),
        duration_seconds: sub.started_at.map(|s| (ctx.now - s).num_seconds().max(0)),
        user_agent: sub.user_agent.as_ref().map(|u| u.chars().take(500).collect()),
        version: q.version.clone(),
    };
    let mut vis = Visibility::default();
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
            let scope = suffix.clone();
            if !vis.visible(item, &scope) {
                continue;
            }
            let key = format!("{}{suffix}", item.id.as_deref().unwrap_or(""));
            evaluate_item(item, &key, *student, &form, ctx, &paradata_in, &mut vis, &scope, &mut out, &mut errors);
        }
    }
    if !errors.is_empty() {
        let kept = sub.fields.iter().filter(|(k, _)| !k.starts_with("__") && k != "csrf").cloned().collect();
        return Err(Rejected { errors, kept });
    }
    out.scores = scores(q, &out.answers);
    Ok(out)
}

/// Which hidden items have been shown (or visible ones hidden) by options chosen so far, per
/// student scope: items are evaluated in order, so an option shows the items after it.
#[derive(Default)]
struct Visibility {
    shown: HashSet<(String, String)>,
    hidden: HashSet<(String, String)>,
}

impl Visibility {
    fn visible(&self, item: &Item, scope: &str) -> bool {
        let Some(id) = item.id.as_deref() else { return !item.hidden };
        let k = (id.to_string(), scope.to_string());
        let shared = (id.to_string(), String::new());
        if self.hidden.contains(&k) || self.hidden.contains(&shared) {
            return false;
        }
        !item.hidden || self.shown.contains(&k) || self.shown.contains(&shared)
    }

    fn choose(&mut self, choice: &Choice, scope: &str) {
        for id in &choice.shows_questions {
            self.shown.insert((id.clone(), scope.to_string()));
            self.hidden.remove(&(id.clone(), scope.to_string()));
        }
        for id in &choice.hides_questions {
            self.hidden.insert((id.clone(), scope.to_string()));
        }
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
struct RawParadata {
    #[serde(default)]
    first: Option<i64>,
    #[serde(default)]
    last: Option<i64>,
    #[serde(default)]
    changes: Option<u32>,
}

/// The page script's record of interactions (milliseconds since the epoch), by field key.
fn parse_paradata(raw: Option<&str>) -> HashMap<String, RawParadata> {
    raw.filter(|r| r.len() <= MAX_PARADATA_BYTES).and_then(|r| serde_json::from_str(r).ok()).unwrap_or_default()
}

fn ms(t: Option<i64>) -> Option<DateTime<Utc>> {
    t.and_then(DateTime::from_timestamp_millis)
}

#[allow(clippy::too_many_arguments)]
fn evaluate_item(
    item: &Item,
    key: &str,
    student: Option<i64>,
    form: &Form<'_>,
    ctx: &Context,
    paradata: &HashMap<String, RawParadata>,
    vis: &mut Visibility,
    scope: &str,
    out: &mut Accepted,
    errors: &mut Vec<FieldError>,
) {
    let lang = ctx.lang.as_str();
    let Some(id) = item.id.clone() else { return };
    let mut error = |message: String| errors.push(FieldError { key: key.to_string(), message });
    let pd = paradata.get(key).cloned().unwrap_or_default();
    let mut touched = pd.changes.unwrap_or(0) > 0;
    let value = match item.kind {
        ItemType::Raw => return,
        ItemType::Unsubscribe => return,
        ItemType::Radio | ItemType::Likert | ItemType::Dropdown => match form.one(key) {
            None => Value::NotAnswered,
            Some(v) => match item.options.iter().find(|o| o.value == v) {
                Some(choice) => {
                    vis.choose(choice, scope);
                    out.stop_subscription |= choice.stop_subscription;
                    Value::Choice(choice.value.clone())
                }
                None if item.show_otherwise && v == "__other" => Value::Choice("__other".into()),
                None => {
                    error(msg(lang, "Kies een van de antwoorden.", "Choose one of the answers."));
                    Value::NotAnswered
                }
            },
        },
        ItemType::Checkbox => {
            let ticked: Vec<&str> = form.all(key).into_iter().map(str::trim).filter(|v| !v.is_empty()).collect();
            let mut codes = Vec::new();
            for o in &item.options {
                if ticked.contains(&o.value.as_str()) {
                    vis.choose(o, scope);
                    out.stop_subscription |= o.stop_subscription;
                    codes.push(o.value.clone());
                }
            }
            if item.show_otherwise && ticked.contains(&"__other") {
                codes.push("__other".into());
            }
            if codes.len() != ticked.iter().collect::<HashSet<_>>().len() {
                error(msg(lang, "Kies alleen uit de antwoorden die er staan.", "Choose only from the answers shown."));
            }
            if item.max_selections.is_some_and(|m| codes.len() as i64 > m) {
                let m = item.max_selections.unwrap_or(0);
                error(msg(lang, &format!("Kies er hoogstens {m}."), &format!("Choose at most {m}.")));
            }
            if codes.is_empty() {
                Value::NotAnswered
            } else {
                Value::Choices(codes)
            }
        }
        ItemType::Range => {
            // Without the script, the page offers a checkbox that says the slider was set.
            touched = touched || form.all(&format!("{key}__touched")).contains(&"1");
            match (touched, form.one(key)) {
                (true, Some(v)) => {
                    let (min, max) = item.range_bounds();
                    match v.parse::<f64>() {
                        Ok(n) if n >= min && n <= max && n.fract() == 0.0 => Value::Number(n),
                        _ => {
                            error(msg(
                                lang,
                                &format!("Kies een waarde van {min} tot en met {max}."),
                                &format!("Choose a value from {min} to {max}."),
                            ));
                            Value::NotAnswered
                        }
                    }
                }
                // An untouched slider says nothing: the thumb's starting place is not an answer.
                _ => Value::NotAnswered,
            }
        }
        ItemType::Number => match form.one(key) {
            None => Value::NotAnswered,
            Some(v) => match number(v, item) {
                Ok(n) => Value::Number(n),
                Err((nl, en)) => {
                    error(msg(lang, &nl, &en));
                    Value::NotAnswered
                }
            },
        },
        ItemType::Textfield | ItemType::Textarea => match form.one(key) {
            None => Value::NotAnswered,
            Some(v) => {
                let default_max =
                    if item.kind == ItemType::Textfield { DEFAULT_TEXTFIELD_MAX } else { DEFAULT_TEXTAREA_MAX };
                let max = item.maxlength.map(|m| m as usize).unwrap_or(default_max).min(default_max);
                if v.chars().count() > max {
                    error(msg(
                        lang,
                        &format!("Gebruik hoogstens {max} tekens."),
                        &format!("Use at most {max} characters."),
                    ));
                }
                if let Some(p) = &item.pattern {
                    if regex::Regex::new(&format!("^(?:{p})$")).is_ok_and(|re| !re.is_match(v)) {
                        let hint = item.hint.as_ref().map(|h| h.resolve(lang, &ctx.fallback_lang).to_string());
                        error(hint.unwrap_or_else(|| {
                            msg(lang, "Dit klopt nog niet helemaal.", "This does not look right yet.")
                        }));
                    }
                }
                Value::Text(v.to_string())
            }
        },
        ItemType::Time => match time_of(item, key, form) {
            Ok(None) => Value::NotAnswered,
            Ok(Some((hour, minute))) => Value::Time { hour, minute },
            Err(()) => {
                error(msg(lang, "Vul een geldige tijd in.", "Enter a valid time."));
                Value::NotAnswered
            }
        },
        ItemType::Date | ItemType::DateAndTime => match form.one(key) {
            None => Value::NotAnswered,
            Some(v) => match parse_date(v) {
                Some(d) if within(d, item, ctx.today) => {
                    if item.kind == ItemType::Date {
                        Value::Date(d)
                    } else {
                        match time_of(item, key, form) {
                            Ok(Some((hour, minute))) => Value::DateTime { date: d, hour, minute },
                            Ok(None) => Value::Date(d),
                            Err(()) => {
                                error(msg(lang, "Vul een geldige tijd in.", "Enter a valid time."));
                                Value::NotAnswered
                            }
                        }
                    }
                }
                Some(_) => {
                    error(msg(lang, "Deze datum kan hier niet.", "This date is not possible here."));
                    Value::NotAnswered
                }
                None => {
                    error(msg(lang, "Vul een datum in zoals 31-12-2026.", "Enter a date such as 2026-12-31."));
                    Value::NotAnswered
                }
            },
        },
        ItemType::Days => {
            let allowed = day_choices(item, ctx.today);
            let ticked: Vec<String> =
                form.all(key).into_iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
            if ticked.iter().any(|t| !allowed.contains(t)) {
                error(msg(lang, "Kies alleen uit de dagen die er staan.", "Choose only from the days shown."));
            }
            if ticked.is_empty() {
                Value::NotAnswered
            } else {
                Value::Choices(allowed.into_iter().filter(|a| ticked.contains(a)).collect())
            }
        }
        ItemType::Expandable => {
            let max = item.max_expansions.unwrap_or(10).clamp(0, 50) as usize;
            let mut count = 0;
            for n in 1..=max {
                let before = out.answers.len();
                for inner in &item.content {
                    let Some(inner_id) = &inner.id else { continue };
                    let inner_key = format!("{inner_id}{scope}__{n}");
                    evaluate_item(inner, &inner_key, student, form, ctx, paradata, vis, scope, out, errors);
                }
                let answered = out.answers[before..].iter().any(|a| a.value != Value::NotAnswered);
                if answered {
                    count = n;
                } else {
                    // An empty expansion is not an answer at all.
                    out.answers.truncate(before);
                }
            }
            Value::Number(count as f64)
        }
        ItemType::Drawing => match form.one(key) {
            None => Value::NotAnswered,
            Some(v) if v.len() <= 10_000 && serde_json::from_str::<serde_json::Value>(v).is_ok() => {
                Value::Json(v.to_string())
            }
            Some(_) => {
                error(msg(lang, "De tekening kon niet worden bewaard.", "The drawing could not be saved."));
                Value::NotAnswered
            }
        },
    };
    if item.required && value == Value::NotAnswered {
        let text = if item.kind == ItemType::Checkbox {
            msg(lang, "Kies minstens één antwoord.", "Choose at least one answer.")
        } else {
            msg(lang, "Deze vraag moet je beantwoorden.", "Please answer this question.")
        };
        errors.push(FieldError { key: key.to_string(), message: text });
    }
    let chose_other = matches!(&value, Value::Choice(c) if c == "__other")
        || matches!(&value, Value::Choices(c) if c.iter().any(|c| c == "__other"));
    out.answers.push(Answer { key: key.to_string(), item_id: id.clone(), about_student: student, value });
    if item.show_otherwise {
        let other = form.one(&format!("{key}__other")).filter(|_| chose_other);
        let other = other.map(|o| o.chars().take(DEFAULT_TEXTFIELD_MAX).collect::<String>());
        out.answers.push(Answer {
            key: format!("{key}__other"),
            item_id: format!("{id}__other"),
            about_student: student,
            value: other.map(Value::Text).unwrap_or(Value::NotAnswered),
        });
    }
    if item.kind.takes_answer() && item.kind != ItemType::Expandable {
        out.paradata.push(ItemParadata {
            key: key.to_string(),
            touched,
            changes: pd.changes.unwrap_or(0),
            first_at: ms(pd.first),
            last_at: ms(pd.last),
        });
    }
}

fn number(v: &str, item: &Item) -> Result<f64, (String, String)> {
    let n: f64 =
        v.replace(',', ".").parse().map_err(|_| ("Vul een getal in.".to_string(), "Enter a number.".to_string()))?;
    if !n.is_finite() {
        return Err(("Vul een getal in.".into(), "Enter a number.".into()));
    }
    if item.maxlength.is_some_and(|m| v.chars().count() as i64 > m) {
        return Err(("Dit getal is te lang.".into(), "This number is too long.".into()));
    }
    if item.min.is_some_and(|m| n < m) || item.max.is_some_and(|m| n > m) {
        let (lo, hi) = (
            item.min.map(|m| m.to_string()).unwrap_or("…".into()),
            item.max.map(|m| m.to_string()).unwrap_or("…".into()),
        );
        return Err((
            format!("Vul een getal in van {lo} tot en met {hi}."),
            format!("Enter a number from {lo} to {hi}."),
        ));
    }
    let step = item.step.unwrap_or(1.0);
    let base = item.min.unwrap_or(0.0);
    let steps = (n - base) / step;
    if (steps - steps.round()).abs() > 1e-6 {
        return Err((format!("Gebruik stappen van {step}."), format!("Use steps of {step}.")));
    }
    Ok(n)
}

fn time_of(item: &Item, key: &str, form: &Form<'_>) -> Result<Option<(u32, u32)>, ()> {
    let h_name = item.time.hours_id.clone().unwrap_or_else(|| format!("{key}__h"));
    let m_name = item.time.minutes_id.clone().unwrap_or_else(|| format!("{key}__m"));
    let (h, m) = (form.one(&h_name), form.one(&m_name));
    match (h, m) {
        (None, None) => Ok(None),
        (Some(h), m) => {
            let hour: u32 = h.parse().map_err(|_| ())?;
            let minute: u32 = m.unwrap_or("0").parse().map_err(|_| ())?;
            let from = item.time.hours_from.unwrap_or(0) as u32;
            let to = item.time.hours_to.unwrap_or(23).min(23) as u32;
            if hour < from || hour > to || minute > 59 {
                return Err(());
            }
            Ok(Some((hour, minute)))
        }
        (None, Some(_)) => Err(()),
    }
}

fn parse_date(v: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"].iter().find_map(|f| NaiveDate::parse_from_str(v, f).ok())
}

fn bound(b: &DateBound, today: NaiveDate) -> NaiveDate {
    match b {
        DateBound::Fixed(d) => *d,
        DateBound::DaysFromToday(n) => today + TimeDelta::days(*n),
    }
}

fn within(d: NaiveDate, item: &Item, today: NaiveDate) -> bool {
    item.date_min.as_ref().is_none_or(|b| d >= bound(b, today))
        && item.date_max.as_ref().is_none_or(|b| d <= bound(b, today))
}

/// The values a days item offers: recent dates (and day parts), newest last.
pub fn day_choices(item: &Item, today: NaiveDate) -> Vec<String> {
    let back = item.days.from_days_ago.unwrap_or(7).clamp(1, 31);
    let mut out = Vec::new();
    let first = if item.days.include_today { 0 } else { 1 };
    for ago in (first..=back).rev() {
        let d = today - TimeDelta::days(ago);
        if item.days.exclude_weekends && matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            continue;
        }
        if item.days.morning_and_afternoon {
            out.push(format!("{d}_morning"));
            out.push(format!("{d}_afternoon"));
        } else {
            out.push(d.to_string());
        }
    }
    out
}

/// The number an answer gives a score: a slider's or number's value, an option's
/// `numeric_value`, or the sum of the ticked options' values.
fn numeric_value(item: &Item, v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) if matches!(item.kind, ItemType::Range | ItemType::Number) => Some(*n),
        Value::Choice(c) => item.options.iter().find(|o| &o.value == c).and_then(|o| o.numeric_value),
        Value::Choices(cs) => {
            let vals: Vec<f64> =
                item.options.iter().filter(|o| cs.contains(&o.value)).filter_map(|o| o.numeric_value).collect();
            (!vals.is_empty()).then(|| vals.iter().sum())
        }
        _ => None,
    }
}

fn scores(q: &Questionnaire, answers: &[Answer]) -> Vec<(String, Option<f64>)> {
    let mut done: BTreeMap<String, Option<f64>> = BTreeMap::new();
    let mut out = Vec::new();
    for s in &q.scores {
        let mut values = Vec::new();
        let mut missing = false;
        for id in &s.ids {
            let v = match (q.item(id), done.get(id)) {
                (Some(item), _) => {
                    let found: Vec<f64> = answers
                        .iter()
                        .filter(|a| &a.item_id == id)
                        .filter_map(|a| numeric_value(item, &a.value))
                        .collect();
                    // Repeated items (per student) count with their average.
                    (!found.is_empty()).then(|| found.iter().sum::<f64>() / found.len() as f64)
                }
                (None, Some(score)) => *score,
                (None, None) => None,
            };
            match v {
                Some(v) => values.push(v),
                None => missing = true,
            }
        }
        let value = if values.is_empty() || (s.require_all && missing) {
            None
        } else {
            let total: f64 = values.iter().sum();
            let v = match s.operation {
                Operation::Sum => total,
                Operation::Average => total / values.len() as f64,
            };
            Some(match s.round_to_decimals {
                Some(d) => {
                    let f = 10f64.powi(d as i32);
                    (v * f).round() / f
                }
                None => v,
            })
        };
        done.insert(s.id.clone(), value);
        out.push((s.id.clone(), value));
    }
    out
}
