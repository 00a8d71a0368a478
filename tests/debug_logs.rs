//! No log level writes personal data: `koers serve --demo` at `RUST_LOG=debug` goes through a
//! participant's link, consent and questionnaire (with a free-text answer), the page with their
//! mentor, a mentor's overview and a coordinator's view of a person's name and number; then the
//! log is searched for the link tokens, the CSRF tokens, names, phone numbers and the answer.

mod support;

use regex::Regex;
use std::process::Stdio;
use support::{free_port, koers, Server};

const FREE_TEXT: &str = "Mijn geheim antwoord 4711";

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().cookie_store(true).timeout(std::time::Duration::from_secs(30)).build().unwrap()
}

fn csrf_of(page: &str) -> String {
    Regex::new(r#"name="csrf" value="([^"]+)""#).unwrap().captures(page).map(|c| c[1].to_string()).unwrap_or_default()
}

#[test]
fn a_whole_flow_at_debug_level_logs_no_token_name_number_or_answer() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let log_path = dir.path().join("koers.log");
    let mut cmd = koers(dir.path());
    cmd.args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "debug")
        .env("KOERS_BASE_URL", &base);
    let mut server = Server::start_with_log(cmd, port, Stdio::from(std::fs::File::create(&log_path).unwrap()));
    let printed = server.drain().join("\n");
    let link = |who: &str| {
        Regex::new(&format!(r"{who} \([a-z]+\)\s+(\S+/l/(\S+))"))
            .unwrap()
            .captures(&printed)
            .map(|c| (c[1].to_string(), c[2].to_string()))
    };
    let (sanne_link, sanne_token) = link("Sanne").expect("the demo prints Sanne's link");
    let (joris_link, joris_token) = link("Joris").expect("the demo prints Joris's link");
    let mut secrets = vec![sanne_token, joris_token];

    // The student: link, consent, a questionnaire with a free-text answer, her mentor's page.
    let student = client();
    let consent = student.get(&sanne_link).send().unwrap().text().unwrap();
    secrets.push(csrf_of(&consent));
    let form = [("csrf", csrf_of(&consent)), ("consent_age_under_16", "no".into()), ("consent_agree", "agree".into())];
    let page = student.post(format!("{base}/p/toestemming")).form(&form).send().unwrap().text().unwrap();
    let action = Regex::new(r#"action="(/p/r/\d+)""#).unwrap().captures(&page).map(|c| c[1].to_string());
    let action = action.unwrap_or_else(|| panic!("a questionnaire after consent: {page}"));
    let form = [
        ("csrf", csrf_of(&page)),
        ("anything_else", FREE_TEXT.to_string()),
        ("remarks", FREE_TEXT.to_string()),
        ("first_name", FREE_TEXT.to_string()),
    ];
    let answered = student.post(format!("{base}{action}")).form(&form).send().unwrap();
    assert!(answered.status().as_u16() < 500);
    student.get(format!("{base}/p/begeleider")).send().unwrap();

    // The mentor's overview names his students.
    let mentor = client();
    let consent = mentor.get(&joris_link).send().unwrap().text().unwrap();
    secrets.push(csrf_of(&consent));
    let form = [("csrf", csrf_of(&consent)), ("consent_agree", "agree".into())];
    let overview = mentor.post(format!("{base}/p/toestemming")).form(&form).send().unwrap().text().unwrap();
    assert!(overview.contains("Sanne"), "the overview names the students: {overview}");
    secrets.push(csrf_of(&overview));

    // The coordinator looks Joris up: name and number on the page.
    let staff = client();
    let login = staff.get(format!("{base}/staff/login")).send().unwrap().text().unwrap();
    let form = [
        ("csrf", csrf_of(&login)),
        ("email", "coordinator@demo.invalid".to_string()),
        ("password", "demo-koers-noord".to_string()),
    ];
    staff.post(format!("{base}/staff/login")).form(&form).send().unwrap();
    let list = staff.get(format!("{base}/staff?q=Joris")).send().unwrap().text().unwrap();
    let person = Regex::new(r#"href="(/staff/people/\d+)""#).unwrap().captures(&list).map(|c| c[1].to_string());
    let person = person.unwrap_or_else(|| panic!("Joris in the coordinator's list: {list}"));
    let detail = staff.get(format!("{base}{person}")).send().unwrap().text().unwrap();
    assert!(detail.contains("612300201") || detail.contains("6 1230 0201") || detail.contains("0201"), "{detail}");
    secrets.push(csrf_of(&detail));
    drop(server);

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("DEBUG"), "the server logged at debug level:\n{log}");
    assert!(log.lines().count() > 20, "the flow was logged:\n{log}");
    secrets.retain(|s| !s.is_empty());
    assert!(secrets.len() >= 5, "tokens of the flow: {secrets:?}");
    let personal = ["Sanne", "de Vries", "Joris", "Bakker", "612300201", "612300101", "6123 00201", FREE_TEXT];
    for needle in secrets.iter().map(String::as_str).chain(personal) {
        let hit = log.lines().find(|l| l.contains(needle));
        assert!(hit.is_none(), "the debug log holds {needle:?}:\n{}", hit.unwrap_or_default());
    }
}
