//! The browser tests' harness (used by `tests/it/browser` and the CLI's tests): headless Chromium driven over WebDriver (chromedriver +
//! fantoccini), one [`Browser`] per test, so that tests on parallel threads share nothing.
//!
//! The programs are Debian's `chromium` and `chromium-driver` (`cargo xtask test` installs them
//! when run as root); `CHROMIUM` and `CHROMEDRIVER` point at other builds. Chromium gets a fresh
//! profile and HOME in a temporary folder, accepts the sandbox's per-run CA through the
//! `acceptInsecureCerts` capability, and resolves no host but `localhost` and `127.0.0.1`, so
//! that a test contacts nothing beyond loopback. Popups stay blocked unless a user gesture (a
//! WebDriver click) opens them, as in a user's browser: the tests must prove that a click
//! opens them.
//!
//! Every wait is on a condition (an element, a text, a URL), polled by WebDriver's rules and
//! bounded by [`TIMEOUT`]; the bound only turns a hang into a failure.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::wd::WindowHandle;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use url::Url;

/// How long a wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// How often a wait checks its condition again (fantoccini's `Wait::every`).
const POLL: Duration = Duration::from_millis(50);

/// The line chromedriver prints once it listens (followed by ` on port N.`).
const READY: &str = "ChromeDriver was started successfully";

const MISSING: &str = "the browser tests need Chromium and chromedriver: install Debian's \
     packages with `sudo apt-get install chromium chromium-driver` (`cargo xtask test` does so \
     when run as root), or point CHROMIUM and CHROMEDRIVER at other builds";

/// A headless Chromium and the chromedriver driving it; dropping it ends both and removes the
/// profile.
#[derive(Debug)]
pub struct Browser {
    client: Client,
    // Held for its drop, which ends the session and chromedriver; after `client`, as fields
    // drop in order.
    _driver: Driver,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and a headless Chromium session in it.
    ///
    /// # Panics
    ///
    /// When Chromium or chromedriver is missing (the message names the Debian packages and
    /// the variables), or when either fails to start (the message holds chromedriver's log).
    pub async fn start() -> Browser {
        let chromedriver = program("CHROMEDRIVER", "chromedriver");
        let chromium = program("CHROMIUM", "chromium");
        let driver = Driver::spawn(&chromedriver);
        let port = driver.port();
        let profile = driver.dir.join("profile");
        let capabilities = json!({
            "browserName": "chrome",
            // The sandbox's CA is made afresh at each start: trust it without installing it.
            "acceptInsecureCerts": true,
            // A page that never loads fails the command (WebDriver's default is 300 s).
            "timeouts": { "pageLoad": TIMEOUT.as_millis(), "script": TIMEOUT.as_millis() },
            "goog:chromeOptions": {
                "binary": chromium,
                // chromedriver adds --disable-popup-blocking by default; without it, a popup
                // opens only from a user gesture, as in a user's browser.
                "excludeSwitches": ["disable-popup-blocking"],
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-default-apps",
                    // No host resolves but loopback's (the rule covers IP literals too):
                    // whatever Chromium would fetch on its own fails instead of leaving the
                    // machine. (--disable-crashpad-for-testing is not here: with it, Chromium
                    // 156's network service crashes on an "FD ownership violation".)
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                    format!("--user-data-dir={}", profile.display()),
                    "--window-size=1280,900",
                ],
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("json!({{...}}) is an object")
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match client {
            Ok(client) => Browser {
                client,
                _driver: driver,
            },
            Err(e) => panic!(
                "chromedriver could not start {}: {e}\n{}",
                chromium.display(),
                driver.log()
            ),
        }
    }

    /// Opens `url` and waits for its load.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
    }

    /// The address of the current page.
    pub async fn current_url(&self) -> Url {
        self.client
            .current_url()
            .await
            .unwrap_or_else(|e| panic!("reading the current URL: {e}"))
    }

    /// Clicks the first element matching `css` once it is there (a user gesture: it may open a
    /// popup).
    pub async fn click(&self, css: &str) {
        let element = self.wait_for(css).await;
        if let Err(e) = element.click().await {
            panic!("clicking {css:?} on {}: {e}", self.current_url().await);
        }
    }

    /// The first element matching `css`, once there is one.
    pub async fn wait_for(&self, css: &str) -> Element {
        let found = self
            .client
            .wait()
            .at_most(TIMEOUT)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(element) => element,
            Err(e) => self.fail(&format!("waiting for {css:?}"), e).await,
        }
    }

    /// The first element matching `css` whose text holds `text`, once there is one.
    pub async fn wait_for_text(&self, css: &str, text: &str) -> Element {
        let what = format!("waiting for {css:?} holding {text:?}");
        let client = &self.client;
        self.until(&what, move || async move {
            for element in client.find_all(Locator::Css(css)).await? {
                match element.text().await {
                    Ok(found) if found.contains(text) => return Ok(Some(element)),
                    Ok(_) => {}
                    // The page navigated between finding the element and reading it (a form
                    // posted, a redirect followed): the next poll looks at the new page.
                    Err(e) if e.is_stale_element_reference() => return Ok(None),
                    Err(e) => return Err(e),
                }
            }
            Ok(None)
        })
        .await
    }

    /// The current URL, once `accept` takes it.
    pub async fn wait_for_url(&self, accept: impl Fn(&Url) -> bool) -> Url {
        let (client, accept) = (&self.client, &accept);
        self.until("waiting for a URL", move || async move {
            let url = client.current_url().await?;
            Ok(accept(&url).then_some(url))
        })
        .await
    }

    /// The text of the first element matching `css`, once there is one.
    pub async fn text(&self, css: &str) -> String {
        let element = self.wait_for(css).await;
        element
            .text()
            .await
            .unwrap_or_else(|e| panic!("reading the text of {css:?}: {e}"))
    }

    /// Writes the viewport as PNG into `target/screenshots/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("taking screenshot {name}: {e}"));
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        path
    }

    /// Resizes the window to `px` wide, keeping its height.
    pub async fn set_width(&self, px: u32) {
        let resized = async {
            let (_, height) = self.client.get_window_size().await?;
            let height = u32::try_from(height).expect("a window height in pixels fits in u32");
            self.client.set_window_size(px, height).await
        };
        resized
            .await
            .unwrap_or_else(|e| panic!("resizing the window to {px} px: {e}"));
    }

    /// The open windows (tabs and popups), in the order WebDriver reports them.
    pub async fn windows(&self) -> Vec<WindowHandle> {
        self.client
            .windows()
            .await
            .unwrap_or_else(|e| panic!("listing the windows: {e}"))
    }

    /// The window the next commands go to.
    pub async fn window(&self) -> WindowHandle {
        self.client
            .window()
            .await
            .unwrap_or_else(|e| panic!("reading the current window: {e}"))
    }

    /// A window other than the current one, once there is one (the popup a click opened).
    pub async fn wait_for_popup(&self) -> WindowHandle {
        let current = self.window().await;
        let (client, current) = (&self.client, &current);
        self.until("waiting for a popup", move || async move {
            let windows = client.windows().await?;
            Ok(windows.into_iter().find(|w| w != current))
        })
        .await
    }

    /// Sends the next commands to `window` (a popup from [`Browser::windows`], or back).
    pub async fn switch_to_window(&self, window: WindowHandle) {
        self.client
            .switch_to_window(window)
            .await
            .unwrap_or_else(|e| panic!("switching windows: {e}"));
    }

    /// Runs `js` as a function body in the page (`return ...` gives the result).
    pub async fn execute(&self, js: &str) -> Value {
        self.client
            .execute(js, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("running {js:?}: {e}"))
    }

    /// Checks `ready` every [`POLL`] until it yields, as fantoccini's `Wait` does for elements.
    async fn until<T, F, Fut>(&self, what: &str, mut ready: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>, CmdError>>,
    {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            match ready().await {
                Ok(Some(value)) => return value,
                Ok(None) if tokio::time::Instant::now() < deadline => {
                    // The poll period of a condition wait, not a guess at how long to wait.
                    tokio::time::sleep(POLL).await;
                }
                Ok(None) => return self.fail(what, CmdError::WaitTimeout).await,
                Err(e) => return self.fail(what, e).await,
            }
        }
    }

    /// Fails the test, saying where the page was.
    async fn fail<T>(&self, what: &str, error: CmdError) -> T {
        let url = match self.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(e) => format!("(unknown: {e})"),
        };
        panic!("{what}: {error} (on {url})");
    }
}

/// chromedriver, its log and Chromium's profile, in one temporary folder.
#[derive(Debug)]
struct Driver {
    child: Option<Child>,
    port: Option<u16>,
    dir: PathBuf,
}

impl Driver {
    /// Starts chromedriver on a port of its choosing and returns once it listens, i.e. once it
    /// printed its readiness line (the line carries the port).
    fn spawn(chromedriver: &Path) -> Driver {
        let dir = temp_dir();
        let log_path = dir.join("chromedriver.log");
        let log = File::create(&log_path)
            .unwrap_or_else(|e| panic!("creating {}: {e}", log_path.display()));
        // Chromium writes outside its profile too (crashpad's database in ~/.config, an NSS
        // store in ~/.pki): a HOME in the folder keeps that out of the user's.
        let home = dir.join("home");
        std::fs::create_dir(&home).unwrap_or_else(|e| panic!("creating {}: {e}", home.display()));
        let spawned = Command::new(chromedriver)
            .arg("--port=0")
            .env("HOME", &home)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_CACHE_HOME")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                panic!("starting {}: {e}\n{MISSING}", chromedriver.display());
            }
        };
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut driver = Driver {
            child: Some(child),
            port: None,
            dir,
        };
        // A thread reads the lines, so that a silent chromedriver fails after TIMEOUT instead
        // of hanging; it goes on draining stdout until chromedriver exits.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref().map_while(Result::ok) {
                if line.contains(READY) {
                    let _ = tx.send(line);
                    break;
                }
            }
            lines.for_each(drop);
        });
        match rx.recv_timeout(TIMEOUT) {
            Ok(line) => match port_of(&line) {
                Some(port) => driver.port = Some(port),
                None => panic!(
                    "chromedriver did not say its port ({line:?}): it needs to be a version \
                     that reports the port it chose for --port=0"
                ),
            },
            Err(e) => panic!(
                "chromedriver did not print {READY:?} ({e})\n{}",
                driver.log()
            ),
        }
        driver
    }

    fn port(&self) -> u16 {
        self.port.expect("spawn sets the port before returning")
    }

    /// chromedriver's log so far (its stderr, with Chromium's).
    fn log(&self) -> String {
        let text = std::fs::read_to_string(self.dir.join("chromedriver.log")).unwrap_or_default();
        format!("chromedriver's log:\n{text}")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        // chromedriver's /shutdown quits every session (Chromium closes, and chromedriver
        // reaps it), then chromedriver exits; killing is the fallback when it does not answer.
        let asked = self.port.is_some_and(|port| shutdown(port).is_ok());
        if !asked {
            kill_children(child.id());
            let _ = child.kill();
        }
        let pid = child.id();
        let (tx, rx) = mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        if rx.recv_timeout(TIMEOUT).is_err() {
            kill_children(pid);
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        let _ = waiter.join();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `GET /shutdown` to chromedriver, waiting for its answer.
fn shutdown(port: u16) -> std::io::Result<()> {
    let mut tcp = TcpStream::connect(("127.0.0.1", port))?;
    tcp.set_read_timeout(Some(TIMEOUT))?;
    tcp.set_write_timeout(Some(TIMEOUT))?;
    write!(
        tcp,
        "GET /shutdown HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nconnection: close\r\n\r\n"
    )?;
    // The status line is enough; chromedriver may keep the connection open after it.
    let mut status = String::new();
    BufReader::new(tcp).read_line(&mut status)?;
    if status.starts_with("HTTP/1.1 200") {
        Ok(())
    } else {
        Err(std::io::Error::other("chromedriver refused /shutdown"))
    }
}

/// Kills the processes chromedriver started (Chromium's browser process), by their ids.
fn kill_children(pid: u32) {
    let list = format!("/proc/{pid}/task/{pid}/children");
    let children = std::fs::read_to_string(list).unwrap_or_default();
    let ids: Vec<&str> = children.split_whitespace().collect();
    if !ids.is_empty() {
        let _ = Command::new("kill").arg("-KILL").args(&ids).status();
    }
}

/// The port in chromedriver's readiness line, `... started successfully on port 41234.`
fn port_of(line: &str) -> Option<u16> {
    let (_, rest) = line.split_once(" on port ")?;
    rest.trim_end_matches('.').trim().parse().ok()
}

/// `$VAR` if set, else `/usr/bin/<name>`, else the first `<name>` on `PATH`.
fn program(var: &str, name: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(var).map(PathBuf::from) {
        assert!(
            path.is_file(),
            "{var}={} is not a file; {MISSING}",
            path.display()
        );
        return path;
    }
    let usr_bin = Path::new("/usr/bin").join(name);
    if usr_bin.is_file() {
        return usr_bin;
    }
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| panic!("{name} is not in /usr/bin nor on PATH; {MISSING}"))
}

/// A fresh folder for one browser, under the system's temporary folder.
fn temp_dir() -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let base = std::env::temp_dir();
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = base.join(format!("trello-auth-browser-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return dir,
            // Left by an earlier process that had the same id.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => panic!("creating {}: {e}", dir.display()),
        }
    }
}

/// `target/screenshots`: under `CARGO_TARGET_DIR` when set (relative to the workspace root
/// when relative), else the workspace's `target`.
fn screenshot_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives one level below the workspace root");
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    };
    target.join("screenshots")
}
