//! An independent OAuth 1.0a signature base string (RFC 5849 §3.4.1), written for the
//! differential target from the RFC's text alone: owned strings, one `Vec` and a sort, none of
//! the core's single-buffer tricks. Where the two disagree, one of them misreads the RFC.

/// §3.6: every byte but ALPHA, DIGIT, `-`, `.`, `_` and `~` as `%XX`, upper-case hex.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// W3C form decoding (§3.4.1.3.1): `&`-separated, empty pieces skipped, the first `=` splits
/// name from value, `+` is a space, `%XX` a byte, any other `%` itself.
pub(crate) fn decode_form(form: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut pairs = Vec::new();
    for piece in form.split(|&b| b == b'&') {
        if piece.is_empty() {
            continue;
        }
        let (name, value) = match piece.iter().position(|&b| b == b'=') {
            Some(i) => (&piece[..i], &piece[i + 1..]),
            None => (piece, &[][..]),
        };
        pairs.push((unescape(name), unescape(value)));
    }
    pairs
}

/// `%XX` as its byte, `+` as a space, any other byte itself.
pub(crate) fn unescape(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' if s.len() - i >= 3 => match (hex(s[i + 1]), hex(s[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// §3.4.1.2: lower-case scheme and host, the port only when not the scheme's default, the
/// path as sent (`/` when empty), no query. `None` for a URI that is not absolute http(s).
pub(crate) fn base_uri(uri: &http::Uri) -> Option<String> {
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let host = uri.host().filter(|h| !h.is_empty())?.to_ascii_lowercase();
    let path = match uri.path() {
        "" => "/",
        p => p,
    };
    Some(match uri.port_u16() {
        Some(port) if port != default => format!("{scheme}://{host}:{port}{path}"),
        _ => format!("{scheme}://{host}{path}"),
    })
}

/// The whole base string (§3.4.1.1) for `method` and `uri`, the form body's pairs if it is
/// signed, and the protocol parameters (name, value) as sent.
pub(crate) fn base_string(
    method: &str,
    uri: &http::Uri,
    form_body: Option<&[u8]>,
    protocol: &[(&str, String)],
) -> Option<String> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut add = |form: &[u8]| {
        for (n, v) in decode_form(form) {
            pairs.push((encode(&n), encode(&v)));
        }
    };
    add(uri.query().unwrap_or_default().as_bytes());
    if let Some(body) = form_body {
        add(body);
    }
    for (n, v) in protocol {
        pairs.push((encode(n.as_bytes()), encode(v.as_bytes())));
    }
    pairs.sort();
    let joined = pairs
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    Some(format!(
        "{}&{}&{}",
        encode(method.to_ascii_uppercase().as_bytes()),
        encode(base_uri(uri)?.as_bytes()),
        encode(joined.as_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5849 §3.4.1.1's example request, with its stated base string.
    #[test]
    fn the_rfc_example() {
        let uri: http::Uri = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b"
            .parse()
            .unwrap();
        let protocol = [
            ("oauth_consumer_key", "9djdj82h48djs9d2".to_owned()),
            ("oauth_token", "kkk9d7dh3k39sjv7".to_owned()),
            ("oauth_signature_method", "HMAC-SHA1".to_owned()),
            ("oauth_timestamp", "137131201".to_owned()),
            ("oauth_nonce", "7d8f3e4a".to_owned()),
        ];
        let base = base_string("POST", &uri, Some(b"c2&a3=2+q"), &protocol).unwrap();
        assert_eq!(
            base,
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
             %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
             key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
             ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
             9d7dh3k39sjv7"
        );
    }

    #[test]
    fn stray_percents_and_plus() {
        assert_eq!(
            decode_form(b"a=%2&b=%zz+%41&&c"),
            vec![
                (b"a".to_vec(), b"%2".to_vec()),
                (b"b".to_vec(), b"%zz A".to_vec()),
                (b"c".to_vec(), Vec::new()),
            ]
        );
    }
}
