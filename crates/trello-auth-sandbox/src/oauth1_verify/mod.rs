//! OAuth 1.0a HMAC-SHA1 verification, written from RFC 5849 §3.4 independently of the core's
//! signer (DESIGN: the sandbox must catch our signing bugs, not share them).
//!
//! The server side rebuilds the signature base string from what arrived: the method, the URL
//! reconstructed from the listener's scheme and the `Host` header (RFC 5849 §3.4.1.2), the query
//! and form-body parameters plus the `Authorization` header's `oauth_*` parameters
//! (RFC 5849 §3.4.1.3), then checks `oauth_signature` in constant time (RFC 5849 §3.4.2).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{
    percent_decode, percent_decode_str, percent_encode, utf8_percent_encode, AsciiSet,
    NON_ALPHANUMERIC,
};
use sha1::Sha1;

/// Accepted distance between `oauth_timestamp` and the sandbox clock, in seconds (RFC 5849
/// §3.3 leaves the window to the server).
pub(crate) const TIMESTAMP_WINDOW_SECS: i64 = 300;

/// RFC 3986 §2.3 unreserved characters stay; everything else is percent-encoded
/// (RFC 5849 §3.6).
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// RFC 5849 §3.6 encoding.
pub(crate) fn encode(s: &str) -> String {
    utf8_percent_encode(s, RFC3986).to_string()
}

/// A form string's pairs (`&`-separated, empty pieces skipped, `+` a space), each name and
/// value decoded to octets and encoded again (RFC 5849 §3.4.1.3.1, §3.6). Octets, not text:
/// `%AA` that is not UTF-8 stays `%AA` (decoding to a string would turn it into U+FFFD, and a
/// correct signature would fail, as the fuzzers found).
fn form_pairs(form: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    let reencode = |part: &[u8]| {
        let spaced: Vec<u8> = part
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        let octets: Vec<u8> = percent_decode(&spaced).collect();
        percent_encode(&octets, RFC3986).to_string()
    };
    form.split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(move |piece| match piece.iter().position(|&b| b == b'=') {
            Some(i) => (reencode(&piece[..i]), reencode(&piece[i + 1..])),
            None => (reencode(piece), String::new()),
        })
}

/// Parses `OAuth name="value", ...` (RFC 5849 §3.5.1) into decoded pairs, tolerant of spacing
/// and of unquoted values. `None` if the scheme is not `OAuth` or the syntax is broken.
pub(crate) fn parse_authorization(value: &str) -> Option<Vec<(String, String)>> {
    let value = value.trim_start();
    let scheme = value.get(..5)?;
    if !scheme.eq_ignore_ascii_case("oauth") {
        return None;
    }
    let rest = &value[5..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n' | b',') {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let start = i;
        while i < bytes.len() && !matches!(bytes[i], b'=' | b' ' | b'\t' | b',') {
            i += 1;
        }
        let name = &rest[start..i];
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' || name.is_empty() {
            return None;
        }
        i += 1;
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        let raw = if i < bytes.len() && bytes[i] == b'"' {
            let vstart = i + 1;
            let vend = vstart + rest[vstart..].find('"')?;
            i = vend + 1;
            &rest[vstart..vend]
        } else {
            let vstart = i;
            while i < bytes.len() && !matches!(bytes[i], b',' | b' ' | b'\t') {
                i += 1;
            }
            &rest[vstart..i]
        };
        let decoded = percent_decode_str(raw).decode_utf8().ok()?.into_owned();
        out.push((name.to_owned(), decoded));
    }
    Some(out)
}

/// What the base string is built from (RFC 5849 §3.4.1).
#[derive(Debug)]
pub(crate) struct SignedRequest<'a> {
    /// The request method (upper-cased in the base string).
    pub(crate) method: &'a str,
    /// `http` or `https`: the listener's scheme.
    pub(crate) scheme: &'a str,
    /// The `Host` header (or HTTP/2 `:authority`).
    pub(crate) authority: &'a str,
    /// The path as it arrived (still percent-encoded).
    pub(crate) path: &'a str,
    /// The raw query, if any.
    pub(crate) query: Option<&'a str>,
    /// The raw body when it is `application/x-www-form-urlencoded` (RFC 5849 §3.4.1.3.1).
    pub(crate) form_body: Option<&'a [u8]>,
    /// The decoded `Authorization` parameters.
    pub(crate) header_params: &'a [(String, String)],
}

/// The base string URI (RFC 5849 §3.4.1.2): lower-case scheme and host, default port dropped,
/// no query or fragment.
pub(crate) fn base_uri(scheme: &str, authority: &str, path: &str) -> String {
    let scheme = scheme.to_ascii_lowercase();
    let authority = authority.to_ascii_lowercase();
    // Split the port off, minding IPv6 literals (`[::1]:8080`).
    let (host, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority.as_str(), None),
    };
    let default = if scheme == "https" { "443" } else { "80" };
    let path = if path.is_empty() { "/" } else { path };
    match port {
        Some(p) if p != default && !p.is_empty() => format!("{scheme}://{host}:{p}{path}"),
        _ => format!("{scheme}://{host}{path}"),
    }
}

/// The signature base string (RFC 5849 §3.4.1.1).
pub(crate) fn base_string(req: &SignedRequest<'_>) -> String {
    let mut params: Vec<(String, String)> = Vec::new();
    // RFC 5849 §3.4.1.3.1: query and form body are decoded as application/x-www-form-urlencoded
    // (`+` is a space); duplicates are kept.
    if let Some(q) = req.query {
        params.extend(form_pairs(q.as_bytes()));
    }
    if let Some(body) = req.form_body {
        params.extend(form_pairs(body));
    }
    params.extend(
        req.header_params
            .iter()
            .filter(|(n, _)| n != "realm" && n != "oauth_signature")
            .map(|(n, v)| (encode(n), encode(v))),
    );
    // RFC 5849 §3.4.1.3.2: sort by encoded name, then encoded value (byte order).
    params.sort();
    let normalized = params
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}&{}&{}",
        encode(&req.method.to_ascii_uppercase()),
        encode(&base_uri(req.scheme, req.authority, req.path)),
        encode(&normalized)
    )
}

/// Checks a base64 `signature` over `base` with the key `consumer_secret&token_secret`
/// (RFC 5849 §3.4.2), in constant time.
pub(crate) fn verify_hmac_sha1(
    base: &str,
    consumer_secret: &str,
    token_secret: &str,
    signature: &str,
) -> bool {
    let Ok(expected) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
        return false;
    };
    let key = format!("{}&{}", encode(consumer_secret), encode(token_secret));
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key.as_bytes()) else {
        return false;
    };
    mac.update(base.as_bytes());
    mac.verify_slice(&expected).is_ok()
}

#[cfg(test)]
mod vectors;

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    /// Found by the `sandbox_oauth1` fuzzer: `%AA%9E` is not UTF-8, and the base string holds
    /// the octets (`%AA%9E`), as the core signs them, not U+FFFD.
    #[test]
    fn form_octets_that_are_not_utf8_stay_octets() {
        let pairs: Vec<_> =
            form_pairs(b"desc=%E6%97%A5'E8%AA%9E+%F0%9F%A6%80&&flag&a+b=c%2").collect();
        assert_eq!(
            pairs,
            [
                (
                    "desc".to_owned(),
                    "%E6%97%A5%27E8%AA%9E%20%F0%9F%A6%80".to_owned()
                ),
                ("flag".to_owned(), String::new()),
                ("a%20b".to_owned(), "c%252".to_owned()),
            ]
        );
    }

    /// RFC 5849 §3.4.1.1's worked example, including the form body and `realm`.
    #[test]
    fn rfc5849_section_3_4_1_1_base_string() {
        let header = parse_authorization(
            "OAuth realm=\"Example\",\n oauth_consumer_key=\"9djdj82h48djs9d2\",\
             oauth_token=\"kkk9d7dh3k39sjv7\",oauth_signature_method=\"HMAC-SHA1\",\
             oauth_timestamp=\"137131201\",oauth_nonce=\"7d8f3e4a\",\
             oauth_signature=\"bYT5CMsGcbgUdFHObYMEfcx6bsw%3D\"",
        )
        .unwrap();
        let req = SignedRequest {
            method: "POST",
            scheme: "http",
            authority: "example.com",
            path: "/request",
            query: Some("b5=%3D%253D&a3=a&c%40=&a2=r%20b"),
            form_body: Some(b"c2&a3=2+q"),
            header_params: &header,
        };
        assert_eq!(
            base_string(&req),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
             %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
             key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
             ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
             9d7dh3k39sjv7"
        );
    }

    /// RFC 5849 §1.2's example request, whose signature is given.
    #[test]
    fn rfc5849_section_1_2_signature() {
        let header = pairs(&[
            ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_token", "nnch734d00sl2jdk"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131202"),
            ("oauth_nonce", "chapoH"),
        ]);
        let req = SignedRequest {
            method: "GET",
            scheme: "http",
            authority: "photos.example.net:80",
            path: "/photos",
            query: Some("file=vacation.jpg&size=original"),
            form_body: None,
            header_params: &header,
        };
        let base = base_string(&req);
        assert!(verify_hmac_sha1(
            &base,
            "kd94hf93k423kf44",
            "pfkkdhi9sl3r4s00",
            "MdpQcU8iPSUjWoN/UDMsK2sui9I="
        ));
        assert!(!verify_hmac_sha1(
            &base,
            "kd94hf93k423kf44",
            "wrong",
            "MdpQcU8iPSUjWoN/UDMsK2sui9I="
        ));
    }

    #[test]
    fn base_uri_rules() {
        assert_eq!(
            base_uri("HTTP", "Example.COM:80", "/r"),
            "http://example.com/r"
        );
        assert_eq!(base_uri("https", "a.b:443", "/r"), "https://a.b/r");
        assert_eq!(base_uri("https", "a.b:8443", "/r"), "https://a.b:8443/r");
        assert_eq!(base_uri("http", "[::1]:8080", "/r"), "http://[::1]:8080/r");
        assert_eq!(base_uri("http", "[::1]", "/r"), "http://[::1]/r");
    }

    #[test]
    fn header_parsing_is_tolerant_of_spacing() {
        let p = parse_authorization("oauth  a=\"1\" ,b = \"x%20y\",c=3").unwrap();
        assert_eq!(p, pairs(&[("a", "1"), ("b", "x y"), ("c", "3")]));
        assert!(parse_authorization("Bearer x").is_none());
        assert!(parse_authorization("OAuth a=\"unterminated").is_none());
        assert!(parse_authorization("OAuth =x").is_none());
    }
}
