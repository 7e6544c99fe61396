//! Allowed origins (SPEC S7): exact scheme + host + port, or `scheme://*.domain[:port]` patterns.

use url::Url;

/// One parsed allowed-origin entry of an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OriginPattern {
    scheme: String,
    /// Lower-case host; for a wildcard, the domain after `*.`.
    host: String,
    wildcard: bool,
    port: u16,
}

/// Why an allowed-origin entry was refused at registration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum OriginError {
    /// A bare `*`: Trello refuses it since 2021 (SPEC S7).
    #[error("Wildcard (\"*\") allowed origins are no longer supported")]
    BareWildcard,
    /// Not `http(s)://host[:port]` (paths, queries and fragments are not origins).
    #[error("invalid allowed origin {0:?}")]
    Invalid(String),
}

impl OriginPattern {
    /// Parses `http://localhost:8080`, `https://*.example.com` and the like.
    pub(crate) fn parse(s: &str) -> Result<Self, OriginError> {
        let s = s.trim();
        if s == "*" {
            return Err(OriginError::BareWildcard);
        }
        let invalid = || OriginError::Invalid(s.to_owned());
        let (scheme, rest) = s.split_once("://").ok_or_else(invalid)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(invalid());
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let (wildcard, rest) = match rest.strip_prefix("*.") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        if rest.is_empty() || rest.contains(['/', '?', '#', '*', '@']) {
            return Err(invalid());
        }
        // Let the URL parser validate the host and port, and normalise them.
        let url = Url::parse(&format!("{scheme}://{rest}/")).map_err(|_| invalid())?;
        let host = url.host_str().ok_or_else(invalid)?.to_ascii_lowercase();
        let port = url.port_or_known_default().ok_or_else(invalid)?;
        Ok(Self {
            scheme,
            host,
            wildcard,
            port,
        })
    }

    /// Whether `url`'s origin matches this entry (scheme, host and port; SPEC S7).
    pub(crate) fn matches(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        let host_ok = if self.wildcard {
            host.len() > self.host.len() + 1
                && host.ends_with(&self.host)
                && host.as_bytes()[host.len() - self.host.len() - 1] == b'.'
        } else {
            host == self.host
        };
        url.scheme() == self.scheme && host_ok && url.port_or_known_default() == Some(self.port)
    }
}

/// Parses a `return_url` or OAuth callback: absolute http(s), no fragment.
pub(crate) fn parse_return_url(s: &str) -> Option<Url> {
    let url = Url::parse(s).ok()?;
    let ok = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some()
        && url.fragment().is_none();
    ok.then_some(url)
}

/// The serialised origin (`scheme://host[:port]`) of `url`, the postMessage target.
pub(crate) fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests;
