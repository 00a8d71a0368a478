//! `koers bench export`: a study with ANSWERS answers is generated inside PostgreSQL, then
//! `answers-long` is exported and compared with PostgreSQL's own `COPY (SELECT ...) TO STDOUT
//! WITH CSV` of the same rows (through psql), in the same run. Peak memory of the export is read
//! from the kernel (VmHWM, reset before the export), at the size asked and at double that size,
//! to show it stays flat.

use anyhow::{bail, Context, Result};
use chrono::Utc;
use diesel::prelude::*;
use koers_export::{Format, Kind, Request};
use koers_store::Database;
use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

/// Items per generated diary: about the size of the study's diary.
const ITEMS: i64 = 25;
/// Diaries per generated person: a school year of weekly diaries plus some.
const PER_PERSON: i64 = 40;

/// A writer that counts bytes and throws them away, so disk speed is not measured.
struct Count(u64);

impl Write for Count {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += b.len() as u64;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Resets the peak to the current size (Linux: write 5 to clear_refs).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A study with the real student diary and protocol, for the benchmarks to fill with rows:
/// (the study and its team, the diary's stored version, the protocol's).
pub fn bench_study(
    c: &mut koers_store::DbConnection,
    key: &str,
    now: chrono::DateTime<Utc>,
) -> Result<(koers_store::seed::Seeded, koers_store::definitions::Loaded, koers_store::definitions::Loaded)> {
    let seeded = koers_store::seed::seed_study(c, key, now)?;
    let diary = include_str!("../../../questionnaires/student_diary.yaml");
    let protocol = include_str!("../../../protocols/vsv_student.yaml");
    let q = koers_store::definitions::store_questionnaire(c, seeded.study_id, "student_diary", None, diary, None, now)?;
    let p = koers_store::definitions::store_protocol(
        c,
        seeded.study_id,
        "vsv_student",
        Some("student"),
        protocol,
        None,
        now,
    )?;
    Ok((seeded, q, p))
}

fn generate(db: &Database, answers: i64) -> Result<i64> {
    let now = Utc::now();
    let mut conn = db.conn()?;
    let c = &mut *conn;
    let (seeded, q, p) = bench_study(c, &format!("bench{answers}"), now)?;
    let responses = answers / ITEMS;
    let people = (responses / PER_PERSON).max(1);
    let sql = format!(
        "INSERT INTO people (study_id, team_id, role, locale, created_at, updated_at)
           SELECT {study}, {team}, 'student', 'nl', now(), now() FROM generate_series(1, {people});
         INSERT INTO subscriptions (person_id, protocol_id, starts_at, state, created_at, updated_at)
           SELECT id, {protocol}, TIMESTAMP '2026-09-01', 'active', now(), now() FROM people WHERE study_id = {study};
         INSERT INTO responses (subscription_id, measurement_key, occurrence, questionnaire_key, questionnaire_id,
                                open_at, close_at, opened_at, completed_at, created_at)
           SELECT s.id, 'diary', n, 'student_diary', {qid},
                  TIMESTAMP '2026-09-03 10:00' + (n - 1) * INTERVAL '7 days',
                  TIMESTAMP '2026-09-04 16:00' + (n - 1) * INTERVAL '7 days',
                  TIMESTAMP '2026-09-03 11:00' + (n - 1) * INTERVAL '7 days',
                  TIMESTAMP '2026-09-03 11:03' + (n - 1) * INTERVAL '7 days', now()
             FROM subscriptions s JOIN people p ON p.id = s.person_id, generate_series(1, {per_person}) n
            WHERE p.study_id = {study}
            LIMIT {responses};
         INSERT INTO answers (response_id, item_id, value_kind, value_number)
           SELECT r.id, 'item_' || i, 'number', (r.id * 7 + i * 13) % 101
             FROM responses r JOIN subscriptions s ON s.id = r.subscription_id JOIN people p ON p.id = s.person_id,
                  generate_series(1, {items}) i
            WHERE p.study_id = {study};
         ANALYZE;",
        study = seeded.study_id,
        team = seeded.team_id,
        protocol = p.id(),
        qid = q.id(),
        per_person = PER_PERSON,
        items = ITEMS,
    );
    for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        diesel::sql_query(statement).execute(c).with_context(|| format!("generating: {statement}"))?;
    }
    Ok(seeded.study_id)
}

/// The same rows as answers-long, as PostgreSQL itself writes them.
fn copy_baseline(url: &str, study: i64) -> Result<(Duration, u64)> {
    let query = format!(
        "COPY (SELECT p.id, p.role, o.key, o.group_name, t.name, r.id, r.questionnaire_key, q.content_hash, r.measurement_key,
                      r.occurrence, r.open_at, r.opened_at, r.completed_at, a.item_id, a.value_number, a.value_text
                 FROM answers a JOIN responses r ON r.id = a.response_id JOIN subscriptions s ON s.id = r.subscription_id
                 JOIN people p ON p.id = s.person_id JOIN teams t ON t.id = p.team_id JOIN organisations o ON o.id = t.organisation_id
                 LEFT JOIN questionnaires q ON q.id = r.questionnaire_id
                WHERE p.study_id = {study} ORDER BY r.id, a.id) TO STDOUT WITH CSV HEADER"
    );
    let start = Instant::now();
    let out = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", &query])
        .output()
        .context("psql is needed for the baseline (apt install postgresql-client)")?;
    if !out.status.success() {
        bail!("psql failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok((start.elapsed(), out.stdout.len() as u64))
}

fn export_once(db: &Database, study: i64) -> Result<(Duration, u64, u64, u64)> {
    let mut conn = db.conn()?;
    let req = Request {
        kind: Kind::AnswersLong,
        study_id: study,
        format: Format::Csv,
        pseudonym_key: koers_export::pseudonym_key(b"bench"),
        questionnaire: None,
        now: Utc::now(),
        teams: None,
    };
    let mut sink = Count(0);
    reset_peak();
    let before = peak_kib();
    let start = Instant::now();
    let summary = koers_export::export(&mut conn, &req, &mut sink, &mut |_, _| {})?;
    Ok((start.elapsed(), summary.rows, sink.0, peak_kib().max(before)))
}

pub fn run(answers: i64, url: &str) -> Result<()> {
    if !url.starts_with("postgres") {
        bail!("bench export needs PostgreSQL (--database-url postgres://...), for the COPY baseline");
    }
    // Each size gets a schema of its own that is dropped afterwards: the generated rows never
    // stay behind in the database named.
    std::env::set_var("KOERS_TEST_DATABASE_URL", url);
    println!("koers bench export: answers-long vs PostgreSQL COPY ... TO STDOUT WITH CSV (psql)");
    let mut peaks = Vec::new();
    for size in [answers, answers * 2] {
        let scratch = koers_store::scratch::ScratchDb::postgres();
        let (db, url) = (&scratch.db, scratch.url.as_str());
        db.migrate()?;
        let t = Instant::now();
        let study = generate(db, size)?;
        println!("\n{size} answers generated in {:.1} s", t.elapsed().as_secs_f64());
        let (copy_time, copy_bytes) = copy_baseline(url, study)?;
        let (time, rows, bytes, peak) = export_once(db, study)?;
        let per_s = |n: u64, d: Duration| n as f64 / d.as_secs_f64();
        println!(
            "  COPY:   {:>8.1} s  {:>12.0} rows/s  {:>6} MB",
            copy_time.as_secs_f64(),
            per_s(rows, copy_time),
            copy_bytes / 1_000_000
        );
        println!(
            "  koers:  {:>8.1} s  {:>12.0} rows/s  {:>6} MB  peak RSS {} MB",
            time.as_secs_f64(),
            per_s(rows, time),
            bytes / 1_000_000,
            peak / 1024
        );
        println!(
            "  ratio (koers rows/s / COPY rows/s): {:.2}   (target >= 0.5)",
            copy_time.as_secs_f64() / time.as_secs_f64()
        );
        peaks.push(peak);
    }
    println!(
        "\npeak RSS at {} and {} answers: {} MB and {} MB (target < 100 MB, flat)",
        answers,
        answers * 2,
        peaks[0] / 1024,
        peaks[1] / 1024
    );
    Ok(())
}
