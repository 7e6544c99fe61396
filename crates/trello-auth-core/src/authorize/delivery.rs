//! [`Delivery`]: how Trello hands the token over (SPEC S1.3), and the checks of a return URL.

use url::Url;

use crate::config::{echo, ConfigError};
use crate::origin::is_loopback;

/// How Trello hands the token over (SPEC S1.3). Each callback variant carries its return
/// URL, so a `callback_method` without `return_url` (or the reverse) cannot be expressed.
///
/// Build the callback variants with [`Delivery::fragment`], [`Delivery::post_message`] or
/// [`Delivery::from_parts`], which check the return URL: absolute, `http` or `https`, with a
/// host, without user info or fragment (Trello appends `#token=...` itself), and plain `http`
/// only to a loopback host. The return URL must also be one of the key's allowed origins
/// (SPEC S7), which only Trello knows.
///
/// ```
/// use trello_auth_core::Delivery;
///
/// let d = Delivery::from_parts(Some("postMessage"), Some("https://app.example.com/cb"))?;
/// assert_eq!(d, Delivery::post_message("https://app.example.com/cb")?);
/// assert_eq!(d.callback_method(), Some("postMessage"));
/// assert_eq!(Delivery::from_parts(None, None)?, Delivery::Display);
///
/// let code = |m, u| Delivery::from_parts(m, u).unwrap_err().code();
/// assert_eq!(code(Some("fragment"), None), "unpaired_callback");
/// assert_eq!(code(Some("redirect"), Some("https://a.example/")), "unknown_callback_method");
/// assert_eq!(code(Some("fragment"), Some("/cb")), "invalid_return_url");
/// assert_eq!(code(Some("fragment"), Some("https://a.example/cb#")), "invalid_return_url");
/// assert_eq!(code(Some("fragment"), Some("http://a.example/cb")), "insecure_return_url");
/// # Ok::<(), trello_auth_core::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Delivery {
    /// Trello shows the token for the user to copy; take it with
    /// [`parse_pasted_token`](crate::parse_pasted_token).
    #[default]
    Display,
    /// `callback_method=fragment`: the browser is redirected to this URL with `#token=...`;
    /// take it with [`parse_fragment`](crate::parse_fragment).
    Fragment(Url),
    /// `callback_method=postMessage`: Trello's popup posts the token to its opener at this
    /// URL's origin; take it with [`parse_post_message`](crate::parse_post_message).
    PostMessage(Url),
}

impl Delivery {
    /// Fragment delivery to `return_url`, checked as the type's docs say.
    pub fn fragment(return_url: &str) -> Result<Self, ConfigError> {
        parse_return_url(return_url).map(Delivery::Fragment)
    }

    /// postMessage delivery to `return_url`'s origin, checked as the type's docs say.
    pub fn post_message(return_url: &str) -> Result<Self, ConfigError> {
        parse_return_url(return_url).map(Delivery::PostMessage)
    }

    /// Delivery from Trello's two parameters as strings: both `None` is display; otherwise
    /// both must be given.
    ///
    /// # Errors
    /// In this order: [`ConfigError::UnpairedCallback`] when only one is given,
    /// [`ConfigError::UnknownCallbackMethod`] for a method other than exactly `fragment` or
    /// `postMessage`, then the return URL's errors ([`ConfigError::InvalidReturnUrl`],
    /// [`ConfigError::InsecureReturnUrl`]).
    pub fn from_parts(
        callback_method: Option<&str>,
        return_url: Option<&str>,
    ) -> Result<Self, ConfigError> {
        match (callback_method, return_url) {
            (None, None) => Ok(Delivery::Display),
            (Some(_), None) | (None, Some(_)) => Err(ConfigError::UnpairedCallback),
            (Some("fragment"), Some(url)) => Delivery::fragment(url),
            (Some("postMessage"), Some(url)) => Delivery::post_message(url),
            (Some(method), Some(_)) => Err(ConfigError::UnknownCallbackMethod {
                method: echo(method),
            }),
        }
    }

    /// Trello's `callback_method`: `None` for display, else `fragment` or `postMessage`.
    pub fn callback_method(&self) -> Option<&'static str> {
        match self {
            Delivery::Display => None,
            Delivery::Fragment(_) => Some("fragment"),
            Delivery::PostMessage(_) => Some("postMessage"),
        }
    }

    /// The return URL, for the callback variants.
    pub fn return_url(&self) -> Option<&Url> {
        match self {
            Delivery::Display => None,
            Delivery::Fragment(url) | Delivery::PostMessage(url) => Some(url),
        }
    }
}

/// Parses and checks a return URL (the rules are in [`Delivery`]'s docs).
fn parse_return_url(s: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(s).map_err(|_| ConfigError::InvalidReturnUrl {
        reason: "not an absolute URL (give scheme and host, e.g. http://localhost:8080/cb)",
    })?;
    check_return_url(&url)?;
    Ok(url)
}

pub(crate) fn check_return_url(url: &Url) -> Result<(), ConfigError> {
    let invalid = |reason| Err(ConfigError::InvalidReturnUrl { reason });
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        _ => return invalid("the scheme must be https, or http to a loopback host"),
    };
    let Some(host) = url.host() else {
        return invalid("the URL has no host");
    };
    if !url.username().is_empty() || url.password().is_some() {
        return invalid("the URL has user info; remove the user name and password");
    }
    // Trello appends `#token=...` itself (SPEC S1.3); a second `#` would garble the fragment.
    if url.fragment().is_some() {
        return invalid("the URL has a fragment; remove everything from `#` on");
    }
    // The token would cross the network in clear (SPEC S3.4); loopback is fine (SPEC S7).
    if !https && !is_loopback(&host) {
        return Err(ConfigError::InsecureReturnUrl);
    }
    Ok(())
}
