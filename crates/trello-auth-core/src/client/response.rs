//! Reading a finished call's response: [`decode`] its JSON, or [`ensure_success`] first.

use crate::error::Error;
use crate::Response;

/// Decodes a finished call's JSON body as `T`; a redirect is [`Error::Unexpected`].
///
/// ```
/// use trello_auth_core::client::decode;
/// let ok = http::Response::builder().status(200).body(br#"{"id":"x"}"#.to_vec())?;
/// let value: serde_json::Value = decode(&ok)?;
/// assert_eq!(value["id"], "x");
/// let moved = http::Response::builder().status(302).body(Vec::new())?;
/// assert_eq!(decode::<serde_json::Value>(&moved).unwrap_err().code(), "unexpected");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode<T: serde::de::DeserializeOwned>(response: &Response) -> Result<T, Error> {
    ensure_success(response)?;
    Ok(crate::token::decode(response.body())?)
}

/// `Ok` for a 2xx response; a finished call's other answer (a redirect, which is never
/// followed) is [`Error::Unexpected`]. For callers that read the body themselves.
///
/// ```
/// use trello_auth_core::client::ensure_success;
/// let moved = http::Response::builder().status(302).body(Vec::new())?;
/// assert_eq!(ensure_success(&moved).unwrap_err().code(), "unexpected");
/// # Ok::<(), http::Error>(())
/// ```
pub fn ensure_success(response: &Response) -> Result<(), Error> {
    if response.status().is_success() {
        Ok(())
    } else {
        Err(Error::Unexpected {
            status: response.status().as_u16(),
        })
    }
}
