//! [`Origin`]: a validated scheme + host + port, the base of every URL the library builds
//! (SPEC S1.1: both the authorize base and the API base are configurable), and the loopback
//! rule that decides where plain `http://` is acceptable (SPEC S3.4).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::config::ConfigError;

/// `https://api.trello.com`, where REST calls go (SPEC S1.1).
pub const TRELLO_API: &str = "https://api.trello.com";
/// `https://trello.com`, where browsers are sent to authorize (SPEC S1.1, S6).
pub const TRELLO_AUTH: &str = "https://trello.com";

/// A validated origin such as `https://api.trello.com` or `http://127.0.0.1:8080`.
///
/// Plain `http://` is accepted only for a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`):
/// credentials must not cross a network in clear (SPEC S3.4).
///
/// ```
/// use trello_auth_core::Origin;
/// let o = Origin::parse("HTTPS://API.Trello.com:443/").unwrap();
/// assert_eq!(o.as_str(), "https://api.trello.com");
/// assert!(Origin::parse("http://127.0.0.1:9000").unwrap().is_loopback());
/// assert_eq!(Origin::parse("http://api.trello.com").unwrap_err().code(), "insecure_scheme");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// Serialized form, `scheme://host[:port]`, lower-case, default port dropped.
    serialized: String,
    https: bool,
    host: String,
    port: u16,
    loopback: bool,
}

impl Origin {
    /// Parses an origin; a trailing `/` is allowed, any other path, a query, a fragment or
    /// user info is refused.
    pub fn parse(s: &str) -> Result<Self, ConfigError> {
        Self::parse_inner(s, false)
    }

    /// Like [`Origin::parse`] but also accepts plain `http://` to a non-loopback host.
    ///
    /// # Security
    /// Credentials sent to such an origin cross the network in clear (SPEC S3.4). Use only for
    /// a test server behind a trusted network.
    pub fn danger_parse_allow_http(s: &str) -> Result<Self, ConfigError> {
        Self::parse_inner(s, true)
    }

    fn parse_inner(s: &str, allow_http: bool) -> Result<Self, ConfigError> {
        let invalid = |reason: &'static str| ConfigError::InvalidBaseUrl { reason };
        let url = Url::parse(s.trim()).map_err(|_| invalid("not an absolute URL"))?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => return Err(invalid("the scheme must be https or http")),
        };
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(
                "an origin has no path, query or fragment (use https://api.trello.com, not …/1)",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("an origin has no user info"));
        }
        let host = url.host().ok_or(invalid("the URL has no host"))?;
        let loopback = is_loopback(&host);
        if !https && !loopback && !allow_http {
            return Err(ConfigError::InsecureBaseUrl);
        }
        let port = url
            .port_or_known_default()
            .ok_or(invalid("the URL has no port"))?;
        let host = host.to_string();
        let serialized = url.origin().ascii_serialization();
        Ok(Self {
            serialized,
            https,
            host,
            port,
            loopback,
        })
    }

    /// `https://api.trello.com`.
    pub fn trello_api() -> Self {
        Self::parse(TRELLO_API).expect("TRELLO_API is a valid https origin")
    }

    /// `https://trello.com`.
    pub fn trello() -> Self {
        Self::parse(TRELLO_AUTH).expect("TRELLO_AUTH is a valid https origin")
    }

    /// `https://auth.atlassian.com`, the OAuth 2.0 authorization server (SPEC S8.1).
    pub fn atlassian_auth() -> Self {
        Self::parse("https://auth.atlassian.com").expect("a valid https origin")
    }

    /// The origin as `scheme://host[:port]`, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.serialized
    }

    /// The host is `localhost`, in `127.0.0.0/8` or `::1`.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// The scheme is `https`.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// `true` when `uri` has this origin's scheme, host and port (default ports filled in,
    /// scheme and host compared case-insensitively).
    pub fn matches(&self, uri: &http::Uri) -> bool {
        let Some(scheme) = uri.scheme_str() else {
            return false;
        };
        // Fast path, taken by every URL built with `join`: the same scheme and the very
        // authority this origin serializes to (lower case, default port dropped, no user info).
        let own_scheme = if self.https { "https" } else { "http" };
        let own_authority = self.serialized.get(own_scheme.len() + 3..);
        if scheme == own_scheme && uri.authority().map(|a| a.as_str()) == own_authority {
            return true;
        }
        let https = if scheme.eq_ignore_ascii_case("https") {
            true
        } else if scheme.eq_ignore_ascii_case("http") {
            false
        } else {
            return false;
        };
        let Some(host) = uri.host() else {
            return false;
        };
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        https == self.https && port == self.port && host.eq_ignore_ascii_case(&self.host)
    }

    /// `self` followed by `path_and_query`, which must start with `/`.
    pub fn join(&self, path_and_query: &str) -> String {
        debug_assert!(path_and_query.starts_with('/'));
        let mut s = String::with_capacity(self.serialized.len() + path_and_query.len());
        s.push_str(&self.serialized);
        s.push_str(path_and_query);
        s
    }
}

impl Default for Origin {
    fn default() -> Self {
        Self::trello_api()
    }
}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Origin({})", self.serialized)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.serialized)
    }
}

/// Loopback as VECTORS.md defines it: `localhost`, `127.0.0.0/8`, `[::1]`.
pub(crate) fn is_loopback<S: AsRef<str>>(host: &Host<S>) -> bool {
    match host {
        Host::Domain(d) => d.as_ref().eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => *ip == Ipv6Addr::LOCALHOST,
    }
}

/// Whether an authority (`host[:port]`, as in an `http::Uri`) is one of the usual loopback
/// spellings, `127.0.0.1`, `localhost` or `[::1]`, with or without a port: a check that needs
/// no host extraction. `false` says only "not one of these"; ask [`is_loopback_str`] then.
pub(crate) fn is_loopback_authority(authority: &str) -> bool {
    let digits = |port: &str| port.bytes().all(|b| b.is_ascii_digit());
    if authority.strip_prefix("127.0.0.1:").is_some_and(digits) {
        return true; // the usual one, checked first
    }
    let bytes = authority.as_bytes();
    // The port is what follows the last ':' if it is all digits (the colons of `[::1]` are
    // followed by `1]`).
    let host = match bytes.iter().rposition(|b| *b == b':') {
        Some(colon) if digits(&authority[colon + 1..]) => &authority[..colon],
        _ => authority,
    };
    host == "127.0.0.1" || host == "[::1]" || host.eq_ignore_ascii_case("localhost")
}

/// [`is_loopback`] for a host string as found in an `http::Uri` (IPv6 in brackets).
pub(crate) fn is_loopback_str(host: &str) -> bool {
    // The usual spellings first: parsing an address costs more than the rest of the check.
    if host == "127.0.0.1" || host == "[::1]" || host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return ip.is_loopback();
    }
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .and_then(|h| h.parse::<Ipv6Addr>().ok())
        .is_some_and(|ip| ip == Ipv6Addr::LOCALHOST)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_forms() {
        for h in ["localhost", "LOCALHOST", "127.0.0.1", "127.9.8.7", "[::1]"] {
            assert!(is_loopback_str(h), "{h}");
        }
        for h in [
            "localhost.evil.com",
            "128.0.0.1",
            "[::2]",
            "example.com",
            "",
        ] {
            assert!(!is_loopback_str(h), "{h}");
        }
    }

    #[test]
    fn loopback_authorities() {
        for a in [
            "127.0.0.1",
            "127.0.0.1:8080",
            "LocalHost:1",
            "[::1]:443",
            "localhost:",
        ] {
            assert!(is_loopback_authority(a), "{a}");
        }
        for a in [
            "127.0.0.1.evil.com",
            "127.0.0.1:80@evil.com",
            "localhost.evil.com:80",
            "[::1]x",
            "evil.com",
            "127.0.0.2:1",
            "",
        ] {
            assert!(!is_loopback_authority(a), "{a}");
        }
    }

    proptest::proptest! {
        /// The shortcut never calls a host loopback that the full check would refuse.
        #[test]
        fn loopback_shortcut_implies_loopback_host(
            authority in "(127\\.0\\.0\\.1|[Ll]ocal[Hh]ost|\\[::1\\]|[a-z0-9.:@\\[\\]]{0,12}){1,2}(:[0-9@a-z]{0,6})?",
        ) {
            if let Ok(parsed) = authority.parse::<http::uri::Authority>() {
                if is_loopback_authority(parsed.as_str()) {
                    proptest::prop_assert!(is_loopback_str(parsed.host()), "{}", authority);
                }
            }
        }
    }

    #[test]
    fn origin_matches_uri() {
        let o = Origin::parse("https://api.trello.com").unwrap();
        assert!(o.matches(&"https://API.trello.com:443/1/x".parse().unwrap()));
        assert!(!o.matches(&"https://api.trello.com:8443/1/x".parse().unwrap()));
        assert!(!o.matches(&"http://api.trello.com/1/x".parse().unwrap()));
        assert!(!o.matches(&"/1/x".parse().unwrap()));
        // The fast path (exact authority) and the slow one agree on every spelling.
        let local = Origin::parse("http://127.0.0.1:8080").unwrap();
        for (uri, expected) in [
            ("http://127.0.0.1:8080/1/members/me", true),
            ("HTTP://127.0.0.1:8080/", true),
            ("http://127.0.0.1:8080", true),
            ("http://user@127.0.0.1:8080/", true),
            ("http://127.0.0.1:80/", false),
            ("http://127.0.0.1/", false),
            ("https://127.0.0.1:8080/", false),
            ("http://127.0.0.2:8080/", false),
            ("http://localhost:8080/", false),
        ] {
            assert_eq!(local.matches(&uri.parse().unwrap()), expected, "{uri}");
        }
        let default_port = Origin::parse("http://localhost").unwrap();
        assert!(default_port.matches(&"http://LocalHost:80/x".parse().unwrap()));
        assert!(default_port.matches(&"http://localhost/x".parse().unwrap()));
        assert!(!default_port.matches(&"http://localhost:8080/x".parse().unwrap()));
    }

    #[test]
    fn origin_refuses_paths() {
        assert_eq!(
            Origin::parse("https://api.trello.com/1")
                .unwrap_err()
                .code(),
            "invalid_base_url"
        );
        assert!(Origin::danger_parse_allow_http("http://example.com").is_ok());
    }
}
