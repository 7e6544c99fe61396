//! The secret canary: a token, a token secret and an app secret of known value never appear
//! in any `Debug`, `Display` or error output of a public type, nor in `redact` output.

use trello_auth_core::oauth1::{self, Consumer, OAuthParams, Signer, TokenCredentials};
use trello_auth_core::oauth2;
use trello_auth_core::{
    classify, parse_fragment, parse_pasted_token, parse_post_message, redact, token, ApiKey,
    AppSecret, Credentials, Error, Origin, Placement, Token, TokenSecret,
};

mod faults;
mod webhook;

/// Every secret below contains this marker; no output may.
const MARK: &str = "c4n4ry";
const TOKEN: &str = "ATTAc4n4ry0000000000000000000000000000000000000000000000000000000000C4N4RY00";
const TOKEN_SECRET: &str = "c4n4ry-token-secret";
const APP_SECRET: &str = "c4n4ry0000000000000000000000000000000000000000000000000000000000";
const KEY: &str = "0123456789abcdef0123456789abcdef";

/// Collects renderings and fails naming every one that leaks.
#[derive(Default)]
struct Outputs(Vec<(String, String)>);

impl Outputs {
    fn debug(&mut self, what: &str, v: &dyn std::fmt::Debug) {
        self.0
            .push((format!("{what} (Debug)"), format!("{v:?} {v:#?}")));
    }

    fn error(&mut self, what: &str, e: &(dyn std::error::Error + 'static)) {
        self.debug(what, &e);
        let mut text = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            text.push_str(&s.to_string());
            source = s.source();
        }
        self.0.push((format!("{what} (Display + sources)"), text));
    }

    fn text(&mut self, what: &str, s: String) {
        self.0.push((what.to_owned(), s));
    }

    /// Fails if any output leaks, or if fewer than `at_least` were checked.
    fn assert_clean(self, at_least: usize) {
        let leaks: Vec<String> = self
            .0
            .iter()
            .filter(|(_, s)| s.to_ascii_lowercase().contains(MARK))
            .map(|(what, s)| format!("{what}: {s}"))
            .collect();
        assert!(
            self.0.len() >= at_least,
            "too few outputs checked: {}",
            self.0.len()
        );
        assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
    }
}

fn creds() -> Credentials {
    Credentials::new(ApiKey::new(KEY).unwrap(), Token::new(TOKEN).unwrap())
}

#[test]
fn secrets_never_leak() {
    let mut out = Outputs::default();
    let token = Token::new(TOKEN).unwrap();
    out.debug("Token", &token);
    out.debug("AppSecret", &AppSecret::new(APP_SECRET).unwrap());
    out.debug("TokenSecret", &TokenSecret::new(TOKEN_SECRET));
    out.debug("Credentials", &creds());

    // Errors about secrets describe their shape only.
    for bad in [format!("{TOKEN} x"), format!("\u{7f}{TOKEN}")] {
        let e = Token::new(bad).unwrap_err();
        out.error("Token::new error", &e);
        out.error("crate Error", &Error::from(e));
    }

    // Placement: each placement's request through redact, and each refusal.
    for placement in [Placement::Header, Placement::Query, Placement::Body] {
        let r = http::Request::post(format!("https://api.trello.com/1/tokens/{TOKEN}/webhooks"))
            .header("content-type", "application/json")
            .body(br#"{"idModel":"x"}"#.to_vec())
            .unwrap();
        let placed = creds().authorize(r, placement).unwrap();
        out.text("redact(placed)", redact(&placed));
        let again = creds().authorize(placed, placement).unwrap_err();
        out.error("placement refusal", &again);
    }
    let foreign = http::Request::get(format!("https://evil.example/?token={TOKEN}"))
        .body(Vec::new())
        .unwrap();
    out.error(
        "foreign_host",
        &creds().authorize(foreign, Placement::Header).unwrap_err(),
    );
    let form = http::Request::put("https://api.trello.com/1/cards/x")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={TOKEN}&secret={APP_SECRET}").into_bytes())
        .unwrap();
    out.text("redact(form)", redact(&form));
    out.text(
        "redact(token_info)",
        redact(&token::token_info(&Origin::trello_api(), &token)),
    );
    out.text(
        "redact(revoke)",
        redact(&token::revoke(&Origin::trello_api(), &token)),
    );

    // Capture: tokens in malformed or denied input never come back in the error.
    for input in [
        format!("#token={TOKEN}&token={TOKEN}"),
        format!("#token={TOKEN}&error=denied"),
        format!("#token=&error={TOKEN}"),
        format!("#token={TOKEN}%20x"),
        format!("https://x.example/cb?token={TOKEN}"),
    ] {
        if let Err(e) = parse_fragment(&input) {
            out.error("parse_fragment", &e);
        }
    }
    for input in [
        format!("{TOKEN} {TOKEN}"),
        format!("https://x.example/?t={TOKEN}"),
    ] {
        if let Err(e) = parse_pasted_token(&input) {
            out.error("parse_pasted_token", &e);
        }
    }
    for (origin, data) in [
        ("https://evil.example", format!("\"{TOKEN}\"")),
        ("https://trello.com", format!("[\"{TOKEN}\"]")),
        ("https://trello.com", format!("{{\"error\":\"{TOKEN}\"}}")),
        ("https://trello.com", format!("\"denied {TOKEN}\"")),
    ] {
        if let Err(e) = parse_post_message(origin, &data) {
            out.error("parse_post_message", &e);
        }
    }

    // Classification of bodies that echo a token.
    for status in [200, 401, 429, 500] {
        let r = http::Response::builder()
            .status(status)
            .body(format!("invalid token {TOKEN}").into_bytes())
            .unwrap();
        out.debug("Verdict", &classify(&r));
    }
    let decode =
        token::decode::<token::TokenInfo>(format!("{{\"id\":\"{TOKEN}\"").as_bytes()).unwrap_err();
    out.error("DecodeError", &decode);

    // OAuth 1.0a: consumer, token credentials, signer, signature, flow errors.
    let consumer = Consumer::new(KEY, AppSecret::new(APP_SECRET).unwrap());
    let tc = TokenCredentials::new(Token::new(TOKEN).unwrap(), TokenSecret::new(TOKEN_SECRET));
    out.debug("Consumer", &consumer);
    out.debug("TokenCredentials", &tc);
    let signer = Signer::new(&consumer, Some(&tc));
    out.debug("Signer", &signer);
    let get = http::Request::get("https://api.trello.com/1/members/me")
        .body(Vec::new())
        .unwrap();
    let params = OAuthParams::new("nonce", 1_700_000_000);
    let signature = signer.sign(&get, &params).unwrap();
    out.debug("Signature", &signature);
    let signed = signer.authorize(get, &params).unwrap();
    out.text("redact(signed)", redact(&signed));
    out.error(
        "oauth1 credentials_present",
        &signer.authorize(signed, &params).unwrap_err(),
    );
    let response = http::Response::builder()
        .status(200)
        .body(format!("oauth_token={TOKEN}&oauth_token_secret={TOKEN_SECRET}").into_bytes())
        .unwrap();
    let request_token = oauth1::parse_request_token_response(&response);
    out.debug("parse_request_token_response", &request_token);
    let access = oauth1::parse_access_token_response(&response).unwrap();
    out.debug("access TokenCredentials", &access);
    let bad = http::Response::builder()
        .status(401)
        .body(format!("bad {TOKEN_SECRET}").into_bytes())
        .unwrap();
    out.error(
        "access-token error",
        &oauth1::parse_access_token_response(&bad).unwrap_err(),
    );

    // OAuth 2.0: the secrets, what holds them, the Bearer header, the refresh request, and
    // errors about refused values and answers that echo them.
    let client = oauth2::ClientCredentials::confidential(
        "client-id",
        oauth2::ClientSecret::new(APP_SECRET).unwrap(),
    )
    .unwrap();
    out.debug("ClientCredentials", &client);
    let access = oauth2::AccessToken::new(TOKEN).unwrap();
    let refresh = oauth2::RefreshToken::new(TOKEN_SECRET).unwrap();
    out.debug("AccessToken", &access);
    out.debug("RefreshToken", &refresh);
    out.debug(
        "AuthorizationCode",
        &oauth2::AuthorizationCode::new(TOKEN).unwrap(),
    );
    let pkce = oauth2::Pkce::from_verifier(&format!("{MARK}{}", "v".repeat(40))).unwrap();
    out.debug("Pkce", &pkce);
    out.debug("CodeVerifier", pkce.verifier());
    let set = oauth2::TokenSet::new(access.clone(), Some(refresh.clone()), Some(1), vec![]);
    out.debug("TokenSet", &set);
    // The grant a client shares between calls, the client holding it, and its refresh step.
    let grant = oauth2::Grant::new(client.clone(), set.clone())
        .on_tokens(|_| Err("the store is locked".into()));
    out.debug("Grant", &grant);
    let session = trello_auth_core::client::Session::builder()
        .oauth2(grant)
        .build();
    out.debug("Session (OAuth 2.0)", &session);
    let mut call = session.call(session.members_me_request());
    if let Ok(trello_auth_core::client::Attempt::Refresh(refresh)) =
        call.attempt(std::time::Instant::now(), || 1_000)
    {
        out.debug("Refresh", &refresh);
        let flight = refresh.lock_blocking();
        let answer = http::Response::new(
            format!(r#"{{"access_token":"{TOKEN}","token_type":"Bearer"}}"#).into_bytes(),
        );
        // The hook fails: the error names the failure, never the tokens it could not save.
        out.error(
            "TokensNotSaved",
            &refresh.finish(&flight, Ok(answer), 1_000).unwrap_err(),
        );
    } else {
        panic!("an expired set is refreshed first");
    }
    let get = http::Request::get("https://api.trello.com/1/members/me")
        .body(Vec::new())
        .unwrap();
    let bearer = oauth2::bearer(get, &access).unwrap();
    out.text("redact(bearer)", redact(&bearer));
    out.error(
        "bearer credentials_present",
        &oauth2::bearer(bearer, &access).unwrap_err(),
    );
    let refreshing = oauth2::refresh_request(&Origin::atlassian_auth(), &client, &refresh);
    out.text("redact(refresh_request)", redact(&refreshing));
    let exchanging = oauth2::code_exchange_request(
        &Origin::atlassian_auth(),
        &client,
        &oauth2::AuthorizationCode::new(TOKEN).unwrap(),
        pkce.verifier(),
        "http://127.0.0.1:8080/callback",
    );
    out.text("redact(code_exchange_request)", redact(&exchanging));
    for bad in [format!("{TOKEN} x"), format!("\u{7f}{TOKEN}")] {
        let e = oauth2::AccessToken::new(bad.clone()).unwrap_err();
        out.error("AccessToken::new error", &e);
        out.error("crate Error (oauth2)", &Error::from(e));
        out.error(
            "ClientSecret::new error",
            &oauth2::ClientSecret::new(bad).unwrap_err(),
        );
    }
    for url in [
        format!("http://127.0.0.1/cb?code={TOKEN}&state={TOKEN_SECRET}"),
        format!("http://127.0.0.1/cb?error={TOKEN}&error_description={TOKEN}&state=s"),
        format!("http://127.0.0.1/cb?code={TOKEN}&code={TOKEN}&state=s"),
    ] {
        out.error(
            "parse_redirect",
            &oauth2::parse_redirect(&url, "s").unwrap_err(),
        );
    }
    for (status, body) in [
        (
            200,
            format!("{{\"access_token\":\"{TOKEN}\",\"token_type\":\"{TOKEN}\"}}"),
        ),
        (200, format!("{{\"access_token\":\"{TOKEN} x\"}}")),
        (
            400,
            format!("{{\"error\":\"{TOKEN}\",\"error_description\":\"{TOKEN}\"}}"),
        ),
        (500, TOKEN.to_owned()),
    ] {
        let r = http::Response::builder().status(status).body(body).unwrap();
        let e = oauth2::parse_token_response(&r, 0).unwrap_err();
        out.error("parse_token_response", &e);
    }

    out.assert_clean(30);
}

/// The fleet budget: a demand, the Redis keys, the budget and its errors and log lines never
/// show the token, and never the Redis URL's password.
#[test]
fn the_fleet_budget_shows_no_secret() {
    use std::sync::{Arc, Mutex};
    use trello_auth_core::budget::{Demand, RateBudget};
    use trello_auth_core::fleet::{KeyLayout, Limits};
    use trello_auth_redis::{OnRedisDown, RedisBudget};

    let mut out = Outputs::default();
    let demand = Demand::new(KEY, TOKEN, "/1/members/me");
    out.debug("Demand", &demand);
    let layout = KeyLayout::new("trello-auth", &demand);
    for budget in layout.budgets(&Limits::TRELLO) {
        out.text("KeyLayout budget name", budget.name);
    }
    let url = format!("redis://:{MARK}-password@127.0.0.1:1/");
    out.error(
        "RedisBudget::new(bad scheme)",
        &RedisBudget::new(&url.replace("redis:", "redys:")).unwrap_err(),
    );
    // A log line is written when Redis stops answering: capture it.
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || Writer(Arc::clone(&sink)))
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        for policy in [
            OnRedisDown::FailClosed,
            OnRedisDown::LocalShare(2),
            OnRedisDown::FailOpen,
        ] {
            let budget = RedisBudget::builder(&url)
                .on_redis_down(policy)
                .build()
                .unwrap();
            out.debug("RedisBudget", &budget);
            if let Err(e) = budget.reserve_blocking(&demand) {
                out.error("RedisBudget::reserve_blocking", &e);
            }
            let client = trello_auth_ureq::Client::builder()
                .credentials(creds())
                .api_base(Origin::parse("http://127.0.0.1:1").unwrap())
                .rate_budget(budget)
                .build();
            out.debug("Client with a RedisBudget", &client);
            if let Err(e) = client.me() {
                out.error("Client::me on a RedisBudget", &e);
            }
        }
    });
    let log = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    assert!(log.contains("Redis refused the connection"), "{log}");
    out.text("trello_auth_redis log", log);
    out.assert_clean(12);
}

/// A `tracing` writer into a shared buffer.
struct Writer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Writer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
