//! The login receiver (SPEC S10): every request the loopback listener reads.

use trello_auth_core::login::{LoopbackOrigin, Mode, Nonce, Outcome, Receiver};
use trello_auth_core::oauth1::RequestToken;
use trello_auth_core::url::Url;
use trello_auth_core::{ApiKey, AuthorizeUrl, Origin, TokenSecret};

use crate::input::{request, Fields};

/// The nonce of the receiver under test; `{nonce}` in an input stands for its hex.
const NONCE: [u8; 16] = [0xab; 16];

/// Stand-ins an input may use, so seeds stay valid: `{nonce}`, `{host}` and `{token}`.
pub(crate) fn expand(data: &[u8], pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = data.to_vec();
    for (from, to) in pairs {
        let (from, to) = (from.as_bytes(), to.as_bytes());
        let mut i = 0;
        while let Some(at) = out[i..].windows(from.len()).position(|w| w == from) {
            let at = i + at;
            out.splice(at..at + from.len(), to.iter().copied());
            i = at + to.len();
        }
    }
    out
}

fn receiver(mode: u8) -> Receiver {
    let key = ApiKey::new("0123456789abcdef0123456789abcdef").expect("a valid key");
    let base = Origin::parse("https://127.0.0.1:9443").expect("a valid origin");
    let authorize = AuthorizeUrl::new(key).base(base);
    let mode = match mode % 4 {
        0 => Mode::Fragment(authorize),
        1 => Mode::PostMessage(authorize),
        2 => Mode::Paste(authorize),
        _ => Mode::OAuth1 {
            authorize_url: Url::parse(
                "https://127.0.0.1:9443/1/OAuthAuthorizeToken?oauth_token=requesttoken123",
            )
            .expect("a valid URL"),
            request_token: RequestToken::new("requesttoken123", TokenSecret::new("s"))
                .expect("a valid request token"),
        },
    };
    let listener = LoopbackOrigin::new(8080).expect("a valid port");
    Receiver::new(mode, &listener, Nonce::from_bytes(NONCE)).expect("a valid receiver")
}

/// Fields: the mode (`0` fragment, `1` postMessage, `2` paste, `3` OAuth 1.0a), then a request
/// (method, URI, headers, body), sent twice.
///
/// Every response is a page with `Cache-Control: no-store`; a login ends at most once (the
/// second delivery is answered, not taken); a token it takes was in the request.
pub fn login_receiver(data: &[u8]) {
    let nonce = "ab".repeat(16);
    let token = format!("ATTA{}0123ABCD", "e".repeat(64));
    let data = expand(
        data,
        &[
            ("{nonce}", &nonce),
            ("{host}", "127.0.0.1:8080"),
            ("{token}", &token),
        ],
    );
    let mut f = Fields::new(&data);
    let mode = f.bytes().first().copied().unwrap_or(0);
    let Some(request) = request(&mut f) else {
        return;
    };
    let mut r = receiver(mode);
    let mut outcomes = 0;
    for _ in 0..2 {
        let reply = r.handle(&request);
        assert_eq!(
            reply
                .response
                .headers()
                .get("cache-control")
                .map(|v| v.as_bytes()),
            Some(&b"no-store"[..]),
            "a page without Cache-Control: no-store"
        );
        if let Some(outcome) = reply.outcome {
            outcomes += 1;
            if let Outcome::Token(t) = &outcome {
                // As a parser may read what was sent (see `capture::readings`).
                let query = request.uri().query().unwrap_or_default();
                let sent = String::from_utf8_lossy(request.body()).into_owned() + query;
                let t = t.expose_secret();
                assert!(
                    super::capture::readings(&sent)
                        .iter()
                        .any(|s| s.contains(t)),
                    "a token not in the request"
                );
            }
            assert!(r.is_done(), "an outcome, and the login goes on");
        }
    }
    assert!(outcomes <= 1, "one login, {outcomes} outcomes");
}
