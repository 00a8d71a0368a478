//! XLSForm, the spreadsheet format of ODK, KoBo and SurveyCTO, as a way into koers and back
//! out: [`import`] reads a workbook (sheets `survey`, `choices`, `settings`) into a koers
//! questionnaire written as YAML, [`export`] writes a questionnaire as a workbook. What cannot
//! be translated is reported, one problem per cell, and then nothing is written.
//!
//! Beyond XLSForm's columns koers reads and writes one more: `labels` (and `labels::Dutch
//! (nl)`), the words under a slider's ends, separated by `|`.

mod export;
mod import;
mod relevant;
mod sheet;

pub use export::export;
pub use import::import;

use std::fmt;

/// Something in a workbook koers cannot translate, shown as `SHEET:ROW: column: message`
/// (the file name before it where the caller knows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub sheet: String,
    /// 1-based, as a spreadsheet numbers its rows; 0 for the sheet as a whole.
    pub row: usize,
    pub column: String,
    pub message: String,
}

impl fmt::Display for CellProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, self.column.as_str()) {
            (0, "") => write!(f, "{}: {}", self.sheet, self.message),
            (0, c) => write!(f, "{}: {c}: {}", self.sheet, self.message),
            (r, "") => write!(f, "{}:{r}: {}", self.sheet, self.message),
            (r, c) => write!(f, "{}:{r}: {c}: {}", self.sheet, self.message),
        }
    }
}

/// Language columns (`label::Dutch (nl)`): the code in brackets, else a known language's
/// name, else the name itself.
pub(crate) fn language_code(name: &str) -> String {
    let name = name.trim();
    if let (Some(open), Some(close)) = (name.rfind('('), name.rfind(')')) {
        if open < close {
            return name[open + 1..close].trim().to_lowercase();
        }
    }
    match name.to_lowercase().as_str() {
        "dutch" | "nederlands" => "nl".into(),
        "english" | "engels" => "en".into(),
        "german" | "deutsch" | "duits" => "de".into(),
        "french" | "français" | "frans" => "fr".into(),
        other => other.to_string(),
    }
}

/// The column header for a language: `Dutch (nl)`.
pub(crate) fn language_name(code: &str) -> String {
    let name = match code {
        "nl" => "Dutch",
        "en" => "English",
        "de" => "German",
        "fr" => "French",
        _ => return code.to_string(),
    };
    format!("{name} ({code})")
}
