//! A real headless Chromium on a phone-sized window, driven over WebDriver (chromedriver from
//! Debian's packages). Screenshots go to target/screenshots/TEST/ so a person can look.

use fantoccini::{Client, ClientBuilder};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Browser {
    pub client: Client,
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
        let js_setting = if javascript { 1 } else { 2 };
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chrome_bin,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "mobileEmulation": {"deviceMetrics": {"width": 360, "height": 640, "pixelRatio": 2.0}},
                "prefs": {"profile.managed_default_content_settings.javascript": js_setting},
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
        Browser { client, driver, _profile: profile, shots }
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
