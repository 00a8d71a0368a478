//! Judging a submitted form must answer any form with errors or answers, never a panic. The
//! input is split into a questionnaire (first part) and form fields (`name=value` lines).
#![no_main]

use chrono::{DateTime, TimeDelta};
use koers_core::questionnaire::submit::{validate_submission, Context, Submission};
use koers_core::questionnaire::Questionnaire;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const DIARY: &str = include_str!("../../questionnaires/student_diary.yaml");
const MENTOR: &str = include_str!("../../questionnaires/mentor_diary.yaml");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Parsed once: the fuzzing is about the forms.
    static PARSED: OnceLock<(Questionnaire, Questionnaire)> = OnceLock::new();
    let (diary, mentor) = PARSED.get_or_init(|| {
        let parse = |s| koers_core::questionnaire::parse_questionnaire(s, None).expect("shipped questionnaire").0;
        (parse(DIARY), parse(MENTOR))
    });
    let (q, form) = match text.strip_prefix('m') {
        Some(rest) => (mentor, rest),
        None => (diary, text),
    };
    let fields = form
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default();
    let ctx = Context {
        lang: "nl".into(),
        fallback_lang: "nl".into(),
        now,
        today: now.date_naive(),
        protocol_start: now - TimeDelta::days(10),
        final_questionnaire: false,
        students: vec![(1, "A".into()), (2, "B".into())],
    };
    let _ = validate_submission(q, &Submission { fields, started_at: None, user_agent: None }, &ctx);
});
