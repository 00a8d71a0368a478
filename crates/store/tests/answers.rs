//! What a submitted diary stores, on both databases: exactly what the format page says.

use chrono::{TimeDelta, TimeZone, Utc};
use koers_core::people::Role;
use koers_core::questionnaire::parse_questionnaire;
use koers_core::questionnaire::submit::{validate_submission, Context, Submission};
use koers_store::answers::{save_submission, stored_answers, Completion, Saved, StoredAnswer};
use koers_store::schedule;
use koers_store::testing::{diary_window, seed_bare_subscription, seed_person, seed_study, TestDb};

const DIARY: &str = "key: d\nquestions:\n\
  - {id: went, type: radio, show_otherwise: false, options: [{title: Ja, value: yes, shows_questions: [fun]}, {title: Nee, value: no}]}\n\
  - {id: fun, type: range, hidden: true}\n\
  - {id: mood, type: range}\n\
  - {id: why, type: checkbox, show_otherwise: false, options: [{title: a, value: a, numeric_value: 1}, {title: b, value: b, numeric_value: 2}]}\n\
  - {id: note, type: textarea}\n\
scores:\n  - {id: s, ids: [why], operation: sum}\n";

#[test]
fn a_submission_stores_visible_answers_not_answered_and_nothing_for_hidden_items_once() {
    for (backend, t) in TestDb::both() {
        let now = Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap();
        let mut c = t.db.conn().unwrap();
        let at = seed_study(&mut c, "s", now).unwrap();
        let person = seed_person(&mut c, at, Role::Student, "Sanne", "+31612345678", None, now).unwrap();
        let sub = seed_bare_subscription(&mut c, at.study_id, person, Role::Student, None, now).unwrap();
        let window = diary_window(1, now);
        let response = schedule::ensure_response(&mut c, sub, &window, now).unwrap();

        let (q, _) = parse_questionnaire(DIARY, None).unwrap();
        let form = [
            ("went", "no"),
            ("fun", "90"),
            ("fun__touched", "1"),
            ("mood", "50"),
            ("why", "a"),
            ("why", "b"),
            ("note", "<b>hoi</b>"),
        ];
        let sub = Submission {
            fields: form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            started_at: Some(now - TimeDelta::minutes(3)),
            user_agent: Some("Nokia".into()),
        };
        let ctx = Context {
            lang: "nl".into(),
            fallback_lang: "nl".into(),
            now,
            today: now.date_naive(),
            protocol_start: now,
            final_questionnaire: false,
            students: vec![],
        };
        let accepted = validate_submission(&q, &sub, &ctx).unwrap();
        let completion = Completion {
            response_id: response,
            questionnaire_id: None,
            accepted: &accepted,
            utc_offset_minutes: 120,
            started_at: sub.started_at,
        };
        assert_eq!(save_submission(&mut c, &completion, now).unwrap(), Saved::Stored, "{backend}");
        assert_eq!(
            save_submission(&mut c, &completion, now).unwrap(),
            Saved::AlreadyCompleted,
            "{backend}: a double submit stores once"
        );

        let rows = stored_answers(&mut c, response).unwrap();
        let row = |item: &str, kind: &str, text: Option<&str>| StoredAnswer {
            item: item.into(),
            kind: kind.into(),
            text: text.map(str::to_string),
            number: None,
        };
        let expected = vec![
            row("went", "option", Some("no")),
            row("mood", "not_answered", None),
            row("why", "options", Some(r#"["a","b"]"#)),
            row("note", "text", Some("<b>hoi</b>")),
        ];
        assert_eq!(rows, expected, "{backend}: no row for the hidden item; the untouched slider is not answered");
    }
}
