//! `codebook`: every variable of the study's questionnaires (each version answered, and the
//! newest version of every questionnaire its protocols name) with its wording in each language,
//! type, options with their codes, value labels of the `_code` columns, what an empty cell means,
//! scale ends and version, and the short name each variable has in `responses-wide` of the whole
//! study (the long name is `questionnaire.variable`; see [`koers_core::varnames`]).

use crate::columns::{self, Source};
use crate::context::{questionnaire_versions, StudyContext};
use crate::sink::{Cell, Sink};
use crate::{ExportResult, Progress, Request};
use koers_core::questionnaire::{Item, ItemType, Questionnaire, Text};
use koers_store::DbConnection;
use std::collections::{BTreeMap, BTreeSet};

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

/// One variable of one questionnaire version, as the codebook describes it.
#[derive(Debug, Clone)]
pub struct Variable {
    pub questionnaire: String,
    pub version: String,
    /// The column's name in a one-questionnaire `responses-wide`.
    pub variable: String,
    /// Its name in the whole study's `responses-wide` (at most 32 characters).
    pub short_name: String,
    pub item: Option<String>,
    pub kind: String,
    pub wording_nl: Option<String>,
    pub wording_en: Option<String>,
    /// The numbers of a `_code` column with the Dutch and English option titles.
    pub value_labels: Vec<(f64, String, String)>,
    pub cells: [Cell; 6],
    pub coding: String,
    pub missing: String,
}

/// The questionnaire versions a codebook describes: each version answered in the study, and the
/// newest version of every questionnaire its protocols name.
pub fn versions(conn: &mut DbConnection, req: &Request) -> ExportResult<Vec<Questionnaire>> {
    let ctx = StudyContext::load(conn, req.study_id, req.teams.as_deref())?;
    let mut versions: Vec<Questionnaire> = questionnaire_versions(conn, req.study_id)?;
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
    Ok(versions)
}

fn text(c: Cell) -> Option<String> {
    match c {
        Cell::Text(t) => Some(t),
        _ => None,
    }
}

/// Every variable of these versions, with short names computed over all of them at once.
pub fn variables(versions: &[Questionnaire]) -> Vec<Variable> {
    let mut out = Vec::new();
    for q in versions {
        let items = q.all_items();
        for col in columns::of(&[q], "") {
            let id = match &col.source {
                Source::Value(id) | Source::Ticked(id, _) | Source::Other(id) | Source::Code(id, _) => Some(id),
                Source::Score(_) => None,
            };
            let item = id.and_then(|id| {
                let base = columns::base_id(id);
                items.iter().find(|i| i.id.as_deref() == Some(base)).copied()
            });
            let kind = match (&col.source, item) {
                (Source::Score(_), _) => "score".to_string(),
                (Source::Code(..), _) => "code".to_string(),
                (_, Some(i)) => format!("{:?}", i.kind).to_lowercase(),
                _ => String::new(),
            };
            let ranged = item.filter(|i| i.kind == ItemType::Range);
            let coding = match &col.source {
                Source::Ticked(_, code) => format!("1 if option '{code}' was ticked, 0 if not, empty if not answered"),
                Source::Other(_) => format!("the text given with the 'other' option; {FREE_TEXT}"),
                Source::Score(id) => {
                    let s = q.scores.iter().find(|s| &s.id == id);
                    s.map(|s| format!("{:?} of {}", s.operation, s.ids.join(", ")).to_lowercase()).unwrap_or_default()
                }
                Source::Code(id, _) => format!(
                    "the number of the option chosen in '{id}' (its numeric_value, else its place from 1); see value labels"
                ),
                Source::Value(_) if ranged.is_some() => "number; empty if the slider was not touched".into(),
                Source::Value(_)
                    if item.is_some_and(|i| matches!(i.kind, ItemType::Textfield | ItemType::Textarea)) =>
                {
                    format!("empty if not answered; {FREE_TEXT}")
                }
                Source::Value(_) => "empty if not answered".into(),
            };
            let missing = match &col.source {
                Source::Value(_) if ranged.is_some() => {
                    "empty: the slider was not touched (or the item was not shown)".to_string()
                }
                Source::Score(_) => "empty: none of the score's items was answered".into(),
                Source::Other(_) => "empty: no 'other' text given".into(),
                _ => "empty: not answered (left open, or not shown because of a condition)".into(),
            };
            let value_labels = match &col.source {
                Source::Code(_, codes) => codes
                    .iter()
                    .map(|(code, n)| {
                        let title = item.and_then(|i| i.options.iter().find(|o| &o.value == code)).map(|o| &o.title);
                        let nl = title.map_or(code.clone(), |t| t.resolve("nl", "nl").to_string());
                        let en = title.map_or(code.clone(), |t| t.resolve("en", "nl").to_string());
                        (*n, nl, en)
                    })
                    .collect(),
                _ => Vec::new(),
            };
            out.push(Variable {
                questionnaire: q.key.clone(),
                version: q.version.clone(),
                variable: col.name.clone(),
                short_name: String::new(),
                item: id.cloned(),
                kind,
                wording_nl: text(words(item.and_then(|i| i.title.as_ref()), "nl")),
                wording_en: text(words(item.and_then(|i| i.title.as_ref()), "en")),
                value_labels,
                cells: [
                    item.map_or(Cell::Empty, |i| options(i, "nl")),
                    item.map_or(Cell::Empty, |i| options(i, "en")),
                    ranged.map_or(Cell::Empty, |i| Cell::Num(i.range_bounds().0)),
                    ranged.map_or(Cell::Empty, |i| Cell::Num(i.range_bounds().1)),
                    item.map_or(Cell::Empty, |i| labels(i, "nl")),
                    item.map_or(Cell::Empty, |i| labels(i, "en")),
                ],
                coding,
                missing,
            });
        }
    }
    // Short names as in the whole study's responses-wide: over the distinct long names.
    let longs: BTreeSet<String> = out.iter().map(|v| format!("{}.{}", v.questionnaire, v.variable)).collect();
    let longs: Vec<String> = longs.into_iter().collect();
    let shorts: BTreeMap<&String, String> = longs.iter().zip(koers_core::varnames::short_names(&longs)).collect();
    for v in &mut out {
        v.short_name = shorts[&format!("{}.{}", v.questionnaire, v.variable)].clone();
    }
    out
}

fn label_list(v: &Variable, en: bool) -> Cell {
    if v.value_labels.is_empty() {
        return Cell::Empty;
    }
    Cell::text(
        v.value_labels
            .iter()
            .map(|(n, nl, e)| format!("{n}={}", if en { e } else { nl }))
            .collect::<Vec<_>>()
            .join(" | "),
    )
}

pub fn write(conn: &mut DbConnection, req: &Request, sink: &mut Sink<'_>, progress: Progress<'_>) -> ExportResult<u64> {
    let versions = versions(conn, req)?;
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
            "short_name",
            "value_labels_nl",
            "value_labels_en",
            "missing",
        ]
        .map(String::from)
        .to_vec(),
    )?;
    let mut rows = 0;
    for v in variables(&versions) {
        let mut cells = vec![
            Cell::text(v.questionnaire.clone()),
            Cell::text(v.version.clone()),
            Cell::text(v.variable.clone()),
            Cell::opt_text(v.item.clone()),
            Cell::text(v.kind.clone()),
            Cell::opt_text(v.wording_nl.clone()),
            Cell::opt_text(v.wording_en.clone()),
        ];
        cells.extend(v.cells.iter().cloned());
        cells.extend([
            Cell::text(v.coding.clone()),
            Cell::text(v.short_name.clone()),
            label_list(&v, false),
            label_list(&v, true),
            Cell::text(v.missing.clone()),
        ]);
        sink.row(&cells)?;
        rows += 1;
    }
    // The exports whose columns are not questionnaire items: `feedback` (what was shown about
    // whom, an intervention the analysis must know), `paradata` (how each item was answered)
    // and the quality figures of `people`.
    let described = [
        ("feedback", &crate::feedback::COLUMNS[..]),
        ("paradata", &crate::paradata::COLUMNS[..]),
        ("people", &crate::people::QUALITY_COLUMNS[..]),
        ("rates", &crate::rates::COLUMNS[..]),
    ];
    for (dataset, columns) in described {
        for (name, meaning) in columns {
            let mut cells = vec![Cell::text(dataset), Cell::Empty, Cell::text(*name)];
            cells.extend((0..10).map(|_| Cell::Empty));
            cells.push(Cell::text(*meaning));
            // short_name, value labels (none) and what an empty cell means.
            cells.extend([Cell::text(*name), Cell::Empty, Cell::Empty, Cell::text("empty: does not apply")]);
            sink.row(&cells)?;
            rows += 1;
        }
    }
    progress(rows, Some(rows));
    Ok(rows)
}
