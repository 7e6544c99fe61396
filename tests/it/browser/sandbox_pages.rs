//! The sandbox's consent page in a real browser (SPEC S1, display mode): Allow shows a token
//! that the API then accepts, Deny says the request was rejected. Elements are found by the
//! page's contract (one `form`, `[name=approve]` buttons, the token in a `<pre>`), not by its
//! styling.

use trello_auth_core::parse_pasted_token;
use trello_auth_core::token::TokenInfo;
use trello_auth_core::{ApiKey, Credentials, Origin, Token};
use trello_auth_sandbox::Sandbox;

use super::Browser;

const ALLOW: &str = "form [name=approve][value=Allow]";
const DENY: &str = "form [name=approve][value=Deny]";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn display_mode_allow_shows_a_token_the_api_accepts() {
    let sb = tls_sandbox().await;
    let browser = Browser::start().await;
    browser.goto(&consent_url(&sb)).await;
    browser.wait_for(ALLOW).await;
    let page = browser.execute("return document.body.textContent").await;
    let page = page.as_str().unwrap_or_default();
    assert!(
        page.contains("Browser Test"),
        "the page names the app: {page}"
    );

    browser.set_width(1280).await;
    browser.screenshot("consent-1280").await;
    browser.set_width(400).await;
    browser.screenshot("consent-400").await;

    browser.click(ALLOW).await;
    let shown = browser.text("pre").await;
    let token = parse_pasted_token(&shown)
        .unwrap_or_else(|e| panic!("the page's <pre> holds a token, not {shown:?}: {e}"));
    let client = client(&sb, token);
    let member = client.me().await.expect("the sandbox accepts the token");
    assert_eq!(member.id, sb.member().id);
    let info: TokenInfo = client
        .token_info()
        .await
        .expect("the token describes itself");
    assert!(
        info.can_read() && info.can_write(),
        "scope read,write: {info:?}"
    );
    assert!(info.date_expires.is_some(), "expiration=1day: {info:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn display_mode_deny_says_the_request_was_rejected() {
    let sb = tls_sandbox().await;
    let browser = Browser::start().await;
    browser.goto(&consent_url(&sb)).await;
    browser.click(DENY).await;
    browser.wait_for_text("body", "rejected").await;
    let pre = browser
        .execute("return document.querySelectorAll('pre').length")
        .await;
    assert_eq!(pre, 0, "no token is shown after Deny");
}

/// The harness's premise for the popup flows: a click (a user gesture) opens a popup, a script
/// on its own cannot, as in a user's browser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_opens_the_consent_page_in_a_popup_and_a_script_alone_cannot() {
    let sb = tls_sandbox().await;
    let browser = Browser::start().await;
    let url = consent_url(&sb);
    let opener = format!(
        "data:text/html,<button onclick=\"window.open('{}', 'trello')\">Connect</button>",
        url.replace('&', "%26")
    );
    browser.goto(&opener).await;
    let opener_window = browser.window().await;

    let opened = browser
        .execute(&format!("return window.open('{url}', 'trello') !== null"))
        .await;
    assert_eq!(opened, false, "the popup blocker is on");
    assert_eq!(browser.windows().await.len(), 1);

    browser.click("button").await;
    let popup = browser.wait_for_popup().await;
    browser.switch_to_window(popup).await;
    browser.wait_for_url(|u| u.path() == "/1/authorize").await;
    browser.click(ALLOW).await;
    let shown = browser.text("pre").await;
    let token = parse_pasted_token(&shown).expect("the popup shows a token");
    let member = client(&sb, token)
        .me()
        .await
        .expect("the sandbox accepts it");
    assert_eq!(member.id, sb.member().id);
    browser.switch_to_window(opener_window).await;
    browser.wait_for("button").await;
}

async fn tls_sandbox() -> Sandbox {
    Sandbox::builder()
        .tls(true)
        .start()
        .await
        .expect("the sandbox starts")
}

/// The display-mode authorize URL for the sandbox's default app (SPEC S1.1).
fn consent_url(sb: &Sandbox) -> String {
    format!(
        "{}/1/authorize?key={}&response_type=token&scope=read,write&expiration=1day\
         &name=Browser%20Test",
        sb.auth_base(),
        sb.app().key
    )
}

/// A hyper client of the sandbox's API with `token`, trusting the sandbox's CA.
fn client(sb: &Sandbox, token: Token) -> trello_auth_hyper::Client {
    let api = Origin::parse(sb.api_base()).expect("the sandbox's base is an origin");
    let transport = trello_auth_hyper::HyperTransport::builder()
        .add_root_certificate_pem(sb.ca_pem().expect("a TLS sandbox has a CA"))
        .build()
        .expect("the transport builds");
    let key = ApiKey::new(&sb.app().key).expect("the sandbox's key is valid");
    trello_auth_hyper::Client::builder()
        .credentials(Credentials::new(key, token).with_api_base(api.clone()))
        .api_base(api)
        .transport(transport)
        .build()
}
