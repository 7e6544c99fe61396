//! The token resource (SPEC S5), revocation, and expiry on the sandbox clock (SPEC S4.1).

use std::time::Duration;

use trello_auth_sandbox::{Expiration, Scopes, TokenSpec};

use crate::client::Req;
use crate::{get_auth, sandbox, send};

#[tokio::test]
async fn token_info_and_member() {
    // SPEC S5
    let sb = sandbox().await;
    let r = get_auth(&sb, &format!("/1/tokens/{}", sb.token())).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let info = r.json();
    assert_eq!(info["idMember"], sb.member().id.as_str());
    assert!(info["dateExpires"].is_null());
    assert!(info["dateCreated"].as_str().unwrap().ends_with('Z'));
    let perms = info["permissions"].as_array().unwrap();
    assert!(perms
        .iter()
        .all(|p| p["read"] == true && p["write"] == true));
    let r = get_auth(&sb, &format!("/1/tokens/{}/member", sb.token())).await;
    assert_eq!(r.json()["id"], sb.member().id.as_str());
}

#[tokio::test]
async fn token_info_shows_scope_and_expiry() {
    let sb = sandbox().await;
    let t = sb
        .admin()
        .mint_token(&TokenSpec {
            scopes: Scopes::READ,
            expiration: Expiration::OneDay,
            ..TokenSpec::default()
        })
        .unwrap();
    let r = send(
        &sb,
        Req::get(format!("/1/tokens/{t}")).auth(&sb.app().key, &t),
    )
    .await;
    let info = r.json();
    assert!(info["dateExpires"].is_string());
    assert_eq!(info["permissions"][0]["write"], false);
}

#[tokio::test]
async fn delete_revokes_then_invalid_token() {
    // SPEC S5: DELETE /1/tokens/{token}/ → 200; afterwards 401 `invalid token`.
    let sb = sandbox().await;
    let r = send(
        &sb,
        Req::new("DELETE", format!("/1/tokens/{}/", sb.token())).auth(&sb.app().key, sb.token()),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = get_auth(&sb, "/1/members/me").await;
    assert_eq!((r.status, r.body.as_str()), (401, "invalid token"));
    let r = get_auth(&sb, &format!("/1/tokens/{}", sb.token())).await;
    assert_eq!((r.status, r.body.as_str()), (401, "invalid token"));
    // The token in the path is redacted in the log (SPEC S5).
    let log = format!("{:?}", sb.admin().requests());
    assert!(!log.contains(sb.token()), "{log}");
    assert!(log.contains("/1/tokens/[redacted]"));
}

#[tokio::test]
async fn expired_token_after_advancing_the_clock() {
    // SPEC S4.1 `expired token`; the sandbox clock (issue point 7).
    let sb = sandbox().await;
    let t = sb
        .admin()
        .mint_token(&TokenSpec {
            expiration: Expiration::OneHour,
            ..TokenSpec::default()
        })
        .unwrap();
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, &t)).await;
    assert_eq!(r.status, 200);
    sb.admin().advance_clock(Duration::from_secs(3599));
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, &t)).await;
    assert_eq!(r.status, 200);
    // Through the HTTP admin API this time.
    let r = send(
        &sb,
        Req::new("POST", "/__sandbox/clock").json(&serde_json::json!({ "advance_secs": 1 })),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["offset_secs"], 3600);
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, &t)).await;
    assert_eq!((r.status, r.body.as_str()), (401, "expired token"));
}

#[tokio::test]
async fn minted_tokens_have_trellos_format() {
    // SPEC S2: ATTA + 64 lower hex + 8 upper hex.
    let sb = sandbox().await;
    let t = sb.token();
    assert_eq!(t.len(), 76);
    assert!(t.starts_with("ATTA"));
    assert!(t[4..68]
        .chars()
        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
    assert!(t[68..]
        .chars()
        .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c)));
    assert_eq!(sb.app().key.len(), 32);
    assert_eq!(sb.app().secret.len(), 64);
}

#[tokio::test]
async fn a_token_of_another_member_is_not_readable() {
    let sb = sandbox().await;
    let bob = trello_auth_sandbox::Member::new("bob", "Bob");
    sb.admin().add_member(bob.clone()).unwrap();
    let bobs = sb
        .admin()
        .mint_token(&TokenSpec {
            member_id: Some(bob.id.clone()),
            ..TokenSpec::default()
        })
        .unwrap();
    let r = get_auth(&sb, &format!("/1/tokens/{bobs}")).await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (401, "unauthorized permission requested")
    );
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, &bobs)).await;
    assert_eq!(r.json()["username"], "bob");
}
