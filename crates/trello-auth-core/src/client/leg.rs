//! [`Leg`]: one signed request of the OAuth 1.0a flow (SPEC S6) that a client sends exactly
//! once, and how to read its answer.

use std::fmt;

use super::Session;
use crate::error::Error;
use crate::oauth1::{
    self, Callback, Consumer, OAuthError, RequestToken, TokenCredentials, Verifier,
};
use crate::{Request, Response};

/// A leg of the three-legged flow, made by [`Session::oauth1_request_token`] or
/// [`Session::oauth1_access_token`]: sign it with [`request`](Self::request) (a fresh nonce
/// each time), send it once (a nonce must not be replayed: no retry), and [`read`](Self::read)
/// the answer.
///
/// ```
/// use trello_auth_core::client::Session;
/// use trello_auth_core::oauth1::{Callback, Consumer};
/// use trello_auth_core::AppSecret;
///
/// let session = Session::builder().seed(7).build();
/// let consumer = Consumer::new("0123456789abcdef0123456789abcdef", AppSecret::new("a".repeat(64))?);
/// let leg = session.oauth1_request_token(&consumer, &Callback::Oob);
/// let signed = leg.request(1_700_000_000)?;
/// assert_eq!(signed.uri(), "https://trello.com/1/OAuthGetRequestToken");
/// let refused = http::Response::builder().status(401).body(b"invalid signature".to_vec())?;
/// assert!(leg.read(&refused).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Leg<'a, T> {
    session: &'a Session,
    step: Step<'a>,
    read: fn(&Response) -> Result<T, OAuthError>,
}

enum Step<'a> {
    RequestToken {
        consumer: &'a Consumer,
        callback: &'a Callback,
    },
    AccessToken {
        consumer: &'a Consumer,
        request_token: &'a RequestToken,
        verifier: &'a Verifier,
    },
}

impl<'a> Leg<'a, RequestToken> {
    pub(super) fn request_token(
        session: &'a Session,
        consumer: &'a Consumer,
        callback: &'a Callback,
    ) -> Self {
        Leg {
            session,
            step: Step::RequestToken { consumer, callback },
            read: |response| oauth1::parse_request_token_response(response),
        }
    }
}

impl<'a> Leg<'a, TokenCredentials> {
    pub(super) fn access_token(
        session: &'a Session,
        consumer: &'a Consumer,
        request_token: &'a RequestToken,
        verifier: &'a Verifier,
    ) -> Self {
        Leg {
            session,
            step: Step::AccessToken {
                consumer,
                request_token,
                verifier,
            },
            read: |response| oauth1::parse_access_token_response(response),
        }
    }
}

impl<T> Leg<'_, T> {
    /// The signed request to the session's authorize origin, with a fresh nonce and the
    /// timestamp `unix_time` (seconds since the Unix epoch).
    pub fn request(&self, unix_time: u64) -> Result<Request, Error> {
        let nonce = self.session.nonce();
        let auth_base = self.session.auth_base();
        let request = match self.step {
            Step::RequestToken { consumer, callback } => {
                oauth1::request_token_request(consumer, auth_base, callback, &nonce, unix_time)
            }
            Step::AccessToken {
                consumer,
                request_token,
                verifier,
            } => oauth1::access_token_request(
                consumer,
                auth_base,
                request_token,
                verifier,
                &nonce,
                unix_time,
            ),
        };
        Ok(request?)
    }

    /// The leg's result from the server's answer, or why the step failed.
    pub fn read(&self, response: &Response) -> Result<T, Error> {
        Ok((self.read)(response)?)
    }
}

impl<T> fmt::Debug for Leg<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let step = match self.step {
            Step::RequestToken { .. } => "OAuthGetRequestToken",
            Step::AccessToken { .. } => "OAuthGetAccessToken",
        };
        f.debug_struct("Leg").field("step", &step).finish()
    }
}
