//! [`Callback`]: the listener's side of the OAuth 2.0 redirect (SPEC S8.3, S10, RFC 8252
//! §7.3). The browser comes back to `http://127.0.0.1:<port>/callback?code=…&state=…` (or
//! `?error=…`); this answers every request the listener reads, and the one redirect ends the
//! login. The `state` check and the parsing are the core's [`parse_redirect`].

use http::header::HOST;
use http::{Method, StatusCode};
use trello_auth_core::login::LoopbackOrigin;
use trello_auth_core::oauth2::{parse_redirect, AuthorizationCode, OAuth2Error};
use trello_auth_core::Response;

use crate::listener::Handler;
use trello_auth_core::login::{plain_page, result_page, PageOutcome};

/// The redirect path: the registered redirect URI is `http://127.0.0.1:<port>/callback`, the
/// same string in the authorize request and the code exchange (SPEC S8.2, S8.4).
pub const CALLBACK_PATH: &str = "/callback";

/// How the redirect ended the login.
#[derive(Debug)]
pub(crate) enum CallbackOutcome {
    /// The authorization code: exchange it next.
    Code(AuthorizationCode),
    /// The user pressed Deny or the server refused (`?error=`, RFC 6749 §4.1.2.1).
    Denied {
        /// `error_description`, else `error` (the core scrubs both).
        message: String,
    },
    /// The redirect is not this login's (a state that does not match) or is malformed.
    Failed(OAuth2Error),
}

/// The redirect receiver of one OAuth 2.0 login.
#[derive(Debug)]
pub(crate) struct Callback {
    listener: LoopbackOrigin,
    state: String,
    /// The page a reload shows once the login has its answer.
    finished: Option<(StatusCode, PageOutcome)>,
}

impl Callback {
    /// The receiver for `listener`, checking `state` (from the caller's CSPRNG).
    pub(crate) fn new(listener: &LoopbackOrigin, state: String) -> Self {
        Self {
            listener: listener.clone(),
            state,
            finished: None,
        }
    }

    /// The redirect URI to register and to send: `http://127.0.0.1:<port>/callback`.
    pub(crate) fn redirect_uri(listener: &LoopbackOrigin) -> String {
        format!("{}{CALLBACK_PATH}", listener.as_str())
    }

    fn host_is_ours<B>(&self, request: &http::Request<B>) -> bool {
        let expected = self.listener.host().as_bytes();
        let mut hosts = request.headers().get_all(HOST).iter().peekable();
        let header_ok = hosts.peek().is_some() && hosts.all(|h| h.as_bytes() == expected);
        let target_ok = request
            .uri()
            .authority()
            .is_none_or(|a| a.as_str().as_bytes() == expected);
        header_ok && target_ok
    }
}

impl Handler for Callback {
    type Outcome = CallbackOutcome;

    fn handle(&mut self, request: &http::Request<Vec<u8>>) -> (Response, Option<CallbackOutcome>) {
        if !self.host_is_ours(request) {
            // DNS rebinding: a page of another site that resolves to 127.0.0.1 (SPEC S10).
            let text = "this listener answers only http://127.0.0.1 on its own port\n";
            return (plain_page(StatusCode::MISDIRECTED_REQUEST, text), None);
        }
        if request.uri().path() != CALLBACK_PATH {
            // `/favicon.ico` and the like: answered, the flow goes on (SPEC S10).
            return (plain_page(StatusCode::NOT_FOUND, "not found\n"), None);
        }
        if request.method() != Method::GET {
            let mut response = plain_page(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
            response
                .headers_mut()
                .insert(http::header::ALLOW, http::HeaderValue::from_static("GET"));
            return (response, None);
        }
        if let Some((status, state)) = self.finished {
            return (result_page(status, state, None), None);
        }
        let Some(query) = request.uri().query().filter(|q| !q.is_empty()) else {
            // Someone opened the bare address: not a redirect, so not the end of the login.
            let text = "this is where the authorization server sends the browser back; open the URL the program showed\n";
            return (plain_page(StatusCode::BAD_REQUEST, text), None);
        };
        let url = format!("{}?{query}", Callback::redirect_uri(&self.listener));
        let (status, state, detail, outcome) = match parse_redirect(&url, &self.state) {
            Ok(code) => (
                StatusCode::OK,
                PageOutcome::Granted,
                None,
                CallbackOutcome::Code(code),
            ),
            Err(OAuth2Error::Denied { error, description }) => {
                let message = description.unwrap_or(error);
                (
                    StatusCode::OK,
                    PageOutcome::Denied,
                    Some(message.clone()),
                    CallbackOutcome::Denied { message },
                )
            }
            Err(e) => (
                StatusCode::BAD_REQUEST,
                PageOutcome::Error,
                Some(e.to_string()),
                CallbackOutcome::Failed(e),
            ),
        };
        self.finished = Some((status, state));
        (result_page(status, state, detail.as_deref()), Some(outcome))
    }
}
