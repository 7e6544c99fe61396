//! Webhook verification (SPEC S9) against values computed independently (Python's `hmac`),
//! each way a delivery can be wrong, and no panic on any input.

use proptest::prelude::*;

use super::*;

fn secret() -> AppSecret {
    AppSecret::new("0123456789abcdef".repeat(4)).unwrap()
}

#[test]
fn signatures_match_an_independent_hmac() {
    // python3: base64.b64encode(hmac.new(secret, body + url, hashlib.sha1).digest())
    let url = "https://example.com/hook?x=1";
    assert_eq!(
        sign(&secret(), url, br#"{"action":{}}"#),
        "YcWGaiDxEV4KmUKAwpdQnQbefdI="
    );
    let raw = [0xff, 0xfe]; // not UTF-8: verified as bytes
    assert_eq!(
        sign(&secret(), "https://exämple.com/hoök", &raw),
        "Xz9I6gj7G5zsbo/6ZRYHartdGUc="
    );
    assert_eq!(
        verify(
            &secret(),
            "https://exämple.com/hoök",
            &raw,
            Some(" Xz9I6gj7G5zsbo/6ZRYHartdGUc=\n")
        ),
        Ok(())
    );
}

#[test]
fn each_wrong_delivery_has_its_error() {
    let (url, body) = ("https://example.com/hook", br#"{"action":{}}"#.as_slice());
    let good = sign(&secret(), url, body);
    let cases: [(&str, &[u8], Option<&str>, WebhookError); 8] = [
        (url, body, None, WebhookError::MissingHeader),
        (url, body, Some("  "), WebhookError::MissingHeader),
        (
            url,
            body,
            Some("not base64 at all, not at all"),
            WebhookError::MalformedHeader,
        ),
        (
            url,
            body,
            Some("YcWGaiDxEV4KmUKAwpdQnQ=="),
            WebhookError::MalformedHeader,
        ), // 16 bytes
        (url, body, Some(&good[..27]), WebhookError::MalformedHeader),
        (
            "https://example.com/hook/",
            body,
            Some(&good),
            WebhookError::Mismatch,
        ),
        (
            "http://10.0.0.7:8080/hook",
            body,
            Some(&good),
            WebhookError::Mismatch,
        ),
        (
            url,
            br#"{"action": {}}"#,
            Some(&good),
            WebhookError::Mismatch,
        ),
    ];
    for (url, body, header, want) in cases {
        assert_eq!(
            verify(&secret(), url, body, header),
            Err(want),
            "{url} {header:?}"
        );
    }
    let other = AppSecret::new("f".repeat(64)).unwrap();
    assert_eq!(
        verify(&other, url, body, Some(&good)),
        Err(WebhookError::Mismatch)
    );
    assert_eq!(WebhookError::Mismatch.code(), "mismatch");
}

#[test]
fn a_request_is_verified_with_the_registered_url_and_one_header() {
    let registered = "https://example.com/hook";
    let body = br#"{"action":{},"model":{}}"#.to_vec();
    let header = sign(&secret(), registered, &body);
    let request = |headers: &[&[u8]]| {
        let mut builder = http::Request::post("http://127.0.0.1:9000/hook");
        for value in headers {
            builder = builder.header(
                "X-Trello-Webhook",
                http::HeaderValue::from_bytes(value).unwrap(),
            );
        }
        builder.body(body.clone()).unwrap()
    };
    assert_eq!(
        verify_request(&secret(), registered, &request(&[header.as_bytes()])),
        Ok(())
    );
    assert_eq!(
        verify_request(&secret(), registered, &request(&[])),
        Err(WebhookError::MissingHeader)
    );
    assert_eq!(
        verify_request(
            &secret(),
            registered,
            &request(&[header.as_bytes(), header.as_bytes()])
        ),
        Err(WebhookError::MalformedHeader)
    );
    assert_eq!(
        verify_request(&secret(), registered, &request(&[b"\xff\xfe"])),
        Err(WebhookError::MalformedHeader)
    );
}

#[test]
fn no_error_shows_the_secret_or_the_signature() {
    for e in [
        WebhookError::MissingHeader,
        WebhookError::MalformedHeader,
        WebhookError::Mismatch,
    ] {
        let text = format!("{e} {e:?}");
        assert!(
            !text.contains("0123456789abcdef") && !text.contains("YcWG"),
            "{text}"
        );
    }
}

proptest! {
    #[test]
    fn verify_never_panics_and_accepts_only_its_own_signature(
        url in ".{0,40}",
        body in proptest::collection::vec(any::<u8>(), 0..200),
        header in proptest::option::of(".{0,40}"),
    ) {
        let result = verify(&secret(), &url, &body, header.as_deref());
        let own = sign(&secret(), &url, &body);
        if result.is_ok() {
            prop_assert_eq!(header.as_deref().map(str::trim), Some(own.as_str()));
        }
        prop_assert_eq!(verify(&secret(), &url, &body, Some(&own)), Ok(()));
    }
}
