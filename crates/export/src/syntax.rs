//! Syntax files that read a package's CSVs with variable and value labels: R (base R, labels as
//! the `label` and `labels` attributes that haven and labelled use), SPSS (`GET DATA`) and Stata
//! (`import delimited`). SPSS and Stata get each column by its place under its short name
//! ([`koers_core::varnames`]), so every column has a name both accept whatever its header holds.

/// One column of a CSV of the package.
#[derive(Debug, Clone)]
pub struct Field {
    /// The header's name.
    pub name: String,
    /// A name for SPSS and Stata: the header's name in `responses-wide`, else its short form.
    pub short: String,
    /// Table Schema type: integer, number or string.
    pub kind: &'static str,
    /// The longest value in bytes (for SPSS's string widths).
    pub width: usize,
    pub label: Option<String>,
    pub long_name: Option<String>,
    /// Value labels: number and label.
    pub categories: Vec<(f64, String)>,
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub name: String,
    pub path: String,
    pub fields: Vec<Field>,
}

fn json(s: &str) -> String {
    serde_json::to_string(s).expect("a string")
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The R file: a list `koers` of data frames, one per CSV, named as the files.
pub fn r(resources: &[Resource]) -> String {
    let mut s = String::from(
        "# Reads this koers package with its labels. Run in the package's folder: source(\"koers.R\")\n\
# Variable labels are the \"label\" attribute, value labels the \"labels\" attribute (as haven uses);\n\
# koers_factor(x) turns a labelled code column into a factor.\n\
koers <- list()\n\
koers_factor <- function(x) factor(x, levels = attr(x, \"labels\"), labels = names(attr(x, \"labels\")))\n",
    );
    for r in resources {
        let d = format!("koers[[{}]]", json(&r.name));
        s.push_str(&format!(
            "\n{d} <- read.csv({}, na.strings = \"\", check.names = FALSE, stringsAsFactors = FALSE, encoding = \"UTF-8\", colClasses = c({}))\n",
            json(&r.path),
            r.fields
                .iter()
                .map(|f| format!("{} = {}", json(&f.name), json(if f.kind == "string" { "character" } else { "numeric" })))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        s.push_str(&format!(
            "stopifnot(identical(names({d}), c({})))\n",
            r.fields.iter().map(|f| json(&f.name)).collect::<Vec<_>>().join(", ")
        ));
        for f in &r.fields {
            let col = format!("{d}[[{}]]", json(&f.name));
            if let Some(l) = f.label.as_ref().or(f.long_name.as_ref()) {
                s.push_str(&format!("attr({col}, \"label\") <- {}\n", json(l)));
            }
            if !f.categories.is_empty() {
                s.push_str(&format!(
                    "attr({col}, \"labels\") <- c({})\n",
                    f.categories
                        .iter()
                        .map(|(n, l)| format!("{} = {}", json(l), number(*n)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        if r.name == "people" {
            s.push_str(&format!(
                "{d}[[\"in_sample\"]] <- as.integer({d}[[\"consent\"]] %in% \"given\" & !is.na({d}[[\"completed\"]]) & {d}[[\"completed\"]] >= 1)\n"
            ));
        }
    }
    s
}

fn spss_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''").replace(['\n', '\r'], " "))
}

/// The SPSS file: one dataset per CSV, named as the file with `_` for `-`.
pub fn spss(resources: &[Resource]) -> String {
    let mut s = String::from(
        "* Reads this koers package with its labels. First: CD 'the folder of this package'.\n\
* One dataset per CSV; columns get their short names (see codebook.csv for the long ones).\n",
    );
    for r in resources {
        s.push_str(&format!(
            "\nGET DATA /TYPE=TXT /FILE={} /ENCODING='UTF8' /DELCASE=LINE /DELIMITERS=\",\" /QUALIFIER='\"'\n  /ARRANGEMENT=DELIMITED /FIRSTCASE=2\n  /VARIABLES=\n",
            spss_quote(&r.path)
        ));
        for f in &r.fields {
            let format = match f.kind {
                "integer" => "F20.0".to_string(),
                "number" => "F24.8".to_string(),
                _ => format!("A{}", f.width.clamp(1, 32767)),
            };
            s.push_str(&format!("  {} {format}\n", f.short));
        }
        s.push_str(".\n");
        s.push_str(&format!("DATASET NAME {}.\n", r.name.replace('-', "_")));
        for f in &r.fields {
            if let Some(l) = f.label.as_ref().or(f.long_name.as_ref()) {
                s.push_str(&format!("VARIABLE LABELS {} {}.\n", f.short, spss_quote(&cut(l, 250))));
            }
            if !f.categories.is_empty() {
                s.push_str(&format!(
                    "VALUE LABELS {} {}.\n",
                    f.short,
                    f.categories
                        .iter()
                        .map(|(n, l)| format!("{} {}", number(*n), spss_quote(&cut(l, 120))))
                        .collect::<Vec<_>>()
                        .join(" ")
                ));
            }
        }
        if r.name == "people" {
            s.push_str("COMPUTE in_sample = (consent = 'given' AND completed >= 1).\n");
        }
        s.push_str("EXECUTE.\n");
    }
    s
}

fn stata_quote(s: &str) -> String {
    // Compound quotes; $ and ` would expand macros, so they become spaces.
    format!("`\"{}\"'", s.replace(['$', '`', '\n', '\r'], " ").replace("\"'", "\" '"))
}

/// The Stata file: each CSV read by place into its short names and saved as a .dta beside it.
pub fn stata(resources: &[Resource]) -> String {
    let mut s = String::from(
        "* Reads this koers package with its labels. Run in the package's folder: do koers.do\n\
* Each CSV is read, labelled and saved as a .dta file of the same name.\n\
version 14\n",
    );
    for r in resources {
        s.push_str(&format!(
            "\nimport delimited using {}, varnames(nonames) rowrange(2) delimiters(\",\") bindquote(strict) encoding(\"utf-8\") clear\n",
            stata_quote(&r.path)
        ));
        for (i, f) in r.fields.iter().enumerate() {
            s.push_str(&format!("rename v{} {}\n", i + 1, f.short));
            if f.kind == "string" {
                s.push_str(&format!("capture tostring {}, replace\n", f.short));
            }
        }
        for (i, f) in r.fields.iter().enumerate() {
            if let Some(l) = f.label.as_ref().or(f.long_name.as_ref()) {
                s.push_str(&format!("label variable {} {}\n", f.short, stata_quote(&cut(l, 80))));
            }
            if !f.categories.is_empty() {
                if f.categories.iter().any(|(n, _)| n.fract() != 0.0) {
                    s.push_str(&format!("* {}: Stata labels whole numbers only; see codebook.csv\n", f.short));
                    continue;
                }
                let lbl = format!("L{}", i + 1);
                s.push_str(&format!(
                    "label define {lbl} {}, replace\nlabel values {} {lbl}\n",
                    f.categories
                        .iter()
                        .map(|(n, l)| format!("{} {}", number(*n), stata_quote(&cut(l, 80))))
                        .collect::<Vec<_>>()
                        .join(" "),
                    f.short
                ));
            }
        }
        if r.name == "people" {
            s.push_str(
                "capture generate byte in_sample = consent == \"given\" & completed >= 1 & !missing(completed)\n",
            );
        }
        s.push_str(&format!("save {}, replace\n", stata_quote(&r.path.replace(".csv", ".dta"))));
    }
    s
}
