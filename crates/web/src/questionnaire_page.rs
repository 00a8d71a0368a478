//! A questionnaire as a page: mobile-first, a real form control with a label for every item,
//! usable without JavaScript (the script only adds live show/hide, slider thumbs on touch and
//! expandables). Texts from the questionnaire are sanitised against the format's allow list;
//! what a participant typed is only ever put back escaped.

use crate::render::Templates;
use koers_core::questionnaire::model::{DateBound, Item, ItemType, RawContent, Text};
use koers_core::questionnaire::submit::{day_choices, FieldError};
use koers_core::questionnaire::vars::PersonVars;
use koers_core::questionnaire::Questionnaire;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Everything a page needs besides the questionnaire.
#[derive(Debug, Clone, Default)]
pub struct PageInput {
    pub lang: String,
    pub fallback_lang: String,
    pub vars: PersonVars,
    /// Where the form posts to, and its CSRF token.
    pub action: String,
    pub csrf: String,
    /// Values to show again (after a rejected submission), as the form sent them.
    pub kept: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
    /// Students for `foreach: student` items: (person id, first name).
    pub students: Vec<(i64, String)>,
    pub today: Option<chrono::NaiveDate>,
    /// Whether this is the person's first questionnaire of this key (for `raw` first/normal).
    pub first_time: bool,
}

/// The allow list of the questionnaire format, built once.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    SANITIZER.get_or_init(allow_list)
}

fn allow_list() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::empty();
    b.add_tags([
        "p", "strong", "em", "b", "i", "u", "br", "ul", "ol", "li", "h1", "h2", "h3", "h4", "a", "img", "span",
        "small", "sup", "sub",
    ])
    .add_tag_attributes("a", ["href"])
    .add_tag_attributes("img", ["src", "alt"])
    .add_tag_attributes("span", ["class"])
    .link_rel(Some("noopener noreferrer"))
    .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
    b
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Cleaned {
    Html,
    Plain,
    Title,
}

/// A memory of rendered text, emptied when what it holds passes its limit: pages come from a
/// handful of questionnaires, so it stays warm, and it never grows without bound.
struct Bounded<K, V> {
    map: HashMap<K, V>,
    used: usize,
    limit: usize,
}

impl<K: std::hash::Hash + Eq, V: Clone> Bounded<K, V> {
    fn new(limit: usize) -> Self {
        Bounded { map: HashMap::new(), used: 0, limit }
    }

    fn get(&self, key: &K) -> Option<V> {
        self.map.get(key).cloned()
    }

    /// Keeps `value`, counting `cost` against the limit.
    fn put(&mut self, key: K, value: V, cost: usize) {
        if self.used + cost > self.limit {
            self.map.clear();
            self.used = 0;
        }
        self.used += cost;
        self.map.insert(key, value);
    }
}

/// Sanitising parses every text as HTML, which was most of the time a questionnaire page took
/// to render; the same texts (with the same names filled in) come back on every view, so their
/// clean forms are remembered, up to 20,000 of them.
fn remembered(kind: Cleaned, input: String, clean: impl FnOnce(&str) -> String) -> String {
    use std::sync::{Mutex, OnceLock};
    static MEMORY: OnceLock<Mutex<Bounded<(Cleaned, String), String>>> = OnceLock::new();
    let memory = MEMORY.get_or_init(|| Mutex::new(Bounded::new(20_000)));
    let key = (kind, input);
    if let Some(found) = memory.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return found;
    }
    let out = clean(&key.1);
    memory.lock().unwrap_or_else(|e| e.into_inner()).put(key, out.clone(), 1);
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

struct Ctx<'a> {
    input: &'a PageInput,
    clean: &'static ammonia::Builder<'static>,
    kept: HashMap<&'a str, Vec<&'a str>>,
    errors: HashMap<&'a str, &'a str>,
    t: Value,
}

impl Ctx<'_> {
    /// A questionnaire text as safe HTML: language, variables (their values escaped), sanitised.
    fn html(&self, t: Option<&Text>, student: Option<&str>) -> String {
        let Some(t) = t else { return String::new() };
        let raw = t.resolve(&self.input.lang, &self.input.fallback_lang);
        let mut vars = self.input.vars.clone();
        if let Some(s) = student {
            vars.student_name = Some(s.to_string());
        }
        let filled = koers_core::questionnaire::vars::render_variables(raw, &|name| {
            vars.value(name, &self.input.lang).map(|v| escape(&v))
        });
        remembered(Cleaned::Html, filled, |f| self.clean.clean(f).to_string())
    }

    /// Plain text (for attributes and select options): the HTML reduced to its text.
    fn plain(&self, t: Option<&Text>) -> String {
        let html = self.html(t, None);
        remembered(Cleaned::Plain, html, |h| ammonia::Builder::empty().clean(h).to_string().replace("&amp;", "&"))
    }

    fn kept_one(&self, key: &str) -> String {
        self.kept.get(key).and_then(|v| v.first()).map(|s| s.to_string()).unwrap_or_default()
    }

    fn kept_has(&self, key: &str, value: &str) -> bool {
        self.kept.get(key).is_some_and(|v| v.contains(&value))
    }
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

fn date_bound(b: &Option<DateBound>, today: Option<chrono::NaiveDate>) -> Option<String> {
    match b {
        Some(DateBound::Fixed(d)) => Some(d.to_string()),
        Some(DateBound::DaysFromToday(n)) => today.map(|t| (t + chrono::TimeDelta::days(*n)).to_string()),
        None => None,
    }
}

fn translations(lang: &str) -> Value {
    if lang == "en" {
        json!({"send": "Send", "fix": "Some answers need another look:", "only_if": "Only fill this in if it applies to you.",
               "slider_set": "I have set this slider", "date": "Date", "hours": "Hour", "minutes": "Minutes", "drawing": "Drawing needs a newer browser.",
               "choose": "Choose", "answer": "Answer"})
    } else {
        json!({"send": "Versturen", "fix": "Kijk nog even naar deze antwoorden:", "only_if": "Vul dit alleen in als het voor jou geldt.",
               "slider_set": "Ik heb dit schuifje ingesteld", "date": "Datum", "hours": "Uur", "minutes": "Minuten", "drawing": "Tekenen werkt alleen in een nieuwere browser.",
               "choose": "Kies", "answer": "Antwoord"})
    }
}

fn item_view(c: &Ctx<'_>, item: &Item, key: &str, student: Option<&str>) -> Value {
    let conditional = item.hidden;
    let mut v = json!({
        "kind": item.kind.name(),
        "id": item.id.clone().unwrap_or_default(),
        "key": key,
        "title": c.html(item.title.as_ref(), student),
        "tooltip": c.html(item.tooltip.as_ref(), student),
        "required": item.required,
        "conditional": conditional,
        "section_start": c.html(item.section_start.as_ref(), student),
        "section_end": item.section_end,
        "error": c.errors.get(key).copied().unwrap_or(""),
        "t": c.t,
        "is_raw": false, "is_choice": false, "is_likert": false, "is_dropdown": false, "is_range": false,
        "is_input": false, "is_textarea": false, "is_time": false, "is_expandable": false, "is_unsubscribe": false, "is_drawing": false,
    });
    let o = v.as_object_mut().expect("object");
    match item.kind {
        ItemType::Raw => {
            let text = match &item.raw_content {
                Some(RawContent::Same(t)) => Some(t),
                Some(RawContent::FirstAndNormal { first, normal }) => {
                    Some(if c.input.first_time { first } else { normal })
                }
                None => None,
            };
            o.insert("is_raw".into(), json!(true));
            o.insert("content".into(), json!(c.html(text, student)));
        }
        ItemType::Radio | ItemType::Likert | ItemType::Checkbox | ItemType::Days => {
            o.insert("is_choice".into(), json!(true));
            o.insert("is_likert".into(), json!(item.kind == ItemType::Likert));
            o.insert(
                "input".into(),
                json!(if matches!(item.kind, ItemType::Checkbox | ItemType::Days) { "checkbox" } else { "radio" }),
            );
            let options: Vec<Value> = if item.kind == ItemType::Days {
                let today = c.input.today.unwrap_or_default();
                day_choices(item, today)
                    .into_iter()
                    .map(|d| json!({"value": d, "title": escape(&d.replace('_', " ")), "checked": c.kept_has(key, &d), "shows": "", "hides": ""}))
                    .collect()
            } else {
                item.options
                    .iter()
                    .map(|opt| {
                        json!({"value": opt.value, "title": c.html(Some(&opt.title), student), "checked": c.kept_has(key, &opt.value),
                               "shows": opt.shows_questions.join(" "), "hides": opt.hides_questions.join(" ")})
                    })
                    .collect()
            };
            o.insert("options".into(), json!(options));
            let otherwise = item.show_otherwise.then(|| {
                let label = item.otherwise_label.as_ref().map(|l| c.html(Some(l), student)).unwrap_or_else(|| if c.input.lang == "en" { "Other, namely".into() } else { "Anders, namelijk".into() });
                json!({"label": label, "checked": c.kept_has(key, "__other"), "text": c.kept_one(&format!("{key}__other")), "placeholder": c.plain(item.otherwise_placeholder.as_ref())})
            });
            o.insert("otherwise".into(), otherwise.unwrap_or(json!(false)));
        }
        ItemType::Dropdown => {
            o.insert("is_dropdown".into(), json!(true));
            let options: Vec<Value> = item
                .options
                .iter()
                .map(|opt| json!({"value": opt.value, "plain": c.plain(Some(&opt.title)), "checked": c.kept_has(key, &opt.value), "shows": opt.shows_questions.join(" ")}))
                .collect();
            o.insert("options".into(), json!(options));
            let placeholder = item
                .placeholder
                .as_ref()
                .map(|p| c.plain(Some(p)))
                .unwrap_or_else(|| c.t["choose"].as_str().unwrap_or("").to_string());
            o.insert("placeholder".into(), json!(placeholder));
        }
        ItemType::Range => {
            let (min, max) = item.range_bounds();
            let touched = c.kept_has(&format!("{key}__touched"), "1");
            let value = if touched { c.kept_one(key) } else { fmt_num(((min + max) / 2.0).round()) };
            let labels: Vec<String> = item.labels.iter().map(|l| c.html(Some(l), student)).collect();
            o.insert("is_range".into(), json!(true));
            o.insert("range".into(), json!({"min": fmt_num(min), "max": fmt_num(max), "step": fmt_num(item.step.unwrap_or(1.0)), "value": value, "touched": touched, "labels": labels}));
        }
        ItemType::Number | ItemType::Textfield | ItemType::Textarea | ItemType::Date => {
            o.insert("is_input".into(), json!(true));
            o.insert("is_textarea".into(), json!(item.kind == ItemType::Textarea));
            let (input, mode) = match item.kind {
                ItemType::Number => ("text", "decimal"),
                ItemType::Date => ("date", ""),
                _ => ("text", ""),
            };
            o.insert("input".into(), json!(input));
            o.insert("inputmode".into(), json!(mode));
            o.insert("value".into(), json!(c.kept_one(key)));
            o.insert("maxlength".into(), json!(item.maxlength.map(|m| m.to_string()).unwrap_or_default()));
            o.insert("placeholder".into(), json!(c.plain(item.placeholder.as_ref())));
            o.insert("hint".into(), json!(c.html(item.hint.as_ref(), student)));
            let (min, max) = if item.kind == ItemType::Date {
                (date_bound(&item.date_min, c.input.today), date_bound(&item.date_max, c.input.today))
            } else {
                (None, None)
            };
            o.insert("min".into(), json!(min.unwrap_or_default()));
            o.insert("max".into(), json!(max.unwrap_or_default()));
            o.insert("step".into(), json!(""));
            // A number's limits travel as data (a text field has no min/max), for the page's
            // script and for anyone reading the form.
            if item.kind == ItemType::Number {
                o.insert("data_min".into(), json!(item.min.map(fmt_num).unwrap_or_default()));
                o.insert("data_max".into(), json!(item.max.map(fmt_num).unwrap_or_default()));
            }
        }
        ItemType::Time | ItemType::DateAndTime => {
            o.insert("is_time".into(), json!(true));
            let h_name = item.time.hours_id.clone().unwrap_or_else(|| format!("{key}__h"));
            let m_name = item.time.minutes_id.clone().unwrap_or_else(|| format!("{key}__m"));
            let (from, to, step) = (
                item.time.hours_from.unwrap_or(0),
                item.time.hours_to.unwrap_or(23).min(23),
                item.time.hours_step.unwrap_or(1).max(1),
            );
            let kept_h = c.kept_one(&h_name);
            let kept_m = c.kept_one(&m_name);
            let hours: Vec<Value> = (from..=to)
                .step_by(step as usize)
                .map(|h| json!({"value": h.to_string(), "selected": kept_h == h.to_string()}))
                .collect();
            let minutes: Vec<Value> = (0..60).step_by(5).map(|m| json!({"value": m.to_string(), "label": format!("{m:02}"), "selected": kept_m == m.to_string()})).collect();
            let hours_label = item
                .time
                .hours_label
                .as_ref()
                .map(|l| c.html(Some(l), student))
                .unwrap_or_else(|| c.t["hours"].as_str().unwrap_or("").into());
            let minutes_label = item
                .time
                .minutes_label
                .as_ref()
                .map(|l| c.html(Some(l), student))
                .unwrap_or_else(|| c.t["minutes"].as_str().unwrap_or("").into());
            o.insert("time".into(), json!({"hours_name": h_name, "minutes_name": m_name, "hours": hours, "minutes": minutes, "hours_label": hours_label, "minutes_label": minutes_label}));
            let date = (item.kind == ItemType::DateAndTime).then(|| {
                json!({"value": c.kept_one(key), "min": date_bound(&item.date_min, c.input.today).unwrap_or_default(), "max": date_bound(&item.date_max, c.input.today).unwrap_or_default()})
            });
            o.insert("date".into(), date.unwrap_or(json!(false)));
        }
        ItemType::Expandable => {
            let max = item.max_expansions.unwrap_or(10).clamp(1, 50);
            let default = item.default_expansions.unwrap_or(1).clamp(0, max);
            let suffix = key.strip_prefix(item.id.as_deref().unwrap_or("")).unwrap_or("");
            let expansions: Vec<Value> = (1..=max)
                .map(|n| {
                    let items: Vec<Value> = item
                        .content
                        .iter()
                        .map(|inner| item_view(c, inner, &format!("{}{suffix}__{n}", inner.id.as_deref().unwrap_or("")), student))
                        .collect();
                    json!({"n": n, "label": format!("{} {n}", if c.input.lang == "en" { "Number" } else { "Nummer" }), "items": items})
                })
                .collect();
            o.insert("is_expandable".into(), json!(true));
            o.insert("expansions".into(), json!(expansions));
            o.insert("max".into(), json!(max));
            o.insert("default".into(), json!(default));
            let add = item.add_button_label.as_ref().map(|l| c.plain(Some(l))).unwrap_or_else(|| {
                if c.input.lang == "en" {
                    "Add one".into()
                } else {
                    "Nog een toevoegen".into()
                }
            });
            let remove = item.remove_button_label.as_ref().map(|l| c.plain(Some(l))).unwrap_or_else(|| {
                if c.input.lang == "en" {
                    "Remove the last".into()
                } else {
                    "Laatste weghalen".into()
                }
            });
            o.insert("add_label".into(), json!(add));
            o.insert("remove_label".into(), json!(remove));
        }
        ItemType::Unsubscribe => {
            let content = match &item.raw_content {
                Some(RawContent::Same(t)) => c.html(Some(t), student),
                _ => String::new(),
            };
            let button = item.button_text.as_ref().map(|b| c.plain(Some(b))).unwrap_or_else(|| {
                if c.input.lang == "en" {
                    "Stop taking part".into()
                } else {
                    "Stoppen met meedoen".into()
                }
            });
            o.insert("is_unsubscribe".into(), json!(true));
            o.insert("content".into(), json!(content));
            o.insert("button".into(), json!(button));
        }
        ItemType::Drawing => {
            o.insert("is_drawing".into(), json!(true));
            o.insert("value".into(), json!(c.kept_one(key)));
        }
    }
    v
}

impl<'a> Ctx<'a> {
    fn new(input: &'a PageInput) -> Self {
        let mut kept: HashMap<&str, Vec<&str>> = HashMap::new();
        for (k, v) in &input.kept {
            kept.entry(k.as_str()).or_default().push(v.as_str());
        }
        Ctx {
            input,
            clean: sanitizer(),
            kept,
            errors: input.errors.iter().map(|e| (e.key.as_str(), e.message.as_str())).collect(),

            t: translations(&input.lang),
        }
    }
}

/// Every item of the page with the form key it posts under and, for `foreach: student`, the
/// student it asks about.
fn placed<'q>(q: &'q Questionnaire, input: &'q PageInput) -> Vec<(usize, &'q Item, String, Option<&'q str>)> {
    let mut out = Vec::new();
    for (n, item) in q.questions.iter().enumerate() {
        let id = item.id.as_deref().unwrap_or("");
        if item.foreach_student && !input.students.is_empty() {
            for (student, name) in &input.students {
                out.push((n, item, format!("{id}_s{student}"), Some(name.as_str())));
            }
        } else {
            out.push((n, item, id.to_string(), None));
        }
    }
    out
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
        "errors": input.errors.iter().map(|e| json!({"key": e.key, "message": e.message})).collect::<Vec<_>>(),
        "items": items,
        "items_html": items_html,
        "t": c.t,
    })
}

/// The view of a whole questionnaire page.
pub fn page_view(q: &Questionnaire, input: &PageInput) -> Value {
    let c = Ctx::new(input);
    let items =
        placed(q, input).into_iter().map(|(_, item, key, student)| item_view(&c, item, &key, student)).collect();
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
    let c = Ctx::new(input);
    let mut items_html = String::new();
    for (n, item, key, student) in placed(q, input) {
        items_html.push_str(&fragments::item(templates, &c, q, n, item, &key, student)?);
    }
    templates.render("questionnaire", &frame(&c, q, vec![], items_html))
}

mod fragments {
    //! Rendered items of fresh pages, keyed by everything their HTML depends on, up to 4 MiB
    //! of them.
    use super::{item_view, Bounded, Ctx, Item, Questionnaire, Templates};
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
        n: usize,
        item: &Item,
        key: &str,
        student: Option<&str>,
    ) -> Result<Arc<str>, handlebars::RenderError> {
        let personal = {
            let mut m = memory().lock().unwrap_or_else(|e| e.into_inner());
            *m.personal
                .entry((q.version.clone(), n))
                .or_insert_with(|| serde_json::to_string(item).map_or(true, |s| s.contains("{{")))
        };
        let input = c.input;
        let vars = if personal { format!("{:?}", input.vars) } else { String::new() };
        let id = format!(
            "{}\u{1f}{n}\u{1f}{key}\u{1f}{}\u{1f}{}\u{1f}{:?}\u{1f}{}\u{1f}{:?}\u{1f}{vars}",
            q.version, input.lang, input.fallback_lang, student, input.first_time, input.today
        );
        if let Some(found) = memory().lock().unwrap_or_else(|e| e.into_inner()).html.get(&id) {
            return Ok(found);
        }
        let html: Arc<str> = templates.render("item", &item_view(c, item, key, student))?.into();
        memory().lock().unwrap_or_else(|e| e.into_inner()).html.put(id, html.clone(), html.len());
        Ok(html)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use koers_core::questionnaire::parse_questionnaire;

    const SHIPPED: &[&str] = &[
        include_str!("../../../questionnaires/student_diary.yaml"),
        include_str!("../../../questionnaires/student_intake.yaml"),
        include_str!("../../../questionnaires/mentor_diary.yaml"),
        include_str!("../../../questionnaires/mentor_closing.yaml"),
    ];

    fn person(name: &str, mentor: &str, students: &[(i64, &str)], lang: &str) -> PageInput {
        PageInput {
            lang: lang.into(),
            fallback_lang: "nl".into(),
            vars: PersonVars {
                first_name: Some(name.into()),
                student_name: Some(name.into()),
                mentor_name: Some(mentor.into()),
                ..Default::default()
            },
            action: "/p/r/7".into(),
            csrf: format!("csrf-of-{name}"),
            students: students.iter().map(|(id, n)| (*id, n.to_string())).collect(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
            first_time: true,
            ..Default::default()
        }
    }

    /// Remembered items must give exactly the page rendering everything afresh gives, and
    /// never one person's name on another person's page.
    #[test]
    fn remembered_items_give_the_same_page_and_each_person_their_own_names() {
        let templates = Templates::new();
        for source in SHIPPED {
            let (q, _) = parse_questionnaire(source, None).unwrap();
            let people = [
                person("Sanne", "Fatima", &[(1, "Daan"), (2, "Noor")], "nl"),
                person("Mo", "Peter", &[(3, "Lotte")], "nl"),
                person("Sanne", "Fatima", &[(1, "Daan"), (2, "Noor")], "en"),
            ];
            for input in people.iter().chain(people.iter()) {
                let remembered = render_page(&templates, &q, input).unwrap();
                let afresh = templates.render("questionnaire", &page_view(&q, input)).unwrap();
                assert_eq!(remembered, afresh, "{}: the same page for {:?}", q.key, input.vars.first_name);
                assert!(remembered.contains(&input.csrf), "each page carries its own CSRF token");
            }
        }
        let (diary, _) = parse_questionnaire(SHIPPED[2], None).unwrap();
        let mo = render_page(&templates, &diary, &people_of_mo()).unwrap();
        assert!(mo.contains("Lotte"), "the mentor diary names its student");
        assert!(!mo.contains("Sanne") && !mo.contains("Fatima"), "nothing of the first person's page");
    }

    #[test]
    fn a_remembering_memory_empties_itself_at_its_limit() {
        let mut m = Bounded::new(10);
        m.put("a", 1, 6);
        m.put("b", 2, 4);
        assert_eq!((m.get(&"a"), m.get(&"b")), (Some(1), Some(2)), "10 of 10 fits");
        m.put("c", 3, 1);
        assert_eq!((m.get(&"a"), m.get(&"b"), m.get(&"c")), (None, None, Some(3)), "one more empties it first");
    }

    fn people_of_mo() -> PageInput {
        let mut mo = person("Mo", "Peter", &[(3, "Lotte")], "nl");
        mo.vars.student_name = Some("Lotte".into());
        mo
    }
}
