//! Where rows go: CSV (UTF-8, a header line, RFC 4180 quoting by the csv crate) or JSON Lines
//! (one object per row, keys from the header, numbers as numbers, empty cells as null).
//!
//! Text that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
//! carriage return: OWASP's "CSV injection") gets a `'` in front in CSV, so a free-text answer
//! or a name can never run a formula on the computer of whoever opens the file. Numbers are
//! written as numbers and never changed; JSON Lines holds every text exactly as given.

use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "jsonl" => Some(Format::Jsonl),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Jsonl => "application/jsonl; charset=utf-8",
        }
    }
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Num(f64),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn opt_text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }

    pub fn opt_int(i: Option<i64>) -> Cell {
        i.map_or(Cell::Empty, Cell::Int)
    }

    pub fn opt_num(n: Option<f64>) -> Cell {
        n.map_or(Cell::Empty, Cell::Num)
    }

    pub fn flag(b: bool) -> Cell {
        Cell::Int(i64::from(b))
    }

    fn csv(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => csv_safe(s),
            Cell::Int(i) => i.to_string(),
            Cell::Num(n) => format_number(*n),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Empty => serde_json::Value::Null,
            Cell::Text(s) => serde_json::Value::String(s.clone()),
            Cell::Int(i) => (*i).into(),
            Cell::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => (*n as i64).into(),
            Cell::Num(n) => serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, serde_json::Value::Number),
        }
    }
}

/// The characters that make a spreadsheet read a cell as a formula.
pub const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Text as it goes into a CSV cell: with a `'` in front when it would start a formula.
pub fn csv_safe(s: &str) -> String {
    if s.starts_with(FORMULA_STARTS) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Whole numbers without a decimal point (a slider at 50 is `50`, not `50.0`).
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

pub struct Sink<'a> {
    format: Format,
    csv: Option<csv::Writer<&'a mut dyn Write>>,
    raw: Option<&'a mut dyn Write>,
    columns: Vec<String>,
}

impl<'a> Sink<'a> {
    pub fn new(format: Format, out: &'a mut dyn Write) -> Self {
        match format {
            Format::Csv => Sink { format, csv: Some(csv::Writer::from_writer(out)), raw: None, columns: Vec::new() },
            Format::Jsonl => Sink { format, csv: None, raw: Some(out), columns: Vec::new() },
        }
    }

    pub fn header(&mut self, columns: Vec<String>) -> crate::ExportResult<()> {
        if let Some(w) = &mut self.csv {
            w.write_record(&columns)?;
        }
        self.columns = columns;
        Ok(())
    }

    pub fn row(&mut self, cells: &[Cell]) -> crate::ExportResult<()> {
        debug_assert_eq!(cells.len(), self.columns.len(), "a row has a cell per column");
        match self.format {
            Format::Csv => {
                let w = self.csv.as_mut().expect("csv writer");
                w.write_record(cells.iter().map(Cell::csv))?;
            }
            Format::Jsonl => {
                let w = self.raw.as_mut().expect("writer");
                let object: serde_json::Map<String, serde_json::Value> =
                    self.columns.iter().cloned().zip(cells.iter().map(Cell::json)).collect();
                serde_json::to_writer(&mut **w, &object).map_err(std::io::Error::from)?;
                w.write_all(b"\n")?;
            }
        }
        Ok(())
    }

    pub fn finish(mut self) -> crate::ExportResult<()> {
        if let Some(w) = &mut self.csv {
            w.flush()?;
        }
        if let Some(w) = &mut self.raw {
            w.flush()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_starts_a_formula_is_neutralised_in_csv_only() {
        for bad in ["=1+1", "+31612345678", "-2", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\",\"y\")"] {
            assert_eq!(Cell::text(bad).csv(), format!("'{bad}"), "{bad:?}");
            assert_eq!(Cell::text(bad).json(), serde_json::Value::String(bad.into()), "{bad:?}");
        }
        for fine in ["hallo", " =x", "1-2", "a@b", ""] {
            assert_eq!(Cell::text(fine).csv(), fine);
        }
        assert_eq!(Cell::Int(-5).csv(), "-5", "numbers stay numbers");
        assert_eq!(Cell::Num(-0.5).csv(), "-0.5");
    }
}
