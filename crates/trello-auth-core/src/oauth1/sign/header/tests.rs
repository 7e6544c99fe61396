//! Tests of the header stage (RFC 5849 §3.5.1): OAuth Core 1.0 Appendix A.5.3's header, the
//! parameters' order and encoding, and the header value `authorize` sets.

use http::header::AUTHORIZATION;

use super::*;
use crate::oauth1::sign::tests::{get, signer};
use crate::oauth1::sign::Signer;

#[test]
fn oauth_core_a_5_3_header() {
    let written = fragments("dpf43f3p2l4k3l03", Some("nnch734d00sl2jdk"));
    let params = OAuthParams::new("kllo9940pd9333jh", 1191242096);
    let mut out = Vec::new();
    write(
        &mut out,
        &written,
        &params,
        b"tR3+Ty81lMeYAr/Fid0kMTYa/WM=",
        b"1191242096",
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_nonce=\"kllo9940pd9333jh\", \
         oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\", \
         oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1191242096\", \
         oauth_token=\"nnch734d00sl2jdk\", oauth_version=\"1.0\""
    );
}

#[test]
fn the_header_value_is_sensitive_and_never_invalid() {
    let value = sensitive_value("OAuth oauth_nonce=\"n\"").unwrap();
    assert!(value.is_sensitive());
    assert_eq!(value, "OAuth oauth_nonce=\"n\"");
    let err = sensitive_value("OAuth\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot sign the request: the Authorization value is not a valid header"
    );
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
