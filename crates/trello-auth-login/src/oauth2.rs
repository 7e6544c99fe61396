//! OAuth 2.0 on a user's machine (SPEC S8, S10): [`OAuth2Login`], the loopback code flow with
//! PKCE of RFC 8252 (the listener's `/callback` receives the redirect), and what a program does
//! with the stored token set later: [`access_token`] (refreshing and persisting the rotation
//! first) and [`check`].
//!
//! ```no_run
//! use trello_auth_login::{oauth2, CredentialStore, OAuth2Login, StoreChoice};
//!
//! // Once: register http://127.0.0.1:8080/callback as the app's callback URL.
//! let result = OAuth2Login::new("my-client-id")?.run_blocking()?;
//! println!("logged in as {}", result.member.username);
//!
//! // Later, in any process: a fresh access token (refreshed if under 60 s are left).
//! let store = CredentialStore::new(StoreChoice::Auto)?;
//! let fresh = oauth2::access_token(&store, "default", None, None)?;
//! let bearer = fresh.access_token(); // Authorization: Bearer <token>
//! # let _ = bearer;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! There is no revocation endpoint (SPEC S8.1): [`account::logout`](crate::account::logout)
//! forgets the token set, and the user revokes the app on their Atlassian account page.

mod account;
mod api;
mod flow;
mod receiver;

pub use account::{access_token, check, expiry, load, refresh, FreshToken, REFRESH_MARGIN_SECS};
pub use flow::{OAuth2Login, DEFAULT_SCOPES};
pub use receiver::CALLBACK_PATH;

#[cfg(test)]
mod tests;
