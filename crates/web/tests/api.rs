//! The staff JSON API over real HTTP against real databases (SQLite and PostgreSQL): tokens by
//! password and API key, what makes a token useless, scopes per route, who sees which people,
//! pseudonyms only for researchers, paging bounds, and problem+json for every refusal.

mod api_support;

use api_support::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::TimeDelta;
use diesel::prelude::*;
use jsonwebtoken::{EncodingKey, Header};
use koers_store::schema::{staff_accounts, staff_roles};
use koers_store::testing::TestDb;
use koers_store::{api_keys, audit};
use koers_web::api::auth::{jwt_key, Claims};
use serde_json::{json, Value};

const EXPORT_KINDS: &[&str] =
    &["answers-long", "responses-wide", "pair-weeks", "invitations", "people", "rewards", "codebook"];

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn audit_actions(s: &Server) -> Vec<(String, String, String)> {
    let mut c = s.db.conn().unwrap();
    audit::recent(&mut c, 200).unwrap().into_iter().map(|r| (r.actor, r.action, r.details)).collect()
}

fn sign(claims: &Claims, secret: &str) -> String {
    jsonwebtoken::encode(&Header::default(), claims, &EncodingKey::from_secret(&jwt_key(secret))).unwrap()
}

#[test]
fn tokens_come_for_a_staff_password_or_an_api_key() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let s = Server::start(&t.db, 1000);

        let code = totp_code(&s, w.coordinator);
        let r = post_json(&s, "/api/v1/token", &json!({"email": COORDINATOR, "password": PASSWORD, "totp": code}));
        assert_eq!(r.status, 200, "{backend}: {}", r.body);
        assert_eq!(r.content_type, "application/json");
        assert_eq!(r.headers["cache-control"], "no-store");
        let body = r.json();
        assert_eq!((body["token_type"].as_str(), body["expires_in"].as_i64()), (Some("Bearer"), Some(900)));
        assert_eq!(body["scope"], "studies:read people:read", "{backend}: a coordinator's scopes");
        let claims = claims_of(body["access_token"].as_str().unwrap());
        assert_eq!(claims["iss"], s.base.as_str());
        assert_eq!(claims["aud"], "koers-api");
        assert_eq!(claims["sub"], w.coordinator.to_string());
        assert_eq!(claims["exp"].as_i64().unwrap(), now().timestamp() + 900, "expiry from the clock");
        assert_eq!(token_scope(&s, EXPORTER), "studies:read responses:read export");
        assert_eq!(token_scope(&s, RESEARCHER), "studies:read responses:read");
        assert_eq!(token_scope(&s, ADMIN), "studies:read people:read responses:read export");

        let wrong = post_json(&s, "/api/v1/token", &json!({"email": COORDINATOR, "password": "not the password"}));
        let p = wrong.problem(401);
        assert!(wrong.headers["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
        let unknown = post_json(&s, "/api/v1/token", &json!({"email": "who@x.example", "password": PASSWORD}));
        assert_eq!(unknown.problem(401)["detail"], p["detail"], "the same words whether or not the address exists");
        let none = post_json(&s, "/api/v1/token", &json!({"email": NOBODY, "password": PASSWORD}));
        none.problem(403);

        // An API key gives the scopes it names that its owner has, no more: a key cannot be
        // made with scopes the owner lacks, and a permission taken away after it was made is gone.
        let refused = api_keys::create(&mut t.db.conn().unwrap(), w.exporter, "x", "people:read export", None, now());
        assert!(refused.unwrap_err().to_string().contains("people:read"), "{backend}");
        let koers_store::tokens::Issued { id: key_id, plain: key } = {
            let mut c = t.db.conn().unwrap();
            api_keys::create(&mut c, w.exporter, "analysis", "responses:read export", None, now()).unwrap()
        };
        let r = post_json(&s, "/api/v1/token", &json!({"api_key": key}));
        assert_eq!(r.status, 200, "{backend}: {}", r.body);
        assert_eq!(r.json()["scope"], "responses:read export", "{backend}");
        let by_key = r.json()["access_token"].as_str().unwrap().to_string();
        assert_eq!(claims_of(&by_key)["key"], key_id);
        assert_eq!(get(&s, "/api/v1/studies/vsv/response-rates", Some(&by_key)).status, 200);
        assert_eq!(get(&s, "/api/v1/studies/vsv/exports/codebook", Some(&by_key)).status, 200);
        get(&s, "/api/v1/studies", Some(&by_key)).problem(403);
        let role = diesel::update(staff_roles::table.filter(staff_roles::staff_id.eq(w.exporter)))
            .set(staff_roles::permissions.eq(""))
            .execute(&mut *t.db.conn().unwrap())
            .unwrap();
        assert_eq!(role, 1);
        get(&s, "/api/v1/studies/vsv/exports/codebook", Some(&by_key)).problem(403);
        let r = post_json(&s, "/api/v1/token", &json!({"api_key": key}));
        assert_eq!(r.json()["scope"], "responses:read", "{backend}: the export permission is gone");
        diesel::update(staff_roles::table.filter(staff_roles::staff_id.eq(w.exporter)))
            .set(staff_roles::permissions.eq("export"))
            .execute(&mut *t.db.conn().unwrap())
            .unwrap();

        let actions = audit_actions(&s);
        assert!(actions.iter().any(|(who, what, details)| {
            who == &format!("staff:{}", w.exporter) && what == "api.token" && details.contains("api_key")
        }));
        assert!(actions.iter().all(|(_, _, d)| !d.contains(&key) && !d.contains(PASSWORD)), "no secrets audited");

        // Revoking the key ends the key and the tokens made with it.
        api_keys::revoke(&mut t.db.conn().unwrap(), key_id, now()).unwrap();
        post_json(&s, "/api/v1/token", &json!({"api_key": key})).problem(401);
        get(&s, "/api/v1/studies/vsv/response-rates", Some(&by_key)).problem(401);

        // A key past its expiry, and a key of an account that was disabled.
        let koers_store::tokens::Issued { plain: soon, .. } = api_keys::create(
            &mut t.db.conn().unwrap(),
            w.researcher,
            "soon",
            "studies:read",
            Some(now() + TimeDelta::hours(1)),
            now(),
        )
        .unwrap();
        assert_eq!(post_json(&s, "/api/v1/token", &json!({"api_key": soon})).status, 200);
        s.clock.advance(TimeDelta::hours(2));
        post_json(&s, "/api/v1/token", &json!({"api_key": soon})).problem(401);
        let researcher_token = token(&s, RESEARCHER);
        diesel::update(staff_accounts::table.find(w.researcher))
            .set(staff_accounts::disabled_at.eq(Some(koers_store::studies::to_db(now()))))
            .execute(&mut *t.db.conn().unwrap())
            .unwrap();
        get(&s, "/api/v1/studies", Some(&researcher_token)).problem(401);

        // Bodies that are not token requests.
        for bad in [
            json!({}),
            json!({"email": COORDINATOR}),
            json!({"email": COORDINATOR, "password": PASSWORD, "api_key": "x"}),
            json!({"user": "x"}),
            json!([1]),
        ] {
            post_json(&s, "/api/v1/token", &bad).problem(422);
        }
        let not_json = reply(client().post(s.url("/api/v1/token")).body("email=x&password=y").send().unwrap());
        not_json.problem(422);
        let huge = reply(client().post(s.url("/api/v1/token")).body("x".repeat(10_000)).send().unwrap());
        huge.problem(413);
        post_json(&s, "/api/v1/token", &json!({"api_key": "koers_not-a-key-at-all-but-long-enough"})).problem(401);
    }
}

fn token_scope(s: &Server, email: &str) -> String {
    claims_of(&token(s, email))["scope"].as_str().unwrap().to_string()
}

#[test]
fn expired_foreign_and_malformed_tokens_get_401() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let s = Server::start(&t.db, 1000);
        let good = token(&s, RESEARCHER);
        assert_eq!(get(&s, "/api/v1/studies", Some(&good)).status, 200, "{backend}");

        let base = Claims {
            iss: s.base.clone(),
            aud: "koers-api".into(),
            sub: w.researcher.to_string(),
            iat: now().timestamp(),
            exp: now().timestamp() + 900,
            scope: "studies:read".into(),
            key: None,
        };
        assert_eq!(get(&s, "/api/v1/studies", Some(&sign(&base, SECRET))).status, 200, "{backend}: a well-made token");
        let foreign = [
            sign(&Claims { aud: "another-api".into(), ..base.clone() }, SECRET),
            sign(&Claims { iss: "https://elsewhere.example".into(), ..base.clone() }, SECRET),
            sign(&base, "another installation's secret, long enough"),
            sign(&Claims { sub: "not-a-number".into(), ..base.clone() }, SECRET),
            sign(&Claims { sub: "999999".into(), ..base.clone() }, SECRET),
            format!("{}x", sign(&base, SECRET)),
            "not.a.token".to_string(),
            "x".repeat(5000),
        ];
        for (i, bad) in foreign.iter().enumerate() {
            let r = get(&s, "/api/v1/studies", Some(bad));
            let p = r.problem(401);
            assert_eq!(p["detail"], "The access token is not valid.", "{backend}: token {i}");
            assert!(r.headers["www-authenticate"].to_str().unwrap().contains("invalid_token"));
        }
        let missing = get(&s, "/api/v1/studies", None);
        missing.problem(401);
        assert_eq!(missing.headers["www-authenticate"], "Bearer realm=\"koers\"");
        let basic = reply(client().get(s.url("/api/v1/studies")).basic_auth("a", Some("b")).send().unwrap());
        basic.problem(401);

        // Fifteen minutes on the test's clock, not the machine's.
        s.clock.advance(TimeDelta::minutes(14));
        assert_eq!(get(&s, "/api/v1/studies", Some(&good)).status, 200, "{backend}: still valid");
        s.clock.advance(TimeDelta::minutes(2));
        let expired = get(&s, "/api/v1/studies", Some(&good)).problem(401);
        assert!(expired["detail"].as_str().unwrap().contains("expired"), "{backend}");
    }
}

#[test]
fn every_export_route_needs_the_export_scope() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let s = Server::start(&t.db, 1000);
        let coordinator = token(&s, COORDINATOR);
        let researcher = token(&s, RESEARCHER);
        let exporter = token(&s, EXPORTER);
        for kind in EXPORT_KINDS {
            for format in ["", "?format=csv", "?format=jsonl"] {
                for (who, tok) in [("coordinator", &coordinator), ("researcher", &researcher)] {
                    for study in ["vsv", "other", "does-not-exist"] {
                        let r = get(&s, &format!("/api/v1/studies/{study}/exports/{kind}{format}"), Some(tok));
                        let p = r.problem(403);
                        assert!(p["detail"].as_str().unwrap().contains("'export'"), "{backend} {who} {kind}");
                        assert!(r.headers["www-authenticate"].to_str().unwrap().contains("insufficient_scope"));
                    }
                }
            }
        }
        // With the scope: each pseudonymised dataset, without a name or phone number in it.
        let before = audit_actions(&s).iter().filter(|a| a.1 == "export").count();
        for kind in EXPORT_KINDS.iter().filter(|k| **k != "rewards") {
            for (format, content_type) in
                [("csv", "text/csv; charset=utf-8"), ("jsonl", "application/jsonl; charset=utf-8")]
            {
                let r = get(&s, &format!("/api/v1/studies/vsv/exports/{kind}?format={format}"), Some(&exporter));
                assert_eq!(r.status, 200, "{backend} {kind} {format}: {}", r.body);
                assert_eq!(r.content_type, content_type);
                let disposition = r.headers["content-disposition"].to_str().unwrap();
                assert_eq!(disposition, format!("attachment; filename=\"vsv-{kind}.{format}\""));
                for word in IDENTIFYING {
                    assert!(!r.body.contains(word), "{backend} {kind} {format} shows {word}");
                }
            }
        }
        let after = audit_actions(&s).iter().filter(|a| a.1 == "export").count();
        assert_eq!(after - before, 12, "{backend}: every export is audited");
        // The one export that names people is for admins only.
        let p = get(&s, "/api/v1/studies/vsv/exports/rewards", Some(&exporter)).problem(403);
        assert!(p["detail"].as_str().unwrap().contains("admin"));
        assert_eq!(get(&s, "/api/v1/studies/vsv/exports/rewards", Some(&token(&s, ADMIN))).status, 200, "{backend}");
        // Unknown kinds and formats, other studies.
        get(&s, "/api/v1/studies/vsv/exports/everything", Some(&exporter)).problem(404);
        get(&s, "/api/v1/studies/other/exports/codebook", Some(&exporter)).problem(404);
        let p = get(&s, "/api/v1/studies/vsv/exports/codebook?format=xlsx", Some(&exporter)).problem(422);
        assert_eq!(p["invalid_params"][0]["name"], "format");
        // The research package: one zip, with the export scope only, of the caller's studies.
        let r = get(&s, "/api/v1/studies/vsv/exports/package", Some(&exporter));
        assert_eq!((r.status, r.content_type.as_str()), (200, "application/zip"), "{backend}: {}", r.body);
        assert!(r.body.starts_with("PK"), "{backend}: a zip");
        get(&s, "/api/v1/studies/vsv/exports/package", Some(&researcher)).problem(403);
        get(&s, "/api/v1/studies/other/exports/package", Some(&exporter)).problem(404);
        assert!(audit_actions(&s).iter().any(|a| a.1 == "export" && a.2.contains("\"package\"")), "{backend}: audited");
        let _ = w;
    }
}

#[test]
fn coordinators_see_the_people_of_their_own_organisation_only() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let s = Server::start(&t.db, 1000);
        let coordinator = token(&s, COORDINATOR);
        let r = get(&s, "/api/v1/studies/vsv/people", Some(&coordinator));
        assert_eq!(r.status, 200, "{backend}: {}", r.body);
        assert_eq!(r.headers["cache-control"], "no-store");
        let page = r.json();
        let ids: Vec<i64> = page["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, w.noord, "{backend}: ROC Noord only");
        assert_eq!(page["total"], 3);
        let sanne = &page["items"][0];
        assert_eq!(sanne["first_name"], "Sanne");
        assert_eq!(sanne["mobile_phone"], "+31612300101", "coordinators see phone numbers");
        assert_eq!(sanne["organisation"], "roc-noord");
        assert!(!r.body.contains("Ravi") && !r.body.contains("612300108"), "{backend}: nobody of ROC Zuid");

        let viewed: Vec<_> = audit_actions(&s).into_iter().filter(|a| a.1 == "api.people.view").collect();
        assert_eq!(viewed.len(), 1, "{backend}: the view is audited");
        assert_eq!(viewed[0].0, format!("staff:{}", w.coordinator));
        assert!(!viewed[0].2.contains("612300"), "no phone numbers in the audit log");

        let admin = get(&s, "/api/v1/studies/vsv/people", Some(&token(&s, ADMIN))).json();
        assert_eq!(admin["total"], 5, "{backend}: an admin sees everyone");
        get(&s, "/api/v1/studies/other/people", Some(&coordinator)).problem(404);
        get(&s, "/api/v1/studies/nope/people", Some(&coordinator)).problem(404);
        get(&s, "/api/v1/studies/vsv/people", Some(&token(&s, EXPORTER))).problem(403);
        // Coordinators do not read responses.
        get(&s, "/api/v1/studies/vsv/responses", Some(&coordinator)).problem(403);
        get(&s, "/api/v1/studies/vsv/response-rates", Some(&coordinator)).problem(403);
    }
}

#[test]
fn researchers_read_responses_under_pseudonyms_only() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let s = Server::start(&t.db, 1000);
        let researcher = token(&s, RESEARCHER);
        let r = get(&s, "/api/v1/studies/vsv/responses?per_page=500", Some(&researcher));
        assert_eq!(r.status, 200, "{backend}: {}", r.body);
        for word in IDENTIFYING {
            assert!(!r.body.contains(word), "{backend}: the responses show {word}");
        }
        let page = r.json();
        assert_eq!(page["total"], w.opened_responses, "{backend}: windows that have not opened are left out");
        let key = koers_export::pseudonym_key(SECRET.as_bytes());
        let sanne = koers_export::pseudonym(&key, w.sanne);
        let items = page["items"].as_array().unwrap();
        let of_sanne: Vec<&Value> = items.iter().filter(|i| i["person"] == sanne.as_str()).collect();
        assert_eq!(of_sanne.len(), 3, "{backend}: the same pseudonym as in the exports");
        let done = of_sanne.iter().find(|i| !i["completed_at"].is_null()).unwrap();
        assert_eq!(done["organisation"], "roc-noord");
        assert_eq!(done["questionnaire"], "student_diary");
        assert_eq!(done["questionnaire_version"], koers_core::content::content_hash(STUDENT_DIARY).as_str());
        let answers = done["answers"].as_array().unwrap();
        let value = |item: &str| answers.iter().find(|a| a["item"] == item).unwrap()["value"].clone();
        assert_eq!(value("motivation"), json!(72.0));
        assert_eq!(value("activities"), json!(["school", "work"]));
        assert_eq!(value("remark"), Value::Null);
        let about: Vec<&Value> =
            items.iter().flat_map(|i| i["answers"].as_array().unwrap()).filter(|a| !a["about"].is_null()).collect();
        assert!(about.iter().any(|a| a["about"] == sanne.as_str()), "{backend}: mentors' answers name a pseudonym");
        assert!(items.iter().all(|i| i.get("person_id").is_none() && i.get("first_name").is_none()));

        let rates = get(&s, "/api/v1/studies/vsv/response-rates", Some(&researcher)).json();
        let got: Vec<(String, String, i64, i64, f64)> = rates["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["week"].as_str().unwrap().into(),
                    x["role"].as_str().unwrap().into(),
                    x["invited"].as_i64().unwrap(),
                    x["completed"].as_i64().unwrap(),
                    x["rate"].as_f64().unwrap(),
                )
            })
            .collect();
        let row = |w: &str, r: &str, i, c, x| (w.to_string(), r.to_string(), i, c, x);
        assert_eq!(
            got,
            vec![
                row("2026-W40", "mentor", 2, 2, 1.0),
                row("2026-W40", "student", 2, 2, 1.0),
                row("2026-W41", "mentor", 2, 2, 1.0),
                row("2026-W41", "student", 2, 0, 0.0),
                row("2026-W42", "mentor", 2, 2, 1.0),
                row("2026-W42", "student", 2, 2, 1.0),
            ],
            "{backend}"
        );
        // Another study the researcher has no role in does not exist for them.
        get(&s, "/api/v1/studies/other/responses", Some(&researcher)).problem(404);
        let studies = get(&s, "/api/v1/studies", Some(&researcher)).json();
        assert_eq!(studies["total"], 1);
        assert_eq!(studies["items"][0]["key"], "vsv");
        assert_eq!(studies["items"][0]["scopes"], json!(["studies:read", "responses:read"]));
        assert_eq!(get(&s, "/api/v1/studies", Some(&token(&s, ADMIN))).json()["total"], 2, "{backend}");
    }
}

#[test]
fn pages_are_bounded_and_refusals_are_problem_json() {
    for (backend, t) in TestDb::both() {
        let w = world(&t.db);
        let s = Server::start(&t.db, 1000);
        let researcher = token(&s, RESEARCHER);
        for bad in [
            "per_page=0",
            "per_page=10000",
            "per_page=501",
            "page=0",
            "page=-3",
            "page=abc",
            "per_page=1.5",
            "page=1&page=2",
        ] {
            let r = get(&s, &format!("/api/v1/studies/vsv/responses?{bad}"), Some(&researcher));
            let p = r.problem(422);
            assert!(!p["invalid_params"].as_array().unwrap().is_empty(), "{backend} {bad}");
            get(&s, &format!("/api/v1/studies?{bad}"), Some(&researcher)).problem(422);
        }
        let mut seen = Vec::new();
        for page in 1..=4 {
            let p = get(&s, &format!("/api/v1/studies/vsv/responses?per_page=5&page={page}"), Some(&researcher)).json();
            assert_eq!((p["page"].as_i64(), p["per_page"].as_i64()), (Some(page), Some(5)));
            assert_eq!(p["total"], w.opened_responses);
            seen.extend(p["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()));
        }
        assert_eq!(seen.len() as i64, w.opened_responses, "{backend}: every response once over the pages");
        assert!(seen.windows(2).all(|p| p[0] < p[1]));
        let last = get(&s, "/api/v1/studies/vsv/responses?per_page=500&page=1000000", Some(&researcher)).json();
        assert_eq!(last["items"], json!([]), "{backend}: past the end is an empty page, not an error");

        // Unknown operations under /api/v1 are problems too, never HTML.
        get(&s, "/api/v1/nothing", Some(&researcher)).problem(404);
        get(&s, "/api/v1/studies/vsv", Some(&researcher)).problem(404);
        reply(client().post(s.url("/api/v1/studies")).bearer_auth(&researcher).send().unwrap()).problem(404);
        let spec = get(&s, "/api/v1/openapi.json", None);
        assert_eq!((spec.status, spec.content_type.as_str()), (200, "application/json"));
        assert!(spec.json()["openapi"].as_str().unwrap().starts_with("3.1"));
    }
}

#[test]
fn token_requests_are_rate_limited_like_the_login_page() {
    let t = TestDb::sqlite();
    world(&t.db);
    let s = Server::start(&t.db, 3);
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(post_json(&s, "/api/v1/token", &json!({"email": COORDINATOR, "password": "guess guess"})).status);
    }
    assert_eq!(statuses, vec![401, 401, 401, 429, 429]);
    let r = post_json(&s, "/api/v1/token", &json!({"email": COORDINATOR, "password": PASSWORD}));
    r.problem(429);
    assert_eq!(r.headers["retry-after"], "60");
}
