//! Checks across rows: people listed once, mentors paired with students in the file or already
//! enrolled, subscriptions merged.

use super::{problem, ImportContext, ImportPlan, ImportProblem, PhonesSeen, PlannedPair, PlannedSubscription, Row};
use crate::msg::Msg;
use crate::people::Role;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(super) fn cross_check(
    rows: Vec<Row>,
    phones_seen: &PhonesSeen,
    ctx: &ImportContext,
    problems: &mut Vec<ImportProblem>,
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let mut by_phone: HashMap<String, usize> = HashMap::new();
    let mut new_teams = BTreeSet::new();
    for row in &rows {
        let p = &row.person;
        if !ctx.known_teams.contains(&p.team_name) {
            new_teams.insert(p.team_name.clone());
        }
        if let Some(existing) = ctx.existing.get(&p.phone) {
            if *existing != p.role {
                problems.push(problem(
                    row.line,
                    "mobile_phone",
                    Msg::new("import-phone-other-role")
                        .arg("phone", &p.phone)
                        .arg("existing", existing.as_str())
                        .arg("role", p.role.as_str()),
                ));
                continue;
            }
        }
        let earlier = phones_seen.get(&p.phone).filter(|(line, _)| *line < row.line);
        match by_phone.get(&p.phone) {
            None if earlier.is_some_and(|(_, mentor)| !(*mentor && p.role == Role::Mentor)) => {
                let line = earlier.map(|e| e.0).unwrap_or_default();
                problems.push(problem(
                    row.line,
                    "mobile_phone",
                    Msg::new("import-phone-twice").arg("phone", &p.phone).arg("line", line),
                ));
            }
            None => {
                by_phone.insert(p.phone.clone(), plan.people.len());
                plan.people.push(p.clone());
            }
            Some(&i) => {
                let first = &plan.people[i];
                if first.role == Role::Mentor && p.role == Role::Mentor {
                    for (column, a, b) in [
                        ("first_name", Some(&first.first_name), Some(&p.first_name)),
                        ("last_name", first.last_name.as_ref(), p.last_name.as_ref()),
                        ("team_name", Some(&first.team_name), Some(&p.team_name)),
                        ("email", first.email.as_ref(), p.email.as_ref()),
                    ] {
                        if a != b {
                            problems.push(problem(
                                row.line,
                                column,
                                Msg::new("import-mentor-differs").arg("line", first.line).arg("column", column),
                            ));
                        }
                    }
                    if first.gender != p.gender {
                        problems.push(problem(
                            row.line,
                            "gender",
                            Msg::new("import-mentor-differs").arg("line", first.line).arg("column", "gender"),
                        ));
                    }
                } else {
                    problems.push(problem(
                        row.line,
                        "mobile_phone",
                        Msg::new("import-phone-twice").arg("phone", &p.phone).arg("line", first.line),
                    ));
                }
            }
        }
    }
    plan.new_teams = new_teams.into_iter().collect();

    let is_student = |phone: &str| -> bool {
        by_phone.get(phone).map(|i| plan.people[*i].role == Role::Student).unwrap_or(false)
            || ctx.existing.get(phone) == Some(&Role::Student)
    };
    let mut subs: BTreeMap<(String, String, Option<String>), PlannedSubscription> = BTreeMap::new();
    let mut pairs_seen: HashMap<(String, String), u64> = HashMap::new();
    let mut add_sub = |phone: &str, protocol: &str, fof: Option<&String>, row: &Row| {
        subs.entry((phone.to_string(), protocol.to_string(), fof.cloned())).or_insert(PlannedSubscription {
            phone: phone.to_string(),
            protocol: protocol.to_string(),
            filling_out_for: fof.cloned(),
            start: row.start,
            end: row.end,
            line: row.line,
        });
    };
    for row in &rows {
        let p = &row.person;
        if let Some(student) = &row.filling_out_for {
            if student == &p.phone {
                problems.push(problem(row.line, "filling_out_for", Msg::new("import-own-number")));
                continue;
            }
            if !is_student(student) {
                problems.push(problem(
                    row.line,
                    "filling_out_for",
                    Msg::new("import-not-a-student").arg("phone", student),
                ));
                continue;
            }
            if let Some(first) = pairs_seen.insert((p.phone.clone(), student.clone()), row.line) {
                problems.push(problem(row.line, "filling_out_for", Msg::new("import-pair-twice").arg("line", first)));
                continue;
            }
            plan.pairs.push(PlannedPair {
                line: row.line,
                mentor_phone: p.phone.clone(),
                student_phone: student.clone(),
                start: row.start,
            });
            if let Some(fop) = &row.filling_out_for_protocol {
                add_sub(student, fop, None, row);
            }
        }
        if let Some(protocol) = &row.protocol {
            add_sub(&p.phone, protocol, row.filling_out_for.as_ref(), row);
        }
    }
    plan.subscriptions = subs.into_values().collect();
    plan
}
