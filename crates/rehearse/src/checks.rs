//! What must hold after a rehearsal, checked on what it left behind (the database, the messages,
//! the exports): the study's life course as the protocol promises it, and exports that show
//! exactly what was submitted.

use crate::engine::{Engine, Who};
use crate::{RehearseError, TruthRow};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use koers_export::{Format, Kind, Request};
use koers_store::life_course;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One check and how it came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    /// What was found (the first problems, when it failed).
    pub detail: String,
}

fn check(name: &'static str, problems: Vec<String>, fine: String) -> Check {
    if problems.is_empty() {
        Check { name, ok: true, detail: fine }
    } else {
        let n = problems.len();
        let first: Vec<String> = problems.into_iter().take(5).collect();
        Check { name, ok: false, detail: format!("{n} problem(s): {}", first.join("; ")) }
    }
}

/// Writes `truth.csv` (one row per submitted response) and `people.csv`.
pub fn write_truth(dir: &Path, truth: &[TruthRow], people: &[(String, &str, &str)]) -> Result<(), RehearseError> {
    let fail = |path: &Path, e: &dyn std::fmt::Display| RehearseError::Write {
        path: path.display().to_string(),
        error: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, &e))?;
    let path = dir.join("truth.csv");
    let mut w = csv::Writer::from_path(&path).map_err(|e| fail(&path, &e))?;
    w.write_record(["person", "questionnaire", "calendar_week", "pattern", "about"]).map_err(|e| fail(&path, &e))?;
    let mut rows = truth.to_vec();
    rows.sort();
    for r in &rows {
        w.write_record([&r.person, &r.questionnaire, &r.calendar_week, &r.pattern, r.about.as_deref().unwrap_or("")])
            .map_err(|e| fail(&path, &e))?;
    }
    w.flush().map_err(|e| fail(&path, &e))?;
    let path = dir.join("people.csv");
    let mut w = csv::Writer::from_path(&path).map_err(|e| fail(&path, &e))?;
    w.write_record(["person", "role", "pattern"]).map_err(|e| fail(&path, &e))?;
    let mut people = people.to_vec();
    people.sort();
    for (p, role, pattern) in &people {
        w.write_record([p.as_str(), role, pattern]).map_err(|e| fail(&path, &e))?;
    }
    w.flush().map_err(|e| fail(&path, &e))
}

/// An export of the rehearsed study, read back as rows of named cells.
fn export<S>(e: &Engine<'_, S>, kind: Kind) -> Result<Vec<HashMap<String, String>>, RehearseError> {
    let now = koers_store::study_clock::of_study(&mut *e.db.conn()?, e.study.id)?.at(e.real.now());
    let req = Request {
        kind,
        study_id: e.study.id,
        format: Format::Csv,
        pseudonym_key: e.pseudonym_key.clone(),
        questionnaire: None,
        now,
        teams: None,
    };
    let mut out = Vec::new();
    koers_export::export(&mut *e.db.conn()?, &req, &mut out, &mut |_, _| {})
        .map_err(|err| RehearseError::Failed(format!("export {}: {err}", kind.as_str())))?;
    let mut r = csv::Reader::from_reader(out.as_slice());
    let header: Vec<String> =
        r.headers().map_err(|e| RehearseError::Failed(e.to_string()))?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| RehearseError::Failed(e.to_string()))?;
        rows.push(header.iter().cloned().zip(rec.iter().map(str::to_string)).collect());
    }
    Ok(rows)
}

/// Every check, in the order a reader wants them.
pub fn run<S, B>(e: &Engine<'_, S>) -> Result<Vec<Check>, RehearseError>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut out = Vec::new();
    let mut conn = e.db.conn()?;
    let study = e.study.id;

    out.push(check("forms accepted", e.form_errors.clone(), "every form a person sent was accepted".into()));

    let ended = life_course::student_ends(&mut conn, study)?;
    let sent_closing: std::collections::HashSet<i64> =
        life_course::invited_to(&mut conn, study, "closing")?.into_iter().collect();
    let no_closing: Vec<String> = ended
        .iter()
        .filter(|s| !matches!(s.end_reason.as_deref(), Some("withdrawn" | "guardian_declined")))
        .filter(|s| !sent_closing.contains(&s.person_id))
        .map(|s| {
            format!("student {} (ended: {})", s.person_id, s.end_reason.as_deref().unwrap_or("at the protocol's end"))
        })
        .collect();
    out.push(check(
        "closing questionnaire sent",
        no_closing,
        format!("{} students got their closing questionnaire", sent_closing.len()),
    ));

    let intakes = life_course::windows_per_person(&mut conn, study, koers_core::people::Role::Mentor, "intake")?;
    out.push(check(
        "one intake per mentor",
        intakes
            .iter()
            .filter(|w| w.windows > 1)
            .map(|w| format!("mentor {} was asked {} times", w.person_id, w.windows))
            .collect(),
        format!("{} mentors, each asked once", intakes.len()),
    ));

    // Messages: nobody gets two within a minute; nothing reaches a declined child afterwards.
    let mut by_number: BTreeMap<&str, Vec<chrono::DateTime<chrono::Utc>>> = BTreeMap::new();
    for m in &e.messages {
        by_number.entry(m.to.as_str()).or_default().push(m.at);
    }
    let mut doubles = Vec::new();
    for (to, times) in &mut by_number {
        times.sort();
        for w in times.windows(2) {
            if w[1] - w[0] < chrono::TimeDelta::minutes(1) {
                doubles.push(format!("{} at {}", koers_core::phone::masked(to), w[1]));
            }
        }
    }
    out.push(check("one SMS at a time", doubles, format!("{} messages, never two within a minute", e.messages.len())));

    let declines =
        life_course::consents_given(&mut conn, study, koers_store::participation::CONSENT_GUARDIAN_DECLINED)?;
    let mut after_decline = Vec::new();
    for d in &declines {
        let at = d.given_at;
        let Some((actor, _)) = e.person_ids.iter().find(|(_, id)| **id == d.person_id) else { continue };
        let Who::Student(i) = e.actors[*actor].who else { continue };
        let s = &e.cohort.students[i];
        let numbers: Vec<String> =
            [Some(&s.phone), s.parent_phone.as_ref()].into_iter().flatten().map(|p| crate::e164(p)).collect();
        for m in e.messages.iter().filter(|m| m.at > at && numbers.contains(&m.to)) {
            after_decline.push(format!("student {i} got a message at {}", m.at));
        }
    }
    out.push(check(
        "nothing after a parent's no",
        after_decline,
        format!("{} declined, no message afterwards", declines.len()),
    ));
    drop(conn);

    // The exports against the truth.
    let long = export(e, Kind::AnswersLong)?;
    let mut seen: BTreeMap<String, &HashMap<String, String>> = BTreeMap::new();
    for row in &long {
        seen.entry(row.get("response").cloned().unwrap_or_default()).or_insert(row);
    }
    let mut exported: Vec<TruthRow> = seen
        .values()
        .map(|r| TruthRow {
            person: r.get("person").cloned().unwrap_or_default(),
            questionnaire: r.get("questionnaire").cloned().unwrap_or_default(),
            calendar_week: r.get("calendar_week").cloned().unwrap_or_default(),
            pattern: String::new(),
            about: r.get("about_person").filter(|a| !a.is_empty()).cloned(),
        })
        .collect();
    exported.sort();
    let mut truth: Vec<TruthRow> = e.truth.iter().map(|t| TruthRow { pattern: String::new(), ..t.clone() }).collect();
    truth.sort();
    let mut differences = Vec::new();
    for t in &truth {
        if exported.binary_search(t).is_err() {
            differences
                .push(format!("submitted but not exported: {} {} {}", t.person, t.questionnaire, t.calendar_week));
        }
    }
    for x in &exported {
        if truth.binary_search(x).is_err() {
            differences
                .push(format!("exported but never submitted: {} {} {}", x.person, x.questionnaire, x.calendar_week));
        }
    }
    if exported.len() != truth.len() {
        differences.push(format!("{} responses exported, {} submitted", exported.len(), truth.len()));
    }
    out.push(check(
        "answers-long matches what was submitted",
        differences,
        format!("{} responses, row for row", truth.len()),
    ));

    out.push(mentor_items_after_yes(&long));

    let mentor_rows: Vec<&&HashMap<String, String>> =
        seen.values().filter(|r| r.get("role").map(String::as_str) == Some("mentor")).collect();
    let without_time: Vec<String> = mentor_rows
        .iter()
        .filter(|r| r.get("measurement").map(String::as_str) == Some("diary"))
        .filter(|r| r.get("invitation_sent_at").is_none_or(|v| v.is_empty()))
        .map(|r| format!("response {}", r.get("response").cloned().unwrap_or_default()))
        .collect();
    out.push(check(
        "mentor diaries have their invitation time",
        without_time,
        "every completed mentor diary has the time its SMS was sent".into(),
    ));

    let pair_weeks = export(e, Kind::PairWeeks)?;
    let completed_in_pairs: std::collections::HashSet<(String, String, String)> = pair_weeks
        .iter()
        .filter(|r| r.get("mentor_completed").map(String::as_str) == Some("1"))
        .map(|r| {
            (
                r.get("mentor").cloned().unwrap_or_default(),
                r.get("student").cloned().unwrap_or_default(),
                r.get("calendar_week").cloned().unwrap_or_default(),
            )
        })
        .collect();
    let missing: Vec<String> = mentor_rows
        .iter()
        .filter(|r| r.get("measurement").map(String::as_str) == Some("diary"))
        .filter_map(|r| {
            let key = (
                r.get("person").cloned().unwrap_or_default(),
                r.get("about_person").cloned().unwrap_or_default(),
                r.get("calendar_week").cloned().unwrap_or_default(),
            );
            (!completed_in_pairs.contains(&key)).then(|| format!("{} about {} in {}", key.0, key.1, key.2))
        })
        .collect();
    out.push(check(
        "mentor diaries in pair-weeks",
        missing,
        "every completed mentor diary appears in the pair-week table".into(),
    ));
    Ok(out)
}

/// The student diary's questions about the mentor are asked only after "did you talk with your
/// mentor this week?" was answered yes: a week without a talk has none of them answered.
fn mentor_items_after_yes(long: &[HashMap<String, String>]) -> Check {
    const ITEMS: [&str; 6] = [
        "mentor_bond",
        "mentor_openness",
        "mentor_help",
        "mentor_support_autonomy",
        "mentor_support_competence",
        "mentor_support_relatedness",
    ];
    let get = |r: &HashMap<String, String>, k: &str| r.get(k).cloned().unwrap_or_default();
    let diaries = long.iter().filter(|r| get(r, "questionnaire") == "student_diary");
    let mut spoke: HashMap<String, String> = HashMap::new();
    let mut asked: BTreeMap<String, usize> = BTreeMap::new();
    for r in diaries {
        let item = get(r, "item");
        if item == "mentor_spoke" {
            spoke.insert(get(r, "response"), get(r, "value"));
        } else if ITEMS.contains(&item.as_str()) && get(r, "answered") == "1" {
            *asked.entry(get(r, "response")).or_default() += 1;
        }
    }
    let problems: Vec<String> = asked
        .keys()
        .filter(|resp| !matches!(spoke.get(*resp).map(String::as_str), Some("yes" | "1")))
        .map(|resp| format!("response {resp} has mentor items without a yes"))
        .collect();
    let yes = spoke.values().filter(|v| *v == "yes" || *v == "1").count();
    let no = spoke.values().filter(|v| *v == "no" || *v == "0").count();
    let mut c = check(
        "mentor items only after a yes",
        problems,
        format!("{} diaries with mentor items, all after a yes ({yes} yes, {no} no)", asked.len()),
    );
    if c.ok && (asked.is_empty() || no == 0) {
        c = check("mentor items only after a yes", vec![format!("nothing to show: {yes} yes, {no} no")], String::new());
    }
    c
}
