//! The admin API (`/__sandbox/...`, issue point 7): clock, apps, members, tokens, faults
//! (status, latency, closed connection) and the redacted request log.

use std::time::Duration;

use serde_json::json;
use trello_auth_sandbox::Fault;

use crate::client::{self, Req};
use crate::{get_auth, sandbox, send};

#[tokio::test]
async fn info_and_clock() {
    let sb = sandbox().await;
    let info = send(&sb, Req::get("/__sandbox/info")).await.json();
    assert_eq!(info["api_base"], sb.api_base());
    assert_eq!(info["token"], sb.token());
    assert_eq!(info["app"]["key"], sb.app().key.as_str());
    let before = send(&sb, Req::get("/__sandbox/clock")).await.json();
    let after = send(
        &sb,
        Req::new("POST", "/__sandbox/clock").json(&json!({ "advance_secs": 86400 })),
    )
    .await
    .json();
    assert!(after["now"].as_i64().unwrap() >= before["now"].as_i64().unwrap() + 86400);
    let r = send(
        &sb,
        Req::new("POST", "/__sandbox/clock").json(&json!({ "advance_secs": -5 })),
    )
    .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn apps_members_and_tokens_through_http() {
    let sb = sandbox().await;
    let app = send(
        &sb,
        Req::new("POST", "/__sandbox/apps")
            .json(&json!({ "name": "Other", "allowed_origins": ["http://localhost:9000"] })),
    )
    .await
    .json();
    let key = app["key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 32);
    let member = send(
        &sb,
        Req::new("POST", "/__sandbox/members").json(&json!({ "username": "carol" })),
    )
    .await
    .json();
    let token = send(
        &sb,
        Req::new("POST", "/__sandbox/tokens").json(&json!({
            "app_key": key, "member_id": member["id"], "scope": "read", "expires_in_secs": 60
        })),
    )
    .await
    .json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = send(&sb, Req::get("/1/members/me").auth(&key, &token)).await;
    assert_eq!(r.json()["username"], "carol");
    // A token is bound to its app: with the default key it is `invalid token`.
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, &token)).await;
    assert_eq!((r.status, r.body.as_str()), (401, "invalid token"));
    sb.admin().advance_clock(Duration::from_secs(60));
    let r = send(&sb, Req::get("/1/members/me").auth(&key, &token)).await;
    assert_eq!((r.status, r.body.as_str()), (401, "expired token"));
}

#[tokio::test]
async fn fault_status_for_the_next_n_requests() {
    let sb = sandbox().await;
    let r = send(
        &sb,
        Req::new("POST", "/__sandbox/faults")
            .json(&json!({ "path": "/1/members/me", "match": "exact", "count": 2, "status": 503 })),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(get_auth(&sb, "/1/members/me/boards").await.status, 200);
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 503);
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 503);
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 200);
    sb.admin().inject_fault(Fault::prefix("/1/", 1).status(500));
    assert_eq!(get_auth(&sb, "/1/boards/x").await.status, 500);
    sb.admin().inject_fault(Fault::prefix("/1/", 5).status(500));
    let r = send(&sb, Req::new("DELETE", "/__sandbox/faults")).await;
    assert_eq!(r.status, 200);
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 200);
}

#[tokio::test]
async fn fault_latency_delays_then_serves() {
    // The delay is the server's (tokio::time::sleep); the test checks only that the request
    // still succeeds and that the fault was consumed, not a timing threshold.
    let sb = sandbox().await;
    sb.admin()
        .inject_fault(Fault::prefix("/1/members/me", 1).latency(Duration::from_millis(50)));
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 200);
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 200);
}

#[tokio::test]
async fn fault_close_drops_the_connection_mid_response() {
    let sb = sandbox().await;
    sb.admin()
        .inject_fault(Fault::prefix("/1/members/me", 1).close());
    let base = sb.api_base().to_owned();
    let key = sb.app().key.clone();
    let token = sb.token().to_owned();
    let out = tokio::task::spawn_blocking(move || {
        let req = format!(
            "GET /1/members/me HTTP/1.1\r\nhost: x\r\nauthorization: OAuth oauth_consumer_key=\"{key}\", oauth_token=\"{token}\"\r\n\r\n"
        );
        client::raw(&base, req.as_bytes(), false)
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("content-length: 4096"));
    let body = text.split_once("\r\n\r\n").unwrap().1;
    assert!(body.len() < 4096, "the body was cut short");
    // The next request is served.
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 200);
}

#[tokio::test]
async fn request_log_redacts_every_credential() {
    let sb = sandbox().await;
    let (key, token) = (sb.app().key.clone(), sb.token().to_owned());
    get_auth(&sb, "/1/members/me").await;
    send(
        &sb,
        Req::get(format!("/1/members/me?key={key}&token={token}&fields=id")),
    )
    .await;
    let card = sb.fixtures().card_id.clone();
    send(
        &sb,
        Req::new("PUT", format!("/1/cards/{card}/name"))
            .json(&json!({ "key": key, "token": token, "value": "v" })),
    )
    .await;
    send(
        &sb,
        Req::new("PUT", format!("/1/cards/{card}/name"))
            .form(&format!("key={key}&token={token}&value=v")),
    )
    .await;
    get_auth(&sb, &format!("/1/tokens/{token}")).await;
    let r = send(&sb, Req::get("/__sandbox/requests")).await;
    assert_eq!(r.status, 200);
    assert!(!r.body.contains(&token), "{}", r.body);
    assert!(!r.body.contains(&key), "{}", r.body);
    let log = r.json();
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 5);
    let placements: Vec<&str> = entries
        .iter()
        .map(|e| e["placement"].as_str().unwrap())
        .collect();
    assert_eq!(placements, ["header", "query", "body", "body", "header"]);
    assert_eq!(
        entries[1]["path"],
        "/1/members/me?key=[redacted]&token=[redacted]&fields=id"
    );
    assert!(entries[0]["authorization"]
        .as_str()
        .unwrap()
        .contains("[redacted]"));
    assert!(entries[2]["body"]
        .as_str()
        .unwrap()
        .contains("\"value\":\"v\""));
    assert!(entries.iter().all(|e| e["credentials_present"] == true));
    send(&sb, Req::new("DELETE", "/__sandbox/requests")).await;
    assert!(sb.admin().requests().is_empty());
}

#[tokio::test]
async fn unknown_admin_routes_are_404() {
    let sb = sandbox().await;
    assert_eq!(send(&sb, Req::get("/__sandbox/nope")).await.status, 404);
    let r = send(
        &sb,
        Req::new("POST", "/__sandbox/faults").json(&json!({ "path": "/1/" })),
    )
    .await;
    assert_eq!(r.status, 400, "a fault needs an effect");
}
