//! A koers questionnaire as an XLSForm workbook, so it can be edited in a spreadsheet and
//! read back unchanged. What XLSForm cannot hold is reported as `PATH: message`, and then no
//! workbook is made.

use crate::language_name;
use crate::relevant::relevant_of;
use koers_core::questionnaire::model::{Item, ItemType, RawContent, Text};
use koers_core::questionnaire::Questionnaire;
use rust_xlsxwriter::Workbook;
use std::collections::BTreeSet;

/// A sheet being written: its columns (in order of first use) and rows.
#[derive(Default)]
struct Sheet {
    columns: Vec<String>,
    rows: Vec<Vec<(String, String)>>,
}

impl Sheet {
    fn push(&mut self, cells: Vec<(String, String)>) {
        for (c, _) in &cells {
            if !self.columns.contains(c) {
                self.columns.push(c.clone());
            }
        }
        self.rows.push(cells);
    }
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

struct Exporter<'q> {
    q: &'q Questionnaire,
    survey: Sheet,
    choices: Sheet,
    problems: Vec<String>,
    steps: usize,
    sections: usize,
    notes: usize,
}

impl Exporter<'_> {
    fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(format!("{path}: {}", message.into()));
    }

    /// A text as cells: `label`, or `label::Dutch (nl)` per language.
    fn text(&self, base: &str, t: Option<&Text>) -> Vec<(String, String)> {
        match t {
            None => Vec::new(),
            Some(Text::Plain(s)) => vec![(base.to_string(), s.clone())],
            Some(Text::ByLanguage(m)) => m
                .iter()
                .filter(|(k, _)| *k != "i18n")
                .map(|(k, v)| (format!("{base}::{}", language_name(k)), v.clone()))
                .collect(),
        }
    }

    fn relevant(&self, item: &Item) -> Option<String> {
        let id = item.id.as_deref()?;
        let mut sources = Vec::new();
        for source in self.q.all_items() {
            let multiple = source.kind == ItemType::Checkbox;
            for o in &source.options {
                if o.shows_questions.iter().any(|t| t == id) {
                    sources.push((source.id.as_deref().unwrap_or(""), multiple, o.value.as_str(), true));
                }
                if o.hides_questions.iter().any(|t| t == id) {
                    sources.push((source.id.as_deref().unwrap_or(""), multiple, o.value.as_str(), false));
                }
            }
        }
        relevant_of(id, item.hidden, item.show_when.as_ref(), &sources)
    }

    fn items(&mut self, items: &[Item], top: bool) {
        let mut section_open = false;
        let mut step_open = false;
        for item in items {
            if item.kind == ItemType::PageBreak {
                if !top {
                    continue;
                }
                if section_open {
                    self.survey.push(vec![("type".into(), "end_group".into())]);
                    section_open = false;
                }
                if step_open {
                    self.survey.push(vec![("type".into(), "end_group".into())]);
                }
                self.steps += 1;
                let name = item.id.clone().unwrap_or_else(|| format!("step_{}", self.steps));
                let mut cells = vec![("type".into(), "begin_group".into()), ("name".into(), name)];
                cells.extend(self.text("label", item.title.as_ref()));
                self.survey.push(cells);
                step_open = true;
                continue;
            }
            if let Some(start) = &item.section_start {
                if section_open {
                    self.survey.push(vec![("type".into(), "end_group".into())]);
                }
                self.sections += 1;
                let mut cells =
                    vec![("type".into(), "begin_group".into()), ("name".into(), format!("section_{}", self.sections))];
                cells.extend(self.text("label", Some(start)));
                self.survey.push(cells);
                section_open = true;
            }
            self.item(item);
            if item.section_end && section_open {
                self.survey.push(vec![("type".into(), "end_group".into())]);
                section_open = false;
            }
        }
        if section_open {
            self.survey.push(vec![("type".into(), "end_group".into())]);
        }
        if step_open {
            self.survey.push(vec![("type".into(), "end_group".into())]);
        }
    }

    fn item(&mut self, item: &Item) {
        let p = item.path.clone();
        let id = item.id.clone().unwrap_or_default();
        let mut cells: Vec<(String, String)> = Vec::new();
        let mut constraint: Vec<String> = Vec::new();
        let xls_type = match item.kind {
            ItemType::Radio | ItemType::Likert | ItemType::Dropdown => format!("select_one {id}"),
            ItemType::Checkbox => format!("select_multiple {id}"),
            ItemType::Number if item.step.is_none_or(|s| s == 1.0) => "integer".into(),
            ItemType::Number => {
                cells.push(("parameters".into(), format!("step={}", fmt_num(item.step.unwrap_or(0.01)))));
                "decimal".into()
            }
            ItemType::Textfield | ItemType::Textarea => "text".into(),
            ItemType::Date => "date".into(),
            ItemType::TimeFancy => "time".into(),
            ItemType::Raw => "note".into(),
            ItemType::Range => "range".into(),
            ItemType::Expandable => "begin_repeat".into(),
            other => {
                self.problem(&p, format!("XLSForm has no {} questions", other.name()));
                return;
            }
        };
        let or_other = item.show_otherwise && matches!(item.kind, ItemType::Radio | ItemType::Checkbox);
        cells.insert(0, ("type".into(), if or_other { format!("{xls_type} or_other") } else { xls_type }));
        let name = if item.kind == ItemType::Raw && item.id.is_none() {
            self.notes += 1;
            format!("note_{}", self.notes)
        } else {
            id.clone()
        };
        cells.insert(1, ("name".into(), name));
        if item.kind == ItemType::Raw {
            match &item.raw_content {
                Some(RawContent::Same(t)) => cells.extend(self.text("label", Some(t))),
                Some(RawContent::FirstAndNormal { .. }) => self.problem(&p, "XLSForm has no first-time text"),
                None => {}
            }
        } else {
            cells.extend(self.text("label", item.title.as_ref()));
        }
        cells.extend(self.text("hint", item.tooltip.as_ref()));
        if item.required && item.kind != ItemType::Raw {
            cells.push(("required".into(), "yes".into()));
        }
        match item.kind {
            ItemType::Dropdown => cells.push(("appearance".into(), "minimal".into())),
            ItemType::Likert => cells.push(("appearance".into(), "likert".into())),
            ItemType::Textarea => cells.push(("appearance".into(), "multiline".into())),
            _ => {}
        }
        if let Some(r) = self.relevant(item) {
            cells.push(("relevant".into(), r));
        }
        if item.kind == ItemType::Range {
            let mut params = Vec::new();
            for (k, v) in [("start", item.min), ("end", item.max), ("step", item.step)] {
                if let Some(v) = v {
                    params.push(format!("{k}={}", fmt_num(v)));
                }
            }
            if !params.is_empty() {
                cells.push(("parameters".into(), params.join(" ")));
            }
            self.labels(item, &mut cells);
        } else {
            if let Some(min) = item.min {
                constraint.push(format!(". >= {}", fmt_num(min)));
            }
            if let Some(max) = item.max {
                constraint.push(format!(". <= {}", fmt_num(max)));
            }
        }
        if let Some(m) = item.maxlength {
            if item.kind == ItemType::Number {
                self.problem(&p, "XLSForm cannot limit the length of a number; use min and max");
            }
            constraint.push(format!("string-length(.) <= {m}"));
        }
        if let Some(pattern) = &item.pattern {
            constraint.push(format!("regex(., '{pattern}')"));
            cells.extend(self.text("constraint_message", item.hint.as_ref()));
        }
        if !constraint.is_empty() {
            cells.push(("constraint".into(), constraint.join(" and ")));
        }
        if let Some(d) = &item.default_value {
            match d {
                Text::Plain(s) => cells.push(("default".into(), s.clone())),
                Text::ByLanguage(_) => {
                    self.problem(&format!("{p}.default_value"), "XLSForm has one default for every language")
                }
            }
        }
        if item.kind == ItemType::Expandable {
            if let Some(m) = item.max_expansions {
                cells.push(("repeat_count".into(), m.to_string()));
            }
        }
        self.lost(item);
        self.survey.push(cells);
        if item.kind.has_options() {
            self.options(item);
        }
        if item.kind == ItemType::Expandable {
            self.items(&item.content, false);
            self.survey.push(vec![("type".into(), "end_repeat".into())]);
        }
    }

    fn labels(&mut self, item: &Item, cells: &mut Vec<(String, String)>) {
        if item.labels.is_empty() {
            return;
        }
        let langs: BTreeSet<String> = item
            .labels
            .iter()
            .flat_map(|l| match l {
                Text::ByLanguage(m) => m.keys().filter(|k| *k != "i18n").cloned().collect(),
                Text::Plain(_) => Vec::new(),
            })
            .collect();
        if item.labels.iter().any(|l| l.all().iter().any(|t| t.contains('|'))) {
            self.problem(&format!("{}.labels", item.path), "a label holds |, which separates labels in XLSForm");
        }
        if langs.is_empty() {
            cells
                .push(("labels".into(), item.labels.iter().map(|l| l.resolve("", "")).collect::<Vec<_>>().join(" | ")));
        } else {
            for lang in langs {
                let joined = item.labels.iter().map(|l| l.resolve(&lang, &lang)).collect::<Vec<_>>().join(" | ");
                cells.push((format!("labels::{}", language_name(&lang)), joined));
            }
        }
    }

    fn options(&mut self, item: &Item) {
        let list = item.id.clone().unwrap_or_default();
        for (i, o) in item.options.iter().enumerate() {
            let op = format!("{}.options[{i}]", item.path);
            let mut cells = vec![("list_name".into(), list.clone()), ("name".into(), o.value.clone())];
            cells.extend(self.text("label", Some(&o.title)));
            if let Some(n) = o.numeric_value {
                cells.push(("numeric_value".into(), fmt_num(n)));
            }
            if o.tooltip.is_some() {
                self.problem(&op, "XLSForm has no explanation per choice (tooltip)");
            }
            if o.stop_subscription {
                self.problem(&op, "XLSForm cannot end participation (stop_subscription)");
            }
            self.choices.push(cells);
        }
    }

    /// Keys XLSForm has no place for.
    fn lost(&mut self, item: &Item) {
        let p = &item.path;
        let checks: [(&str, bool); 14] = [
            ("placeholder", item.placeholder.is_some()),
            ("show_after", item.show_after.is_some()),
            ("combines_with", !item.combines_with.is_empty()),
            ("foreach", item.foreach_student),
            ("label", item.label.is_some()),
            ("uses", item.uses.is_some()),
            ("otherwise_label", item.otherwise_label.is_some()),
            ("otherwise_tooltip", item.otherwise_tooltip.is_some()),
            ("otherwise_placeholder", item.otherwise_placeholder.is_some()),
            ("max_selections", item.max_selections.is_some()),
            ("value", item.start_value.is_some()),
            (
                "min/max (dates)",
                item.date_min.is_some() || item.date_max.is_some() || item.default_date.is_some() || item.today,
            ),
            ("default_expansions", item.default_expansions.is_some()),
            (
                "add_button_label/remove_button_label",
                item.add_button_label.is_some() || item.remove_button_label.is_some(),
            ),
        ];
        for (key, present) in checks {
            if present {
                self.problem(p, format!("XLSForm has no place for {key}"));
            }
        }
        if item.ticks || item.vertical || item.gradient || item.no_initial_thumb {
            self.problem(
                p,
                "XLSForm has no place for how a slider looks (ticks, vertical, gradient, no_initial_thumb)",
            );
        }
        if item.hidden && self.relevant(item).is_none() {
            self.problem(p, "is hidden and nothing shows it, which XLSForm cannot say");
        }
    }
}

/// Writes a questionnaire as an XLSForm workbook (.xlsx bytes).
pub fn export(q: &Questionnaire) -> Result<Vec<u8>, Vec<String>> {
    let mut ex = Exporter {
        q,
        survey: Sheet::default(),
        choices: Sheet::default(),
        problems: Vec::new(),
        steps: 0,
        sections: 0,
        notes: 0,
    };
    ex.items(&q.questions, true);
    if !q.scores.is_empty() {
        ex.problem("scores", "XLSForm has no scores; add them to the YAML after reading the workbook back");
    }
    if !ex.problems.is_empty() {
        return Err(ex.problems);
    }
    let mut settings = Sheet::default();
    let mut cells = vec![("form_id".to_string(), q.key.clone())];
    cells.extend(ex.text("form_title", q.title.as_ref()));
    settings.push(cells);
    let mut book = Workbook::new();
    for (name, sheet) in [("survey", &ex.survey), ("choices", &ex.choices), ("settings", &settings)] {
        let ws = book.add_worksheet();
        let fail = |e: rust_xlsxwriter::XlsxError| vec![format!("the workbook could not be written: {e}")];
        ws.set_name(name).map_err(fail)?;
        for (c, header) in sheet.columns.iter().enumerate() {
            ws.write_string(0, c as u16, header).map_err(fail)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (column, value) in row {
                let c = sheet.columns.iter().position(|h| h == column).unwrap_or(0);
                ws.write_string(r as u32 + 1, c as u16, value).map_err(fail)?;
            }
        }
    }
    book.save_to_buffer().map_err(|e| vec![format!("the workbook could not be written: {e}")])
}
