//! OAuth 2.0 (SPEC S8): the redirect back to the loopback listener and the token endpoint's
//! answer.

use trello_auth_core::oauth2::{parse_redirect, parse_token_response};

use super::assert_hidden;
use crate::input::{response, Fields};

/// Fields: the expected state, the redirect URL.
///
/// A code is returned only with the expected state, and is the URL's; no error and no
/// `Debug` shows the code.
pub fn oauth2_redirect(data: &[u8]) {
    let mut f = Fields::new(data);
    let state = f.text();
    let url = String::from_utf8_lossy(f.rest()).into_owned();
    match parse_redirect(&url, &state) {
        Ok(code) => {
            assert!(
                !state.is_empty(),
                "a code accepted without a state to check"
            );
            let c = code.expose_secret();
            assert!(!c.is_empty(), "an empty code");
            assert_hidden(&format!("{code:?}"), c, "AuthorizationCode's Debug");
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            if let Some(query) = url.split_once('?').map(|(_, q)| q) {
                for (n, v) in super::reference::decode_form(query.as_bytes()) {
                    if n == b"code" {
                        let v = String::from_utf8_lossy(&v).into_owned();
                        assert_hidden(&e.to_string(), &v, "a redirect error");
                    }
                }
            }
        }
    }
}

/// Fields: now (Unix seconds), status, headers, body.
///
/// A token set's expiry is `now + expires_in` without overflow; no error and no `Debug`
/// shows the body's access or refresh token.
pub fn oauth2_token_response(data: &[u8]) {
    let mut f = Fields::new(data);
    let now = std::str::from_utf8(f.bytes())
        .ok()
        .and_then(|n| n.trim().parse::<u64>().ok())
        .unwrap_or(1_700_000_000);
    let response = response(&mut f);
    let json: Option<serde_json::Value> = serde_json::from_slice(response.body()).ok();
    let field = |name: &str| {
        json.as_ref()
            .and_then(|j| j.get(name))
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let (access, refresh) = (field("access_token"), field("refresh_token"));
    match parse_token_response(&response, now) {
        Ok(set) => {
            assert!(response.status().is_success());
            assert_eq!(set.access_token().expose_secret(), access);
            if let Some(at) = set.expires_at() {
                assert!(at >= now, "expires before now");
            }
            let _ = set.expires_within(now, u64::MAX);
            let debug = format!("{set:?}");
            assert_hidden(&debug, &access, "TokenSet's Debug");
            assert_hidden(&debug, &refresh, "TokenSet's Debug");
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            for shown in [e.to_string(), format!("{e:?}")] {
                assert_hidden(&shown, &access, "a token-response error");
                assert_hidden(&shown, &refresh, "a token-response error");
            }
        }
    }
}
