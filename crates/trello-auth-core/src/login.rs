//! Getting a token on a user's machine, sans-IO (SPEC S7, S10): the [`Receiver`] that a
//! loopback listener feeds with every HTTP request it reads.
//!
//! Given the [`Mode`] (fragment, postMessage, paste or OAuth 1.0a's callback), the listener's
//! [`LoopbackOrigin`] and a [`Nonce`] passed in, the receiver says which URL the user opens
//! ([`Receiver::url_to_open`]) and answers each request with a response and maybe an
//! [`Outcome`]: a token, a verifier, a deny, a closed popup.
//!
//! Its checks are SPEC S10's: only requests whose `Host` is its own loopback origin (DNS
//! rebinding), the nonce of SPEC S7 in the path, compared in constant time, exactly one
//! delivery, and 404 for every other path without ending the flow (browsers also ask for
//! `/favicon.ico`). It owns the pages the browser shows; each is sent with
//! `Cache-Control: no-store`, `Referrer-Policy: no-referrer` and a Content-Security-Policy
//! that allows only its own inline script and stylesheet, by hash.
//!
//! ```
//! use trello_auth_core::login::{LoopbackOrigin, Mode, Nonce, Outcome, Receiver};
//! use trello_auth_core::{ApiKey, AuthorizeUrl};
//!
//! let authorize = AuthorizeUrl::new(ApiKey::new("0123456789abcdef0123456789abcdef")?);
//! let listener = LoopbackOrigin::new(8080)?;
//! let mut receiver = Receiver::new(Mode::Fragment(authorize), &listener, Nonce::from_bytes([7; 16]))?;
//! // The user opens Trello's consent page; Allow sends the browser back to the listener.
//! let url = receiver.url_to_open().as_str();
//! assert!(url.contains("return_url=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback%2F0707"));
//!
//! // The relay page is served at the return URL ...
//! let page = http::Request::get("/callback/07070707070707070707070707070707")
//!     .header("host", "127.0.0.1:8080")
//!     .body(Vec::new())?;
//! let reply = receiver.handle(&page);
//! assert_eq!(reply.response.status(), 200);
//! assert!(reply.outcome.is_none());
//!
//! // ... and its script posts `location.hash` back.
//! let token = format!("ATTA{}0123ABCD", "a".repeat(64));
//! let delivery = http::Request::post("/callback/07070707070707070707070707070707")
//!     .header("host", "127.0.0.1:8080")
//!     .header("content-type", "application/json")
//!     .body(serde_json::json!({ "fragment": format!("#token={token}") }).to_string().into_bytes())?;
//! let reply = receiver.handle(&delivery);
//! assert!(matches!(reply.outcome, Some(Outcome::Token(t)) if t.expose_secret() == token));
//! assert!(receiver.is_done());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod address;
mod pages;

use http::header::{CONTENT_TYPE, HOST, ORIGIN};
use http::{Method, StatusCode};
use serde::Deserialize;
use url::Url;

use crate::authorize::{AuthorizeUrl, Delivery};
use crate::capture::{parse_fragment, parse_pasted_token, parse_post_message_from, CaptureError};
use crate::config::ConfigError;
use crate::oauth1::{self, OAuthError, RequestToken, Verifier};
use crate::origin::Origin;
use crate::secret::Token;
use crate::Response;

pub use address::{LoopbackOrigin, Nonce, DEFAULT_PORT};
use pages::State;
pub use pages::{plain_page, result_page, PageOutcome};

/// A delivery body larger than this is refused (a token fragment is under 200 bytes).
pub const MAX_DELIVERY_BYTES: usize = 8 * 1024;

/// How Trello hands the answer over, with what the receiver needs for that way.
///
/// `#[non_exhaustive]`: OAuth 2.0's redirect (`?code=&state=`, SPEC S8.3) is the next mode.
#[derive(Debug)]
#[non_exhaustive]
pub enum Mode {
    /// `callback_method=fragment` (SPEC S1.3): the user opens the consent page, Allow sends the
    /// browser to the listener's relay page with `#token=...`. The delivery set on the builder
    /// is replaced by the listener's.
    Fragment(AuthorizeUrl),
    /// `callback_method=postMessage` (SPEC S1.3): the user opens the listener's opener page and
    /// presses its button (browsers block popups without a gesture); Trello's popup posts the
    /// token to it.
    PostMessage(AuthorizeUrl),
    /// Display mode (SPEC S1.3, S10): Trello shows the token and the user pastes it into the
    /// program ([`Receiver::receive_paste`]). Needs no listener and no allowed origin.
    Paste(AuthorizeUrl),
    /// OAuth 1.0a's callback (SPEC S6): `authorize_url` is the `OAuthAuthorizeToken` URL of the
    /// request token whose `oauth_callback` was [`LoopbackOrigin::callback_url`]; the callback
    /// must carry the same `oauth_token`.
    OAuth1 {
        /// Where the user approves the request token.
        authorize_url: Url,
        /// The request token the callback must name.
        request_token: RequestToken,
    },
}

/// How a login ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome {
    /// Trello delivered a token (fragment, postMessage, paste).
    Token(Token),
    /// OAuth 1.0a's callback carried the verifier for the request token: exchange it next.
    Verifier(Verifier),
    /// The user pressed Deny (SPEC S1.4). `message` is Trello's text, when it sent one.
    Denied {
        /// Trello's deny text, at most 200 characters, or a fixed phrase.
        message: String,
    },
    /// The popup was closed without an answer (SPEC S1.4): neither success nor deny.
    Closed,
    /// A delivery bound to this login could not be read: the flow ends with this error.
    Failed(LoginError),
}

impl Outcome {
    /// The stable name: `token`, `verifier`, `denied`, `closed` or `failed`.
    pub fn code(&self) -> &'static str {
        match self {
            Outcome::Token(_) => "token",
            Outcome::Verifier(_) => "verifier",
            Outcome::Denied { .. } => "denied",
            Outcome::Closed => "closed",
            Outcome::Failed(_) => "failed",
        }
    }
}

/// A delivery that carried this login's nonce could not be read. No message holds a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoginError {
    /// The token delivery was malformed (see [`CaptureError`]).
    #[error(transparent)]
    Capture(#[from] CaptureError),
    /// OAuth 1.0a's callback was malformed or named another request token (see
    /// [`OAuthError`]).
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    /// The page's delivery was not the JSON it sends: a bug, or a client other than the page.
    #[error("the delivery is not the page's JSON: {reason}")]
    BadDelivery {
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl LoginError {
    /// The stable name of the underlying error.
    pub fn code(&self) -> &'static str {
        match self {
            LoginError::Capture(e) => e.code(),
            LoginError::OAuth(e) => e.code(),
            LoginError::BadDelivery { .. } => "bad_delivery",
        }
    }
}

/// What to send back for one request, and the login's outcome if this request ended it.
#[derive(Debug)]
pub struct Reply {
    /// The response to write.
    pub response: Response,
    /// `Some` exactly once per login: the request that carried the delivery.
    pub outcome: Option<Outcome>,
}

/// The sans-IO receiver of one login. Feed it every request the listener reads, in order.
#[derive(Debug)]
pub struct Receiver {
    kind: Kind,
    listener: LoopbackOrigin,
    path: String,
    url_to_open: Url,
    app_name: Option<String>,
    /// The state the pages show once the login has its answer.
    finished: Option<State>,
}

#[derive(Debug)]
enum Kind {
    Fragment,
    PostMessage { authorize_url: Url, trusted: Origin },
    Paste,
    OAuth1 { request_token: RequestToken },
}

impl Receiver {
    /// The receiver of one login on `listener`, bound to `nonce`.
    ///
    /// # Errors
    /// The [`ConfigError`] of [`AuthorizeUrl::build`].
    pub fn new(mode: Mode, listener: &LoopbackOrigin, nonce: Nonce) -> Result<Self, ConfigError> {
        let return_url = listener.callback_url(&nonce);
        let path = return_url.path().to_owned();
        let (kind, url_to_open, app_name) = match mode {
            Mode::Fragment(authorize) => {
                let name = authorize.app_name().map(str::to_owned);
                let url = authorize.delivery(Delivery::Fragment(return_url)).build()?;
                (Kind::Fragment, url, name)
            }
            Mode::PostMessage(authorize) => {
                let name = authorize.app_name().map(str::to_owned);
                let trusted = authorize.authorize_base().clone();
                let authorize_url = authorize
                    .delivery(Delivery::PostMessage(return_url.clone()))
                    .build()?;
                let kind = Kind::PostMessage {
                    authorize_url,
                    trusted,
                };
                (kind, return_url, name)
            }
            Mode::Paste(authorize) => {
                let name = authorize.app_name().map(str::to_owned);
                (
                    Kind::Paste,
                    authorize.delivery(Delivery::Display).build()?,
                    name,
                )
            }
            Mode::OAuth1 {
                authorize_url,
                request_token,
            } => (Kind::OAuth1 { request_token }, authorize_url, None),
        };
        Ok(Self {
            kind,
            listener: listener.clone(),
            path,
            url_to_open,
            app_name,
            finished: None,
        })
    }

    /// The URL the user opens: Trello's consent page (fragment, paste, OAuth 1.0a), or the
    /// listener's opener page (postMessage).
    pub fn url_to_open(&self) -> &Url {
        &self.url_to_open
    }

    /// Whether this login needs the loopback listener (every mode but paste).
    pub fn needs_listener(&self) -> bool {
        !matches!(self.kind, Kind::Paste)
    }

    /// Whether the login has its outcome; later deliveries are refused.
    pub fn is_done(&self) -> bool {
        self.finished.is_some()
    }

    /// Takes what the user pasted in display mode (SPEC S10). `Ok` ends the login (a token,
    /// or a deny pasted as a URL); on `Err` ask the user again: nothing changed.
    ///
    /// # Errors
    /// The [`CaptureError`] of [`parse_pasted_token`]; [`CaptureError::Malformed`] when this
    /// login is not in paste mode or already has its answer.
    pub fn receive_paste(&mut self, input: &str) -> Result<Outcome, CaptureError> {
        if !matches!(self.kind, Kind::Paste) || self.finished.is_some() {
            return Err(CaptureError::Malformed {
                reason: "this login does not take a pasted token",
            });
        }
        let outcome = match parse_pasted_token(input) {
            Ok(token) => Outcome::Token(token),
            Err(CaptureError::Denied { message }) => Outcome::Denied { message },
            Err(e) => return Err(e),
        };
        self.finished = Some(state_of(&outcome));
        Ok(outcome)
    }

    /// Answers one request the listener read. Only a request carrying this login's delivery
    /// has an outcome; any other request (another path, another `Host`, a wrong nonce, a
    /// second delivery, a foreign postMessage) is answered without ending the flow.
    pub fn handle<B: AsRef<[u8]>>(&mut self, request: &http::Request<B>) -> Reply {
        if !self.host_is_ours(request) {
            // DNS rebinding: a page of another site that resolves to 127.0.0.1 (SPEC S10).
            return reply(pages::plain(
                StatusCode::MISDIRECTED_REQUEST,
                "this listener answers only http://127.0.0.1 on its own port\n",
            ));
        }
        if !self.path_is_ours(request.uri().path()) {
            return reply(pages::plain(StatusCode::NOT_FOUND, "not found\n"));
        }
        if matches!(self.kind, Kind::Paste) {
            return reply(pages::plain(StatusCode::NOT_FOUND, "not found\n"));
        }
        match *request.method() {
            Method::GET => self.get(request.uri().query()),
            Method::POST => self.post(request),
            _ => {
                let mut response =
                    pages::plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
                response.headers_mut().insert(
                    http::header::ALLOW,
                    http::HeaderValue::from_static("GET, POST"),
                );
                reply(response)
            }
        }
    }

    fn get(&mut self, query: Option<&str>) -> Reply {
        if let Some(state) = self.finished {
            return reply(pages::result(StatusCode::OK, state, None));
        }
        match &self.kind {
            Kind::Fragment => reply(pages::relay(self.app_name.as_deref())),
            Kind::PostMessage {
                authorize_url,
                trusted,
            } => reply(pages::opener(
                self.app_name.as_deref(),
                authorize_url.as_str(),
                trusted.as_str(),
            )),
            Kind::OAuth1 { request_token } => {
                let outcome = match oauth1::parse_callback(query.unwrap_or(""), request_token) {
                    Ok(verifier) => Outcome::Verifier(verifier),
                    Err(OAuthError::Denied) => Outcome::Denied {
                        message: "the user refused access".to_owned(),
                    },
                    Err(e @ OAuthError::TokenMismatch) => {
                        // Another request token's callback (a stale tab): not this login's.
                        return reply(pages::result(
                            StatusCode::BAD_REQUEST,
                            State::Error,
                            Some(&e.to_string()),
                        ));
                    }
                    Err(e) => Outcome::Failed(e.into()),
                };
                self.finish(outcome, |state, detail| {
                    pages::result(status_of(state), state, detail)
                })
            }
            Kind::Paste => reply(pages::plain(StatusCode::NOT_FOUND, "not found\n")),
        }
    }

    fn post<B: AsRef<[u8]>>(&mut self, request: &http::Request<B>) -> Reply {
        let forbidden = |text| reply(pages::plain(StatusCode::FORBIDDEN, text));
        // The page posts from its own origin; a browser sends `Origin` on every POST.
        if let Some(origin) = request.headers().get(ORIGIN) {
            if origin.as_bytes() != self.listener.as_str().as_bytes() {
                return forbidden("deliveries come only from this listener's own page\n");
            }
        }
        // A cross-site form cannot send this type without a CORS preflight, which is refused.
        let json = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return forbidden("a delivery is JSON from this listener's own page\n");
        }
        if matches!(self.kind, Kind::OAuth1 { .. }) {
            return reply(pages::plain(
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed\n",
            ));
        }
        if self.finished.is_some() {
            return reply(pages::answer(
                StatusCode::CONFLICT,
                State::AlreadyDone,
                None,
            ));
        }
        let body = request.body().as_ref();
        if body.len() > MAX_DELIVERY_BYTES {
            return self.finish(
                Outcome::Failed(LoginError::BadDelivery {
                    reason: "the delivery is too large",
                }),
                json_answer,
            );
        }
        let delivery: PageDelivery = match serde_json::from_slice(body) {
            Ok(d) => d,
            Err(_) => {
                return self.finish(
                    Outcome::Failed(LoginError::BadDelivery {
                        reason: "the body is not the JSON object the page sends",
                    }),
                    json_answer,
                )
            }
        };
        let outcome = match (&self.kind, delivery) {
            (Kind::Fragment, PageDelivery::Fragment { fragment }) => {
                capture_outcome(parse_fragment(&fragment))
            }
            (Kind::PostMessage { trusted, .. }, PageDelivery::Message { origin, data }) => {
                match parse_post_message_from(trusted, &origin, &data) {
                    // Any page can post to the opener (SPEC S1.3): ignore it, keep waiting.
                    Err(e @ CaptureError::WrongOrigin { .. }) => {
                        return reply(pages::answer(
                            StatusCode::ACCEPTED,
                            State::Ignored,
                            Some(&e.to_string()),
                        ));
                    }
                    other => capture_outcome(other),
                }
            }
            (Kind::PostMessage { .. }, PageDelivery::Closed { closed: true }) => Outcome::Closed,
            _ => Outcome::Failed(LoginError::BadDelivery {
                reason: "the delivery does not fit this login's mode",
            }),
        };
        self.finish(outcome, json_answer)
    }

    /// Records the outcome and renders its answer.
    fn finish(
        &mut self,
        outcome: Outcome,
        render: impl FnOnce(State, Option<&str>) -> Response,
    ) -> Reply {
        let state = state_of(&outcome);
        let detail = match &outcome {
            Outcome::Denied { message } => Some(message.clone()),
            Outcome::Failed(e) => Some(e.to_string()),
            _ => None,
        };
        self.finished = Some(state);
        Reply {
            response: render(state, detail.as_deref()),
            outcome: Some(outcome),
        }
    }

    fn host_is_ours<B>(&self, request: &http::Request<B>) -> bool {
        let expected = self.listener.host().as_bytes();
        let header_ok = request
            .headers()
            .get_all(HOST)
            .iter()
            .map(|h| h.as_bytes() == expected)
            .fold(None, |all, ok| Some(all.unwrap_or(true) && ok))
            .unwrap_or(false);
        // An absolute-form request target (`GET http://host/...`) must name us too.
        let target_ok = request
            .uri()
            .authority()
            .is_none_or(|a| a.as_str().as_bytes() == expected);
        header_ok && target_ok
    }

    fn path_is_ours(&self, path: &str) -> bool {
        oauth1::constant_time_eq(path.as_bytes(), self.path.as_bytes())
    }
}

/// What the relay page's script does with the address Trello redirected to (SPEC S10), for a
/// program or test that stands in for a browser: the page's URL (`location` without its
/// fragment), to load and then `POST` to with `Content-Type: application/json`, and that JSON
/// body. `None` when `location` has no fragment.
///
/// ```
/// let (page, body) = trello_auth_core::login::relay_post(
///     "http://127.0.0.1:8080/callback/0a0b#token=ATTAabc",
/// ).unwrap();
/// assert_eq!(page, "http://127.0.0.1:8080/callback/0a0b");
/// assert_eq!(body, r##"{"fragment":"#token=ATTAabc"}"##);
/// ```
pub fn relay_post(location: &str) -> Option<(&str, String)> {
    let (page, fragment) = location.split_once('#')?;
    let body = serde_json::json!({ "fragment": format!("#{fragment}") }).to_string();
    Some((page, body))
}

/// What the pages post back (the script in `login/page.js`).
#[derive(Deserialize)]
#[serde(untagged, deny_unknown_fields)]
enum PageDelivery {
    Fragment { fragment: String },
    Message { origin: String, data: String },
    Closed { closed: bool },
}

fn reply(response: Response) -> Reply {
    Reply {
        response,
        outcome: None,
    }
}

fn json_answer(state: State, detail: Option<&str>) -> Response {
    pages::answer(status_of(state), state, detail)
}

fn capture_outcome(result: Result<Token, CaptureError>) -> Outcome {
    match result {
        Ok(token) => Outcome::Token(token),
        Err(CaptureError::Denied { message }) => Outcome::Denied { message },
        Err(e) => Outcome::Failed(e.into()),
    }
}

fn state_of(outcome: &Outcome) -> State {
    match outcome {
        Outcome::Token(_) | Outcome::Verifier(_) => State::Success,
        Outcome::Denied { .. } => State::Denied,
        Outcome::Closed => State::Closed,
        Outcome::Failed(_) => State::Error,
    }
}

fn status_of(state: State) -> StatusCode {
    match state {
        State::Error => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    }
}

#[cfg(test)]
mod tests;
