//! The sandbox as an OAuth 2.0 authorization server (SPEC S8): registered clients, grants,
//! single-use authorization codes bound to client, redirect URI, PKCE challenge, member and
//! scopes, access tokens, and refresh tokens that rotate with reuse detection.
//!
//! Pure bookkeeping: time is an argument (`now_ms`, the sandbox clock), randomness comes from
//! [`crate::random`], and the HTTP side lives in `routes::oauth2` and `credentials`.
//!
//! Lifetimes (SPEC S8.3, S8.5): codes 10 minutes, access tokens 3600 s, refresh tokens 90 days
//! unused, grants 365 days after consent. A rotated refresh token presented again within
//! [`REUSE_LEEWAY_MS`] of its rotation is refused and the grant kept (a client retrying a
//! refresh whose answer it lost); after the leeway it revokes the whole grant.

pub(crate) mod pkce;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};
use crate::model::OAuth2Client;
use crate::random;

/// How long an authorization code stays usable (SPEC S8.3: "within minutes").
pub(crate) const CODE_TTL_MS: i64 = 10 * 60 * 1000;
/// `expires_in` of every access token (SPEC S8.5).
pub(crate) const ACCESS_TTL_SECS: i64 = 3600;
/// How long a refresh token lives unused (SPEC S8.5).
pub(crate) const REFRESH_TTL_MS: i64 = 90 * 24 * 3600 * 1000;
/// How long a grant lives after consent (SPEC S8.5).
pub(crate) const GRANT_TTL_MS: i64 = 365 * 24 * 3600 * 1000;
/// The leeway for presenting a rotated refresh token again (SPEC S8.5).
pub(crate) const REUSE_LEEWAY_MS: i64 = 10 * 60 * 1000;
/// The scope that asks for a refresh token (SPEC S8.2).
pub(crate) const OFFLINE_ACCESS: &str = "offline_access";

/// What a consent approved, waiting to be exchanged (SPEC S8.3).
#[derive(Debug, Clone)]
pub(crate) struct CodeGrant {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) challenge: String,
    pub(crate) member_id: String,
    pub(crate) scopes: Vec<String>,
}

/// The tokens a code exchange or a refresh issued (SPEC S8.5). `Debug` redacts them.
pub(crate) struct Issued {
    pub(crate) access_token: String,
    pub(crate) refresh_token: Option<String>,
    pub(crate) scopes: Vec<String>,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// Why a code exchange failed: every case is a 400 `invalid_grant` (SPEC S8.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeError {
    /// Unknown, expired, already used, or of another client.
    Code,
    /// `redirect_uri` differs from the authorize request's.
    RedirectUri,
    /// The verifier does not match the challenge (or is malformed).
    Verifier,
}

/// What a Bearer token check found (SPEC S8.7).
#[derive(Debug)]
pub(crate) enum AccessCheck {
    /// Valid: the client, member and scopes behind it.
    Valid {
        client_id: Arc<str>,
        member_id: Arc<str>,
        scopes: Arc<[String]>,
    },
    /// Unknown, revoked (its grant too) or expired: 401.
    Invalid,
}

#[derive(Debug)]
struct Grant {
    client_id: Arc<str>,
    member_id: Arc<str>,
    scopes: Arc<[String]>,
    expires_ms: i64,
    revoked: bool,
}

#[derive(Debug)]
struct Code {
    grant: CodeGrant,
    expires_ms: i64,
    /// The grant the code was exchanged for, once used.
    used_for: Option<u64>,
}

#[derive(Debug)]
struct Access {
    grant: u64,
    expires_ms: i64,
}

#[derive(Debug)]
struct Refresh {
    grant: u64,
    expires_ms: i64,
    /// When it was rotated (spent), if it was.
    rotated_ms: Option<i64>,
}

#[derive(Default)]
struct Inner {
    clients: HashMap<String, OAuth2Client>,
    grants: HashMap<u64, Grant>,
    codes: HashMap<String, Code>,
    access: HashMap<String, Access>,
    refresh: HashMap<String, Refresh>,
    next_grant: u64,
}

/// Clients, grants, codes and tokens, behind one mutex (every operation is a few map lookups).
///
/// `Debug` shows counts only: codes and tokens are the maps' keys.
#[derive(Default)]
pub(crate) struct Registry {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.lock();
        f.debug_struct("Registry")
            .field("clients", &inner.clients.len())
            .field("grants", &inner.grants.len())
            .field("codes", &inner.codes.len())
            .field("access_tokens", &inner.access.len())
            .field("refresh_tokens", &inner.refresh.len())
            .finish()
    }
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers (or replaces) a client after validating it.
    pub(crate) fn register(&self, client: OAuth2Client) -> Result<()> {
        client.validate()?;
        self.lock().clients.insert(client.client_id.clone(), client);
        Ok(())
    }

    pub(crate) fn client(&self, client_id: &str) -> Option<OAuth2Client> {
        self.lock().clients.get(client_id).cloned()
    }

    /// Stores an approved consent under a fresh single-use code (SPEC S8.3).
    pub(crate) fn issue_code(&self, grant: CodeGrant, now_ms: i64) -> String {
        let code = random::oauth2_secret();
        let mut inner = self.lock();
        inner.codes.retain(|_, c| now_ms < c.expires_ms);
        inner.codes.insert(
            code.clone(),
            Code {
                grant,
                expires_ms: now_ms + CODE_TTL_MS,
                used_for: None,
            },
        );
        code
    }

    /// Exchanges a code (SPEC S8.4): bound to `client_id` and `redirect_uri`, checked against
    /// the PKCE challenge, and spent by this call whatever its outcome. A code presented again
    /// revokes the grant it was exchanged for (RFC 6749 §4.1.2).
    pub(crate) fn exchange_code(
        &self,
        client_id: &str,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
        now_ms: i64,
    ) -> Result<Issued, CodeError> {
        let mut inner = self.lock();
        let Some(c) = inner.codes.get_mut(code) else {
            return Err(CodeError::Code);
        };
        if let Some(grant) = c.used_for {
            inner.revoke_grant(grant);
            return Err(CodeError::Code);
        }
        if now_ms >= c.expires_ms || c.grant.client_id != client_id {
            inner.codes.remove(code);
            return Err(CodeError::Code);
        }
        let grant = c.grant.clone();
        // Spent now, so that guessing verifiers against one code is a single guess.
        c.used_for = Some(u64::MAX);
        if grant.redirect_uri != redirect_uri {
            return Err(CodeError::RedirectUri);
        }
        if !pkce::verify(verifier, &grant.challenge) {
            return Err(CodeError::Verifier);
        }
        let id = inner.next_grant;
        inner.next_grant += 1;
        if let Some(c) = inner.codes.get_mut(code) {
            c.used_for = Some(id);
        }
        inner.grants.insert(
            id,
            Grant {
                client_id: grant.client_id.into(),
                member_id: grant.member_id.into(),
                scopes: grant.scopes.into(),
                expires_ms: now_ms + GRANT_TTL_MS,
                revoked: false,
            },
        );
        Ok(inner.issue(id, now_ms))
    }

    /// Refreshes (SPEC S8.5): rotates `refresh_token`. `None` is SPEC S8.6's 403
    /// `invalid_grant` (unknown, expired, rotated, revoked, or of another client); a rotated
    /// token presented after [`REUSE_LEEWAY_MS`] also revokes its grant.
    pub(crate) fn refresh(
        &self,
        client_id: &str,
        refresh_token: &str,
        now_ms: i64,
    ) -> Option<Issued> {
        let mut inner = self.lock();
        let r = inner.refresh.get(refresh_token)?;
        let (grant_id, rotated, expires_ms) = (r.grant, r.rotated_ms, r.expires_ms);
        let g = inner.grants.get(&grant_id)?;
        if g.revoked || now_ms >= g.expires_ms || *g.client_id != *client_id {
            return None;
        }
        if let Some(at) = rotated {
            if now_ms - at > REUSE_LEEWAY_MS {
                inner.revoke_grant(grant_id);
            }
            return None;
        }
        if now_ms >= expires_ms {
            return None;
        }
        if let Some(r) = inner.refresh.get_mut(refresh_token) {
            r.rotated_ms = Some(now_ms);
        }
        Some(inner.issue(grant_id, now_ms))
    }

    /// Checks a Bearer token (SPEC S8.7).
    pub(crate) fn check_access(&self, token: &str, now_ms: i64) -> AccessCheck {
        let inner = self.lock();
        let Some(a) = inner.access.get(token) else {
            return AccessCheck::Invalid;
        };
        match inner.grants.get(&a.grant) {
            Some(g) if !g.revoked && now_ms < a.expires_ms && now_ms < g.expires_ms => {
                AccessCheck::Valid {
                    client_id: g.client_id.clone(),
                    member_id: g.member_id.clone(),
                    scopes: g.scopes.clone(),
                }
            }
            _ => AccessCheck::Invalid,
        }
    }

    /// Whether `token` is an OAuth 2.0 access token of this sandbox (alive or not): such a
    /// token in the query or a body is refused (SPEC S8.1).
    pub(crate) fn is_access_token(&self, token: &str) -> bool {
        self.lock().access.contains_key(token)
    }

    /// Revokes the grants of `client_id` (of `member_id` only, if given), with every access and
    /// refresh token they issued, as a user revoking the app does (SPEC S8.1). Returns how
    /// many grants were revoked.
    pub(crate) fn revoke_grants(&self, client_id: &str, member_id: Option<&str>) -> Result<usize> {
        let mut inner = self.lock();
        if !inner.clients.contains_key(client_id) {
            return Err(Error::Unknown("OAuth 2.0 client"));
        }
        let ids: Vec<u64> = inner
            .grants
            .iter()
            .filter(|(_, g)| {
                !g.revoked
                    && *g.client_id == *client_id
                    && member_id.is_none_or(|m| *g.member_id == *m)
            })
            .map(|(id, _)| *id)
            .collect();
        for id in &ids {
            inner.revoke_grant(*id);
        }
        Ok(ids.len())
    }
}

/// The scope a Bearer token needs on a REST route (SPEC S8.7, S8.8): `members/me` needs the
/// member scope, every board, list and card route the board scope; `write` for writes.
pub(crate) fn required_scope(path: &str, write: bool) -> &'static str {
    let member = path.trim_end_matches('/') == "/1/members/me";
    match (member, write) {
        (true, false) => "read:member:trello",
        (true, true) => "write:member:trello",
        (false, false) => "read:board:trello",
        (false, true) => "write:board:trello",
    }
}

impl Inner {
    /// A new access token for `grant`, and a new refresh token if it has `offline_access`.
    fn issue(&mut self, grant: u64, now_ms: i64) -> Issued {
        let scopes: Vec<String> = self
            .grants
            .get(&grant)
            .map(|g| g.scopes.to_vec())
            .unwrap_or_default();
        let access_token = random::oauth2_secret();
        self.access.retain(|_, a| now_ms < a.expires_ms);
        self.access.insert(
            access_token.clone(),
            Access {
                grant,
                expires_ms: now_ms + ACCESS_TTL_SECS * 1000,
            },
        );
        let refresh_token = scopes.iter().any(|s| s == OFFLINE_ACCESS).then(|| {
            let token = random::oauth2_secret();
            self.refresh.insert(
                token.clone(),
                Refresh {
                    grant,
                    expires_ms: now_ms + REFRESH_TTL_MS,
                    rotated_ms: None,
                },
            );
            token
        });
        Issued {
            access_token,
            refresh_token,
            scopes,
        }
    }

    /// Marks `grant` revoked: its access and refresh tokens stop working with it.
    fn revoke_grant(&mut self, grant: u64) {
        if let Some(g) = self.grants.get_mut(&grant) {
            g.revoked = true;
        }
    }
}
