//! Property tests across the public API: placement never loses or duplicates a parameter and
//! never yields two credentials (SPEC S3.4), whatever the request.

use proptest::prelude::*;
use trello_auth_core::{ApiKey, Credentials, Placement, Token};

/// Decoded name/value pairs.
type Pairs = Vec<(String, String)>;

const KEY: &str = "0123456789abcdef0123456789abcdef";

fn creds(token: &str) -> Credentials {
    Credentials::new(ApiKey::new(KEY).unwrap(), Token::new(token).unwrap())
}

/// Parameter names that are not credential names.
fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9_]{0,8}".prop_filter("not a credential name", |n| {
        n != "key" && n != "token" && !n.starts_with("oauth_")
    })
}

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((name(), any::<String>()), 0..6)
}

fn form(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn decoded(s: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(s.as_bytes())
        .into_owned()
        .collect()
}

/// Visible ASCII tokens that are not 32 hex (SPEC S2).
fn token() -> impl Strategy<Value = String> {
    "[!-~]{1,80}".prop_filter("not a key", |t| {
        !(t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

proptest! {
    #[test]
    fn query_and_body_placement_keep_every_parameter(
        query in pairs(),
        body in pairs(),
        token in token(),
        placement in prop_oneof![Just(Placement::Header), Just(Placement::Query), Just(Placement::Body)],
        json in any::<bool>(),
    ) {
        let creds = creds(&token);
        let mut url = "https://api.trello.com/1/cards".to_owned();
        if !query.is_empty() {
            url.push('?');
            url.push_str(&form(&query));
        }
        let (content_type, body_text) = if json {
            let object: serde_json::Map<_, _> = body
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            ("application/json", serde_json::Value::Object(object).to_string())
        } else {
            ("application/x-www-form-urlencoded", form(&body))
        };
        let request = http::Request::post(url.as_str())
            .header("content-type", content_type)
            .body(body_text.into_bytes())
            .unwrap();
        let placed = creds.authorize(request, placement).unwrap();

        // Every original query parameter, in order, then only the credentials.
        let got_query = decoded(placed.uri().query().unwrap_or(""));
        prop_assert_eq!(&got_query[..query.len()], &query[..]);
        let extra_query = &got_query[query.len()..];

        // Every original body field, and only the credentials beside them.
        let (got_body, extra_body): (Pairs, Pairs) = if json {
            let v: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(placed.body()).unwrap();
            v.into_iter()
                .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_owned()))
                .partition(|(k, _)| k != "key" && k != "token")
        } else {
            let all = decoded(std::str::from_utf8(placed.body()).unwrap());
            let n = body.len();
            (all[..n].to_vec(), all[n..].to_vec())
        };
        if json {
            let mut want: Vec<_> = body.iter().cloned().collect::<std::collections::BTreeMap<_, _>>().into_iter().collect();
            let mut got = got_body.clone();
            want.sort();
            got.sort();
            prop_assert_eq!(got, want);
        } else {
            prop_assert_eq!(&got_body, &body);
        }

        let creds_pairs = vec![("key".to_owned(), KEY.to_owned()), ("token".to_owned(), token.clone())];
        let header = placed.headers().get("authorization");
        let mut sets = 0;
        if header.is_some() { sets += 1; }
        if !extra_query.is_empty() { prop_assert_eq!(extra_query, &creds_pairs[..]); sets += 1; }
        if !extra_body.is_empty() {
            let mut e = extra_body.clone();
            e.sort();
            prop_assert_eq!(e, creds_pairs.clone());
            sets += 1;
        }
        prop_assert_eq!(sets, 1, "exactly one credential set");
    }

    #[test]
    fn placement_never_panics(method in "[A-Z]{1,7}", path in "[ -~]{0,40}", ct in "[ -~]{0,30}", body in any::<Vec<u8>>(), p in 0..3usize) {
        let placement = [Placement::Header, Placement::Query, Placement::Body][p];
        if let Ok(request) = http::Request::builder()
            .method(method.as_str())
            .uri(format!("https://api.trello.com/{path}"))
            .header("content-type", ct.as_str())
            .body(body)
        {
            let _ = creds("t0ken").authorize(request, placement);
        }
    }
}
