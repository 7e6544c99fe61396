//! [`parse_redirect`]: reads the redirect back from the authorization server (SPEC S8.3,
//! RFC 6749 §4.1.2) into the authorization code, or the reason there is none.

use url::Url;

use super::error::OAuth2Error;
use super::secrets::AuthorizationCode;
use crate::oauth1::constant_time_eq;

/// The longest `error` or `error_description` kept, in characters.
const MAX_TEXT_CHARS: usize = 200;
/// A word this long may be a credential pasted or echoed into the text: it is redacted.
const MIN_SECRET_CHARS: usize = 32;

/// `text` with every word of [`MIN_SECRET_CHARS`] or more replaced by `[redacted]`, cut at
/// [`MAX_TEXT_CHARS`]: the rule of a key + token deny message (`CaptureError::Denied`), so an
/// error never carries what may be a secret.
fn scrubbed(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * MAX_TEXT_CHARS));
    for piece in text.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end_matches(char::is_whitespace);
        if word.chars().count() >= MIN_SECRET_CHARS {
            out.push_str("[redacted]");
            out.push_str(&piece[word.len()..]);
        } else {
            out.push_str(piece);
        }
        if out.len() > 4 * MAX_TEXT_CHARS {
            break;
        }
    }
    out.chars().take(MAX_TEXT_CHARS).collect()
}

/// The authorization code of a redirect `redirect_uri?code=…&state=…` (SPEC S8.3).
///
/// Checks, in this order: `url` is an absolute URL whose query repeats no parameter, else
/// `malformed`; its `state` is `expected_state` (compared in constant time), else
/// `state_mismatch`, even on an error redirect; it has no `error`, else `denied` with the
/// `error` and `error_description` (any word of 32 characters or more in them redacted, each
/// cut at 200 characters); it has a `code` of visible ASCII, else `malformed`. An
/// empty `expected_state` is `invalid_state`: a flow always has one.
///
/// ```
/// use trello_auth_core::oauth2::{parse_redirect, OAuth2Error};
///
/// let code = parse_redirect("http://127.0.0.1:53682/cb?code=c0d3&state=xyz", "xyz")?;
/// assert_eq!(code.expose_secret(), "c0d3");
///
/// let denied = parse_redirect(
///     "http://127.0.0.1:53682/cb?error=access_denied&error_description=User%20denied&state=xyz",
///     "xyz",
/// );
/// assert!(matches!(denied, Err(OAuth2Error::Denied { ref error, .. }) if error == "access_denied"));
/// let stale = parse_redirect("http://127.0.0.1:53682/cb?code=c0d3&state=old", "xyz");
/// assert_eq!(stale.unwrap_err().code(), "state_mismatch");
/// # Ok::<(), OAuth2Error>(())
/// ```
pub fn parse_redirect(url: &str, expected_state: &str) -> Result<AuthorizationCode, OAuth2Error> {
    if expected_state.is_empty() {
        return Err(OAuth2Error::InvalidState);
    }
    let malformed = |reason| OAuth2Error::Malformed { reason };
    let url =
        Url::parse(url.trim()).map_err(|_| malformed("the redirect is not an absolute URL"))?;
    let mut params: Vec<(String, String)> = Vec::new();
    for (name, value) in url.query_pairs() {
        if params.iter().any(|(n, _)| *n == name) {
            return Err(malformed("the redirect repeats a parameter"));
        }
        params.push((name.into_owned(), value.into_owned()));
    }
    let param = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let state_matches =
        param("state").is_some_and(|s| constant_time_eq(s.as_bytes(), expected_state.as_bytes()));
    if !state_matches {
        return Err(OAuth2Error::StateMismatch);
    }
    if let Some(error) = param("error") {
        return Err(OAuth2Error::Denied {
            error: scrubbed(error),
            description: param("error_description").map(scrubbed),
        });
    }
    let code = param("code").ok_or(malformed("the redirect has no code"))?;
    AuthorizationCode::new(code).map_err(|_| malformed("the code is empty or not visible ASCII"))
}
