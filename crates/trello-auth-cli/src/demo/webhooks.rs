//! The demo's webhook step (SPEC S9): a receiver on loopback, a webhook registered for the
//! fixture card (after Trello's `HEAD` check), the card renamed, the sandbox's signed delivery
//! verified as a receiver must (raw body, registered URL, app secret), and a 410 that deletes
//! the webhook.

use std::time::Duration;

use serde_json::json;
use trello_auth_core::webhook::{self, NewWebhook, WebhookError};
use trello_auth_core::{AppSecret, Credentials, Origin, Placement};
use trello_auth_sandbox::{DeliveryOutcome, Sandbox, WebhookReceiver};

use super::clients::Clients;
use super::report::{short, Report};

/// A bound on waiting for the sandbox's delivery when things work.
const PATIENCE: Duration = Duration::from_secs(20);

pub(crate) fn step(
    sb: &Sandbox,
    clients: &Clients,
    creds: &Credentials,
    auth: &Origin,
    r: &mut Report,
) -> Result<(), String> {
    r.step("A webhook (SPEC S9): a local receiver, a card renamed, the signed delivery verified");
    let receiver = WebhookReceiver::start().map_err(|e| e.to_string())?;
    let client = clients.ureq(creds, Placement::Header, auth);
    let card = &sb.fixtures().card_id;
    let new = NewWebhook::new(receiver.url(), card).map_err(|e| e.to_string())?;
    let hook = client.create_webhook(&new).map_err(|e| e.to_string())?;
    let head = receiver.next(PATIENCE).ok_or("no HEAD check arrived")?;
    r.line(&format!(
        "webhook {} on the card, created once {} {} answered 200",
        hook.id,
        head.method,
        receiver.url()
    ));
    client
        .put::<serde_json::Value>(
            &format!("/1/cards/{card}/name"),
            &json!({ "value": "Renamed by the demo" }),
        )
        .map_err(|e| e.to_string())?;
    let got = receiver
        .next_delivery(PATIENCE)
        .ok_or("no delivery arrived")?;
    let body: serde_json::Value = serde_json::from_slice(&got.body).map_err(|e| e.to_string())?;
    r.line(&format!(
        "card renamed; delivery: POST {} ({} bytes, action {}, X-Trello-Webhook {})",
        got.path,
        got.body.len(),
        body["action"]["type"].as_str().unwrap_or("?"),
        short(got.signature().unwrap_or_default()),
    ));
    let secret = AppSecret::new(&sb.app().secret).map_err(|e| e.to_string())?;
    let verified = webhook::verify(&secret, receiver.url(), &got.body, got.signature());
    r.check(
        verified.is_ok(),
        "verified: HMAC-SHA1 of the raw body and the registered URL, with the app secret",
    );
    let reserialised = serde_json::to_vec_pretty(&body).map_err(|e| e.to_string())?;
    let forged = webhook::verify(&secret, receiver.url(), &reserialised, got.signature());
    r.check(
        forged == Err(WebhookError::Mismatch),
        "the same JSON re-serialised does not verify (why verify takes bytes)",
    );

    receiver.answer_posts([410]);
    client
        .put::<serde_json::Value>(
            &format!("/1/cards/{card}/name"),
            &json!({ "value": "Again" }),
        )
        .map_err(|e| e.to_string())?;
    let log = sb.admin().wait_for_webhook_deliveries(2, PATIENCE);
    let gone = log
        .get(1)
        .is_some_and(|d| d.outcome == DeliveryOutcome::Gone);
    let left = client.webhooks().map_err(|e| e.to_string())?;
    r.line(&format!(
        "the receiver answered 410 Gone; the token's webhooks now: {}",
        left.len()
    ));
    r.check(gone && left.is_empty(), "410 deleted the webhook");
    Ok(())
}
