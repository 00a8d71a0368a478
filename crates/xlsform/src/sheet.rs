//! A workbook's sheets as rows of named cells, read with calamine.

use crate::CellProblem;
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use std::collections::BTreeMap;
use std::io::Cursor;

/// One row of a sheet: its 1-based row number and its non-empty cells by column header
/// (headers lower-cased, as XLSForm reads them case-insensitively).
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub number: usize,
    pub cells: BTreeMap<String, String>,
}

impl Row {
    pub fn get(&self, column: &str) -> Option<&str> {
        self.cells.get(column).map(String::as_str).filter(|s| !s.trim().is_empty()).map(str::trim)
    }
}

pub(crate) struct Workbook {
    pub sheets: BTreeMap<String, Vec<Row>>,
}

fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// Reads the sheets; a sheet's first non-empty row holds its column headers.
pub(crate) fn read(bytes: &[u8]) -> Result<Workbook, CellProblem> {
    let whole = |message: String| CellProblem { sheet: "workbook".into(), row: 0, column: String::new(), message };
    let mut xlsx: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| whole(format!("not an .xlsx workbook that can be read ({e})")))?;
    let mut sheets = BTreeMap::new();
    for name in xlsx.sheet_names() {
        let range = xlsx.worksheet_range(&name).map_err(|e| whole(format!("sheet {name} cannot be read ({e})")))?;
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let mut header: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        for (i, cells) in range.rows().enumerate() {
            let values: Vec<String> = cells.iter().map(text).collect();
            if values.iter().all(|v| v.trim().is_empty()) {
                continue;
            }
            match &header {
                None => header = Some(values.iter().map(|h| h.trim().to_lowercase()).collect()),
                Some(h) => {
                    let cells = h
                        .iter()
                        .zip(values)
                        .filter(|(name, v)| !name.is_empty() && !v.trim().is_empty())
                        .map(|(name, v)| (name.clone(), v))
                        .collect();
                    rows.push(Row { number: first_row + i + 1, cells });
                }
            }
        }
        sheets.insert(name.trim().to_lowercase(), rows);
    }
    Ok(Workbook { sheets })
}
