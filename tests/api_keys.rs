//! `koers api-key` through the real binary on both databases: the printed key opens the running
//! server's API with the scopes it was made with, only its hash is stored, `list` never shows
//! it, revoking closes the API at once, and mistakes get clear messages.

mod support;

use std::path::Path;
use std::process::{Command, Output};
use support::{free_port, koers, Server};

const EMAIL: &str = "admin@roc.example";

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

fn ok(cmd: &mut Command) -> (String, String) {
    let out = run(cmd);
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
    assert!(out.status.success(), "{cmd:?} failed: {stdout}{stderr}");
    (stdout, stderr)
}

/// Fails, and says why on standard error.
fn refused(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(!out.status.success(), "{cmd:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn at(dir: &Path, url: &str) -> Command {
    let mut c = koers(dir);
    c.env("KOERS_DATABASE_URL", url);
    c
}

/// POST /api/v1/token with a key: the status and the JSON answer.
fn token(base: &str, key: &str) -> (u16, serde_json::Value) {
    let res = reqwest::blocking::Client::new()
        .post(format!("{base}/api/v1/token"))
        .json(&serde_json::json!({"api_key": key}))
        .send()
        .unwrap();
    (res.status().as_u16(), res.json().unwrap())
}

fn get(base: &str, path: &str, bearer: &str) -> u16 {
    reqwest::blocking::Client::new().get(format!("{base}{path}")).bearer_auth(bearer).send().unwrap().status().as_u16()
}

#[test]
fn a_key_made_on_the_command_line_opens_the_api_until_it_is_revoked() {
    let pg = support::postgres_schema();
    let dir = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}", dir.path().join("k.db").display());
    for url in [sqlite_url.as_str(), pg.url.as_str()] {
        let d = dir.path();
        ok(at(d, url).args(["study", "create", "vsv", "--name", "VSV"]));
        ok(at(d, url)
            .args(["user", "add", EMAIL, "--name", "Ada", "--role", "admin"])
            .env("KOERS_PASSWORD", "a long enough passphrase"));

        let (stdout, stderr) = ok(at(d, url).args([
            "api-key",
            "create",
            "--staff",
            "Admin@ROC.example",
            "--name",
            "weekly export",
            "--scopes",
            "people:read responses:read export",
            "--expires-days",
            "30",
        ]));
        let key = stdout.trim().to_string();
        assert!(
            key.starts_with("koers_") && !key.contains(char::is_whitespace),
            "{url}: only the key on stdout: {stdout}"
        );
        assert!(stderr.contains("shown only now"), "{url}: {stderr}");
        assert!(stderr.contains("people:read responses:read export") && !stderr.contains(&key), "{url}: {stderr}");

        let db = koers_store::Database::open(url, 1).unwrap();
        let stored: Vec<String> = {
            use diesel::prelude::*;
            use koers_store::schema::api_keys;
            api_keys::table.select(api_keys::key_hash).load(&mut *db.conn().unwrap()).unwrap()
        };
        assert_eq!(stored, vec![koers_store::tokens::hash_token(&key)], "{url}: only the hash is stored");

        let (listed, _) = ok(at(d, url).args(["api-key", "list", "--staff", EMAIL]));
        let rows: Vec<&str> = listed.lines().collect();
        assert_eq!(rows[0], "id\tname\tscopes\tcreated\texpires\trevoked\tstate", "{url}");
        let cells: Vec<&str> = rows[1].split('\t').collect();
        assert_eq!(cells[1..3], ["weekly export", "people:read responses:read export"], "{url}: {listed}");
        assert_eq!((cells[5], cells[6]), ("-", "usable"), "{url}");
        assert!(cells[4].ends_with("UTC"), "{url}: the expiry is shown: {listed}");
        assert!(!listed.contains(&key), "{url}: list never shows the key");
        let id = cells[0].to_string();

        let port = free_port();
        let mut serve = at(d, url);
        serve.args(["serve", "--bind", &format!("127.0.0.1:{port}")]).env("KOERS_SCHEDULER__ENABLED", "false");
        let server = Server::start(serve, port);
        let (status, body) = token(&server.base, &key);
        assert_eq!(status, 200, "{url}: {body}");
        assert_eq!(body["scope"], "people:read responses:read export", "{url}");
        let bearer = body["access_token"].as_str().unwrap().to_string();
        assert_eq!(get(&server.base, "/api/v1/studies/vsv/people", &bearer), 200, "{url}");
        assert_eq!(get(&server.base, "/api/v1/studies", &bearer), 403, "{url}: studies:read was not given");

        let (revoked, _) = ok(at(d, url).args(["api-key", "revoke", &id]));
        assert!(revoked.contains(&format!("API key {id} revoked")), "{url}: {revoked}");
        assert_eq!(token(&server.base, &key).0, 401, "{url}: the key no longer gives tokens");
        assert_eq!(get(&server.base, "/api/v1/studies/vsv/people", &bearer), 401, "{url}: nor do its tokens work");
        drop(server);
        let (again, _) = ok(at(d, url).args(["api-key", "revoke", &id]));
        assert!(again.contains("revoked already"), "{url}: {again}");
        let (listed, _) = ok(at(d, url).args(["api-key", "list", "--staff", EMAIL]));
        assert!(listed.lines().nth(1).unwrap().ends_with("\trevoked"), "{url}: {listed}");

        let audit: Vec<String> = koers_store::audit::recent(&mut db.conn().unwrap(), 50)
            .unwrap()
            .into_iter()
            .filter(|e| e.action.starts_with("api_key."))
            .map(|e| format!("{} {}", e.actor, e.action))
            .collect();
        assert_eq!(audit, ["cli api_key.revoke", "cli api_key.create"], "{url}: a second revoke changed nothing");
        let details = koers_store::audit::recent(&mut db.conn().unwrap(), 50).unwrap();
        assert!(details.iter().all(|e| !e.details.contains(&key)), "{url}: the key is in no audit entry");

        // Mistakes: each says what is wrong and what exists.
        let unknown = refused(at(d, url).args([
            "api-key",
            "create",
            "--staff",
            "nobody@roc.example",
            "--name",
            "x",
            "--scopes",
            "export",
        ]));
        assert!(
            unknown.contains("no staff account 'nobody@roc.example'") && unknown.contains("koers user list"),
            "{unknown}"
        );
        let scope = refused(at(d, url).args([
            "api-key",
            "create",
            "--staff",
            EMAIL,
            "--name",
            "x",
            "--scopes",
            "export admin",
        ]));
        assert!(
            scope.contains("'admin' is not a scope")
                && scope.contains("studies:read people:read responses:read export"),
            "{scope}"
        );
        let missing = refused(at(d, url).args(["api-key", "revoke", "999999"]));
        assert!(missing.contains("there is no API key 999999"), "{missing}");
        let listed_unknown = refused(at(d, url).args(["api-key", "list", "--staff", "nobody@roc.example"]));
        assert!(listed_unknown.contains("no staff account"), "{listed_unknown}");
        let (listed, _) = ok(at(d, url).args(["api-key", "list", "--staff", EMAIL]));
        assert_eq!(listed.lines().count(), 2, "{url}: the refused keys were not made: {listed}");
    }
}

/// `koers user add --can-export` makes the export permission real: the researcher's key with
/// `export` exports through the running API; a researcher without it is refused a key that
/// names `export`, with what would give it; and the account's life on the command line.
fn researchers_export_and_accounts_change(url: &str, dir: &Path) {
    let d = dir;
    ok(at(d, url).args(["study", "create", "vsv", "--name", "VSV"]));
    ok(at(d, url).args(["organisation", "add", "noord", "--name", "Noord", "--study", "vsv"]));
    let pw = "a long enough passphrase";
    ok(at(d, url)
        .args(["user", "add", "ana@uni.example", "--name", "Ana", "--role", "researcher", "--can-export"])
        .env("KOERS_PASSWORD", pw));
    ok(at(d, url)
        .args(["user", "add", "bo@uni.example", "--name", "Bo", "--role", "researcher"])
        .env("KOERS_PASSWORD", pw));
    let wrong = refused(
        at(d, url)
            .args(["user", "add", "cy@roc.example", "--name", "Cy", "--role", "coordinator", "--can-export"])
            .env("KOERS_PASSWORD", pw),
    );
    assert!(wrong.contains("--can-export is for researcher roles"), "{wrong}");

    let no_export = refused(at(d, url).args([
        "api-key",
        "create",
        "--staff",
        "bo@uni.example",
        "--name",
        "x",
        "--scopes",
        "responses:read export",
    ]));
    assert!(no_export.contains("'export'") && no_export.contains("--can-export"), "{url}: {no_export}");
    let (stdout, _) = ok(at(d, url).args([
        "api-key",
        "create",
        "--staff",
        "ana@uni.example",
        "--name",
        "x",
        "--scopes",
        "responses:read export",
    ]));
    let key = stdout.trim().to_string();
    let (listed, _) = ok(at(d, url).args(["user", "list"]));
    assert!(listed.contains("researcher in study vsv, may export"), "{url}: {listed}");

    ok(at(d, url).args([
        "user",
        "add-role",
        "bo@uni.example",
        "--role",
        "researcher",
        "--organisation",
        "noord",
        "--can-export",
    ]));
    ok(at(d, url).args(["api-key", "create", "--staff", "bo@uni.example", "--name", "y", "--scopes", "export"]));
    let not_held = refused(at(d, url).args(["user", "remove-role", "bo@uni.example", "--role", "admin"]));
    assert!(
        not_held.contains("has no such role") && not_held.contains("researcher in vsv --organisation noord"),
        "{not_held}"
    );
    ok(at(d, url).args(["user", "remove-role", "bo@uni.example", "--role", "researcher", "--organisation", "noord"]));

    let port = free_port();
    let mut serve = at(d, url);
    serve.args(["serve", "--bind", &format!("127.0.0.1:{port}")]).env("KOERS_SCHEDULER__ENABLED", "false");
    let server = Server::start(serve, port);
    let (status, body) = token(&server.base, &key);
    assert_eq!((status, body["scope"].as_str()), (200, Some("responses:read export")), "{url}: {body}");
    let bearer = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(get(&server.base, "/api/v1/studies/vsv/exports/people", &bearer), 200, "{url}");
    assert_eq!(get(&server.base, "/api/v1/studies/vsv/exports/rewards", &bearer), 403, "{url}: payouts are for admins");

    let (said, _) = ok(at(d, url).args(["user", "sessions-revoke", "ana@uni.example"]));
    assert!(said.contains("session(s) ended"), "{said}");
    assert_eq!(get(&server.base, "/api/v1/studies/vsv/exports/people", &bearer), 401, "{url}: the token stopped");
    let (said, _) = ok(at(d, url).args(["user", "disable", "ana@uni.example"]));
    assert!(said.contains("1 API key(s) revoked"), "{url}: {said}");
    assert_eq!(token(&server.base, &key).0, 401, "{url}: the key stopped");
    let (said, _) = ok(at(d, url).args(["user", "disable", "ana@uni.example"]));
    assert!(said.contains("disabled already"), "{said}");
    ok(at(d, url).args(["user", "enable", "ana@uni.example"]));
    ok(at(d, url).args(["user", "reset-password", "ana@uni.example"]).env("KOERS_PASSWORD", "another long passphrase"));
    let (said, _) = ok(at(d, url).args(["user", "totp-reset", "ana@uni.example"]));
    assert!(said.contains("sets up a new one"), "{said}");
    let optional = refused(at(d, url).args(["study", "two-factor", "vsv", "optional"]));
    assert!(optional.contains("test mode"), "{optional}");
    ok(at(d, url).args(["study", "two-factor", "vsv", "all"]));
    drop(server);

    let db = koers_store::Database::open(url, 1).unwrap();
    let actions: Vec<String> =
        koers_store::audit::recent(&mut db.conn().unwrap(), 100).unwrap().into_iter().map(|e| e.action).collect();
    for a in ["staff.add_role", "staff.remove_role", "staff.sessions_revoke", "staff.disable", "staff.enable"] {
        assert!(actions.iter().any(|x| x == a), "{url}: {a} in {actions:?}");
    }
    for a in ["staff.reset_password", "staff.totp_reset", "study.two_factor"] {
        assert!(actions.iter().any(|x| x == a), "{url}: {a} in {actions:?}");
    }
}

#[test]
fn researchers_with_the_export_permission_export_and_accounts_change_on_the_command_line_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    researchers_export_and_accounts_change(&url, dir.path());
}

#[test]
fn researchers_with_the_export_permission_export_and_accounts_change_on_the_command_line_postgres() {
    let pg = support::postgres_schema();
    let dir = tempfile::tempdir().unwrap();
    researchers_export_and_accounts_change(&pg.url, dir.path());
}
