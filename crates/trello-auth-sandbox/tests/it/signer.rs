//! A minimal OAuth 1.0a HMAC-SHA1 client signer for the tests (RFC 5849 §3.4), written apart
//! from the server's verifier.

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use hmac::{Hmac, Mac};

/// RFC 5849 §3.6: keep ALPHA / DIGIT / "-" / "." / "_" / "~", percent-encode every other byte
/// in upper-case hex.
pub fn pct(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Who signs.
#[derive(Debug, Clone, Default)]
pub struct Creds {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub token: Option<String>,
    pub token_secret: String,
}

/// A fresh nonce per call.
pub fn nonce() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("n{t}x{}", N.fetch_add(1, Ordering::Relaxed))
}

/// The `Authorization` header value for `method` `url` (with its query) and an optional form
/// body, adding `extra` oauth parameters (`oauth_callback`, `oauth_verifier`).
#[allow(clippy::too_many_arguments)]
pub fn authorization(
    creds: &Creds,
    method: &str,
    url: &str,
    form_body: Option<&str>,
    extra: &[(&str, &str)],
    signature_method: &str,
    timestamp: i64,
    nonce: &str,
) -> String {
    let parsed = url::Url::parse(url).expect("absolute URL");
    let mut oauth: Vec<(String, String)> = vec![
        ("oauth_consumer_key".into(), creds.consumer_key.clone()),
        ("oauth_nonce".into(), nonce.into()),
        ("oauth_signature_method".into(), signature_method.into()),
        ("oauth_timestamp".into(), timestamp.to_string()),
        ("oauth_version".into(), "1.0".into()),
    ];
    if let Some(t) = &creds.token {
        oauth.push(("oauth_token".into(), t.clone()));
    }
    for (n, v) in extra {
        oauth.push(((*n).into(), (*v).into()));
    }
    let mut all: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(a, b)| (pct(&a), pct(&b)))
        .collect();
    if let Some(body) = form_body {
        all.extend(url::form_urlencoded::parse(body.as_bytes()).map(|(a, b)| (pct(&a), pct(&b))));
    }
    all.extend(oauth.iter().map(|(a, b)| (pct(a), pct(b))));
    all.sort();
    let params: Vec<String> = all.iter().map(|(a, b)| format!("{a}={b}")).collect();
    let port = match (parsed.scheme(), parsed.port()) {
        ("http", Some(80)) | ("https", Some(443)) | (_, None) => String::new(),
        (_, Some(p)) => format!(":{p}"),
    };
    let base_uri = format!(
        "{}://{}{port}{}",
        parsed.scheme(),
        parsed.host_str().unwrap().to_lowercase(),
        parsed.path()
    );
    let base = format!("{method}&{}&{}", pct(&base_uri), pct(&params.join("&")));
    let key = format!(
        "{}&{}",
        pct(&creds.consumer_secret),
        pct(&creds.token_secret)
    );
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(base.as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    oauth.push(("oauth_signature".into(), sig));
    let parts: Vec<String> = oauth
        .iter()
        .map(|(n, v)| format!("{n}=\"{}\"", pct(v)))
        .collect();
    format!("OAuth {}", parts.join(", "))
}

/// Now, in seconds (matches the sandbox clock while it is not advanced).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}
