//! OAuth 1.0a (SPEC S6): the three legs with a callback and with `oob`, signed API calls,
//! and the refusals of RFC 5849 §3.2 (bad signature, unknown consumer, wrong secret, replayed
//! nonce, stale timestamp, PLAINTEXT).

use trello_auth_sandbox::{Placement, Sandbox};

use crate::authorize::submit;
use crate::client::{form_pairs, Req, Resp};
use crate::signer::{authorization, nonce, now, Creds};
use crate::{sandbox, send};

fn consumer(sb: &Sandbox) -> Creds {
    Creds {
        consumer_key: sb.app().key.clone(),
        consumer_secret: sb.app().secret.clone(),
        ..Creds::default()
    }
}

async fn signed(
    sb: &Sandbox,
    creds: &Creds,
    method: &'static str,
    target: &str,
    body: Option<&str>,
    extra: &[(&str, &str)],
) -> Resp {
    let url = format!("{}{target}", sb.api_base());
    let h = authorization(
        creds,
        method,
        &url,
        body,
        extra,
        "HMAC-SHA1",
        now(),
        &nonce(),
    );
    let mut req = Req::new(method, target).header("authorization", h);
    if let Some(b) = body {
        req = req.form(b);
    }
    send(sb, req).await
}

fn pair<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("{name} in {pairs:?}"))
}

/// Runs the three legs; returns (access token, access secret).
async fn three_legs(sb: &Sandbox, callback: &str) -> (String, String) {
    let c = consumer(sb);
    let r = signed(
        sb,
        &c,
        "POST",
        "/1/OAuthGetRequestToken",
        None,
        &[("oauth_callback", callback)],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rt = form_pairs(&r.body);
    assert_eq!(pair(&rt, "oauth_callback_confirmed"), "true");
    let (token, secret) = (
        pair(&rt, "oauth_token").to_owned(),
        pair(&rt, "oauth_token_secret").to_owned(),
    );
    let page = send(
        sb,
        Req::get(format!(
            "/1/OAuthAuthorizeToken?oauth_token={token}&name=Signer&scope=read,write&expiration=never"
        )),
    )
    .await;
    assert!(
        page.body.contains("name=\"approve\" value=\"Allow\""),
        "{}",
        page.body
    );
    let done = submit(sb, &page, "Allow").await;
    let verifier = if callback == "oob" {
        assert_eq!(done.status, 200);
        done.first_pre()
    } else {
        assert_eq!(done.status, 302, "{}", done.body);
        let location = url::Url::parse(done.header("location").unwrap()).unwrap();
        assert!(location.as_str().starts_with(callback));
        let q = form_pairs(location.query().unwrap());
        assert_eq!(pair(&q, "oauth_token"), token);
        pair(&q, "oauth_verifier").to_owned()
    };
    let with_rt = Creds {
        token: Some(token),
        token_secret: secret,
        ..c
    };
    let r = signed(
        sb,
        &with_rt,
        "POST",
        "/1/OAuthGetAccessToken",
        None,
        &[("oauth_verifier", &verifier)],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let at = form_pairs(&r.body);
    (
        pair(&at, "oauth_token").to_owned(),
        pair(&at, "oauth_token_secret").to_owned(),
    )
}

#[tokio::test]
async fn three_legged_flow_with_a_callback_then_signed_calls() {
    // SPEC S6
    let sb = sandbox().await;
    let (token, secret) = three_legs(&sb, "http://localhost:8080/oauth/cb?state=1").await;
    assert!(token.starts_with("ATTA"));
    let creds = Creds {
        token: Some(token.clone()),
        token_secret: secret,
        ..consumer(&sb)
    };
    let r = signed(
        &sb,
        &creds,
        "GET",
        "/1/members/me?fields=id,username&x=a+b%2Bc",
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["id"], sb.member().id.as_str());
    // A signed PUT with a form body: the body parameters are signed (SPEC S6).
    let card = sb.fixtures().card_id.clone();
    let r = signed(
        &sb,
        &creds,
        "PUT",
        &format!("/1/cards/{card}/name"),
        Some("value=Signed+%26+sealed"),
        &[],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["name"], "Signed & sealed");
    assert!(sb
        .admin()
        .requests()
        .iter()
        .any(|e| e.placement == Placement::SignedHeader));
    // The access token also works as a plain key+token.
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, &token)).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn oob_flow_shows_the_verifier_in_the_first_pre() {
    // SPEC S6: the verifier/PIN flow.
    let sb = sandbox().await;
    let (token, _) = three_legs(&sb, "oob").await;
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, &token)).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn bad_signature_unknown_consumer_and_wrong_secret_get_401() {
    // RFC 5849 §3.2; SPEC S6.
    let sb = sandbox().await;
    let mut wrong_secret = consumer(&sb);
    wrong_secret.consumer_secret = "0".repeat(64);
    let r = signed(
        &sb,
        &wrong_secret,
        "POST",
        "/1/OAuthGetRequestToken",
        None,
        &[("oauth_callback", "oob")],
    )
    .await;
    assert_eq!((r.status, r.body.as_str()), (401, "invalid signature"));
    let mut unknown = consumer(&sb);
    unknown.consumer_key = "f".repeat(32);
    let r = signed(
        &sb,
        &unknown,
        "POST",
        "/1/OAuthGetRequestToken",
        None,
        &[("oauth_callback", "oob")],
    )
    .await;
    assert_eq!((r.status, r.body.as_str()), (401, "invalid key"));
    // A signed API call whose token secret is wrong.
    let creds = Creds {
        token: Some(sb.token().to_owned()),
        token_secret: "not-the-secret".into(),
        ..consumer(&sb)
    };
    let r = signed(&sb, &creds, "GET", "/1/members/me", None, &[]).await;
    assert_eq!((r.status, r.body.as_str()), (401, "invalid signature"));
    // A tampered query after signing.
    let c = Creds {
        token: Some(sb.token().to_owned()),
        ..consumer(&sb)
    };
    let url = format!("{}/1/members/me?fields=id", sb.api_base());
    let h = authorization(&c, "GET", &url, None, &[], "HMAC-SHA1", now(), &nonce());
    let r = send(
        &sb,
        Req::get("/1/members/me?fields=all").header("authorization", h),
    )
    .await;
    assert_eq!((r.status, r.body.as_str()), (401, "invalid signature"));
}

#[tokio::test]
async fn tokens_without_a_secret_sign_with_an_empty_token_secret() {
    let sb = sandbox().await;
    let c = Creds {
        token: Some(sb.token().to_owned()),
        ..consumer(&sb)
    };
    let r = signed(&sb, &c, "GET", "/1/members/me", None, &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn replayed_nonce_and_stale_timestamp_are_refused() {
    // SPEC S6: nonce replay refused; timestamps against the sandbox clock.
    let sb = sandbox().await;
    let c = Creds {
        token: Some(sb.token().to_owned()),
        ..consumer(&sb)
    };
    let url = format!("{}/1/members/me", sb.api_base());
    let h = authorization(
        &c,
        "GET",
        &url,
        None,
        &[],
        "HMAC-SHA1",
        now(),
        "fixed-nonce",
    );
    let r = send(
        &sb,
        Req::get("/1/members/me").header("authorization", h.clone()),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = send(&sb, Req::get("/1/members/me").header("authorization", h)).await;
    assert_eq!((r.status, r.body.as_str()), (401, "invalid nonce"));
    let h = authorization(
        &c,
        "GET",
        &url,
        None,
        &[],
        "HMAC-SHA1",
        now() - 3600,
        &nonce(),
    );
    let r = send(&sb, Req::get("/1/members/me").header("authorization", h)).await;
    assert_eq!((r.status, r.body.as_str()), (401, "invalid timestamp"));
    // Timestamps follow the sandbox clock, not the real one.
    sb.admin()
        .advance_clock(std::time::Duration::from_secs(3600));
    let h = authorization(&c, "GET", &url, None, &[], "HMAC-SHA1", now(), &nonce());
    let r = send(&sb, Req::get("/1/members/me").header("authorization", h)).await;
    assert_eq!((r.status, r.body.as_str()), (401, "invalid timestamp"));
    let h = authorization(
        &c,
        "GET",
        &url,
        None,
        &[],
        "HMAC-SHA1",
        sb.admin().now_secs(),
        &nonce(),
    );
    let r = send(&sb, Req::get("/1/members/me").header("authorization", h)).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn plaintext_is_refused() {
    // SPEC S6: PLAINTEXT is rejected.
    let sb = sandbox().await;
    let c = consumer(&sb);
    let url = format!("{}/1/OAuthGetRequestToken", sb.api_base());
    let h = authorization(
        &c,
        "POST",
        &url,
        None,
        &[("oauth_callback", "oob")],
        "PLAINTEXT",
        now(),
        &nonce(),
    );
    let r = send(
        &sb,
        Req::new("POST", "/1/OAuthGetRequestToken").header("authorization", h),
    )
    .await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (400, "unsupported signature method")
    );
}

#[tokio::test]
async fn callback_outside_the_allowed_origins_gets_the_error_page() {
    // SPEC S6, S7: the callback origin must be an allowed origin.
    let sb = sandbox().await;
    let r = signed(
        &sb,
        &consumer(&sb),
        "POST",
        "/1/OAuthGetRequestToken",
        None,
        &[("oauth_callback", "http://evil.example/cb")],
    )
    .await;
    assert_eq!(r.status, 200);
    let token = form_pairs(&r.body)
        .into_iter()
        .find(|(n, _)| n == "oauth_token")
        .unwrap()
        .1;
    let page = send(
        &sb,
        Req::get(format!("/1/OAuthAuthorizeToken?oauth_token={token}")),
    )
    .await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("Invalid return_url"));
}

#[tokio::test]
async fn access_token_needs_the_right_verifier() {
    let sb = sandbox().await;
    let c = consumer(&sb);
    let r = signed(
        &sb,
        &c,
        "POST",
        "/1/OAuthGetRequestToken",
        None,
        &[("oauth_callback", "oob")],
    )
    .await;
    let rt = form_pairs(&r.body);
    let with_rt = Creds {
        token: Some(pair(&rt, "oauth_token").to_owned()),
        token_secret: pair(&rt, "oauth_token_secret").to_owned(),
        ..c
    };
    // Not approved yet.
    let r = signed(
        &sb,
        &with_rt,
        "POST",
        "/1/OAuthGetAccessToken",
        None,
        &[("oauth_verifier", "guess")],
    )
    .await;
    assert_eq!((r.status, r.body.as_str()), (401, "invalid verifier"));
}
