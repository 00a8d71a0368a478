//! `koers export package`: every pseudonymised export of a study as CSV, its codebook, a
//! `datapackage.json` (Frictionless Data Package with Table Schemas: fields, types, missing
//! values, value labels as `categories`) and syntax files that read the CSVs with their labels
//! in SPSS, Stata and R ([`crate::syntax`]), with a README on who is in the data and how weeks
//! are counted. The package is built in memory (a few files of a study's size) so that it can be
//! written to a folder or sent as one zip.

use crate::codebook;
use crate::syntax::{self, Field, Resource};
use crate::{export, ExportResult, Format, Kind, Request};
use koers_store::DbConnection;
use std::collections::HashMap;
use std::io::Write;

/// The exports in a package: every kind that names nobody.
pub const KINDS: &[Kind] = &[
    Kind::AnswersLong,
    Kind::ResponsesWide,
    Kind::PairWeeks,
    Kind::Invitations,
    Kind::People,
    Kind::Paradata,
    Kind::Rates,
    Kind::Codebook,
];

/// What the package says about the pseudonyms, in the README and in `datapackage.json`.
pub const PSEUDONYM_NOTE: &str = "People appear only as pseudonyms (p followed by 20 hex digits): a keyed hash \
(HMAC-SHA256) of their id under a key derived from the installation's secret. The same person has the same \
pseudonym in every file and every export of this installation; without the secret a pseudonym cannot be traced \
back. The files hold no names, phone numbers or e-mail addresses; free text may still name someone.";

/// One file of the package.
#[derive(Debug, Clone)]
pub struct PackageFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The type a Table Schema gives a column, from its values: integer, number, else string.
fn infer(values: &[&str]) -> &'static str {
    let filled: Vec<&&str> = values.iter().filter(|v| !v.is_empty()).collect();
    if filled.is_empty() {
        "string"
    } else if filled.iter().all(|v| v.parse::<i64>().is_ok()) {
        "integer"
    } else if filled.iter().all(|v| v.parse::<f64>().is_ok_and(f64::is_finite)) {
        "number"
    } else {
        "string"
    }
}

/// The fields of one CSV: names from its header, types from its values.
fn fields_of(csv_bytes: &[u8]) -> ExportResult<Vec<Field>> {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let header: Vec<String> = reader.headers()?.iter().map(String::from).collect();
    let mut columns: Vec<Vec<String>> = vec![Vec::new(); header.len()];
    for record in reader.records() {
        let record = record?;
        for (i, v) in record.iter().enumerate().take(header.len()) {
            columns[i].push(v.to_string());
        }
    }
    let names = koers_core::varnames::short_names(&header);
    Ok(header
        .into_iter()
        .zip(names)
        .zip(columns)
        .map(|((name, short), values)| {
            let refs: Vec<&str> = values.iter().map(String::as_str).collect();
            let width = refs.iter().map(|v| v.len()).max().unwrap_or(1);
            Field { kind: infer(&refs), name, short, width, label: None, long_name: None, categories: Vec::new() }
        })
        .collect())
}

/// Builds the package of a study (the request's kind and format are ignored: CSV throughout).
pub fn build(conn: &mut DbConnection, req: &Request) -> ExportResult<Vec<PackageFile>> {
    let mut files = Vec::new();
    let mut resources = Vec::new();
    let versions = codebook::versions(conn, req)?;
    let variables = codebook::variables(&versions);
    // The newest wording and labels of each responses-wide column (by its short name).
    let by_short: HashMap<&str, &codebook::Variable> = variables.iter().map(|v| (v.short_name.as_str(), v)).collect();
    for kind in KINDS {
        let mut bytes = Vec::new();
        let r = Request { kind: *kind, format: Format::Csv, questionnaire: None, ..req.clone() };
        export(conn, &r, &mut bytes, &mut |_, _| {})?;
        let mut fields = fields_of(&bytes)?;
        if *kind == Kind::ResponsesWide {
            for f in &mut fields {
                if let Some(v) = by_short.get(f.name.as_str()) {
                    f.long_name = Some(format!("{}.{}", v.questionnaire, v.variable));
                    f.label = v.wording_en.clone().or(v.wording_nl.clone());
                    f.categories = v.value_labels.iter().map(|(n, _, en)| (*n, en.clone())).collect();
                }
            }
        }
        let name = format!("{}.csv", kind.as_str());
        resources.push(Resource { name: kind.as_str().to_string(), path: name.clone(), fields });
        files.push(PackageFile { name, bytes });
    }
    files.push(PackageFile { name: "datapackage.json".into(), bytes: datapackage(&resources).into_bytes() });
    files.push(PackageFile { name: "koers.R".into(), bytes: syntax::r(&resources).into_bytes() });
    files.push(PackageFile { name: "koers.sps".into(), bytes: syntax::spss(&resources).into_bytes() });
    files.push(PackageFile { name: "koers.do".into(), bytes: syntax::stata(&resources).into_bytes() });
    files.push(PackageFile { name: "README.md".into(), bytes: readme(&resources).into_bytes() });
    Ok(files)
}

fn datapackage(resources: &[Resource]) -> String {
    let res: Vec<serde_json::Value> = resources
        .iter()
        .map(|r| {
            let fields: Vec<serde_json::Value> = r
                .fields
                .iter()
                .map(|f| {
                    let mut o = serde_json::json!({"name": f.name, "type": f.kind});
                    if let Some(l) = &f.long_name {
                        o["title"] = l.clone().into();
                    }
                    if let Some(l) = &f.label {
                        o["description"] = l.clone().into();
                    }
                    if !f.categories.is_empty() {
                        o["categories"] = f
                            .categories
                            .iter()
                            .map(|(n, l)| serde_json::json!({"value": n, "label": l}))
                            .collect::<Vec<_>>()
                            .into();
                    }
                    o
                })
                .collect();
            serde_json::json!({
                "name": r.name,
                "path": r.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "missingValues": [""]},
            })
        })
        .collect();
    let pkg = serde_json::json!({
        "profile": "tabular-data-package",
        "name": "koers-study",
        "description": format!("A koers study's pseudonymised data. {PSEUDONYM_NOTE} An empty cell is a missing value; \
    the codebook says what it means per variable."),
        "resources": res,
    });
    serde_json::to_string_pretty(&pkg).expect("json") + "\n"
}

fn readme(resources: &[Resource]) -> String {
    let mut s = String::from(
        "# Study data (koers)\n\n\
## Files\n\n",
    );
    for r in resources {
        s.push_str(&format!("- `{}`: {} columns\n", r.path, r.fields.len()));
    }
    s.push_str(
        "- `datapackage.json`: the Frictionless Data Package: every column's name, type and value labels \
(`categories`); an empty cell is missing (`missingValues`).\n\
- `koers.R`, `koers.sps`, `koers.do`: read every CSV with variable and value labels in R, SPSS and Stata. \
Run them in this folder.\n\
- `codebook.csv`: every variable per questionnaire version with its wording (Dutch and English), options, \
value labels of the `_code` columns, scale ends, what an empty cell means, and the short name it has in \
`responses-wide.csv` (the long name is `questionnaire.variable`), and the columns of `paradata.csv` and \
the quality columns of `people.csv`.\n\
- `paradata.csv`: per response and item, when it was first and last interacted with, whether it was \
touched, how often it changed, and the device class (phone, tablet, desktop, unknown); it joins \
`answers-long.csv` on `response` and `item`.\n\
- `people.csv` holds per person the quality of their diaries: `mssd` and `mssd_` per slider, \
`untouched_share`, `middle_share`, `median_seconds` and the flags `flag_middle` and `flag_fast` \
(hints to look again, never a verdict).\n\
- `rates.csv`: response rates per role, measurement kind (diary, intake, closing), group and week since \
start (the report's response curves).\n\n\
## Who is in the data\n\n\
The files hold everyone the study invited. The analysis sample is the people who **consented and completed \
at least one questionnaire**: in `people.csv`, `consent` is `given` and `completed` is 1 or more. The syntax \
files add this as `in_sample` (1 or 0) to the people table; join it by `person`. People marked `excluded` \
(with `exclusion_reason`) were set aside by the research team.\n\n\
## Weeks\n\n\
- `calendar_week`: the ISO 8601 week (`2026-W53`) of the day a questionnaire opened, in the study's time zone.\n\
- `week_since_start`: 1 in the calendar week (Monday to Sunday) of the person's first day, 2 in the next, \
and so on; 0 or less before it. Calendar weeks, so a student's and a mentor's rows line up.\n\
- `week_from_dropout`: 0 in the calendar week of the dropout date, -1 in the week before, 1 after; empty \
for those who did not drop out.\n\n\
## Codes\n\n\
A single choice (radio, likert, dropdown) has its option's code as text (`mostly_nice`) and a `_code` \
column with its number: the option's `numeric_value`, else its place from 1. Value labels are in the \
codebook, in `datapackage.json` and in the syntax files. A multi-select has one 0/1 column per option.\n\n\
## Pseudonyms\n\n",
    );
    s.push_str(PSEUDONYM_NOTE);
    s.push('\n');
    s
}

/// The package as one zip, for the API. Stored, not compressed: the CSVs stay readable in the
/// zip as sent, so the API's scope tests can see that no other organisation's row is in it.
pub fn zip(files: &[PackageFile]) -> ExportResult<Vec<u8>> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for f in files {
            z.start_file(f.name.as_str(), opts).map_err(|e| crate::ExportError::Invalid(e.to_string()))?;
            z.write_all(&f.bytes)?;
        }
        z.finish().map_err(|e| crate::ExportError::Invalid(e.to_string()))?;
    }
    Ok(out.into_inner())
}
