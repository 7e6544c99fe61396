//! The OAuth 2.0 login in a real browser (SPEC S8.2, S8.3, S10): `OAuth2Login` against the TLS
//! sandbox, Chromium pressing Allow (or Deny) on its `/authorize` consent page and landing on
//! the listener's result page at `/callback`. The screenshots are what a user sees.

use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use trello_auth_core::oauth2::ClientSecret;
use trello_auth_core::Origin;
use trello_auth_login::{
    CredentialStore, Error, Event, OAuth2Login, OAuth2LoginResult, StoreChoice,
};
use trello_auth_sandbox::Sandbox;

use super::Browser;

const ALLOW: &str = "form [name=approve][value=Allow]";
const DENY: &str = "form [name=approve][value=Deny]";

/// Starts an OAuth 2.0 login of the sandbox's confidential client on a free port; the URL to
/// open and the login's thread.
async fn start(
    sb: &Sandbox,
    listener: TcpListener,
    dir: &std::path::Path,
) -> (
    String,
    std::thread::JoinHandle<Result<OAuth2LoginResult, Error>>,
) {
    let (tx, rx) = mpsc::channel();
    let login = OAuth2Login::new(sb.oauth2().client_id.clone())
        .unwrap()
        .client_secret(ClientSecret::new(sb.oauth2().client_secret.clone()).unwrap())
        .auth_base(Origin::parse(sb.auth_base()).unwrap())
        .api_base(Origin::parse(sb.api_base()).unwrap())
        .ca_pem(sb.ca_pem().unwrap())
        .listener(listener)
        .open_browser(false)
        .timeout(Duration::from_secs(60))
        .store(CredentialStore::with_dir(dir, StoreChoice::File).without_environment())
        .on_event(move |event| {
            if let Event::OpenUrl { url, .. } = event {
                let _ = tx.send(url.to_string());
            }
        });
    let done = std::thread::spawn(move || login.run_blocking());
    let url = tokio::task::spawn_blocking(move || rx.recv())
        .await
        .unwrap()
        .expect("the login shows a URL to open");
    (url, done)
}

async fn sandbox_for(listener: &TcpListener) -> Sandbox {
    let port = listener.local_addr().unwrap().port();
    Sandbox::builder()
        .tls(true)
        .oauth2_redirect_uris([format!("http://127.0.0.1:{port}/callback")])
        .start()
        .await
        .unwrap()
}

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
async fn oauth2_allow_lands_on_the_success_page() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let sb = sandbox_for(&listener).await;
    let dir = tempfile::tempdir().unwrap();
    let browser = Browser::start().await;
    let (url, done) = start(&sb, listener, dir.path()).await;
    browser.goto(&url).await;
    browser.wait_for(ALLOW).await;
    screenshots(&browser, "oauth2-consent").await;
    browser.click(ALLOW).await;
    wait_state(&browser, "success").await;
    let at = browser.current_url().await;
    assert_eq!(at.path(), "/callback", "{at}");
    screenshots(&browser, "oauth2-success").await;
    let result = tokio::task::spawn_blocking(move || done.join().expect("the login thread"))
        .await
        .unwrap()
        .expect("the login succeeds");
    assert_eq!(result.member.id, sb.member().id);
    assert!(result.tokens.refresh_token().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth2_deny_lands_on_the_denied_page() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let sb = sandbox_for(&listener).await;
    let dir = tempfile::tempdir().unwrap();
    let browser = Browser::start().await;
    let (url, done) = start(&sb, listener, dir.path()).await;
    browser.goto(&url).await;
    browser.click(DENY).await;
    wait_state(&browser, "denied").await;
    screenshots(&browser, "oauth2-denied").await;
    let error = tokio::task::spawn_blocking(move || done.join().expect("the login thread"))
        .await
        .unwrap()
        .unwrap_err();
    assert!(matches!(error, Error::Denied { .. }), "{error:?}");
    assert!(!dir.path().join("config.toml").exists());
}
