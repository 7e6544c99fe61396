//! Tests of the base string stage (RFC 5849 §3.4.1): the base string of OAuth Core 1.0
//! Appendix A.5.1 and of RFC 5849 §3.4.1.1, the protocol block, the base string URI's rules
//! (§3.4.1.2), the method, and the helpers that read the authority and write digits.

use http::{Method, Uri};

use super::*;
use crate::oauth1::sign::tests::{base, get};
use crate::oauth1::sign::Signer;

/// OAuth Core 1.0 Appendix A.5.1's base string (the photos request).
const PHOTOS: &str = "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
    oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26\
    oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26\
    oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal";

#[test]
fn oauth_core_a_5_1_base_string() {
    let uri: Uri = "http://photos.example.net/photos?file=vacation.jpg&size=original"
        .parse()
        .unwrap();
    let (list, _) = ParamList::collect(uri.query().unwrap().as_bytes(), b"").unwrap();
    let written = fragments("dpf43f3p2l4k3l03", Some("nnch734d00sl2jdk"));
    let params = OAuthParams::new("kllo9940pd9333jh", 1191242096);
    let mut out = Vec::new();
    let target = Target::new(&uri);
    write(
        &mut out,
        &Method::GET,
        &target,
        &list,
        &written,
        &params,
        b"1191242096",
    )
    .unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), PHOTOS);
}

#[test]
fn rfc5849_3_4_1_1_base_string() {
    // The secrets are not in the RFC; they do not enter the base string.
    let signer = Signer::from_parts("9djdj82h48djs9d2", "cs", Some(("kkk9d7dh3k39sjv7", "ts")));
    let request = http::Request::post("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b")
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(b"c2&a3=2+q".to_vec())
        .unwrap();
    let params = OAuthParams {
        include_version: false,
        ..OAuthParams::new("7d8f3e4a", 137131201)
    };
    assert_eq!(
        signer.sign(&request, &params).unwrap().base_string(),
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
         %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
         key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
         ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
         9d7dh3k39sjv7"
    );
}

#[test]
fn the_protocol_block_is_sorted_and_encoded_twice() {
    let written = fragments("c k", Some("t/1"));
    let params = OAuthParams {
        callback: Some("http://l/cb"),
        verifier: Some("v+1"),
        ..OAuthParams::new("n 1", 7)
    };
    let mut out = Vec::new();
    write_oauth_block(&mut out, &written, &params, b"7");
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "oauth_callback%3Dhttp%253A%252F%252Fl%252Fcb%26oauth_consumer_key%3Dc%2520k%26\
         oauth_nonce%3Dn%25201%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D7%26\
         oauth_token%3Dt%252F1%26oauth_verifier%3Dv%252B1%26oauth_version%3D1.0"
    );
    // Without a token, a callback, a verifier or the version, only the required remain.
    let mut out = Vec::new();
    let params = OAuthParams {
        include_version: false,
        ..OAuthParams::new("n", 1)
    };
    write_oauth_block(&mut out, &fragments("ck", None), &params, b"1");
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "oauth_consumer_key%3Dck%26oauth_nonce%3Dn%26oauth_signature_method%3DHMAC-SHA1%26\
         oauth_timestamp%3D1"
    );
}

#[test]
fn the_base_uri_refuses_what_it_cannot_write() {
    let reason = |url: &str| {
        let uri: Uri = url.parse().unwrap();
        match push_base_uri(&mut Vec::new(), &Target::new(&uri)) {
            Err(OAuthError::InvalidRequest { reason }) => reason,
            other => panic!("{url}: {other:?}"),
        }
    };
    assert_eq!(
        reason("/1/members/me"),
        "the URL is not absolute (no scheme and host)"
    );
    assert_eq!(
        reason("ftp://a.example/x"),
        "the URL's scheme is not http or https"
    );
}

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
fn lower_case_extension_methods_are_upper_cased() {
    let request = http::Request::builder()
        .method(Method::from_bytes(b"purge").unwrap())
        .uri("https://a.example/")
        .body(Vec::new())
        .unwrap();
    assert!(base(&request).starts_with("PURGE&"));
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
