//! The webhook resource (SPEC S9): request builders for `POST /1/webhooks`,
//! `GET /1/tokens/{token}/webhooks` and `DELETE /1/webhooks/{id}`, and the serde type of a
//! webhook as Trello answers it.
//!
//! The builders return requests without credentials: a client's call adds them. Webhooks belong
//! to the token that created them, and revoking that token deletes them (SPEC S9).

use http::header::{HeaderValue, CONTENT_TYPE};
use http::Method;
use serde::{Deserialize, Serialize};

use crate::encode::encode_component;
use crate::token::build;
use crate::{Error, Origin, Request, Token};

/// What `POST /1/webhooks` registers: where Trello delivers (`callbackURL`) and what it
/// watches (`idModel`, a board, list, card or member id).
///
/// Keep the callback URL exactly as given here: it is half of what every delivery's
/// signature covers ([`verify`](super::verify)), and a different spelling of the same URL does
/// not verify.
///
/// ```
/// use trello_auth_core::{webhook::{self, NewWebhook}, Origin};
/// let hook = NewWebhook::new("https://example.com/hooks/trello", "5f1d7c2b9a8e4d3c2b1a0f9e")?
///     .description("card changes");
/// let request = webhook::create(&Origin::trello_api(), &hook);
/// assert_eq!(request.uri(), "https://api.trello.com/1/webhooks");
/// assert_eq!(
///     request.body(),
///     br#"{"callbackURL":"https://example.com/hooks/trello","idModel":"5f1d7c2b9a8e4d3c2b1a0f9e","description":"card changes"}"#,
/// );
/// # Ok::<(), trello_auth_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewWebhook {
    #[serde(rename = "callbackURL")]
    callback_url: String,
    #[serde(rename = "idModel")]
    id_model: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    active: Option<bool>,
}

impl NewWebhook {
    /// A webhook delivering to `callback_url` (an absolute `http` or `https` URL without a
    /// fragment) the changes of the model `id_model` (24 hex characters).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] saying which of the two is wrong.
    pub fn new(
        callback_url: impl Into<String>,
        id_model: impl Into<String>,
    ) -> Result<Self, Error> {
        let callback_url = callback_url.into();
        let id_model = id_model.into();
        check_callback_url(&callback_url)?;
        if !is_object_id(&id_model) {
            return Err(Error::InvalidRequest {
                reason: "idModel must be the 24-hex id of a board, list, card or member",
            });
        }
        Ok(Self {
            callback_url,
            id_model,
            description: None,
            active: None,
        })
    }

    /// A description, shown in the token's webhook list.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Whether Trello delivers at once (its default) or the webhook starts inactive.
    #[must_use]
    pub fn active(mut self, active: bool) -> Self {
        self.active = Some(active);
        self
    }

    /// The callback URL, exactly as given.
    pub fn callback_url(&self) -> &str {
        &self.callback_url
    }

    /// The watched model's id.
    pub fn id_model(&self) -> &str {
        &self.id_model
    }
}

/// `POST /1/webhooks` with `webhook` as its JSON body. Trello first sends `HEAD callbackURL`
/// and creates the webhook only if that answers 200 (SPEC S9).
pub fn create(api: &Origin, webhook: &NewWebhook) -> Request {
    let mut request = build(Method::POST, api, "/1/webhooks");
    request
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    // Invariant: a struct of strings and a bool serializes.
    *request.body_mut() = serde_json::to_vec(webhook).expect("a NewWebhook serializes");
    request
}

/// `GET /1/tokens/{token}/webhooks`: the webhooks `token` created (SPEC S9).
///
/// # Security
/// The token travels in the path: log the request only through [`crate::redact`].
pub fn list(api: &Origin, token: &Token) -> Request {
    let path = format!(
        "/1/tokens/{}/webhooks",
        encode_component(token.expose_secret())
    );
    build(Method::GET, api, &path)
}

/// `DELETE /1/webhooks/{id}`: deletes one webhook of the caller's token.
///
/// ```
/// use trello_auth_core::{webhook, Origin};
/// let request = webhook::delete(&Origin::trello_api(), "5f1d7c2b9a8e4d3c2b1a0f9e")?;
/// assert_eq!(request.method(), "DELETE");
/// assert!(webhook::delete(&Origin::trello_api(), "../tokens/x").is_err());
/// # Ok::<(), trello_auth_core::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidRequest`] when `id` is not 24 hex characters.
pub fn delete(api: &Origin, id: &str) -> Result<Request, Error> {
    if !is_object_id(id) {
        return Err(Error::InvalidRequest {
            reason: "a webhook id is the 24-hex id that POST /1/webhooks answered",
        });
    }
    Ok(build(Method::DELETE, api, &format!("/1/webhooks/{id}")))
}

/// A webhook, as `POST /1/webhooks` and `GET /1/tokens/{token}/webhooks` answer (fields
/// beyond these are kept in `extra`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Webhook {
    /// The webhook's 24-hex id.
    pub id: String,
    /// Its description (empty when none was given).
    #[serde(default)]
    pub description: String,
    /// The watched model.
    pub id_model: String,
    /// Where deliveries go: the URL their signatures cover.
    #[serde(rename = "callbackURL")]
    pub callback_url: String,
    /// Whether Trello delivers.
    #[serde(default = "yes")]
    pub active: bool,
    /// Deliveries that failed in a row.
    #[serde(default)]
    pub consecutive_failures: u32,
    /// Every other field of the answer.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn yes() -> bool {
    true
}

fn is_object_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn check_callback_url(url: &str) -> Result<(), Error> {
    let invalid = |reason| Err(Error::InvalidRequest { reason });
    let Ok(parsed) = url::Url::parse(url) else {
        return invalid(
            "callbackURL is not an absolute URL such as https://example.com/hooks/trello",
        );
    };
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return invalid("callbackURL must be an http or https URL with a host");
    }
    if parsed.fragment().is_some() {
        return invalid("callbackURL must not have a fragment: Trello would not send it");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "5f1d7c2b9a8e4d3c2b1a0f9e";

    #[test]
    fn a_new_webhook_refuses_what_trello_would_refuse() {
        for bad in [
            "",
            "example.com/hook",
            "ftp://example.com/",
            "https://example.com/#x",
            "file:///tmp/x",
        ] {
            let err = NewWebhook::new(bad, ID).unwrap_err();
            assert_eq!(err.code(), "invalid_request", "{bad}");
        }
        assert!(NewWebhook::new("https://example.com/", "abc").is_err());
        assert!(NewWebhook::new("https://example.com/", format!("{ID}0")).is_err());
    }

    #[test]
    fn the_callback_url_is_kept_as_given() {
        // Not normalised: the signature covers the string registered.
        let hook = NewWebhook::new("https://EXAMPLE.com:443/h%C3%A9?a=1", ID).unwrap();
        let body: serde_json::Value =
            serde_json::from_slice(create(&Origin::trello_api(), &hook).body()).unwrap();
        assert_eq!(body["callbackURL"], "https://EXAMPLE.com:443/h%C3%A9?a=1");
        assert_eq!(body.get("active"), None);
        let inactive = hook.active(false);
        let body: serde_json::Value =
            serde_json::from_slice(create(&Origin::trello_api(), &inactive).body()).unwrap();
        assert_eq!(body["active"], false);
    }

    #[test]
    fn the_list_request_keeps_the_token_out_of_logs() {
        let token = Token::new("ATTA".to_owned() + &"b".repeat(72)).unwrap();
        let request = list(&Origin::trello_api(), &token);
        assert_eq!(
            crate::redact(&request),
            "GET https://api.trello.com/1/tokens/[redacted]/webhooks"
        );
    }

    #[test]
    fn a_webhook_decodes_from_trellos_answer() {
        let hook: Webhook = serde_json::from_str(&format!(
            r#"{{"id":"{ID}","description":"","idModel":"{ID}","callbackURL":"https://e.com/h","active":true,"consecutiveFailures":2,"firstConsecutiveFailDate":null}}"#
        ))
        .unwrap();
        assert_eq!(hook.callback_url, "https://e.com/h");
        assert_eq!(hook.consecutive_failures, 2);
        assert!(hook.extra.contains_key("firstConsecutiveFailDate"));
    }
}
