//! The demo's OAuth 2.0 walk (SPEC S8): consent with PKCE, the code exchange, a Bearer call,
//! an expiry that makes the client refresh (the refresh token rotates, and the new set is saved
//! before its first use), and the re-authorization a reused refresh token forces.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use trello_auth_core::oauth2::{
    self, AuthorizationRequest, ClientCredentials, ClientSecret, Grant, Pkce, Scope, TokenSet,
};
use trello_auth_core::{BlockingTransport, Error as ClientError, Origin, TokenRejection};
use trello_auth_sandbox::Sandbox;

use super::browser;
use super::clients::Clients;
use super::report::{short, Report};

/// What the app's credential store holds: the last token set its hook saved.
type Store = Arc<Mutex<Option<TokenSet>>>;

pub(crate) fn walk(
    sb: &Sandbox,
    clients: &Clients,
    api: &Origin,
    auth: &Origin,
    r: &mut Report,
) -> Result<(), String> {
    let info = sb.oauth2();
    let secret = ClientSecret::new(&info.client_secret).map_err(|e| e.to_string())?;
    let app =
        ClientCredentials::confidential(&info.client_id, secret).map_err(|e| e.to_string())?;
    let redirect_uri = info.redirect_uris.first().ok_or("no redirect URI")?;

    r.step("OAuth 2.0 (SPEC S8): the authorization request, with PKCE and a state");
    let pkce = Pkce::from_random(random()?);
    let state = hex(&random()?[..16]);
    let url = AuthorizationRequest::new(app.client_id(), redirect_uri)
        .scopes([Scope::ReadMember, Scope::ReadBoard])
        .state(&state)
        .pkce(&pkce)
        .auth_base(auth.clone())
        .build()
        .map_err(|e| e.to_string())?;
    r.line(&format!(
        "{}/authorize?client_id=…&code_challenge=… (S256, offline_access)",
        auth
    ));

    r.step("Consent, then the code exchange (JSON, the verifier proves the same app)");
    let answer = browser::consent(&clients.bare_ureq, url.as_str(), "Allow")?;
    let location = answer
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or("no redirect back")?;
    let code = oauth2::parse_redirect(location, &state).map_err(|e| e.to_string())?;
    r.line(&format!(
        "redirect carried the state (matches) and code {}",
        short(code.expose_secret())
    ));
    let exchange = oauth2::code_exchange_request(auth, &app, &code, pkce.verifier(), redirect_uri);
    let sent = clients
        .bare_ureq
        .send(exchange)
        .map_err(|e| e.to_string())?;
    let tokens = oauth2::parse_token_response(&sent, unix_now()).map_err(|e| e.to_string())?;
    r.line(&format!(
        "access token {}, expires in {} s, scopes {}",
        short(tokens.access_token().expose_secret()),
        tokens.expires_at().unwrap_or(0).saturating_sub(unix_now()),
        tokens.scopes().join(" ")
    ));
    r.check(
        tokens.refresh_token().is_some(),
        "a refresh token (offline_access)",
    );

    r.step("A Bearer call, then the access token expires (on the sandbox clock)");
    let store: Store = Arc::default();
    let client = clients.oauth2_ureq(grant(&app, tokens.clone(), &store), api, auth);
    let me = client.me().map_err(|e| e.to_string())?;
    r.line(&format!(
        "members/me -> @{} (Authorization: Bearer)",
        me.username
    ));
    sb.admin().advance_clock(Duration::from_secs(3601));
    let me = client.me().map_err(|e| e.to_string())?;
    let saved = store.lock().map_err(|_| "store")?.clone();
    let rotated = saved
        .as_ref()
        .and_then(TokenSet::refresh_token)
        .map(|t| t.expose_secret());
    let before = tokens.refresh_token().map(|t| t.expose_secret());
    r.line(&format!(
        "an hour later: 401, one refresh, retry -> @{}; refresh token rotated to {}",
        me.username,
        rotated.map(short).unwrap_or_default()
    ));
    r.check(
        rotated.is_some() && rotated != before,
        "the rotated set was saved before its access token was used",
    );

    r.step("A stale copy reuses the old refresh token after the 10-minute leeway");
    sb.admin().advance_clock(Duration::from_secs(11 * 60));
    let stale = clients.oauth2_ureq(grant(&app, expired(&tokens), &Store::default()), api, auth);
    let reused = stale.me();
    r.line(&format!(
        "stale copy: {}",
        reused
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default()
    ));
    let after = client.me();
    r.line(&format!(
        "the app's own client: {}",
        after
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default()
    ));
    r.check(
        [reused.map(drop), after.map(drop)]
            .iter()
            .all(grant_revoked),
        "the whole grant died: authorize the user again (SPEC S8.5)",
    );
    Ok(())
}

fn grant(app: &ClientCredentials, tokens: TokenSet, store: &Store) -> Grant {
    let store = Arc::clone(store);
    Grant::new(app.clone(), tokens).on_tokens(move |rotated| {
        *store.lock().map_err(|_| "the store's lock is poisoned")? = Some(rotated.clone());
        Ok(())
    })
}

/// `tokens` as a copy read back from storage after its access token expired.
fn expired(tokens: &TokenSet) -> TokenSet {
    TokenSet::new(
        tokens.access_token().clone(),
        tokens.refresh_token().cloned(),
        Some(0),
        tokens.scopes().to_vec(),
    )
}

fn grant_revoked(outcome: &Result<(), ClientError>) -> bool {
    matches!(
        outcome,
        Err(ClientError::TokenRejected {
            reason: TokenRejection::GrantRevoked
        })
    )
}

/// 32 bytes from the OS's CSPRNG (PKCE and the state must be unguessable, SPEC S8.2).
fn random() -> Result<[u8; 32], String> {
    let mut bytes = [0; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| format!("no OS randomness: {e}"))?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
