//! The sandbox's outgoing HTTP: the `HEAD` check of a callback URL at creation and the signed
//! `POST` deliveries with their retries (SPEC S9).
//!
//! `http://` callbacks must be loopback; `https://` ones are checked against the Mozilla roots
//! (webpki-roots). Redirects are never followed. The signature is computed here with the
//! sandbox's own HMAC, not the core's, so a test of the core's `verify` against a delivery
//! checks two implementations against each other.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::header::{CONTENT_TYPE, USER_AGENT};
use http::{Method, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use sha1::Sha1;
use url::{Host, Url};

use super::{Change, DeliveryAttempt, DeliveryOutcome, Hook, WebhookDelivery, Webhooks};

type Inner = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// The client deliveries share (made on first use, inside the server's runtime).
#[derive(Default)]
pub(crate) struct HttpClient(OnceLock<Inner>);

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpClient")
    }
}

impl HttpClient {
    fn get(&self) -> &Inner {
        self.0.get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            // Invariant: ring supports the default protocol versions.
            let tls = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .expect("ring supports TLS 1.2 and 1.3")
                .with_root_certificates(roots)
                .with_no_client_auth();
            let connector = hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(tls)
                .https_or_http()
                .enable_http1()
                .build();
            Client::builder(TokioExecutor::new())
                .pool_timer(TokioTimer::new())
                .pool_idle_timeout(Duration::from_secs(30))
                .build(connector)
        })
    }
}

/// Checks a `callbackURL` before anything is sent to it: absolute `http(s)`, no fragment, and
/// plain `http` only to loopback. The message is the 400 body.
pub(crate) fn check_callback_url(url: &str) -> Result<Uri, String> {
    let parsed = Url::parse(url)
        .map_err(|_| format!("invalid value for callbackURL: {url:?} is not an absolute URL"))?;
    let loopback = match parsed.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" if parsed.host().is_some() => {}
        "http" if loopback => {}
        "http" => {
            return Err(
                "the sandbox sends plain http:// webhooks to loopback only (localhost, 127.0.0.0/8, [::1]): use https:// or a loopback receiver".into(),
            )
        }
        _ => return Err("invalid value for callbackURL: use an http(s) URL".into()),
    }
    if parsed.fragment().is_some() {
        return Err("invalid value for callbackURL: a URL with a #fragment".into());
    }
    parsed
        .as_str()
        .parse()
        .map_err(|_| "invalid value for callbackURL".to_owned())
}

/// What one request to a callback got.
async fn send(
    webhooks: &Webhooks,
    method: Method,
    uri: &Uri,
    body: Option<(Bytes, &str)>,
) -> DeliveryAttempt {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri.clone())
        .header(USER_AGENT, "trello-auth-sandbox (webhooks)");
    let bytes = match body {
        Some((bytes, signature)) => {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .header(crate::webhooks::HEADER, signature);
            bytes
        }
        None => Bytes::new(),
    };
    let Ok(request) = builder.body(Full::new(bytes)) else {
        return failed("connect");
    };
    let exchange = async {
        let response = webhooks.client.get().request(request).await.ok()?;
        let status = response.status().as_u16();
        // Read the answer to the end, so the connection can be reused.
        response.into_body().collect().await.ok()?;
        Some(status)
    };
    match tokio::time::timeout(webhooks.policy.timeout, exchange).await {
        Ok(Some(status)) => DeliveryAttempt {
            status: Some(status),
            error: None,
        },
        Ok(None) => failed("connect"),
        Err(_) => failed("timeout"),
    }
}

fn failed(error: &'static str) -> DeliveryAttempt {
    DeliveryAttempt {
        status: None,
        error: Some(error),
    }
}

/// The `HEAD` check at creation (SPEC S9): `Ok` only for a 200; else the 400 body.
pub(crate) async fn head_check(webhooks: &Webhooks, url: &str, uri: &Uri) -> Result<(), String> {
    let attempt = send(webhooks, Method::HEAD, uri, None).await;
    match (attempt.status, attempt.error) {
        (Some(200), _) => Ok(()),
        (Some(status), _) => Err(format!(
            "URL ({url}) did not return 200 status code, got {status}"
        )),
        (None, Some("timeout")) => Err(format!("URL ({url}) did not answer HEAD in time")),
        (None, _) => Err(format!("URL ({url}) could not be reached")),
    }
}

/// `base64(HMAC-SHA1(secret, body || callback URL))` (SPEC S9).
pub(crate) fn sign(secret: &str, callback_url: &str, body: &[u8]) -> String {
    // Invariant: HMAC takes a key of any length.
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    mac.update(callback_url.as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

/// Sends `change` to every active webhook watching one of its models, each in its own task
/// (retried per the policy; 410 deletes the webhook).
pub(crate) fn notify(webhooks: &Webhooks, change: Change, now_ms: i64) {
    let models: Vec<&str> = change.models.iter().map(|(id, _)| id.as_str()).collect();
    let hooks = webhooks.watching(&models);
    if hooks.is_empty() {
        return;
    }
    let change = Arc::new(change);
    for hook in hooks {
        let Some(body) = change.body_for(&hook.id_model) else {
            continue;
        };
        let webhooks = webhooks.clone();
        let change = change.clone();
        // Handlers run inside the server's runtime.
        tokio::spawn(
            async move { deliver(webhooks, hook, Bytes::from(body), &change, now_ms).await },
        );
    }
}

async fn deliver(webhooks: Webhooks, hook: Hook, body: Bytes, change: &Change, now_ms: i64) {
    let Ok(uri) = check_callback_url(&hook.callback_url) else {
        return;
    };
    let signature = sign(&hook.secret, &hook.callback_url, &body);
    let mut attempts = Vec::new();
    let mut outcome = DeliveryOutcome::Failed;
    let delays = webhooks.policy.retry_delays.clone();
    for delay in std::iter::once(None).chain(delays.into_iter().map(Some)) {
        if let Some(delay) = delay {
            // Trello's backoff between retries (SPEC S9), as configured.
            tokio::time::sleep(delay).await;
        }
        if webhooks.get(&hook.id).is_none() {
            break; // deleted meanwhile
        }
        let attempt = send(
            &webhooks,
            Method::POST,
            &uri,
            Some((body.clone(), &signature)),
        )
        .await;
        let status = attempt.status;
        attempts.push(attempt);
        match status {
            Some(200..=299) => {
                outcome = DeliveryOutcome::Delivered;
                break;
            }
            Some(410) => {
                webhooks.remove(&hook.id);
                outcome = DeliveryOutcome::Gone;
                break;
            }
            _ => {}
        }
    }
    webhooks.record_result(&hook.id, outcome == DeliveryOutcome::Delivered, now_ms);
    let (action_type, action_id) = change.names();
    webhooks.log(WebhookDelivery {
        webhook_id: hook.id,
        id_model: hook.id_model,
        callback_url: hook.callback_url,
        action_type,
        action_id,
        attempts,
        outcome,
    });
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{check_callback_url, sign};

    #[test]
    fn the_signature_is_trellos() {
        // Computed with Python's hmac and base64 over the same bytes.
        let secret = "0123456789abcdef".repeat(4);
        let got = sign(
            &secret,
            "http://127.0.0.1:8080/hook?x=1",
            br#"{"action":{},"model":{}}"#,
        );
        assert_eq!(got, "g+/eHWNECKtQ/xyWCemNtKnsBAo=");
    }

    #[test]
    fn plain_http_goes_to_loopback_only() {
        for ok in [
            "http://127.0.0.1:9/h",
            "http://127.9.9.9/h",
            "http://localhost:1/h",
            "http://LOCALHOST/h",
            "http://[::1]:80/h",
            "https://example.com/h",
        ] {
            assert!(check_callback_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/h",
            "http://10.0.0.1/h",
            "http://localhost.example.com/h",
            "http://0.0.0.0/h",
            "ftp://127.0.0.1/h",
            "https://127.0.0.1/h#frag",
            "/relative",
            "",
        ] {
            assert!(check_callback_url(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn no_callback_url_panics(url in any::<String>(), tail in "[ -~]{0,40}") {
            let _ = check_callback_url(&url);
            let _ = check_callback_url(&format!("http://127.0.0.1/{tail}"));
            let _ = check_callback_url(&format!("https://{tail}"));
        }
    }
}
