//! `codebook`: every variable of the study's questionnaires (each version answered, and the
//! newest version of every questionnaire its protocols name) with its wording in each language,
//! type, options with their codes, scale ends and version.

use crate::columns::{self, Source};
use crate::context::{questionnaire_versions, StudyContext};
use crate::sink::{Cell, Sink};
use crate::{ExportResult, Progress, Request};
use koers_core::questionnaire::{Item, ItemType, Questionnaire, Text};
use koers_store::DbConnection;
use std::collections::BTreeSet;

/// How free text is written, for the variables that hold it.
const FREE_TEXT: &str = "free text as typed, except that in CSV a ' is put before text starting with =, +, -, @, a tab or a carriage return, so that a spreadsheet never runs it as a formula (JSONL holds the text exactly)";

fn words(t: Option<&Text>, lang: &str) -> Cell {
    t.map_or(Cell::Empty, |t| Cell::text(t.resolve(lang, "nl")))
}

fn options(item: &Item, lang: &str) -> Cell {
    if item.options.is_empty() {
        return Cell::Empty;
    }
    Cell::text(
        item.options
            .iter()
            .map(|o| format!("{}={}", o.value, o.title.resolve(lang, "nl")))
            .collect::<Vec<_>>()
            .join(" | "),
    )
}

fn labels(item: &Item, lang: &str) -> Cell {
    if item.labels.is_empty() {
        return Cell::Empty;
    }
    Cell::text(item.labels.iter().map(|l| l.resolve(lang, "nl")).collect::<Vec<_>>().join(" | "))
}

/// The item id of a repeated item's variable: `action_types__2` is `action_types`.
fn base_id(id: &str) -> &str {
    let mut id = id;
    while let Some((head, n)) = id.rsplit_once("__") {
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        id = head;
    }
    id
}

pub fn write(conn: &mut DbConnection, req: &Request, sink: &mut Sink<'_>, progress: Progress<'_>) -> ExportResult<u64> {
    let ctx = StudyContext::load(conn, req.study_id, req.teams.as_deref())?;
    let mut versions: Vec<Questionnaire> =
        questionnaire_versions(conn, req.study_id)?.into_iter().map(|(_, q)| q).collect();
    let named: BTreeSet<String> =
        ctx.protocols.values().flat_map(|p| p.measurements.iter().map(|m| m.questionnaire.clone())).collect();
    for key in named {
        if let Some(stored) = koers_store::definitions::latest_questionnaire(conn, req.study_id, &key)? {
            if !versions.iter().any(|q| q.version == stored.content_hash) {
                if let Ok((q, _)) = koers_core::questionnaire::parse_questionnaire(&stored.content, Some(&key)) {
                    versions.push(q);
                }
            }
        }
    }
    sink.header(
        [
            "questionnaire",
            "version",
            "variable",
            "item",
            "type",
            "wording_nl",
            "wording_en",
            "options_nl",
            "options_en",
            "scale_min",
            "scale_max",
            "scale_labels_nl",
            "scale_labels_en",
            "coding",
        ]
        .map(String::from)
        .to_vec(),
    )?;
    let mut rows = 0;
    for q in &versions {
        let items = q.all_items();
        for col in columns::of(&[q], "") {
            let id = match &col.source {
                Source::Value(id) | Source::Ticked(id, _) | Source::Other(id) => Some(id),
                Source::Score(_) => None,
            };
            let item = id.and_then(|id| {
                let base = base_id(id);
                items.iter().find(|i| i.id.as_deref() == Some(base)).copied()
            });
            let kind = match (&col.source, item) {
                (Source::Score(_), _) => "score".to_string(),
                (_, Some(i)) => format!("{:?}", i.kind).to_lowercase(),
                _ => String::new(),
            };
            let ranged = item.filter(|i| i.kind == koers_core::questionnaire::ItemType::Range);
            let coding = match &col.source {
                Source::Ticked(_, code) => format!("1 if option '{code}' was ticked, 0 if not, empty if not answered"),
                Source::Other(_) => format!("the text given with the 'other' option; {FREE_TEXT}"),
                Source::Score(id) => {
                    let s = q.scores.iter().find(|s| &s.id == id);
                    s.map(|s| format!("{:?} of {}", s.operation, s.ids.join(", ")).to_lowercase()).unwrap_or_default()
                }
                Source::Value(_) if ranged.is_some() => "number; empty if the slider was not touched".into(),
                Source::Value(_)
                    if item.is_some_and(|i| matches!(i.kind, ItemType::Textfield | ItemType::Textarea)) =>
                {
                    format!("empty if not answered; {FREE_TEXT}")
                }
                Source::Value(_) => "empty if not answered".into(),
            };
            sink.row(&[
                Cell::text(q.key.clone()),
                Cell::text(q.version.clone()),
                Cell::text(col.name.clone()),
                Cell::opt_text(id.cloned()),
                Cell::text(kind),
                words(item.and_then(|i| i.title.as_ref()), "nl"),
                words(item.and_then(|i| i.title.as_ref()), "en"),
                item.map_or(Cell::Empty, |i| options(i, "nl")),
                item.map_or(Cell::Empty, |i| options(i, "en")),
                ranged.map_or(Cell::Empty, |i| Cell::Num(i.range_bounds().0)),
                ranged.map_or(Cell::Empty, |i| Cell::Num(i.range_bounds().1)),
                item.map_or(Cell::Empty, |i| labels(i, "nl")),
                item.map_or(Cell::Empty, |i| labels(i, "en")),
                Cell::text(coding),
            ])?;
            rows += 1;
        }
    }
    progress(rows, Some(rows));
    Ok(rows)
}
