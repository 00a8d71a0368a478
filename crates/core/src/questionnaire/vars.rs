//! Text variables: `{{deze_student}}`, pronouns by gender, names, a study's own variables and
//! `{{previous_ID}}`. A variable that cannot be filled in is shown as nothing, never raw.

use crate::people::Gender;
use std::collections::BTreeMap;

pub const PLATFORM_VARIABLES: &[&str] = &[
    "deze_student",
    "Deze_student",
    "naam_begeleider",
    "zijn_haar_student",
    "Zijn_haar_student",
    "hij_zij_student",
    "Hij_zij_student",
    "hem_haar_student",
    "zijn_haar_begeleider",
    "hij_zij_begeleider",
    "Hij_zij_begeleider",
    "hem_haar_begeleider",
    "voornaam",
    "this_student",
    "This_student",
    "mentor_name",
    "his_her_student",
    "His_her_student",
    "he_she_student",
    "He_she_student",
    "him_her_student",
    "his_her_mentor",
    "he_she_mentor",
    "He_she_mentor",
    "him_her_mentor",
    "first_name",
    "begeleider",
    "Begeleider",
    "mentor_title",
    "Mentor_title",
];

/// The names of the `{{...}}` variables in a text, in order.
pub fn variables_in(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let name = after[..close].trim();
        if !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.push(name);
        }
        rest = &after[close + 2..];
    }
    out
}

/// Replaces every variable; `lookup` gives a value or nothing.
pub fn render_variables(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        out.push_str(&lookup(after[..close].trim()).unwrap_or_default());
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Who a text is about, for filling in its variables.
#[derive(Debug, Clone, Default)]
pub struct PersonVars {
    /// The person answering.
    pub first_name: Option<String>,
    pub student_name: Option<String>,
    pub student_gender: Option<Gender>,
    pub mentor_name: Option<String>,
    pub mentor_gender: Option<Gender>,
    /// What the person's organisation calls a mentor, as stored ("coach"); the default when unset.
    pub mentor_title: Option<String>,
    /// A study's own variables: name -> language -> text.
    pub study: BTreeMap<String, BTreeMap<String, String>>,
    /// The person's previous answers, by item id, for `{{previous_ID}}`.
    pub previous: BTreeMap<String, String>,
}

/// Possessive, subject and object pronouns; `Other` and unknown get the neutral forms.
fn pronouns(gender: Option<Gender>, lang: &str) -> (&'static str, &'static str, &'static str) {
    match (lang, gender) {
        ("en", Some(Gender::Male)) => ("his", "he", "him"),
        ("en", Some(Gender::Female)) => ("her", "she", "her"),
        ("en", _) => ("their", "they", "them"),
        (_, Some(Gender::Male)) => ("zijn", "hij", "hem"),
        (_, Some(Gender::Female)) => ("haar", "zij", "haar"),
        (_, _) => ("hun", "die", "hen"),
    }
}

impl PersonVars {
    pub fn value(&self, name: &str, lang: &str) -> Option<String> {
        if let Some(id) = name.strip_prefix("previous_") {
            return self.previous.get(id).cloned();
        }
        if let Some(by_lang) = self.study.get(name) {
            return by_lang.get(lang).or_else(|| by_lang.values().next()).cloned();
        }
        let en = lang == "en";
        let (s_pos, s_subj, s_obj) = pronouns(self.student_gender, if en { "en" } else { "nl" });
        let (m_pos, m_subj, m_obj) = pronouns(self.mentor_gender, if en { "en" } else { "nl" });
        let this_student =
            self.student_name.clone().unwrap_or_else(|| if en { "this student" } else { "deze student" }.into());
        let title = crate::mentor_title::mentor_title_in(self.mentor_title.as_deref().unwrap_or(""), lang);
        let mentor =
            self.mentor_name
                .clone()
                .unwrap_or_else(|| if en { format!("your {title}") } else { format!("je {title}") });
        let v = match name {
            "deze_student" | "this_student" => this_student,
            "Deze_student" | "This_student" => capitalise(&this_student),
            "naam_begeleider" | "mentor_name" => mentor,
            "zijn_haar_student" | "his_her_student" => s_pos.into(),
            "Zijn_haar_student" | "His_her_student" => capitalise(s_pos),
            "hij_zij_student" | "he_she_student" => s_subj.into(),
            "Hij_zij_student" | "He_she_student" => capitalise(s_subj),
            "hem_haar_student" | "him_her_student" => s_obj.into(),
            "zijn_haar_begeleider" | "his_her_mentor" => m_pos.into(),
            "hij_zij_begeleider" | "he_she_mentor" => m_subj.into(),
            "Hij_zij_begeleider" | "He_she_mentor" => capitalise(m_subj),
            "hem_haar_begeleider" | "him_her_mentor" => m_obj.into(),
            "voornaam" | "first_name" => self.first_name.clone().unwrap_or_default(),
            "begeleider" | "mentor_title" => title.into(),
            "Begeleider" | "Mentor_title" => capitalise(title),
            _ => return None,
        };
        Some(v)
    }

    pub fn render(&self, text: &str, lang: &str) -> String {
        render_variables(text, &|name| self.value(name, lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pronouns_follow_gender_and_capitalised_variants_capitalise() {
        let mut v = PersonVars {
            student_name: Some("Sanne".into()),
            student_gender: Some(Gender::Female),
            ..Default::default()
        };
        assert_eq!(
            v.render("Hoe ging het met {{deze_student}}? Was {{hij_zij_student}} er?", "nl"),
            "Hoe ging het met Sanne? Was zij er?"
        );
        assert_eq!(v.render("{{Hij_zij_student}} kwam.", "nl"), "Zij kwam.");
        v.student_gender = Some(Gender::Male);
        assert_eq!(v.render("{{He_she_student}} came with {{his_her_student}} bike.", "en"), "He came with his bike.");
        v.student_gender = Some(Gender::Other);
        assert_eq!(v.render("{{zijn_haar_student}} / {{their}}", "nl"), "hun / ");
        v.student_name = None;
        assert_eq!(v.render("{{Deze_student}}", "nl"), "Deze student");
    }

    #[test]
    fn unknown_and_unfinished_variables_never_show_raw_braces_of_a_name() {
        let v = PersonVars::default();
        assert_eq!(v.render("a {{onbekend}} b", "nl"), "a  b");
        assert_eq!(variables_in("{{a}} {{ b_2 }} {{ not valid! }}"), vec!["a", "b_2"]);
    }

    #[test]
    fn previous_answers_and_study_variables_are_filled_in() {
        let mut v = PersonVars::default();
        v.previous.insert("v3".into(), "voetbal".into());
        v.study.insert("school".into(), [("nl".to_string(), "het ROC".to_string())].into_iter().collect());
        assert_eq!(v.render("Vorige keer: {{previous_v3}} op {{school}}", "nl"), "Vorige keer: voetbal op het ROC");
    }

    #[test]
    fn the_organisations_title_for_a_mentor_fills_begeleider() {
        let mut v = PersonVars { mentor_title: Some("jobcoach".into()), ..Default::default() };
        assert_eq!(
            v.render("Sprak je je {{begeleider}}? {{Begeleider}}: {{naam_begeleider}}", "nl"),
            "Sprak je je jobcoach? Jobcoach: je jobcoach"
        );
        assert_eq!(v.render("Did you talk to your {{mentor_title}}?", "en"), "Did you talk to your job coach?");
        v.mentor_title = None;
        assert_eq!(v.render("je {{begeleider}}", "nl"), "je begeleider", "no title chosen: the default");
    }
}
