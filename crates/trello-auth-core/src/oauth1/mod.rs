//! OAuth 1.0a (SPEC S6): HMAC-SHA1 request signing exactly as RFC 5849 §3.4 says, and the
//! three-legged flow as plain functions, sans-IO (nonces and timestamps are arguments).
//!
//! Signing: build a [`Signer`] once per consumer and token (it precomputes the HMAC key), then
//! [`Signer::authorize`] each request, or [`Signer::sign`] to inspect the base string.
//! Query parameters and form-encoded body parameters are signed, a JSON body is not, and no
//! `oauth_body_hash` is sent.
//!
//! The flow, with a transport sending each request (here, canned responses):
//!
//! ```
//! use trello_auth_core::oauth1::{self, Callback, Consumer, OAuthParams, Signer};
//! use trello_auth_core::{AppSecret, Origin};
//!
//! let consumer = Consumer::new("0123456789abcdef0123456789abcdef", AppSecret::new("app-secret")?);
//! let trello = Origin::trello();
//!
//! // 1. Request token, with the page that will receive the verifier.
//! let callback = Callback::parse("http://localhost:8765/callback")?;
//! let request = oauth1::request_token_request(&consumer, &trello, &callback, "nonce-1", 1714567000)?;
//! let response = http::Response::new(
//!     "oauth_token=rt42&oauth_token_secret=rts&oauth_callback_confirmed=true",
//! ); // = transport.send(request)
//! let request_token = oauth1::parse_request_token_response(&response)?;
//!
//! // 2. Send the user to Trello.
//! let url = oauth1::authorize_url(&trello, &request_token, Some("My App"), "read", "1day");
//! assert_eq!(
//!     url.as_str(),
//!     "https://trello.com/1/OAuthAuthorizeToken?oauth_token=rt42&name=My+App&scope=read&expiration=1day",
//! );
//!
//! // 3. Trello redirects to the callback.
//! let verifier = oauth1::parse_callback(
//!     "http://localhost:8765/callback?oauth_token=rt42&oauth_verifier=v3r1f13r",
//!     &request_token,
//! )?;
//!
//! // 4. Access token.
//! let request = oauth1::access_token_request(&consumer, &trello, &request_token, &verifier, "nonce-2", 1714567060)?;
//! let access = format!("oauth_token={}&oauth_token_secret=ats", "a".repeat(64));
//! let response = http::Response::new(access); // = transport.send(request)
//! let credentials = oauth1::parse_access_token_response(&response)?;
//!
//! // 5. Sign API calls.
//! let signer = Signer::new(&consumer, Some(&credentials));
//! let request = http::Request::get("https://api.trello.com/1/members/me").body(Vec::new())?;
//! let request = signer.authorize(request, &OAuthParams::new("nonce-3", 1714567100))?;
//! assert!(request.headers()["authorization"].to_str()?.contains("oauth_signature="));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Security
//! Consumer secrets, tokens, token secrets and verifiers never appear in `Debug` or in an
//! error; the `Authorization` header is marked sensitive. Plain `http://` is not refused for
//! signed requests: OAuth 1.0a sends no secret, only a signature bound to a nonce.

mod encode;
mod error;
mod flow;
mod sign;

pub use encode::encode as percent_encode;
pub use error::OAuthError;
pub(crate) use flow::constant_time_eq;
pub use flow::{
    access_token_request, authorize_url, parse_access_token_response, parse_callback,
    parse_request_token_response, request_token_request, Callback, RequestToken, Verifier,
    ACCESS_TOKEN_PATH, AUTHORIZE_TOKEN_PATH, REQUEST_TOKEN_PATH,
};
pub use sign::{sign, Consumer, OAuthParams, Signature, Signer, TokenCredentials};

#[cfg(test)]
mod tests;
