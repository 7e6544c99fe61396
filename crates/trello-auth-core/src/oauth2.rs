//! OAuth 2.0, authorization code with PKCE (SPEC S8), sans-IO like [`oauth1`](crate::oauth1):
//! the state, the PKCE bytes and the current time are arguments, and a transport sends each
//! request.
//!
//! In scope: the PKCE pair ([`Pkce`]), the authorization request ([`AuthorizationRequest`]),
//! the redirect back ([`parse_redirect`]), the token requests ([`code_exchange_request`],
//! [`refresh_request`]) and their answers ([`parse_token_response`] into a [`TokenSet`]), and
//! the Bearer placement on REST calls ([`bearer`]), and the refresh policy's state shared by a
//! client's calls ([`Grant`]; a client walks it through
//! [`client::Refresh`](crate::client::Refresh)). Out of scope: randomness, sockets, clocks.
//!
//! The flow, with a transport sending each request (here, canned responses):
//!
//! ```
//! use trello_auth_core::oauth2::{self, AuthorizationRequest, ClientCredentials, Pkce, Scope};
//! use trello_auth_core::Origin;
//!
//! let auth = Origin::atlassian_auth();
//! let redirect_uri = "http://127.0.0.1:53682/callback";
//! // 1. Send the user's browser to the authorization server. The state and the PKCE bytes
//! //    come from the caller's CSPRNG.
//! let pkce = Pkce::from_random([42; 32]);
//! let state = "q8pTmWb1xv3Zr0";
//! let url = AuthorizationRequest::new("my-client-id", redirect_uri)
//!     .scopes([Scope::ReadMember, Scope::ReadBoard])
//!     .state(state)
//!     .pkce(&pkce)
//!     .auth_base(auth.clone())
//!     .build()?;
//! assert!(url.as_str().starts_with("https://auth.atlassian.com/authorize?client_id=my-client-id&"));
//!
//! // 2. The browser comes back to the redirect URI.
//! let code = oauth2::parse_redirect(
//!     "http://127.0.0.1:53682/callback?code=c0d3&state=q8pTmWb1xv3Zr0",
//!     state,
//! )?;
//!
//! // 3. Exchange the code (a public client: no secret).
//! let client = ClientCredentials::public("my-client-id")?;
//! let request = oauth2::code_exchange_request(&auth, &client, &code, pkce.verifier(), redirect_uri);
//! assert_eq!(request.uri(), "https://auth.atlassian.com/oauth/token");
//! let response = http::Response::new(
//!     r#"{"access_token":"at-1","refresh_token":"rt-1","expires_in":3600,"scope":"read:board:trello read:member:trello offline_access","token_type":"Bearer"}"#,
//! ); // = transport.send(request)
//! let tokens = oauth2::parse_token_response(&response, 1_700_000_000)?;
//! assert_eq!(tokens.expires_at(), Some(1_700_003_600));
//!
//! // 4. Call the API with the access token.
//! let call = http::Request::get("https://api.trello.com/1/members/me").body(Vec::new())?;
//! let call = oauth2::bearer(call, tokens.access_token())?;
//! assert_eq!(call.headers()["authorization"], "Bearer at-1");
//!
//! // 5. Near expiry, refresh; the answer's NEW refresh token must be persisted before the
//! //    new access token is used (SPEC S8.5).
//! if tokens.expires_within(1_700_003_570, 60) {
//!     let refresh = tokens.refresh_token().expect("offline_access was granted");
//!     let request = oauth2::refresh_request(&auth, &client, refresh);
//!     let body: serde_json::Value = serde_json::from_slice(request.body())?;
//!     assert_eq!(body["grant_type"], "refresh_token");
//!     let response = http::Response::new(
//!         r#"{"access_token":"at-2","refresh_token":"rt-2","expires_in":3600,"token_type":"Bearer"}"#,
//!     ); // = transport.send(request)
//!     let tokens = oauth2::parse_token_response(&response, 1_700_003_570)?;
//!     assert_eq!(tokens.refresh_token().unwrap().expose_secret(), "rt-2");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Security
//! Client secrets, tokens, codes and verifiers are secret types: no `Display`, a redacting
//! `Debug`, zeroized on drop. Errors never carry them. The Bearer header is marked sensitive
//! and never goes over plain `http` to a non-loopback host; an OAuth 2.0 token is never put
//! in a query or a body (SPEC S8.1).

mod authorize;
mod bearer;
mod error;
mod grant;
mod pkce;
mod redirect;
mod scope;
mod secrets;
mod token;

pub use authorize::AuthorizationRequest;
pub use bearer::bearer;
pub(crate) use bearer::{header as bearer_header, place as place_bearer};
pub use error::{EndpointError, OAuth2Error, SecretKind};
pub(crate) use grant::{Access, Start};
pub use grant::{Grant, TokensHook, REFRESH_LEEWAY_SECS};
pub use pkce::Pkce;
pub use redirect::parse_redirect;
pub use scope::Scope;
pub use secrets::{
    AccessToken, AuthorizationCode, ClientCredentials, ClientSecret, CodeVerifier, RefreshToken,
};
pub use token::{
    code_exchange_request, parse_token_response, refresh_request, TokenSet, TOKEN_PATH,
};

#[cfg(test)]
mod tests;
