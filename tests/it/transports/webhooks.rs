//! SPEC S9 over both clients against the sandbox's real deliveries: create (after the `HEAD`
//! check), list, signed deliveries on a rename and a comment verified with the core's `verify`
//! (the sandbox signs with its own HMAC), retries, timeouts, 410, delete, and revocation.

use std::time::Duration;

use serde_json::{json, Value};
use trello_auth_core::webhook::{self, NewWebhook, WebhookError};
use trello_auth_core::{AppSecret, Error as ClientError};
use trello_auth_sandbox::{DeliveryOutcome, DeliveryPolicy, Received, WebhookReceiver};

use super::harness::{Cfg, Setup, Transport};

/// Long enough never to be reached when things work: a bound, not synchronisation.
const PATIENCE: Duration = Duration::from_secs(20);

fn quick(t: Transport) -> Setup {
    t.sandbox_with(|b| {
        b.webhook_delivery(DeliveryPolicy {
            retry_delays: vec![Duration::from_millis(20); 3],
            timeout: Duration::from_millis(400),
        })
    })
}

fn secret(s: &Setup) -> AppSecret {
    AppSecret::new(&s.sb.app().secret).unwrap()
}

fn delivery(receiver: &WebhookReceiver) -> (Received, Value) {
    let got = receiver
        .next_delivery(PATIENCE)
        .expect("a delivery arrives");
    let body = serde_json::from_slice(&got.body).expect("a JSON body");
    (got, body)
}

/// Create, the HEAD check, list, a rename and a comment delivered signed, get, delete.
pub fn webhooks_round_trip(t: Transport) {
    let s = quick(t);
    let client = s.client(Cfg::default());
    let receiver = WebhookReceiver::start().unwrap();
    let card = s.sb.fixtures().card_id.clone();
    // A query string and a non-ASCII path: signed exactly as registered.
    let url = format!("{}/caf%C3%A9?source=trello", receiver.url());
    let hook = client
        .create_webhook(&NewWebhook::new(&url, &card).unwrap().description("card"))
        .unwrap();
    assert_eq!(
        (hook.callback_url.as_str(), hook.id_model.as_str()),
        (url.as_str(), card.as_str())
    );
    assert!(hook.active);
    let head = receiver.next(PATIENCE).expect("the HEAD check");
    assert_eq!(head.method, "HEAD");
    assert_eq!(client.webhooks().unwrap(), vec![hook.clone()]);

    client
        .put(
            &format!("/1/cards/{card}/name"),
            json!({ "value": "Renamed" }),
        )
        .unwrap();
    let (got, body) = delivery(&receiver);
    assert_eq!(got.path, "/webhooks/trello/caf%C3%A9?source=trello");
    assert_eq!(got.headers["content-type"], "application/json");
    assert_eq!(
        webhook::verify(&secret(&s), &url, &got.body, got.signature()),
        Ok(())
    );
    // The URL the receiver saw (another spelling) does not verify: the registered one does.
    let seen = format!("http://localhost{}", got.path);
    assert_eq!(
        webhook::verify(&secret(&s), &seen, &got.body, got.signature()),
        Err(WebhookError::Mismatch)
    );
    assert_eq!(body["action"]["type"], "updateCard");
    assert_eq!(
        body["action"]["data"]["old"]["name"],
        "Welcome to the sandbox"
    );
    assert_eq!(body["action"]["data"]["card"]["name"], "Renamed");
    assert_eq!(body["action"]["idMemberCreator"], s.sb.member().id);
    assert_eq!(body["model"]["id"], card);
    assert_eq!(body["model"]["name"], "Renamed");

    client
        .post(
            &format!("/1/cards/{card}/actions/comments"),
            json!({ "text": "héllo" }),
        )
        .unwrap();
    let (got, body) = delivery(&receiver);
    assert_eq!(
        webhook::verify(&secret(&s), &url, &got.body, got.signature()),
        Ok(())
    );
    assert_eq!(body["action"]["type"], "commentCard");
    assert_eq!(body["action"]["data"]["text"], "héllo");

    let fetched = client.get(&format!("/1/webhooks/{}", hook.id)).unwrap();
    assert_eq!(fetched["callbackURL"], url);
    client.delete_webhook(&hook.id).unwrap();
    assert_eq!(client.webhooks().unwrap(), vec![]);
    let log = s.sb.admin().wait_for_webhook_deliveries(2, PATIENCE);
    assert_eq!(log.len(), 2);
    assert!(log
        .iter()
        .all(|d| d.outcome == DeliveryOutcome::Delivered && d.attempts.len() == 1));
}

/// A webhook on the board receives its cards' changes; a deleted one receives nothing.
pub fn board_webhooks_get_card_changes(t: Transport) {
    let s = quick(t);
    let client = s.client(Cfg::default());
    let receiver = WebhookReceiver::start().unwrap();
    let f = s.sb.fixtures().clone();
    let on_card = client
        .create_webhook(
            &NewWebhook::new(format!("{}?on=card", receiver.url()), &f.card_id).unwrap(),
        )
        .unwrap();
    let on_board = client
        .create_webhook(
            &NewWebhook::new(format!("{}?on=board", receiver.url()), &f.board_id).unwrap(),
        )
        .unwrap();
    client.delete_webhook(&on_card.id).unwrap();
    client
        .put(
            &format!("/1/cards/{}/name", f.card_id),
            json!({ "value": "Moved on" }),
        )
        .unwrap();
    client
        .post(
            &format!("/1/cards/{}/actions/comments", f.card_id),
            json!({ "text": "last" }),
        )
        .unwrap();
    // Everything up to the comment's delivery: only the board's webhook, both actions.
    let mut types = Vec::new();
    while types.len() < 2 {
        let (got, body) = delivery(&receiver);
        assert_eq!(
            got.path, "/webhooks/trello?on=board",
            "the deleted webhook got a delivery"
        );
        assert_eq!(body["model"]["id"], f.board_id);
        assert_eq!(body["action"]["data"]["card"]["id"], f.card_id);
        types.push(body["action"]["type"].as_str().unwrap().to_owned());
    }
    types.sort();
    assert_eq!(types, ["commentCard", "updateCard"]);
    assert_eq!(client.webhooks().unwrap()[0].id, on_board.id);
}

/// SPEC S9: no webhook unless the HEAD check answers 200; plain http only to loopback; a
/// model the token cannot see, or the same webhook twice, is refused.
pub fn webhooks_are_refused_as_trello_refuses_them(t: Transport) {
    let s = quick(t);
    let client = s.client(Cfg::default());
    let receiver = WebhookReceiver::start().unwrap();
    let card = s.sb.fixtures().card_id.clone();
    receiver.answer_head(404);
    let refused = client.create_webhook(&NewWebhook::new(receiver.url(), &card).unwrap());
    assert!(
        matches!(refused, Err(ClientError::BadRequest)),
        "{refused:?}"
    );
    assert_eq!(
        receiver.next(PATIENCE).expect("the HEAD check").method,
        "HEAD"
    );
    assert_eq!(client.webhooks().unwrap(), vec![]);

    // Refused before anything is sent: no host but loopback is ever contacted.
    let remote = client.create_webhook(&NewWebhook::new("http://example.com/hook", &card).unwrap());
    assert!(matches!(remote, Err(ClientError::BadRequest)), "{remote:?}");
    let unknown = client.create_webhook(&NewWebhook::new(receiver.url(), "0".repeat(24)).unwrap());
    assert!(
        matches!(unknown, Err(ClientError::BadRequest)),
        "{unknown:?}"
    );

    receiver.answer_head(200);
    let hook = NewWebhook::new(receiver.url(), &card).unwrap();
    client.create_webhook(&hook).unwrap();
    let twice = client.create_webhook(&hook);
    assert!(matches!(twice, Err(ClientError::BadRequest)), "{twice:?}");
    assert_eq!(client.webhooks().unwrap().len(), 1);
    // An id that is not one is refused before sending.
    let before = s.sb.admin().requests().len();
    let bad = client.delete_webhook("../tokens/x");
    assert!(
        matches!(bad, Err(ClientError::InvalidRequest { .. })),
        "{bad:?}"
    );
    assert_eq!(s.sb.admin().requests().len(), before);
}

/// SPEC S9: a non-2xx or a timeout is retried (3 times); 410 deletes the webhook.
pub fn failed_deliveries_are_retried_and_410_deletes(t: Transport) {
    let s = quick(t);
    let client = s.client(Cfg::default());
    let receiver = WebhookReceiver::start().unwrap();
    let card = s.sb.fixtures().card_id.clone();
    let hook = client
        .create_webhook(&NewWebhook::new(receiver.url(), &card).unwrap())
        .unwrap();
    let rename = |name: &str| {
        client
            .put(&format!("/1/cards/{card}/name"), json!({ "value": name }))
            .unwrap();
    };

    receiver.answer_posts([500, 503, 429, 404]);
    rename("Four failures");
    let bodies: Vec<Received> = (0..4).map(|_| delivery(&receiver).0).collect();
    assert!(bodies
        .iter()
        .all(|b| b.body == bodies[0].body && b.signature() == bodies[0].signature()));
    let log = s.sb.admin().wait_for_webhook_deliveries(1, PATIENCE);
    let statuses: Vec<_> = log[0].attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(503), Some(429), Some(404)]);
    assert_eq!(log[0].outcome, DeliveryOutcome::Failed);
    assert_eq!(client.webhooks().unwrap()[0].consecutive_failures, 1);

    receiver.hang_posts(1);
    receiver.answer_posts([200]);
    rename("After a timeout");
    let log = s.sb.admin().wait_for_webhook_deliveries(2, PATIENCE);
    assert_eq!(log[1].attempts[0].error, Some("timeout"));
    assert_eq!(log[1].attempts[1].status, Some(200));
    assert_eq!(log[1].outcome, DeliveryOutcome::Delivered);
    assert_eq!(client.webhooks().unwrap()[0].consecutive_failures, 0);

    receiver.answer_posts([503, 410]);
    rename("Gone");
    let log = s.sb.admin().wait_for_webhook_deliveries(3, PATIENCE);
    assert_eq!(log[2].outcome, DeliveryOutcome::Gone);
    assert_eq!(log[2].attempts.len(), 2);
    assert_eq!(client.webhooks().unwrap(), vec![]);
    assert!(!s.sb.admin().webhook_ids().contains(&hook.id));
}

/// SPEC S9: revoking the token deletes its webhooks, and only its own.
pub fn revoking_the_token_deletes_its_webhooks(t: Transport) {
    let s = quick(t);
    let receiver = WebhookReceiver::start().unwrap();
    let card = s.sb.fixtures().card_id.clone();
    let other = s.client(Cfg::default());
    let kept = other
        .create_webhook(&NewWebhook::new(format!("{}?kept", receiver.url()), &card).unwrap())
        .unwrap();
    let token = s.sb.admin().mint_token(&Default::default()).unwrap();
    let client = s.client(Cfg {
        token: Some(token),
        ..Cfg::default()
    });
    let hook = client
        .create_webhook(&NewWebhook::new(receiver.url(), &card).unwrap())
        .unwrap();
    assert_eq!(s.sb.admin().webhook_ids().len(), 2);
    client.revoke().unwrap();
    assert_eq!(s.sb.admin().webhook_ids(), vec![kept.id]);
    assert!(!s.sb.admin().webhook_ids().contains(&hook.id));
    assert!(matches!(
        client.webhooks(),
        Err(ClientError::TokenRejected { .. })
    ));
}
