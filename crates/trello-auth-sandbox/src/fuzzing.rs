//! Entry points for the project's fuzzers (feature `fuzzing`): the credential extraction and
//! the OAuth 1.0a verifier exactly as the server runs them, on requests a fuzzer makes, without
//! sockets. Not an API: it may change in any release.

use std::net::{Ipv4Addr, SocketAddr};

use bytes::Bytes;

use crate::credentials;
use crate::model::{App, Listener, RateLimits, TokenSpec};
use crate::request::{Meta, Params, Req};
use crate::response::{Body, Response};
use crate::state::State;
use crate::webhooks::DeliveryPolicy;

/// A fresh sandbox state with one app and one OAuth 1.0a token of known secrets.
#[derive(Debug)]
pub struct Harness {
    state: State,
    token: String,
}

/// The harness app's API key.
pub const APP_KEY: &str = "0123456789abcdef0123456789abcdef";
/// The harness app's secret (the OAuth 1.0a consumer secret).
pub const APP_SECRET: &str = "f00df00df00df00df00df00df00df00df00df00df00df00df00df00df00df00d";
/// The harness token's OAuth 1.0a token secret.
pub const TOKEN_SECRET: &str = "tokensecret";

impl Harness {
    /// A state with the harness app, the default member and one `read,write` token.
    pub fn new() -> Self {
        let app = App {
            name: "Fuzz".into(),
            key: APP_KEY.into(),
            secret: APP_SECRET.into(),
            allowed_origins: vec!["http://127.0.0.1".into()],
        };
        // Invariants: a fixed valid app and the default limits, as every sandbox starts.
        let state = State::new(
            vec![app],
            Vec::new(),
            RateLimits::default(),
            crate::DEFAULT_BODY_LIMIT,
            DeliveryPolicy::default(),
        )
        .expect("the harness configuration is valid");
        let token = state
            .mint(&TokenSpec::default(), Some(TOKEN_SECRET.into()))
            .expect("the default app and member exist");
        Self { state, token }
    }

    /// The harness token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The sandbox clock, in seconds (for OAuth 1.0a timestamps).
    pub fn now_secs(&self) -> i64 {
        self.state.clock.now_secs()
    }

    /// Reads `request`'s parameters and credentials as a REST route does and returns the
    /// status it would answer and its body: 200 for an accepted caller, else the refusal. The
    /// request's URI is origin-form, its `Host` header the authority, as the server sees them.
    pub fn authenticate(&self, request: http::Request<Vec<u8>>, https: bool) -> (u16, String) {
        let (parts, body) = request.into_parts();
        let req = Req {
            parts,
            body: Bytes::from(body),
            scheme: if https { "https" } else { "http" },
            peer: SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 40_000),
            listener: Listener::Api,
        };
        let params = match Params::parse(&req) {
            Ok(p) => p,
            Err(bad) => return answer(bad.respond()),
        };
        let mut meta = Meta::default();
        match credentials::authenticate(&self.state, &req, &params, &mut meta) {
            Ok(_) => (200, String::new()),
            Err(r) => answer(r),
        }
    }
}

fn answer(response: Response) -> (u16, String) {
    let status = response.status().as_u16();
    let text = match response.into_body() {
        Body::Full(b) | Body::Broken(b, _) => b.map(|b| String::from_utf8_lossy(&b).into_owned()),
    };
    (status, text.unwrap_or_default())
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}
