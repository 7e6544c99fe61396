//! [`AuthorizationRequest`]: the browser's `GET {auth_base}/authorize` of SPEC S8.2, with
//! exactly the parameters and the refusals of the conformance vectors.

use url::Url;

use super::error::OAuth2Error;
use super::pkce::Pkce;
use super::scope::Scope;
use crate::encode::encode_component;
use crate::origin::is_loopback;
use crate::shape::is_visible_ascii;
use crate::Origin;

/// The authorization request (SPEC S8.2): where to send the user's browser.
///
/// `offline` (on by default) adds `offline_access`, so that the answer carries a refresh
/// token. `state` and the [`Pkce`] pair come from the caller's randomness; keep both to check
/// the redirect ([`parse_redirect`](super::parse_redirect)) and to exchange the code.
///
/// ```
/// use trello_auth_core::oauth2::{AuthorizationRequest, Pkce, Scope};
///
/// let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")?;
/// let url = AuthorizationRequest::new("my-client-id", "http://127.0.0.1:53682/cb")
///     .scopes([Scope::ReadMember, Scope::ReadBoard])
///     .state("s7a7e")
///     .pkce(&pkce)
///     .build()?;
/// assert_eq!(
///     url.as_str(),
///     "https://auth.atlassian.com/authorize?client_id=my-client-id\
///      &redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcb&response_type=code\
///      &scope=read%3Aboard%3Atrello%20read%3Amember%3Atrello%20offline_access&state=s7a7e\
///      &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256\
///      &prompt=consent",
/// );
/// # Ok::<(), trello_auth_core::oauth2::OAuth2Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct AuthorizationRequest {
    client_id: String,
    redirect_uri: String,
    scopes: Vec<Scope>,
    /// The first scope name [`AuthorizationRequest::scope_names`] did not know.
    unknown_scope: bool,
    offline: bool,
    state: Option<String>,
    challenge: Option<String>,
    audience: Option<String>,
    auth_base: Origin,
}

impl AuthorizationRequest {
    /// A request for `client_id` that returns to `redirect_uri` (sent as given: it must equal
    /// a registered callback URL character for character, SPEC S8.2).
    pub fn new(client_id: impl Into<String>, redirect_uri: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            redirect_uri: redirect_uri.into(),
            scopes: Vec::new(),
            unknown_scope: false,
            offline: true,
            state: None,
            challenge: None,
            audience: None,
            auth_base: Origin::atlassian_auth(),
        }
    }

    /// Adds Trello scopes (each is sent once, in SPEC S8.8's order).
    pub fn scopes(mut self, scopes: impl IntoIterator<Item = Scope>) -> Self {
        self.scopes.extend(scopes);
        self
    }

    /// Adds scopes by name, as a configuration file or a command line gives them. An unknown
    /// name makes [`build`](Self::build) fail with `unknown_scope`; `offline_access` is
    /// skipped (the [`offline`](Self::offline) flag asks for it).
    pub fn scope_names<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        for name in names {
            match name.as_ref() {
                "offline_access" => {}
                name => match Scope::parse(name) {
                    Ok(scope) => self.scopes.push(scope),
                    Err(_) => self.unknown_scope = true,
                },
            }
        }
        self
    }

    /// Whether to ask for a refresh token (`offline_access`, SPEC S8.2). Default: `true`.
    pub fn offline(mut self, offline: bool) -> Self {
        self.offline = offline;
        self
    }

    /// The `state`: an unguessable value from the caller's randomness, checked on return.
    pub fn state(mut self, state: &str) -> Self {
        self.state = Some(state.to_owned());
        self
    }

    /// The PKCE pair whose challenge is sent (`code_challenge_method=S256`).
    pub fn pkce(mut self, pkce: &Pkce) -> Self {
        self.challenge = Some(pkce.challenge().to_owned());
        self
    }

    /// The optional `audience` (`api.atlassian.com`); none by default, as most clients do
    /// (SPEC S8.2).
    pub fn audience(mut self, audience: Option<&str>) -> Self {
        self.audience = audience.map(str::to_owned);
        self
    }

    /// The authorization server's origin. Default: `https://auth.atlassian.com`.
    pub fn auth_base(mut self, auth_base: Origin) -> Self {
        self.auth_base = auth_base;
        self
    }

    /// The URL to open in the user's browser.
    ///
    /// Refuses, in this order: an empty or non-ASCII client id (`invalid_client_id`); no
    /// Trello scope (`empty_scope`); an unknown scope name (`unknown_scope`); a redirect URI
    /// that is not absolute `http(s)` or has a fragment (`invalid_redirect_uri`) or is plain
    /// `http` to a non-loopback host (`insecure_redirect_uri`); a missing, empty or non-ASCII
    /// state (`invalid_state`); an empty audience (`invalid_audience`); no PKCE
    /// (`missing_pkce`).
    pub fn build(&self) -> Result<Url, OAuth2Error> {
        super::secrets::check_client_id(self.client_id.clone())?;
        if self.scopes.is_empty() && !self.unknown_scope {
            return Err(OAuth2Error::EmptyScope);
        }
        if self.unknown_scope {
            return Err(OAuth2Error::UnknownScope);
        }
        check_redirect_uri(&self.redirect_uri)?;
        let state = self
            .state
            .as_deref()
            .filter(|s| !s.is_empty() && is_visible_ascii(s))
            .ok_or(OAuth2Error::InvalidState)?;
        if let Some(a) = &self.audience {
            if a.is_empty() || !is_visible_ascii(a) {
                return Err(OAuth2Error::InvalidAudience);
            }
        }
        let challenge = self.challenge.as_deref().ok_or(OAuth2Error::MissingPkce)?;

        let mut scopes = self.scopes.clone();
        scopes.sort_unstable();
        scopes.dedup();
        let mut scope = scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if self.offline {
            scope.push_str(" offline_access");
        }
        let mut params = vec![
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("response_type", "code"),
            ("scope", scope.as_str()),
            ("state", state),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
            ("prompt", "consent"),
        ];
        if let Some(a) = &self.audience {
            params.push(("audience", a));
        }
        // Spaces as %20, as Atlassian's own examples write the scope (a form's `+` would
        // decode the same, but %20 is what every reader of a query understands).
        let mut url = format!("{}/authorize?", self.auth_base.as_str());
        for (i, (name, value)) in params.iter().enumerate() {
            if i > 0 {
                url.push('&');
            }
            url.push_str(name);
            url.push('=');
            url.push_str(&encode_component(value));
        }
        // An origin, a path and percent-encoded ASCII parameters form a valid URL.
        Ok(Url::parse(&url).expect("a valid authorize URL"))
    }
}

/// SPEC S8.2's redirect URI: absolute `http(s)`, no fragment, `http` only to loopback.
fn check_redirect_uri(uri: &str) -> Result<(), OAuth2Error> {
    let invalid = |reason| Err(OAuth2Error::InvalidRedirectUri { reason });
    if !is_visible_ascii(uri) {
        return invalid("it has spaces, control characters or non-ASCII (percent-encode them)");
    }
    let Ok(url) = Url::parse(uri) else {
        return invalid("not an absolute URL");
    };
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        _ => return invalid("the scheme must be https or http"),
    };
    if url.fragment().is_some() {
        return invalid("a redirect URI has no fragment");
    }
    let Some(host) = url.host() else {
        return invalid("the URL has no host");
    };
    if !https && !is_loopback(&host) {
        return Err(OAuth2Error::InsecureRedirectUri);
    }
    Ok(())
}
