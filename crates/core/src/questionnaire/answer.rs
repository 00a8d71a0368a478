//! One visible item's answer in a submitted form: read by its type, checked against its
//! options, range, pattern and limits, and recorded (with its paradata) or refused.

use super::model::*;
use super::read::parse_date;
use super::submit::{msg, Answer, FieldError, Form, ItemParadata, Place, Run, Value};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use std::collections::HashSet;

const DEFAULT_TEXTFIELD_MAX: usize = 1_000;
const DEFAULT_TEXTAREA_MAX: usize = 10_000;

fn ms(t: Option<i64>) -> Option<DateTime<Utc>> {
    t.and_then(DateTime::from_timestamp_millis)
}

impl Run<'_, '_> {
    fn error(&mut self, key: &str, nl: &str, en: &str) {
        let message = msg(&self.ctx.lang, nl, en);
        self.errors.push(FieldError { key: key.to_string(), message });
    }

    fn paradata(&mut self, key: &str, touched: bool) {
        let pd = self.paradata.get(key).cloned().unwrap_or_default();
        self.out.paradata.push(ItemParadata {
            key: key.to_string(),
            touched: touched || pd.changes.unwrap_or(0) > 0,
            changes: pd.changes.unwrap_or(0),
            first_at: ms(pd.first),
            last_at: ms(pd.last),
        });
    }

    fn required(&mut self, item: &Item, key: &str, value: &Value) {
        // One message per question: an answer that was refused already says why.
        if item.required && *value == Value::NotAnswered && !self.errors.iter().any(|e| e.key == key) {
            if matches!(item.kind, ItemType::Checkbox | ItemType::Days) {
                self.error(key, "Kies minstens één antwoord.", "Choose at least one answer.");
            } else {
                self.error(key, "Deze vraag moet je beantwoorden.", "Please answer this question.");
            }
        }
    }

    /// Reads one item (and, for an expandable, everything in it).
    pub(super) fn item(&mut self, item: &Item, key: &str, place: &Place<'_>) {
        let Some(id) = item.id.clone() else { return };
        match item.kind {
            ItemType::Raw | ItemType::Unsubscribe | ItemType::NextQuestionnaireNotice | ItemType::PageBreak => return,
            ItemType::Table => return self.table(item, key, place),
            ItemType::Expandable => return self.expandable(item, key, place),
            _ => {}
        }
        let touched_slider = item.kind == ItemType::Range
            && item.slider_set(self.form.all(&format!("{key}__touched")).contains(&"1"), self.form.one(key));
        let value = self.value(item, key, place);
        self.required(item, key, &value);
        self.vis.record(&id, place, &value);
        let chose_other = matches!(&value, Value::Choice(c) if c == "__other")
            || matches!(&value, Value::Choices(c) if c.iter().any(|c| c == "__other"));
        self.out.answers.push(Answer {
            key: key.to_string(),
            item_id: id.clone(),
            about_student: place.student,
            value,
        });
        if item.show_otherwise && matches!(item.kind, ItemType::Radio | ItemType::Checkbox) {
            let other = self.form.one(&format!("{key}__other")).filter(|_| chose_other);
            let other = other.map(|o| o.chars().take(DEFAULT_TEXTFIELD_MAX).collect::<String>());
            self.out.answers.push(Answer {
                key: format!("{key}__other"),
                item_id: format!("{id}__other"),
                about_student: place.student,
                value: other.map(Value::Text).unwrap_or(Value::NotAnswered),
            });
        }
        self.paradata(key, touched_slider);
    }

    fn choose(&mut self, item: &Item, code: &str, place: &Place<'_>) -> bool {
        match item.options.iter().find(|o| o.value == code) {
            Some(o) => {
                self.vis.toggle(&o.shows_questions, &o.hides_questions, place);
                self.out.stop_subscription |= o.stop_subscription;
                true
            }
            None => false,
        }
    }

    fn value(&mut self, item: &Item, key: &str, place: &Place<'_>) -> Value {
        let form: &Form<'_> = self.form;
        match item.kind {
            ItemType::Radio | ItemType::Likert | ItemType::Dropdown => match form.one(key) {
                None => Value::NotAnswered,
                Some(v) if self.choose(item, v, place) => Value::Choice(v.to_string()),
                Some("__other") if item.show_otherwise && item.kind == ItemType::Radio => {
                    Value::Choice("__other".into())
                }
                Some(_) => {
                    self.error(key, "Kies een van de antwoorden.", "Choose one of the answers.");
                    Value::NotAnswered
                }
            },
            ItemType::Checkbox => {
                let ticked: Vec<&str> = form.all(key).into_iter().map(str::trim).filter(|v| !v.is_empty()).collect();
                let mut codes = Vec::new();
                for o in &item.options {
                    if ticked.contains(&o.value.as_str()) && self.choose(item, &o.value, place) {
                        codes.push(o.value.clone());
                    }
                }
                if item.show_otherwise && ticked.contains(&"__other") {
                    codes.push("__other".into());
                }
                if codes.len() != ticked.iter().collect::<HashSet<_>>().len() {
                    self.error(
                        key,
                        "Kies alleen uit de antwoorden die er staan.",
                        "Choose only from the answers shown.",
                    );
                }
                if let Some(m) = item.max_selections.filter(|m| codes.len() as i64 > *m) {
                    self.error(key, &format!("Kies er hoogstens {m}."), &format!("Choose at most {m}."));
                }
                if codes.is_empty() {
                    Value::NotAnswered
                } else {
                    Value::Choices(codes)
                }
            }
            ItemType::Range => {
                // Without the script, the page offers a checkbox that says the slider was set.
                let pd_touched = self.paradata.get(key).is_some_and(|p| p.changes.unwrap_or(0) > 0);
                let touched =
                    pd_touched || item.slider_set(form.all(&format!("{key}__touched")).contains(&"1"), form.one(key));
                match (touched, form.one(key)) {
                    (true, Some(v)) => {
                        let (min, max) = item.range_bounds();
                        let step = item.step.filter(|s| *s > 0.0).unwrap_or(1.0);
                        match v.parse::<f64>() {
                            Ok(n) if n >= min && n <= max && on_grid(n, min, step) => Value::Number(n),
                            _ => {
                                self.error(
                                    key,
                                    &format!("Kies een waarde van {min} tot en met {max}."),
                                    &format!("Choose a value from {min} to {max}."),
                                );
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
                        self.error(key, &nl, &en);
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
                        self.error(
                            key,
                            &format!("Gebruik hoogstens {max} tekens."),
                            &format!("Use at most {max} characters."),
                        );
                    }
                    if let Some(p) = &item.pattern {
                        if regex::Regex::new(&format!("^(?:{p})$")).is_ok_and(|re| !re.is_match(v)) {
                            let hint = item.hint.as_ref().map(|h| h.resolve(&self.ctx.lang, &self.ctx.fallback_lang));
                            let (nl, en) = match hint {
                                Some(h) => (h.to_string(), h.to_string()),
                                None => ("Dit klopt nog niet helemaal.".into(), "This does not look right yet.".into()),
                            };
                            self.error(key, &nl, &en);
                        }
                    }
                    Value::Text(v.to_string())
                }
            },
            ItemType::Time => match time_of(item, key, form) {
                Ok(None) => Value::NotAnswered,
                Ok(Some((hour, minute))) => Value::Time { hour, minute },
                Err(()) => {
                    self.error(key, "Vul een geldige tijd in.", "Enter a valid time.");
                    Value::NotAnswered
                }
            },
            ItemType::TimeFancy => match form.one(key) {
                None => Value::NotAnswered,
                Some(v) => match clock_time(v) {
                    Some((hour, minute)) => Value::Time { hour, minute },
                    None => {
                        self.error(key, "Vul een tijd in zoals 14:30.", "Enter a time such as 14:30.");
                        Value::NotAnswered
                    }
                },
            },
            ItemType::Date | ItemType::DateRange | ItemType::DateAndTime => self.date(item, key),
            ItemType::Days => {
                let allowed = day_choices(item, self.ctx.today);
                let ticked: Vec<String> =
                    form.all(key).into_iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
                if ticked.iter().any(|t| !allowed.contains(t)) {
                    self.error(key, "Kies alleen uit de dagen die er staan.", "Choose only from the days shown.");
                }
                if ticked.is_empty() {
                    Value::NotAnswered
                } else {
                    self.vis.toggle(&item.shows_questions, &item.hides_questions, place);
                    Value::Choices(allowed.into_iter().filter(|a| ticked.contains(a)).collect())
                }
            }
            ItemType::Drawing | ItemType::Gentle => match form.one(key) {
                None => Value::NotAnswered,
                Some(v) if v.len() <= 100_000 && serde_json::from_str::<serde_json::Value>(v).is_ok() => {
                    Value::Json(v.to_string())
                }
                Some(_) => {
                    self.error(key, "De tekening kon niet worden bewaard.", "The drawing could not be saved.");
                    Value::NotAnswered
                }
            },
            ItemType::Table
            | ItemType::Expandable
            | ItemType::Raw
            | ItemType::Unsubscribe
            | ItemType::NextQuestionnaireNotice
            | ItemType::PageBreak => Value::NotAnswered,
        }
    }

    fn date(&mut self, item: &Item, key: &str) -> Value {
        let Some(v) = self.form.one(key) else { return Value::NotAnswered };
        match parse_date(v) {
            Some(d) if within(d, item, self.ctx.today) => {
                if item.kind != ItemType::DateAndTime {
                    return Value::Date(d);
                }
                match time_of(item, key, self.form) {
                    Ok(Some((hour, minute))) => Value::DateTime { date: d, hour, minute },
                    Ok(None) => Value::Date(d),
                    Err(()) => {
                        self.error(key, "Vul een geldige tijd in.", "Enter a valid time.");
                        Value::NotAnswered
                    }
                }
            }
            Some(_) => {
                self.error(key, "Deze datum kan hier niet.", "This date is not possible here.");
                Value::NotAnswered
            }
            None => {
                self.error(key, "Vul een datum in zoals 31-12-2026.", "Enter a date such as 2026-12-31.");
                Value::NotAnswered
            }
        }
    }

    /// A table: one answer per row, stored under the row's id.
    fn table(&mut self, item: &Item, key: &str, place: &Place<'_>) {
        let suffix = key.strip_prefix(item.id.as_deref().unwrap_or("")).unwrap_or("");
        for row in &item.rows {
            let row_key = format!("{}{suffix}", row.id);
            let value = match self.form.one(&row_key) {
                None => Value::NotAnswered,
                Some(v) if item.options.iter().any(|o| o.value == v) => {
                    self.vis.toggle(&row.shows_questions, &row.hides_questions, place);
                    Value::Choice(v.to_string())
                }
                Some(_) => {
                    self.error(&row_key, "Kies een van de antwoorden.", "Choose one of the answers.");
                    Value::NotAnswered
                }
            };
            self.required(item, &row_key, &value);
            self.vis.record(&row.id, place, &value);
            self.out.answers.push(Answer {
                key: row_key.clone(),
                item_id: row.id.clone(),
                about_student: place.student,
                value,
            });
            self.paradata(&row_key, false);
        }
    }

    /// An expandable: each expansion's items in their own scope; the number of expansions
    /// filled in is the expandable's answer, and an empty expansion is no answer at all.
    fn expandable(&mut self, item: &Item, key: &str, place: &Place<'_>) {
        let id = item.id.clone().unwrap_or_default();
        let max = item.max_expansions.unwrap_or(10).clamp(0, 50) as usize;
        let mut count = 0;
        for n in 1..=max {
            let inner_place = Place {
                scope: format!("{}__{n}", place.scope),
                outer: place.scope.clone(),
                siblings: &item.content,
                student: place.student,
            };
            // An expansion nobody filled in was not opened: its questions ask nothing.
            let sent = item.content.iter().any(|inner| {
                inner.id.as_ref().is_some_and(|inner_id| self.sent(inner, &format!("{inner_id}{}__{n}", place.scope)))
            });
            if !sent {
                continue;
            }
            count = n;
            for inner in &item.content {
                let Some(inner_id) = &inner.id else { continue };
                if !self.vis.visible(inner, &inner_place) {
                    continue;
                }
                let inner_key = format!("{inner_id}{}__{n}", place.scope);
                self.item(inner, &inner_key, &inner_place);
            }
        }
        let value = Value::Number(count as f64);
        self.vis.record(&id, place, &value);
        self.out.answers.push(Answer { key: key.to_string(), item_id: id, about_student: place.student, value });
    }
}

impl Run<'_, '_> {
    /// Whether the form holds anything for this item (an untouched slider holds nothing).
    fn sent(&self, item: &Item, key: &str) -> bool {
        let one = |k: &str| self.form.one(k).is_some();
        match item.kind {
            ItemType::Range => {
                item.slider_set(self.form.all(&format!("{key}__touched")).contains(&"1"), self.form.one(key))
            }
            ItemType::Time | ItemType::DateAndTime => {
                one(key)
                    || one(&item.time.hours_id.clone().unwrap_or_else(|| format!("{key}__h")))
                    || one(&item.time.minutes_id.clone().unwrap_or_else(|| format!("{key}__m")))
            }
            ItemType::Table => {
                let suffix = key.strip_prefix(item.id.as_deref().unwrap_or("")).unwrap_or("");
                item.rows.iter().any(|r| one(&format!("{}{suffix}", r.id)))
            }
            _ => one(key) || one(&format!("{key}__other")),
        }
    }
}

fn on_grid(n: f64, base: f64, step: f64) -> bool {
    let steps = (n - base) / step;
    (steps - steps.round()).abs() < 1e-6
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
    if !on_grid(n, item.min.unwrap_or(0.0), step) {
        return Err((format!("Gebruik stappen van {step}."), format!("Use steps of {step}.")));
    }
    Ok(n)
}

/// Hours and minutes from the two selects; an hour may be a fraction (`1.5` with
/// `hours_step: 0.5`), whose minutes are added.
fn time_of(item: &Item, key: &str, form: &Form<'_>) -> Result<Option<(u32, u32)>, ()> {
    let h_name = item.time.hours_id.clone().unwrap_or_else(|| format!("{key}__h"));
    let m_name = item.time.minutes_id.clone().unwrap_or_else(|| format!("{key}__m"));
    match (form.one(&h_name), form.one(&m_name)) {
        (None, None) => Ok(None),
        (Some(h), m) => {
            let hour: f64 = h.parse().map_err(|_| ())?;
            let minute: u32 = m.unwrap_or("0").parse().map_err(|_| ())?;
            if !item.hour_choices().iter().any(|c| (c - hour).abs() < 1e-6)
                || !item.time.minute_choices().contains(&minute)
            {
                return Err(());
            }
            let total = (hour * 60.0).round() as u32 + minute;
            Ok(Some((total / 60, total % 60)))
        }
        (None, Some(_)) => Err(()),
    }
}

fn clock_time(v: &str) -> Option<(u32, u32)> {
    let (h, m) = v.split_once(':')?;
    let (h, m): (u32, u32) = (h.trim().parse().ok()?, m.trim().get(..2)?.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
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
