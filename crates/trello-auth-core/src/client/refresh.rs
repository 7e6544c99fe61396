//! [`Refresh`]: the OAuth 2.0 refresh a call needs before it can send (SPEC S8.5, S8.7),
//! walked by the client: take the grant's refresh lock ([`lock`](Refresh::lock) or
//! [`lock_blocking`](Refresh::lock_blocking)), [`start`](Refresh::start), send what it gives
//! once, [`finish`](Refresh::finish), then ask [`Call::attempt`](super::Call::attempt) again.

use std::fmt;

use super::Session;
use crate::classify::TokenRejection;
use crate::error::Error;
use crate::oauth2::{parse_token_response, refresh_request, Grant, Start};
use crate::transport::TransportError;
use crate::{Request, Response};

/// A refresh of the session's OAuth 2.0 grant, from [`Attempt::Refresh`](super::Attempt).
///
/// However many calls need it at once, one sends the token request; the others find the new
/// token set when they get the lock, and send nothing.
///
/// ```
/// use trello_auth_core::client::{Attempt, Session};
/// use trello_auth_core::oauth2::{AccessToken, ClientCredentials, Grant, RefreshToken, TokenSet};
/// use trello_auth_core::Origin;
///
/// // An access token that expired at unix time 1000.
/// let tokens = TokenSet::new(AccessToken::new("at-1")?, Some(RefreshToken::new("rt-1")?), Some(1_000), vec![]);
/// let session = Session::builder()
///     .oauth2(Grant::new(ClientCredentials::public("app")?, tokens))
///     .api_base(Origin::parse("https://api.example.test")?)
///     .auth_base(Origin::parse("https://auth.example.test")?)
///     .build();
/// let mut call = session.call(session.members_me_request());
/// let Attempt::Refresh(refresh) = call.attempt(std::time::Instant::now(), || 2_000)? else {
///     panic!("an expired token is refreshed first");
/// };
/// let flight = refresh.lock_blocking();
/// let request = refresh.start(&flight, 2_000)?.expect("this caller refreshes");
/// assert_eq!(request.uri(), "https://auth.example.test/oauth/token");
/// let answer = http::Response::new(
///     br#"{"access_token":"at-2","refresh_token":"rt-2","expires_in":3600,"token_type":"Bearer"}"#.to_vec(),
/// ); // = transport.send(request)
/// refresh.finish(&flight, Ok(answer), 2_000)?;
/// drop(flight);
/// let Attempt::Send(request) = call.attempt(std::time::Instant::now(), || 2_000)? else {
///     panic!("the new token is fresh");
/// };
/// assert_eq!(request.headers()["authorization"], "Bearer at-2");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub struct Refresh<'s> {
    pub(super) session: &'s Session,
    pub(super) grant: &'s Grant,
    /// The token set the call saw; a newer one means another caller refreshed.
    pub(super) generation: u64,
}

/// The grant's refresh lock, held while one caller refreshes or saves.
#[must_use]
pub struct Flight<'g> {
    _held: async_lock::MutexGuard<'g, ()>,
}

impl fmt::Debug for Flight<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Flight")
    }
}

impl<'s> Refresh<'s> {
    /// Waits for the refresh lock (async clients).
    pub async fn lock(&self) -> Flight<'s> {
        Flight {
            _held: self.grant.flight().lock().await,
        }
    }

    /// Waits for the refresh lock, blocking the thread (blocking clients).
    pub fn lock_blocking(&self) -> Flight<'s> {
        Flight {
            _held: self.grant.flight().lock_blocking(),
        }
    }

    /// Under the lock: the token request to send once (no retry: a refresh token is spent
    /// when the server reads it), or `None` when nothing is left to send (another caller
    /// refreshed, or this one saved the last refresh's set again). Fails when the grant ended.
    pub fn start(&self, _flight: &Flight<'_>, now_unix: u64) -> Result<Option<Request>, Error> {
        match self.grant.start(self.generation, now_unix) {
            Start::Current => Ok(None),
            Start::Save => self.save().map(|()| None),
            Start::Refresh(tokens) => Ok(tokens
                .refresh_token()
                .map(|token| refresh_request(&self.session.auth_base, self.grant.client(), token))),
            Start::EndedNow => {
                self.session.token_rejected(TokenRejection::GrantRevoked);
                Err(grant_revoked())
            }
            Start::Ended => Err(grant_revoked()),
        }
    }

    /// Under the lock: reads the token endpoint's answer. A new set is saved through the
    /// grant's hook before anything uses it; `invalid_grant` ends the grant (the session's
    /// token-rejected hook hears it once); another failure leaves the grant as it was, for a
    /// later call to try again.
    pub fn finish(
        &self,
        _flight: &Flight<'_>,
        outcome: Result<Response, TransportError>,
        now_unix: u64,
    ) -> Result<(), Error> {
        match parse_token_response(&outcome?, now_unix) {
            Ok(tokens) => {
                self.grant.rotated(tokens);
                self.save()
            }
            Err(e) if e.is_invalid_grant() => {
                if self.grant.end() {
                    self.session.token_rejected(TokenRejection::GrantRevoked);
                }
                Err(grant_revoked())
            }
            Err(e) => Err(e.into()),
        }
    }

    fn save(&self) -> Result<(), Error> {
        self.grant
            .save()
            .map_err(|source| Error::TokensNotSaved { source })
    }
}

impl fmt::Debug for Refresh<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refresh")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

/// The error of a call on an ended grant.
pub(super) fn grant_revoked() -> Error {
    Error::TokenRejected {
        reason: TokenRejection::GrantRevoked,
    }
}

#[cfg(test)]
mod tests;
