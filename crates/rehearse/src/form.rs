//! Reading the forms of a page the way a phone's browser with scripts on sees them, and filling
//! them in: only visible questions are answered (an option's `data-shows` reveals the hidden
//! ones it names), sliders are touched, expandables get as many blocks as the person fills.

use scraper::{ElementRef, Html, Selector};
use std::collections::{BTreeMap, HashSet};

/// One option of a choice.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub shows: Vec<String>,
    pub hides: Vec<String>,
}

/// What one form control asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Control {
    Hidden { value: String },
    Radio { options: Vec<Choice> },
    Checkbox { options: Vec<Choice> },
    Select { options: Vec<Choice> },
    Range { min: i64, max: i64, value: i64 },
    Text { kind: String, min: Option<String>, max: Option<String>, maxlength: Option<usize> },
    TextArea { maxlength: Option<usize> },
}

/// A named control, with the question it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub control: Control,
    /// The question's key (`q-KEY` on the page), if the control sits in one.
    pub item: Option<String>,
    /// The question's id when it is hidden until an option shows it.
    pub conditional: Option<String>,
    /// The block of an expandable (1-based) the control is in.
    pub expansion: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub action: String,
    pub fields: Vec<Field>,
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("a valid selector")
}

fn attr(e: &ElementRef<'_>, name: &str) -> Option<String> {
    e.value().attr(name).map(str::to_string)
}

fn list(e: &ElementRef<'_>, name: &str) -> Vec<String> {
    e.value()
        .attr(name)
        .map(|v| v.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

/// The question and expandable block around a control.
fn place(e: &ElementRef<'_>) -> (Option<String>, Option<String>, Option<u32>) {
    let mut item = None;
    let mut conditional = None;
    let mut expansion = None;
    for a in e.ancestors().filter_map(ElementRef::wrap) {
        let v = a.value();
        if item.is_none() && v.classes().any(|c| c == "k-item") {
            item = v.attr("id").and_then(|id| id.strip_prefix("q-")).map(str::to_string);
            conditional = v.attr("data-cond").map(str::to_string);
        }
        if expansion.is_none() && v.classes().any(|c| c == "k-expansion") {
            expansion = v.attr("data-n").and_then(|n| n.parse().ok());
        }
    }
    (item, conditional, expansion)
}

/// Every form on a page, in order.
pub fn forms(html: &str) -> Vec<Form> {
    let doc = Html::parse_document(html);
    let controls = sel("input, select, textarea");
    let options = sel("option");
    doc.select(&sel("form"))
        .map(|form| {
            let mut fields: Vec<Field> = Vec::new();
            let mut index: BTreeMap<String, usize> = BTreeMap::new();
            for c in form.select(&controls) {
                let Some(name) = attr(&c, "name") else { continue };
                let (item, conditional, expansion) = place(&c);
                let tag = c.value().name();
                let kind = attr(&c, "type").unwrap_or_else(|| "text".into());
                let choice = || Choice {
                    value: attr(&c, "value").unwrap_or_default(),
                    label: c
                        .parent()
                        .and_then(ElementRef::wrap)
                        .map(|p| p.text().collect::<String>())
                        .unwrap_or_default(),
                    shows: list(&c, "data-shows"),
                    hides: list(&c, "data-hides"),
                };
                let control = match (tag, kind.as_str()) {
                    ("input", "hidden") => {
                        // A slider's touch flag travels with the slider.
                        if name.ends_with("__touched") {
                            continue;
                        }
                        Control::Hidden { value: attr(&c, "value").unwrap_or_default() }
                    }
                    ("input", "radio") | ("input", "checkbox") => {
                        if name.ends_with("__touched") {
                            continue; // the no-script "I set this slider" box
                        }
                        if let Some(&i) = index.get(&name) {
                            match &mut fields[i].control {
                                Control::Radio { options } | Control::Checkbox { options } => options.push(choice()),
                                _ => {}
                            }
                            continue;
                        }
                        if kind == "radio" {
                            Control::Radio { options: vec![choice()] }
                        } else {
                            Control::Checkbox { options: vec![choice()] }
                        }
                    }
                    ("input", "range") => Control::Range {
                        min: attr(&c, "min").and_then(|v| v.parse().ok()).unwrap_or(0),
                        max: attr(&c, "max").and_then(|v| v.parse().ok()).unwrap_or(100),
                        value: attr(&c, "value").and_then(|v| v.parse().ok()).unwrap_or(50),
                    },
                    ("input", "submit") | ("input", "button") => continue,
                    // A number field is `type=text` with a numeric keyboard (old browsers mangle
                    // `type=number`): the keyboard says what it takes.
                    ("input", _) => Control::Text {
                        kind: match attr(&c, "inputmode").as_deref() {
                            Some("numeric" | "decimal") => "number".to_string(),
                            _ => kind,
                        },
                        min: attr(&c, "min").or_else(|| attr(&c, "data-min")),
                        max: attr(&c, "max").or_else(|| attr(&c, "data-max")),
                        maxlength: attr(&c, "maxlength").and_then(|v| v.parse().ok()),
                    },
                    ("select", _) => Control::Select {
                        options: c
                            .select(&options)
                            .filter_map(|o| {
                                let value = attr(&o, "value")?;
                                (!value.is_empty()).then(|| Choice {
                                    value,
                                    label: o.text().collect(),
                                    shows: list(&o, "data-shows"),
                                    hides: list(&o, "data-hides"),
                                })
                            })
                            .collect(),
                    },
                    ("textarea", _) => {
                        Control::TextArea { maxlength: attr(&c, "maxlength").and_then(|v| v.parse().ok()) }
                    }
                    _ => continue,
                };
                index.insert(name.clone(), fields.len());
                fields.push(Field { name, control, item, conditional, expansion });
            }
            Form { action: attr(&form, "action").unwrap_or_default(), fields }
        })
        .collect()
}

/// Every link on a page (`href`s), in order.
pub fn links(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    doc.select(&sel("a[href]")).filter_map(|a| attr(&a, "href")).collect()
}

/// The visible text of a page, for checks and for reading what a person is told.
pub fn text(html: &str) -> String {
    let doc = Html::parse_document(html);
    doc.select(&sel("main, body")).next().map(|b| b.text().collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

/// What the person puts into a control.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Skip,
    /// Index of the chosen option.
    Choose(usize),
    /// Indexes of the ticked options.
    Tick(Vec<usize>),
    /// A slider's value; it is touched.
    Slide(i64),
    /// A slider left alone.
    Untouched,
    Text(String),
}

/// Decides what a person answers, question by question.
pub trait Person {
    /// How many blocks of an expandable this person fills (the rest stay empty).
    fn expansions(&mut self) -> u32 {
        1
    }
    fn answer(&mut self, field: &Field) -> Answer;
}

/// The form as posted: hidden fields as they were, visible questions as the person answers
/// them, questions that stay hidden left out (as a browser with scripts on does).
pub fn fill(form: &Form, person: &mut dyn Person) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut shown: HashSet<String> = HashSet::new();
    let mut hidden: HashSet<String> = HashSet::new();
    let blocks = person.expansions();
    for f in &form.fields {
        if let Control::Hidden { value } = &f.control {
            out.push((f.name.clone(), value.clone()));
            continue;
        }
        if let Some(c) = &f.conditional {
            if !shown.contains(c) {
                continue;
            }
        }
        if f.item.as_ref().is_some_and(|i| hidden.contains(i)) {
            continue;
        }
        if f.expansion.is_some_and(|n| n > blocks) {
            continue;
        }
        let mut reveal = |c: &Choice| {
            shown.extend(c.shows.iter().cloned());
            hidden.extend(c.hides.iter().cloned());
        };
        match (&f.control, person.answer(f)) {
            (_, Answer::Skip) => {}
            (Control::Radio { options } | Control::Select { options }, Answer::Choose(i)) => {
                if let Some(c) = options.get(i) {
                    out.push((f.name.clone(), c.value.clone()));
                    reveal(c);
                }
            }
            (Control::Checkbox { options }, Answer::Tick(ticked)) => {
                for i in ticked {
                    if let Some(c) = options.get(i) {
                        out.push((f.name.clone(), c.value.clone()));
                        reveal(c);
                    }
                }
            }
            (Control::Range { min, max, .. }, Answer::Slide(v)) => {
                out.push((f.name.clone(), v.clamp(*min, *max).to_string()));
                out.push((format!("{}__touched", f.name), "1".into()));
            }
            (Control::Range { value, .. }, Answer::Untouched) => {
                out.push((f.name.clone(), value.to_string()));
                out.push((format!("{}__touched", f.name), "0".into()));
            }
            (Control::Text { .. } | Control::TextArea { .. }, Answer::Text(t)) => out.push((f.name.clone(), t)),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><body><form method="post" action="/p/r/7">
<input type="hidden" name="csrf" value="abc">
<div class="k-item" id="q-attended"><fieldset><input type="radio" name="attended" value="yes" data-shows="school_hours"> <span>Ja</span>
<input type="radio" name="attended" value="no"> <span>Nee</span></fieldset></div>
<div class="k-item k-cond" id="q-school_hours" data-cond="school_hours"><input type="range" name="school_hours" min="0" max="40" value="20"><input type="hidden" name="school_hours__touched" value="0"></div>
<div class="k-item" id="q-actions"><fieldset class="k-expandable">
<div class="k-expansion" data-n="1"><div class="k-item" id="q-what__1"><textarea name="what__1"></textarea></div></div>
<div class="k-expansion" data-n="2"><div class="k-item" id="q-what__2"><textarea name="what__2"></textarea></div></div>
</fieldset></div>
<button type="submit">Versturen</button></form></body></html>"#;

    struct Yes(bool);
    impl Person for Yes {
        fn answer(&mut self, f: &Field) -> Answer {
            match f.name.as_str() {
                "attended" => Answer::Choose(if self.0 { 0 } else { 1 }),
                "school_hours" => Answer::Slide(12),
                _ => Answer::Text("Gesprek".into()),
            }
        }
    }

    #[test]
    fn a_yes_reveals_its_questions_and_only_filled_blocks_are_sent() {
        let f = &forms(PAGE)[0];
        assert_eq!(f.action, "/p/r/7");
        assert_eq!(f.fields.iter().find(|x| x.name == "what__2").unwrap().expansion, Some(2));
        let sent = fill(f, &mut Yes(true));
        let names: Vec<&str> = sent.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["csrf", "attended", "school_hours", "school_hours__touched", "what__1"]);
        let sent = fill(f, &mut Yes(false));
        assert!(!sent.iter().any(|(k, _)| k == "school_hours"), "a hidden question stays unanswered");
    }
}
