//! OAuth 1.0a (SPEC S6, RFC 5849): the token responses, the callback, and the base string
//! against an independent implementation.

use trello_auth_core::oauth1::{
    parse_access_token_response, parse_callback, parse_request_token_response, Consumer,
    OAuthError, OAuthParams, RequestToken, Signer, TokenCredentials,
};
use trello_auth_core::{AppSecret, Token, TokenSecret};

use super::{assert_hidden, reference};
use crate::input::{response, Fields};

/// The value of `name` in a form body, as a parser would see it (for the canary checks).
fn form_value(body: &[u8], name: &str) -> Option<String> {
    reference::decode_form(body)
        .into_iter()
        .find(|(n, _)| n == name.as_bytes())
        .map(|(_, v)| String::from_utf8_lossy(&v).into_owned())
}

/// Fields: status, headers, body; both steps' parsers read the same response.
///
/// A token pair returned is the body's; an error never shows the body's token secret.
pub fn oauth1_token_response(data: &[u8]) {
    let response = response(&mut Fields::new(data));
    let secret = form_value(response.body(), "oauth_token_secret").unwrap_or_default();
    let check_err = |e: &OAuthError| {
        assert!(!e.code().is_empty());
        assert_hidden(&e.to_string(), &secret, "a token-response error");
        assert_hidden(&format!("{e:?}"), &secret, "a token-response error's Debug");
    };
    match parse_request_token_response(&response) {
        Ok(token) => {
            assert_eq!(token.secret().expose_secret(), secret);
            assert_hidden(&format!("{token:?}"), &secret, "RequestToken's Debug");
        }
        Err(e) => check_err(&e),
    }
    match parse_access_token_response(&response) {
        Ok(creds) => {
            assert_eq!(creds.secret().expose_secret(), secret);
            assert_hidden(&format!("{creds:?}"), &secret, "TokenCredentials' Debug");
            assert_hidden(
                &format!("{creds:?}"),
                creds.token().expose_secret(),
                "its Debug",
            );
        }
        Err(e) => check_err(&e),
    }
}

/// Fields: the request token, the callback URL or query.
///
/// A verifier is accepted only with the request token's own `oauth_token`, and neither an
/// error nor a `Debug` shows the verifier.
pub fn oauth1_callback(data: &[u8]) {
    let mut f = Fields::new(data);
    let token = f.text();
    let callback = String::from_utf8_lossy(f.rest()).into_owned();
    let Ok(request_token) = RequestToken::new(token.clone(), TokenSecret::new("s")) else {
        return;
    };
    let verifier = callback
        .split_once('?')
        .map_or(callback.as_str(), |(_, q)| q)
        .as_bytes();
    let verifier = form_value(verifier, "oauth_verifier").unwrap_or_default();
    match parse_callback(&callback, &request_token) {
        Ok(v) => {
            // URL parsing drops tabs and newlines (WHATWG URL), as browsers do.
            let seen: String = callback
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect();
            assert!(seen.contains("oauth_token"), "a verifier without its token");
            assert_hidden(&format!("{v:?}"), v.expose_secret(), "Verifier's Debug");
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            assert_hidden(&e.to_string(), &verifier, "a callback error");
        }
    }
}

/// Fields: method, URI, content type, timestamp, nonce, callback (empty for none), verifier
/// (empty for none), `t` to sign with a token, body.
///
/// The core's base string must equal the one `reference::base_string` writes, and the core
/// may refuse only what RFC 5849 and SPEC S3.4 make it refuse.
pub fn oauth1_base_string(data: &[u8]) {
    let mut f = Fields::new(data);
    let method = f.bytes().to_vec();
    let Ok(uri) = http::Uri::try_from(f.bytes()) else {
        return;
    };
    let content_type = f.bytes().to_vec();
    let timestamp = std::str::from_utf8(f.bytes())
        .ok()
        .and_then(|t| t.parse::<u64>().ok())
        .unwrap_or(1_714_567_890);
    let nonce = f.text();
    let callback = f.text();
    let verifier = f.text();
    let with_token = f.bytes() == b"t";
    let body = f.rest().to_vec();

    let Ok(method) = http::Method::from_bytes(&method) else {
        return;
    };
    let mut builder = http::Request::builder()
        .method(method.clone())
        .uri(uri.clone());
    if let Ok(ct) = http::HeaderValue::from_bytes(&content_type) {
        builder = builder.header(http::header::CONTENT_TYPE, ct);
    }
    let Ok(request) = builder.body(body.clone()) else {
        return;
    };
    let consumer = Consumer::new(
        "0123456789abcdef0123456789abcdef",
        AppSecret::new("kd94hf93k423kf44").expect("a valid secret"),
    );
    let token = format!("ATTA{}", "a1".repeat(34));
    let creds = TokenCredentials::new(
        Token::new(token.clone()).expect("a valid token"),
        TokenSecret::new("pfkkdhi9sl3r4s00"),
    );
    let params = OAuthParams {
        callback: Some(callback.as_str()).filter(|c| !c.is_empty()),
        verifier: Some(verifier.as_str()).filter(|v| !v.is_empty()),
        ..OAuthParams::new(&nonce, timestamp)
    };
    let signer = Signer::new(&consumer, with_token.then_some(&creds));
    let signed = signer.sign(&request, &params);

    let is_form = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.as_bytes().split(|&b| b == b';').next())
        .is_some_and(|e| {
            e.trim_ascii()
                .eq_ignore_ascii_case(b"application/x-www-form-urlencoded")
        });
    let form = is_form.then_some(body.as_slice());
    let mut protocol = vec![
        ("oauth_consumer_key", consumer.key().to_owned()),
        ("oauth_nonce", nonce.clone()),
        ("oauth_signature_method", "HMAC-SHA1".to_owned()),
        ("oauth_timestamp", timestamp.to_string()),
        ("oauth_version", "1.0".to_owned()),
    ];
    if with_token {
        protocol.push(("oauth_token", token));
    }
    if let Some(c) = params.callback {
        protocol.push(("oauth_callback", c.to_owned()));
    }
    if let Some(v) = params.verifier {
        protocol.push(("oauth_verifier", v.to_owned()));
    }
    let own_params = reference::decode_form(uri.query().unwrap_or_default().as_bytes())
        .into_iter()
        .chain(form.map(reference::decode_form).unwrap_or_default());
    let names_oauth = own_params.map(|(n, _)| n).any(|n| n.starts_with(b"oauth_"));
    let expected = reference::base_string(method.as_str(), &uri, form, &protocol);
    let body_not_utf8 = is_form && std::str::from_utf8(&body).is_err();
    match signed {
        Ok(signature) => {
            assert!(!body_not_utf8 && !names_oauth, "signed what it must refuse");
            assert_eq!(Some(signature.base_string()), expected.as_deref());
        }
        Err(OAuthError::CredentialsPresent) => assert!(names_oauth, "refused oauth_* wrongly"),
        Err(OAuthError::InvalidRequest { reason }) => assert!(
            expected.is_none() || body_not_utf8 || nonce.is_empty(),
            "refused a signable request: {reason}"
        ),
        Err(e) => panic!("unexpected refusal: {e}"),
    }
}
