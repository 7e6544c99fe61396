//! [`Grant`]: one user's OAuth 2.0 grant as a client's concurrent calls share it, and the
//! state of the refresh policy (SPEC S8.5, S8.7): when to refresh, one refresh at a time, the
//! rotation saved before the new access token is used, and the end of the grant.
//!
//! The IO (sending the refresh, waiting for another caller's) is the client's: it walks a
//! [`Refresh`](crate::client::Refresh) that [`Call::attempt`](crate::client::Call::attempt)
//! hands it.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use http::HeaderValue;

use super::bearer;
use super::secrets::ClientCredentials;
use super::token::TokenSet;

/// What [`Grant::on_tokens`] runs with each rotated token set.
pub type TokensHook =
    Arc<dyn Fn(&TokenSet) -> Result<(), Box<dyn std::error::Error + Send + Sync>> + Send + Sync>;

/// How long before its expiry an access token is refreshed (SPEC S8.5).
pub const REFRESH_LEEWAY_SECS: u64 = 60;

/// One user's OAuth 2.0 grant: the app's client credentials and the current token set, for a
/// client's [`ClientBuilder::oauth2`](crate::client::ClientBuilder::oauth2).
///
/// The client refreshes the access token when under 60 s of it are left, or once after a
/// 401; one refresh runs at a time however many calls wait on it; the rotated set goes to the
/// [`on_tokens`](Self::on_tokens) hook before its access token is used. A refresh answered
/// `invalid_grant`, or a second 401 after a refresh, ends the grant: calls then fail with
/// [`Error::TokenRejected`](crate::Error::TokenRejected) (`GrantRevoked`) until
/// [`replace`](Self::replace) brings a new authorization.
///
/// ```
/// use trello_auth_core::oauth2::{AccessToken, ClientCredentials, Grant, RefreshToken, TokenSet};
///
/// let tokens = TokenSet::new(
///     AccessToken::new("at-1")?,
///     Some(RefreshToken::new("rt-1")?),
///     Some(1_700_003_600),
///     vec!["read:member:trello".into()],
/// );
/// let grant = Grant::new(ClientCredentials::public("my-client-id")?, tokens)
///     .on_tokens(|rotated| {
///         // Persist `rotated` (its refresh token replaces the old one) before returning Ok.
///         let _ = rotated.refresh_token();
///         Ok(())
///     });
/// assert_eq!(grant.tokens().expires_at(), Some(1_700_003_600));
/// # Ok::<(), trello_auth_core::oauth2::OAuth2Error>(())
/// ```
pub struct Grant {
    client: ClientCredentials,
    state: Mutex<State>,
    /// Held by the one caller refreshing (or saving); the others wait on it.
    flight: async_lock::Mutex<()>,
    on_tokens: Option<TokensHook>,
}

/// The grant between calls.
struct State {
    tokens: Arc<TokenSet>,
    /// `Bearer <access token>`, made once per set (a clone shares the bytes).
    header: HeaderValue,
    /// Bumped by every new token set: a caller that saw an older one knows another refreshed.
    generation: u64,
    /// The current set came from a refresh whose save has not succeeded yet.
    unsaved: bool,
    /// A 401 came back for the current access token: refresh before using it again.
    rejected: bool,
    /// The grant ended (SPEC S8.6, S8.7).
    ended: bool,
}

/// What [`Grant::access`] says a call may do.
pub(crate) enum Access {
    /// Send with this token set's access token; a 401 names `generation`.
    Use {
        header: HeaderValue,
        generation: u64,
    },
    /// Refresh (or save) first: the set of `generation` is not to be used as it is.
    Refresh { generation: u64 },
    /// The grant ended.
    Ended,
}

/// What [`Grant::start`] says the one caller in flight must do.
pub(crate) enum Start {
    /// Nothing: another caller refreshed, or the grant was replaced.
    Current,
    /// Save the current set again (the last save failed).
    Save,
    /// Refresh with this set's refresh token.
    Refresh(Arc<TokenSet>),
    /// The grant ended now (no refresh token to go on with): call the hook once.
    EndedNow,
    /// The grant had ended before.
    Ended,
}

impl Grant {
    /// The grant of `tokens`, obtained by the app `client`.
    pub fn new(client: ClientCredentials, tokens: TokenSet) -> Self {
        Self {
            client,
            state: Mutex::new(State {
                header: bearer::header(tokens.access_token()),
                tokens: Arc::new(tokens),
                generation: 0,
                unsaved: false,
                rejected: false,
                ended: false,
            }),
            flight: async_lock::Mutex::new(()),
            on_tokens: None,
        }
    }

    /// Runs `hook` with every rotated token set, BEFORE its access token is used (SPEC S8.5:
    /// the old refresh token stops working, so persist the new one). If the hook fails, the
    /// call fails with [`Error::TokensNotSaved`](crate::Error::TokensNotSaved), the new set is
    /// kept in memory, and the next call runs the hook again before using it; the spent
    /// refresh token is never sent again.
    ///
    /// The hook runs while other calls wait for the refresh: keep it short.
    pub fn on_tokens(
        mut self,
        hook: impl Fn(&TokenSet) -> Result<(), Box<dyn std::error::Error + Send + Sync>>
            + Send
            + Sync
            + 'static,
    ) -> Self {
        self.on_tokens = Some(Arc::new(hook));
        self
    }

    /// The app's client credentials.
    pub fn client(&self) -> &ClientCredentials {
        &self.client
    }

    /// The current token set (after any refresh).
    pub fn tokens(&self) -> TokenSet {
        TokenSet::clone(&self.state().tokens)
    }

    /// `true` once the grant ended (an `invalid_grant`, a second 401, or an expiry with no
    /// refresh token): authorize the user again and [`replace`](Self::replace) the tokens.
    pub fn has_ended(&self) -> bool {
        self.state().ended
    }

    /// `true` when the next call refreshes (or saves a refreshed set) before it sends: the
    /// per-call check of the refresh policy, one uncontended lock.
    ///
    /// ```
    /// use trello_auth_core::oauth2::{AccessToken, ClientCredentials, Grant, RefreshToken, TokenSet};
    /// let tokens = TokenSet::new(AccessToken::new("at")?, Some(RefreshToken::new("rt")?), Some(1_000), vec![]);
    /// let grant = Grant::new(ClientCredentials::public("app")?, tokens);
    /// assert!(!grant.needs_refresh(900));
    /// assert!(grant.needs_refresh(941)); // under 60 s left
    /// # Ok::<(), trello_auth_core::oauth2::OAuth2Error>(())
    /// ```
    pub fn needs_refresh(&self, now_unix: u64) -> bool {
        matches!(self.access(now_unix), Access::Refresh { .. })
    }

    /// Installs `tokens` from a new authorization (or from storage another process wrote):
    /// the grant lives again, and calls use them from now on.
    pub fn replace(&self, tokens: TokenSet) {
        let mut state = self.state();
        state.header = bearer::header(tokens.access_token());
        state.tokens = Arc::new(tokens);
        state.generation += 1;
        state.unsaved = false;
        state.rejected = false;
        state.ended = false;
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Every update below leaves the state whole, so a panic elsewhere cannot leave it torn.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What a call may do at `now_unix`: the per-call check, one uncontended lock.
    pub(crate) fn access(&self, now_unix: u64) -> Access {
        let state = self.state();
        if state.ended {
            return Access::Ended;
        }
        let stale = state.tokens.refresh_token().is_some()
            && state.tokens.expires_within(now_unix, REFRESH_LEEWAY_SECS);
        if state.unsaved || state.rejected || stale {
            Access::Refresh {
                generation: state.generation,
            }
        } else {
            Access::Use {
                header: state.header.clone(),
                generation: state.generation,
            }
        }
    }

    /// A 401 came back for the access token of `generation`: the next use refreshes first,
    /// unless a newer set replaced it meanwhile.
    pub(crate) fn rejected(&self, generation: u64) {
        let mut state = self.state();
        if state.generation == generation {
            state.rejected = true;
        }
    }

    /// Ends the grant; `true` if it was alive (so the caller reports it once).
    pub(crate) fn end(&self) -> bool {
        let mut state = self.state();
        !std::mem::replace(&mut state.ended, true)
    }

    /// The refresh lock: one caller at a time refreshes or saves.
    pub(crate) fn flight(&self) -> &async_lock::Mutex<()> {
        &self.flight
    }

    /// Under the refresh lock: what the caller that saw `generation` must do.
    pub(crate) fn start(&self, generation: u64, now_unix: u64) -> Start {
        let mut state = self.state();
        if state.ended {
            return Start::Ended;
        }
        if state.generation != generation {
            return Start::Current;
        }
        if state.unsaved {
            return Start::Save;
        }
        let stale = state.rejected || state.tokens.expires_within(now_unix, REFRESH_LEEWAY_SECS);
        if !stale {
            return Start::Current;
        }
        if state.tokens.refresh_token().is_none() {
            state.ended = true;
            return Start::EndedNow;
        }
        Start::Refresh(Arc::clone(&state.tokens))
    }

    /// Under the refresh lock: the refresh answered `tokens`. They become current, unsaved;
    /// a set without a refresh token keeps the old one (a server that does not rotate).
    pub(crate) fn rotated(&self, tokens: TokenSet) {
        let mut state = self.state();
        let tokens = match (tokens.refresh_token(), state.tokens.refresh_token()) {
            (None, Some(old)) => TokenSet::new(
                tokens.access_token().clone(),
                Some(old.clone()),
                tokens.expires_at(),
                tokens.scopes().to_vec(),
            ),
            _ => tokens,
        };
        state.header = bearer::header(tokens.access_token());
        state.tokens = Arc::new(tokens);
        state.generation += 1;
        state.unsaved = true;
        state.rejected = false;
    }

    /// Under the refresh lock: runs the hook with the current set; on success the set may be
    /// used.
    pub(crate) fn save(&self) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let (tokens, generation) = {
            let state = self.state();
            (Arc::clone(&state.tokens), state.generation)
        };
        if let Some(hook) = &self.on_tokens {
            hook(&tokens)?;
        }
        let mut state = self.state();
        if state.generation == generation {
            state.unsaved = false;
        }
        Ok(())
    }
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("Grant")
            .field("client", &self.client)
            .field("expires_at", &state.tokens.expires_at())
            .field("scopes", &state.tokens.scopes())
            .field("generation", &state.generation)
            .field("unsaved", &state.unsaved)
            .field("ended", &state.ended)
            .field("on_tokens", &self.on_tokens.is_some())
            .finish_non_exhaustive()
    }
}
