//! Reading one item, its options and a table's rows. A key is read only where it does
//! something for the item's type; a key of the vocabulary that does nothing there is warned
//! about (u-can-act ignored it silently), an unknown key is an error.

use super::condition::parse_condition;
use super::model::*;
use super::parse::MAX_OPTIONS;
use super::read::{at, kind_of, Keys, Reader};
use super::vocabulary::*;
use crate::suggest::nearest;
use serde_yaml_ng::{Mapping, Value};

const MAX_DEPTH: usize = 4;

impl Reader {
    pub(super) fn item(&mut self, v: &Value, path: &str, depth: usize) -> Option<Item> {
        let Some(m) = v.as_mapping() else {
            self.error(path, format!("an item must be a mapping of keys to values, not {}", kind_of(v)));
            return None;
        };
        let kind = match m.get("type").map(|t| t.as_str()) {
            None => {
                self.error(path, "the item has no type");
                return None;
            }
            Some(Some(t)) => match ItemType::parse(t) {
                Some(k) => k,
                None => {
                    let hint = nearest(t, ItemType::ALL.iter().map(|(n, _)| *n))
                        .map(|n| format!("; did you mean '{n}'?"))
                        .unwrap_or_default();
                    self.error(&at(path, "type"), format!("unknown type '{t}'{hint}"));
                    return None;
                }
            },
            Some(None) => {
                self.error(&at(path, "type"), "must be a type name such as radio or range");
                return None;
            }
        };
        let effective: Vec<&str> = COMMON_KEYS.iter().chain(kind.own_keys()).copied().collect();
        let known = known_item_keys();
        let why = format!("does nothing for {} items", kind.name());
        self.mapping(v, path, &Keys { effective: &effective, known: &known, why: &why }, "an item")?;
        let has = |key: &str| kind.own_keys().contains(&key);
        let mut item = Item::new(kind, path.to_string());
        item.id = self.string(m, "id", path);
        item.title = self.opt_text(m, "title", path);
        item.tooltip = self.opt_text(m, "tooltip", path);
        if let Some(required) = self.flag(m, "required", path) {
            item.required = required;
        }
        item.hidden = self.bool(m, "hidden", path);
        item.section_start = self.opt_text(m, "section_start", path);
        item.section_end = self.bool(m, "section_end", path);
        item.show_after =
            m.get("show_after").filter(|v| !v.is_null()).and_then(|v| self.show_after(v, &at(path, "show_after")));
        if let Some(text) = self.string(m, "show_when", path) {
            match parse_condition(&text) {
                Ok(c) => item.show_when = Some(c),
                Err(e) => self.error(&at(path, "show_when"), format!("'{text}': {e}")),
            }
        }
        item.combines_with = self.ids(m, "combines_with", path);
        match self.string(m, "foreach", path).as_deref() {
            None => {}
            Some("student") => item.foreach_student = true,
            Some(other) => self.error(
                &at(path, "foreach"),
                format!("'{other}' is not something to repeat for; the only one is student"),
            ),
        }
        item.label = self.opt_text(m, "label", path);
        if let Some(u) = m.get("uses").filter(|v| !v.is_null()) {
            let up = at(path, "uses");
            let keys = Keys { effective: &["previous", "default"], known: &[], why: "" };
            if let Some(um) = self.mapping(u, &up, &keys, "uses") {
                match self.string(um, "previous", &up) {
                    Some(previous) => item.uses = Some(Uses { previous, default: self.opt_text(um, "default", &up) }),
                    None => self.error(&up, "needs previous: the id whose previous answer is used"),
                }
            }
        }
        if has("options") {
            item.options = self.options(m, path);
        }
        if kind == ItemType::Table {
            // A table stores the chosen column's 0-based number, as u-can-act does.
            for (i, o) in item.options.iter_mut().enumerate() {
                o.value = i.to_string();
            }
        }
        if has("rows") {
            item.rows = self.rows(m, path);
        }
        if has("show_otherwise") {
            if let Some(s) = self.flag(m, "show_otherwise", path) {
                item.show_otherwise = s;
            }
            item.otherwise_label = self.opt_text(m, "otherwise_label", path);
            item.otherwise_tooltip = self.opt_text(m, "otherwise_tooltip", path);
            item.otherwise_placeholder = self.opt_text(m, "otherwise_placeholder", path);
        }
        if has("max_selections") {
            item.max_selections = self.integer(m, "max_selections", path);
        }
        if has("placeholder") {
            item.placeholder = self.opt_text(m, "placeholder", path);
        }
        if has("default_value") {
            item.default_value = self.opt_text(m, "default_value", path);
        }
        if has("today") || kind == ItemType::DateRange {
            item.date_min = m.get("min").and_then(|v| self.date_bound(v, &at(path, "min")));
            item.date_max = m.get("max").and_then(|v| self.date_bound(v, &at(path, "max")));
        } else if has("min") {
            item.min = self.number(m, "min", path);
            item.max = self.number(m, "max", path);
        }
        if has("today") {
            item.default_date = m.get("default_date").and_then(|v| self.date_bound(v, &at(path, "default_date")));
            item.today = self.bool(m, "today", path);
        }
        if has("step") {
            item.step = self.number(m, "step", path);
        }
        if has("value") {
            item.start_value = self.number(m, "value", path);
        }
        if has("unit") {
            item.unit = m.get("unit").and_then(|v| self.text(v, &at(path, "unit")));
        }
        if has("labels") {
            item.labels = match m.get("labels") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Sequence(seq)) => {
                    seq.iter().enumerate().filter_map(|(i, v)| self.text(v, &format!("{path}.labels[{i}]"))).collect()
                }
                Some(other) => {
                    self.error(&at(path, "labels"), format!("must be a list of texts, not {}", kind_of(other)));
                    Vec::new()
                }
            };
            item.ticks = self.bool(m, "ticks", path);
            item.vertical = self.bool(m, "vertical", path);
            item.gradient = self.bool(m, "gradient", path);
            item.no_initial_thumb = self.bool(m, "no_initial_thumb", path);
        }
        if has("maxlength") {
            item.maxlength = self.integer(m, "maxlength", path);
        }
        if has("links_to_expandable") {
            item.links_to_expandable = self.string(m, "links_to_expandable", path);
        }
        if has("pattern") {
            item.pattern = self.string(m, "pattern", path);
            item.hint = self.opt_text(m, "hint", path);
        }
        if has("hours_from") {
            item.time = TimeSettings {
                hours_from: self.number(m, "hours_from", path),
                hours_to: self.number(m, "hours_to", path),
                hours_step: self.number(m, "hours_step", path),
                hours_label: self.opt_text(m, "hours_label", path),
                minutes_label: self.opt_text(m, "minutes_label", path),
                minutes_step: self.integer(m, "minutes_step", path),
                hours_id: self.string(m, "hours_id", path),
                minutes_id: self.string(m, "minutes_id", path),
                am_pm: self.bool(m, "am_pm", path),
            };
        }
        if has("from_days_ago") {
            item.days = DaysSettings {
                from_days_ago: self.integer(m, "from_days_ago", path),
                exclude_weekends: self.bool(m, "exclude_weekends", path),
                include_today: self.bool(m, "include_today", path),
                morning_and_afternoon: self.bool(m, "morning_and_afternoon", path),
                date_format: self.string(m, "date_format", path),
            };
            item.shows_questions = self.ids(m, "shows_questions", path);
            item.hides_questions = self.ids(m, "hides_questions", path);
        }
        if kind == ItemType::Expandable {
            self.expandable(m, path, depth, &mut item);
        } else if has("content") {
            item.raw_content = self.raw_content(m, path);
        }
        if has("button_text") {
            item.button_text = self.opt_text(m, "button_text", path);
        }
        if has("image") {
            item.drawing = DrawingSettings {
                image: self.string(m, "image", path),
                color: self.string(m, "color", path),
                width: self.number(m, "width", path),
                height: self.number(m, "height", path),
                radius: self.number(m, "radius", path),
                density: self.number(m, "density", path),
            };
        }
        if has("network") {
            item.network = self.string(m, "network", path);
        }
        Some(item)
    }

    fn expandable(&mut self, m: &Mapping, path: &str, depth: usize, item: &mut Item) {
        match m.get("content") {
            Some(Value::Sequence(seq)) if depth < MAX_DEPTH => {
                item.content = self.items(seq, &at(path, "content"), depth + 1)
            }
            Some(Value::Sequence(_)) => {
                self.error(&at(path, "content"), format!("expandables nest at most {MAX_DEPTH} deep"))
            }
            Some(Value::Null) | None => {}
            Some(other) => self.error(&at(path, "content"), format!("must be a list of items, not {}", kind_of(other))),
        }
        item.default_expansions = self.integer(m, "default_expansions", path);
        item.max_expansions = self.integer(m, "max_expansions", path);
        item.add_button_label = self.opt_text(m, "add_button_label", path);
        item.remove_button_label = self.opt_text(m, "remove_button_label", path);
    }

    fn raw_content(&mut self, m: &Mapping, path: &str) -> Option<RawContent> {
        let c = m.get("content").filter(|v| !v.is_null())?;
        let cp = at(path, "content");
        match c {
            Value::Mapping(cm) if cm.contains_key("first") || cm.contains_key("normal") => {
                let keys = Keys { effective: &["first", "normal"], known: &[], why: "" };
                self.mapping(c, &cp, &keys, "content")?;
                match (self.opt_text(cm, "first", &cp), self.opt_text(cm, "normal", &cp)) {
                    (Some(first), Some(normal)) => Some(RawContent::FirstAndNormal { first, normal }),
                    _ => {
                        self.error(&cp, "needs both first: and normal:");
                        None
                    }
                }
            }
            other => self.text(other, &cp).map(RawContent::Same),
        }
    }

    fn options(&mut self, m: &Mapping, path: &str) -> Vec<Choice> {
        let op = at(path, "options");
        let seq = match m.get("options") {
            Some(Value::Sequence(seq)) => seq,
            None | Some(Value::Null) => return Vec::new(),
            Some(other) => {
                self.error(&op, format!("must be a list of options, not {}", kind_of(other)));
                return Vec::new();
            }
        };
        if seq.len() > MAX_OPTIONS {
            self.error(&op, format!("more than {MAX_OPTIONS} options"));
            return Vec::new();
        }
        let known = known_item_keys();
        let mut out = Vec::new();
        for (i, v) in seq.iter().enumerate() {
            let p = format!("{op}[{i}]");
            // A map of languages (`{nl: Ja, en: Yes, i18n: ...}`) is a title; any other map is
            // an option object.
            let translations = v.as_mapping().is_some_and(|om| {
                om.keys().all(|k| {
                    k.as_str().is_some_and(|k| k == "i18n" || k.len() == 2 || (k.len() == 5 && &k[2..3] == "-"))
                })
            });
            let choice = if v.is_mapping() && !translations {
                let keys = Keys { effective: OPTION_KEYS, known: &known, why: "does nothing on an option" };
                let Some(om) = self.mapping(v, &p, &keys, "an option") else { continue };
                let Some(title) = self.opt_text(om, "title", &p) else {
                    self.error(&p, "the option has no title");
                    continue;
                };
                let value = self.string(om, "value", &p).unwrap_or_else(|| title.code().to_string());
                Choice {
                    numeric_value: self.number(om, "numeric_value", &p),
                    tooltip: self.opt_text(om, "tooltip", &p),
                    shows_questions: self.ids(om, "shows_questions", &p),
                    hides_questions: self.ids(om, "hides_questions", &p),
                    stop_subscription: self.bool(om, "stop_subscription", &p),
                    value,
                    title,
                }
            } else {
                let Some(title) = self.text(v, &p) else { continue };
                Choice {
                    value: title.code().to_string(),
                    title,
                    numeric_value: None,
                    tooltip: None,
                    shows_questions: Vec::new(),
                    hides_questions: Vec::new(),
                    stop_subscription: false,
                }
            };
            out.push(choice);
        }
        out
    }

    fn rows(&mut self, m: &Mapping, path: &str) -> Vec<TableRow> {
        let rp = at(path, "rows");
        let seq = match m.get("rows") {
            Some(Value::Sequence(seq)) => seq,
            None | Some(Value::Null) => return Vec::new(),
            Some(other) => {
                self.error(&rp, format!("must be a list of rows, not {}", kind_of(other)));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, v) in seq.iter().enumerate() {
            let p = format!("{rp}[{i}]");
            let keys = Keys { effective: ROW_KEYS, known: &[], why: "" };
            let Some(row) = self.mapping(v, &p, &keys, "a row") else { continue };
            let Some(id) = self.string(row, "id", &p) else {
                self.error(&p, "a row needs an id: its answer is stored under it");
                continue;
            };
            out.push(TableRow {
                id,
                title: self.opt_text(row, "title", &p),
                shows_questions: self.ids(row, "shows_questions", &p),
                hides_questions: self.ids(row, "hides_questions", &p),
            });
        }
        out
    }
}
