//! Accounts limited to one organisation get only that organisation's rows, from every route of
//! the API as its OpenAPI document lists them (and every export kind and format), on both
//! databases; and a researcher with the `export` permission downloads every export kind except
//! the payout file.
//!
//! The property: for requests generated from the document (proptest over each GET operation's
//! parameters) with the tokens of three accounts limited to ROC Noord (a coordinator, a
//! researcher with `export`, an admin role), no answer ever holds a trace of ROC Zuid: its key
//! or name, its people's names, numbers, pseudonyms or payout ids; counts are Noord's alone;
//! and a successful listing of rows does show Noord's, so the test cannot pass by showing
//! nothing.

mod api_support;

use api_support::*;
use diesel::prelude::*;
use koers_store::schema::{invitations, people, reward_ledger, staff_roles};
use koers_store::staff::{self, StaffRole};
use koers_store::studies::to_db;
use koers_store::testing::TestDb;
use koers_store::{api_keys, Database};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

/// An API key for an account, with the scopes given.
fn key(db: &Database, staff_id: i64, scopes: &str) -> String {
    api_keys::create(&mut db.conn().unwrap(), staff_id, "test", scopes, None, now()).unwrap().plain
}

/// Exchanges an API key for an access token.
fn key_token(s: &Server, key: &str) -> String {
    let r = post_json(s, "/api/v1/token", &serde_json::json!({"api_key": key}));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["access_token"].as_str().unwrap().to_string()
}

/// Rewards and an invitation for one person of each school, so that every export has rows of both.
fn money_and_messages(db: &Database, w: &World) {
    let mut c = db.conn().unwrap();
    for (i, person) in [w.sanne, w.ravi].into_iter().enumerate() {
        diesel::insert_into(reward_ledger::table)
            .values((
                reward_ledger::person_id.eq(person),
                reward_ledger::amount_cents.eq(200),
                reward_ledger::streak.eq(1),
                reward_ledger::reason.eq("completed"),
                reward_ledger::created_at.eq(to_db(now())),
            ))
            .execute(&mut *c)
            .unwrap();
        diesel::insert_into(invitations::table)
            .values((
                invitations::person_id.eq(person),
                invitations::dedupe_key.eq(format!("scope-test:{i}")),
                invitations::kind.eq("invite"),
                invitations::channel.eq("sms"),
                invitations::status.eq("sent"),
                invitations::due_at.eq(to_db(now())),
                invitations::attempts.eq(1),
                invitations::created_at.eq(to_db(now())),
                invitations::updated_at.eq(to_db(now())),
            ))
            .execute(&mut *c)
            .unwrap();
    }
    // A warning shown about each, so the feedback export has a row of each school to keep apart.
    let study: i64 = people::table.find(w.sanne).select(people::study_id).first(&mut *c).unwrap();
    let shown: Vec<koers_store::feedback::ShownRow> = [w.sanne, w.ravi]
        .into_iter()
        .map(|about| koers_store::feedback::ShownRow {
            kind: "warning",
            about,
            to_person: None,
            to_staff: None,
            rule: Some("sustained_fall".into()),
            construct: Some("commitment".into()),
            calendar_week: "2026-W42".into(),
            shown_at: now(),
        })
        .collect();
    koers_store::feedback::record_shown(&mut c, study, &shown).unwrap();
}

/// Three accounts limited to ROC Noord, each with an API key for everything it may do.
fn noord_accounts(db: &Database) -> Vec<(&'static str, String)> {
    let mut c = db.conn().unwrap();
    let noord: i64 = koers_store::studies::organisations_of(&mut c, 1)
        .unwrap()
        .into_iter()
        .find(|o| o.key == "roc-noord")
        .map(|o| o.id)
        .unwrap();
    let study = koers_store::studies::find_study(&mut c, "vsv").unwrap().unwrap().id;
    let mut add = |email: &str, role: StaffRole, export: bool| {
        let id = staff::create_account(&mut c, email, "Noord", PASSWORD, false, now()).unwrap();
        let r = staff::add_role(&mut c, id, study, Some(noord), None, role, now()).unwrap();
        if export {
            diesel::update(staff_roles::table.find(r))
                .set(staff_roles::permissions.eq("export"))
                .execute(&mut *c)
                .unwrap();
        }
        id
    };
    let researcher = add("researcher@noord.example", StaffRole::Researcher, true);
    let admin = add("admin@noord.example", StaffRole::Admin, false);
    let coordinator = staff::find_by_email(&mut c, COORDINATOR).unwrap().unwrap().id;
    drop(c);
    vec![
        ("coordinator", key(db, coordinator, "studies:read people:read")),
        ("researcher", key(db, researcher, "studies:read responses:read export")),
        ("admin", key(db, admin, "studies:read people:read responses:read export")),
    ]
}

/// What of ROC Zuid must never show to Noord's accounts.
fn zuid_traces(w: &World) -> Vec<String> {
    let k = koers_export::pseudonym_key(SECRET.as_bytes());
    let mut out: Vec<String> =
        ["roc-zuid", "ROC Zuid", "Ravi", "612300108", "612300203"].iter().map(|s| s.to_string()).collect();
    for p in &w.zuid {
        out.push(koers_export::pseudonym(&k, *p));
        out.push(koers_export::payout_id(&k, *p));
    }
    out
}

/// Windows of Noord's people that have opened by now (what its response rates count).
fn noord_opened(w: &World) -> i64 {
    w.opened_responses / 2
}

fn check(w: &World, url: &str, r: &Reply) -> Result<(), String> {
    let fail = |why: String| Err(format!("GET {url} -> {}: {why}\n{}", r.status, &r.body[..r.body.len().min(600)]));
    if r.status >= 500 {
        return fail("a server error".into());
    }
    for trace in zuid_traces(w) {
        if r.body.contains(&trace) {
            return fail(format!("the answer holds ROC Zuid's '{trace}'"));
        }
    }
    if r.status != 200 {
        return Ok(());
    }
    let k = koers_export::pseudonym_key(SECRET.as_bytes());
    let sanne = [koers_export::pseudonym(&k, w.sanne), koers_export::payout_id(&k, w.sanne), "Sanne".to_string()];
    let shows_noord = sanne.iter().any(|s| r.body.contains(s.as_str()));
    let path = url.split('?').next().unwrap_or(url);
    let first_page = !url.contains("page=") || url.contains("page=1&") || url.ends_with("page=1");
    if path.ends_with("/exports/rates") {
        // Counts, no people: the windows counted must be ROC Noord's, all of them.
        let opened: i64 = if url.contains("format=jsonl") {
            r.body.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["windows_opened"].as_i64().unwrap()).sum()
        } else {
            r.body.lines().skip(1).map(|l| l.split(',').nth(4).unwrap().parse::<i64>().unwrap()).sum()
        };
        if opened != noord_opened(w) {
            return fail(format!("the rates count {opened} windows; ROC Noord has {}", noord_opened(w)));
        }
    } else if path.contains("/exports/") {
        if !path.ends_with("/codebook") && !path.ends_with("/pair-weeks") && !shows_noord {
            return fail("an export without ROC Noord's rows".into());
        }
    } else if path.ends_with("/response-rates") {
        let body: Value = serde_json::from_str(&r.body).map_err(|e| e.to_string())?;
        let invited: i64 = body["items"].as_array().unwrap().iter().map(|i| i["invited"].as_i64().unwrap()).sum();
        let all_on_page = body["total"].as_i64() == Some(body["items"].as_array().unwrap().len() as i64);
        if all_on_page && first_page && invited != noord_opened(w) {
            return fail(format!("rates count {invited} windows; ROC Noord has {}", noord_opened(w)));
        }
    } else if path.ends_with("/people") || path.ends_with("/responses") {
        let body: Value = serde_json::from_str(&r.body).map_err(|e| e.to_string())?;
        let per_page = body["per_page"].as_i64().unwrap_or(0);
        if first_page && per_page >= 10 && !shows_noord {
            return fail("a first page without ROC Noord's rows".into());
        }
    }
    Ok(())
}

fn only_their_own_organisation(t: TestDb) {
    let w = world(&t.db);
    money_and_messages(&t.db, &w);
    let accounts = noord_accounts(&t.db);
    let s = Server::start(&t.db, 1000);
    let spec = get(&s, "/api/v1/openapi.json", None).json();
    let tokens: Vec<(&str, String)> = accounts.iter().map(|(who, k)| (*who, key_token(&s, k))).collect();
    let mut operations = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        let Some(op) = item.get("get") else { continue };
        operations += 1;
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        // Valid values of every parameter, so that requests reach the data.
        let values: Vec<BoxedStrategy<Option<String>>> = params
            .iter()
            .map(|p| {
                let name = p["name"].as_str().unwrap();
                let schema = &p["schema"];
                let required = p["required"] == true;
                let v: BoxedStrategy<String> = if name == "key" {
                    Just("vsv".to_string()).boxed()
                } else if let Some(choices) = schema["enum"].as_array() {
                    prop::sample::select(choices.iter().map(|c| c.as_str().unwrap().to_string()).collect::<Vec<_>>())
                        .boxed()
                } else if name == "questionnaire" {
                    prop::sample::select(vec!["student_diary".to_string(), "mentor_diary".to_string()]).boxed()
                } else if schema["type"] == "integer" {
                    let min = schema["minimum"].as_i64().unwrap_or(1);
                    let max = schema["maximum"].as_i64().unwrap_or(100).min(5);
                    (min..=max.max(min)).prop_map(|n| n.to_string()).boxed()
                } else {
                    "[a-z]{1,8}".boxed()
                };
                if required {
                    v.prop_map(Some).boxed()
                } else {
                    prop_oneof![1 => Just(None), 2 => v.prop_map(Some)].boxed()
                }
            })
            .collect();
        let mut runner =
            TestRunner::new(Config { cases: 40, failure_persistence: None, max_shrink_iters: 20, ..Config::default() });
        let client = client();
        let result = runner.run(&(values, 0..tokens.len()), |(values, who)| {
            let mut url = path.clone();
            let mut query = Vec::new();
            for (p, v) in params.iter().zip(&values) {
                let Some(v) = v else { continue };
                let name = p["name"].as_str().unwrap();
                if p["in"] == "path" {
                    url = url.replace(&format!("{{{name}}}"), v);
                } else {
                    query.push(format!("{name}={v}"));
                }
            }
            if !query.is_empty() {
                url = format!("{url}?{}", query.join("&"));
            }
            let r = reply(client.get(s.url(&url)).bearer_auth(&tokens[who].1).send().unwrap());
            check(&w, &url, &r).map_err(|e| TestCaseError::fail(format!("{}: {e}", tokens[who].0)))
        });
        if let Err(e) = result {
            panic!("{e}");
        }
    }
    assert!(operations >= 6, "every GET operation of the document is tried");

    // Every export kind and format, by the admin of ROC Noord (who may make them all).
    let admin = &tokens[2].1;
    for kind in koers_export::Kind::ALL {
        for format in ["csv", "jsonl"] {
            let url = format!("/api/v1/studies/vsv/exports/{}?format={format}", kind.as_str());
            let r = get(&s, &url, Some(admin));
            assert_eq!(r.status, 200, "{url}: {}", r.body);
            check(&w, &url, &r).unwrap();
        }
    }
    // The whole study's admin sees both schools, so the traces above are real.
    let everything = get(&s, "/api/v1/studies/vsv/exports/rewards?format=jsonl", Some(&token(&s, ADMIN)));
    assert!(everything.body.contains("Ravi") && everything.body.contains("Sanne"), "{}", everything.body);
}

#[test]
fn organisation_limited_accounts_get_only_their_organisation_from_every_route_sqlite() {
    only_their_own_organisation(TestDb::sqlite());
}

#[test]
fn organisation_limited_accounts_get_only_their_organisation_from_every_route_postgres() {
    only_their_own_organisation(TestDb::postgres());
}

fn researcher_exports_everything_but_rewards(t: TestDb) {
    let w = world(&t.db);
    money_and_messages(&t.db, &w);
    let s = Server::start(&t.db, 1000);
    let token = key_token(&s, &key(&t.db, w.exporter, "responses:read export"));
    for kind in koers_export::Kind::ALL {
        let r = get(&s, &format!("/api/v1/studies/vsv/exports/{}", kind.as_str()), Some(&token));
        if kind.identifying() {
            r.problem(403);
        } else {
            assert_eq!(r.status, 200, "{}: {}", kind.as_str(), r.body);
            assert!(r.content_type.starts_with("text/csv"), "{}", kind.as_str());
            assert!(r.body.lines().count() >= 2 || *kind == koers_export::Kind::PairWeeks, "{}: rows", kind.as_str());
            for name in IDENTIFYING {
                assert!(!r.body.contains(name), "{}: {name}", kind.as_str());
            }
        }
    }
}

#[test]
fn a_researcher_with_an_export_key_downloads_every_kind_but_rewards_sqlite() {
    researcher_exports_everything_but_rewards(TestDb::sqlite());
}

#[test]
fn a_researcher_with_an_export_key_downloads_every_kind_but_rewards_postgres() {
    researcher_exports_everything_but_rewards(TestDb::postgres());
}
