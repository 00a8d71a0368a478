//! A questionnaire as a page: mobile-first, a real form control with a label for every item,
//! usable without JavaScript (the script only adds live show/hide, slider thumbs on touch and
//! expandables). Texts from the questionnaire are sanitised against the format's allow list;
//! what a participant typed is only ever put back escaped. A questionnaire with `page_break`s
//! shows its steps one after the other, each under its heading ("Stap 2 van 4").

mod clean;
mod ctx;
mod item_view;
mod progress;

use crate::render::Templates;
use clean::{remembered, Cleaned};
use ctx::{Ctx, Spot};
use koers_core::questionnaire::model::{Item, ItemType};
use koers_core::questionnaire::submit::FieldError;
use koers_core::questionnaire::vars::PersonVars;
use koers_core::questionnaire::Questionnaire;
use koers_core::register::Register;
use serde_json::{json, Value};

/// Everything a page needs besides the questionnaire.
#[derive(Debug, Clone, Default)]
pub struct PageInput {
    pub lang: String,
    /// "je" or "u" for the page's own words (buttons, hints, steps); the questionnaire's
    /// texts are written in their own register.
    pub register: Register,
    pub fallback_lang: String,
    pub vars: PersonVars,
    /// Where the form posts to, and its CSRF token.
    pub action: String,
    pub csrf: String,
    /// Where the page's script keeps the answers so far (participants' questionnaires only).
    pub draft_url: Option<String>,
    /// Values to show again (after a rejected submission), as the form sent them.
    pub kept: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
    /// Students for `foreach: student` items: (person id, first name).
    pub students: Vec<(i64, String)>,
    pub today: Option<chrono::NaiveDate>,
    /// Whether this is the person's first questionnaire of this key (for `raw` first/normal).
    pub first_time: bool,
    /// A line at the top saying what was just saved (a mentor's previous diary).
    pub notice: Option<String>,
    /// "Same as last week": copies last week's actions into this page.
    pub copy: Option<CopyOffer>,
    /// The one step to show (1-based) when the server shows steps one page at a time (for
    /// browsers without scripts; the page's script shows them itself); `None` shows all.
    pub step: Option<usize>,
    /// The label of the link to the study's help page, when it lists places to turn to.
    pub help: Option<String>,
}

/// The button that copies last week's action series: without scripts a form posting to
/// `action` (the server puts the copy in the draft); with scripts the page fills in `fields`
/// at once, without a page load.
#[derive(Debug, Clone, Default)]
pub struct CopyOffer {
    pub action: String,
    pub label: String,
    pub fields: Vec<(String, String)>,
}

/// One item placed on the page: its position among the questions, the form key it posts
/// under and, for `foreach: student`, the student it asks about.
pub(super) struct Placed<'q> {
    n: usize,
    pub item: &'q Item,
    pub key: String,
    pub student: Option<(&'q str, String)>,
}

pub(super) fn placed<'q>(q: &'q Questionnaire, input: &'q PageInput) -> Vec<Placed<'q>> {
    let mut out = Vec::new();
    for (n, item) in q.questions.iter().enumerate() {
        let id = item.id.as_deref().unwrap_or("");
        if item.foreach_student && !input.students.is_empty() {
            for (student, name) in &input.students {
                let suffix = format!("_s{student}");
                out.push(Placed { n, item, key: format!("{id}{suffix}"), student: Some((name.as_str(), suffix)) });
            }
        } else {
            out.push(Placed { n, item, key: id.to_string(), student: None });
        }
    }
    out
}

/// The view of one top-level item; a page break gets its step's number.
fn view(c: &Ctx<'_>, p: &Placed<'_>) -> Value {
    let spot = Spot { student_suffix: p.student.as_ref().map_or("", |(_, s)| s.as_str()), expansion: None };
    let mut v = item_view::item_view(c, p.item, &p.key, p.student.as_ref().map(|(name, _)| *name), spot);
    if p.item.kind == ItemType::PageBreak {
        v["step"] = json!(c.steps.get(&p.n).copied().unwrap_or(1));
    }
    v["off"] = json!(c.input.step.is_some_and(|at| c.step_of.get(p.n).copied().unwrap_or(1) != at));
    v["question"] = json!(progress::counts(p.item));
    v
}

/// The page around the items: title, errors, the form's action and CSRF token.
fn frame(c: &Ctx<'_>, q: &Questionnaire, items: Vec<Value>, items_html: String) -> Value {
    let input = c.input;
    let heading = c.html(q.title.as_ref(), None);
    let title = if heading.is_empty() {
        "koers".to_string()
    } else {
        remembered(Cleaned::Title, heading.clone(), |h| ammonia::Builder::empty().clean(h).to_string())
    };
    json!({
        "lang": input.lang,
        "title": title,
        "heading": heading,
        "action": input.action,
        "csrf": input.csrf,
        "draft": input.draft_url,
        "notice": input.notice,
        "help": input.help,
        "register": input.register.code(),
        "progress": progress::shown(c, placed(q, input).as_slice()),
        "plain_steps": input.step.map(|at| json!({
            "back": if at > 1 { json!(at - 1) } else { json!(false) },
            "next": if at < c.step_count { json!(at + 1) } else { json!(false) },
        })),
        "copy": input.copy.as_ref().map(|o| json!({"action": o.action, "label": o.label,
            "fields": serde_json::to_string(&o.fields).unwrap_or_default()})),
        "errors": input.errors.iter().map(|e| json!({"key": e.key, "message": e.message, "question": c.question_of(&e.key)})).collect::<Vec<_>>(),
        "items": items,
        "items_html": items_html,
    })
}

/// The view of a whole questionnaire page.
pub fn page_view(q: &Questionnaire, input: &PageInput) -> Value {
    let c = Ctx::new(q, input);
    let items = placed(q, input).iter().map(|p| view(&c, p)).collect();
    frame(&c, q, items, String::new())
}

pub fn render_page(
    templates: &Templates,
    q: &Questionnaire,
    input: &PageInput,
) -> Result<String, handlebars::RenderError> {
    if !input.kept.is_empty() || !input.errors.is_empty() {
        return templates.render("questionnaire", &page_view(q, input));
    }
    // A fresh page: every student sees the same items, so their HTML is rendered once and
    // remembered (rendering them was most of a page view's time).
    let c = Ctx::new(q, input);
    let mut items_html = String::new();
    for p in placed(q, input) {
        items_html.push_str(&fragments::item(templates, &c, q, &p)?);
    }
    templates.render("questionnaire", &frame(&c, q, vec![], items_html))
}

mod fragments {
    //! Rendered items of fresh pages, keyed by everything their HTML depends on, up to 4 MiB
    //! of them.
    use super::clean::Bounded;
    use super::{view, Ctx, Placed, Questionnaire, Templates};
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};

    struct Memory {
        html: Bounded<String, Arc<str>>,
        /// Whether an item's texts use variables (names, pronouns), by version and position:
        /// only those differ from one person to the next.
        personal: HashMap<(String, usize), bool>,
    }

    fn memory() -> &'static Mutex<Memory> {
        static MEMORY: OnceLock<Mutex<Memory>> = OnceLock::new();
        MEMORY.get_or_init(|| Mutex::new(Memory { html: Bounded::new(4 << 20), personal: HashMap::new() }))
    }

    pub(super) fn item(
        templates: &Templates,
        c: &Ctx<'_>,
        q: &Questionnaire,
        p: &Placed<'_>,
    ) -> Result<Arc<str>, handlebars::RenderError> {
        let personal = {
            let mut m = memory().lock().unwrap_or_else(|e| e.into_inner());
            *m.personal
                .entry((q.version.clone(), p.n))
                .or_insert_with(|| serde_json::to_string(p.item).map_or(true, |s| s.contains("{{")))
        };
        let input = c.input;
        let vars = if personal { format!("{:?}", input.vars) } else { String::new() };
        // Who the students are changes the names of repeated questions an option shows.
        let students = format!("{:?}", input.students);
        let id = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{:?}\u{1f}{}\u{1f}{:?}\u{1f}{vars}\u{1f}{students}\u{1f}{:?}",
            q.version,
            p.n,
            p.key,
            input.lang,
            input.register.code(),
            input.fallback_lang,
            p.student.as_ref().map(|(name, _)| name),
            input.first_time,
            input.today,
            input.step
        );
        if let Some(found) = memory().lock().unwrap_or_else(|e| e.into_inner()).html.get(&id) {
            return Ok(found);
        }
        let html: Arc<str> = templates.render("item", &view(c, p))?.into();
        memory().lock().unwrap_or_else(|e| e.into_inner()).html.put(id, html.clone(), html.len());
        Ok(html)
    }
}

#[cfg(test)]
mod tests;
