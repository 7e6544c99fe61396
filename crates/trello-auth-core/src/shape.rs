//! [`Shape`]: what a rejected credential looked like, described without its value, and the
//! character classes of SPEC S2 that describe it.

use std::fmt;

/// What a rejected credential looked like, described without its value (for error messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shape {
    /// Nothing, or only whitespace.
    Empty,
    /// 32 hex characters: the shape of an API key.
    Key32Hex,
    /// 64 hex characters: a legacy token or an app secret.
    Hex64,
    /// `ATTA` + 72 characters: the shape of a current user token.
    AttaToken,
    /// Contains a space, a control character or non-ASCII.
    NotVisibleAscii,
    /// Anything else, with its length in characters.
    Other(usize),
}

impl Shape {
    /// Classifies `s` by shape.
    pub fn of(s: &str) -> Self {
        let s = s.trim();
        if s.is_empty() {
            Shape::Empty
        } else if is_hex(s, 32) {
            Shape::Key32Hex
        } else if is_hex(s, 64) {
            Shape::Hex64
        } else if !is_visible_ascii(s) {
            Shape::NotVisibleAscii
        } else if s.len() == 76 && s.starts_with("ATTA") {
            Shape::AttaToken
        } else {
            Shape::Other(s.chars().count())
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Empty => f.write_str("an empty value"),
            Shape::Key32Hex => f.write_str("32 hex characters (an API key)"),
            Shape::Hex64 => f.write_str("64 hex characters (a legacy token or an app secret)"),
            Shape::AttaToken => f.write_str("an ATTA… user token"),
            Shape::NotVisibleAscii => {
                f.write_str("a value with spaces, control characters or non-ASCII")
            }
            Shape::Other(n) => write!(f, "a {n}-character value"),
        }
    }
}

/// `s` is exactly `len` ASCII hex digits.
pub(crate) fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Every byte is visible ASCII, 0x21–0x7E (SPEC S2's token alphabet).
pub(crate) fn is_visible_ascii(s: &str) -> bool {
    s.bytes().all(|b| (0x21..=0x7e).contains(&b))
}
