//! `trello-auth login --sandbox` in headless Chromium, as a person would try it: the embedded
//! sandbox's consent page, Allow or Deny, the loopback page, and the command's exit code.

use trello_auth_tests::chromium::Browser;

use crate::harness::Cli;

/// A free loopback port for the command's listener (it binds the port itself).
fn free_port() -> String {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_sandbox_allow_in_chromium() {
    let cli = Cli::new();
    let port = free_port();
    let started = cli.start(&[
        "login",
        "--sandbox",
        "--port",
        &port,
        "--json",
        "--name",
        "Try It",
    ]);
    assert!(
        started.url.starts_with("https://127.0.0.1:"),
        "{}",
        started.url
    );
    let browser = Browser::start().await;
    browser.goto(&started.url).await;
    browser.click("form [name=approve][value=Allow]").await;
    browser.wait_for("main[data-current=success]").await;
    let out = tokio::task::spawn_blocking(move || started.finish())
        .await
        .unwrap();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let value: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(value["sandbox"], true);
    assert_eq!(value["member"]["username"], "sandboxuser");
    assert!(
        out.stderr.contains("Started a sandbox Trello"),
        "{}",
        out.stderr
    );
    assert!(out
        .stderr
        .contains("Waiting for you to approve in the browser... Ctrl-C to cancel"));
    // The sandbox login never touches the user's store.
    assert!(std::fs::read_dir(cli.config_dir()).map_or(true, |mut d| d.next().is_none()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_sandbox_deny_exits_3() {
    let cli = Cli::new();
    let port = free_port();
    let started = cli.start(&["login", "--sandbox", "--port", &port]);
    let browser = Browser::start().await;
    browser.goto(&started.url).await;
    browser.click("form [name=approve][value=Deny]").await;
    browser.wait_for("main[data-current=denied]").await;
    let out = tokio::task::spawn_blocking(move || started.finish())
        .await
        .unwrap();
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("access was not granted"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_sandbox_post_message_in_chromium() {
    let cli = Cli::new();
    let port = free_port();
    let started = cli.start(&[
        "login",
        "--sandbox",
        "--port",
        &port,
        "--mode",
        "postmessage",
    ]);
    assert!(
        started.url.starts_with("http://127.0.0.1:"),
        "the opener page: {}",
        started.url
    );
    let browser = Browser::start().await;
    browser.goto(&started.url).await;
    let main = browser.window().await;
    browser.click("button[data-action=open]").await;
    let popup = browser.wait_for_popup().await;
    browser.switch_to_window(popup).await;
    browser.click("form [name=approve][value=Allow]").await;
    browser.switch_to_window(main).await;
    browser.wait_for("main[data-current=success]").await;
    let out = tokio::task::spawn_blocking(move || started.finish())
        .await
        .unwrap();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("Logged in as sandboxuser"),
        "{}",
        out.stdout
    );
}
