//! One item as the values its template needs: every text cleaned, the fields named as the
//! server reads them back (`koers_core::questionnaire::submit`), and what the page's script
//! needs for live show/hide.

use super::ctx::{date_bound, fmt_num, t, Ctx, Spot};
use koers_core::mentor_week::shown_without_script;
use koers_core::questionnaire::model::{Item, ItemType, RawContent};
use koers_core::questionnaire::submit::day_choices;
use serde_json::{json, Map, Value};

pub(super) fn item_view(c: &Ctx<'_>, item: &Item, key: &str, student: Option<&str>, spot: Spot<'_>) -> Value {
    let conditional = item.hidden || item.show_when.is_some() || item.id.as_deref().is_some_and(|id| c.hide_target(id));
    let when = item.show_when.as_ref().map(|w| w.to_json(&|id| c.fields_of(id, spot).join(" ")).to_string());
    let mut v = json!({
        "kind": item.kind.name(),
        "id": item.id.clone().unwrap_or_default(),
        "key": key,
        "title": c.html(item.title.as_ref(), student),
        "tooltip": c.html(item.tooltip.as_ref(), student),
        "required": item.required,
        "conditional": conditional,
        "starts_hidden": item.hidden,
        "when": when.unwrap_or_default(),
        "section_start": c.html(item.section_start.as_ref(), student),
        "section_end": item.section_end,
        "error": c.errors.get(key).copied().unwrap_or(""),
        // For the `{{t}}` helper when the item is rendered on its own (a remembered fragment).
        "lang": c.input.lang,
        "register": c.input.register.code(),
    });
    let o = v.as_object_mut().expect("object");
    for flag in [
        "is_raw",
        "is_choice",
        "is_likert",
        "is_dropdown",
        "is_range",
        "is_input",
        "is_textarea",
        "is_time",
        "is_expandable",
        "is_unsubscribe",
        "is_drawing",
        "is_table",
        "is_notice",
        "is_step",
        "off",
        "question",
    ] {
        o.insert(flag.into(), json!(false));
    }
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
            choice(c, item, key, student, spot, o)
        }
        ItemType::Dropdown => {
            o.insert("is_dropdown".into(), json!(true));
            let options: Vec<Value> = item
                .options
                .iter()
                .map(|opt| {
                    json!({"value": opt.value, "plain": c.plain(Some(&opt.title), student), "checked": c.kept_has(key, &opt.value),
                           "shows": c.fields_of_all(&opt.shows_questions, spot), "hides": c.fields_of_all(&opt.hides_questions, spot)})
                })
                .collect();
            o.insert("options".into(), json!(options));
            let placeholder =
                item.placeholder.as_ref().map(|p| c.plain(Some(p), student)).unwrap_or_else(|| t(c.input, "q-choose"));
            o.insert("placeholder".into(), json!(placeholder));
            o.insert("label".into(), json!(c.html(item.label.as_ref(), student)));
        }
        ItemType::Range => {
            let (min, max) = item.range_bounds();
            let step = item.step.filter(|s| *s > 0.0).unwrap_or(1.0);
            let kept = c.kept_one(key);
            let touched = item.slider_set(c.kept_has(&format!("{key}__touched"), "1"), Some(kept.as_str()));
            let value = if touched { kept } else { fmt_num(item.slider_start()) };
            let labels: Vec<String> = item.labels.iter().map(|l| c.html(Some(l), student)).collect();
            o.insert("is_range".into(), json!(true));
            o.insert(
                "range".into(),
                json!({"min": fmt_num(min), "max": fmt_num(max), "step": fmt_num(step), "value": value, "touched": touched,
                       "unit": item.unit.as_ref().map(|u| c.plain(Some(u), student)),
                       "labels": labels, "single": labels.len() == 1, "vertical": item.vertical}),
            );
        }
        ItemType::Number
        | ItemType::Textfield
        | ItemType::Textarea
        | ItemType::Date
        | ItemType::DateRange
        | ItemType::TimeFancy => input(c, item, key, student, o),
        ItemType::Time | ItemType::DateAndTime => time(c, item, key, student, o),
        ItemType::Expandable => expandable(c, item, key, student, spot, o),
        ItemType::Table => {
            o.insert("is_table".into(), json!(true));
            let suffix = key.strip_prefix(item.id.as_deref().unwrap_or("")).unwrap_or("");
            let columns: Vec<String> = item.options.iter().map(|opt| c.html(Some(&opt.title), student)).collect();
            let rows: Vec<Value> = item
                .rows
                .iter()
                .map(|row| {
                    let row_key = format!("{}{suffix}", row.id);
                    let cells: Vec<Value> = item
                        .options
                        .iter()
                        .map(|opt| json!({"value": opt.value, "label": c.plain(Some(&opt.title), student), "checked": c.kept_has(&row_key, &opt.value)}))
                        .collect();
                    json!({"key": row_key, "title": c.html(row.title.as_ref(), student), "cells": cells,
                           "error": c.errors.get(row_key.as_str()).copied().unwrap_or(""),
                           "shows": c.fields_of_all(&row.shows_questions, spot), "hides": c.fields_of_all(&row.hides_questions, spot)})
                })
                .collect();
            o.insert("columns".into(), json!(columns));
            o.insert("rows".into(), json!(rows));
        }
        ItemType::Unsubscribe => {
            let content = match &item.raw_content {
                Some(RawContent::Same(t)) => c.html(Some(t), student),
                _ => String::new(),
            };
            let button = item
                .button_text
                .as_ref()
                .map(|b| c.plain(Some(b), student))
                .unwrap_or_else(|| t(c.input, "q-unsubscribe"));
            o.insert("is_unsubscribe".into(), json!(true));
            o.insert("content".into(), json!(content));
            o.insert("button".into(), json!(button));
        }
        ItemType::Drawing | ItemType::Gentle => {
            o.insert("is_drawing".into(), json!(true));
            // A network starts from the file's (often the previous answer, via a variable).
            let start = item.network.as_deref().map(|n| {
                let mut vars = c.input.vars.clone();
                if let Some(u) = &item.uses {
                    if !vars.previous.contains_key(&u.previous) {
                        if let Some(d) = &u.default {
                            vars.previous.insert(
                                u.previous.clone(),
                                d.resolve(&c.input.lang, &c.input.fallback_lang).to_string(),
                            );
                        }
                    }
                }
                vars.render(n, &c.input.lang)
            });
            let kept = c.kept_one(key);
            o.insert("value".into(), json!(if kept.is_empty() { start.unwrap_or_default() } else { kept }));
            let note = if item.kind == ItemType::Gentle { t(c.input, "q-network") } else { t(c.input, "q-drawing") };
            o.insert("note".into(), json!(note));
        }
        ItemType::NextQuestionnaireNotice => {
            o.insert("is_notice".into(), json!(true));
        }
        ItemType::PageBreak => {
            o.insert("is_step".into(), json!(true));
            o.insert("step_count".into(), json!(c.step_count));
        }
    }
    v
}

fn choice(c: &Ctx<'_>, item: &Item, key: &str, student: Option<&str>, spot: Spot<'_>, o: &mut Map<String, Value>) {
    o.insert("is_choice".into(), json!(true));
    o.insert("is_likert".into(), json!(item.kind == ItemType::Likert));
    let multiple = matches!(item.kind, ItemType::Checkbox | ItemType::Days);
    o.insert("input".into(), json!(if multiple { "checkbox" } else { "radio" }));
    let options: Vec<Value> = if item.kind == ItemType::Days {
        let today = c.input.today.unwrap_or_default();
        let (shows, hides) =
            (c.fields_of_all(&item.shows_questions, spot), c.fields_of_all(&item.hides_questions, spot));
        day_choices(item, today)
            .into_iter()
            .map(|d| {
                let title = super::clean::escape(&d.replace('_', " "));
                json!({"value": d, "title": title, "checked": c.kept_has(key, &d), "shows": shows, "hides": hides, "tooltip": ""})
            })
            .collect()
    } else {
        item.options
            .iter()
            .map(|opt| {
                json!({"value": opt.value, "title": c.html(Some(&opt.title), student), "checked": c.kept_has(key, &opt.value),
                       "tooltip": c.html(opt.tooltip.as_ref(), student),
                       "shows": c.fields_of_all(&opt.shows_questions, spot), "hides": c.fields_of_all(&opt.hides_questions, spot)})
            })
            .collect()
    };
    o.insert("options".into(), json!(options));
    let otherwise = (item.show_otherwise && matches!(item.kind, ItemType::Radio | ItemType::Checkbox)).then(|| {
        let label =
            item.otherwise_label.as_ref().map(|l| c.html(Some(l), student)).unwrap_or_else(|| t(c.input, "q-other"));
        let placeholder = item
            .otherwise_placeholder
            .as_ref()
            .map(|p| c.plain(Some(p), student))
            .unwrap_or_else(|| t(c.input, "q-other-fill"));
        json!({"label": label, "checked": c.kept_has(key, "__other"), "text": c.kept_one(&format!("{key}__other")),
               "placeholder": placeholder, "tooltip": c.html(item.otherwise_tooltip.as_ref(), student)})
    });
    o.insert("otherwise".into(), otherwise.unwrap_or(json!(false)));
}

fn input(c: &Ctx<'_>, item: &Item, key: &str, student: Option<&str>, o: &mut Map<String, Value>) {
    o.insert("is_input".into(), json!(true));
    o.insert("is_textarea".into(), json!(item.kind == ItemType::Textarea));
    let (input, mode) = match item.kind {
        ItemType::Number => ("text", "decimal"),
        ItemType::Date | ItemType::DateRange => ("date", ""),
        ItemType::TimeFancy => ("time", ""),
        _ => ("text", ""),
    };
    o.insert("input".into(), json!(input));
    o.insert("inputmode".into(), json!(mode));
    // What the field holds before the person types: `default_value` (names filled in),
    // today, or `default_date`; never after the form came back, which keeps what was sent.
    let mut value = c.kept_one(key);
    if value.is_empty() && !c.refilled() {
        value = match item.kind {
            ItemType::Date if item.today => c.input.today.map(|t| t.to_string()).unwrap_or_default(),
            ItemType::Date => date_bound(&item.default_date, c.input.today).unwrap_or_default(),
            _ => c.plain(item.default_value.as_ref(), student),
        };
    }
    o.insert("value".into(), json!(value));
    o.insert("maxlength".into(), json!(item.maxlength.map(|m| m.to_string()).unwrap_or_default()));
    o.insert("placeholder".into(), json!(c.plain(item.placeholder.as_ref(), student)));
    o.insert("hint".into(), json!(c.html(item.hint.as_ref(), student)));
    let (min, max) = if matches!(item.kind, ItemType::Date | ItemType::DateRange) {
        (date_bound(&item.date_min, c.input.today), date_bound(&item.date_max, c.input.today))
    } else {
        (None, None)
    };
    o.insert("min".into(), json!(min.unwrap_or_default()));
    o.insert("max".into(), json!(max.unwrap_or_default()));
    o.insert("step".into(), json!(""));
    // A number's limits travel as data (a text field has no min/max), for the page's script
    // and for anyone reading the form.
    if item.kind == ItemType::Number {
        o.insert("data_min".into(), json!(item.min.map(fmt_num).unwrap_or_default()));
        o.insert("data_max".into(), json!(item.max.map(fmt_num).unwrap_or_default()));
    }
}

fn time(c: &Ctx<'_>, item: &Item, key: &str, student: Option<&str>, o: &mut Map<String, Value>) {
    o.insert("is_time".into(), json!(true));
    let h_name = item.time.hours_id.clone().unwrap_or_else(|| format!("{key}__h"));
    let m_name = item.time.minutes_id.clone().unwrap_or_else(|| format!("{key}__m"));
    let kept_h = c.kept_one(&h_name);
    let kept_m = c.kept_one(&m_name);
    let hours: Vec<Value> = item
        .hour_choices()
        .into_iter()
        .map(|h| {
            let value = fmt_num(h);
            let label = if item.time.am_pm {
                let whole = h as i64;
                match whole {
                    0 => format!("12{} AM", &value[1..]),
                    12 => format!("{value} PM"),
                    w if w > 12 => format!("{} PM", fmt_num(h - 12.0)),
                    _ => format!("{value} AM"),
                }
            } else {
                value.clone()
            };
            json!({"value": value, "label": label, "selected": kept_h == value})
        })
        .collect();
    let minutes: Vec<Value> = item
        .time
        .minute_choices()
        .into_iter()
        .map(|m| json!({"value": m.to_string(), "label": format!("{m:02}"), "selected": kept_m == m.to_string()}))
        .collect();
    let label = |l: &Option<koers_core::questionnaire::Text>, fallback: String| {
        l.as_ref().map(|l| c.html(Some(l), student)).unwrap_or(fallback)
    };
    o.insert(
        "time".into(),
        json!({"hours_name": h_name, "minutes_name": m_name, "hours": hours, "minutes": minutes,
               "hours_label": label(&item.time.hours_label, t(c.input, "q-hours")), "minutes_label": label(&item.time.minutes_label, t(c.input, "q-minutes"))}),
    );
    let date = (item.kind == ItemType::DateAndTime).then(|| {
        let mut value = c.kept_one(key);
        if value.is_empty() && !c.refilled() {
            value = if item.today {
                c.input.today.map(|t| t.to_string()).unwrap_or_default()
            } else {
                date_bound(&item.default_date, c.input.today).unwrap_or_default()
            };
        }
        json!({"value": value, "min": date_bound(&item.date_min, c.input.today).unwrap_or_default(),
               "max": date_bound(&item.date_max, c.input.today).unwrap_or_default()})
    });
    o.insert("date".into(), date.unwrap_or(json!(false)));
}

fn expandable(c: &Ctx<'_>, item: &Item, key: &str, student: Option<&str>, spot: Spot<'_>, o: &mut Map<String, Value>) {
    let max = item.max_expansions.unwrap_or(10).clamp(1, 50);
    let default = item.default_expansions.unwrap_or(1).clamp(0, max);
    let suffix = key.strip_prefix(item.id.as_deref().unwrap_or("")).unwrap_or("");
    // Without scripts, blocks past the first two stay hidden until "more" is pressed (the
    // page's script shows and hides them itself).
    let filled = (1..=max)
        .filter(|n| {
            item.content.iter().any(|inner| {
                let k = format!("{}{suffix}__{n}", inner.id.as_deref().unwrap_or(""));
                if inner.kind == ItemType::Range {
                    c.kept_one(&format!("{k}__touched")) == "1"
                } else {
                    !c.kept_one(&k).is_empty() || !c.kept_one(&format!("{k}__other")).is_empty()
                }
            })
        })
        .max()
        .unwrap_or(0);
    let asked = c.kept_one(&format!("__shown_{key}")).parse().unwrap_or(0);
    let shown = shown_without_script(default as usize, max as usize, filled as usize, asked);
    let expansions: Vec<Value> = (1..=max)
        .map(|n| {
            let inner_spot = Spot { student_suffix: spot.student_suffix, expansion: Some((n as usize, &item.content)) };
            let items: Vec<Value> = item
                .content
                .iter()
                .map(|inner| {
                    let inner_key = format!("{}{suffix}__{n}", inner.id.as_deref().unwrap_or(""));
                    item_view(c, inner, &inner_key, student, inner_spot)
                })
                .collect();
            json!({"n": n, "label": koers_texts::t_in(&c.input.lang, c.input.register, "q-expansion", &[("n", n.to_string())]), "items": items,
                   "hidden": n as usize > shown, "anchor": format!("x-{key}-{n}")})
        })
        .collect();
    o.insert("more".into(), if shown < max as usize { json!(format!("{key}:{}", shown + 1)) } else { json!(false) });
    o.insert("is_expandable".into(), json!(true));
    o.insert("expansions".into(), json!(expansions));
    o.insert("max".into(), json!(max));
    o.insert("default".into(), json!(default));
    let add = item.add_button_label.as_ref().map(|l| c.plain(Some(l), student)).unwrap_or_else(|| t(c.input, "q-add"));
    let remove =
        item.remove_button_label.as_ref().map(|l| c.plain(Some(l), student)).unwrap_or_else(|| t(c.input, "q-remove"));
    o.insert("add_label".into(), json!(add));
    o.insert("remove_label".into(), json!(remove));
}
