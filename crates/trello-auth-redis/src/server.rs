//! [`RedisServer`]: a throwaway `redis-server` for tests and demos (Unix only), started on a
//! Unix socket in a temporary folder (no port to race for), without persistence, and stopped
//! on drop. It can be frozen (`SIGSTOP`), resumed and restarted empty, to see what a fleet
//! does when its Redis misbehaves.
//!
//! The binary is `$REDIS_SERVER`, else `redis-server` on `PATH` (Debian: `apt-get install
//! redis-server`).
//!
//! ```no_run
//! use trello_auth_redis::{server::RedisServer, RedisBudget};
//!
//! let redis = RedisServer::start()?;
//! let budget = RedisBudget::new(&redis.url())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use tempfile::TempDir;

/// A running `redis-server`, stopped on drop.
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    dir: TempDir,
    /// The TCP port on 127.0.0.1, or `None` for the Unix socket.
    port: Option<u16>,
}

impl RedisServer {
    /// Starts a server and waits until it accepts connections. Fails when `redis-server`
    /// cannot be run, saying what to install.
    pub fn start() -> io::Result<Self> {
        let dir = tempfile::tempdir()?;
        let child = spawn(dir.path(), None)?;
        Ok(Self {
            child,
            dir,
            port: None,
        })
    }

    /// Starts a server on a free TCP port of 127.0.0.1 instead (what a fleet's workers use; a
    /// benchmark measures it).
    pub fn start_tcp() -> io::Result<Self> {
        let dir = tempfile::tempdir()?;
        // The port is free now; redis-server binds it a moment later.
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = spawn(dir.path(), Some(port))?;
        Ok(Self {
            child,
            dir,
            port: Some(port),
        })
    }

    /// Whether a `redis-server` can be found (`$REDIS_SERVER`, or on `PATH`).
    pub fn available() -> bool {
        if let Some(path) = std::env::var_os("REDIS_SERVER") {
            return Path::new(&path).is_file();
        }
        std::env::var_os("PATH").is_some_and(|path| {
            std::env::split_paths(&path).any(|dir| dir.join("redis-server").is_file())
        })
    }

    /// The URL of its socket, for the `redis` crate and `RedisBudget`.
    pub fn url(&self) -> String {
        match self.port {
            Some(port) => format!("redis://127.0.0.1:{port}/"),
            None => format!("redis+unix://{}", self.socket().display()),
        }
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("redis.sock")
    }

    /// A connection for commands of one's own.
    pub fn connection(&self) -> redis::RedisResult<redis::Connection> {
        redis::Client::open(self.url())?.get_connection()
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
    pub fn restart(&mut self) -> io::Result<()> {
        stop(&mut self.child);
        self.child = spawn(self.dir.path(), self.port)?;
        Ok(())
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        signal(&self.child, "-CONT");
        stop(&mut self.child);
    }
}

fn spawn(dir: &Path, port: Option<u16>) -> io::Result<Child> {
    let binary = std::env::var_os("REDIS_SERVER").unwrap_or_else(|| "redis-server".into());
    let mut command = Command::new(&binary);
    match port {
        Some(port) => command.args(["--port", &port.to_string(), "--bind", "127.0.0.1"]),
        None => command
            .args(["--port", "0", "--unixsocket"])
            .arg(dir.join("redis.sock"))
            .args(["--unixsocketperm", "700"]),
    };
    let mut child = command
        .args(["--save", "", "--appendonly", "no"])
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "could not run {} ({e}): install redis-server (Debian: apt-get install \
                     redis-server) or point REDIS_SERVER at one",
                    binary.to_string_lossy()
                ),
            )
        })?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| io::Error::other("no stdout"))?;
    let mut lines = BufReader::new(stdout).lines();
    // The server says when it listens; reading its log is the readiness signal.
    let ready = lines.by_ref().map_while(Result::ok).any(|line| {
        line.to_ascii_lowercase()
            .contains("ready to accept connections")
    });
    if !ready {
        stop(&mut child);
        return Err(io::Error::other("redis-server exited before it was ready"));
    }
    // Keep draining its log so that it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Ok(child)
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
