//! The canary over webhooks: the app secret that signs deliveries never appears in `verify`'s
//! errors, in the webhook types, or anywhere the sandbox shows a delivery (its log, its admin
//! API, the request log), while real deliveries go through.

use std::time::Duration;

use serde_json::json;
use trello_auth_core::webhook::{self, NewWebhook, Webhook};
use trello_auth_core::{ApiKey, AppSecret, Credentials, Origin, Token};
use trello_auth_sandbox::{App, Sandbox, WebhookReceiver};

use super::{Outputs, APP_SECRET};

#[test]
fn the_webhook_secret_never_shows() {
    let mut out = Outputs::default();
    let secret = AppSecret::new(APP_SECRET).unwrap();
    let url = "https://example.com/hook";
    let body = br#"{"action":{},"model":{}}"#;
    let good = webhook::sign(&secret, url, body);
    for header in [None, Some("not base64!"), Some(good.as_str())] {
        let changed = b"{}";
        if let Err(e) = webhook::verify(&secret, url, changed, header) {
            out.error("webhook::verify", &e);
        }
    }
    let request = http::Request::post(url)
        .header(webhook::HEADER, "x")
        .body(body.to_vec())
        .unwrap();
    out.error(
        "webhook::verify_request",
        &webhook::verify_request(&secret, url, &request).unwrap_err(),
    );
    let hook = NewWebhook::new(url, "0123456789abcdef01234567").unwrap();
    out.debug("NewWebhook", &hook);
    out.text(
        "webhook::create (redacted)",
        trello_auth_core::redact(&webhook::create(&Origin::trello_api(), &hook)),
    );
    out.assert_clean(6);

    // The sandbox signs with a hex app secret (its format, SPEC S2): look for that value.
    let app = App::generate("Canary app");
    let hex_secret = app.secret.clone();
    let sb = Sandbox::builder().app(app).start_blocking().unwrap();
    let receiver = WebhookReceiver::start().unwrap();
    let client = trello_auth_ureq::Client::builder()
        .credentials(Credentials::new(
            ApiKey::new(&sb.app().key).unwrap(),
            Token::new(sb.token()).unwrap(),
        ))
        .api_base(Origin::parse(sb.api_base()).unwrap())
        .build();
    let card = sb.fixtures().card_id.clone();
    let created: Webhook = client
        .create_webhook(&NewWebhook::new(receiver.url(), &card).unwrap())
        .unwrap();
    client
        .put::<serde_json::Value>(&format!("/1/cards/{card}/name"), &json!({ "value": "x" }))
        .unwrap();
    let delivered = receiver
        .next_delivery(Duration::from_secs(20))
        .expect("a delivery");
    let secret = AppSecret::new(&hex_secret).unwrap();
    assert_eq!(
        webhook::verify(
            &secret,
            receiver.url(),
            &delivered.body,
            delivered.signature()
        ),
        Ok(())
    );
    let log = sb
        .admin()
        .wait_for_webhook_deliveries(1, Duration::from_secs(20));
    let shown = [
        format!("{created:?}"),
        format!("{log:?}"),
        serde_json::to_string(&log).unwrap(),
        format!("{:?}", sb.admin().requests()),
        format!("{sb:?}"),
        format!("{delivered:?}"),
        format!("{secret:?}"),
        format!("{client:?}"),
    ];
    for s in shown {
        assert!(!s.contains(&hex_secret), "the app secret shows in: {s}");
    }
}
