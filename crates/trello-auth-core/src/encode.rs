//! Percent-encoding shared by every module: RFC 3986 unreserved-only (RFC 5849 §3.6), and
//! content-type tests.

use std::borrow::Cow;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved set (`ALPHA DIGIT - . _ ~`) is encoded: the encoding
/// RFC 5849 §3.6 requires, and safe in a query, a form body, a path segment and a quoted
/// header parameter alike.
pub(crate) const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `s` percent-encoded with [`ENCODE_SET`] (upper-case hex; `%20` for space, never `+`);
/// borrowed when nothing needs encoding, as for every real key and token.
pub(crate) fn encode_component(s: &str) -> Cow<'_, str> {
    utf8_percent_encode(s, ENCODE_SET).into()
}

/// The content type is `application/x-www-form-urlencoded` (parameters allowed).
pub(crate) fn is_form(content_type: &str) -> bool {
    media_type(content_type).eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// The content type is `application/json` or `…+json` (parameters allowed).
pub(crate) fn is_json(content_type: &str) -> bool {
    let media = media_type(content_type);
    media.eq_ignore_ascii_case("application/json")
        || media
            .len()
            .checked_sub(5)
            .and_then(|i| media.get(i..))
            .is_some_and(|suffix| suffix.eq_ignore_ascii_case("+json"))
}

fn media_type(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_keeps_unreserved() {
        assert_eq!(encode_component("aZ09-._~"), "aZ09-._~");
        assert_eq!(encode_component("a b+c%d/é"), "a%20b%2Bc%25d%2F%C3%A9");
    }

    #[test]
    fn content_types() {
        assert!(is_form("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
        assert!(is_json("application/json"));
        assert!(is_json("application/vnd.api+JSON; charset=utf-8"));
        assert!(!is_json("json"));
        assert!(!is_form("text/plain"));
    }
}
