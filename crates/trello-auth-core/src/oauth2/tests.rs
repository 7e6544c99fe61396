//! Module-wide tests of `oauth2`: what the vectors cannot say (no secret in `Debug` or an
//! error, the exact JSON bodies, the Bearer refusals, the expiry helper) and the property
//! that no input makes a parser or a constructor panic.

use proptest::prelude::*;

use super::*;
use crate::Origin;

// The `pkce`, `oauth2_authorize`, `oauth2_redirect` and `oauth2_token` conformance vectors
// run in the workspace's one vector runner (`tests/it/vectors`), shared with Python.

const MARK: &str = "c4n4ry";

fn secret(prefix: &str) -> String {
    format!("{prefix}-{MARK}-0123456789")
}

#[test]
fn no_secret_reaches_debug_or_an_error_message() {
    let client =
        ClientCredentials::confidential("client-id", ClientSecret::new(secret("ATO")).unwrap())
            .unwrap();
    let set = TokenSet::new(
        AccessToken::new(secret("at")).unwrap(),
        Some(RefreshToken::new(secret("rt")).unwrap()),
        Some(1),
        vec![],
    );
    let pkce = Pkce::from_verifier(&format!("{MARK}{}", "v".repeat(40))).unwrap();
    let code = AuthorizationCode::new(secret("code")).unwrap();
    let mut texts = vec![
        format!("{client:?} {client:#?}"),
        format!("{set:?} {set:#?}"),
        format!("{pkce:?}"),
        format!("{code:?}"),
    ];
    // Refused values are described by shape only.
    for bad in [format!("{MARK} x"), format!("\u{7f}{MARK}")] {
        texts.push(ClientSecret::new(bad.clone()).unwrap_err().to_string());
        texts.push(AccessToken::new(bad.clone()).unwrap_err().to_string());
        texts.push(CodeVerifier::new(bad.clone()).unwrap_err().to_string());
        texts.push(ClientCredentials::public(bad).unwrap_err().to_string());
    }
    // A redirect and a response whose values are secrets.
    let err = parse_redirect(&format!("http://l/cb?code={MARK}&state={MARK}x"), "s").unwrap_err();
    texts.push(format!("{err} {err:?}"));
    let err = parse_redirect(&format!("http://l/cb?error={MARK}&state=s"), "s").unwrap_err();
    texts.push(err.to_string());
    let body = format!(r#"{{"access_token":"{MARK}","token_type":"mac"}}"#);
    let err = parse_token_response(&http::Response::new(body), 0).unwrap_err();
    texts.push(format!("{err} {err:?}"));
    let body = format!(r#"{{"error":"{MARK}","error_description":"{MARK}"}}"#);
    let response = http::Response::builder().status(400).body(body).unwrap();
    let err = parse_token_response(&response, 0).unwrap_err();
    texts.push(format!("{err} {err:?}"));
    for text in texts {
        assert!(!text.contains(MARK), "a secret shows: {text}");
    }
}

#[test]
fn the_denied_message_shows_a_code_but_not_arbitrary_text() {
    let err = parse_redirect("http://l/cb?error=access_denied&state=s", "s").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the authorization was refused (access_denied): tell the user, and start again if they change their mind"
    );
    let err = parse_redirect("http://l/cb?error=Access%20Denied&state=s", "s").unwrap_err();
    assert!(err.to_string().contains("(an unrecognised error)"));
}

#[test]
fn the_token_requests_send_exactly_s8_4s_json_fields() {
    let auth = Origin::parse("http://127.0.0.1:9000").unwrap();
    let public = ClientCredentials::public("cid").unwrap();
    let confidential =
        ClientCredentials::confidential("cid", ClientSecret::new("ATOAsecret").unwrap()).unwrap();
    let verifier = CodeVerifier::new("v".repeat(43)).unwrap();
    let code = AuthorizationCode::new("c0d3").unwrap();
    let json = |r: &crate::Request| serde_json::from_slice::<serde_json::Value>(r.body()).unwrap();

    let r = code_exchange_request(&auth, &public, &code, &verifier, "http://127.0.0.1:1/cb");
    assert_eq!(r.method(), http::Method::POST);
    assert_eq!(r.uri(), "http://127.0.0.1:9000/oauth/token");
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(
        json(&r),
        serde_json::json!({"grant_type": "authorization_code", "client_id": "cid", "code": "c0d3",
            "code_verifier": "v".repeat(43), "redirect_uri": "http://127.0.0.1:1/cb"})
    );
    let r = code_exchange_request(&auth, &confidential, &code, &verifier, "x");
    assert_eq!(json(&r)["client_secret"], "ATOAsecret");

    let refresh = RefreshToken::new("rt").unwrap();
    assert_eq!(
        json(&refresh_request(&auth, &public, &refresh)),
        serde_json::json!({"grant_type": "refresh_token", "client_id": "cid", "refresh_token": "rt"})
    );
    assert_eq!(
        json(&refresh_request(&auth, &confidential, &refresh))["client_secret"],
        "ATOAsecret"
    );
}

#[test]
fn bearer_refuses_insecure_hosts_and_second_credentials_and_keeps_loopback() {
    let token = AccessToken::new("at").unwrap();
    let get = |url: &str| http::Request::get(url).body(Vec::new()).unwrap();
    let code = |r| bearer(r, &token).map(|_| "ok").unwrap_or_else(|e| e.code());
    assert_eq!(code(get("http://127.0.0.1:8080/1/members/me")), "ok");
    assert_eq!(code(get("http://localhost/1/members/me")), "ok");
    assert_eq!(code(get("http://[::1]/1/members/me")), "ok");
    assert_eq!(
        code(get("http://api.trello.com/1/members/me")),
        "insecure_scheme"
    );
    assert_eq!(code(get("/1/members/me")), "insecure_scheme");
    assert_eq!(code(get("ftp://api.trello.com/1")), "insecure_scheme");
    for query in ["key=k", "token=t", "access_token=a", "a=1&token=t"] {
        let url = format!("https://api.trello.com/1/members/me?{query}");
        assert_eq!(code(get(&url)), "credentials_present", "{query}");
    }
    let signed = http::Request::get("https://api.trello.com/1/members/me")
        .header("authorization", "OAuth x")
        .body(Vec::new())
        .unwrap();
    assert_eq!(code(signed), "credentials_present");
    // Insecure wins over present credentials, as for key + token placement.
    assert_eq!(
        code(get("http://api.trello.com/1/members/me?token=t")),
        "insecure_scheme"
    );
}

#[test]
fn expiry_is_unknown_without_expires_in_and_inclusive_at_the_edge() {
    let at = AccessToken::new("at").unwrap();
    let unknown = TokenSet::new(at.clone(), None, None, vec![]);
    assert!(!unknown.expires_within(u64::MAX, u64::MAX));
    let set = TokenSet::new(at, None, Some(100), vec![]);
    assert!(set.expires_within(40, 60));
    assert!(!set.expires_within(39, 60));
    assert!(set.expires_within(u64::MAX, u64::MAX));
}

#[test]
fn the_authorization_request_sends_each_scope_once_in_s8_8_order() {
    let pkce = Pkce::from_random([0; 32]);
    let url = AuthorizationRequest::new("cid", "https://example.com/cb")
        .scopes(Scope::ALL.into_iter().rev())
        .scopes([Scope::ReadBoard])
        .offline(false)
        .state("s")
        .pkce(&pkce)
        .audience(Some("api.atlassian.com"))
        .build()
        .unwrap();
    let scope = url
        .query_pairs()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let all: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(scope, all.join(" "));
    assert!(url
        .query()
        .unwrap()
        .ends_with("&prompt=consent&audience=api.atlassian.com"));
    let no_pkce = AuthorizationRequest::new("cid", "https://example.com/cb")
        .scopes([Scope::ReadBoard])
        .state("s")
        .build();
    assert_eq!(no_pkce.unwrap_err().code(), "missing_pkce");
    for scope in Scope::ALL {
        assert_eq!(Scope::parse(scope.as_str()), Ok(scope));
    }
}

proptest! {
    #[test]
    fn parse_redirect_never_panics(url in "\\PC{0,80}", state in "\\PC{0,8}") {
        let _ = parse_redirect(&url, &state);
        let _ = parse_redirect(&format!("http://127.0.0.1/cb?{url}"), &state);
    }

    #[test]
    fn parse_token_response_never_panics(
        status in 100u16..600,
        body in prop_oneof![
            "\\PC{0,80}",
            proptest::collection::vec(
                ("(access_token|refresh_token|expires_in|scope|token_type|error)",
                 prop_oneof![
                     Just("null".to_owned()), Just("[]".to_owned()), Just("-1".to_owned()),
                     Just("1e300".to_owned()), Just("18446744073709551615".to_owned()),
                     "\"\\PC{0,12}\"", "[0-9]{1,22}",
                 ]),
                0..6,
            ).prop_map(|fields| {
                let fields: Vec<String> =
                    fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", fields.join(","))
            }),
        ],
        now in any::<u64>(),
    ) {
        let response = http::Response::builder().status(status).body(body).unwrap();
        let _ = parse_token_response(&response, now);
    }

    #[test]
    fn verifier_and_secret_constructors_never_panic(s in "\\PC{0,140}|[A-Za-z0-9._~-]{40,130}") {
        let _ = Pkce::from_verifier(&s);
        let _ = ClientSecret::new(s.clone());
        let _ = AccessToken::new(s.clone());
        let _ = RefreshToken::new(s.clone());
        let _ = AuthorizationCode::new(s.clone());
        let _ = ClientCredentials::public(s.clone());
        if let Ok(pkce) = Pkce::from_verifier(&s) {
            prop_assert_eq!(pkce.challenge().len(), 43);
        }
    }

    #[test]
    fn any_32_bytes_make_a_43_character_verifier(bytes in any::<[u8; 32]>()) {
        let pkce = Pkce::from_random(bytes);
        let again = Pkce::from_verifier(pkce.verifier().expose_secret()).unwrap();
        prop_assert_eq!(pkce, again);
    }
}

#[test]
fn a_deny_keeps_short_words_and_redacts_long_ones() {
    let long = "x".repeat(32);
    let url =
        format!("http://l/cb?error=access_denied&error_description=User%20denied%20{long}&state=s");
    assert_eq!(
        parse_redirect(&url, "s"),
        Err(OAuth2Error::Denied {
            error: "access_denied".into(),
            description: Some("User denied [redacted]".into()),
        })
    );
    let url = format!("http://l/cb?error={}&state=s", "y".repeat(500));
    let Err(OAuth2Error::Denied { error, .. }) = parse_redirect(&url, "s") else {
        panic!("a deny")
    };
    assert_eq!(error, "[redacted]");
    let words = "ab ".repeat(300);
    let url = format!("http://l/cb?error=e&error_description={words}&state=s");
    let Err(OAuth2Error::Denied { description, .. }) = parse_redirect(&url, "s") else {
        panic!("a deny")
    };
    assert_eq!(description.unwrap().chars().count(), 200);
}
