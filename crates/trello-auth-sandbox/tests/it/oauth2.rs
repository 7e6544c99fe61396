//! The sandbox as an OAuth 2.0 authorization server (SPEC S8): the authorize request and its
//! consent page, the code exchange with PKCE for public and confidential clients, rotation
//! with reuse detection, lifetimes on the sandbox clock, and Bearer on the REST routes.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use trello_auth_sandbox::consent::ConsentForm;
use trello_auth_sandbox::{OAuth2Client, Placement, Sandbox};

use crate::authorize::submit;
use crate::client::{Req, Resp};
use crate::{sandbox, send};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const STATE: &str = "xyz-state_1";
const CALLBACK: &str = "http://127.0.0.1:8080/callback";
const ALL: &str = "read:board:trello write:board:trello read:member:trello offline_access";

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn authorize_target(client_id: &str, redirect_uri: &str, scope: &str) -> String {
    format!(
        "/authorize?client_id={client_id}&redirect_uri={}&response_type=code&scope={}\
         &state={STATE}&code_challenge={}&code_challenge_method=S256&prompt=consent",
        enc(redirect_uri),
        enc(scope),
        challenge(VERIFIER),
    )
}

/// The query pairs of a 302's `Location`, after checking it goes to `CALLBACK`.
fn redirect_query(resp: &Resp) -> Vec<(String, String)> {
    assert_eq!(resp.status, 302, "{}", resp.body);
    let location = url::Url::parse(resp.header("location").expect("a location")).unwrap();
    assert_eq!(&location[..url::Position::AfterPath], CALLBACK);
    location.query_pairs().into_owned().collect()
}

fn pair<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Plays the user: opens the consent page for `client_id` and presses Allow; the code.
async fn code_for(sb: &Sandbox, client_id: &str, scope: &str) -> String {
    let page = send(sb, Req::get(authorize_target(client_id, CALLBACK, scope))).await;
    let back = redirect_query(&submit(sb, &page, "Allow").await);
    assert_eq!(pair(&back, "state"), Some(STATE));
    pair(&back, "code").expect("a code").to_owned()
}

async fn token_request(sb: &Sandbox, body: Value) -> Resp {
    send(sb, Req::new("POST", "/oauth/token").json(&body)).await
}

fn exchange_body(sb: &Sandbox, code: &str, verifier: &str) -> Value {
    json!({
        "grant_type": "authorization_code",
        "client_id": sb.oauth2().client_id,
        "client_secret": sb.oauth2().client_secret,
        "code": code,
        "code_verifier": verifier,
        "redirect_uri": CALLBACK,
    })
}

fn refresh_body(sb: &Sandbox, refresh_token: &str) -> Value {
    json!({
        "grant_type": "refresh_token",
        "client_id": sb.oauth2().client_id,
        "client_secret": sb.oauth2().client_secret,
        "refresh_token": refresh_token,
    })
}

/// A confidential client's token set for `scope`.
async fn tokens(sb: &Sandbox, scope: &str) -> Value {
    let code = code_for(sb, &sb.oauth2().client_id, scope).await;
    let resp = token_request(sb, exchange_body(sb, &code, VERIFIER)).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    resp.json()
}

async fn bearer_get(sb: &Sandbox, target: &str, access: &str) -> Resp {
    send(
        sb,
        Req::get(target).header("authorization", format!("Bearer {access}")),
    )
    .await
}

fn assert_token_error(resp: &Resp, status: u16, error: &str) {
    assert_eq!(resp.status, status, "{}", resp.body);
    assert_eq!(resp.json()["error"], error, "{}", resp.body);
    assert!(resp.json()["error_description"].is_string());
}

#[tokio::test]
async fn confidential_code_flow_gives_tokens_that_work_as_bearer() {
    // SPEC S8.2-S8.5, S8.7.
    let sb = sandbox().await;
    let page = send(
        &sb,
        Req::get(authorize_target(&sb.oauth2().client_id, CALLBACK, ALL)),
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("data-scope=\"read:board:trello\""));
    assert!(page.body.contains("data-scope=\"offline_access\""));
    let form = ConsentForm::parse(&page.body).unwrap();
    assert_eq!(form.buttons(), ["Allow", "Deny"]);
    let t = tokens(&sb, ALL).await;
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["expires_in"], 3600);
    assert_eq!(t["scope"], ALL);
    assert!(t["refresh_token"].is_string());
    let access = t["access_token"].as_str().unwrap();
    let me = bearer_get(&sb, "/1/members/me", access).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["id"], sb.member().id.as_str());
    let card = format!("/1/cards/{}", sb.fixtures().card_id);
    assert_eq!(bearer_get(&sb, &card, access).await.status, 200);
    let rename = send(
        &sb,
        Req::new("PUT", format!("{card}/name?value=Renamed"))
            .header("authorization", format!("Bearer {access}")),
    )
    .await;
    assert_eq!(rename.status, 200, "{}", rename.body);
}

#[tokio::test]
async fn public_client_uses_pkce_alone_and_gets_no_refresh_without_offline_access() {
    // SPEC S8.4 (public clients send no secret), S8.5 (refresh only with offline_access).
    let sb = sandbox().await;
    let public = sb.oauth2().public_client_id.clone();
    let code = code_for(&sb, &public, "read:member:trello").await;
    let body = json!({
        "grant_type": "authorization_code", "client_id": public, "code": code,
        "code_verifier": VERIFIER, "redirect_uri": CALLBACK,
    });
    let resp = token_request(&sb, body).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert!(resp.json().get("refresh_token").is_none());
    let access = resp.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(bearer_get(&sb, "/1/members/me", &access).await.status, 200);
    // A public client cannot present a secret, nor the confidential one skip it.
    let mut with_secret = exchange_body(&sb, "x", VERIFIER);
    with_secret["client_id"] = json!(public);
    assert_token_error(
        &token_request(&sb, with_secret).await,
        401,
        "invalid_client",
    );
    let mut no_secret = exchange_body(&sb, "x", VERIFIER);
    no_secret.as_object_mut().unwrap().remove("client_secret");
    assert_token_error(&token_request(&sb, no_secret).await, 401, "invalid_client");
}

#[tokio::test]
async fn wrong_verifier_is_invalid_grant_and_spends_the_code() {
    // SPEC S8.6: a verifier that does not match is 400 invalid_grant.
    let sb = sandbox().await;
    let code = code_for(&sb, &sb.oauth2().client_id, ALL).await;
    let other = "A".repeat(43);
    let resp = token_request(&sb, exchange_body(&sb, &code, &other)).await;
    assert_token_error(&resp, 400, "invalid_grant");
    let again = token_request(&sb, exchange_body(&sb, &code, VERIFIER)).await;
    assert_token_error(&again, 400, "invalid_grant");
}

#[tokio::test]
async fn code_is_single_use_and_bound_to_the_redirect_uri() {
    // SPEC S8.3, S8.4, S8.6.
    let sb = sandbox().await;
    let code = code_for(&sb, &sb.oauth2().client_id, ALL).await;
    let mut other_uri = exchange_body(&sb, &code, VERIFIER);
    other_uri["redirect_uri"] = json!("http://localhost:8080/callback");
    assert_token_error(&token_request(&sb, other_uri).await, 400, "invalid_grant");

    let code = code_for(&sb, &sb.oauth2().client_id, ALL).await;
    let first = token_request(&sb, exchange_body(&sb, &code, VERIFIER)).await;
    assert_eq!(first.status, 200);
    let second = token_request(&sb, exchange_body(&sb, &code, VERIFIER)).await;
    assert_token_error(&second, 400, "invalid_grant");
    // RFC 6749 §4.1.2: a replayed code revokes what it was exchanged for.
    let access = first.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(bearer_get(&sb, "/1/members/me", &access).await.status, 401);
}

#[tokio::test]
async fn code_expires_after_ten_minutes_of_sandbox_time() {
    // SPEC S8.3: codes expire within minutes.
    let sb = sandbox().await;
    let code = code_for(&sb, &sb.oauth2().client_id, ALL).await;
    sb.admin().advance_clock(Duration::from_secs(600));
    let resp = token_request(&sb, exchange_body(&sb, &code, VERIFIER)).await;
    assert_token_error(&resp, 400, "invalid_grant");
}

#[tokio::test]
async fn unregistered_redirect_uri_shows_an_error_page_without_redirecting() {
    // SPEC S8.2 (character for character), S8.3.
    let sb = sandbox().await;
    for uri in [
        "http://127.0.0.1:8080/callback/",
        "http://127.0.0.1:8081/callback",
        "https://evil.example/callback",
    ] {
        let page = send(
            &sb,
            Req::get(authorize_target(&sb.oauth2().client_id, uri, ALL)),
        )
        .await;
        assert_eq!(page.status, 400, "{uri}");
        assert!(page.header("location").is_none());
        assert!(ConsentForm::parse(&page.body).is_err());
    }
    let unknown = send(&sb, Req::get(authorize_target("nobody", CALLBACK, ALL))).await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.header("location").is_none());
}

#[tokio::test]
async fn bad_authorize_parameters_are_redirected_as_errors() {
    // RFC 6749 §4.1.2.1 (SPEC S8.3): once the redirect URI is trusted, errors go back to it.
    let sb = sandbox().await;
    let id = sb.oauth2().client_id.clone();
    let bad_scope = send(
        &sb,
        Req::get(authorize_target(&id, CALLBACK, "read:nothing:trello")),
    )
    .await;
    let q = redirect_query(&bad_scope);
    assert_eq!(pair(&q, "error"), Some("invalid_scope"));
    assert_eq!(pair(&q, "state"), Some(STATE));
    let plain = authorize_target(&id, CALLBACK, ALL).replace("S256", "plain");
    let q = redirect_query(&send(&sb, Req::get(plain)).await);
    assert_eq!(pair(&q, "error"), Some("invalid_request"));
    let token =
        authorize_target(&id, CALLBACK, ALL).replace("response_type=code", "response_type=token");
    let q = redirect_query(&send(&sb, Req::get(token)).await);
    assert_eq!(pair(&q, "error"), Some("unsupported_response_type"));
    // Only the scopes enabled on the client.
    let narrow = OAuth2Client::public("Narrow").with_scopes(["read:member:trello"]);
    sb.admin().register_oauth2_client(narrow.clone()).unwrap();
    let q = redirect_query(
        &send(
            &sb,
            Req::get(authorize_target(
                &narrow.client_id,
                CALLBACK,
                "read:board:trello",
            )),
        )
        .await,
    );
    assert_eq!(pair(&q, "error"), Some("invalid_scope"));
}

#[tokio::test]
async fn deny_redirects_with_access_denied_and_the_state() {
    // SPEC S8.3.
    let sb = sandbox().await;
    let page = send(
        &sb,
        Req::get(authorize_target(&sb.oauth2().client_id, CALLBACK, ALL)),
    )
    .await;
    let q = redirect_query(&submit(&sb, &page, "Deny").await);
    assert_eq!(pair(&q, "error"), Some("access_denied"));
    assert!(pair(&q, "error_description").is_some());
    assert_eq!(pair(&q, "state"), Some(STATE));
    assert!(pair(&q, "code").is_none());
}

#[tokio::test]
async fn refresh_rotates_and_reuse_within_the_leeway_keeps_the_grant() {
    // SPEC S8.5: rotation; S8.6: a rotated token is 403 invalid_grant.
    let sb = sandbox().await;
    let t = tokens(&sb, ALL).await;
    let first = t["refresh_token"].as_str().unwrap();
    let r1 = token_request(&sb, refresh_body(&sb, first)).await;
    assert_eq!(r1.status, 200, "{}", r1.body);
    let second = r1.json()["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second, first);
    assert_eq!(r1.json()["scope"], ALL);
    sb.admin().advance_clock(Duration::from_secs(599));
    let reuse = token_request(&sb, refresh_body(&sb, first)).await;
    assert_token_error(&reuse, 403, "invalid_grant");
    assert_eq!(
        reuse.json()["error_description"],
        "Unknown or invalid refresh token."
    );
    // The grant survives: the current refresh token and the new access token still work.
    let access = r1.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(bearer_get(&sb, "/1/members/me", &access).await.status, 200);
    let r2 = token_request(&sb, refresh_body(&sb, &second)).await;
    assert_eq!(r2.status, 200, "{}", r2.body);
}

#[tokio::test]
async fn reuse_after_the_leeway_revokes_the_whole_grant() {
    // SPEC S8.5: reuse of a rotated refresh token after 10 minutes revokes every token.
    let sb = sandbox().await;
    let t = tokens(&sb, ALL).await;
    let first = t["refresh_token"].as_str().unwrap();
    let r1 = token_request(&sb, refresh_body(&sb, first)).await;
    let second = r1.json()["refresh_token"].as_str().unwrap().to_owned();
    let access = r1.json()["access_token"].as_str().unwrap().to_owned();
    sb.admin().advance_clock(Duration::from_secs(601));
    assert_token_error(
        &token_request(&sb, refresh_body(&sb, first)).await,
        403,
        "invalid_grant",
    );
    assert_eq!(bearer_get(&sb, "/1/members/me", &access).await.status, 401);
    assert_token_error(
        &token_request(&sb, refresh_body(&sb, &second)).await,
        403,
        "invalid_grant",
    );
}

#[tokio::test]
async fn access_token_expires_after_an_hour_of_sandbox_time() {
    // SPEC S8.5, S8.7: an expired access token is 401; a refresh gives a working one.
    let sb = sandbox().await;
    let t = tokens(&sb, ALL).await;
    let access = t["access_token"].as_str().unwrap();
    sb.admin().advance_clock(Duration::from_secs(3599));
    assert_eq!(bearer_get(&sb, "/1/members/me", access).await.status, 200);
    sb.admin().advance_clock(Duration::from_secs(1));
    assert_eq!(bearer_get(&sb, "/1/members/me", access).await.status, 401);
    let r = token_request(&sb, refresh_body(&sb, t["refresh_token"].as_str().unwrap())).await;
    let fresh = r.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(bearer_get(&sb, "/1/members/me", &fresh).await.status, 200);
}

#[tokio::test]
async fn a_missing_scope_is_403() {
    // SPEC S8.7, S8.8: members/me needs read:member; boards need read:board / write:board.
    let sb = sandbox().await;
    let t = tokens(&sb, "read:board:trello").await;
    let access = t["access_token"].as_str().unwrap();
    let me = bearer_get(&sb, "/1/members/me", access).await;
    assert_eq!(me.status, 403, "{}", me.body);
    assert!(me.header("content-type").unwrap().starts_with("text/plain"));
    let board = format!("/1/boards/{}", sb.fixtures().board_id);
    assert_eq!(bearer_get(&sb, &board, access).await.status, 200);
    let rename = send(
        &sb,
        Req::new(
            "PUT",
            format!("/1/cards/{}/name?value=x", sb.fixtures().card_id),
        )
        .header("authorization", format!("Bearer {access}")),
    )
    .await;
    assert_eq!(rename.status, 403);
}

#[tokio::test]
async fn bearer_tokens_are_refused_in_the_query_unknown_and_on_token_routes() {
    // SPEC S8.1 (never in the query), S8.7 (unknown is 401; /1/tokens is for key + token).
    let sb = sandbox().await;
    let t = tokens(&sb, ALL).await;
    let access = t["access_token"].as_str().unwrap();
    let query = send(
        &sb,
        Req::get(format!("/1/members/me?key={}&token={access}", sb.app().key)),
    )
    .await;
    assert_eq!(query.status, 401);
    assert_eq!(bearer_get(&sb, "/1/members/me", "nope").await.status, 401);
    let tokens_route = bearer_get(&sb, &format!("/1/tokens/{access}"), access).await;
    assert_eq!(tokens_route.status, 400);
}

#[tokio::test]
async fn admin_revokes_a_grant() {
    // SPEC S8.1: the user revokes the app; every token of the grant stops working.
    let sb = sandbox().await;
    let t = tokens(&sb, ALL).await;
    let n = sb
        .admin()
        .revoke_oauth2_grant(&sb.oauth2().client_id, None)
        .unwrap();
    assert_eq!(n, 1);
    let access = t["access_token"].as_str().unwrap();
    assert_eq!(bearer_get(&sb, "/1/members/me", access).await.status, 401);
    let refresh = t["refresh_token"].as_str().unwrap();
    assert_token_error(
        &token_request(&sb, refresh_body(&sb, refresh)).await,
        403,
        "invalid_grant",
    );
    let over_http = send(
        &sb,
        Req::new("POST", "/__sandbox/oauth2/revoke")
            .json(&json!({ "client_id": sb.oauth2().client_id })),
    )
    .await;
    assert_eq!(over_http.json(), json!({ "revoked": 0 }));
}

#[tokio::test]
async fn admin_registers_clients_over_http() {
    let sb = sandbox().await;
    let resp = send(
        &sb,
        Req::new("POST", "/__sandbox/oauth2/clients").json(&json!({
            "public": true, "redirect_uris": ["http://localhost:9999/cb"],
            "scopes": ["read:member:trello"],
        })),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert!(resp.json()["client_secret"].is_null());
    let bad = send(
        &sb,
        Req::new("POST", "/__sandbox/oauth2/clients").json(&json!({ "scopes": ["admin"] })),
    )
    .await;
    assert_eq!(bad.status, 400);
    let info = send(&sb, Req::get("/__sandbox/info")).await.json();
    assert_eq!(info["oauth2"]["client_id"], sb.oauth2().client_id.as_str());
    assert!(sb.oauth2().client_secret.starts_with("ATO"));
    assert!(!format!("{:?}", sb.oauth2()).contains(&sb.oauth2().client_secret));
}

#[tokio::test]
async fn token_endpoint_errors_follow_spec_s8_6() {
    let sb = sandbox().await;
    let form = send(
        &sb,
        Req::new("POST", "/oauth/token").form("grant_type=refresh_token&client_id=x"),
    )
    .await;
    assert_token_error(&form, 400, "invalid_request");
    let grant = token_request(&sb, json!({ "grant_type": "password", "client_id": "x" })).await;
    assert_token_error(&grant, 400, "unsupported_grant_type");
    let client = token_request(
        &sb,
        json!({ "grant_type": "refresh_token", "client_id": "x" }),
    )
    .await;
    assert_token_error(&client, 401, "invalid_client");
    let mut missing = refresh_body(&sb, "");
    missing.as_object_mut().unwrap().remove("refresh_token");
    assert_token_error(&token_request(&sb, missing).await, 400, "invalid_request");
    let unknown = token_request(&sb, refresh_body(&sb, "unknown")).await;
    assert_token_error(&unknown, 403, "invalid_grant");
}

#[tokio::test]
async fn the_request_log_records_token_calls_without_secrets() {
    let sb = sandbox().await;
    let t = tokens(&sb, ALL).await;
    let refresh = t["refresh_token"].as_str().unwrap();
    let access = t["access_token"].as_str().unwrap();
    token_request(&sb, refresh_body(&sb, refresh)).await;
    bearer_get(&sb, "/1/members/me", access).await;
    let log = sb.admin().requests();
    let calls: Vec<_> = log.iter().filter(|r| r.path == "/oauth/token").collect();
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().all(|r| r.status == 200));
    assert!(calls[1]
        .body
        .as_deref()
        .unwrap()
        .contains("\"grant_type\":\"refresh_token\""));
    assert!(log.iter().any(|r| r.placement == Placement::Header
        && r.authorization.as_deref() == Some("Bearer [redacted]")));
    let text = format!("{log:?}");
    for secret in [
        refresh,
        access,
        sb.oauth2().client_secret.as_str(),
        VERIFIER,
    ] {
        assert!(!text.contains(secret), "the log leaks a secret");
    }
}
