//! The calls an OAuth 2.0 login makes, each the core's sans-IO request sent once with the
//! hyper transport: the code exchange and the refresh (`POST {auth_base}/oauth/token`, SPEC
//! S8.4-S8.6), and the check of a new access token with `GET /1/members/me` as
//! `Authorization: Bearer` (SPEC S8.7). `/1/tokens/*` is never called with an OAuth 2.0 token.

use trello_auth_core::oauth2::{
    self, AccessToken, AuthorizationCode, ClientCredentials, CodeVerifier, RefreshToken, TokenSet,
};
use trello_auth_core::token::Member;
use trello_auth_core::{classify, Error as ClientError, Request, Transport};

use crate::api::Endpoint;
use crate::error::{Error, Result};

/// Exchanges the authorization code (SPEC S8.4), once: a code is single-use.
pub(crate) async fn exchange(
    endpoint: &Endpoint,
    client: &ClientCredentials,
    code: &AuthorizationCode,
    verifier: &CodeVerifier,
    redirect_uri: &str,
) -> Result<TokenSet> {
    let request =
        oauth2::code_exchange_request(&endpoint.auth_base, client, code, verifier, redirect_uri);
    token_call(endpoint, request).await
}

/// Refreshes (SPEC S8.4), once: the answer's refresh token replaces `refresh_token`, which is
/// dead from then on (SPEC S8.5). An `invalid_grant` is [`OAuth2Error::is_invalid_grant`]
/// (re-authorize).
///
/// [`OAuth2Error::is_invalid_grant`]: trello_auth_core::oauth2::OAuth2Error::is_invalid_grant
pub(crate) async fn refresh(
    endpoint: &Endpoint,
    client: &ClientCredentials,
    refresh_token: &RefreshToken,
) -> Result<TokenSet> {
    let request = oauth2::refresh_request(&endpoint.auth_base, client, refresh_token);
    token_call(endpoint, request).await
}

async fn token_call(endpoint: &Endpoint, request: Request) -> Result<TokenSet> {
    let response = endpoint
        .transport()?
        .send(request)
        .await
        .map_err(ClientError::from)?;
    Ok(oauth2::parse_token_response(&response, unix_now())?)
}

/// `GET /1/members/me` with the access token as `Authorization: Bearer` (SPEC S8.1, S8.7):
/// the token works, and whose it is. Needs `read:member:trello`.
pub(crate) async fn member(endpoint: &Endpoint, access_token: &AccessToken) -> Result<Member> {
    let request = http::Request::get(format!("{}/1/members/me", endpoint.api_base.as_str()))
        .body(Vec::new())
        // An origin and a fixed path form a valid URI.
        .expect("a valid members/me request");
    let request = oauth2::bearer(request, access_token)
        .map_err(|e| Error::Validation(ClientError::from(e)))?;
    let response = endpoint
        .transport()?
        .send(request)
        .await
        .map_err(|e| Error::Validation(ClientError::from(e)))?;
    if let Some(refused) = ClientError::from_verdict(&classify(&response)) {
        return Err(Error::Validation(refused));
    }
    trello_auth_core::client::decode(&response).map_err(Error::Validation)
}

/// Now, in unix seconds (the token set's expiry is counted from it).
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
