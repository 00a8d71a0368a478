//! A real headless Chromium on a phone-sized window, driven over WebDriver (chromedriver from
//! Debian's packages). Screenshots go to target/screenshots/TEST/ so a person can look.

use fantoccini::{Client, ClientBuilder};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Chromium with scripts off (`scriptEnabled=false`) still runs WebDriver's scripts and their
/// promise jobs, but never fires their timers, and axe-core waits on `setTimeout(f, 0)` between
/// its rules. Short timers run as promise jobs instead (in order, which is all axe-core asks of
/// them); long ones are its watchdogs for frames and style sheets that do not answer, and never
/// fire. The page's own scripts still never run.
const WEBDRIVER_TIMERS: &str = "
  if (window.koersTimers) { return; }
  window.koersTimers = true;
  var next = 0, cleared = {};
  window.setTimeout = function (f, ms) {
    var args = Array.prototype.slice.call(arguments, 2), id = ++next;
    if (!(ms >= 1000)) { Promise.resolve().then(function () { if (!cleared[id]) { f.apply(null, args); } }); }
    return id;
  };
  window.clearTimeout = function (id) { cleared[id] = true; };";

pub struct Browser {
    pub client: Client,
    /// Whether pages may run scripts (off: only WebDriver's own scripts run, such as axe-core).
    pub javascript: bool,
    driver: Child,
    _profile: tempfile::TempDir,
    shots: PathBuf,
}

fn find(candidates: &[&str]) -> String {
    candidates
        .iter()
        .find(|c| std::path::Path::new(c).exists())
        .unwrap_or_else(|| panic!("none of {candidates:?} is installed; .ci/run installs chromium and chromium-driver"))
        .to_string()
}

impl Browser {
    /// A browser with a 360x640 viewport; `javascript` off makes Chromium ignore every script.
    pub async fn phone(test: &str, javascript: bool) -> Browser {
        Browser::phone_of_width(test, javascript, 360).await
    }

    /// A phone screen of this width (320 is the smallest phones still in use), 640 high.
    pub async fn phone_of_width(test: &str, javascript: bool, width: u32) -> Browser {
        let driver_bin = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
        let chrome_bin = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
        let port = super::free_port();
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        // Scripts off through Blink's own setting rather than the content-settings pref: with
        // the pref, chromedriver's click (which runs its own helper scripts) never returns.
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--hide-scrollbars".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        if !javascript {
            args.push("--blink-settings=scriptEnabled=false".into());
        }
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chrome_bin,
                "args": args,
                "mobileEmulation": {"deviceMetrics": {"width": width, "height": 640, "pixelRatio": 2.0}},
            }
        });
        let caps = caps.as_object().unwrap().clone();
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("connect to chromedriver");
        let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots").join(test);
        std::fs::create_dir_all(&shots).unwrap();
        Browser { client, javascript, driver, _profile: profile, shots }
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// The widest element's right edge against the viewport: > 0 means horizontal scrolling.
    pub async fn horizontal_overflow(&self) -> i64 {
        let v = self
            .client
            .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth;", vec![])
            .await
            .expect("measure overflow");
        v.as_i64().unwrap_or(0)
    }

    /// axe-core's WCAG 2 A/AA findings on the current page, as "rule: target" lines. With
    /// scripts off it checks the page as such a browser shows it (its `<noscript>` content in
    /// the document, no `js` class, no script's changes).
    pub async fn axe_violations(&self) -> Vec<String> {
        const AXE: &str = include_str!("axe.min.js");
        if !self.javascript {
            self.client.execute(WEBDRIVER_TIMERS, vec![]).await.expect("timers for WebDriver's scripts");
        }
        if let Err(e) = self.client.execute(&format!("{AXE}; return true;"), vec![]).await {
            panic!("axe-core does not load: {e}");
        }
        let found = self
            .client
            .execute_async(
                "var done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}}, function (err, r) {
                   if (err) { done(['axe failed: ' + err]); return; }
                   done(r.violations.map(function (v) {
                     return v.id + ': ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', ');
                   }));
                 });",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("axe-core did not run: {e}"));
        found.as_array().map(|a| a.iter().map(|v| v.as_str().unwrap_or("").to_string()).collect()).unwrap_or_default()
    }

    /// Bytes the page needs: the document and every script and style sheet it names,
    /// uncompressed (fetched again here: the page's own CSP rightly forbids it to fetch them).
    pub async fn page_weight(&self) -> usize {
        let html = self.client.source().await.expect("page source");
        let assets = self
            .client
            .execute(
                "return Array.prototype.map.call(document.querySelectorAll('script[src],link[rel=stylesheet]'),
                   function (el) { return el.src || el.href; });",
                vec![],
            )
            .await
            .expect("list the page's assets");
        let mut urls: Vec<String> =
            assets.as_array().unwrap().iter().filter_map(|u| u.as_str().map(str::to_string)).collect();
        urls.dedup();
        let mut total = html.len();
        for url in urls {
            total += reqwest::get(&url).await.expect("fetch an asset").bytes().await.unwrap().len();
        }
        total
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}
