//! A real `redis-server` for one test: started on a Unix socket in a temporary folder (no port
//! to race for), without persistence, stopped on drop. It can be paused (`SIGSTOP`), resumed
//! and restarted empty, as the failure-policy tests need.
//!
//! The binary is `$REDIS_SERVER`, else `redis-server` on `PATH` (Debian's package
//! `redis-server`, which `cargo xtask test` installs when missing).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use tempfile::TempDir;

/// A running `redis-server`.
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    dir: TempDir,
}

impl RedisServer {
    /// Starts a server and waits until it accepts connections.
    ///
    /// # Panics
    /// When `redis-server` cannot be run (with what to install).
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder for redis-server");
        let child = spawn(&dir);
        Self { child, dir }
    }

    /// The URL of its socket, for the `redis` crate and `RedisBudget`.
    pub fn url(&self) -> String {
        format!("redis+unix://{}", self.socket().display())
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("redis.sock")
    }

    /// A connection for the test's own commands.
    pub fn connection(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .and_then(|c| c.get_connection())
            .expect("a connection to the test's redis-server")
    }

    /// Freezes the server (`SIGSTOP`): connections stay open and nothing answers.
    pub fn pause(&self) {
        signal(&self.child, "-STOP");
    }

    /// Undoes [`pause`](Self::pause).
    pub fn resume(&self) {
        signal(&self.child, "-CONT");
    }

    /// Kills the server and starts a new one on the same socket, empty: what a restart
    /// without persistence does.
    pub fn restart(&mut self) {
        stop(&mut self.child);
        self.child = spawn(&self.dir);
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        signal(&self.child, "-CONT");
        stop(&mut self.child);
    }
}

fn spawn(dir: &TempDir) -> Child {
    let binary = std::env::var_os("REDIS_SERVER").unwrap_or_else(|| "redis-server".into());
    let socket = dir.path().join("redis.sock");
    let mut child = Command::new(&binary)
        .args(["--port", "0", "--unixsocket"])
        .arg(&socket)
        .args([
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .arg("--dir")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "could not run {} ({e}): install Debian's redis-server (`cargo xtask test` does, \
                 as root) or point REDIS_SERVER at one",
                binary.to_string_lossy()
            )
        });
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    // The server says when it listens; reading its log is the readiness signal.
    let ready = lines.by_ref().map_while(Result::ok).any(|line| {
        line.to_ascii_lowercase()
            .contains("ready to accept connections")
    });
    assert!(ready, "redis-server exited before it was ready");
    // Keep draining its log so that it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    child
}

fn signal(child: &Child, which: &str) {
    let _ = Command::new("kill")
        .arg(which)
        .arg(child.id().to_string())
        .status();
}

fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}
