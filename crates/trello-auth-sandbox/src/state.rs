//! The sandbox's shared state: apps, members, tokens, the board/list/card world, pending
//! consents, OAuth 1.0a request tokens and nonces, the OAuth 2.0 registry (SPEC S8), plus the
//! clock, limits, faults and log.
//!
//! Locks are held for a lookup or an insert only; the hot path (`GET /1/members/me`) takes two
//! read locks and the rate limiter's mutex.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use bytes::Bytes;
use serde_json::json;
use url::Url;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::faults::Faults;
use crate::model::{App, Expiration, Member, OAuth2Info, RateLimits, Scopes, TokenSpec};
use crate::oauth2::{CodeGrant, Registry};
use crate::origin::OriginPattern;
use crate::random;
use crate::rate_limit::RateLimiter;
use crate::request_log::RequestLog;
use crate::webhooks::{DeliveryPolicy, Webhooks};

/// A registered app with its parsed origins.
#[derive(Debug)]
pub(crate) struct AppRecord {
    pub(crate) app: App,
    pub(crate) origins: Vec<OriginPattern>,
}

impl AppRecord {
    /// Whether `url` is inside the app's allowed origins (SPEC S7).
    pub(crate) fn allows(&self, url: &Url) -> bool {
        self.origins.iter().any(|o| o.matches(url))
    }
}

/// A member and its precomputed `/1/members/me` body.
#[derive(Debug)]
pub(crate) struct MemberRecord {
    pub(crate) member: Member,
    pub(crate) json: Bytes,
}

/// A minted token.
#[derive(Debug, Clone)]
pub(crate) struct TokenRecord {
    pub(crate) id: String,
    pub(crate) app_key: Arc<str>,
    pub(crate) member_id: Arc<str>,
    pub(crate) scopes: Scopes,
    pub(crate) created_ms: i64,
    pub(crate) expires_ms: Option<i64>,
    pub(crate) revoked: bool,
    /// The OAuth 1.0a token secret, for tokens obtained through `OAuthGetAccessToken`.
    pub(crate) secret: Option<Arc<str>>,
}

/// What a token check found.
#[derive(Debug)]
pub(crate) enum TokenCheck {
    /// Valid: the member and scopes behind it.
    Valid { member_id: Arc<str>, scopes: Scopes },
    /// Unknown, revoked, or of another app: `invalid token`.
    Invalid,
    /// Past its expiration on the sandbox clock: `expired token`.
    Expired,
}

/// A board.
#[derive(Debug, Clone)]
pub(crate) struct Board {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) member_id: String,
}

/// A list on a board.
#[derive(Debug, Clone)]
pub(crate) struct List {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) board_id: String,
}

/// An attachment of a card, served by the storage listener.
#[derive(Debug, Clone)]
pub(crate) struct Attachment {
    pub(crate) id: String,
    pub(crate) name: String,
}

/// A card.
#[derive(Debug, Clone)]
pub(crate) struct Card {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) list_id: String,
    pub(crate) board_id: String,
    pub(crate) attachments: Vec<Attachment>,
}

/// The boards, lists and cards.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub(crate) boards: HashMap<String, Board>,
    pub(crate) lists: HashMap<String, List>,
    pub(crate) cards: HashMap<String, Card>,
}

/// The ids of the default member's fixture board, list, card and attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixtures {
    /// The board "Sandbox board".
    pub board_id: String,
    /// Its list "To do".
    pub list_id: String,
    /// Its card "Welcome to the sandbox".
    pub card_id: String,
    /// The card's attachment (served by the storage origin).
    pub attachment_id: String,
    /// The attachment's file name.
    pub attachment_name: String,
}

/// Where an approved token goes (SPEC S1.3).
#[derive(Debug, Clone)]
pub(crate) enum Delivery {
    Display,
    Fragment(Url),
    PostMessage(Url),
}

/// What a consent form approves.
#[derive(Debug, Clone)]
pub(crate) enum PendingKind {
    /// `GET /1/authorize`.
    Token {
        app_key: String,
        scopes: Scopes,
        expiration: Expiration,
        delivery: Delivery,
    },
    /// `GET /1/OAuthAuthorizeToken`.
    OAuth1 {
        request_token: String,
        scopes: Scopes,
        expiration: Expiration,
    },
    /// `GET /authorize` (SPEC S8.2): Allow issues a code for `grant`.
    OAuth2 {
        grant: CodeGrant,
        /// The client's `state`, sent back on the redirect (SPEC S8.3).
        state: String,
    },
}

/// A consent page waiting for Allow or Deny, keyed by its single-use anti-forgery value.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub(crate) kind: PendingKind,
    /// The hidden fields as rendered, checked again on submit.
    pub(crate) fields: Vec<(String, String)>,
    pub(crate) created_ms: i64,
}

/// An OAuth 1.0a callback: a URL or `oob` (SPEC S6).
#[derive(Debug, Clone)]
pub(crate) enum Callback {
    Oob,
    Url(Url),
}

/// An OAuth 1.0a request token (SPEC S6).
#[derive(Debug, Clone)]
pub(crate) struct RequestToken {
    pub(crate) consumer_key: String,
    pub(crate) secret: String,
    pub(crate) callback: Callback,
    pub(crate) created_ms: i64,
    /// Set when the user allowed it: the verifier and the grant's scopes and expiration.
    pub(crate) approved: Option<(String, Scopes, Expiration)>,
}

/// Everything the server shares.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) clock: Clock,
    pub(crate) rate: RateLimiter,
    pub(crate) faults: Faults,
    pub(crate) log: RequestLog,
    /// Writes served, by `X-Request-Id` (the fault matrix's double-apply check).
    pub(crate) writes: crate::writes::AppliedWrites,
    pub(crate) body_limit: usize,
    pub(crate) apps: RwLock<HashMap<String, Arc<AppRecord>>>,
    pub(crate) members: RwLock<HashMap<String, Arc<MemberRecord>>>,
    pub(crate) tokens: RwLock<HashMap<String, TokenRecord>>,
    pub(crate) world: Mutex<World>,
    pub(crate) pending: Mutex<HashMap<String, Pending>>,
    pub(crate) request_tokens: Mutex<HashMap<String, RequestToken>>,
    /// `consumer key \n timestamp \n nonce` → the timestamp, for replay checks.
    pub(crate) nonces: Mutex<HashMap<String, i64>>,
    /// OAuth 2.0 clients, grants, codes and tokens (SPEC S8).
    pub(crate) oauth2: Registry,
    /// Webhooks and their deliveries (SPEC S9).
    pub(crate) webhooks: Webhooks,
    pub(crate) default_app_key: String,
    pub(crate) default_member_id: String,
    pub(crate) fixtures: Fixtures,
    /// `scheme://host:port` of the storage listener, set once bound.
    pub(crate) storage_base: std::sync::OnceLock<String>,
    /// `scheme://host:port` of the API/auth listener, set once bound.
    pub(crate) api_base: std::sync::OnceLock<String>,
    /// The `read,write` token of the default member minted at start.
    pub(crate) default_token: std::sync::OnceLock<String>,
    /// The OAuth 2.0 clients registered at start (SPEC S8).
    pub(crate) default_oauth2: std::sync::OnceLock<OAuth2Info>,
}

/// How long a consent page or request token stays usable (sandbox clock).
pub(crate) const PENDING_TTL_MS: i64 = 3_600_000;

impl State {
    /// Keeps a consent page's request under `key` until it is submitted (or expires after
    /// [`PENDING_TTL_MS`] of sandbox time), dropping the expired ones first.
    pub(crate) fn hold_consent(
        &self,
        key: String,
        kind: PendingKind,
        fields: Vec<(String, String)>,
    ) {
        let now = self.clock.now_ms();
        let mut pending = lock(&self.pending);
        pending.retain(|_, p| now - p.created_ms < PENDING_TTL_MS);
        pending.insert(
            key,
            Pending {
                kind,
                fields,
                created_ms: now,
            },
        );
    }

    /// A state with `apps` and `members` (the first of each is the default; generated if none).
    pub(crate) fn new(
        apps: Vec<App>,
        members: Vec<Member>,
        limits: RateLimits,
        body_limit: usize,
        webhooks: DeliveryPolicy,
    ) -> Result<Self> {
        let apps = if apps.is_empty() {
            vec![App::generate("Sandbox App")]
        } else {
            apps
        };
        let members = if members.is_empty() {
            vec![Member::new("sandboxuser", "Sandbox User")]
        } else {
            members
        };
        if limits.window.is_zero() {
            return Err(Error::Config(
                "the rate-limit window must not be zero".into(),
            ));
        }
        let default_app_key = apps[0].key.clone();
        let default_member_id = members[0].id.clone();
        let placeholder = Fixtures {
            board_id: String::new(),
            list_id: String::new(),
            card_id: String::new(),
            attachment_id: String::new(),
            attachment_name: String::new(),
        };
        let mut state = Self {
            clock: Clock::default(),
            rate: RateLimiter::new(limits),
            faults: Faults::default(),
            log: RequestLog::default(),
            writes: Default::default(),
            body_limit,
            apps: RwLock::default(),
            members: RwLock::default(),
            tokens: RwLock::default(),
            world: Mutex::default(),
            pending: Mutex::default(),
            request_tokens: Mutex::default(),
            nonces: Mutex::default(),
            oauth2: Registry::default(),
            webhooks: Webhooks::new(webhooks),
            default_app_key,
            default_member_id,
            fixtures: placeholder,
            storage_base: std::sync::OnceLock::new(),
            api_base: std::sync::OnceLock::new(),
            default_token: std::sync::OnceLock::new(),
            default_oauth2: std::sync::OnceLock::new(),
        };
        for app in apps {
            state.register_app(app)?;
        }
        let mut fixtures = None;
        for member in members {
            let f = state.add_member(member)?;
            fixtures.get_or_insert(f);
        }
        if let Some(f) = fixtures {
            state.fixtures = f;
        }
        Ok(state)
    }

    /// Registers (or replaces) an app after validating it (SPEC S2, S7).
    pub(crate) fn register_app(&self, app: App) -> Result<()> {
        let origins = app.validate()?;
        let key = app.key.to_ascii_lowercase();
        let record = Arc::new(AppRecord { app, origins });
        write(&self.apps).insert(key, record);
        Ok(())
    }

    /// Adds a member with a board "Sandbox board", a list "To do" and a card with an attachment.
    pub(crate) fn add_member(&self, member: Member) -> Result<Fixtures> {
        member.validate()?;
        let fixtures = Fixtures {
            board_id: random::object_id(),
            list_id: random::object_id(),
            card_id: random::object_id(),
            attachment_id: random::object_id(),
            attachment_name: "hello.txt".to_owned(),
        };
        {
            let mut world = lock(&self.world);
            world.boards.insert(
                fixtures.board_id.clone(),
                Board {
                    id: fixtures.board_id.clone(),
                    name: "Sandbox board".into(),
                    member_id: member.id.clone(),
                },
            );
            world.lists.insert(
                fixtures.list_id.clone(),
                List {
                    id: fixtures.list_id.clone(),
                    name: "To do".into(),
                    board_id: fixtures.board_id.clone(),
                },
            );
            world.cards.insert(
                fixtures.card_id.clone(),
                Card {
                    id: fixtures.card_id.clone(),
                    name: "Welcome to the sandbox".into(),
                    list_id: fixtures.list_id.clone(),
                    board_id: fixtures.board_id.clone(),
                    attachments: vec![Attachment {
                        id: fixtures.attachment_id.clone(),
                        name: fixtures.attachment_name.clone(),
                    }],
                },
            );
        }
        let json = json!({
            "id": member.id,
            "username": member.username,
            "fullName": member.full_name,
            "url": format!("https://trello.com/{}", member.username),
            "idBoards": [fixtures.board_id],
        });
        let record = MemberRecord {
            json: Bytes::from(json.to_string()),
            member,
        };
        write(&self.members).insert(record.member.id.clone(), Arc::new(record));
        Ok(fixtures)
    }

    pub(crate) fn app(&self, key: &str) -> Option<Arc<AppRecord>> {
        let apps = read(&self.apps);
        if let Some(a) = apps.get(key) {
            return Some(a.clone());
        }
        // Keys are hex: accept either case, like Trello's pattern `[0-9a-fA-F]{32}`.
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            return apps.get(&key.to_ascii_lowercase()).cloned();
        }
        None
    }

    pub(crate) fn member(&self, id: &str) -> Option<Arc<MemberRecord>> {
        read(&self.members).get(id).cloned()
    }

    /// Mints a token (SPEC S2 format) for `spec`.
    pub(crate) fn mint(&self, spec: &TokenSpec, secret: Option<String>) -> Result<String> {
        let app_key = spec
            .app_key
            .clone()
            .unwrap_or_else(|| self.default_app_key.clone());
        if self.app(&app_key).is_none() {
            return Err(Error::Unknown("app"));
        }
        let member_id = spec
            .member_id
            .clone()
            .unwrap_or_else(|| self.default_member_id.clone());
        if self.member(&member_id).is_none() {
            return Err(Error::Unknown("member"));
        }
        let now = self.clock.now_ms();
        let expires_ms = spec
            .expiration
            .lifetime()
            .map(|d| now.saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)));
        let token = random::token();
        let record = TokenRecord {
            id: random::object_id(),
            app_key: app_key.to_ascii_lowercase().into(),
            member_id: member_id.into(),
            scopes: spec.scopes,
            created_ms: now,
            expires_ms,
            revoked: false,
            secret: secret.map(Into::into),
        };
        write(&self.tokens).insert(token.clone(), record);
        Ok(token)
    }

    /// Checks `token` for the app `app_key` (SPEC S4.1).
    pub(crate) fn check_token(&self, app_key: &str, token: &str) -> TokenCheck {
        let tokens = read(&self.tokens);
        let Some(t) = tokens.get(token) else {
            return TokenCheck::Invalid;
        };
        if t.revoked || !t.app_key.eq_ignore_ascii_case(app_key) {
            return TokenCheck::Invalid;
        }
        if t.expires_ms.is_some_and(|e| self.clock.now_ms() >= e) {
            return TokenCheck::Expired;
        }
        TokenCheck::Valid {
            member_id: t.member_id.clone(),
            scopes: t.scopes,
        }
    }

    pub(crate) fn token(&self, token: &str) -> Option<TokenRecord> {
        read(&self.tokens).get(token).cloned()
    }

    /// Revokes `token`; afterwards it answers `invalid token` (SPEC S5), and its webhooks are
    /// deleted (SPEC S9). False if unknown.
    pub(crate) fn revoke(&self, token: &str) -> bool {
        let known = match write(&self.tokens).get_mut(token) {
            Some(t) => {
                t.revoked = true;
                true
            }
            None => false,
        };
        if known {
            self.webhooks.remove_token(token);
        }
        known
    }

    /// Records an OAuth 1.0a nonce; false if this consumer key already used it with this
    /// timestamp (replay). Entries older than twice the timestamp window are dropped.
    pub(crate) fn use_nonce(&self, consumer_key: &str, timestamp: i64, nonce: &str) -> bool {
        let now = self.clock.now_secs();
        let mut nonces = lock(&self.nonces);
        if nonces.len() > 10_000 {
            nonces.retain(|_, ts| {
                (now - *ts).abs() <= 2 * crate::oauth1_verify::TIMESTAMP_WINDOW_SECS
            });
        }
        let id = format!("{consumer_key}\n{timestamp}\n{nonce}");
        nonces.insert(id, timestamp).is_none()
    }
}

/// Locks a mutex, recovering from poisoning (a panicked handler must not wedge the sandbox).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn read<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn write<T>(m: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|p| p.into_inner())
}
