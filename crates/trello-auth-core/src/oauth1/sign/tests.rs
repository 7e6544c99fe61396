//! Tests of the entry points: what `sign` and `authorize` refuse, a property test that no
//! input makes signing panic, and the request helpers the stages' tests share.

use http::header::CONTENT_TYPE;
use proptest::prelude::*;

use super::*;

/// A signer with short credentials, so that expected base strings stay readable.
pub(super) fn signer() -> Signer {
    Signer::from_parts("ck", "cs", Some(("tok", "ts")))
}

pub(super) fn get(url: &str) -> http::Request<Vec<u8>> {
    http::Request::get(url).body(Vec::new()).unwrap()
}

pub(super) fn post(url: &str, content_type: &str, body: &str) -> http::Request<Vec<u8>> {
    http::Request::post(url)
        .header(CONTENT_TYPE, content_type)
        .body(body.as_bytes().to_vec())
        .unwrap()
}

/// The base string [`signer`] computes for `request`, nonce `n`, timestamp 1.
pub(super) fn base(request: &http::Request<Vec<u8>>) -> String {
    signer()
        .sign(request, &OAuthParams::new("n", 1))
        .unwrap()
        .base_string()
        .to_owned()
}

/// The protocol parameters of [`base`], as the base string holds them.
pub(super) const OAUTH: &str = "oauth_consumer_key%3Dck%26oauth_nonce%3Dn%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1%26oauth_token%3Dtok%26oauth_version%3D1.0";

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

proptest! {
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
