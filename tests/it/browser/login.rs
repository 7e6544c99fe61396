//! The login helper in a real browser (SPEC S1.3, S1.4, S6, S10): fragment Allow and Deny,
//! postMessage Allow, a closed popup and a foreign origin's message, a timeout and OAuth 1.0a's
//! callback, each through `trello_auth_login::Login` against the TLS sandbox. The pages' scripts
//! run under their own CSP here; the screenshots are what a user sees.

use std::net::TcpListener;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use trello_auth_core::{ApiKey, AppSecret, Origin, Scopes};
use trello_auth_login::{
    CredentialStore, Error, Event, Login, LoginMode, LoginResult, StoreChoice,
};
use trello_auth_sandbox::{App, Sandbox};

use super::Browser;

const ALLOW: &str = "form [name=approve][value=Allow]";
const DENY: &str = "form [name=approve][value=Deny]";

/// A TLS sandbox whose app allows the listener's origin, and a login per [`Rig::start`].
struct Rig {
    sb: Sandbox,
    app: App,
    port: u16,
    listener: Option<TcpListener>,
    dir: tempfile::TempDir,
}

/// A login running on its own thread, and the URL it asked the user to open.
struct Running {
    url: String,
    done: JoinHandle<Result<LoginResult, Error>>,
}

impl Running {
    async fn result(self) -> Result<LoginResult, Error> {
        tokio::task::spawn_blocking(move || self.done.join().expect("the login thread"))
            .await
            .expect("joined")
    }
}

impl Rig {
    async fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let app = App::generate("Browser Login")
            .with_allowed_origins([format!("http://127.0.0.1:{port}")]);
        let sb = Sandbox::builder()
            .tls(true)
            .app(app.clone())
            .start()
            .await
            .unwrap();
        Self {
            sb,
            app,
            port,
            listener: Some(listener),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Starts a login in `mode` and waits until it says which URL to open.
    async fn start(&mut self, mode: LoginMode, configure: impl FnOnce(Login) -> Login) -> Running {
        let (tx, rx) = mpsc::channel();
        let mut login = Login::new(ApiKey::new(&self.app.key).unwrap())
            .mode(mode)
            .name("Browser Login")
            .auth_base(Origin::parse(self.sb.auth_base()).unwrap())
            .api_base(Origin::parse(self.sb.api_base()).unwrap())
            .ca_pem(self.sb.ca_pem().unwrap())
            .scopes(Scopes::READ | Scopes::WRITE)
            .port(self.port)
            .open_browser(false)
            .timeout(Duration::from_secs(60))
            .store(
                CredentialStore::with_dir(self.dir.path(), StoreChoice::File).without_environment(),
            )
            .on_event(move |event| {
                if let Event::OpenUrl { url, .. } = event {
                    let _ = tx.send(url.to_string());
                }
            });
        if let Some(listener) = self.listener.take() {
            login = login.listener(listener);
        }
        let login = configure(login);
        let done = std::thread::spawn(move || login.run_blocking());
        let url = tokio::task::spawn_blocking(move || rx.recv())
            .await
            .unwrap()
            .expect("the login shows a URL to open");
        Running { url, done }
    }
}

/// Waits until the listener's page shows `state` (its `main[data-current]`).
async fn wait_state(browser: &Browser, state: &str) {
    browser
        .wait_for(&format!("main[data-current={state}]"))
        .await;
    let visible = browser
        .execute(&format!(
            "return !document.querySelector('section[data-state={state}]').hidden"
        ))
        .await;
    assert_eq!(visible, true, "the {state} section is shown");
}

async fn screenshots(browser: &Browser, name: &str) {
    for width in [1280, 400] {
        browser.set_width(width).await;
        browser.screenshot(&format!("{name}-{width}")).await;
    }
    browser.set_width(1280).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragment_allow_twenty_times() {
    let mut rig = Rig::new().await;
    let browser = Browser::start().await;
    let mut took = Vec::new();
    for run in 0..20 {
        let login = rig.start(LoginMode::Fragment, |l| l).await;
        browser.goto(&login.url).await;
        browser.wait_for(ALLOW).await;
        if run == 0 {
            // A stray request and a foreign Host do not end the flow (SPEC S10).
            let stray = ureq_get(rig.port, "/favicon.ico", None);
            assert_eq!(stray, 404);
            assert_eq!(ureq_get(rig.port, "/", Some("evil.example")), 421);
        }
        let pressed = Instant::now();
        browser.click(ALLOW).await;
        let result = login.result().await.expect("the login succeeds");
        took.push(pressed.elapsed());
        assert_eq!(result.member.id, rig.sb.member().id);
        wait_state(&browser, "success").await;
        // The relay page took the token out of the address bar (SPEC S10).
        let url = browser.current_url().await;
        assert_eq!(url.fragment(), None, "{url}");
        if run == 0 {
            screenshots(&browser, "login-success").await;
        }
    }
    took.sort();
    let median = (took[9] + took[10]) / 2;
    println!(
        "login: Allow -> logged in, median of {} runs in Chromium: {:.1} ms (min {:.1}, max {:.1})",
        took.len(),
        median.as_secs_f64() * 1e3,
        took[0].as_secs_f64() * 1e3,
        took[took.len() - 1].as_secs_f64() * 1e3,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragment_deny() {
    let mut rig = Rig::new().await;
    let browser = Browser::start().await;
    let login = rig.start(LoginMode::Fragment, |l| l).await;
    browser.goto(&login.url).await;
    browser.click(DENY).await;
    wait_state(&browser, "denied").await;
    screenshots(&browser, "login-denied").await;
    let error = login.result().await.unwrap_err();
    assert!(matches!(error, Error::Denied { .. }), "{error:?}");
}

/// Opens the listener's page, presses its button and returns (main window, popup).
async fn open_popup(
    browser: &Browser,
    url: &str,
) -> (fantoccini::wd::WindowHandle, fantoccini::wd::WindowHandle) {
    browser.goto(url).await;
    wait_state(browser, "ready").await;
    let main = browser.window().await;
    browser.click("button[data-action=open]").await;
    let popup = browser.wait_for_popup().await;
    (main, popup)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_message_allow() {
    let mut rig = Rig::new().await;
    let browser = Browser::start().await;
    let login = rig.start(LoginMode::PostMessage, |l| l).await;
    browser.goto(&login.url).await;
    wait_state(&browser, "ready").await;
    screenshots(&browser, "login-opener").await;
    let (main, popup) = open_popup(&browser, &login.url).await;
    browser.switch_to_window(popup).await;
    browser.click(ALLOW).await;
    browser.switch_to_window(main).await;
    wait_state(&browser, "success").await;
    let result = login.result().await.expect("the login succeeds");
    assert_eq!(result.member.id, rig.sb.member().id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_message_closed_popup() {
    let mut rig = Rig::new().await;
    let browser = Browser::start().await;
    let login = rig.start(LoginMode::PostMessage, |l| l).await;
    let (main, popup) = open_popup(&browser, &login.url).await;
    browser.switch_to_window(popup).await;
    browser.wait_for(ALLOW).await;
    browser.execute("window.close()").await;
    browser.switch_to_window(main).await;
    wait_state(&browser, "closed").await;
    screenshots(&browser, "login-closed").await;
    let error = login.result().await.unwrap_err();
    assert!(matches!(error, Error::Closed), "{error:?}");
    assert_eq!(error.exit_code(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_message_from_a_foreign_origin_is_ignored() {
    let mut rig = Rig::new().await;
    let browser = Browser::start().await;
    let login = rig.start(LoginMode::PostMessage, |l| l).await;
    let (main, popup) = open_popup(&browser, &login.url).await;
    let authorize = browser
        .execute("return document.querySelector('main').getAttribute('data-authorize-url')")
        .await;
    let authorize = authorize.as_str().unwrap().to_owned();
    browser.switch_to_window(popup).await;
    browser.wait_for(ALLOW).await;
    // The popup goes to another origin (the sandbox's storage server) and posts a forged token.
    browser.goto(&format!("{}/", rig.sb.storage_base())).await;
    let forged = format!("ATTA{}FORGED00", "f".repeat(64));
    browser
        .execute(&format!(
            "window.opener.postMessage({forged:?}, '*'); return true"
        ))
        .await;
    // The opener saw it and ignored it: it still waits.
    browser.switch_to_window(main.clone()).await;
    browser.wait_for("main[data-ignored='1']").await;
    wait_state(&browser, "waiting").await;
    // Back on Trello's origin, the user presses Allow: that token, not the forged one, counts.
    browser
        .switch_to_window(popup_again(&browser, &main).await)
        .await;
    browser.goto(&authorize).await;
    browser.click(ALLOW).await;
    browser.switch_to_window(main).await;
    wait_state(&browser, "success").await;
    let result = login.result().await.expect("the login succeeds");
    assert_ne!(result.credentials.token().expose_secret(), forged);
    assert_eq!(result.member.id, rig.sb.member().id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_nobody_finishes_times_out() {
    let mut rig = Rig::new().await;
    let browser = Browser::start().await;
    let login = rig
        .start(LoginMode::Fragment, |l| l.timeout(Duration::from_secs(1)))
        .await;
    browser.goto(&login.url).await;
    browser.wait_for(ALLOW).await;
    let error = login.result().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(error.exit_code(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth1_callback() {
    let mut rig = Rig::new().await;
    let secret = AppSecret::new(rig.app.secret.clone()).unwrap();
    let browser = Browser::start().await;
    let login = rig.start(LoginMode::OAuth1, |l| l.app_secret(secret)).await;
    browser.goto(&login.url).await;
    browser.click(ALLOW).await;
    wait_state(&browser, "success").await;
    screenshots(&browser, "login-oauth1-success").await;
    let result = login.result().await.expect("the login succeeds");
    assert_eq!(result.member.id, rig.sb.member().id);
}

/// The window that is not `main`.
async fn popup_again(
    browser: &Browser,
    main: &fantoccini::wd::WindowHandle,
) -> fantoccini::wd::WindowHandle {
    browser
        .windows()
        .await
        .into_iter()
        .find(|w| w != main)
        .expect("the popup is still open")
}

/// A plain `GET path` to the listener with `host` (default: its own), and the status.
fn ureq_get(port: u16, path: &str, host: Option<&str>) -> u16 {
    use std::io::{Read, Write};
    let mut tcp = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let host = host.map_or(format!("127.0.0.1:{port}"), str::to_owned);
    write!(
        tcp,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).unwrap();
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}
