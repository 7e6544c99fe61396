//! Where a login listens and what binds a delivery to it (SPEC S7): the loopback origin with
//! its fixed port, and the nonce in the return URL's path.

use std::fmt;

use url::Url;

use crate::config::ConfigError;

/// The port the login listener uses unless told otherwise. Trello matches allowed origins
/// with their port (SPEC S7), so it is fixed: register `http://127.0.0.1:8080` for the key.
pub const DEFAULT_PORT: u16 = 8080;

/// The path prefix of the return URL, the callback and the pages: `/callback/<nonce>`.
const PATH_PREFIX: &str = "/callback/";

/// The listener's origin, `http://127.0.0.1:<port>`: an IP literal, not `localhost`, so no
/// resolver or hosts file can send the browser elsewhere (RFC 8252 §7.3). This is the exact
/// allowed origin to register for the API key (SPEC S7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoopbackOrigin {
    port: u16,
    origin: String,
    host: String,
}

impl LoopbackOrigin {
    /// The origin of a listener on `127.0.0.1:port`.
    ///
    /// # Errors
    /// [`ConfigError::InvalidPort`] for port 0: the port must be fixed, since Trello matches
    /// it (SPEC S7).
    pub fn new(port: u16) -> Result<Self, ConfigError> {
        if port == 0 {
            return Err(ConfigError::InvalidPort);
        }
        Ok(Self {
            port,
            origin: format!("http://127.0.0.1:{port}"),
            host: format!("127.0.0.1:{port}"),
        })
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>`, as it is registered and as `trello-auth origin` prints it.
    pub fn as_str(&self) -> &str {
        &self.origin
    }

    /// The only `Host` header the listener accepts: `127.0.0.1:<port>`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The URL of this login's pages and callback: `http://127.0.0.1:<port>/callback/<nonce>`.
    /// OAuth 1.0a's request-token step needs it as `oauth_callback` before the [`Receiver`](super::Receiver)
    /// exists (SPEC S6).
    pub fn callback_url(&self, nonce: &Nonce) -> Url {
        Url::parse(&format!("{}{PATH_PREFIX}{}", self.origin, nonce.0))
            .expect("an IP literal origin and a hex path always parse")
    }
}

impl fmt::Display for LoopbackOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)
    }
}

/// The value that binds a delivery to this login (SPEC S7): 16 bytes from the caller's CSPRNG,
/// written as 32 lowercase hex characters in the return URL's path.
///
/// Not a credential, but unguessable: a page elsewhere cannot post to the listener without it.
#[derive(Clone, PartialEq, Eq)]
pub struct Nonce(String);

impl Nonce {
    /// The nonce of 16 random bytes (pass `getrandom`'s, or any CSPRNG's).
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        use std::fmt::Write as _;
        let mut s = String::with_capacity(32);
        for b in bytes {
            let _ = write!(s, "{b:02x}");
        }
        Self(s)
    }

    /// The 32 hex characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Nonce([redacted])")
    }
}
