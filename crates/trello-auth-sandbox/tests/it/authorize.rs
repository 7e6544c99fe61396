//! The authorize route and consent page (SPEC S1), delivery by display, fragment and
//! postMessage, deny (SPEC S1.4), allowed origins (SPEC S7) and the anti-forgery value.

use trello_auth_sandbox::consent::ConsentForm;
use trello_auth_sandbox::{App, Sandbox};

use crate::client::{Req, Resp};
use crate::{sandbox, send};

/// Submits the consent form with `button` (`Allow` or `Deny`), as a browser would.
pub async fn submit(sb: &Sandbox, page: &Resp, button: &str) -> Resp {
    assert_eq!(page.status, 200, "{}", page.body);
    let form = ConsentForm::parse(&page.body).expect("a consent form");
    let (action, body) = form.submission(button).expect("the button");
    send(sb, Req::new("POST", action).form(&body)).await
}

fn authorize_target(sb: &Sandbox, extra: &str) -> String {
    format!(
        "/1/authorize?key={}&response_type=token&scope=read,write&expiration=1day&name=My%20App{extra}",
        sb.app().key
    )
}

#[tokio::test]
async fn consent_page_shows_app_scopes_expiry_and_one_form() {
    // SPEC S1.2; issue point 3.
    let sb = sandbox().await;
    let page = send(&sb, Req::get(authorize_target(&sb, ""))).await;
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let b = &page.body;
    assert!(b.contains("My App"));
    assert!(b.contains("data-scope=\"read\"") && b.contains("data-scope=\"write\""));
    assert!(!b.contains("data-scope=\"account\""));
    assert!(b.contains("1 day"));
    assert_eq!(b.matches("<form").count(), 1);
    assert!(b.contains("<form method=\"post\" action=\"/1/token/approve\">"));
    assert!(b.contains("name=\"approve\" value=\"Allow\""));
    assert!(b.contains("name=\"approve\" value=\"Deny\""));
    // Self-contained: inline styles only, nothing else may load (SPEC S1 pages are ours).
    assert_eq!(
        page.header("content-security-policy"),
        Some("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let form = ConsentForm::parse(b).unwrap();
    assert_eq!(form.buttons(), ["Allow", "Deny"]);
    let fields = form.fields();
    assert!(fields.iter().any(|(n, _)| n == "requestKey"));
    assert!(fields.iter().any(|(n, v)| n == "key" && v == &sb.app().key));
}

#[tokio::test]
async fn display_mode_shows_the_token_in_the_first_pre() {
    // SPEC S1.3 display.
    let sb = sandbox().await;
    let page = send(&sb, Req::get(authorize_target(&sb, ""))).await;
    let done = submit(&sb, &page, "Allow").await;
    assert_eq!(done.status, 200);
    let token = done.first_pre();
    assert!(token.starts_with("ATTA") && token.len() == 76, "{token}");
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, &token)).await;
    assert_eq!(r.status, 200);
    // The granted scope and expiration are the requested ones.
    let info = send(
        &sb,
        Req::get(format!("/1/tokens/{token}")).auth(&sb.app().key, &token),
    )
    .await
    .json();
    assert_eq!(info["permissions"][0]["write"], true);
    assert!(info["dateExpires"].is_string());
}

#[tokio::test]
async fn fragment_mode_redirects_with_the_token() {
    // SPEC S1.3 fragment: exactly `#token=<token>`.
    let sb = sandbox().await;
    let page = send(
        &sb,
        Req::get(authorize_target(
            &sb,
            "&callback_method=fragment&return_url=http%3A%2F%2Flocalhost%3A8080%2Fcb",
        )),
    )
    .await;
    let done = submit(&sb, &page, "Allow").await;
    assert_eq!(done.status, 302);
    let location = done.header("location").unwrap();
    let token = location
        .strip_prefix("http://localhost:8080/cb#token=")
        .unwrap_or_else(|| panic!("{location}"));
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, token)).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn fragment_deny_carries_an_empty_token_and_the_error() {
    // SPEC S1.4
    let sb = sandbox().await;
    let page = send(
        &sb,
        Req::get(authorize_target(
            &sb,
            "&callback_method=fragment&return_url=http%3A%2F%2F127.0.0.1%3A8080%2Fcb",
        )),
    )
    .await;
    let done = submit(&sb, &page, "Deny").await;
    assert_eq!(done.status, 302);
    assert_eq!(
        done.header("location"),
        Some("http://127.0.0.1:8080/cb#token=&error=Token%20request%20rejected")
    );
}

#[tokio::test]
async fn post_message_mode_posts_the_bare_token_to_the_return_url_origin() {
    // SPEC S1.3 postMessage.
    let sb = sandbox().await;
    let page = send(
        &sb,
        Req::get(authorize_target(
            &sb,
            "&callback_method=postMessage&return_url=http%3A%2F%2Flocalhost%3A8080%2Fcb%3Fx%3D1",
        )),
    )
    .await;
    let done = submit(&sb, &page, "Allow").await;
    assert_eq!(done.status, 200);
    let start = done
        .body
        .find("window.opener.postMessage(\"")
        .expect("postMessage call")
        + 27;
    let end = done.body[start..].find('"').unwrap() + start;
    let token = &done.body[start..end];
    assert!(token.starts_with("ATTA"));
    assert!(
        done.body[end..].starts_with("\", \"http://localhost:8080\")"),
        "{}",
        done.body
    );
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, token)).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn post_message_deny_posts_an_error_object() {
    // SPEC S1.4
    let sb = sandbox().await;
    let page = send(
        &sb,
        Req::get(authorize_target(
            &sb,
            "&callback_method=postMessage&return_url=http%3A%2F%2Flocalhost%3A8080%2Fcb",
        )),
    )
    .await;
    let done = submit(&sb, &page, "Deny").await;
    assert!(
        done.body
            .contains("window.opener.postMessage({\"error\":\"Token request rejected\"}, \"http://localhost:8080\")"),
        "{}",
        done.body
    );
}

#[tokio::test]
async fn return_url_outside_the_allowed_origins_gets_trellos_error_page() {
    // SPEC S7: scheme, host and port must match.
    let sb = sandbox().await;
    for url in [
        "http%3A%2F%2Flocalhost%3A8081%2Fcb",
        "https%3A%2F%2Flocalhost%3A8080%2Fcb",
        "http%3A%2F%2Fevil.example%2Fcb",
    ] {
        let r = send(
            &sb,
            Req::get(authorize_target(
                &sb,
                &format!("&callback_method=fragment&return_url={url}"),
            )),
        )
        .await;
        assert_eq!(r.status, 400, "{url}");
        assert!(r.body.contains(
            "Invalid return_url. The return URL should match the application&#39;s allowed origins. Contact the developer."
        ), "{}", r.body);
    }
}

#[tokio::test]
async fn wildcard_origins_and_apps_without_origins() {
    // SPEC S7: `https://*.example.com` allowed; no origins refuses every redirect; bare `*`
    // refused at registration.
    let sb = sandbox().await;
    let wild = App::generate("Wild").with_allowed_origins(["https://*.example.com"]);
    sb.admin().register_app(wild.clone()).unwrap();
    let none = App::generate("None").with_allowed_origins(Vec::<String>::new());
    sb.admin().register_app(none.clone()).unwrap();
    let bare = App::generate("Bare").with_allowed_origins(["*"]);
    let err = sb.admin().register_app(bare).unwrap_err().to_string();
    assert!(err.contains("Wildcard"), "{err}");
    let target = |key: &str, url: &str| {
        format!("/1/authorize?key={key}&callback_method=fragment&return_url={url}")
    };
    let r = send(
        &sb,
        Req::get(target(&wild.key, "https%3A%2F%2Fa.example.com%2Fcb")),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = send(
        &sb,
        Req::get(target(&wild.key, "https%3A%2F%2Fexample.com%2Fcb")),
    )
    .await;
    assert_eq!(r.status, 400);
    let r = send(
        &sb,
        Req::get(target(&none.key, "http%3A%2F%2Flocalhost%3A8080%2Fcb")),
    )
    .await;
    assert_eq!(r.status, 400);
    // Through the HTTP admin API, a bare `*` is refused too.
    let r = send(
        &sb,
        Req::new("POST", "/__sandbox/apps")
            .json(&serde_json::json!({ "name": "x", "allowed_origins": ["*"] })),
    )
    .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn bad_key_and_bad_parameters_get_the_error_page() {
    let sb = sandbox().await;
    let r = send(
        &sb,
        Req::get("/1/authorize?key=0123456789abcdef0123456789abcdef"),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Invalid API key"));
    let r = send(
        &sb,
        Req::get(format!("/1/authorize?key={}&scope=admin", sb.app().key)),
    )
    .await;
    assert_eq!(r.status, 400);
    let r = send(
        &sb,
        Req::get(format!(
            "/1/authorize?key={}&callback_method=fragment",
            sb.app().key
        )),
    )
    .await;
    assert_eq!(r.status, 400, "unpaired callback_method");
}

#[tokio::test]
async fn the_anti_forgery_value_is_single_use_and_required() {
    // Issue point 3: the form posts carry a per-request anti-forgery value.
    let sb = sandbox().await;
    let page = send(&sb, Req::get(authorize_target(&sb, ""))).await;
    let first = submit(&sb, &page, "Allow").await;
    assert_eq!(first.status, 200);
    let replay = submit(&sb, &page, "Allow").await;
    assert_eq!(replay.status, 403);
    let forged = send(
        &sb,
        Req::new("POST", "/1/token/approve").form(&format!(
            "key={}&scope=read&expiration=never&approve=Allow",
            sb.app().key
        )),
    )
    .await;
    assert_eq!(forged.status, 403);
    // Altering a hidden field (widening the scope) is refused.
    let page = send(
        &sb,
        Req::get(authorize_target(&sb, "").replace("read,write", "read")),
    )
    .await;
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (n, v) in ConsentForm::parse(&page.body).unwrap().fields() {
        let v = if n == "scope" {
            "read,write,account"
        } else {
            v
        };
        form.append_pair(n, v);
    }
    form.append_pair("approve", "Allow");
    let r = send(
        &sb,
        Req::new("POST", "/1/token/approve").form(&form.finish()),
    )
    .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn deny_in_display_mode_shows_the_rejection() {
    let sb = sandbox().await;
    let page = send(&sb, Req::get(authorize_target(&sb, ""))).await;
    let r = submit(&sb, &page, "Deny").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Token request rejected"));
    assert!(!r.body.contains("<pre>"));
}
