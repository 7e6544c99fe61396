//! The OAuth 2.0 cases of the transport behaviour suite (SPEC S8), each run over both clients
//! against the sandbox as authorization server: the code flow for public and confidential
//! clients, Bearer calls with their scopes, proactive and 401-driven refresh with rotation,
//! one refresh under 64 concurrent calls, a rotation hook that fails once, and the end of a
//! grant (revoked, or a rotated refresh token reused after the leeway).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use trello_auth_core::oauth2::{
    self, AuthorizationRequest, ClientCredentials, ClientSecret, Grant, Pkce, Scope, TokenSet,
};
use trello_auth_core::{Error as ClientError, TokenRejection};
use trello_auth_sandbox::{consent, Fault};

use super::harness::{AnyClient, Cfg, Setup, Transport};

const STATE: &str = "suite-state-0123";

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

fn confidential(s: &Setup) -> ClientCredentials {
    let info = s.sb.oauth2();
    ClientCredentials::confidential(
        &info.client_id,
        ClientSecret::new(&info.client_secret).unwrap(),
    )
    .unwrap()
}

fn public(s: &Setup) -> ClientCredentials {
    ClientCredentials::public(&s.sb.oauth2().public_client_id).unwrap()
}

/// The user consents in their browser (the sandbox's page, Allow) and the app exchanges the
/// code: the token set for `scopes` and `offline_access`.
fn authorize(s: &Setup, client: &ClientCredentials, scopes: &[Scope]) -> TokenSet {
    let redirect_uri = s.sb.oauth2().redirect_uris[0].clone();
    let pkce = Pkce::from_random([7; 32]);
    let url = AuthorizationRequest::new(client.client_id(), &redirect_uri)
        .scopes(scopes.iter().copied())
        .state(STATE)
        .pkce(&pkce)
        .auth_base(s.auth())
        .build()
        .unwrap();
    let back = consent::press(url.as_str(), "Allow", |r| Ok::<_, String>(s.send_bare(r)))
        .expect("the consent page");
    assert_eq!(back.status(), 302, "Allow redirects to the app");
    let location = back.headers()["location"].to_str().unwrap();
    assert!(location.starts_with(&redirect_uri), "{location}");
    let code = oauth2::parse_redirect(location, STATE).unwrap();
    let exchange =
        oauth2::code_exchange_request(&s.auth(), client, &code, pkce.verifier(), &redirect_uri);
    oauth2::parse_token_response(&s.send_bare(exchange), unix_now()).unwrap()
}

/// `set` as if its access token expired long ago (a set read back from storage after a night).
fn expired(set: &TokenSet) -> TokenSet {
    TokenSet::new(
        set.access_token().clone(),
        set.refresh_token().cloned(),
        Some(1),
        set.scopes().to_vec(),
    )
}

/// What the hooks of a client saw.
#[derive(Default)]
struct Hooks {
    saved: Mutex<Vec<TokenSet>>,
    /// Saves to fail before one succeeds.
    failures: AtomicUsize,
    rejected: Mutex<Vec<TokenRejection>>,
}

fn client(s: &Setup, client: ClientCredentials, set: TokenSet, hooks: &Arc<Hooks>) -> AnyClient {
    let (saves, rejects) = (Arc::clone(hooks), Arc::clone(hooks));
    let grant = Grant::new(client, set).on_tokens(move |t| {
        if saves
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err("the credential store is locked".into());
        }
        saves.saved.lock().unwrap().push(t.clone());
        Ok(())
    });
    s.client(Cfg {
        oauth2: Some(grant),
        hook: Some(Arc::new(move |r| rejects.rejected.lock().unwrap().push(r))),
        ..Cfg::default()
    })
}

/// How many token requests (`/oauth/token`) the sandbox answered.
fn token_requests(s: &Setup) -> usize {
    let log = s.sb.admin().requests();
    log.iter().filter(|r| r.path == "/oauth/token").count()
}

fn assert_grant_revoked(error: &ClientError) {
    assert!(
        matches!(
            error,
            ClientError::TokenRejected {
                reason: TokenRejection::GrantRevoked
            }
        ),
        "{error:?}"
    );
}

/// SPEC S8.2-S8.5, S8.7: the code flow for a confidential and a public client, then Bearer
/// calls; the `/1/tokens/*` helpers refuse OAuth 2.0 credentials without sending anything.
pub fn oauth2_code_flow_and_bearer_calls(t: Transport) {
    let s = t.sandbox();
    for app in [confidential(&s), public(&s)] {
        let set = authorize(&s, &app, &[Scope::ReadMember, Scope::ReadBoard]);
        assert!(set.refresh_token().is_some(), "offline_access was asked");
        assert!(set.scopes().iter().any(|g| g == "read:member:trello"));
        let hooks = Arc::default();
        let client = client(&s, app, set, &hooks);
        s.sb.admin().clear_requests();
        assert_eq!(client.me().unwrap().username, s.sb.member().username);
        let log = s.sb.admin().requests();
        assert_eq!(log.len(), 1, "a fresh token is used as it is");
        let authorization = log[0].authorization.as_deref().unwrap_or_default();
        assert!(authorization.starts_with("Bearer "), "{authorization}");
        assert!(!log[0].path.contains("token="), "{}", log[0].path);
        for refused in [
            client.token_info().unwrap_err(),
            client.revoke().unwrap_err(),
        ] {
            assert_eq!(refused.code(), "invalid_request", "{refused}");
        }
        assert_eq!(s.sb.admin().requests().len(), 1, "nothing sent for them");
    }
}

/// SPEC S8.8: a read needs the read scope of its model; without it the sandbox answers 403,
/// which is not retried and not a reason to refresh.
pub fn oauth2_missing_scope_is_403(t: Transport) {
    let s = t.sandbox();
    let set = authorize(&s, &confidential(&s), &[Scope::ReadMember]);
    let client = client(&s, confidential(&s), set, &Arc::default());
    s.sb.admin().clear_requests();
    let error = client.get("/1/members/me/boards").unwrap_err();
    assert_eq!(error.code(), "forbidden", "{error}");
    assert_eq!(s.sb.admin().requests().len(), 1);
    assert_eq!(token_requests(&s), 0);
}

/// SPEC S8.5: under 60 s left, the client refreshes first, the rotation hook saves the new set
/// (with a NEW refresh token) before the new access token is used, and 5xx retries work as for
/// key + token.
pub fn oauth2_proactive_refresh_rotates_and_saves_first(t: Transport) {
    let s = t.sandbox();
    let set = authorize(&s, &confidential(&s), &[Scope::ReadMember]);
    let hooks: Arc<Hooks> = Arc::default();
    let client = client(&s, confidential(&s), expired(&set), &hooks);
    s.sb.admin().clear_requests();
    s.sb.admin()
        .inject_fault(Fault::prefix("/1/members/me", 1).status(503));
    client.me().unwrap();
    let log = s.sb.admin().requests();
    let paths: Vec<_> = log.iter().map(|r| (r.path.as_str(), r.status)).collect();
    assert_eq!(
        paths,
        [
            ("/oauth/token", 200),
            ("/1/members/me", 503),
            ("/1/members/me", 200)
        ]
    );
    let saved = hooks.saved.lock().unwrap();
    assert_eq!(saved.len(), 1, "one save per rotation");
    let old = set.refresh_token().unwrap().expose_secret();
    let new = saved[0].refresh_token().unwrap().expose_secret();
    assert_ne!(old, new, "the refresh token rotated");
    assert_eq!(client.grant().tokens(), saved[0], "the saved set is in use");
}

/// SPEC S8.5, S8.7: the access token expires on the sandbox clock while the client still
/// thinks it fresh: the 401 makes one refresh and one retry.
pub fn oauth2_expiry_on_the_sandbox_clock_refreshes_after_401(t: Transport) {
    let s = t.sandbox();
    let set = authorize(&s, &public(&s), &[Scope::ReadMember]);
    let hooks: Arc<Hooks> = Arc::default();
    let client = client(&s, public(&s), set, &hooks);
    client.me().unwrap();
    s.sb.admin().advance_clock(Duration::from_secs(3601));
    s.sb.admin().clear_requests();
    client.me().unwrap();
    let statuses: Vec<_> = s.sb.admin().requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 200, 200], "401, refresh, retry");
    assert_eq!(hooks.saved.lock().unwrap().len(), 1);
    assert!(hooks.rejected.lock().unwrap().is_empty());
}

/// DESIGN's single flight: 64 calls in flight on an expired token make exactly one refresh,
/// and the hook saves once.
pub fn oauth2_one_refresh_under_64_concurrent_calls(t: Transport) {
    let s = t.sandbox();
    let set = authorize(&s, &confidential(&s), &[Scope::ReadMember]);
    let hooks: Arc<Hooks> = Arc::default();
    let client = client(&s, confidential(&s), expired(&set), &hooks);
    s.sb.admin().clear_requests();
    let results = client.concurrent_me(64);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(token_requests(&s), 1, "one refresh for 64 calls");
    assert_eq!(hooks.saved.lock().unwrap().len(), 1);
    assert_eq!(s.sb.admin().requests().len(), 65);
}

/// DESIGN: a rotation hook that fails once fails that call; the next call saves the same set
/// again before using it, and the spent refresh token is never sent again.
pub fn oauth2_a_hook_that_fails_once(t: Transport) {
    let s = t.sandbox();
    let set = authorize(&s, &confidential(&s), &[Scope::ReadMember]);
    let hooks: Arc<Hooks> = Arc::default();
    hooks.failures.store(1, Ordering::SeqCst);
    let client = client(&s, confidential(&s), expired(&set), &hooks);
    s.sb.admin().clear_requests();
    let error = client.me().unwrap_err();
    assert_eq!(error.code(), "tokens_not_saved", "{error}");
    assert_eq!(
        s.sb.admin().requests().len(),
        1,
        "the new token is not used"
    );
    client.me().unwrap();
    assert_eq!(token_requests(&s), 1, "no second refresh");
    assert_eq!(hooks.saved.lock().unwrap().len(), 1);
}

/// SPEC S8.1, S8.6: a user revoking the app ends the grant: the 401, one refresh answered
/// `invalid_grant`, then `TokenRejected (GrantRevoked)`, the hook told once, and later calls
/// fail without a request.
pub fn oauth2_revoked_grant_means_reauthorize(t: Transport) {
    let s = t.sandbox();
    let set = authorize(&s, &confidential(&s), &[Scope::ReadMember]);
    let hooks: Arc<Hooks> = Arc::default();
    let client = client(&s, confidential(&s), set, &hooks);
    let revoked =
        s.sb.admin()
            .revoke_oauth2_grant(&s.sb.oauth2().client_id, None);
    assert_eq!(revoked.unwrap(), 1);
    s.sb.admin().clear_requests();
    assert_grant_revoked(&client.me().unwrap_err());
    let statuses: Vec<_> = s.sb.admin().requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 403], "the 401, then invalid_grant");
    assert!(client.grant().has_ended());
    assert_grant_revoked(&client.me().unwrap_err());
    assert_eq!(s.sb.admin().requests().len(), 2, "nothing more sent");
    assert_eq!(
        *hooks.rejected.lock().unwrap(),
        [TokenRejection::GrantRevoked]
    );
}

/// SPEC S8.5: a rotated refresh token presented again after the 10-minute leeway revokes the
/// whole grant: the client that rotated it must re-authorize too.
pub fn oauth2_reuse_after_the_leeway_kills_the_grant(t: Transport) {
    let s = t.sandbox();
    let set = authorize(&s, &confidential(&s), &[Scope::ReadMember]);
    let first = client(&s, confidential(&s), expired(&set), &Arc::default());
    first.me().unwrap(); // rotates set's refresh token
    s.sb.admin().advance_clock(Duration::from_secs(11 * 60));
    // A stale copy of the old set (another process's storage) tries its refresh token.
    let stale_hooks: Arc<Hooks> = Arc::default();
    let stale = client(&s, confidential(&s), expired(&set), &stale_hooks);
    assert_grant_revoked(&stale.me().unwrap_err());
    // The whole grant died: the first client's token is refused, and so is its refresh.
    assert_grant_revoked(&first.me().unwrap_err());
    assert_eq!(stale_hooks.rejected.lock().unwrap().len(), 1);
}
