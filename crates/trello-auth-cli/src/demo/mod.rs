//! `trello-auth demo` (and `cargo xtask demo`): what a user of trello-auth does, end to end,
//! against the sandbox running in-process over real sockets and real TLS, each step printed.
//!
//! Authorize URL → consent (the demo plays the user pressing Allow) → token captured from the
//! fragment → the login helper's loopback receiver capturing a token as a browser delivers it → `members/me` with each placement over hyper and over ureq → token introspection →
//! revoke → the next call classified "token revoked: re-authorize" → the OAuth 1.0a
//! three-legged flow → a signed call → a webhook delivery verified and a 410 that deletes it →
//! OAuth 2.0 (consent with PKCE, code exchange, a Bearer
//! call, a refresh that rotates, re-authorization after a reused refresh token) → a
//! rate-limited burst absorbed by backoff → four workers on one key, overrunning it with a
//! limiter each and not at all on one Redis budget. Exits
//! non-zero if any step does not behave as Trello does (docs/trello.md). No key, token or secret is printed in
//! full.

mod browser;
mod clients;
mod fleet;
mod login;
mod oauth2;
mod report;
mod webhooks;

use std::time::{Duration, Instant};

use trello_auth_core::oauth1::{self, Callback, Consumer};
use trello_auth_core::Error as ClientError;
use trello_auth_core::{
    parse_fragment, ApiKey, AppSecret, AuthorizeUrl, Credentials, Delivery, Expiration, Origin,
    Placement, Scopes,
};
use trello_auth_sandbox::{Placement as SbPlacement, RateLimits, Sandbox};

use clients::Clients;
use report::{short, Report};

/// Runs every step and returns the exit code: 0 when each behaved as Trello does.
pub(crate) fn run() -> u8 {
    let started = Instant::now();
    let mut r = Report::default();
    let sandbox = match Sandbox::builder().tls(true).start_blocking() {
        Ok(sb) => sb,
        Err(e) => {
            println!("the sandbox did not start: {e}");
            return 1;
        }
    };
    println!(
        "trello-auth demo against the sandbox at {} (TLS, generated CA)",
        sandbox.api_base()
    );
    if let Err(e) = walk(&sandbox, &mut r) {
        r.fail(&e);
    }
    burst(&mut r);
    fleet::step(&mut r);
    r.finish(started.elapsed())
}

/// Every step on one sandbox; an `Err` is a step that could not go on.
fn walk(sb: &Sandbox, r: &mut Report) -> Result<(), String> {
    let api = Origin::parse(sb.api_base()).map_err(|e| e.to_string())?;
    let auth = Origin::parse(sb.auth_base()).map_err(|e| e.to_string())?;
    let ca = sb.ca_pem().ok_or("the sandbox has no CA")?;
    let key = ApiKey::new(&sb.app().key).map_err(|e| e.to_string())?;
    let clients = Clients::new(ca)?;

    r.step("Authorize URL (SPEC S1.2): where the user grants access");
    let url = AuthorizeUrl::new(key.clone())
        .base(auth.clone())
        .scopes(Scopes::READ | Scopes::WRITE)
        .expiration(Expiration::OneDay)
        .name("trello-auth demo")
        .delivery(Delivery::fragment("http://localhost:8080/callback").map_err(|e| e.to_string())?)
        .build()
        .map_err(|e| e.to_string())?;
    r.line(&url.as_str().replace(key.as_str(), &short(key.as_str())));

    r.step("Consent: the user presses Allow; Trello redirects to the return URL (SPEC S1.3)");
    let answer = browser::consent(&clients.bare_ureq, url.as_str(), "Allow")?;
    let location = answer
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or("no redirect after Allow")?;
    let token = parse_fragment(location).map_err(|e| e.to_string())?;
    r.line(&format!(
        "redirected to http://localhost:8080/callback#token={}",
        short(token.expose_secret())
    ));
    r.check(
        token.expose_secret().starts_with("ATTA"),
        "token captured from the fragment (ATTA format)",
    );

    login::step(sb, &clients, r)?;

    r.step("Each placement (SPEC S3), over hyper and over ureq");
    let creds = Credentials::new(key.clone(), token.clone()).with_api_base(api.clone());
    let card = &sb.fixtures().card_id;
    for placement in [Placement::Header, Placement::Query, Placement::Body] {
        for (name, result) in clients.call_both(&creds, placement, &auth, card) {
            let seen = sb.admin().requests().last().map(|q| q.placement);
            match result {
                Ok(what) => r.line(&format!(
                    "{name:<5} {:<6} {what} (the sandbox saw {})",
                    placement.as_str(),
                    seen.map_or("nothing".to_owned(), |p| format!("{p:?}"))
                )),
                Err(e) => r.fail(&format!("{name} {}: {e}", placement.as_str())),
            }
            let want = match placement {
                Placement::Header => SbPlacement::Header,
                Placement::Query => SbPlacement::Query,
                _ => SbPlacement::Body,
            };
            r.check(
                seen == Some(want),
                &format!(
                    "{name} sent exactly one credential set, in the {}",
                    placement.as_str()
                ),
            );
        }
    }

    r.step("Token introspection (SPEC S5)");
    let ureq = clients.ureq(&creds, Placement::Header, &auth);
    let info = ureq.token_info().map_err(|e| e.to_string())?;
    let expires = info
        .date_expires
        .map_or("never".to_owned(), |d| d.to_string());
    r.line(&format!(
        "granted to {:?}, read={}, write={}, expires {expires}",
        info.identifier.as_deref().unwrap_or("?"),
        info.can_read(),
        info.can_write()
    ));
    r.check(
        info.can_read() && info.can_write() && info.date_expires.is_some(),
        "scope read,write with a one-day expiry",
    );

    r.step("Revoke (DELETE /1/tokens/{token}), then call again");
    ureq.revoke().map_err(|e| e.to_string())?;
    r.line("revoked");
    let after = clients.hyper_me(&creds, Placement::Header, &auth);
    match &after {
        Err(e @ ClientError::TokenRejected { .. }) => r.line(&format!("next call: {e}")),
        other => r.fail(&format!("expected TokenRejected, got {other:?}")),
    }
    r.check(
        matches!(after, Err(ClientError::TokenRejected { .. })),
        "classified \"token revoked: re-authorize\"",
    );

    r.step("OAuth 1.0a three-legged flow (SPEC S6)");
    let consumer = Consumer::new(
        &sb.app().key,
        AppSecret::new(&sb.app().secret).map_err(|e| e.to_string())?,
    );
    let flow = clients.ureq(&creds, Placement::Header, &auth);
    let callback =
        Callback::parse("http://localhost:8080/oauth/callback").map_err(|e| e.to_string())?;
    let request_token = flow
        .oauth1_request_token(&consumer, &callback)
        .map_err(|e| e.to_string())?;
    r.line(&format!(
        "request token {}",
        short(request_token.expose_token())
    ));
    let consent_url = oauth1::authorize_url(
        &auth,
        &request_token,
        Some("trello-auth demo"),
        "read",
        "1hour",
    );
    let answer = browser::consent(&clients.bare_ureq, consent_url.as_str(), "Allow")?;
    let location = answer
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or("no OAuth callback")?;
    let verifier = oauth1::parse_callback(location, &request_token).map_err(|e| e.to_string())?;
    r.line(&format!(
        "callback carried oauth_token (matches) and oauth_verifier {}",
        short(verifier.expose_secret())
    ));
    let access = flow
        .oauth1_access_token(&consumer, &request_token, &verifier)
        .map_err(|e| e.to_string())?;
    r.line(&format!(
        "access token {}",
        short(access.token().expose_secret())
    ));

    r.step("A signed call (RFC 5849 §3.4 HMAC-SHA1, checked by the sandbox's own verifier)");
    let signed = clients.signed_ureq(consumer, access, &api, &auth);
    let me = signed.me().map_err(|e| e.to_string())?;
    let seen = sb
        .admin()
        .requests()
        .last()
        .map(|q| format!("{:?}", q.placement))
        .unwrap_or_default();
    r.line(&format!(
        "members/me -> @{} (the sandbox saw {seen})",
        me.username
    ));
    r.check(seen == "SignedHeader", "the sandbox verified the signature");

    let fresh = Credentials::new(
        key.clone(),
        trello_auth_core::Token::new(sb.token()).map_err(|e| e.to_string())?,
    )
    .with_api_base(api.clone());
    webhooks::step(sb, &clients, &fresh, &auth, r)?;

    // Last: it moves the sandbox clock on by more than an hour.
    oauth2::walk(sb, &clients, &api, &auth, r)
}

/// SPEC S4.3 on a sandbox with a 5-per-second token budget: a burst of 12 calls without a
/// client-side limiter meets 429s that backoff absorbs; with the limiter, none.
fn burst(r: &mut Report) {
    r.step("A rate-limited burst (SPEC S4.3): 12 calls against 5 per token per second");
    let limits = RateLimits::new(300, 5, Duration::from_secs(1));
    let sb = match Sandbox::builder().rate_limits(limits).start_blocking() {
        Ok(sb) => sb,
        Err(e) => return r.fail(&format!("the sandbox did not start: {e}")),
    };
    for limiter in [false, true] {
        sb.admin().clear_requests();
        let client = match clients::burst_client(&sb, limiter) {
            Ok(c) => c,
            Err(e) => return r.fail(&e),
        };
        let t0 = Instant::now();
        let ok = (0..12).filter(|_| client.me().is_ok()).count();
        let got_429 = sb
            .admin()
            .requests()
            .iter()
            .filter(|q| q.status == 429)
            .count();
        r.line(&format!(
            "{:<32} {ok}/12 succeeded, {got_429} answered 429, {:.1} s",
            if limiter {
                "with the client-side rate limiter:"
            } else {
                "backoff only:"
            },
            t0.elapsed().as_secs_f64()
        ));
        r.check(
            ok == 12 && (limiter == (got_429 == 0)),
            if limiter {
                "the limiter avoids every 429"
            } else {
                "every 429 was retried after a backoff"
            },
        );
    }
}
