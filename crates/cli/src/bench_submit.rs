//! `koers bench submit`: diary submissions per second on PostgreSQL through the real path (the
//! questionnaire engine decides on the form, then answers, paradata, scores, the completion
//! and the reward are stored in one transaction), against pgbench inserting the same rows in
//! one transaction per submission, with the same number of clients, in the same run.

use anyhow::{bail, Context, Result};
use chrono::Utc;
use diesel::prelude::*;
use koers_store::schema::{answers, paradata, response_scores};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Instant;

const DIARY: &[(&str, &str)] = &[
    ("attended", "yes"),
    ("school_experience", "71"),
    ("school_experience__touched", "1"),
    ("school_autonomy", "55"),
    ("school_autonomy__touched", "1"),
    ("programme_choice", "80"),
    ("programme_choice__touched", "1"),
    ("wellbeing", "64"),
    ("wellbeing__touched", "1"),
    ("outside_domain", "work"),
];

pub fn run(submissions: i64, clients: usize, url: &str) -> Result<()> {
    if !url.starts_with("postgres") {
        bail!("bench submit needs PostgreSQL (--database-url postgres://...)");
    }
    std::env::set_var("KOERS_TEST_DATABASE_URL", url);
    let scratch = koers_store::scratch::ScratchDb::postgres();
    let db = koers_store::Database::open(&scratch.url, clients as u32 + 1)?;
    db.migrate()?;
    let now = Utc::now();
    let (study, first) = {
        let mut conn = db.conn()?;
        let c = &mut *conn;
        let (seeded, _, p) = crate::bench_export::bench_study(c, "bench", now)?;
        // One person and one open diary per submission, for koers and for the baseline each.
        let sql = format!(
            "INSERT INTO people (study_id, team_id, role, locale, created_at, updated_at)
               SELECT {s}, {t}, 'student', 'nl', now(), now() FROM generate_series(1, {n});
             INSERT INTO subscriptions (person_id, protocol_id, starts_at, state, created_at, updated_at)
               SELECT id, {p}, now() - INTERVAL '7 days', 'active', now(), now() FROM people WHERE study_id = {s};
             INSERT INTO responses (subscription_id, measurement_key, occurrence, questionnaire_key, open_at, close_at, created_at)
               SELECT id, 'diary', 1, 'student_diary', now() - INTERVAL '1 hour', now() + INTERVAL '1 day', now() FROM subscriptions",
            s = seeded.study_id,
            t = seeded.team_id,
            p = p.id(),
            n = submissions * 2,
        );
        for statement in sql.split(';') {
            diesel::sql_query(statement).execute(c)?;
        }
        let first: i64 = diesel::sql_query("SELECT min(id) AS id FROM responses").get_result::<Id>(c).map(|r| r.id)?;
        (seeded.study_id, first)
    };
    let _ = study;
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let people: Vec<(i64, i64)> = {
        use koers_store::schema::{responses, subscriptions};
        responses::table
            .inner_join(subscriptions::table)
            .filter(responses::id.lt(first + submissions))
            .order(responses::id)
            .select((subscriptions::person_id, responses::id))
            .load(&mut *db.conn()?)?
    };
    println!("koers bench submit: {submissions} diary submissions, {clients} clients, PostgreSQL");

    // Parsed once, as the web application keeps it in its cache.
    let stored = koers_store::definitions::latest_questionnaire(&mut *db.conn()?, study, "student_diary")?
        .context("the diary is stored")?;
    let qid = stored.id;
    let (questionnaire, _) = koers_core::questionnaire::parse_questionnaire(&stored.content, Some("student_diary"))
        .map_err(|p| anyhow::anyhow!("{p:?}"))?;
    let questionnaire = Arc::new(questionnaire);
    let queue = Arc::new(Mutex::new(people));
    let start = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (db, queue, q) = (db.clone(), queue.clone(), questionnaire.clone());
            std::thread::spawn(move || -> Result<()> {
                let mut conn = db.conn()?;
                loop {
                    let Some((person, response)) = queue.lock().unwrap().pop() else { return Ok(()) };
                    koers_store::seed::submit_parsed(&mut conn, person, response, (qid, &q), DIARY, Utc::now())?;
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("a worker")?;
    }
    let koers = start.elapsed();
    let koers_rate = submissions as f64 / koers.as_secs_f64();

    // The same rows per submission, as the first stored one has them.
    let mut conn = db.conn()?;
    let answer_rows: Vec<(String, String, Option<String>, Option<f64>)> = answers::table
        .filter(answers::response_id.eq(first))
        .select((answers::item_id, answers::value_kind, answers::value_text, answers::value_number))
        .load(&mut *conn)?;
    let paradata_rows: Vec<(String, bool)> = paradata::table
        .filter(paradata::response_id.eq(first))
        .select((paradata::item_id, paradata::touched))
        .load(&mut *conn)?;
    let score_rows: Vec<(String, Option<f64>)> = response_scores::table
        .filter(response_scores::response_id.eq(first))
        .select((response_scores::score_id, response_scores::value))
        .load(&mut *conn)?;
    let person_of: i64 = {
        use koers_store::schema::{responses, subscriptions};
        responses::table
            .inner_join(subscriptions::table)
            .filter(responses::id.eq(first))
            .select(subscriptions::person_id)
            .first(&mut *conn)?
    };
    diesel::sql_query(format!("CREATE SEQUENCE bench_ids START {}", first + submissions)).execute(&mut *conn)?;
    let q = |s: &Option<String>| s.as_ref().map_or("NULL".to_string(), |s| format!("'{}'", s.replace('\'', "''")));
    let n = |v: &Option<f64>| v.map_or("NULL".to_string(), |v| v.to_string());
    let values = |rows: Vec<String>| rows.join(", ");
    let script = format!(
        "SELECT nextval('bench_ids') AS id \\gset\n\
         BEGIN;\n\
         UPDATE responses SET completed_at = now(), started_at = now(), completed_utc_offset_minutes = 60 WHERE id = :id AND completed_at IS NULL;\n\
         INSERT INTO answers (response_id, item_id, value_kind, value_text, value_number) VALUES {};\n\
         INSERT INTO paradata (response_id, item_id, touched, change_count) VALUES {};\n\
         INSERT INTO response_scores (response_id, score_id, value) VALUES {};\n\
         INSERT INTO reward_ledger (person_id, response_id, amount_cents, streak, reason, created_at) VALUES ({person_of}, :id, 200, 1, 'completed', now());\n\
         END;\n",
        values(answer_rows.iter().map(|(i, k, t, v)| format!("(:id, '{i}', '{k}', {}, {})", q(t), n(v))).collect()),
        values(paradata_rows.iter().map(|(i, t)| format!("(:id, '{i}', {t}, 1)")).collect()),
        values(score_rows.iter().map(|(i, v)| format!("(:id, '{i}', {})", n(v))).collect()),
    );
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("submission.sql");
    std::fs::write(&path, script)?;
    let schema = scratch.url.split("search_path%3D").nth(1).unwrap_or("public").to_string();
    let base = url.split('?').next().unwrap_or(url);
    let per_client = submissions / clients as i64;
    let out = Command::new("pgbench")
        .args(["-n", "-c", &clients.to_string(), "-j", &clients.min(4).to_string(), "-t", &per_client.to_string()])
        .arg("-f")
        .arg(&path)
        .arg(base)
        .env("PGOPTIONS", format!("-c search_path={schema}"))
        .output()
        .context("pgbench is needed for the baseline (it comes with PostgreSQL)")?;
    if !out.status.success() {
        bail!("pgbench failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let tps: f64 = text
        .lines()
        .find(|l| l.starts_with("tps ="))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|v| v.parse().ok())
        .context("pgbench printed no tps")?;
    println!(
        "  rows per submission: {} answers, {} paradata, {} scores, 1 reward, 1 completion",
        answer_rows.len(),
        paradata_rows.len(),
        score_rows.len()
    );
    println!("  pgbench (same rows, plain SQL): {tps:>8.0} submissions/s");
    println!("  koers (engine + store):         {koers_rate:>8.0} submissions/s  ({:.1} s)", koers.as_secs_f64());
    println!("  ratio: {:.2}   (targets: >= 2,000/s and >= 0.3)", koers_rate / tps);
    Ok(())
}
