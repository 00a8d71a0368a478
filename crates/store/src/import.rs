//! Applying a people import: plan in core, then write all of it in one transaction or nothing.

use crate::db::{Database, DbConnection};
use crate::error::StoreError;
use crate::studies::{ensure_team, organisations_of, teams_of};
use crate::{audit, definitions, people};
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use koers_core::msg::Msg;
use koers_core::people::{Locale, Role};
use koers_core::people_import::{plan_people_import, ImportContext, ImportPlan, ImportProblem};
use koers_core::time::start_of_local_day;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub study_id: i64,
    pub zone: Tz,
    pub default_locale: Locale,
    pub create_teams: bool,
    /// The organisation new teams go into; needed only when the study has several.
    pub organisation_key: Option<String>,
    pub dry_run: bool,
    /// Who imports, for the audit log (`cli`, `staff:ID`).
    pub actor: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub teams_created: usize,
    pub people: Counts,
    pub subscriptions: Counts,
    pub pairs: Counts,
    pub dry_run: bool,
}

impl ImportSummary {
    pub fn changed_anything(&self) -> bool {
        self.teams_created + self.people.created + self.people.updated + self.subscriptions.created + self.pairs.created
            > 0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file has {} problem(s)", .0.len())]
    Problems(Vec<ImportProblem>),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Carries a dry run's summary out of the transaction it rolls back.
    #[error("dry run")]
    DryRun(ImportSummary),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Store(e.into())
    }
}

/// Checks the whole file against the database and, when every row is valid, writes it.
/// Nothing is written when any row has a problem, or when `dry_run` is set.
pub fn import_people(
    db: &Database,
    data: &[u8],
    opts: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportSummary, ImportError> {
    match db.write(|conn| import_in_transaction(conn, data, opts, now)) {
        Err(ImportError::DryRun(summary)) => Ok(summary),
        other => other,
    }
}

fn import_in_transaction(
    conn: &mut DbConnection,
    data: &[u8],
    opts: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportSummary, ImportError> {
    let teams = teams_of(conn, opts.study_id)?;
    let mut team_ids: HashMap<String, i64> = HashMap::new();
    let mut ambiguous: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in &teams {
        if team_ids.insert(t.name.clone(), t.id).is_some() {
            ambiguous.entry(t.name.clone()).or_default().push(t.organisation_key.clone());
        }
    }
    let protocols = definitions::latest_protocols(conn, opts.study_id)?;
    let ctx = ImportContext {
        today: koers_core::time::local_date(opts.zone, now),
        known_teams: team_ids.keys().cloned().collect(),
        create_teams: opts.create_teams,
        protocols: protocols.iter().map(|(name, p)| (name.clone(), p.role.as_deref().and_then(Role::parse))).collect(),
        existing: people::roles_by_phone(conn, opts.study_id)?,
        groups: crate::groups::study_groups(conn, opts.study_id)?,
    };
    let plan = plan_people_import(data, &ctx).map_err(ImportError::Problems)?;

    let mut problems = Vec::new();
    for p in &plan.people {
        if ambiguous.contains_key(&p.team_name) {
            problems.push(ImportProblem {
                line: p.line,
                column: Some("team_name".into()),
                msg: Msg::new("import-team-ambiguous").arg("team", &p.team_name),
            });
        }
    }
    let organisation_id = if plan.new_teams.is_empty() {
        None
    } else {
        match new_team_organisation(conn, opts) {
            Ok(id) => Some(id),
            Err(msg) => {
                problems.push(ImportProblem { line: 0, column: None, msg });
                None
            }
        }
    };
    if !problems.is_empty() {
        return Err(ImportError::Problems(problems));
    }

    let mut summary = apply(conn, &plan, opts, organisation_id, &mut team_ids, &protocols, now)?;
    audit::record(
        conn,
        now,
        &audit::Entry {
            actor: &opts.actor,
            action: "people.import",
            study_id: Some(opts.study_id),
            details: serde_json::json!({
                "rows": plan.people.len(),
                "people_created": summary.people.created,
                "people_updated": summary.people.updated,
                "subscriptions_created": summary.subscriptions.created,
                "pairs_created": summary.pairs.created,
                "teams_created": summary.teams_created,
            }),
            ..Default::default()
        },
    )?;
    if opts.dry_run {
        summary.dry_run = true;
        return Err(ImportError::DryRun(summary));
    }
    Ok(summary)
}

fn new_team_organisation(conn: &mut DbConnection, opts: &ImportOptions) -> Result<i64, Msg> {
    let orgs = organisations_of(conn, opts.study_id)
        .map_err(|e| Msg::new("import-organisations-unreadable").arg("detail", e))?;
    let known = || orgs.iter().map(|o| o.key.as_str()).collect::<Vec<_>>().join(", ");
    match &opts.organisation_key {
        Some(key) => orgs
            .iter()
            .find(|o| &o.key == key)
            .map(|o| o.id)
            .ok_or_else(|| Msg::new("import-organisation-unknown").arg("key", key).arg("known", known())),
        None if orgs.len() == 1 => Ok(orgs[0].id),
        None if orgs.is_empty() => Err(Msg::new("import-no-organisation")),
        None => Err(Msg::new("import-organisation-needed").arg("known", known())),
    }
}

fn apply(
    conn: &mut DbConnection,
    plan: &ImportPlan,
    opts: &ImportOptions,
    organisation_id: Option<i64>,
    team_ids: &mut HashMap<String, i64>,
    protocols: &BTreeMap<String, definitions::ProtocolRef>,
    now: DateTime<Utc>,
) -> Result<ImportSummary, ImportError> {
    let mut summary = ImportSummary::default();
    if let Some(org) = organisation_id {
        for name in &plan.new_teams {
            team_ids.insert(name.clone(), ensure_team(conn, org, name, now)?);
            summary.teams_created += 1;
        }
    }

    let mut person_ids: HashMap<&str, i64> = HashMap::new();
    for p in &plan.people {
        let new = people::NewPerson {
            study_id: opts.study_id,
            team_id: team_ids[&p.team_name],
            role: p.role,
            role_title: p.role_title.as_deref(),
            gender: p.gender,
            locale: p.locale.unwrap_or(opts.default_locale),
            first_name: &p.first_name,
            last_name: p.last_name.as_deref(),
            mobile_phone: &p.phone,
            email: p.email.as_deref(),
        };
        let id = match people::find_by_phone(conn, opts.study_id, &p.phone)? {
            Some(current) => {
                let regrouped = match &p.group {
                    Some(g) => crate::groups::set_person_group(conn, current.id, Some(g))?,
                    None => false,
                };
                if people::update_person(conn, &current, &new, now)? | regrouped {
                    summary.people.updated += 1;
                } else {
                    summary.people.unchanged += 1;
                }
                current.id
            }
            None => {
                summary.people.created += 1;
                let id = people::insert_person(conn, &new, now)?;
                if let Some(g) = &p.group {
                    crate::groups::set_person_group(conn, id, Some(g))?;
                }
                id
            }
        };
        person_ids.insert(&p.phone, id);
    }
    let id_of = |conn: &mut DbConnection, phone: &str| -> Result<i64, ImportError> {
        if let Some(id) = person_ids.get(phone) {
            return Ok(*id);
        }
        people::find_by_phone(conn, opts.study_id, phone)?.map(|p| p.id).ok_or_else(|| {
            StoreError::NotFound(format!("person with phone ending {}", koers_core::phone::masked(phone))).into()
        })
    };

    let mut paired = BTreeSet::new();
    for pair in &plan.pairs {
        let student = id_of(conn, &pair.student_phone)?;
        let mentor = id_of(conn, &pair.mentor_phone)?;
        paired.insert((student, mentor));
        if people::open_pair(conn, student, mentor)?.is_some() {
            summary.pairs.unchanged += 1;
        } else {
            people::insert_pair(conn, student, mentor, pair.start, now)?;
            summary.pairs.created += 1;
        }
    }
    for s in &plan.subscriptions {
        let person = id_of(conn, &s.phone)?;
        let filling_out_for = match &s.filling_out_for {
            Some(phone) => Some(id_of(conn, phone)?),
            None => None,
        };
        if people::active_subscription(conn, person, &s.protocol, filling_out_for)?.is_some() {
            summary.subscriptions.unchanged += 1;
            continue;
        }
        let protocol = &protocols[&s.protocol];
        people::insert_subscription(
            conn,
            &people::NewSubscription {
                person_id: person,
                protocol_id: protocol.id,
                filling_out_for,
                starts_at: start_of_local_day(opts.zone, s.start),
                // The end date is the last day of participation.
                ends_at: s.end.map(|d| start_of_local_day(opts.zone, d + TimeDelta::days(1))),
            },
            now,
        )?;
        summary.subscriptions.created += 1;
    }
    Ok(summary)
}
