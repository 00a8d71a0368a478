//! A small study with a known answer pattern, answered through the real submission path
//! (the questionnaire engine's `validate_submission`, then `participation::complete`), exported in every
//! kind on SQLite and PostgreSQL and checked row by row.
//!
//! Sanne (student) and Joris (mentor) are a pair from Monday 14 December 2026. The diaries open
//! on Thursdays 17 and 24 December, 31 December and 7 January 2027: across the year boundary
//! (ISO weeks 2026-W51, W52, W53, 2027-W01). Sanne answers weeks 1, 2 and 4; Joris weeks 1, 3
//! and 4; so both answered in 2 weeks. Sanne leaves school on Wednesday 6 January 2027.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use koers_core::people::Role;
use koers_export::{export, payout_id, pseudonym, pseudonym_key, Format, Kind, Request};
use koers_store::people::{insert_pair, insert_subscription, NewSubscription};
use koers_store::schema::{answers, invitations, organisations, people, person_identities, responses, studies};
use koers_store::studies::to_db;
use koers_store::testing::{seed_person, seed_study, TestDb};
use koers_store::{definitions, DbConnection};
use std::collections::HashMap;

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

fn file(path: &str) -> String {
    std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

struct Study {
    study_id: i64,
    sanne: i64,
    joris: i64,
}

/// Answers a response through the questionnaire engine, as the web page's POST does.
fn answer(
    conn: &mut DbConnection,
    person: i64,
    response_id: i64,
    key: &str,
    fields: &[(&str, &str)],
    when: DateTime<Utc>,
) {
    koers_store::testing::submit_form(conn, person, response_id, key, fields, when).unwrap();
}

fn window(conn: &mut DbConnection, subscription: i64, key: &str, q: &str, n: i32, open: DateTime<Utc>) -> i64 {
    diesel::insert_into(responses::table)
        .values((
            responses::subscription_id.eq(subscription),
            responses::measurement_key.eq(key),
            responses::occurrence.eq(n),
            responses::questionnaire_key.eq(q),
            responses::open_at.eq(to_db(open)),
            responses::close_at.eq(to_db(open + chrono::TimeDelta::hours(30))),
            responses::opened_at.eq(Some(to_db(open + chrono::TimeDelta::hours(1)))),
            responses::created_at.eq(to_db(open)),
        ))
        .returning(responses::id)
        .get_result(conn)
        .unwrap()
}

fn build(db: &koers_store::Database) -> Study {
    let mut conn = db.conn().unwrap();
    let c = &mut *conn;
    let now = at(2026, 12, 14, 8);
    let seeded = seed_study(c, "vsv", now).unwrap();
    for key in ["student_diary", "mentor_diary"] {
        definitions::store_questionnaire(
            c,
            seeded.study_id,
            key,
            None,
            &file(&format!("questionnaires/{key}.yaml")),
            None,
            now,
        )
        .unwrap();
    }
    let sp = definitions::store_protocol(
        c,
        seeded.study_id,
        "vsv_student",
        Some("student"),
        &file("protocols/vsv_student.yaml"),
        None,
        now,
    )
    .unwrap();
    let mp = definitions::store_protocol(
        c,
        seeded.study_id,
        "vsv_mentor",
        Some("mentor"),
        &file("protocols/vsv_mentor.yaml"),
        None,
        now,
    )
    .unwrap();
    let sanne = seed_person(c, seeded, Role::Student, "Sanne", "+31612300101", None, now).unwrap();
    let joris =
        seed_person(c, seeded, Role::Mentor, "Joris", "+31612300201", Some("joris@school.example"), now).unwrap();
    insert_pair(c, sanne, joris, NaiveDate::from_ymd_opt(2026, 12, 14).unwrap(), now).unwrap();
    let s_sub = insert_subscription(
        c,
        &NewSubscription {
            person_id: sanne,
            protocol_id: sp.id(),
            filling_out_for: None,
            starts_at: now,
            ends_at: None,
        },
        now,
    )
    .unwrap();
    let m_sub = insert_subscription(
        c,
        &NewSubscription {
            person_id: joris,
            protocol_id: mp.id(),
            filling_out_for: Some(sanne),
            starts_at: now,
            ends_at: None,
        },
        now,
    )
    .unwrap();
    let thursdays = [at(2026, 12, 17, 11), at(2026, 12, 24, 11), at(2026, 12, 31, 11), at(2027, 1, 7, 11)];
    for (i, open) in thursdays.iter().enumerate() {
        let n = i as i32 + 1;
        let s = window(c, s_sub, "diary", "student_diary", n, *open);
        let m = window(c, m_sub, "diary", "mentor_diary", n, *open);
        if n != 3 {
            // Wellbeing 60, 70, -, 90; hobby/sport always, work in week 2 too.
            let wellbeing = (50 + 10 * n).to_string();
            let mut fields = vec![
                ("attended", "no"),
                ("wellbeing", wellbeing.as_str()),
                ("wellbeing__touched", "1"),
                ("outside_domain", "hobby_sport"),
            ];
            if n == 2 {
                fields.push(("outside_domain", "work"));
            }
            answer(c, sanne, s, "student_diary", &fields, *open + chrono::TimeDelta::hours(2));
        }
        if n != 2 {
            answer(c, joris, m, "mentor_diary", &[("contact", "yes")], *open + chrono::TimeDelta::hours(3));
        }
        if n == 1 {
            diesel::insert_into(invitations::table)
                .values((
                    invitations::person_id.eq(sanne),
                    invitations::response_id.eq(Some(s)),
                    invitations::dedupe_key.eq("test:1"),
                    invitations::kind.eq("invite"),
                    invitations::channel.eq("sms"),
                    invitations::status.eq("sent"),
                    invitations::due_at.eq(to_db(*open)),
                    invitations::attempts.eq(1),
                    invitations::sent_at.eq(Some(to_db(*open + chrono::TimeDelta::seconds(4)))),
                    invitations::created_at.eq(to_db(*open)),
                    invitations::updated_at.eq(to_db(*open)),
                ))
                .execute(c)
                .unwrap();
        }
    }
    diesel::update(people::table.find(sanne))
        .set((
            people::dropout_type.eq(Some("school_leaver")),
            people::dropout_date.eq(NaiveDate::from_ymd_opt(2027, 1, 6)),
        ))
        .execute(c)
        .unwrap();
    Study { study_id: seeded.study_id, sanne, joris }
}

/// The school is in the intervention group; Sanne alone is put in the study's at_risk group.
fn in_groups(db: &koers_store::Database, study: &Study) {
    let mut c = db.conn().unwrap();
    diesel::update(organisations::table.filter(organisations::study_id.eq(study.study_id)))
        .set(organisations::group_name.eq(Some("intervention")))
        .execute(&mut *c)
        .unwrap();
    diesel::update(studies::table.find(study.study_id))
        .set(studies::settings.eq(r#"{"groups": ["at_risk"]}"#))
        .execute(&mut *c)
        .unwrap();
    assert!(koers_store::groups::set_person_group(&mut c, study.sanne, Some("at_risk")).unwrap());
    assert_eq!(koers_store::groups::person_group(&mut c, study.joris).unwrap().as_deref(), Some("intervention"));
}

const SECRET: &[u8] = b"a-test-secret-of-at-least-32-characters!";

fn run(db: &koers_store::Database, study: &Study, kind: Kind, format: Format, questionnaire: Option<&str>) -> String {
    let req = Request {
        kind,
        study_id: study.study_id,
        format,
        pseudonym_key: pseudonym_key(SECRET),
        questionnaire: questionnaire.map(str::to_string),
        now: at(2027, 1, 20, 12),
        teams: None,
    };
    let mut out = Vec::new();
    let mut conn = db.conn().unwrap();
    export(&mut conn, &req, &mut out, &mut |_, _| {}).unwrap();
    String::from_utf8(out).unwrap()
}

/// Rows as maps from column to value.
fn rows(csv_text: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| header.iter().map(str::to_string).zip(rec.unwrap().iter().map(str::to_string)).collect())
        .collect()
}

fn pick<'a>(rows: &'a [HashMap<String, String>], cols: &[&str]) -> Vec<Vec<&'a str>> {
    rows.iter()
        .map(|r| cols.iter().map(|c| r.get(*c).unwrap_or_else(|| panic!("no column {c}")).as_str()).collect())
        .collect()
}

#[test]
fn every_export_holds_exactly_the_known_pattern_on_both_databases() {
    for (backend, t) in TestDb::both() {
        let study = build(&t.db);
        in_groups(&t.db, &study);
        let key = pseudonym_key(SECRET);
        let (sanne, joris) = (pseudonym(&key, study.sanne), pseudonym(&key, study.joris));

        // answers-long: Sanne's wellbeing per week, placed in calendar weeks across the year
        // boundary, weeks since her start and weeks relative to leaving school.
        let long = rows(&run(&t.db, &study, Kind::AnswersLong, Format::Csv, None));
        let wellbeing: Vec<_> = long.iter().filter(|r| r["item"] == "wellbeing").cloned().collect();
        assert_eq!(
            pick(
                &wellbeing,
                &[
                    "person",
                    "role",
                    "measurement_kind",
                    "calendar_week",
                    "week_since_start",
                    "week_from_dropout",
                    "value",
                    "answered",
                    "touched"
                ]
            ),
            vec![
                vec![sanne.as_str(), "student", "diary", "2026-W51", "1", "-3", "60", "1", "1"],
                vec![sanne.as_str(), "student", "diary", "2026-W52", "2", "-2", "70", "1", "1"],
                vec![sanne.as_str(), "student", "diary", "2027-W01", "4", "0", "90", "1", "1"],
            ],
            "{backend}"
        );
        assert_eq!(wellbeing[0]["invitation_sent_at"], "2026-12-17T11:00:04Z", "{backend}");
        assert_eq!(wellbeing[0]["completed_at"], "2026-12-17T13:00:00Z", "{backend}");
        assert!(wellbeing.iter().all(|r| !r["pair"].is_empty() && r["organisation"] == "org"), "{backend}");
        assert!(wellbeing.iter().all(|r| r["mentor"] == joris), "{backend}: the pair's mentor on a student's row");
        assert!(long.iter().all(|r| r.contains_key("started_at")), "{backend}: the first interaction has a column");
        assert!(
            long.iter()
                .filter(|r| r["role"] == "mentor")
                .all(|r| r["mentor"].is_empty() && !r["week_since_start"].is_empty()),
            "{backend}: mentor rows carry week indices, no mentor of their own"
        );
        let untouched = long.iter().find(|r| r["item"] == "outside_experience").unwrap();
        assert_eq!(
            (untouched["value"].as_str(), untouched["answered"].as_str()),
            ("", "0"),
            "{backend}: an untouched slider"
        );
        let domains: Vec<&str> =
            long.iter().filter(|r| r["item"] == "outside_domain").map(|r| r["value"].as_str()).collect();
        assert_eq!(domains, ["hobby_sport", "hobby_sport;work", "hobby_sport"], "{backend}");
        let contact: Vec<_> = long.iter().filter(|r| r["item"] == "contact").cloned().collect();
        assert_eq!(
            pick(&contact, &["person", "role", "about_person", "calendar_week", "value"]),
            vec![
                vec![joris.as_str(), "mentor", sanne.as_str(), "2026-W51", "yes"],
                vec![joris.as_str(), "mentor", sanne.as_str(), "2026-W53", "yes"],
                vec![joris.as_str(), "mentor", sanne.as_str(), "2027-W01", "yes"],
            ],
            "{backend}"
        );
        assert_eq!(contact[0]["pair"], wellbeing[0]["pair"], "{backend}: the mentor's diary belongs to the same pair");
        // A single choice carries its option's number (numeric_value: yes is 1); other items none.
        assert!(contact.iter().all(|r| r["value_code"] == "1"), "{backend}");
        assert_eq!(wellbeing[0]["value_code"], "", "{backend}: a slider has no option code");

        // responses-wide of the student diary: one 0/1 column per option of the multi-select.
        let wide = rows(&run(&t.db, &study, Kind::ResponsesWide, Format::Csv, Some("student_diary")));
        assert_eq!(
            pick(
                &wide,
                &[
                    "calendar_week",
                    "wellbeing",
                    "outside_domain__hobby_sport",
                    "outside_domain__work",
                    "outside_domain__home",
                    "duration_seconds"
                ]
            ),
            vec![
                vec!["2026-W51", "60", "1", "0", "0", "95"],
                vec!["2026-W52", "70", "1", "1", "0", "95"],
                vec!["2027-W01", "90", "1", "0", "0", "95"],
            ],
            "{backend}"
        );
        let all = run(&t.db, &study, Kind::ResponsesWide, Format::Csv, None);
        assert!(
            all.lines().next().unwrap().contains("student_diary_wellbeing")
                && all.contains("mentor_diary_contact_code"),
            "{backend}"
        );
        let header: Vec<&str> = all.lines().next().unwrap().split(',').collect();
        assert!(header.iter().all(|h| h.len() <= 32), "{backend}: every name fits Stata: {header:?}");
        let wide_all = rows(&all);
        let mentor_rows: Vec<_> = wide_all.iter().filter(|r| r["questionnaire"] == "mentor_diary").cloned().collect();
        assert_eq!(
            pick(&mentor_rows, &["mentor_diary_contact", "mentor_diary_contact_code"]),
            vec![vec!["yes", "1"]; 3],
            "{backend}"
        );

        // pair-weeks: the four weeks side by side, both answered in two of them.
        let pw = rows(&run(&t.db, &study, Kind::PairWeeks, Format::Csv, None));
        assert_eq!(
            pick(
                &pw,
                &[
                    "student",
                    "mentor",
                    "calendar_week",
                    "week_since_start",
                    "week_from_dropout",
                    "student_completed",
                    "mentor_completed",
                    "pair_weeks_both_completed",
                    "student.wellbeing",
                    "mentor.contact"
                ]
            ),
            vec![
                vec![sanne.as_str(), joris.as_str(), "2026-W51", "1", "-3", "1", "1", "2", "60", "yes"],
                vec![sanne.as_str(), joris.as_str(), "2026-W52", "2", "-2", "1", "0", "2", "70", ""],
                vec![sanne.as_str(), joris.as_str(), "2026-W53", "3", "-1", "0", "1", "2", "", "yes"],
                vec![sanne.as_str(), joris.as_str(), "2027-W01", "4", "0", "1", "1", "2", "90", "yes"],
            ],
            "{backend}"
        );

        // people: dropout and response rate; a person's own group and the outcome group.
        let ppl = rows(&run(&t.db, &study, Kind::People, Format::Csv, None));
        assert_eq!(
            pick(
                &ppl,
                &[
                    "person",
                    "role",
                    "group",
                    "outcome_group",
                    "dropout_type",
                    "dropout_date",
                    "windows_opened",
                    "completed",
                    "response_rate"
                ]
            ),
            vec![
                vec![sanne.as_str(), "student", "at_risk", "dropout", "school_leaver", "2027-01-06", "4", "3", "0.75"],
                vec![joris.as_str(), "mentor", "intervention", "", "", "", "4", "3", "0.75"],
            ],
            "{backend}"
        );

        let inv = rows(&run(&t.db, &study, Kind::Invitations, Format::Csv, None));
        assert_eq!(
            pick(&inv, &["person", "group", "kind", "status", "measurement_kind", "calendar_week"]),
            vec![vec![sanne.as_str(), "at_risk", "invite", "sent", "diary", "2026-W51"]],
            "{backend}"
        );

        let codebook = rows(&run(&t.db, &study, Kind::Codebook, Format::Csv, None));
        let work = codebook.iter().find(|r| r["variable"] == "outside_domain__work").expect("a column per option");
        assert_eq!(
            (work["questionnaire"].as_str(), work["item"].as_str(), work["type"].as_str()),
            ("student_diary", "outside_domain", "checkbox")
        );
        assert!(
            work["options_nl"].contains("work=Werk of bijbaan") && work["options_en"].contains("work=Work or side job")
        );
        assert!(codebook.iter().any(|r| r["variable"] == "action_types__2__motivating"), "{backend}: repeated blocks");
        let code = codebook
            .iter()
            .find(|r| r["questionnaire"] == "mentor_diary" && r["variable"] == "contact_code")
            .expect("a code column");
        assert_eq!(
            (code["type"].as_str(), code["short_name"].as_str(), code["value_labels_en"].as_str()),
            ("code", "mentor_diary_contact_code", "1=Yes | 0=No"),
            "{backend}"
        );
        assert!(codebook.iter().all(|r| r["short_name"].len() <= 32 && !r["missing"].is_empty()), "{backend}");

        // JSON Lines carries the same rows, numbers as numbers.
        let jsonl = run(&t.db, &study, Kind::PairWeeks, Format::Jsonl, None);
        let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
        assert_eq!(first["student.wellbeing"], serde_json::json!(60), "{backend}");
        assert_eq!(jsonl.lines().count(), 4, "{backend}");

        // Only rewards names people; nothing else holds a name, number or address. A number
        // starts with + and so gets a ' in CSV (a spreadsheet would read it as a formula).
        let rewards = rows(&run(&t.db, &study, Kind::Rewards, Format::Csv, None));
        assert_eq!(
            pick(&rewards, &["first_name", "mobile_phone", "total_cents"]),
            vec![vec!["Sanne", "'+31612300101", "600"], vec!["Joris", "'+31612300201", "600"]],
            "{backend}"
        );
        for kind in Kind::ALL.iter().filter(|k| !k.identifying()) {
            for format in [Format::Csv, Format::Jsonl] {
                let text = run(&t.db, &study, *kind, format, None);
                for secret in ["Sanne", "Joris", "612300", "@school.example"] {
                    assert!(!text.contains(secret), "{backend}: {} holds {secret}", kind.as_str());
                }
            }
        }
    }
}

/// What a spreadsheet would run as a formula, typed into a free-text answer and a name.
const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"klik\")";

fn plant_formulas(db: &koers_store::Database, study: &Study) {
    let mut c = db.conn().unwrap();
    let response: i64 = responses::table
        .inner_join(koers_store::schema::subscriptions::table)
        .filter(koers_store::schema::subscriptions::person_id.eq(study.sanne))
        .filter(responses::completed_at.is_not_null())
        .select(responses::id)
        .first(&mut *c)
        .unwrap();
    diesel::delete(answers::table.filter(answers::response_id.eq(response).and(answers::item_id.eq("anything_else"))))
        .execute(&mut *c)
        .unwrap();
    diesel::insert_into(answers::table)
        .values((
            answers::response_id.eq(response),
            answers::item_id.eq("anything_else"),
            answers::value_kind.eq("text"),
            answers::value_text.eq(Some(FORMULA)),
        ))
        .execute(&mut *c)
        .unwrap();
    diesel::update(person_identities::table.find(study.sanne))
        .set(person_identities::first_name.eq(Some("@SUM(1+1)")))
        .execute(&mut *c)
        .unwrap();
}

#[test]
fn cells_that_would_run_as_formulas_are_neutralised_in_csv_and_exact_in_jsonl_on_both_databases() {
    for (backend, t) in TestDb::both() {
        let study = build(&t.db);
        plant_formulas(&t.db, &study);
        let long = rows(&run(&t.db, &study, Kind::AnswersLong, Format::Csv, None));
        let remark = long.iter().find(|r| r["item"] == "anything_else").expect("the planted answer");
        assert_eq!(remark["value"], format!("'{FORMULA}"), "{backend}: answers-long CSV");
        let jsonl = run(&t.db, &study, Kind::AnswersLong, Format::Jsonl, None);
        let exact = jsonl
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|r| r["item"] == "anything_else")
            .unwrap();
        assert_eq!(exact["value"], FORMULA, "{backend}: JSONL holds the text as given");
        for kind in Kind::ALL {
            let text = run(&t.db, &study, *kind, Format::Csv, None);
            for line in text.lines().skip(1) {
                let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes());
                for rec in r.records() {
                    for cell in rec.unwrap().iter() {
                        assert!(
                            !cell.starts_with(['=', '+', '@', '\t', '\r']),
                            "{backend}: {} has a cell that starts a formula: {cell:?}",
                            kind.as_str()
                        );
                    }
                }
            }
        }
        let rewards = rows(&run(&t.db, &study, Kind::Rewards, Format::Csv, None));
        assert_eq!(
            pick(&rewards, &["first_name", "mobile_phone"])[0],
            vec!["'@SUM(1+1)", "'+31612300101"],
            "{backend}"
        );
        let codebook = rows(&run(&t.db, &study, Kind::Codebook, Format::Csv, None));
        let free = codebook.iter().find(|r| r["type"] == "textarea" || r["type"] == "textfield").unwrap();
        assert!(free["coding"].contains("a ' is put before text starting with ="), "{backend}: {free:?}");
    }
}

#[test]
fn the_payout_file_names_people_by_an_id_no_dataset_holds_on_both_databases() {
    for (backend, t) in TestDb::both() {
        let study = build(&t.db);
        let key = pseudonym_key(SECRET);
        let rewards = rows(&run(&t.db, &study, Kind::Rewards, Format::Csv, None));
        assert!(!rewards[0].contains_key("person"), "{backend}: no research pseudonym column");
        let ids: Vec<&str> = rewards.iter().map(|r| r["payout_id"].as_str()).collect();
        assert_eq!(ids, vec![payout_id(&key, study.sanne), payout_id(&key, study.joris)], "{backend}");
        for kind in Kind::ALL.iter().filter(|k| !k.identifying()) {
            let text = run(&t.db, &study, *kind, Format::Jsonl, None);
            for id in &ids {
                assert!(!text.contains(id), "{backend}: {} holds a payout id", kind.as_str());
            }
        }
        for who in [study.sanne, study.joris] {
            let text = run(&t.db, &study, Kind::Rewards, Format::Jsonl, None);
            assert!(!text.contains(&pseudonym(&key, who)), "{backend}: the payout file holds a pseudonym");
        }
    }
}

/// The report's numbers for the known pattern, computed by hand: Sanne answers diary weeks 1, 2
/// and 4 (wellbeing 60, 70, 90) and leaves school in week 4, so aligned to her dropout week her
/// wellbeing is 60 at -3, 70 at -2 and 90 at 0; she ticks hobby_sport three times and work once
/// (shares 0.75 and 0.25); Joris answers weeks 1, 3 and 4; the pair has 2 joint weeks.
#[test]
fn the_report_holds_the_hand_computed_numbers_on_both_databases() {
    use koers_core::stats::Rate;
    for (backend, t) in TestDb::both() {
        let study = build(&t.db);
        let req = Request {
            kind: Kind::Codebook,
            study_id: study.study_id,
            format: Format::Csv,
            pseudonym_key: pseudonym_key(SECRET),
            questionnaire: None,
            now: at(2027, 1, 20, 12),
            teams: None,
        };
        let d = t.db.read(|c| koers_export::report::gather(c, &req)).unwrap();
        let g = d.curves.keys().next().unwrap().1.clone();
        let rate = |series: &str, w: i64| d.curves[&(series.to_string(), g.clone(), w)];
        assert_eq!(
            (1..=4).map(|w| rate("student diary", w)).collect::<Vec<_>>(),
            [(1, 1), (1, 1), (1, 0), (1, 1)].map(|(opened, completed)| Rate { opened, completed }),
            "{backend}"
        );
        assert_eq!(rate("mentor diary", 2), Rate { opened: 1, completed: 0 }, "{backend}");
        let wb = |w: i64| d.constructs[&("student_diary.wellbeing".to_string(), g.clone(), w)];
        assert_eq!((wb(1).mean, wb(2).mean, wb(4).mean, wb(4).n, wb(4).ci), (60.0, 70.0, 90.0, 1, None), "{backend}");
        assert!(!d.constructs.contains_key(&("student_diary.wellbeing".to_string(), g.clone(), 3)), "{backend}");
        let al: Vec<(i64, f64)> = d
            .aligned
            .iter()
            .filter(|((c, side, _), _)| c == "student_diary.wellbeing" && side == "dropouts")
            .map(|((_, _, w), s)| (*w, s.mean))
            .collect();
        assert_eq!(al, vec![(-3, 60.0), (-2, 70.0), (0, 90.0)], "{backend}");
        assert_eq!(
            d.shares[&("student_diary.outside_domain".to_string(), g.clone(), "dropout".to_string())],
            vec![
                koers_core::stats::Share { category: "hobby_sport".to_string(), share: 0.75 },
                koers_core::stats::Share { category: "work".to_string(), share: 0.25 }
            ],
            "{backend}"
        );
        assert_eq!(d.joint_weeks, vec![(1, 1), (2, 1)], "{backend}");
        let page = koers_export::report_html::html("vsv", &d, "en");
        assert!(
            page.contains("<svg") && page.contains("<td>0.75</td>") && page.contains("<td>90.00</td>"),
            "{backend}"
        );
        let dutch = koers_export::report_html::html("vsv", &d, "nl");
        assert!(dutch.contains("lang=\"nl\"") && dutch.contains("Respons per groep en week"), "{backend}");
        assert!(!dutch.contains("Response per group") && page.contains("Response per group"), "{backend}");
    }
}

/// Excluding a person keeps their rows and says so in `people`; it is audited; a person of
/// another study cannot be excluded from this one; including them again clears the reason.
#[test]
fn an_exclusion_shows_in_the_people_export_and_the_audit_on_both_databases() {
    for (backend, t) in TestDb::both() {
        let study = build(&t.db);
        let now = at(2027, 1, 20, 12);
        let set = |person: i64, study_id: i64, reason: Option<&str>| {
            t.db.write(|c| koers_store::exclusion::set_excluded(c, study_id, person, reason, "cli", None, now))
        };
        set(study.sanne, study.study_id, Some("answered for a classmate")).unwrap();
        assert!(set(study.sanne, study.study_id + 1000, Some("x")).is_err(), "{backend}: another study");
        assert!(set(study.joris, study.study_id, Some("two\nlines")).is_err(), "{backend}: one line");
        let ppl = rows(&run(&t.db, &study, Kind::People, Format::Csv, None));
        assert_eq!(
            pick(&ppl, &["excluded", "exclusion_reason"]),
            vec![vec!["1", "answered for a classmate"], vec!["0", ""]],
            "{backend}"
        );
        let long = rows(&run(&t.db, &study, Kind::AnswersLong, Format::Csv, None));
        assert!(long.iter().any(|r| r["role"] == "student"), "{backend}: the rows stay");
        let audit = t.db.read(|c| koers_store::audit::recent(c, 20)).unwrap();
        assert!(audit.iter().any(|a| a.action == "exclude" && a.details.contains("classmate")), "{backend}");
        set(study.sanne, study.study_id, None).unwrap();
        let ppl = rows(&run(&t.db, &study, Kind::People, Format::Csv, None));
        assert_eq!(pick(&ppl, &["excluded", "exclusion_reason"])[0], vec!["0", ""], "{backend}");
    }
}

/// Every export kind in both formats as it is today, in `tests/snapshots/`: a change in what a
/// researcher receives shows in review as a diff (accept one with `INSTA_UPDATE=always`). Both
/// databases must write the same bytes, so the snapshot is taken once and compared twice.
#[test]
fn every_export_kind_matches_its_snapshot_and_both_databases_write_the_same() {
    let mut first: Vec<(String, String)> = Vec::new();
    for (backend, t) in TestDb::both() {
        let study = build(&t.db);
        let mut outputs = Vec::new();
        for &kind in Kind::ALL {
            for (format, ext) in [(Format::Csv, "csv"), (Format::Jsonl, "jsonl")] {
                outputs.push((format!("{}.{ext}", kind.as_str()), run(&t.db, &study, kind, format, None)));
            }
        }
        if first.is_empty() {
            for (name, text) in &outputs {
                insta::assert_snapshot!(name.as_str(), text);
            }
            first = outputs;
        } else {
            for ((name, a), (_, b)) in first.iter().zip(&outputs) {
                assert_eq!(a, b, "{name} differs between sqlite and {backend}");
            }
        }
    }
}

#[test]
fn paradata_and_the_quality_per_person_hold_the_known_pattern_on_both_databases() {
    for (backend, t) in TestDb::both() {
        let study = build(&t.db);
        let key = pseudonym_key(SECRET);
        let (sanne, joris) = (pseudonym(&key, study.sanne), pseudonym(&key, study.joris));
        // Joris answers his week-2 diary late, on a phone, changing his answer twice in 4 s.
        {
            let mut conn = t.db.conn().unwrap();
            let c = &mut *conn;
            let week2: i64 = responses::table
                .inner_join(koers_store::schema::subscriptions::table)
                .filter(koers_store::schema::subscriptions::person_id.eq(study.joris))
                .filter(responses::occurrence.eq(2))
                .select(responses::id)
                .first(c)
                .unwrap();
            let first = at(2026, 12, 25, 9).timestamp_millis();
            let paradata = format!(r#"{{"contact": {{"first": {first}, "last": {}, "changes": 2}}}}"#, first + 4000);
            answer(
                c,
                study.joris,
                week2,
                "mentor_diary",
                &[("contact", "no"), ("__paradata", &paradata)],
                at(2026, 12, 25, 9),
            );
            diesel::update(responses::table.find(week2))
                .set(responses::user_agent.eq("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148"))
                .execute(c)
                .unwrap();
        }
        let pd = rows(&run(&t.db, &study, Kind::Paradata, Format::Csv, None));
        let contact: Vec<_> = pd.iter().filter(|r| r["item"] == "contact").cloned().collect();
        assert_eq!(
            pick(
                &contact,
                &[
                    "person",
                    "about_person",
                    "calendar_week",
                    "touched",
                    "changes",
                    "first_interaction_at",
                    "last_interaction_at",
                    "device"
                ]
            ),
            vec![
                vec![joris.as_str(), sanne.as_str(), "2026-W51", "0", "0", "", "", "unknown"],
                vec![
                    joris.as_str(),
                    sanne.as_str(),
                    "2026-W52",
                    "1",
                    "2",
                    "2026-12-25T09:00:00Z",
                    "2026-12-25T09:00:04Z",
                    "phone"
                ],
                vec![joris.as_str(), sanne.as_str(), "2026-W53", "0", "0", "", "", "unknown"],
                vec![joris.as_str(), sanne.as_str(), "2027-W01", "0", "0", "", "", "unknown"],
            ],
            "{backend}"
        );
        let wellbeing: Vec<_> = pd.iter().filter(|r| r["item"] == "wellbeing").cloned().collect();
        assert_eq!(
            pick(&wellbeing, &["person", "calendar_week", "week_since_start", "touched", "device"]),
            vec![
                vec![sanne.as_str(), "2026-W51", "1", "1", "unknown"],
                vec![sanne.as_str(), "2026-W52", "2", "1", "unknown"],
                vec![sanne.as_str(), "2027-W01", "4", "1", "unknown"],
            ],
            "{backend}"
        );
        // The same response and item rows as answers-long (joined on response and item).
        let long = rows(&run(&t.db, &study, Kind::AnswersLong, Format::Csv, None));
        let with_paradata = long.iter().filter(|r| !r["touched"].is_empty()).count();
        assert_eq!(pd.len(), with_paradata, "{backend}");
        assert!(pd.iter().all(|r| ["phone", "tablet", "desktop", "unknown"].contains(&r["device"].as_str())));

        // people: Sanne's three diaries, wellbeing 60, 70, 90 on 0-100, each 95 s after the
        // page was shown: MSSD (10² + 20²) / 2 = 250, the median 95 s, no flags.
        let ppl = rows(&run(&t.db, &study, Kind::People, Format::Csv, None));
        assert_eq!(
            pick(
                &ppl,
                &["person", "quality_diaries", "mssd", "mssd_wellbeing", "median_seconds", "flag_middle", "flag_fast"]
            ),
            vec![
                vec![sanne.as_str(), "3", "250", "250", "95", "0", "0"],
                vec![joris.as_str(), "4", "", "", "95", "0", "0"]
            ],
            "{backend}"
        );
        // rates: Sanne's diaries in weeks 1-4 (week 3 left open), Joris's now all four answered.
        let rates = rows(&run(&t.db, &study, Kind::Rates, Format::Csv, None));
        assert_eq!(
            pick(
                &rates,
                &["role", "measurement_kind", "week_since_start", "windows_opened", "completed", "response_rate"]
            ),
            vec![
                vec!["mentor", "diary", "1", "1", "1", "1"],
                vec!["mentor", "diary", "2", "1", "1", "1"],
                vec!["mentor", "diary", "3", "1", "1", "1"],
                vec!["mentor", "diary", "4", "1", "1", "1"],
                vec!["student", "diary", "1", "1", "1", "1"],
                vec!["student", "diary", "2", "1", "1", "1"],
                vec!["student", "diary", "3", "1", "0", "0"],
                vec!["student", "diary", "4", "1", "1", "1"],
            ],
            "{backend}"
        );
        let codebook = rows(&run(&t.db, &study, Kind::Codebook, Format::Csv, None));
        for (dataset, variable) in
            [("paradata", "device"), ("people", "untouched_share"), ("people", "mssd_CONSTRUCT"), ("rates", "group")]
        {
            assert!(
                codebook.iter().any(|r| r["questionnaire"] == dataset && r["variable"] == variable),
                "{backend}: the codebook describes {dataset}.{variable}"
            );
        }
    }
}
