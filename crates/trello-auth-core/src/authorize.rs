//! The authorize URL (SPEC S1.2): [`AuthorizeUrl`] and its parts [`Scopes`], [`Expiration`] and
//! [`Delivery`], plus [`AuthorizeParams`], the same builder for string-typed callers (the Python
//! binding, the conformance vectors).
//!
//! ```
//! use trello_auth_core::{ApiKey, AuthorizeUrl, Delivery, Expiration, Scopes};
//!
//! let url = AuthorizeUrl::new(ApiKey::new("0123456789abcdef0123456789abcdef")?)
//!     .scopes(Scopes::READ | Scopes::WRITE)
//!     .expiration(Expiration::OneDay)
//!     .name("My App")
//!     .delivery(Delivery::fragment("http://localhost:8080/cb")?)
//!     .build()?;
//! assert_eq!(
//!     url.as_str(),
//!     "https://trello.com/1/authorize?key=0123456789abcdef0123456789abcdef&response_type=token\
//!      &scope=read%2Cwrite&expiration=1day&name=My+App&callback_method=fragment\
//!      &return_url=http%3A%2F%2Flocalhost%3A8080%2Fcb",
//! );
//! # Ok::<(), trello_auth_core::ConfigError>(())
//! ```

use std::fmt;
use std::ops::BitOr;
use std::str::FromStr;

use url::{form_urlencoded, Url};

use crate::config::{echo, ConfigError};
use crate::origin::Origin;

mod delivery;

use crate::secret::ApiKey;
use delivery::check_return_url;
pub use delivery::Delivery;

/// A builder for the URL that sends a user to Trello's consent page (SPEC S1.2).
///
/// Every parameter Trello knows is always sent (`key`, `response_type=token`, `scope`,
/// `expiration`), because the route's own defaults are undocumented; `name` only when set;
/// `callback_method` and `return_url` together, for fragment and postMessage delivery. Query
/// values are form-urlencoded, as Trello's `client.js` does (a space becomes `+`).
///
/// Defaults: scope `read`, expiration `30days` (those of `client.js`), no name, display
/// delivery, base `https://trello.com`.
///
/// ```
/// use trello_auth_core::{ApiKey, AuthorizeUrl};
///
/// let url = AuthorizeUrl::new(ApiKey::new("0123456789abcdef0123456789abcdef")?).build()?;
/// assert_eq!(
///     url.as_str(),
///     "https://trello.com/1/authorize?key=0123456789abcdef0123456789abcdef\
///      &response_type=token&scope=read&expiration=30days",
/// );
/// # Ok::<(), trello_auth_core::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizeUrl {
    key: ApiKey,
    scopes: Scopes,
    expiration: Expiration,
    name: Option<String>,
    delivery: Delivery,
    base: Origin,
}

impl AuthorizeUrl {
    /// A builder with the defaults: scope `read`, expiration `30days`, no name, display
    /// delivery, base `https://trello.com`.
    pub fn new(key: ApiKey) -> Self {
        Self {
            key,
            scopes: Scopes::default(),
            expiration: Expiration::default(),
            name: None,
            delivery: Delivery::Display,
            base: Origin::trello(),
        }
    }

    /// The scopes to request.
    pub fn scopes(mut self, scopes: Scopes) -> Self {
        self.scopes = scopes;
        self
    }

    /// How long the token lives.
    pub fn expiration(mut self, expiration: Expiration) -> Self {
        self.expiration = expiration;
        self
    }

    /// The app name shown on the consent page (it matters only for legacy personal keys;
    /// Power-Up keys show the Power-Up's name, SPEC S1.2).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// How Trello hands the token over (SPEC S1.3).
    pub fn delivery(mut self, delivery: Delivery) -> Self {
        self.delivery = delivery;
        self
    }

    /// The authorize origin, `https://trello.com` unless a sandbox or test server stands in
    /// for Trello (SPEC S1.1).
    pub fn base(mut self, base: Origin) -> Self {
        self.base = base;
        self
    }

    /// The app name set with [`AuthorizeUrl::name`], if any.
    pub fn app_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The authorize origin set with [`AuthorizeUrl::base`] (`https://trello.com` by default):
    /// the only origin whose postMessage carries the token (SPEC S1.3).
    pub fn authorize_base(&self) -> &Origin {
        &self.base
    }

    /// The URL to send the user's browser to: `<base>/1/authorize?...`.
    ///
    /// # Errors
    /// [`ConfigError::InvalidReturnUrl`] or [`ConfigError::InsecureReturnUrl`] when a
    /// [`Delivery`] built by hand (not by its constructors) holds a return URL they refuse: the
    /// variants are public, so the URL is checked again here.
    pub fn build(&self) -> Result<Url, ConfigError> {
        let callback = match &self.delivery {
            Delivery::Display => None,
            Delivery::Fragment(url) => Some(("fragment", url)),
            Delivery::PostMessage(url) => Some(("postMessage", url)),
        };
        if let Some((_, url)) = callback {
            check_return_url(url)?;
        }

        // One allocation in the common case: percent-encoding at most triples a value.
        let name = self.name.as_deref();
        let variable = name.map_or(0, str::len) + callback.map_or(0, |(_, u)| u.as_str().len());
        let mut s = String::with_capacity(self.base.as_str().len() + 176 + 3 * variable);
        s.push_str(self.base.as_str());
        s.push_str("/1/authorize?");
        let query_start = s.len();
        let mut query = form_urlencoded::Serializer::for_suffix(&mut s, query_start);
        query
            .append_pair("key", self.key.as_str())
            .append_pair("response_type", "token")
            .append_pair("scope", self.scopes.as_str())
            .append_pair("expiration", self.expiration.as_str());
        if let Some(name) = name {
            query.append_pair("name", name);
        }
        if let Some((method, url)) = callback {
            query
                .append_pair("callback_method", method)
                .append_pair("return_url", url.as_str());
        }
        query.finish();
        // An origin, a fixed path and a form-encoded query always parse; should that ever
        // change, an error beats a panic.
        Url::parse(&s).map_err(|_| ConfigError::InvalidBaseUrl {
            reason: "the authorize URL built on this base does not parse",
        })
    }
}

/// [`AuthorizeUrl`] for string-typed callers (the Python binding, the conformance vectors):
/// every field a `&str` as Trello spells it, `None` meaning "the default".
///
/// When several values are wrong, the error reported is the first in this order:
/// `invalid_key`, the scope errors (`empty_scope`, `unknown_scope`), `unknown_expiration`, the
/// delivery errors (`unpaired_callback`, `unknown_callback_method`, `invalid_return_url`,
/// `insecure_return_url`), and last the base URL's (`invalid_base_url`, `insecure_scheme`).
///
/// ```
/// use trello_auth_core::AuthorizeParams;
///
/// let url = AuthorizeParams {
///     key: "0123456789abcdef0123456789abcdef",
///     scope: Some(&["account", "read"]),
///     callback_method: Some("postMessage"),
///     return_url: Some("https://app.example.com/trello"),
///     ..AuthorizeParams::default()
/// }
/// .build()?;
/// assert_eq!(
///     url.as_str(),
///     "https://trello.com/1/authorize?key=0123456789abcdef0123456789abcdef&response_type=token\
///      &scope=read%2Caccount&expiration=30days&callback_method=postMessage\
///      &return_url=https%3A%2F%2Fapp.example.com%2Ftrello",
/// );
///
/// let err = AuthorizeParams { key: "not a key", scope: Some(&[]), ..Default::default() }.build();
/// assert_eq!(err.unwrap_err().code(), "invalid_key");
/// # Ok::<(), trello_auth_core::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AuthorizeParams<'a> {
    /// The API key (required).
    pub key: &'a str,
    /// Scope names (`read`, `write`, `account`) in any order; `None` means `["read"]`, an
    /// empty slice is an error.
    pub scope: Option<&'a [&'a str]>,
    /// `1hour`, `1day`, `30days` or `never`; `None` means `30days`.
    pub expiration: Option<&'a str>,
    /// The app name; sent only when `Some` (even `Some("")`).
    pub name: Option<&'a str>,
    /// `fragment` or `postMessage`, together with `return_url`; both `None` means display.
    pub callback_method: Option<&'a str>,
    /// An absolute http(s) URL, together with `callback_method`.
    pub return_url: Option<&'a str>,
    /// The authorize origin; `None` means `https://trello.com`.
    pub base_url: Option<&'a str>,
}

impl AuthorizeParams<'_> {
    /// Checks every field (in the order the type's docs give) and builds the URL.
    pub fn build(&self) -> Result<Url, ConfigError> {
        self.to_builder()?.build()
    }

    /// Checks every field and returns the typed builder, for a caller that wants to change it
    /// further.
    pub fn to_builder(&self) -> Result<AuthorizeUrl, ConfigError> {
        let key = ApiKey::new(self.key)?;
        let scopes = match self.scope {
            Some(names) => Scopes::parse(names)?,
            None => Scopes::default(),
        };
        let expiration = match self.expiration {
            Some(e) => e.parse()?,
            None => Expiration::default(),
        };
        let delivery = Delivery::from_parts(self.callback_method, self.return_url)?;
        let base = match self.base_url {
            Some(b) => Origin::parse(b)?,
            None => Origin::trello(),
        };
        Ok(AuthorizeUrl {
            key,
            scopes,
            expiration,
            name: self.name.map(str::to_owned),
            delivery,
            base,
        })
    }
}

/// One permission a token can carry (SPEC S1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `read`: read the user's boards, cards, etc.
    Read,
    /// `write`: change them.
    Write,
    /// `account`: read the member's email, change member info, mark notifications read.
    Account,
}

impl Scope {
    /// Trello's name for the scope: `read`, `write` or `account`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Account => "account",
        }
    }

    const fn bit(self) -> u8 {
        match self {
            Scope::Read => 1,
            Scope::Write => 2,
            Scope::Account => 4,
        }
    }
}

impl FromStr for Scope {
    type Err = ConfigError;

    /// Parses Trello's exact, lower-case name.
    ///
    /// ```
    /// use trello_auth_core::Scope;
    /// assert_eq!("write".parse::<Scope>().unwrap(), Scope::Write);
    /// assert_eq!("Write".parse::<Scope>().unwrap_err().code(), "unknown_scope");
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "read" => Ok(Scope::Read),
            "write" => Ok(Scope::Write),
            "account" => Ok(Scope::Account),
            _ => Err(ConfigError::UnknownScope { scope: echo(s) }),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A non-empty set of [`Scope`]s, always written `read,write,account` in that order.
///
/// There is no empty `Scopes`: Trello would issue a token good for nothing, so the parsers
/// refuse it ([`ConfigError::EmptyScope`]) and the constants cannot make one.
///
/// ```
/// use trello_auth_core::{Scope, Scopes};
///
/// let all = Scopes::parse(&["account", "write", "read", "write"])?;
/// assert_eq!(all, Scopes::ALL);
/// assert_eq!(all.as_str(), "read,write,account");
/// assert_eq!((Scopes::ACCOUNT | Scope::Read).to_string(), "read,account");
/// assert_eq!("write,read".parse::<Scopes>()?, Scopes::READ | Scopes::WRITE);
/// assert_eq!(Scopes::parse::<[&str; 0]>([]).unwrap_err().code(), "empty_scope");
/// assert_eq!(Scopes::parse(&["read", "admin"]).unwrap_err().code(), "unknown_scope");
/// # Ok::<(), trello_auth_core::ConfigError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scopes(u8);

impl Scopes {
    /// `read`.
    pub const READ: Scopes = Scopes(1);
    /// `write`.
    pub const WRITE: Scopes = Scopes(2);
    /// `account`.
    pub const ACCOUNT: Scopes = Scopes(4);
    /// `read,write,account`.
    pub const ALL: Scopes = Scopes(7);

    /// Collects scope names in any order (duplicates are harmless).
    ///
    /// # Errors
    /// [`ConfigError::EmptyScope`] for no names, [`ConfigError::UnknownScope`] for a name other
    /// than `read`, `write`, `account` (exact, lower-case; the first unknown one is named).
    pub fn parse<I>(names: I) -> Result<Scopes, ConfigError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut bits = 0;
        for name in names {
            bits |= name.as_ref().parse::<Scope>()?.bit();
        }
        if bits == 0 {
            return Err(ConfigError::EmptyScope);
        }
        Ok(Scopes(bits))
    }

    /// `true` when `scope` is in the set.
    pub const fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    /// The set as Trello's `scope` parameter: names joined by `,` in the order read, write,
    /// account.
    pub const fn as_str(self) -> &'static str {
        // The field only ever holds a non-empty union of the three bits.
        match self.0 & 7 {
            1 => "read",
            2 => "write",
            3 => "read,write",
            4 => "account",
            5 => "read,account",
            6 => "write,account",
            _ => "read,write,account",
        }
    }
}

impl Default for Scopes {
    /// `read`, as in Trello's `client.js`.
    fn default() -> Self {
        Scopes::READ
    }
}

impl From<Scope> for Scopes {
    fn from(scope: Scope) -> Self {
        Scopes(scope.bit())
    }
}

impl BitOr for Scopes {
    type Output = Scopes;
    fn bitor(self, rhs: Scopes) -> Scopes {
        Scopes(self.0 | rhs.0)
    }
}

impl BitOr<Scope> for Scopes {
    type Output = Scopes;
    fn bitor(self, rhs: Scope) -> Scopes {
        Scopes(self.0 | rhs.bit())
    }
}

impl FromStr for Scopes {
    type Err = ConfigError;

    /// Parses Trello's wire form, names joined by `,` (any order).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ConfigError::EmptyScope);
        }
        Scopes::parse(s.split(','))
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scopes({})", self.as_str())
    }
}

/// How long a token lives (SPEC S1.2).
///
/// ```
/// use trello_auth_core::Expiration;
/// assert_eq!(Expiration::default(), Expiration::ThirtyDays);
/// assert_eq!("never".parse::<Expiration>()?, Expiration::Never);
/// assert_eq!(Expiration::OneHour.as_str(), "1hour");
/// assert_eq!("1 day".parse::<Expiration>().unwrap_err().code(), "unknown_expiration");
/// # Ok::<(), trello_auth_core::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Expiration {
    /// `1hour`.
    OneHour,
    /// `1day`.
    OneDay,
    /// `30days`, the default (as in Trello's `client.js`).
    #[default]
    ThirtyDays,
    /// `never`: the token lives until revoked.
    Never,
}

impl Expiration {
    /// Trello's spelling: `1hour`, `1day`, `30days` or `never`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Expiration::OneHour => "1hour",
            Expiration::OneDay => "1day",
            Expiration::ThirtyDays => "30days",
            Expiration::Never => "never",
        }
    }
}

impl FromStr for Expiration {
    type Err = ConfigError;

    /// Parses Trello's exact spelling.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "1hour" => Ok(Expiration::OneHour),
            "1day" => Ok(Expiration::OneDay),
            "30days" => Ok(Expiration::ThirtyDays),
            "never" => Ok(Expiration::Never),
            _ => Err(ConfigError::UnknownExpiration {
                expiration: echo(s),
            }),
        }
    }
}

impl fmt::Display for Expiration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
