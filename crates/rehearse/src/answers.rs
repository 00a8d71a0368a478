//! What a rehearsed person puts into a form: consent as their pattern says, sliders around their
//! own level (falling for a student on the way out, stuck in the middle for some), a mentor's
//! action series, and short free texts written for the rehearsal.

use crate::form::{Answer, Control, Field, Person};
use crate::patterns::Pattern;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Sliders that move with commitment and confidence (the constructs a falling student shows).
const FALLING: [&str; 4] = ["programme_choice", "programme_fit", "pass_confidence", "wellbeing"];

const NOTES: [&str; 8] = [
    "Even bijgepraat in de pauze.",
    "Samen de planning voor de stage bekeken.",
    "Geappt over het rooster.",
    "Gesprek over thuis en school.",
    "Geholpen met een opdracht.",
    "Kort contact op de gang.",
    "Met de stagebegeleider gebeld.",
    "Gevraagd hoe het weekend was.",
];

/// A student answering: `week` counts from the rehearsal's first week.
pub struct StudentAnswers<'a> {
    pub rng: &'a mut ChaCha8Rng,
    pub pattern: Pattern,
    pub level: f64,
    pub week: u32,
    pub falls_from: Option<u32>,
    pub parent_phone: Option<&'a str>,
}

impl StudentAnswers<'_> {
    fn slider(&mut self, name: &str, min: i64, max: i64) -> Answer {
        if self.pattern == Pattern::MiddleSliders {
            let mid = (min + max) / 2;
            return Answer::Slide(mid + self.rng.gen_range(-2..=2));
        }
        if name.contains("hours") {
            return Answer::Slide(self.rng.gen_range(8..=32).clamp(min, max));
        }
        let mut v = self.level + self.rng.gen_range(-9.0..9.0);
        if let Some(from) = self.falls_from {
            if self.week >= from && FALLING.iter().any(|f| name.starts_with(f)) {
                v -= 13.0 * f64::from(self.week - from + 1);
            }
        }
        // Now and then a slider is left alone (a realistic share of untouched items).
        if self.rng.gen_bool(0.03) {
            return Answer::Untouched;
        }
        let span = (max - min) as f64;
        Answer::Slide((min as f64 + span * (v / 100.0)).round() as i64)
    }
}

fn index_of(options: &[crate::form::Choice], value: &str) -> Option<usize> {
    options.iter().position(|o| o.value == value)
}

/// An answer for a field that is the same for anyone: a choice, ticks, a number, a text.
fn ordinary(rng: &mut ChaCha8Rng, f: &Field) -> Answer {
    match &f.control {
        Control::Radio { options } | Control::Select { options } if !options.is_empty() => {
            Answer::Choose(rng.gen_range(0..options.len()))
        }
        Control::Checkbox { options } if !options.is_empty() => {
            let mut ticked: Vec<usize> = (0..options.len()).filter(|_| rng.gen_bool(0.3)).collect();
            if ticked.is_empty() {
                ticked.push(rng.gen_range(0..options.len()));
            }
            ticked.retain(|i| options[*i].value != "__other");
            Answer::Tick(ticked)
        }
        Control::Range { min, max, .. } => Answer::Slide(rng.gen_range(*min..=*max)),
        Control::Text { kind, min, max, .. } => match kind.as_str() {
            "number" => {
                let lo: f64 = min.as_deref().and_then(|v| v.parse().ok()).unwrap_or(0.0);
                let hi: f64 = max.as_deref().and_then(|v| v.parse().ok()).unwrap_or(lo + 10.0).max(lo);
                Answer::Text(rng.gen_range(lo.ceil() as i64..=hi.floor().max(lo.ceil()) as i64).to_string())
            }
            "date" => match (min, max) {
                (Some(m), _) => Answer::Text(m.clone()),
                (None, Some(m)) => Answer::Text(m.clone()),
                _ => Answer::Skip,
            },
            _ if f.name.ends_with("__other") => Answer::Skip,
            _ => Answer::Text(NOTES[rng.gen_range(0..NOTES.len())].to_string()),
        },
        Control::TextArea { .. } => {
            if rng.gen_bool(0.2) {
                Answer::Text(NOTES[rng.gen_range(0..NOTES.len())].to_string())
            } else {
                Answer::Skip
            }
        }
        _ => Answer::Skip,
    }
}

impl Person for StudentAnswers<'_> {
    fn answer(&mut self, f: &Field) -> Answer {
        match (&f.control, f.name.as_str()) {
            (Control::Radio { options }, "consent_age_under_16") => {
                let v = if self.parent_phone.is_some() { "yes" } else { "no" };
                index_of(options, v).map(Answer::Choose).unwrap_or(Answer::Skip)
            }
            (_, "consent_guardian_phone") => {
                self.parent_phone.map(|p| Answer::Text(p.to_string())).unwrap_or(Answer::Skip)
            }
            (Control::Checkbox { .. }, "consent_agree") => Answer::Tick(vec![0]),
            (Control::Checkbox { options } | Control::Radio { options }, n) if n.starts_with("consent_") => {
                Answer::Choose(options.iter().position(|o| o.value == "agree" || o.value == "yes").unwrap_or(0))
            }
            // Most weeks a student was at school and saw their mentor.
            (Control::Radio { options }, "attended") => {
                let v = if self.rng.gen_bool(0.9) { "yes" } else { "no" };
                index_of(options, v).map(Answer::Choose).unwrap_or(Answer::Skip)
            }
            // Most weeks, but not all, a student talked with their mentor.
            (Control::Radio { options }, "mentor_spoke") => {
                let v = if self.rng.gen_bool(0.75) { "yes" } else { "no" };
                index_of(options, v).map(Answer::Choose).unwrap_or(Answer::Skip)
            }
            (Control::Range { min, max, .. }, name) => self.slider(name, *min, *max),
            _ => ordinary(self.rng, f),
        }
    }
}

/// A mentor's diary about one student: whether they had contact, and if so one to three action
/// series with their types and goals.
pub struct MentorAnswers<'a> {
    pub rng: &'a mut ChaCha8Rng,
    pub contact: bool,
    pub series: u32,
}

impl Person for MentorAnswers<'_> {
    fn expansions(&mut self) -> u32 {
        self.series
    }

    fn answer(&mut self, f: &Field) -> Answer {
        match (&f.control, f.name.as_str()) {
            (Control::Radio { options }, n) if n.starts_with("contact") && options.len() == 2 => {
                let v = if self.contact { "yes" } else { "no" };
                index_of(options, v).map(Answer::Choose).unwrap_or(Answer::Choose(if self.contact { 0 } else { 1 }))
            }
            (Control::Checkbox { .. }, "consent_agree") => Answer::Tick(vec![0]),
            (Control::Checkbox { options } | Control::Radio { options }, n) if n.starts_with("consent_") => {
                Answer::Choose(options.iter().position(|o| o.value == "agree" || o.value == "yes").unwrap_or(0))
            }
            // A mentor whose student did not quit (and who goes on guiding, without a handover)
            // says so.
            (Control::Radio { options }, n) if n.contains("quit") || n.contains("stopped") || n == "handover" => {
                index_of(options, "no").map(Answer::Choose).unwrap_or_else(|| ordinary(self.rng, f))
            }
            _ => ordinary(self.rng, f),
        }
    }
}

/// A parent answering the consent request.
pub struct ParentAnswers {
    pub agree: bool,
}

impl Person for ParentAnswers {
    fn answer(&mut self, f: &Field) -> Answer {
        match (&f.control, f.name.as_str()) {
            (Control::Radio { options }, "guardian_agree") => {
                let v = if self.agree { "agree" } else { "decline" };
                index_of(options, v).map(Answer::Choose).unwrap_or(Answer::Skip)
            }
            (Control::Radio { .. }, _) => Answer::Choose(0),
            _ => Answer::Skip,
        }
    }
}

/// A student's feedback consent: each question yes or no, drawn from a generator of its own
/// (see `Engine::feedback_consent`), so the rehearsal's other draws stay as they were.
pub struct FeedbackConsentAnswers<'a, R: Rng> {
    pub rng: &'a mut R,
}

impl<R: Rng> Person for FeedbackConsentAnswers<'_, R> {
    fn answer(&mut self, f: &Field) -> Answer {
        match &f.control {
            Control::Radio { options } => {
                let v = if self.rng.gen_bool(0.8) { "yes" } else { "no" };
                index_of(options, v).map(Answer::Choose).unwrap_or(Answer::Skip)
            }
            _ => Answer::Skip,
        }
    }
}

/// A form filled in by name, for staff pages: every named field gets its given value.
pub struct ByName<'a>(pub &'a [(&'a str, &'a str)]);

impl Person for ByName<'_> {
    fn answer(&mut self, f: &Field) -> Answer {
        let Some((_, v)) = self.0.iter().find(|(k, _)| *k == f.name) else { return Answer::Skip };
        match &f.control {
            Control::Radio { options } | Control::Select { options } => {
                index_of(options, v).map(Answer::Choose).unwrap_or(Answer::Skip)
            }
            Control::Checkbox { options } => {
                index_of(options, v).map(|i| Answer::Tick(vec![i])).unwrap_or(Answer::Skip)
            }
            _ => Answer::Text(v.to_string()),
        }
    }
}
