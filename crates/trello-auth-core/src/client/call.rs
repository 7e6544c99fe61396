//! [`Call`]: one request walked through rate limiter → prepare → send → classify → act, with
//! what it says to do next ([`Attempt`], [`Next`]).

use std::time::{Duration, Instant};

use http::HeaderMap;

use super::refresh::grant_revoked;
use super::reserve::{Observe, Reserve};
use super::session::SessionPacing;
use super::{Auth, Refresh, Session};
use crate::budget::{Demand, Report};
use crate::classify::{classify, RateLimitKind, TokenRejection, Verdict};
use crate::error::Error;
use crate::oauth2::Access;
use crate::rate_limit::{Decision, RateLimitStatus};
use crate::retry::is_idempotent;
use crate::transport::{TransportError, TransportErrorKind};
use crate::{Request, Response};

/// One request on its way through the loop: ask [`attempt`](Call::attempt) what to do, send
/// what it gives, hand the outcome to [`settle`](Call::settle), and act on its [`Next`].
#[derive(Debug)]
pub struct Call<'s> {
    pub(super) session: &'s Session,
    pub(super) template: Request,
    pub(super) retries: u32,
    /// OAuth 2.0: the token set of the last attempt, and whether a 401 made it refresh.
    pub(super) generation: u64,
    pub(super) refreshed: bool,
    /// A shared budget's reservation for the next attempt was granted.
    pub(super) admitted: bool,
    /// What the last attempt needed of a shared budget, and what to tell it afterwards.
    pub(super) demand: Option<Demand>,
    pub(super) report: Option<Report>,
}

/// What [`Call::attempt`] says to do now.
#[derive(Debug)]
#[must_use]
// Boxing the request would cost an allocation per call; the value is moved once.
#[allow(clippy::large_enum_variant)]
pub enum Attempt<'s> {
    /// The rate limiter says wait this long, then ask again.
    Wait(Duration),
    /// Send this request (credentials applied).
    Send(Request),
    /// OAuth 2.0: walk this refresh first (the access token is about to expire, or was just
    /// refused), then ask again.
    Refresh(Refresh<'s>),
    /// A rate budget outside the client ([`ClientBuilder::rate_budget`]): run this
    /// reservation, hand its answer to [`Call::admit`], then ask again.
    ///
    /// [`ClientBuilder::rate_budget`]: super::ClientBuilder::rate_budget
    Reserve(Reserve<'s>),
}

/// What [`Call::settle`] says to do after an attempt.
#[derive(Debug)]
#[must_use]
// Boxing the request would cost an allocation per call; the value is moved once.
#[allow(clippy::large_enum_variant)]
pub enum Next {
    /// Finished: a 2xx, or a 3xx redirect returned as is (never followed, SPEC S3.4).
    Done(Response),
    /// Sleep this long, then ask [`Call::attempt`] again.
    Retry(Duration),
    /// Stop with this error.
    Fail(Error),
}

impl Next {
    /// The delay of a [`Next::Retry`].
    pub fn retry_delay(&self) -> Option<Duration> {
        match self {
            Next::Retry(delay) => Some(*delay),
            _ => None,
        }
    }
}

impl<'s> Call<'s> {
    /// Asks the OAuth 2.0 grant (if any) whether its access token may be used, then the rate
    /// limiter, then prepares a fresh copy of the request (credentials placed, or a new
    /// signature). `unix_time` reads the wall clock in seconds, called only for an OAuth
    /// timestamp or an OAuth 2.0 expiry check.
    pub fn attempt(
        &mut self,
        now: Instant,
        mut unix_time: impl FnMut() -> u64,
    ) -> Result<Attempt<'s>, Error> {
        let session = self.session;
        let bearer = match &session.auth {
            Auth::OAuth2(grant) => match grant.access(unix_time()) {
                Access::Use { header, generation } => {
                    self.generation = generation;
                    Some(header)
                }
                Access::Refresh { generation } => {
                    return Ok(Attempt::Refresh(Refresh {
                        session,
                        grant,
                        generation,
                    }))
                }
                Access::Ended => return Err(grant_revoked()),
            },
            _ => None,
        };
        match &session.pacing {
            SessionPacing::Off => {}
            SessionPacing::Local(_) => {
                if let Some(mut limiter) = session.limiter() {
                    if let Decision::Wait(delay) = limiter.acquire(now) {
                        return Ok(Attempt::Wait(delay));
                    }
                }
            }
            SessionPacing::Shared(budget) => {
                if !std::mem::take(&mut self.admitted) {
                    let path = self.template.uri().path();
                    if let Some(demand) = session.demand(path, bearer.as_ref()) {
                        self.demand = Some(demand.clone());
                        return Ok(Attempt::Reserve(Reserve {
                            budget: &**budget,
                            demand,
                        }));
                    }
                }
            }
        }
        let copy = duplicate(&self.template);
        match bearer {
            Some(header) => session.prepare_bearer(copy, header),
            None => session.prepare(copy, unix_time),
        }
        .map(Attempt::Send)
    }

    /// Takes the answer of a [`Reserve`]: `Ok(None)` to ask [`attempt`](Self::attempt) again
    /// at once (it sends), `Ok(Some(delay))` to sleep first, or the budget's failure as
    /// [`Error::RateBudget`] (nothing was sent).
    pub fn admit(
        &mut self,
        answer: Result<Decision, crate::budget::BudgetError>,
    ) -> Result<Option<Duration>, Error> {
        match answer? {
            Decision::Send => {
                self.admitted = true;
                Ok(None)
            }
            Decision::Wait(delay) => Ok(Some(delay)),
        }
    }

    /// After [`settle`](Self::settle): what Trello said of its budgets, for a shared budget
    /// to take in (`None` when there is nothing to tell). Run it before acting on the
    /// [`Next`].
    pub fn observe(&mut self) -> Option<Observe<'s>> {
        let report = self.report.take()?;
        let SessionPacing::Shared(budget) = &self.session.pacing else {
            return None;
        };
        Some(Observe {
            budget: &**budget,
            demand: self.demand.clone()?,
            report,
        })
    }

    /// Classifies the outcome of an attempt and decides: done, retry after a delay, or fail.
    /// `now` reads the clock (the moment the outcome arrived), called only when the rate
    /// limiter must take in a spent budget.
    ///
    /// A 429 is retried for any method (the request was not processed, SPEC S4.3); a 5xx, a
    /// timeout or a broken connection only for idempotent methods (the server may have acted);
    /// a failure to connect for any method (nothing was sent). Delays come from the
    /// [`RetryPolicy`](crate::RetryPolicy), which honours `Retry-After`, and the rate limiter takes in the
    /// `x-rate-limit-*` headers. A rejected token calls the session's hook.
    pub fn settle(
        &mut self,
        outcome: Result<Response, TransportError>,
        now: impl FnOnce() -> Instant,
    ) -> Next {
        let session = self.session;
        let method = self.template.method();
        let response = match outcome {
            Ok(response) => response,
            Err(error) => {
                let retryable = error.kind() == TransportErrorKind::Connect
                    || (error.is_transient() && is_idempotent(method));
                if retryable {
                    if let Some(delay) =
                        session
                            .retry
                            .next_delay(self.retries, None, session.jitter())
                    {
                        self.retries += 1;
                        return Next::Retry(delay);
                    }
                }
                return Next::Fail(Error::Transport(error));
            }
        };
        match &session.pacing {
            // The lock is taken only in the rare case that can change the limiter.
            SessionPacing::Local(_) if budget_spent(response.headers()) => {
                if let Some(mut limiter) = session.limiter() {
                    limiter.observe(&RateLimitStatus::from_headers(response.headers()), now());
                }
            }
            SessionPacing::Shared(_) => self.report = report(&response),
            _ => {}
        }
        if let (Auth::OAuth2(grant), 401) = (&session.auth, response.status().as_u16()) {
            // SPEC S8.7: after a 401, refresh once and retry once (whatever the body says); a
            // second 401 ends the grant.
            if !self.refreshed {
                self.refreshed = true;
                grant.rejected(self.generation);
                return Next::Retry(Duration::ZERO);
            }
            if grant.end() {
                session.token_rejected(TokenRejection::GrantRevoked);
            }
            return Next::Fail(grant_revoked());
        }
        let verdict = classify(&response);
        if verdict.is_success() || response.status().is_redirection() {
            return Next::Done(response);
        }
        if let Some(delay) =
            session
                .retry
                .retry_delay(method, &verdict, self.retries, session.jitter())
        {
            self.retries += 1;
            return Next::Retry(delay);
        }
        if let Verdict::TokenRejected { reason } = verdict {
            session.token_rejected(reason);
        }
        match Error::from_verdict(&verdict) {
            Some(error) => Next::Fail(error),
            None => Next::Done(response),
        }
    }

    /// How many retries this call has made.
    pub fn retries(&self) -> u32 {
        self.retries
    }
}

/// Whether the response reports the key's or the token's budget spent (`-remaining` is 0).
/// Only then can [`RateLimiter::observe`] change anything, so the full parse of the nine
/// `x-rate-limit-*` headers is skipped on the common path.
fn budget_spent(headers: &HeaderMap) -> bool {
    // One pass over the few headers of a response costs less than hashing two long names,
    // and it stops once both have been read.
    let (mut key_seen, mut token_seen) = (false, false);
    for (name, value) in headers {
        let seen = match name.as_str() {
            "x-rate-limit-api-key-remaining" => &mut key_seen,
            "x-rate-limit-api-token-remaining" => &mut token_seen,
            _ => continue,
        };
        let digits = value.as_bytes().trim_ascii();
        if !digits.is_empty() && digits.iter().all(|b| *b == b'0') {
            return true;
        }
        *seen = true;
        if key_seen && token_seen {
            return false;
        }
    }
    false
}

/// What a shared budget should hear of `response`: a 429, or a budget of Trello's with a
/// quarter or less left (where its count may be ahead of the fleet's). Otherwise nothing,
/// which spares the budget's store a round trip.
fn report(response: &Response) -> Option<Report> {
    let status = RateLimitStatus::from_headers(response.headers());
    let refused = (response.status().as_u16() == 429).then(|| match classify(response) {
        Verdict::RateLimited { limit, .. } => limit,
        _ => RateLimitKind::Other,
    });
    let low = [status.api_key, status.api_token, status.member]
        .iter()
        .flatten()
        .any(Report::is_low);
    (refused.is_some() || low).then(|| Report::new(status, refused))
}

/// A copy of `request` (`http::Request` is not `Clone`: extensions are dropped).
fn duplicate(request: &Request) -> Request {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    // Most calls have no header of their own: the new request's empty map will do.
    if !request.headers().is_empty() {
        *copy.headers_mut() = request.headers().clone();
    }
    copy
}

#[cfg(test)]
mod tests;
