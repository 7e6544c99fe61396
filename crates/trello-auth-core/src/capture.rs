//! Token capture (SPEC S1.3, S1.4): taking the token Trello delivers, from a redirect
//! fragment ([`parse_fragment`]), a `postMessage` event ([`parse_post_message`]) or what a user
//! pasted ([`parse_pasted_token`]), and telling a user's deny ([`CaptureError::Denied`]) apart
//! from malformed input.
//!
//! Tokens are opaque visible ASCII (SPEC S2): any such value is accepted, except a 32-hex one,
//! which is an API key in the wrong place. No error ever carries the token.
//!
//! ```
//! use trello_auth_core::{parse_fragment, parse_post_message, CaptureError};
//!
//! let token = format!("ATTA{}0123ABCD", "a".repeat(64));
//! let url = format!("http://localhost:8080/cb#token={token}");
//! assert_eq!(parse_fragment(&url)?.expose_secret(), token);
//!
//! let denied = parse_fragment("#token=&error=Token%20request%20rejected").unwrap_err();
//! assert_eq!(denied, CaptureError::Denied { message: "Token request rejected".into() });
//!
//! // A message from any page but Trello's is ignored, whatever it carries.
//! let data = format!("\"{token}\"");
//! let err = parse_post_message("https://evil.example", &data).unwrap_err();
//! assert_eq!(err.code(), "wrong_origin");
//! # Ok::<(), CaptureError>(())
//! ```

use std::borrow::Cow;

use percent_encoding::percent_decode_str;
use serde_json::Value;
use url::Url;
use zeroize::Zeroizing;

use crate::config::ConfigError;
use crate::origin::{Origin, TRELLO_AUTH};
use crate::secret::Token;
use crate::shape::{is_hex, is_visible_ascii};

/// Deny messages and origins are kept to this many characters in errors.
const MAX_MESSAGE_CHARS: usize = 200;
/// A word this long in a deny message could be a credential: it is replaced by `[redacted]`.
const MIN_SECRET_CHARS: usize = 32;

/// The token could not be taken from what was delivered or pasted.
///
/// Messages never contain a token: a deny message has every word of 32 or more characters
/// replaced by `[redacted]`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CaptureError {
    /// The user clicked Deny on the consent page (SPEC S1.4). Not a failure of the program:
    /// tell the user that access was not granted, and offer to ask again.
    #[error(
        "the user denied access (Trello said {message:?}): ask again, or go on without Trello"
    )]
    Denied {
        /// Trello's text, decoded, at most 200 characters (e.g. `Token request rejected`).
        message: String,
    },
    /// The input is not a token delivery: no `token` parameter, two of them, a character
    /// outside visible ASCII (SPEC S2), a URL without fragment, postMessage data that is
    /// neither a string nor an `{"error": ...}` object. A bug in the page or program that
    /// forwards the delivery; fix it, or ask the user to paste the token again.
    #[error("malformed token delivery: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Nothing was given: blank input, or `token=` without an `error`. The user may have
    /// left the page before choosing; ask again.
    #[error("no token was given: ask the user to authorize again and copy the whole token")]
    Empty,
    /// A postMessage came from an origin other than the authorize origin (SPEC S1.3). Ignore
    /// the message and keep listening: any page can post to a window.
    #[error("ignored a message from {origin:?}: only the authorize origin may deliver the token; keep listening")]
    WrongOrigin {
        /// The sender's origin (at most 200 characters).
        origin: String,
    },
    /// The value is 32 hex characters: the API key, not a token (SPEC S2). Ask the user for
    /// the token Trello shows after Allow.
    #[error("this is an API key (32 hex characters), not a token: copy the token Trello shows after you click Allow")]
    LooksLikeKey,
    /// The user pasted a URL with no token in its fragment. Ask for the token itself.
    #[error("this is a URL without a token: paste the token Trello shows, or the whole address with its #token= part")]
    LooksLikeUrl,
}

impl CaptureError {
    /// The stable name of this error (VECTORS.md): `denied`, `malformed`, `empty`,
    /// `wrong_origin`, `looks_like_key` or `looks_like_url`.
    pub fn code(&self) -> &'static str {
        match self {
            CaptureError::Denied { .. } => "denied",
            CaptureError::Malformed { .. } => "malformed",
            CaptureError::Empty => "empty",
            CaptureError::WrongOrigin { .. } => "wrong_origin",
            CaptureError::LooksLikeKey => "looks_like_key",
            CaptureError::LooksLikeUrl => "looks_like_url",
        }
    }
}

/// Takes the token from fragment delivery (SPEC S1.3): `input` is the whole redirect URL, the
/// fragment with its `#`, or the bare fragment (`token=...`), e.g. `location.hash` as a page
/// forwards it. Surrounding whitespace is ignored.
///
/// The fragment is `&`-separated `name=value` pairs, percent-decoded (RFC 3986 §2.1). A `+`
/// in the token stays a `+`: a fragment is not a form body, and Trello writes the token
/// as is (SPEC S1.3). In a deny message, whose text is only shown, `+` reads as a space.
/// Parameters other than `token` and `error` are ignored.
///
/// # Errors
/// - [`CaptureError::Denied`] for `token=` (empty) with an `error` (SPEC S1.4).
/// - [`CaptureError::Empty`] for blank input or `token=` without `error`.
/// - [`CaptureError::Malformed`] for a URL without fragment, a fragment without `token` (even
///   one with an `error`) or with two, a token that is not visible ASCII (e.g. `%20`), and a
///   non-empty token together with an `error` (Trello never sends both, so neither is
///   trusted).
/// - [`CaptureError::LooksLikeKey`] for a 32-hex token.
///
/// ```
/// use trello_auth_core::parse_fragment;
///
/// let token = "0123456789abcdef".repeat(4);
/// assert_eq!(parse_fragment(&format!("#token={token}"))?.expose_secret(), token);
/// assert_eq!(parse_fragment(&format!("token={token}"))?.expose_secret(), token);
/// let err = parse_fragment("http://localhost:8080/cb#token=&error=Token%20request%20rejected");
/// assert_eq!(
///     err.unwrap_err().to_string(),
///     "the user denied access (Trello said \"Token request rejected\"): ask again, \
///      or go on without Trello",
/// );
/// assert_eq!(parse_fragment("#token=").unwrap_err().code(), "empty");
/// assert_eq!(parse_fragment("http://localhost:8080/cb").unwrap_err().code(), "malformed");
/// # Ok::<(), trello_auth_core::CaptureError>(())
/// ```
pub fn parse_fragment(input: &str) -> Result<Token, CaptureError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(CaptureError::Empty);
    }
    let fragment = match input.split_once('#') {
        Some((_, fragment)) => fragment,
        None if is_url(input) => {
            return Err(malformed(
                "the URL has no fragment; pass the address with its #token=... part",
            ))
        }
        None => input,
    };
    token_from_fragment(fragment)
}

/// Takes the token from postMessage delivery (SPEC S1.3), trusting only the origin
/// `https://trello.com`. See [`parse_post_message_from`].
///
/// ```
/// use trello_auth_core::parse_post_message;
///
/// let token = "0123456789abcdef".repeat(4);
/// let t = parse_post_message("https://trello.com", &format!("\"{token}\""))?;
/// assert_eq!(t.expose_secret(), token);
/// let denied = parse_post_message("https://trello.com", r#"{"error":"Token request rejected"}"#);
/// assert_eq!(denied.unwrap_err().code(), "denied");
/// let spoofed = parse_post_message("https://trello.com.evil.example", &format!("\"{token}\""));
/// assert_eq!(spoofed.unwrap_err().code(), "wrong_origin");
/// # Ok::<(), trello_auth_core::CaptureError>(())
/// ```
pub fn parse_post_message(origin: &str, data: &str) -> Result<Token, CaptureError> {
    post_message(TRELLO_AUTH, origin, data)
}

/// Takes the token from postMessage delivery (SPEC S1.3) when `trusted` stands in for Trello
/// (a sandbox, a test server): `origin` is the event's `event.origin`, `data` is
/// `JSON.stringify(event.data)`.
///
/// The origin is checked first, before the data is looked at. It must be exactly an origin
/// (scheme, host, optional port and at most a trailing `/`) equal to `trusted`: scheme and
/// host compare case-insensitively and a default port equals no port.
///
/// The data may be a JSON string, the token (SPEC S1.3), or an `{"error": ...}` object, a
/// deny (SPEC S1.4). A string with whitespace inside cannot be a token: it is a deny message
/// too (Trello has been seen posting the bare `Token request rejected`). A string without
/// whitespace is taken as a token, whatever it says: tokens are opaque (SPEC S2).
///
/// # Errors
/// - [`CaptureError::WrongOrigin`] when `origin` is not `trusted`.
/// - [`CaptureError::Denied`] for `{"error": ...}` or a string with whitespace inside.
/// - [`CaptureError::Empty`] for blank data or a blank string.
/// - [`CaptureError::Malformed`] for data that is not JSON, or JSON other than a string or
///   an object with an `error` key, or a string with a character outside visible ASCII.
/// - [`CaptureError::LooksLikeKey`] for a 32-hex string.
///
/// ```
/// use trello_auth_core::{parse_post_message_from, Origin};
///
/// let sandbox = Origin::parse("http://127.0.0.1:9000")?;
/// let token = "0123456789abcdef".repeat(4);
/// let data = format!("\"{token}\"");
/// assert!(parse_post_message_from(&sandbox, "http://127.0.0.1:9000", &data).is_ok());
/// let err = parse_post_message_from(&sandbox, "https://trello.com", &data).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "ignored a message from \"https://trello.com\": only the authorize origin may deliver \
///      the token; keep listening",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_post_message_from(
    trusted: &Origin,
    origin: &str,
    data: &str,
) -> Result<Token, CaptureError> {
    post_message(trusted.as_str(), origin, data)
}

/// Takes a token the user pasted after display delivery (SPEC S1.3). Surrounding whitespace
/// is ignored; both token formats (64 hex, `ATTA...`) and any other visible ASCII are accepted.
///
/// A pasted URL (anything with `://`) or fragment (starting `#token=` or `token=`) is read
/// as [`parse_fragment`] reads it: users paste the redirect address as often as the token.
///
/// # Errors
/// - [`CaptureError::Empty`] for blank input.
/// - [`CaptureError::LooksLikeKey`] for 32 hex characters: the API key.
/// - [`CaptureError::LooksLikeUrl`] for a URL without a token in its fragment.
/// - [`CaptureError::Denied`] for a URL or fragment carrying a deny.
/// - [`CaptureError::Malformed`] for text with whitespace inside or a character outside
///   visible ASCII, e.g. `Token: ATTA...`, and for a pasted fragment that
///   [`parse_fragment`] refuses as malformed.
///
/// ```
/// use trello_auth_core::parse_pasted_token;
///
/// let token = format!("ATTA{}0123ABCD", "a".repeat(64));
/// assert_eq!(parse_pasted_token(&format!("  {token}\n"))?.expose_secret(), token);
/// let err = parse_pasted_token("0123456789abcdef0123456789ABCDEF").unwrap_err();
/// assert_eq!(err.code(), "looks_like_key");
/// assert_eq!(parse_pasted_token("https://trello.com/app-key").unwrap_err().code(), "looks_like_url");
/// assert_eq!(parse_pasted_token(&format!("Token: {token}")).unwrap_err().code(), "malformed");
/// # Ok::<(), trello_auth_core::CaptureError>(())
/// ```
pub fn parse_pasted_token(input: &str) -> Result<Token, CaptureError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(CaptureError::Empty);
    }
    if is_hex(input, 32) {
        return Err(CaptureError::LooksLikeKey);
    }
    if is_url(input) {
        let Some((_, fragment)) = input.split_once('#') else {
            return Err(CaptureError::LooksLikeUrl);
        };
        return match token_from_fragment(fragment) {
            Ok(token) => Ok(token),
            Err(e @ (CaptureError::Denied { .. } | CaptureError::LooksLikeKey)) => Err(e),
            Err(_) => Err(CaptureError::LooksLikeUrl),
        };
    }
    if let Some(fragment) = input.strip_prefix('#').filter(|f| f.starts_with("token=")) {
        return token_from_fragment(fragment);
    }
    if input.starts_with("token=") {
        return token_from_fragment(input);
    }
    if !is_visible_ascii(input) {
        return Err(malformed(
            "the text has spaces or characters outside visible ASCII; paste only the token",
        ));
    }
    into_token(Zeroizing::new(input.to_owned()))
}

/// The fragment rules of [`parse_fragment`], on the fragment without its `#`.
fn token_from_fragment(fragment: &str) -> Result<Token, CaptureError> {
    let mut token: Option<&str> = None;
    let mut error: Option<&str> = None;
    for pair in fragment.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match &*percent_decode_str(name).decode_utf8_lossy() {
            "token" if token.is_some() => {
                return Err(malformed("the fragment has two token parameters"))
            }
            "token" => token = Some(value),
            "error" if error.is_none() => error = Some(value),
            _ => {}
        }
    }
    let Some(raw) = token else {
        return Err(malformed("the fragment has no token parameter"));
    };
    let decoded = match percent_decode_str(raw).decode_utf8() {
        Ok(Cow::Borrowed(s)) => Zeroizing::new(s.to_owned()),
        Ok(Cow::Owned(s)) => Zeroizing::new(s),
        Err(_) => return Err(malformed("the token is not UTF-8 once percent-decoded")),
    };
    match (decoded.is_empty(), error) {
        (true, Some(message)) => {
            let message = percent_decode_str(&message.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned();
            Err(denied(&message))
        }
        (true, None) => Err(CaptureError::Empty),
        (false, Some(_)) => Err(malformed(
            "the fragment has both a token and an error; authorize again",
        )),
        (false, None) if !is_visible_ascii(&decoded) => Err(malformed(
            "the token has a space, a control character or non-ASCII (tokens are visible ASCII)",
        )),
        (false, None) => into_token(decoded),
    }
}

/// [`parse_post_message_from`] with the trusted origin as its serialization.
fn post_message(trusted: &str, origin: &str, data: &str) -> Result<Token, CaptureError> {
    if !same_origin(trusted, origin) {
        return Err(CaptureError::WrongOrigin {
            origin: origin.chars().take(MAX_MESSAGE_CHARS).collect(),
        });
    }
    let data = data.trim();
    if data.is_empty() {
        return Err(CaptureError::Empty);
    }
    let value: Value = serde_json::from_str(data).map_err(|_| {
        malformed("the data is not JSON; pass JSON.stringify(event.data), not event.data")
    })?;
    match value {
        Value::String(s) => token_from_message(Zeroizing::new(s)),
        Value::Object(map) => match map.get("error") {
            Some(Value::String(message)) => Err(denied(message)),
            Some(other) => Err(denied(&other.to_string())),
            None => Err(malformed(
                "the data is an object without an error key; expected the token as a string",
            )),
        },
        _ => Err(malformed(
            "the data is neither a string nor an {\"error\": ...} object",
        )),
    }
}

/// A postMessage string: a token, or a deny message when it has whitespace inside.
fn token_from_message(s: Zeroizing<String>) -> Result<Token, CaptureError> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(CaptureError::Empty);
    }
    if trimmed.contains(char::is_whitespace) {
        return Err(denied(trimmed));
    }
    if !is_visible_ascii(trimmed) {
        return Err(malformed(
            "the token has a control character or non-ASCII (tokens are visible ASCII)",
        ));
    }
    if trimmed.len() == s.len() {
        into_token(s)
    } else {
        into_token(Zeroizing::new(trimmed.to_owned()))
    }
}

/// `origin` is exactly an origin (a trailing `/` allowed) and serializes as `trusted`.
fn same_origin(trusted: &str, origin: &str) -> bool {
    // The URL parser drops tabs, newlines and surrounding spaces: refuse them before it can.
    if origin.is_empty() || !is_visible_ascii(origin) {
        return false;
    }
    let Ok(url) = Url::parse(origin) else {
        return false;
    };
    matches!(url.scheme(), "http" | "https")
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.origin().ascii_serialization() == trusted
}

/// A checked candidate (non-empty, visible ASCII, trimmed) as a [`Token`].
fn into_token(mut candidate: Zeroizing<String>) -> Result<Token, CaptureError> {
    if is_hex(&candidate, 32) {
        return Err(CaptureError::LooksLikeKey);
    }
    // Moving the buffer out leaves an empty string behind: nothing is copied unzeroized.
    Token::new(std::mem::take(&mut *candidate)).map_err(|e| match e {
        ConfigError::KeyAsToken => CaptureError::LooksLikeKey,
        _ => malformed("the token is empty or not visible ASCII"),
    })
}

fn malformed(reason: &'static str) -> CaptureError {
    CaptureError::Malformed { reason }
}

/// A deny with `message` redacted (any word long enough to be a credential) and truncated.
fn denied(message: &str) -> CaptureError {
    let mut out = String::with_capacity(message.len().min(4 * MAX_MESSAGE_CHARS));
    for piece in message.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end_matches(char::is_whitespace);
        if word.chars().count() >= MIN_SECRET_CHARS {
            out.push_str("[redacted]");
            out.push_str(piece.strip_prefix(word).unwrap_or_default());
        } else {
            out.push_str(piece);
        }
        if out.len() > 4 * MAX_MESSAGE_CHARS {
            break;
        }
    }
    CaptureError::Denied {
        message: out.chars().take(MAX_MESSAGE_CHARS).collect(),
    }
}

/// `input` starts with a URI scheme and `://` (RFC 3986 §3.1), as a pasted address does; a
/// token that merely contains `://` somewhere is not a URL.
fn is_url(input: &str) -> bool {
    input.split_once("://").is_some_and(|(scheme, _)| {
        let mut chars = scheme.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

#[cfg(test)]
mod tests;
