//! Tests of the parameter stage (RFC 5849 §3.4.1.3): RFC 5849 §3.4.1.3.2's normalised
//! parameters, which body is signed, what the collected names reveal, sorting beyond the
//! eight-byte prefix, and a property test against a plain decode-sort-encode reference.

use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue, Uri};
use proptest::prelude::*;

use super::*;
use crate::oauth1::sign::tests::{base, get, post, signer, OAUTH};

/// The sorted list as the base string holds it, `<oauth>` standing for the protocol block.
fn sorted(list: &ParamList) -> String {
    let pairs: Vec<String> = list
        .spans
        .iter()
        .map(|span| match span.oauth_block {
            true => "<oauth>".to_owned(),
            false => String::from_utf8(list.pair(span).to_vec()).unwrap(),
        })
        .collect();
    pairs.join("%26")
}

#[test]
fn rfc5849_3_4_1_3_2_normalised_parameters() {
    // RFC 5849 §3.4.1.3.1's request: its query, then its form body `c2&a3=2+q`.
    let (list, found) =
        ParamList::collect(b"b5=%3D%253D&a3=a&c%40=&a2=r%20b", b"c2&a3=2+q").unwrap();
    // §3.4.1.3.2's normalised string, encoded once more as the base string holds it.
    assert_eq!(
        sorted(&list),
        "a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26<oauth>"
    );
    assert!(!found.oauth && !found.placement);
}

#[test]
fn collect_tells_credential_names_and_refuses_protocol_names() {
    let (_, found) = ParamList::collect(b"a=1&to%6Ben=t", b"").unwrap();
    assert!(found.placement && !found.oauth);
    let (_, found) = ParamList::collect(b"", b"key").unwrap();
    assert!(found.placement);
    let (_, found) = ParamList::collect(b"keys=1&idToken=2", b"").unwrap();
    assert!(!found.placement);
    let code = |query: &[u8], body: &[u8]| ParamList::collect(query, body).err().unwrap().code();
    assert_eq!(code(b"%6Fauth_nonce=t", b""), "credentials_present");
    assert_eq!(code(b"", b"oauth_callback=x"), "credentials_present");
    // The body's encoding is checked before its names.
    assert_eq!(code(b"", b"oauth_token=\xff"), "invalid_request");
}

#[test]
fn only_a_form_content_type_selects_the_body() {
    let body = b"a=1".as_slice();
    let with = |content_type: &'static str| {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        form_body(&headers, body)
    };
    assert_eq!(with("application/x-www-form-urlencoded"), Some(body));
    assert_eq!(
        with(" Application/X-WWW-Form-URLEncoded ; charset=utf-8"),
        Some(body)
    );
    assert_eq!(with("application/json"), None);
    assert_eq!(with("application/x-www-form-urlencoded-not"), None);
    assert_eq!(form_body(&HeaderMap::new(), body), None);
}

#[test]
fn fragments_encode_the_value_between_literal_text() {
    assert_eq!(&*fragment(b"<", "a b&", Times::Once, b">"), b"<a%20b%26>");
    assert_eq!(
        &*fragment(b"<", "a b&", Times::Twice, b">"),
        b"<a%2520b%2526>"
    );
    assert_eq!(&*fragment(b"", "", Times::Twice, b""), b"");
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
                percent_encoding::percent_encode(&b, crate::oauth1::encode::OAUTH_ENCODE_SET)
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
    crate::oauth1::encode::encode(&joined.join("&"))
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
}
