//! Runs the shared OAuth 1.0a vectors (`tests/vectors/oauth1/*.json`, VECTORS.md) through the
//! sandbox's verifier: each expected base string must be rebuilt exactly and each expected
//! signature must verify with the vector's secrets.

use std::path::PathBuf;

use serde_json::Value;

use super::{base_string, verify_hmac_sha1, SignedRequest};

const TOP_KEYS: &[&str] = &[
    "note",
    "consumer_key",
    "consumer_secret",
    "token",
    "token_secret",
    "nonce",
    "timestamp",
    "request",
    "extra_oauth_params",
    "include_version",
    "expect",
];

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/oauth1")
}

/// `scheme`, `authority`, `path`, `query` of a URL, without any normalisation.
fn split_url(url: &str) -> Option<(&str, &str, &str, Option<&str>)> {
    let (scheme, rest) = url.split_once("://")?;
    let rest = rest.split('#').next().unwrap_or(rest);
    let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, rest) = rest.split_at(auth_end);
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    Some((scheme, authority, path, query))
}

fn check(v: &Value) -> Result<(), String> {
    let obj = v.as_object().ok_or("not a JSON object")?;
    if let Some(k) = obj.keys().find(|k| !TOP_KEYS.contains(&k.as_str())) {
        return Err(format!("unknown top-level key {k:?}"));
    }
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    let req = v.get("request").ok_or("no request")?;
    let method = req["method"].as_str().ok_or("no method")?;
    let url = req["url"].as_str().ok_or("no url")?;
    let (scheme, authority, path, query) = split_url(url).ok_or("bad url")?;
    let body = req.get("body").and_then(Value::as_str).unwrap_or("");
    let is_form = req
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .any(|(n, v)| {
            n.eq_ignore_ascii_case("content-type")
                && v.as_str().is_some_and(|v| {
                    v.to_ascii_lowercase()
                        .starts_with("application/x-www-form-urlencoded")
                })
        });
    let mut params = vec![
        (
            "oauth_consumer_key".to_owned(),
            s("consumer_key").ok_or("no consumer_key")?.to_owned(),
        ),
        (
            "oauth_nonce".to_owned(),
            s("nonce").ok_or("no nonce")?.to_owned(),
        ),
        ("oauth_signature_method".to_owned(), "HMAC-SHA1".to_owned()),
        (
            "oauth_timestamp".to_owned(),
            s("timestamp").ok_or("no timestamp")?.to_owned(),
        ),
    ];
    if let Some(t) = s("token") {
        params.push(("oauth_token".to_owned(), t.to_owned()));
    }
    if v.get("include_version").and_then(Value::as_bool) != Some(false) {
        params.push(("oauth_version".to_owned(), "1.0".to_owned()));
    }
    if let Some(extra) = v.get("extra_oauth_params").and_then(Value::as_object) {
        for (n, val) in extra {
            params.push((n.clone(), val.as_str().unwrap_or_default().to_owned()));
        }
    }
    let base = base_string(&SignedRequest {
        method,
        scheme,
        authority,
        path,
        query,
        form_body: (is_form && !body.is_empty()).then_some(body.as_bytes()),
        header_params: &params,
    });
    let expect = &v["expect"];
    if let Some(want) = expect.get("base_string").and_then(Value::as_str) {
        if base != want {
            return Err(format!("base string\n  got  {base}\n  want {want}"));
        }
    }
    if let Some(sig) = expect.get("signature").and_then(Value::as_str) {
        let secret = s("consumer_secret").ok_or("no consumer_secret")?;
        if !verify_hmac_sha1(&base, secret, s("token_secret").unwrap_or(""), sig) {
            return Err("the expected signature does not verify".into());
        }
    }
    Ok(())
}

#[test]
#[allow(clippy::print_stderr)] // the vector runner's report format (VECTORS.md)
fn shared_oauth1_vectors_verify() {
    let Ok(entries) = std::fs::read_dir(vectors_dir()) else {
        return; // no vectors in this checkout
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let (mut passed, mut failed) = (0, 0);
    for f in &files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let result = std::fs::read_to_string(f)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<Value>(&t).map_err(|e| e.to_string()))
            .and_then(|v| check(&v));
        match result {
            Ok(()) => passed += 1,
            Err(e) => {
                failed += 1;
                eprintln!("vector FAILED: oauth1/{name}: {e}");
            }
        }
    }
    eprintln!("vectors: {passed} passed, {failed} failed");
    assert_eq!(failed, 0);
}

#[test]
fn split_url_keeps_the_raw_parts() {
    assert_eq!(
        split_url("https://Api.Trello.com:443/1/a%20b?x=1+2&y#f"),
        Some(("https", "Api.Trello.com:443", "/1/a%20b", Some("x=1+2&y")))
    );
    assert_eq!(split_url("http://h?q"), Some(("http", "h", "", Some("q"))));
}
