//! Tests of the signer: what is signed (RFC 5849 §3.4.1), what `authorize` refuses, and
//! property tests against a plain decode-sort-encode reference.

use proptest::prelude::*;

use super::*;

fn signer() -> Signer {
    Signer::from_parts("ck", "cs", Some(("tok", "ts")))
}

fn get(url: &str) -> http::Request<Vec<u8>> {
    http::Request::get(url).body(Vec::new()).unwrap()
}

fn post(url: &str, content_type: &str, body: &str) -> http::Request<Vec<u8>> {
    http::Request::post(url)
        .header(CONTENT_TYPE, content_type)
        .body(body.as_bytes().to_vec())
        .unwrap()
}

fn base(request: &http::Request<Vec<u8>>) -> String {
    signer()
        .sign(request, &OAuthParams::new("n", 1))
        .unwrap()
        .base_string()
        .to_owned()
}

const OAUTH: &str = "oauth_consumer_key%3Dck%26oauth_nonce%3Dn%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1%26oauth_token%3Dtok%26oauth_version%3D1.0";

#[test]
fn base_uri_per_rfc5849_3_4_1_2() {
    // RFC 5849 §3.4.1.2's two examples.
    assert!(base(&get("http://EXAMPLE.COM:80/r%20v/X?id=123"))
        .starts_with("GET&http%3A%2F%2Fexample.com%2Fr%2520v%2FX&"));
    assert!(base(&get("https://www.example.net:8080/?q=1"))
        .starts_with("GET&https%3A%2F%2Fwww.example.net%3A8080%2F&"));
    // https on 80 and http on 443 are not default ports.
    assert!(base(&get("https://a.example:80/")).starts_with("GET&https%3A%2F%2Fa.example%3A80%2F&"));
    assert!(base(&get("http://a.example:443/")).starts_with("GET&http%3A%2F%2Fa.example%3A443%2F&"));
    // No path is "/"; IPv6 brackets are encoded.
    assert!(base(&get("https://a.example")).starts_with("GET&https%3A%2F%2Fa.example%2F&"));
    assert!(
        base(&get("http://[::1]:8080/x")).starts_with("GET&http%3A%2F%2F%5B%3A%3A1%5D%3A8080%2Fx&")
    );
}

#[test]
fn json_and_other_bodies_are_not_signed() {
    let plain = base(&get("https://api.trello.com/1/cards"));
    for content_type in [
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
    ] {
        let request = post("https://api.trello.com/1/cards", content_type, "a=1&b=2");
        assert_eq!(
            base(&request).replacen("POST", "GET", 1),
            plain,
            "{content_type}"
        );
    }
    // No content type at all: not a form either.
    let request = http::Request::post("https://api.trello.com/1/cards")
        .body(b"a=1".to_vec())
        .unwrap();
    assert_eq!(base(&request).replacen("POST", "GET", 1), plain);
    let signature = signer().sign(&request, &OAuthParams::new("n", 1)).unwrap();
    assert!(signature.param("oauth_body_hash").is_none());
}

#[test]
fn form_bodies_are_signed_whatever_the_case_and_parameters() {
    for content_type in [
        "application/x-www-form-urlencoded",
        "APPLICATION/X-WWW-FORM-URLENCODED",
        "application/x-www-form-urlencoded;charset=UTF-8",
        " application/x-www-form-urlencoded ; charset=utf-8",
    ] {
        let request = post("https://api.trello.com/1/cards", content_type, "a=1");
        assert_eq!(
            base(&request),
            format!("POST&https%3A%2F%2Fapi.trello.com%2F1%2Fcards&a%3D1%26{OAUTH}"),
            "{content_type}"
        );
    }
}

#[test]
fn lower_case_extension_methods_are_upper_cased() {
    let request = http::Request::builder()
        .method(Method::from_bytes(b"purge").unwrap())
        .uri("https://a.example/")
        .body(Vec::new())
        .unwrap();
    assert!(base(&request).starts_with("PURGE&"));
}

#[test]
fn sign_refuses_what_it_cannot_sign() {
    let s = signer();
    let p = OAuthParams::new("n", 1);
    let code = |r: &http::Request<Vec<u8>>| s.sign(r, &p).unwrap_err().code();
    assert_eq!(code(&get("/1/members/me")), "invalid_request");
    assert_eq!(code(&get("ftp://a.example/x")), "invalid_request");
    assert_eq!(
        code(&get("https://a.example/x?oauth_token=t")),
        "credentials_present"
    );
    assert_eq!(
        code(&get("https://a.example/x?%6Fauth_nonce=t")),
        "credentials_present"
    );
    let body = post(
        "https://a.example/x",
        "application/x-www-form-urlencoded",
        "oauth_callback=x",
    );
    assert_eq!(code(&body), "credentials_present");
    let mut non_utf8 = post(
        "https://a.example/x",
        "application/x-www-form-urlencoded",
        "",
    );
    *non_utf8.body_mut() = b"a=\xff".to_vec();
    assert_eq!(code(&non_utf8), "invalid_request");
    let empty_nonce = s.sign(&get("https://a.example/"), &OAuthParams::new("", 1));
    assert_eq!(empty_nonce.unwrap_err().code(), "invalid_request");
    // A JSON body may hold anything: it is not signed.
    let json = post(
        "https://a.example/x",
        "application/json",
        "oauth_token=\u{0}\u{ff}",
    );
    assert!(s.sign(&json, &p).is_ok());
}

#[test]
fn authorize_sets_a_sensitive_header_equal_to_the_signature() {
    let s = signer();
    let p = OAuthParams::new("n", 1);
    let request = get("https://api.trello.com/1/members/me");
    let signature = s.sign(&request, &p).unwrap();
    let signed = s.authorize(request, &p).unwrap();
    let header = &signed.headers()[AUTHORIZATION];
    assert!(header.is_sensitive());
    assert_eq!(header.to_str().unwrap(), signature.authorization());
    assert_eq!(
        format!("{:?}", signed.headers()),
        "{\"authorization\": Sensitive}"
    );
}

#[test]
fn authorize_never_adds_a_second_set_of_credentials() {
    let s = signer();
    let p = OAuthParams::new("n", 1);
    let with_header = http::Request::get("https://a.example/")
        .header(AUTHORIZATION, "Bearer x")
        .body(Vec::new())
        .unwrap();
    for request in [
        with_header,
        get("https://a.example/?key=k"),
        get("https://a.example/?token=t"),
        get("https://a.example/?a=1&to%6Ben=t"),
        post(
            "https://a.example/",
            "application/x-www-form-urlencoded",
            "key=k&value=v",
        ),
        post(
            "https://a.example/",
            "application/x-www-form-urlencoded",
            "token",
        ),
    ] {
        let uri = request.uri().clone();
        assert_eq!(
            s.authorize(request, &p).unwrap_err().code(),
            "credentials_present",
            "{uri}"
        );
    }
    // A parameter merely containing "key" is fine, and sign() itself does not refuse.
    assert!(s
        .authorize(get("https://a.example/?keys=1&idToken=2"), &p)
        .is_ok());
    assert!(s.sign(&get("https://a.example/?key=k"), &p).is_ok());
}

#[test]
fn header_lists_protocol_parameters_alphabetically_with_encoded_values() {
    let s = Signer::from_parts("c k", "cs", None);
    let p = OAuthParams {
        callback: Some("http://localhost:1/cb?a=b c"),
        verifier: Some("v+1"),
        include_version: false,
        ..OAuthParams::new("n/1", 42)
    };
    let signature = s.sign(&get("https://a.example/"), &p).unwrap();
    let auth = signature.authorization();
    assert!(
        auth.starts_with(
            "OAuth oauth_callback=\"http%3A%2F%2Flocalhost%3A1%2Fcb%3Fa%3Db%20c\", \
             oauth_consumer_key=\"c%20k\", oauth_nonce=\"n%2F1\", oauth_signature=\""
        ),
        "{auth}"
    );
    assert!(
        auth.ends_with(
            "\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"42\", oauth_verifier=\"v%2B1\""
        ),
        "{auth}"
    );
    assert_eq!(
        signature.param("oauth_callback").as_deref(),
        Some("http://localhost:1/cb?a=b c")
    );
    assert_eq!(signature.param("oauth_verifier").as_deref(), Some("v+1"));
    assert_eq!(
        signature.param("oauth_signature").as_deref(),
        Some(signature.signature())
    );
    assert!(signature.param("oauth_version").is_none());
}

#[test]
fn the_hmac_key_is_encoded_secrets_joined_by_ampersand() {
    // Secrets with reserved characters: the key is enc(cs)&enc(ts) (RFC 5849 §3.4.2).
    let s = Signer::from_parts("ck", "c&s ✓", Some(("t", "t+s")));
    let signature = s
        .sign(&get("https://a.example/"), &OAuthParams::new("n", 1))
        .unwrap();
    let mut mac = Hmac::<Sha1>::new_from_slice(b"c%26s%20%E2%9C%93&t%2Bs").unwrap();
    mac.update(signature.base_string().as_bytes());
    assert_eq!(
        signature.signature(),
        BASE64.encode(mac.finalize().into_bytes())
    );
}

#[test]
fn reusing_a_signer_gives_the_same_signature_as_a_fresh_one() {
    let s = signer();
    let r = get("https://a.example/x?b=2&a=1");
    let p = OAuthParams::new("n", 1);
    let first = s.sign(&r, &p).unwrap();
    let second = s.sign(&r, &p).unwrap();
    assert_eq!(first, second);
    assert_eq!(first, signer().sign(&r, &p).unwrap());
    let other = s.sign(&r, &OAuthParams::new("m", 1)).unwrap();
    assert_ne!(first.signature(), other.signature());
}

#[test]
fn host_and_port_agree_with_http() {
    for url in [
        "https://a.example/",
        "https://A.Example:8443/x",
        "http://user:pw@a.example:1/",
        "http://user@a.example/",
        "http://[::1]/",
        "http://[::1]:8080/",
        "http://u:p@[::1]:9/",
        "http://127.0.0.1:65535/",
        "/relative",
    ] {
        let uri: Uri = url.parse().unwrap();
        assert_eq!(host_and_port(&uri), (uri.host(), uri.port_u16()), "{url}");
    }
}

#[test]
fn digits_are_decimal() {
    for n in [0, 7, 10, 137131201, u64::MAX] {
        assert_eq!(Digits::new(n).as_bytes(), n.to_string().as_bytes());
    }
}

#[test]
fn sorting_uses_whole_names_beyond_the_eight_byte_prefix() {
    // Names sharing their first eight bytes, and a name that is a prefix of another.
    let base = base(&get(
        "https://a.example/?abcdefghZ=1&abcdefghA=2&abcdefgh=3&abcdefghA=1",
    ));
    let params = base.rsplit('&').next().unwrap();
    assert!(
        params.starts_with("abcdefgh%3D3%26abcdefghA%3D1%26abcdefghA%3D2%26abcdefghZ%3D1%26oauth_"),
        "{params}"
    );
}

/// The base string computed the plain way: decode every pair, encode, sort, join.
fn reference_params(query: &str, body: &str) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for source in [query, body] {
        for piece in source.split('&').filter(|p| !p.is_empty()) {
            let (n, v) = piece.split_once('=').unwrap_or((piece, ""));
            let dec = |s: &str| -> Vec<u8> {
                percent_encoding::percent_decode(s.replace('+', " ").as_bytes()).collect()
            };
            let enc = |b: Vec<u8>| {
                percent_encoding::percent_encode(&b, super::super::encode::OAUTH_ENCODE_SET)
                    .to_string()
            };
            pairs.push((enc(dec(n)), enc(dec(v))));
        }
    }
    for (n, v) in [
        ("oauth_consumer_key", "ck"),
        ("oauth_nonce", "n"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "1"),
        ("oauth_token", "tok"),
        ("oauth_version", "1.0"),
    ] {
        pairs.push((n.into(), v.into()));
    }
    pairs.sort();
    let joined: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
    super::super::encode::encode(&joined.join("&"))
}

proptest! {
    #[test]
    fn base_string_matches_the_plain_reference(
        query in "[a-zA-Z0-9%+&=~._!$'()*,;:@/?-]{0,48}",
        body in "[a-zA-Zé✓0-9%+&= ~._-]{0,48}",
    ) {
        // Names starting with oauth_ are refused; the alphabet cannot spell them often, but
        // skip them explicitly.
        prop_assume!(!query.contains("oauth_") && !body.contains("oauth_"));
        let url = format!("https://a.example/p?{query}");
        prop_assume!(url.parse::<Uri>().is_ok());
        let request = post(&url, "application/x-www-form-urlencoded", &body);
        let signature = signer().sign(&request, &OAuthParams::new("n", 1)).unwrap();
        let expected = format!("POST&https%3A%2F%2Fa.example%2Fp&{}", reference_params(&query, &body));
        prop_assert_eq!(signature.base_string(), expected);
    }

    #[test]
    fn signing_never_panics(
        query in "[ -~]{0,64}",
        body in proptest::collection::vec(any::<u8>(), 0..96),
        nonce in any::<String>(),
        timestamp in any::<u64>(),
        callback in proptest::option::of(any::<String>()),
        form in any::<bool>(),
    ) {
        let Ok(uri) = format!("https://a.example/p?{query}").parse::<Uri>() else {
            return Ok(());
        };
        let mut builder = http::Request::post(uri);
        if form {
            builder = builder.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        let request = builder.body(body).unwrap();
        let params = OAuthParams { callback: callback.as_deref(), ..OAuthParams::new(&nonce, timestamp) };
        if let Ok(signature) = signer().sign(&request, &params) {
            prop_assert!(signature.authorization().is_ascii());
            let sent = signature.param("oauth_nonce");
            prop_assert_eq!(sent.as_deref(), Some(nonce.as_str()));
        }
        let _ = signer().authorize(request, &params);
    }
}
