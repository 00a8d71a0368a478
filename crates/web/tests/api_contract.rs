//! The API against its own description: the OpenAPI document the running server serves must be
//! well-formed OpenAPI 3.1 (every operation has responses, every `$ref` resolves, every path
//! parameter is declared), and for requests generated from it (proptest: random and edge values
//! for every parameter of every GET operation, with a valid token, a weaker one, a bad one and
//! none) the server never answers 5xx, every refusal is problem+json with a status the operation
//! declares, and every JSON success validates against the declared response schema.

mod api_support;

use api_support::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::Instant;

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Resolves a local JSON pointer (`#/components/schemas/X`) in the document.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

/// The structural checks of an OpenAPI 3.1 document that matter to clients and generators.
fn check_structure(spec: &Value) {
    let version = spec["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with("3.1."), "OpenAPI 3.1, not {version}");
    assert!(spec["info"]["title"].is_string() && spec["info"]["version"].is_string());
    let schemes = spec["components"]["securitySchemes"].as_object().expect("security schemes");
    assert_eq!(schemes["bearer"]["type"], "http");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    let paths = spec["paths"].as_object().expect("paths");
    assert!(!paths.is_empty());
    let mut operation_ids = Vec::new();
    for (path, item) in paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        let declared_in_path: Vec<&str> =
            path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
        let item = item.as_object().unwrap();
        let mut operations = 0;
        for (method, op) in item {
            assert!(METHODS.contains(&method.as_str()), "{path}: {method} is not an operation");
            operations += 1;
            operation_ids.push(op["operationId"].as_str().expect("an operationId").to_string());
            let responses = op["responses"].as_object().unwrap_or_else(|| panic!("{method} {path} has no responses"));
            assert!(!responses.is_empty(), "{method} {path} has no responses");
            for (status, r) in responses {
                assert!(status == "default" || status.parse::<u16>().is_ok_and(|s| (100..600).contains(&s)));
                assert!(r["description"].is_string(), "{method} {path} {status}: a description");
                if !status.starts_with('2') && status != "default" {
                    assert!(
                        r["content"]["application/problem+json"]["schema"].is_object(),
                        "{method} {path} {status} is problem+json"
                    );
                }
            }
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for p in &params {
                assert!(p["name"].is_string() && p["schema"].is_object(), "{method} {path}: {p}");
                assert!(["path", "query", "header", "cookie"].contains(&p["in"].as_str().unwrap()));
            }
            for name in &declared_in_path {
                let p = params.iter().find(|p| p["in"] == "path" && p["name"] == *name);
                assert!(p.is_some_and(|p| p["required"] == true), "{method} {path}: path parameter {name}");
            }
            for requirement in op["security"].as_array().cloned().unwrap_or_default() {
                for scheme in requirement.as_object().unwrap().keys() {
                    assert!(schemes.contains_key(scheme), "{method} {path}: unknown scheme {scheme}");
                }
            }
        }
        assert!(operations > 0, "{path} has no operations");
    }
    let mut unique = operation_ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), operation_ids.len(), "operationIds are unique");
    let mut all = Vec::new();
    refs(spec, &mut all);
    assert!(!all.is_empty());
    for r in all {
        assert!(resolve(spec, &r).is_some(), "$ref {r} does not resolve");
    }
}

/// One GET operation of the document.
#[derive(Debug, Clone)]
struct Operation {
    path: String,
    params: Vec<Value>,
    responses: Map<String, Value>,
}

fn get_operations(spec: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        if let Some(op) = item.get("get") {
            out.push(Operation {
                path: path.clone(),
                params: op["parameters"].as_array().cloned().unwrap_or_default(),
                responses: op["responses"].as_object().unwrap().clone(),
            });
        }
    }
    out
}

fn arbitrary_text() -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::collection::vec(any::<char>(), 0..40).prop_map(String::from_iter),
        1 => prop::collection::vec(any::<char>(), 90..130).prop_map(String::from_iter),
        2 => "[a-z0-9._~-]{0,12}",
        2 => prop::sample::select(vec![
            String::new(), ".".into(), "..".into(), "%".into(), "%2F".into(), "a/b".into(), "?x=1".into(),
            "#".into(), "\u{0}".into(), "' OR 1=1 --".into(), "x".repeat(100), "x".repeat(101), "😀".into(),
        ]),
    ]
    .boxed()
}

/// Values for one parameter: valid, edge and wrong ones, derived from its schema.
fn values_for(param: &Value) -> BoxedStrategy<Option<String>> {
    let schema = &param["schema"];
    let value: BoxedStrategy<String> = if let Some(choices) = schema["enum"].as_array() {
        let choices: Vec<String> = choices.iter().map(|c| c.as_str().unwrap().to_string()).collect();
        prop_oneof![3 => prop::sample::select(choices), 1 => arbitrary_text()].boxed()
    } else if schema["type"] == "integer" {
        let min = schema["minimum"].as_i64().unwrap_or(i64::MIN);
        let max = schema["maximum"].as_i64().unwrap_or(i64::MAX);
        let edges = vec![min.saturating_sub(1), min, max, max.saturating_add(1), 0, -1, i64::MIN, i64::MAX];
        prop_oneof![
            3 => prop::sample::select(edges).prop_map(|n| n.to_string()),
            3 => (min..=max).prop_map(|n| n.to_string()),
            1 => any::<i64>().prop_map(|n| n.to_string()),
            1 => prop::sample::select(vec!["", "abc", "1.5", "1e3", "0x10", " 1", "+1", "99999999999999999999"])
                .prop_map(String::from),
            1 => arbitrary_text(),
        ]
        .boxed()
    } else if param["name"] == "key" {
        // The study keys that exist, so that generated requests reach the data, and others.
        prop_oneof![3 => prop::sample::select(vec!["vsv".to_string(), "other".to_string()]), 2 => arbitrary_text()]
            .boxed()
    } else {
        arbitrary_text()
    };
    if param["required"] == true {
        value.prop_map(Some).boxed()
    } else {
        prop_oneof![1 => Just(None), 3 => value.prop_map(Some)].boxed()
    }
}

/// Percent-encodes everything but unreserved characters.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn url_for(op: &Operation, values: &[Option<String>]) -> String {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    for (p, v) in op.params.iter().zip(values) {
        let Some(v) = v else { continue };
        let name = p["name"].as_str().unwrap();
        match p["in"].as_str().unwrap() {
            "path" => path = path.replace(&format!("{{{name}}}"), &encode(v)),
            "query" => query.push(format!("{}={}", encode(name), encode(v))),
            _ => {}
        }
    }
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// Validators of response bodies by schema, made once each.
struct Schemas<'a> {
    spec: &'a Value,
    made: BTreeMap<String, jsonschema::Validator>,
}

impl Schemas<'_> {
    fn check(&mut self, schema: &Value, body: &Value) -> Result<(), String> {
        let key = schema.to_string();
        if !self.made.contains_key(&key) {
            let mut root = schema.as_object().cloned().unwrap_or_default();
            root.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
            root.insert("components".into(), self.spec["components"].clone());
            let v = jsonschema::draft202012::new(&Value::Object(root)).map_err(|e| format!("bad schema: {e}"))?;
            self.made.insert(key.clone(), v);
        }
        let v = &self.made[&key];
        let errors: Vec<String> = v.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }
}

/// What one request must satisfy.
fn check_reply(op: &Operation, url: &str, r: &Reply, schemas: &mut Schemas<'_>) -> Result<(), String> {
    let fail = |why: String| Err(format!("GET {url} -> {}: {why}\n{}", r.status, &r.body[..r.body.len().min(400)]));
    if r.status >= 500 {
        return fail("a server error".into());
    }
    let declared = op.responses.get(&r.status.to_string()).or_else(|| op.responses.get("default"));
    let Some(declared) = declared else { return fail("a status the operation does not declare".into()) };
    let media = r.content_type.split(';').next().unwrap_or("").trim().to_string();
    let content = declared["content"].as_object().cloned().unwrap_or_default();
    if !(200..300).contains(&r.status) {
        if media != "application/problem+json" {
            return fail(format!("a refusal as {media}, not problem+json"));
        }
    } else if !content.is_empty() && !content.contains_key(&media) {
        return fail(format!("{media} is not among the declared {:?}", content.keys().collect::<Vec<_>>()));
    }
    let Some(schema) = content.get(&media).map(|c| &c["schema"]).filter(|s| s.is_object()) else {
        return Ok(());
    };
    if media.ends_with("json") {
        let body: Value = match serde_json::from_str(&r.body) {
            Ok(b) => b,
            Err(e) => return fail(format!("not JSON: {e}")),
        };
        if let Err(e) = schemas.check(schema, &body) {
            return fail(format!("does not match the declared schema: {e}"));
        }
        if media == "application/problem+json" && body["status"] != r.status {
            return fail("the problem's status differs from the response's".into());
        }
    }
    Ok(())
}

#[test]
fn the_served_description_is_openapi_3_1_and_the_server_keeps_to_it() {
    let started = Instant::now();
    for (backend, t) in koers_store::testing::TestDb::both() {
        world(&t.db);
        let s = Server::start(&t.db, 1000);
        let spec_reply = get(&s, "/api/v1/openapi.json", None);
        assert_eq!(spec_reply.status, 200);
        let spec = spec_reply.json();
        check_structure(&spec);
        let operations = get_operations(&spec);
        assert!(operations.len() >= 6, "{backend}: every GET operation is described");

        // An admin token may do everything, a researcher's less, a bad one nothing.
        let tokens: Vec<Option<String>> =
            vec![Some(token(&s, ADMIN)), Some(token(&s, RESEARCHER)), Some("not-a-token".into()), None];
        let client = client();
        let schemas = RefCell::new(Schemas { spec: &spec, made: BTreeMap::new() });
        let seen: RefCell<BTreeMap<(String, u16), usize>> = RefCell::new(BTreeMap::new());
        let send = |url: &str, token: &Option<String>| {
            let mut req = client.get(s.url(url));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            reply(req.send().unwrap())
        };

        // The validator is not vacuous: a page whose item has a number for a key fails.
        let page_schema =
            &spec["paths"]["/api/v1/studies"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        let wrong = json!({"items": [{"key": 1}], "page": 1, "per_page": 1, "total": 1});
        assert!(schemas.borrow_mut().check(page_schema, &wrong).is_err(), "{backend}: a wrong body passes");

        for op in &operations {
            // First the plainest valid request, which must succeed and match its schema.
            let plain: Vec<Option<String>> = op
                .params
                .iter()
                .map(|p| match (p["in"].as_str(), p["name"].as_str()) {
                    (Some("path"), Some("key")) => Some("vsv".to_string()),
                    (Some("path"), _) => p["schema"]["enum"][0].as_str().map(String::from),
                    _ => None,
                })
                .collect();
            let url = url_for(op, &plain);
            let r = send(&url, &tokens[0]);
            assert!((200..300).contains(&r.status), "{backend}: GET {url} -> {}: {}", r.status, r.body);
            check_reply(op, &url, &r, &mut schemas.borrow_mut()).unwrap_or_else(|e| panic!("{backend}: {e}"));

            // Then generated ones.
            let strategy = (
                op.params.iter().map(values_for).collect::<Vec<_>>(),
                // Mostly the admin's token, so that most requests get past authentication.
                prop_oneof![3 => Just(0usize), 1 => Just(1usize), 1 => Just(2usize), 1 => Just(3usize)],
            );
            let mut runner = TestRunner::new(Config {
                cases: 150,
                failure_persistence: None,
                max_shrink_iters: 50,
                ..Config::default()
            });
            let result = runner.run(&strategy, |(values, token)| {
                let url = url_for(op, &values);
                let r = send(&url, &tokens[token]);
                *seen.borrow_mut().entry((op.path.clone(), r.status)).or_default() += 1;
                check_reply(op, &url, &r, &mut schemas.borrow_mut()).map_err(TestCaseError::fail)
            });
            if let Err(e) = result {
                panic!("{backend}: {e}");
            }
        }
        let seen = seen.into_inner();
        eprintln!("{backend}: statuses per operation: {seen:?}");
        let statuses: Vec<u16> = seen.keys().map(|(_, s)| *s).collect();
        for expected in [200, 401, 403, 404, 422] {
            assert!(statuses.contains(&expected), "{backend}: no generated request got {expected}: {seen:?}");
        }
    }
    let took = started.elapsed();
    assert!(took.as_secs() < 30, "the contract test took {took:?}");
}
