//! `koers questionnaire check`, `render`, and the way in from and out to a spreadsheet:
//! `import` (XLSForm to koers YAML) and `export --xlsform`.

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use koers_core::questionnaire::parse_questionnaire;
use koers_core::questionnaire::vars::PersonVars;
use koers_web::questionnaire_page::{render_page, PageInput};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum QuestionnaireCommand {
    /// Check questionnaire files: every problem as FILE: PATH: message; exit status 1 on errors
    /// (unknown variables are warnings).
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Read an XLSForm workbook (.xlsx: sheets survey, choices, settings) and print the
    /// questionnaire as koers YAML. What cannot be translated is reported as
    /// FILE:SHEET:ROW: column: message, and then nothing is printed.
    Import {
        file: PathBuf,
        /// The questionnaire's key (default: the settings' form_id, else the file name).
        #[arg(long)]
        key: Option<String>,
    },
    /// Write a questionnaire as an XLSForm workbook, to edit in a spreadsheet and read back
    /// with import.
    Export {
        file: PathBuf,
        /// The workbook to write (.xlsx).
        #[arg(long, value_name = "OUT.xlsx")]
        xlsform: PathBuf,
    },
    /// Print the page a participant would see.
    Render {
        file: PathBuf,
        #[arg(long, default_value = "nl")]
        lang: String,
        /// A text variable, e.g. --var deze_student=Sanne --var voornaam=Joris (repeatable).
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
    },
}

fn stem(p: &Path) -> Option<&str> {
    p.file_stem().and_then(|s| s.to_str())
}

pub fn run(cmd: QuestionnaireCommand) -> Result<()> {
    match cmd {
        QuestionnaireCommand::Check { files } => {
            let mut errors = 0;
            for f in &files {
                let source = match std::fs::read_to_string(f) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("{}: cannot read: {e}", f.display());
                        errors += 1;
                        continue;
                    }
                };
                match parse_questionnaire(&source, stem(f)) {
                    Ok((q, warnings)) => {
                        for w in &warnings {
                            eprintln!("{}: {w}", f.display());
                        }
                        println!("{}: ok ({} items, version {})", f.display(), q.all_items().len(), q.version);
                    }
                    Err(problems) => {
                        for p in &problems {
                            eprintln!("{}: {p}", f.display());
                        }
                        errors += problems.iter().filter(|p| !p.warning).count();
                    }
                }
            }
            if errors > 0 {
                bail!("{errors} problem(s) found");
            }
            Ok(())
        }
        QuestionnaireCommand::Import { file, key } => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let stem = stem(&file).unwrap_or("questionnaire").to_lowercase().replace(['-', ' '], "_");
            let yaml = koers_xlsform::import(&bytes, &stem, key.as_deref()).map_err(|problems| {
                for p in &problems {
                    eprintln!("{}:{p}", file.display());
                }
                anyhow!("{} problem(s) found; nothing was written", problems.len())
            })?;
            // What comes out must be a questionnaire koers can load.
            if let Err(problems) = parse_questionnaire(&yaml, Some(&stem)) {
                for p in problems.iter().filter(|p| !p.warning) {
                    eprintln!("{}: {p}", file.display());
                }
                bail!("the questionnaire read from {} does not pass the checks; nothing was written", file.display());
            }
            print!("{yaml}");
            Ok(())
        }
        QuestionnaireCommand::Export { file, xlsform } => {
            let source = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let (q, _) = parse_questionnaire(&source, stem(&file)).map_err(|problems| {
                for p in problems.iter().filter(|p| !p.warning) {
                    eprintln!("{}: {p}", file.display());
                }
                anyhow!("{} has problems; nothing was written", file.display())
            })?;
            let bytes = koers_xlsform::export(&q).map_err(|problems| {
                for p in &problems {
                    eprintln!("{}: {p}", file.display());
                }
                anyhow!("{} problem(s) found; nothing was written", problems.len())
            })?;
            // Written beside the target and renamed, so a failed write leaves no half file.
            let dir = xlsform.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let mut tmp =
                tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
            std::io::Write::write_all(&mut tmp, &bytes)?;
            tmp.persist(&xlsform).with_context(|| format!("cannot write {}", xlsform.display()))?;
            println!("{}: written ({} items)", xlsform.display(), q.all_items().len());
            Ok(())
        }
        QuestionnaireCommand::Render { file, lang, vars } => {
            let source = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let (q, _) = parse_questionnaire(&source, stem(&file)).map_err(|problems| {
                anyhow!(
                    "{} has problems; run koers questionnaire check:\n  {}",
                    file.display(),
                    problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n  ")
                )
            })?;
            let mut person = PersonVars::default();
            for v in vars {
                let (name, value) = v.split_once('=').ok_or_else(|| anyhow!("--var takes NAME=VALUE, not '{v}'"))?;
                match name {
                    "deze_student" | "this_student" => person.student_name = Some(value.into()),
                    "naam_begeleider" | "mentor_name" => person.mentor_name = Some(value.into()),
                    "voornaam" | "first_name" => person.first_name = Some(value.into()),
                    other => {
                        person.study.insert(other.into(), [(lang.clone(), value.to_string())].into_iter().collect());
                    }
                }
            }
            let input = PageInput {
                lang: lang.clone(),
                fallback_lang: "nl".into(),
                vars: person,
                action: "#".into(),
                csrf: String::new(),
                first_time: true,
                ..Default::default()
            };
            let templates = koers_web::render::Templates::new();
            print!("{}", render_page(&templates, &q, &input)?);
            Ok(())
        }
    }
}
