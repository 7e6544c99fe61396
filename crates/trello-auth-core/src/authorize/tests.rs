//! Tests of the authorize URL (SPEC S1.2): units and properties (the `authorize/*.json`
//! vectors run in `tests/it/vectors`).

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;

const KEY: &str = "0123456789abcdef0123456789abcdef";

/// The query of `url` as a map; a repeated parameter is a failure.
fn params_of(url: &Url) -> Result<BTreeMap<String, String>, String> {
    let mut params = BTreeMap::new();
    for (name, value) in url.query_pairs() {
        if params.insert(name.to_string(), value.to_string()).is_some() {
            return Err(format!("parameter {name} appears twice"));
        }
    }
    Ok(params)
}

/// `url` without its query.
fn base_of(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.into()
}

fn code(params: AuthorizeParams<'_>) -> &'static str {
    match params.build() {
        Ok(url) => panic!("expected an error, built {url}"),
        Err(e) => e.code(),
    }
}

#[test]
fn defaults_send_every_parameter_trello_knows() {
    let url = AuthorizeUrl::new(ApiKey::new(KEY).unwrap())
        .build()
        .unwrap();
    assert_eq!(
        url.as_str(),
        format!(
            "https://trello.com/1/authorize?key={KEY}&response_type=token&scope=read&expiration=30days"
        )
    );
}

#[test]
fn params_and_typed_builder_agree() {
    let typed = AuthorizeUrl::new(ApiKey::new(KEY).unwrap())
        .scopes(Scopes::ALL)
        .expiration(Expiration::Never)
        .name("Café & Co")
        .delivery(Delivery::post_message("https://app.example.com/cb?x=1").unwrap())
        .base(Origin::parse("http://127.0.0.1:9000").unwrap())
        .build()
        .unwrap();
    let strings = AuthorizeParams {
        key: KEY,
        scope: Some(&["write", "account", "read"]),
        expiration: Some("never"),
        name: Some("Café & Co"),
        callback_method: Some("postMessage"),
        return_url: Some("https://app.example.com/cb?x=1"),
        base_url: Some("http://127.0.0.1:9000/"),
    }
    .build()
    .unwrap();
    assert_eq!(typed, strings);
    assert_eq!(base_of(&typed), "http://127.0.0.1:9000/1/authorize");
    let params = params_of(&typed).unwrap();
    assert_eq!(params["name"], "Café & Co");
    assert_eq!(params["scope"], "read,write,account");
    assert_eq!(params["return_url"], "https://app.example.com/cb?x=1");
    assert!(
        typed.as_str().contains("&name=Caf%C3%A9+%26+Co&"),
        "{typed}"
    );
}

#[test]
fn empty_name_is_sent_when_set() {
    let url = AuthorizeParams {
        key: KEY,
        name: Some(""),
        ..Default::default()
    }
    .build()
    .unwrap();
    assert_eq!(params_of(&url).unwrap()["name"], "");
}

#[test]
fn scopes_are_a_set_written_in_a_fixed_order() {
    assert_eq!(
        Scopes::parse(["account", "read"]).unwrap().as_str(),
        "read,account"
    );
    assert_eq!(Scopes::parse(["write", "write"]).unwrap(), Scopes::WRITE);
    assert_eq!(
        Scopes::WRITE | Scopes::ACCOUNT,
        Scopes::parse(["account", "write"]).unwrap()
    );
    assert_eq!(
        Scopes::from(Scope::Account) | Scope::Read | Scope::Write,
        Scopes::ALL
    );
    assert!(Scopes::ALL.contains(Scope::Account));
    assert!(!Scopes::READ.contains(Scope::Write));
    assert_eq!(format!("{:?}", Scopes::ALL), "Scopes(read,write,account)");
    assert_eq!(Scopes::default(), Scopes::READ);
    for scope in [Scope::Read, Scope::Write, Scope::Account] {
        assert_eq!(scope.as_str().parse::<Scope>().unwrap(), scope);
        assert_eq!(Scopes::from(scope).as_str(), scope.to_string());
    }
    // Every non-empty subset serializes and parses back.
    for bits in 1..=7u8 {
        let s = Scopes(bits);
        assert_eq!(s.as_str().parse::<Scopes>().unwrap(), s);
    }
}

#[test]
fn scope_errors_name_what_was_wrong() {
    assert_eq!(
        Scopes::parse(Vec::<String>::new()),
        Err(ConfigError::EmptyScope)
    );
    assert_eq!("".parse::<Scopes>(), Err(ConfigError::EmptyScope));
    assert_eq!(
        Scopes::parse(["read", "READ"]),
        Err(ConfigError::UnknownScope {
            scope: "READ".into()
        })
    );
    assert_eq!(
        "read, write".parse::<Scopes>(),
        Err(ConfigError::UnknownScope {
            scope: " write".into()
        })
    );
    let long = "x".repeat(100);
    match Scopes::parse([long.as_str()]) {
        Err(ConfigError::UnknownScope { scope }) => assert_eq!(scope.len(), 40),
        other => panic!("{other:?}"),
    }
}

#[test]
fn expirations_round_trip() {
    for e in [
        Expiration::OneHour,
        Expiration::OneDay,
        Expiration::ThirtyDays,
        Expiration::Never,
    ] {
        assert_eq!(e.as_str().parse::<Expiration>().unwrap(), e);
        assert_eq!(e.to_string(), e.as_str());
    }
    assert_eq!(
        "30Days".parse::<Expiration>().unwrap_err().code(),
        "unknown_expiration"
    );
}

#[test]
fn return_url_rules() {
    let ok = [
        "http://localhost:8080/cb",
        "http://LOCALHOST/cb",
        "http://127.0.0.5:1/",
        "http://[::1]:8080/cb",
        "https://app.example.com/cb?state=1",
    ];
    for url in ok {
        assert!(Delivery::fragment(url).is_ok(), "{url}");
    }
    let refused = [
        ("/cb", "invalid_return_url"),
        ("localhost:8080/cb", "invalid_return_url"),
        ("ftp://example.com/cb", "invalid_return_url"),
        ("file:///tmp/cb", "invalid_return_url"),
        ("https://example.com/cb#", "invalid_return_url"),
        ("https://example.com/cb#x", "invalid_return_url"),
        ("https://user:pw@example.com/cb", "invalid_return_url"),
        ("http://example.com/cb", "insecure_return_url"),
        ("http://localhost.example.com/cb", "insecure_return_url"),
        ("http://128.0.0.1/cb", "insecure_return_url"),
        // Invalid wins over insecure.
        ("http://example.com/cb#x", "invalid_return_url"),
    ];
    for (url, code) in refused {
        assert_eq!(
            Delivery::post_message(url).unwrap_err().code(),
            code,
            "{url}"
        );
    }
}

#[test]
fn unpaired_and_unknown_callbacks() {
    let code = |m, u| Delivery::from_parts(m, u).unwrap_err().code();
    assert_eq!(code(Some("fragment"), None), "unpaired_callback");
    assert_eq!(code(None, Some("http://localhost/cb")), "unpaired_callback");
    assert_eq!(code(Some(""), None), "unpaired_callback");
    assert_eq!(
        code(Some("postmessage"), Some("http://localhost/cb")),
        "unknown_callback_method"
    );
    // An unknown method is reported before a bad URL.
    assert_eq!(
        code(Some("Fragment"), Some("/cb")),
        "unknown_callback_method"
    );
    assert_eq!(Delivery::Display.return_url(), None);
    let d = Delivery::fragment("http://localhost:8080/cb").unwrap();
    assert_eq!(d.callback_method(), Some("fragment"));
    assert_eq!(
        d.return_url().map(Url::as_str),
        Some("http://localhost:8080/cb")
    );
}

#[test]
fn hand_built_delivery_is_checked_again() {
    let key = ApiKey::new(KEY).unwrap();
    for (url, code) in [
        ("ftp://example.com/", "invalid_return_url"),
        ("http://example.com/", "insecure_return_url"),
    ] {
        let d = Delivery::Fragment(Url::parse(url).unwrap());
        let err = AuthorizeUrl::new(key.clone())
            .delivery(d)
            .build()
            .unwrap_err();
        assert_eq!(err.code(), code);
    }
}

#[test]
fn errors_come_in_the_documented_order() {
    let all_wrong = AuthorizeParams {
        key: "nope",
        scope: Some(&[]),
        expiration: Some("forever"),
        name: None,
        callback_method: Some("fragment"),
        return_url: None,
        base_url: Some("ftp://trello.com"),
    };
    assert_eq!(code(all_wrong), "invalid_key");
    let p = AuthorizeParams {
        key: KEY,
        ..all_wrong
    };
    assert_eq!(code(p), "empty_scope");
    let p = AuthorizeParams {
        scope: Some(&["read", "admin"]),
        ..p
    };
    assert_eq!(code(p), "unknown_scope");
    let p = AuthorizeParams { scope: None, ..p };
    assert_eq!(code(p), "unknown_expiration");
    let p = AuthorizeParams {
        expiration: None,
        ..p
    };
    assert_eq!(code(p), "unpaired_callback");
    let p = AuthorizeParams {
        return_url: Some("https://x.example/#"),
        ..p
    };
    assert_eq!(code(p), "invalid_return_url");
    let p = AuthorizeParams {
        return_url: Some("http://x.example/"),
        ..p
    };
    assert_eq!(code(p), "insecure_return_url");
    let p = AuthorizeParams {
        return_url: Some("https://x.example/"),
        ..p
    };
    assert_eq!(code(p), "invalid_base_url");
    let p = AuthorizeParams {
        base_url: Some("http://trello.example"),
        ..p
    };
    assert_eq!(code(p), "insecure_scheme");
    let p = AuthorizeParams {
        base_url: Some("https://trello.com/1"),
        ..p
    };
    assert_eq!(code(p), "invalid_base_url");
    let p = AuthorizeParams {
        base_url: None,
        ..p
    };
    assert!(p.build().is_ok());
}

#[test]
fn errors_echo_only_a_prefix_of_the_value() {
    let long = format!("{}tail", "y".repeat(60));
    let err = AuthorizeParams {
        key: KEY,
        expiration: Some(&long),
        ..Default::default()
    }
    .build()
    .unwrap_err();
    assert!(!err.to_string().contains("tail"), "{err}");
    let err = Delivery::from_parts(Some(&long), Some("https://x.example/")).unwrap_err();
    assert!(!err.to_string().contains("tail"), "{err}");
}

// The `authorize/*.json` conformance vectors run in the workspace's one vector runner
// (`tests/it/vectors`, `cargo test -p trello-auth-tests`), shared with the Python tests.

// ---- properties ----

fn opt_string() -> impl Strategy<Value = Option<String>> {
    prop::option::of(any::<String>())
}

proptest! {
    #[test]
    fn delivery_from_parts_never_panics(m in opt_string(), u in opt_string()) {
        let _ = Delivery::from_parts(m.as_deref(), u.as_deref());
    }

    #[test]
    fn string_builder_never_panics(
        key in prop_oneof![Just(KEY.to_owned()), any::<String>()],
        scope in prop::option::of(prop::collection::vec(
            prop_oneof![Just("read".to_owned()), Just("account".to_owned()), any::<String>()], 0..4)),
        expiration in opt_string(),
        name in opt_string(),
        method in prop::option::of(prop_oneof![Just("fragment".to_owned()), any::<String>()]),
        return_url in prop::option::of(prop_oneof![
            "https?://[a-z.]{0,12}(:[0-9]{1,5})?/[ -~]{0,20}", any::<String>()]),
        base_url in prop::option::of(prop_oneof![
            "https?://[a-z0-9.]{0,12}(:[0-9]{1,6})?/?", any::<String>()]),
    ) {
        let scope: Option<Vec<&str>> = scope.as_ref().map(|s| s.iter().map(String::as_str).collect());
        let _ = AuthorizeParams {
            key: &key,
            scope: scope.as_deref(),
            expiration: expiration.as_deref(),
            name: name.as_deref(),
            callback_method: method.as_deref(),
            return_url: return_url.as_deref(),
            base_url: base_url.as_deref(),
        }
        .build();
    }

    #[test]
    fn built_params_decode_back_to_the_inputs(
        key in "[0-9a-fA-F]{32}",
        scope_bits in 1..=7u8,
        expiration in prop::sample::select(vec!["1hour", "1day", "30days", "never"]),
        name in prop::option::of(any::<String>()),
        method in prop::option::of(prop::sample::select(vec!["fragment", "postMessage"])),
        return_url in "(https://[a-z]{1,8}\\.example|http://localhost:[1-9][0-9]{2,3})/([a-zA-Z0-9_~-][a-zA-Z0-9._~-]{0,11})?(\\?[a-z]{1,4}=[a-z0-9]{0,6})?",
        base in prop::sample::select(vec!["https://trello.com", "http://127.0.0.1:9000", "https://sandbox.example:8443"]),
    ) {
        let names: Vec<&str> = [Scope::Read, Scope::Write, Scope::Account]
            .into_iter()
            .filter(|s| scope_bits & s.bit() != 0)
            .map(Scope::as_str)
            .rev() // out of order on purpose
            .collect();
        let params = AuthorizeParams {
            key: &key,
            scope: Some(&names),
            expiration: Some(expiration),
            name: name.as_deref(),
            callback_method: method,
            return_url: method.map(|_| return_url.as_str()),
            base_url: Some(base),
        };
        let url = params.build().unwrap();
        prop_assert_eq!(base_of(&url), format!("{base}/1/authorize"));
        let mut want = BTreeMap::new();
        want.insert("key".to_owned(), key.clone());
        want.insert("response_type".to_owned(), "token".to_owned());
        want.insert("scope".to_owned(), Scopes(scope_bits).as_str().to_owned());
        want.insert("expiration".to_owned(), expiration.to_owned());
        if let Some(name) = &name {
            want.insert("name".to_owned(), name.clone());
        }
        if let Some(method) = method {
            want.insert("callback_method".to_owned(), method.to_owned());
            want.insert("return_url".to_owned(), return_url.clone());
        }
        prop_assert_eq!(params_of(&url).unwrap(), want);
    }
}

/// Found by cargo-mutants: `|` could have been `^` and `Display` empty without a test failing.
#[test]
fn scopes_union_is_idempotent_and_displays_as_the_wire_form() {
    assert_eq!(Scopes::READ | Scopes::READ, Scopes::READ);
    assert_eq!(
        (Scopes::READ | Scopes::WRITE) | Scope::Write,
        Scopes::READ | Scopes::WRITE
    );
    assert_eq!(Scopes::READ | Scope::Read, Scopes::READ);
    assert_eq!((Scopes::READ | Scope::Account).to_string(), "read,account");
    assert_eq!(Scopes::READ.to_string(), "read");
}
