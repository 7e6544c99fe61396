//! Tests of the RFC 5849 §3.6 encoder and the form-component re-encoder.

use percent_encoding::percent_decode_str;
use proptest::prelude::*;

use super::*;

/// The pairs of a whole form string, re-encoded `times` over.
fn pairs(form: &str, times: Times) -> Vec<(String, String)> {
    let mut rest = form.as_bytes();
    let mut pairs = Vec::new();
    while !rest.is_empty() {
        let mut out = Vec::new();
        let (name_end, tail) = reencode_form_pair(&mut out, rest, times);
        assert!(tail.len() < rest.len(), "no progress");
        rest = tail;
        if let Some(end) = name_end {
            let sep = if times == Times::Once { 1 } else { 3 };
            let name = String::from_utf8(out[..end].to_vec()).unwrap();
            let value = String::from_utf8(out[end + sep..].to_vec()).unwrap();
            pairs.push((name, value));
        }
    }
    pairs
}

/// One form component (no `&` or `=`) decoded and encoded once.
fn reencode(raw: &str) -> String {
    assert!(!raw.contains(['&', '=']));
    let mut out = Vec::new();
    let (end, rest) = reencode_form_pair(&mut out, raw.as_bytes(), Times::Once);
    assert!(rest.is_empty());
    match end {
        Some(end) => {
            assert_eq!(end + 1, out.len());
            String::from_utf8(out[..end].to_vec()).unwrap()
        }
        None => String::new(),
    }
}

fn encode_fast(bytes: &[u8], times: Times) -> String {
    let mut out = Vec::new();
    encode_bytes(&mut out, bytes, times);
    String::from_utf8(out).unwrap()
}

/// Only unreserved characters and `%XX` with upper-case hex.
fn is_oauth_encoded(s: &str) -> bool {
    let upper_hex = |c: &u8| c.is_ascii_digit() || (b'A'..=b'F').contains(c);
    let mut rest = s.as_bytes();
    loop {
        rest = match rest {
            [] => return true,
            [b'%', hi, lo, tail @ ..] if upper_hex(hi) && upper_hex(lo) => tail,
            [b, tail @ ..] if is_unreserved(*b) => tail,
            _ => return false,
        };
    }
}

#[test]
fn unreserved_agrees_with_the_ascii_set() {
    for b in 0..=255u8 {
        let encoded = percent_encode(&[b], OAUTH_ENCODE_SET).to_string();
        assert_eq!(is_unreserved(b), encoded.len() == 1, "byte {b:#04x}");
    }
}

#[test]
fn encodes_per_rfc5849_3_6() {
    assert_eq!(encode("abcABC019-._~"), "abcABC019-._~");
    assert_eq!(encode(" "), "%20");
    assert_eq!(encode("+&=%/?#"), "%2B%26%3D%25%2F%3F%23");
    assert_eq!(encode("é"), "%C3%A9");
    assert_eq!(encode("\u{1F980}"), "%F0%9F%A6%80");
    assert_eq!(encode(""), "");
}

#[test]
fn reencodes_form_components() {
    // RFC 5849 §3.4.1.3: b5=%3D%253D decodes to "=%3D" and encodes to "%3D%253D".
    assert_eq!(reencode("%3D%253D"), "%3D%253D");
    assert_eq!(reencode("2+q"), "2%20q");
    assert_eq!(reencode("r%20b"), "r%20b");
    assert_eq!(reencode("a%2Bb"), "a%2Bb");
    assert_eq!(reencode("c%40"), "c%40");
    // Lower-case hex is decoded; unreserved octets come out plain.
    assert_eq!(reencode("%7e%41%2f"), "~A%2F");
    // Malformed escapes are literal percents.
    assert_eq!(reencode("100%"), "100%25");
    assert_eq!(reencode("%zz%4"), "%25zz%254");
    // Raw characters that a lax client left unencoded.
    assert_eq!(reencode("a b*✓"), "a%20b%2A%E2%9C%93");
    // Octets that are not UTF-8 stay octets.
    assert_eq!(reencode("%FF%fe"), "%FF%FE");
    assert_eq!(reencode(""), "");
}

#[test]
fn splits_form_strings_into_pairs() {
    let p = |n: &str, v: &str| (n.to_owned(), v.to_owned());
    // RFC 5849 §3.4.1.3: c2 without '=' is a name with an empty value.
    assert_eq!(
        pairs("c2&a3=2+q", Times::Once),
        [p("c2", ""), p("a3", "2%20q")]
    );
    // Empty pieces are no parameter; "=" is an empty name with an empty value.
    assert_eq!(pairs("&&a=1&&=&", Times::Once), [p("a", "1"), p("", "")]);
    // Only the first '=' separates; later ones belong to the value.
    assert_eq!(pairs("a==b=", Times::Once), [p("a", "%3Db%3D")]);
    assert_eq!(pairs("a==b=", Times::Twice), [p("a", "%253Db%253D")]);
    // An encoded '&' or '=' does not split.
    assert_eq!(
        pairs("a%26b%3Dc=d%26", Times::Once),
        [p("a%26b%3Dc", "d%26")]
    );
    assert_eq!(pairs("", Times::Once), []);
}

proptest! {
    #[test]
    fn encode_round_trips_and_is_unreserved_only(s in any::<String>()) {
        let encoded = encode(&s);
        prop_assert!(is_oauth_encoded(&encoded), "{encoded}");
        prop_assert_eq!(percent_decode_str(&encoded).decode_utf8().unwrap(), s.as_str());
    }

    #[test]
    fn reencode_equals_decode_then_encode(raw in "[a-zA-Z0-9%+ ~.*\\-_éF]{0,40}") {
        let decoded: Vec<u8> = percent_encoding::percent_decode(raw.replace('+', " ").as_bytes()).collect();
        let mut expected = String::new();
        encode_into(&mut expected, &decoded);
        prop_assert_eq!(reencode(&raw), expected);
    }

    #[test]
    fn reencoded_pairs_are_oauth_encoded(raw in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut rest = &raw[..];
        while !rest.is_empty() {
            let mut out = Vec::new();
            let (name_end, tail) = reencode_form_pair(&mut out, rest, Times::Once);
            prop_assert!(tail.len() < rest.len());
            rest = tail;
            if let Some(end) = name_end {
                let (name, value) = (&out[..end], &out[end + 1..]);
                prop_assert_eq!(out[end], b'=');
                prop_assert!(is_oauth_encoded(std::str::from_utf8(name).unwrap()));
                prop_assert!(is_oauth_encoded(std::str::from_utf8(value).unwrap()));
            }
        }
    }

    #[test]
    fn fast_encoder_equals_the_percent_encoding_crate(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let reference = percent_encode(&bytes, OAUTH_ENCODE_SET).to_string();
        prop_assert_eq!(encode_fast(&bytes, Times::Once), reference.clone());
        // Twice = encoding the once-encoded text again.
        let again = percent_encode(reference.as_bytes(), OAUTH_ENCODE_SET).to_string();
        prop_assert_eq!(encode_fast(&bytes, Times::Twice), again);
    }

    #[test]
    fn reencode_twice_is_reencode_once_encoded_again(raw in "[a-zA-Z0-9%+ ~.*\\-_&=éF]{0,40}") {
        let twice = pairs(&raw, Times::Twice);
        let once_again: Vec<_> = pairs(&raw, Times::Once)
            .into_iter()
            .map(|(n, v)| (encode(&n), encode(&v)))
            .collect();
        prop_assert_eq!(twice, once_again);
    }
}
