//! Running the binary: a config folder of its own per test, and a TLS sandbox whose app
//! allows the login port, with the test playing the user's browser.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

use trello_auth_sandbox::{App, Sandbox};
use trello_auth_tests::browser;
use trello_auth_ureq::UreqTransport;

/// What a run printed and returned.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `trello-auth` with a fresh config folder and no credentials from the environment.
pub struct Cli {
    dir: tempfile::TempDir,
    env: Vec<(String, Option<String>)>,
}

impl Cli {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            env: vec![
                ("TRELLO_API_KEY".into(), None),
                ("TRELLO_TOKEN".into(), None),
                ("TRELLO_APP_SECRET".into(), None),
                ("TRELLO_AUTH_CA_FILE".into(), None),
                ("TRELLO_API_BASE".into(), None),
                ("BROWSER".into(), None),
            ],
        }
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), Some(value.into())));
        self
    }

    pub fn env_remove(mut self, name: &str) -> Self {
        self.env.push((name.into(), None));
        self
    }

    pub fn config_dir(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_trello-auth"));
        command
            .args(args)
            .env("TRELLO_AUTH_CONFIG_DIR", self.dir.path())
            .stdin(Stdio::null());
        for (name, value) in &self.env {
            match value {
                Some(v) => command.env(name, v),
                None => command.env_remove(name),
            };
        }
        command
    }

    /// Runs with `input` on standard input (a pipe, not a terminal).
    pub fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.command(args).output().expect("the binary runs");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    /// `trello-auth login --no-browser ...` against the rig's sandbox; the test reads the URL
    /// from stderr (the last word of its line) and presses `button` ("" presses nothing).
    pub fn login(&self, rig: &SandboxRig, extra: &[&str], button: &str) -> Output {
        let port = rig.port.to_string();
        let ca = rig.ca_file.to_str().unwrap();
        let mut args = vec![
            "login",
            "--key",
            &rig.app.key,
            "--auth-base",
            rig.sb.auth_base(),
            "--api-base",
            rig.sb.api_base(),
            "--ca-file",
            ca,
            "--port",
            &port,
            "--store",
            "file",
        ];
        args.extend_from_slice(extra);
        let started = self.start(&args);
        if !button.is_empty() {
            let location = browser::press(&rig.browser, &started.url, button).expect("consent");
            browser::relay(&rig.browser, &location).expect("relay");
        }
        started.finish()
    }

    /// Starts `trello-auth <args> --no-browser` and reads stderr up to the line with the URL
    /// to open.
    pub fn start(&self, args: &[&str]) -> Started {
        let mut child = self
            .command(args)
            .arg("--no-browser")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut seen = String::new();
        let mut line = String::new();
        while stderr.read_line(&mut line).unwrap() > 0 {
            seen.push_str(&line);
            if line.contains("Open this URL") {
                break;
            }
            line.clear();
        }
        let url = line
            .split_whitespace()
            .last()
            .unwrap_or_default()
            .to_owned();
        Started {
            child,
            stderr,
            seen,
            url,
        }
    }

    /// Every file under the config folder that holds `token` is readable by its owner only.
    pub fn assert_token_only_in_private_files(&self, token: &str) {
        let mut holders = 0;
        for entry in std::fs::read_dir(self.dir.path()).unwrap().flatten() {
            let text = std::fs::read(entry.path()).unwrap_or_default();
            if String::from_utf8_lossy(&text).contains(token) {
                holders += 1;
                assert_ne!(
                    entry.file_name(),
                    "config.toml",
                    "config.toml holds no token"
                );
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
                    assert_eq!(mode, 0o600, "{}", entry.path().display());
                }
            }
        }
        assert!(holders <= 1, "the token is stored once");
    }
}

/// A running `trello-auth login`, once it said which URL to open.
pub struct Started {
    child: std::process::Child,
    stderr: BufReader<std::process::ChildStderr>,
    seen: String,
    /// The URL to open (the last word of its stderr line).
    pub url: String,
}

impl Started {
    /// The process id, for a signal.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the command to end and returns all it printed.
    pub fn finish(mut self) -> Output {
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        self.seen.push_str(&rest);
        let mut stdout = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        let status = self.child.wait().unwrap();
        Output {
            code: status.code().unwrap_or(-1),
            stdout,
            stderr: self.seen,
        }
    }
}

/// A TLS sandbox whose app allows `http://127.0.0.1:<port>` for a free port, its CA on disk,
/// and a client that plays the browser.
pub struct SandboxRig {
    pub sb: Sandbox,
    pub app: App,
    pub port: u16,
    pub ca_file: std::path::PathBuf,
    pub browser: UreqTransport,
    _dir: tempfile::TempDir,
}

impl SandboxRig {
    pub fn new() -> Self {
        // The CLI binds the port itself; the test only finds a free one.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let app =
            App::generate("CLI Test").with_allowed_origins([format!("http://127.0.0.1:{port}")]);
        let sb = Sandbox::builder()
            .tls(true)
            .app(app.clone())
            .start_blocking()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, sb.ca_pem().unwrap()).unwrap();
        let browser = UreqTransport::builder()
            .add_root_certificate_pem(sb.ca_pem().unwrap())
            .build()
            .unwrap();
        Self {
            sb,
            app,
            port,
            ca_file,
            browser,
            _dir: dir,
        }
    }

    /// A CLI whose commands trust the sandbox's CA.
    pub fn cli(&self) -> Cli {
        Cli::new().env("TRELLO_AUTH_CA_FILE", self.ca_file.to_str().unwrap())
    }
}
