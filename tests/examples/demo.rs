//! `cargo xtask demo`: walks what a user of trello-auth does, step by step, printing each.
//!
//! Today this is the sans-IO walk on fixed inputs: authorize URL, captured token, placed
//! requests (in redacted form), verdicts, an OAuth 1.0a signature, rate limiting and backoff.
//! The network steps (consent on the sandbox, calls over hyper and ureq) arrive with the
//! transports. Exits non-zero if any step does not behave as SPEC.md says. No key, token or
//! secret is printed in full.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use trello_auth_core::oauth1::{Consumer, OAuthParams, Signer, TokenCredentials};
use trello_auth_core::rate_limit::{Decision, Limit};
use trello_auth_core::{
    classify, parse_fragment, parse_post_message, redact, token, ApiKey, AppSecret, AuthorizeUrl,
    CaptureError, Credentials, Delivery, Expiration, Placement, RateLimiter, RetryPolicy, Scopes,
    Token, TokenSecret,
};

const KEY: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "ATTA9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a081A2B3C4D";

/// Counts the checks that failed; each failure is printed where it happens.
#[derive(Default)]
struct Checks {
    failed: usize,
}

impl Checks {
    fn expect(&mut self, ok: bool, what: &str) {
        if ok {
            println!("   ok: {what}");
        } else {
            self.failed += 1;
            println!("   FAILED: {what}");
        }
    }
}

/// `0123…cdef`: enough to recognise a value, never the value.
fn short(s: &str) -> String {
    match (s.get(..4), s.get(s.len().saturating_sub(4)..)) {
        (Some(a), Some(b)) if s.len() > 12 => format!("{a}…{b} ({} chars)", s.len()),
        _ => "[redacted]".to_owned(),
    }
}

fn heading(n: u32, title: &str) {
    println!("\n{n}. {title}");
}

fn main() -> ExitCode {
    let mut checks = Checks::default();
    println!("trello-auth demo: the sans-IO steps on fixed inputs (network steps arrive with the transports)");

    heading(1, "Authorize URL (SPEC S1.2): where the user grants access");
    let key = ApiKey::new(KEY).expect("a valid key");
    let url = AuthorizeUrl::new(key.clone())
        .scopes(Scopes::READ | Scopes::WRITE)
        .expiration(Expiration::OneDay)
        .name("trello-auth demo")
        .delivery(
            Delivery::fragment("http://localhost:8080/callback").expect("loopback is allowed"),
        )
        .build();
    match &url {
        Ok(url) => println!("   {}", url.as_str().replace(KEY, &short(KEY))),
        Err(e) => println!("   error: {e}"),
    }
    checks.expect(
        url.as_ref().is_ok_and(|u| {
            u.query_pairs()
                .any(|(k, v)| k == "scope" && v == "read,write")
        }),
        "scope=read,write, response_type=token, callback_method=fragment",
    );
    let insecure = Delivery::fragment("http://example.com/callback");
    checks.expect(
        insecure
            .as_ref()
            .is_err_and(|e| e.code() == "insecure_return_url"),
        "a plain-http return_url to a non-loopback host is refused",
    );

    heading(2, "Token capture (SPEC S1.3, S1.4)");
    let redirect = format!("http://localhost:8080/callback#token={TOKEN}");
    let captured = parse_fragment(&redirect);
    match &captured {
        Ok(t) => println!("   from the fragment: {}", short(t.expose_secret())),
        Err(e) => println!("   error: {e}"),
    }
    checks.expect(
        captured.as_ref().is_ok_and(|t| t.expose_secret() == TOKEN),
        "token captured from #token=…",
    );
    let denied = parse_fragment("#token=&error=Token%20request%20rejected");
    println!(
        "   a deny: {}",
        denied
            .as_ref()
            .map_or_else(|e| e.to_string(), |_| "a token?".into())
    );
    checks.expect(
        matches!(denied, Err(CaptureError::Denied { .. })),
        "deny is distinct from malformed",
    );
    let spoofed = parse_post_message("https://evil.example", &format!("\"{TOKEN}\""));
    checks.expect(
        spoofed.is_err_and(|e| e.code() == "wrong_origin"),
        "a postMessage from another origin is refused",
    );

    heading(
        3,
        "Credential placement (SPEC S3), shown as a log would show it",
    );
    let creds = Credentials::new(key, Token::new(TOKEN).expect("a valid token"));
    for placement in [Placement::Header, Placement::Query] {
        let placed = creds.authorize(token::members_me(creds.api_base()), placement);
        match &placed {
            Ok(r) => println!(
                "   {}:\n      {}",
                placement.as_str(),
                redact(r).replace('\n', "\n      ")
            ),
            Err(e) => println!("   error: {e}"),
        }
        checks.expect(
            placed.is_ok_and(|r| !redact(&r).contains(TOKEN)),
            &format!("{} placement, redacted", placement.as_str()),
        );
    }
    let put = http::Request::put("https://api.trello.com/1/cards/5abbe4b7ddc1b351ef961414")
        .header("content-type", "application/json")
        .body(br#"{"name":"Ship it"}"#.to_vec())
        .expect("a valid request");
    let placed = creds.authorize(put, Placement::Body);
    if let Ok(r) = &placed {
        println!("   body:\n      {}", redact(r).replace('\n', "\n      "));
    }
    checks.expect(placed.is_ok(), "body placement into a JSON PUT");
    let get_with_body = http::Request::get("https://api.trello.com/1/members/me")
        .body(b"x".to_vec())
        .expect("a valid request");
    checks.expect(
        creds
            .authorize(get_with_body, Placement::Header)
            .is_err_and(|e| e.code() == "body_not_allowed"),
        "a GET with a body is refused (Trello answers 403, SPEC S3.4)",
    );
    let elsewhere = http::Request::get("https://example.com/")
        .body(Vec::new())
        .expect("a valid request");
    checks.expect(
        creds
            .authorize(elsewhere, Placement::Header)
            .is_err_and(|e| e.code() == "foreign_host"),
        "credentials are never sent to another host",
    );

    heading(
        4,
        "Classifying Trello's answers (SPEC S4): a verdict and an action",
    );
    for (status, body, headers, want) in [
        (200, r#"{"id":"5abbe4b7ddc1b351ef961414"}"#, vec![], "done"),
        (401, "invalid token", vec![], "reauthorize"),
        (401, "expired token", vec![], "reauthorize"),
        (401, "invalid key", vec![], "fail"),
        (401, "unauthorized permission requested", vec![], "fail"),
        (
            429,
            r#"{"error":"API_TOKEN_LIMIT_EXCEEDED","message":"Rate limit exceeded"}"#,
            vec![("retry-after", "3")],
            "retry_after",
        ),
        (
            503,
            "<html>Service Unavailable</html>",
            vec![],
            "retry_after",
        ),
    ] {
        let mut response = http::Response::builder().status(status);
        for (n, v) in headers {
            response = response.header(n, v);
        }
        let response = response
            .body(body.as_bytes().to_vec())
            .expect("a valid response");
        let verdict = classify(&response);
        println!(
            "   {status} {body:<50} -> {:<17} -> {:<12} {}",
            verdict.code(),
            verdict.action().code(),
            verdict.message()
        );
        checks.expect(
            verdict.action().code() == want,
            &format!("{status} {body} means {want}"),
        );
    }

    heading(5, "OAuth 1.0a signing (RFC 5849 §3.4, SPEC S6)");
    let consumer = Consumer::new(
        "dpf43f3p2l4k3l03",
        AppSecret::new("kd94hf93k423kf44").expect("a secret"),
    );
    let access = TokenCredentials::new(
        Token::new("nnch734d00sl2jdk").expect("a token"),
        TokenSecret::new("pfkkdhi9sl3r4s00"),
    );
    let signer = Signer::new(&consumer, Some(&access));
    let photos =
        http::Request::get("http://photos.example.net/photos?file=vacation.jpg&size=original")
            .body(Vec::new())
            .expect("a valid request");
    let mut params = OAuthParams::new("chapoH", 137131202);
    params.include_version = false;
    let signature = signer.sign(&photos, &params);
    match &signature {
        Ok(s) => println!("   RFC 5849 §1.2's example signs to {}", s.signature()),
        Err(e) => println!("   error: {e}"),
    }
    checks.expect(
        signature.is_ok_and(|s| s.signature() == "MdpQcU8iPSUjWoN/UDMsK2sui9I="),
        "the RFC's published signature",
    );

    heading(6, "Rate limiting and backoff (SPEC S4.3)");
    let mut limiter = RateLimiter::new(
        Limit::new(300, Duration::from_secs(10)),
        Limit::new(3, Duration::from_secs(10)),
    );
    let t0 = Instant::now();
    let decisions: Vec<Decision> = (0..4).map(|_| limiter.acquire(t0)).collect();
    println!("   a burst of 4 with a token budget of 3 per 10 s: {decisions:?}");
    checks.expect(
        decisions[..3].iter().all(Decision::is_send)
            && decisions[3] == Decision::Wait(Duration::from_secs(10)),
        "the 4th request waits for the window",
    );
    let policy = RetryPolicy::default();
    let delays: Vec<Option<Duration>> = (0..4).map(|n| policy.next_delay(n, None, 0.5)).collect();
    println!("   backoff with jitter 0.5: {delays:?}");
    checks.expect(delays[3].is_none(), "bounded: the 4th retry is refused");

    println!();
    if checks.failed == 0 {
        println!("demo finished: every step behaved as SPEC.md says");
        ExitCode::SUCCESS
    } else {
        println!("demo FAILED: {} step(s) misbehaved", checks.failed);
        ExitCode::FAILURE
    }
}
