//! Running the real `koers` binary in end-to-end tests: a temporary working directory, a free
//! port, and a server process that is killed when the test ends, whatever happens.
#![allow(dead_code)]

pub mod browser;
pub mod gateway;
pub mod taps;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_koers"))
}

/// A `koers` command in `dir` with none of the caller's KOERS_* settings leaking in.
pub fn koers(dir: &Path) -> Command {
    let mut c = Command::new(bin());
    c.current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("KOERS_") {
            c.env_remove(k);
        }
    }
    c.env("RUST_LOG", "warn").env_remove("RUST_BACKTRACE").env_remove("RUST_LIB_BACKTRACE");
    c
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The PostgreSQL the tests may use, in a schema of its own that is dropped afterwards.
pub fn postgres_schema() -> koers_store::testing::TestDb {
    koers_store::testing::TestDb::postgres()
}

/// A running server; its stdout lines arrive on a channel.
pub struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    pub base: String,
    pub seen: Vec<String>,
}

impl Server {
    pub fn start(cmd: Command, port: u16) -> Server {
        Server::start_with_log(cmd, port, Stdio::inherit())
    }

    /// [`Server::start`] with the server's log (standard error) going to `log`.
    pub fn start_with_log(mut cmd: Command, port: u16, log: Stdio) -> Server {
        let mut child = cmd.stdout(Stdio::piped()).stderr(log).spawn().expect("start koers");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut s = Server { child, lines, base: format!("http://127.0.0.1:{port}"), seen: Vec::new() };
        s.wait_until_healthy(Duration::from_secs(180));
        s
    }

    fn wait_until_healthy(&mut self, limit: Duration) {
        let start = Instant::now();
        let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(2)).build().unwrap();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("koers exited early with {status}; output: {:?}", self.drain());
            }
            if client.get(format!("{}/healthz", self.base)).send().map(|r| r.status().is_success()).unwrap_or(false) {
                self.drain();
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("koers did not become healthy within {limit:?}; output: {:?}", self.drain());
    }

    /// Every stdout line received so far.
    pub fn drain(&mut self) -> Vec<String> {
        while let Ok(l) = self.lines.try_recv() {
            self.seen.push(l);
        }
        self.seen.clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
