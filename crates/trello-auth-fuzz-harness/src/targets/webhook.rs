//! Webhook deliveries (SPEC S9): the `X-Trello-Webhook` signature over the registered URL and
//! the raw body.

use trello_auth_core::webhook::{sign, verify};
use trello_auth_core::AppSecret;

use super::assert_hidden;
use crate::input::Fields;

/// Fields: app secret, callback URL, header (`-` for none), body.
///
/// Only the signature `sign` makes is accepted (whitespace aside), it always is, and an
/// error's text does not depend on the secret (so it cannot show it).
pub fn webhook_verify(data: &[u8]) {
    let mut f = Fields::new(data);
    let secret_text = f.text();
    let secret = AppSecret::new(secret_text)
        .unwrap_or_else(|_| AppSecret::new("0123456789abcdef0123456789abcdef01234567").unwrap());
    let url = f.text();
    let header = f.text();
    let header = (header != "-").then_some(header);
    let body = f.rest();
    let own = sign(&secret, &url, body);
    match verify(&secret, &url, body, header.as_deref()) {
        Ok(()) => assert_eq!(header.as_deref().map(str::trim), Some(own.as_str())),
        Err(e) => {
            assert!(!e.code().is_empty());
            let other = AppSecret::new("a-different-secret-0123456789").expect("a valid secret");
            if let Err(o) = verify(&other, &url, body, header.as_deref()) {
                if o.code() == e.code() {
                    assert_eq!(o.to_string(), e.to_string(), "an error shows the secret");
                    assert_eq!(
                        format!("{o:?}"),
                        format!("{e:?}"),
                        "an error shows the secret"
                    );
                }
            }
            assert_hidden(&e.to_string(), secret.expose_secret(), "a webhook error");
        }
    }
    assert_eq!(verify(&secret, &url, body, Some(&own)), Ok(()));
}
