//! The import's problems read as sentences in both languages: core names the rule, the
//! catalogue says it (the CLI in English, a Dutch staff page in Dutch).

use chrono::NaiveDate;
use koers_core::people::Role;
use koers_core::people_import::{plan_people_import, ImportContext};
use koers_texts::msg;

fn problems(lang: &str) -> Vec<String> {
    let ctx = ImportContext {
        today: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        known_teams: ["Team Noord".to_string()].into_iter().collect(),
        create_teams: false,
        protocols: [("studenten".to_string(), Some(Role::Student)), ("mentoren".to_string(), Some(Role::Mentor))]
            .into_iter()
            .collect(),
        existing: Default::default(),
        groups: Default::default(),
    };
    let file = "type,team_name,first_name,mobile_phone,protocol_name,email\n\
                Student,Team Noord,,0612345678,mentoren,x\n\
                Student,Team Noord,Ahmed,0612345678,studentn,\n\
                Student,Team Noord,Lisa,020 1234567,,\n";
    plan_people_import(file.as_bytes(), &ctx)
        .unwrap_err()
        .iter()
        .map(|p| format!("{}: {}: {}", p.line, p.column.as_deref().unwrap_or(""), msg(lang, &p.msg)))
        .collect()
}

#[test]
fn import_problems_in_english() {
    assert_eq!(
        problems("en"),
        [
            "2: first_name: is empty but required",
            "2: email: 'x' is not an e-mail address",
            "2: protocol_name: protocol 'mentoren' is for mentors, not for this student",
            "3: protocol_name: unknown protocol 'studentn'; did you mean 'studenten'?",
            "4: mobile_phone: '020 1234567' is not a mobile number, so it cannot receive SMS; a Dutch mobile number starts with 06",
        ]
    );
}

#[test]
fn import_problems_in_dutch() {
    assert_eq!(
        problems("nl"),
        [
            "2: first_name: is leeg, maar moet ingevuld zijn",
            "2: email: 'x' is geen e-mailadres",
            "2: protocol_name: het protocol 'mentoren' is voor begeleiders, niet voor deze student",
            "3: protocol_name: het protocol 'studentn' bestaat niet; bedoelt u 'studenten'?",
            "4: mobile_phone: '020 1234567' is geen mobiel nummer en kan dus geen sms krijgen; een Nederlands mobiel nummer begint met 06",
        ]
    );
}
