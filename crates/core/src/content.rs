//! Versions of definitions (questionnaires, protocols) by the hash of their content.

use sha2::{Digest, Sha256};

/// The version of a definition: the first 16 hex digits of the SHA-256 of its bytes with line
/// endings normalised, so the same file checked out on Windows or Linux has the same version.
pub fn content_hash(content: &str) -> String {
    let normalised = content.replace("\r\n", "\n");
    let digest = Sha256::digest(normalised.as_bytes());
    hex::encode(&digest[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_ignores_line_endings_but_not_content() {
        assert_eq!(content_hash("a: 1\r\nb: 2\r\n"), content_hash("a: 1\nb: 2\n"));
        assert_ne!(content_hash("a: 1\n"), content_hash("a: 2\n"));
        assert_eq!(content_hash("x").len(), 16);
    }
}

/// The few top-level fields needed to file a definition (key or name, and a protocol's role)
/// before the full parser has read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DefinitionHeader {
    pub key: Option<String>,
    pub name: Option<String>,
    pub role: Option<String>,
    /// A protocol's consent questionnaire (its key in the same study), when it names one.
    pub consent: Option<String>,
}

pub fn definition_header(source: &str) -> Result<DefinitionHeader, String> {
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(source).map_err(|e| e.to_string())?;
    let field = |k: &str| value.get(k).and_then(|v| v.as_str()).map(str::to_string);
    if !value.is_mapping() {
        return Err("the file must be a mapping of keys to values".into());
    }
    Ok(DefinitionHeader { key: field("key"), name: field("name"), role: field("role"), consent: field("consent") })
}

#[cfg(test)]
mod header_tests {
    use super::*;

    #[test]
    fn reads_the_filing_fields_of_yaml_and_json() {
        let h = definition_header("name: vsv_student\nrole: student\nmeasurements: []\n").unwrap();
        assert_eq!((h.name.as_deref(), h.role.as_deref()), (Some("vsv_student"), Some("student")));
        let j = definition_header(r#"{"key": "student_diary", "questions": []}"#).unwrap();
        assert_eq!(j.key.as_deref(), Some("student_diary"));
        assert!(definition_header("- a\n- b\n").is_err());
    }
}
