//! The total timeout of a [`HyperTransport`](crate::HyperTransport): each request's deadline is
//! watched by one helper thread per transport, instead of a Tokio timer per request.
//!
//! # Why not `tokio::time::timeout`
//! While any Tokio timer is pending, the runtime parks with a timeout instead of without one,
//! and that costs every request. The transport bench of `cargo xtask bench` shows it on raw
//! hyper-util, on one CPU: a 30 s `tokio::time::timeout` around each request costs about 3%
//! (its "hyper-util raw + tokio timeout" rows). A throwaway variant with no per-request timer,
//! only one long sleep pending in the background, cost the same (28.7 against 29.6 µs per
//! request): the price is the pending timer, not its registration. Here a request costs an
//! uncontended lock and a slab slot; the runtime's timer wheel stays empty.
//!
//! # How
//! A transport has one limit, so deadlines arrive in the order requests start: each is at
//! least `limit` after the moment the watcher last looked. The watcher therefore sleeps until
//! the earliest pending deadline, or for `limit` when none is pending, and is never woken early
//! by a new request. It expires what is due, wakes those tasks, and sleeps again; it stops when
//! the transport's last clone is dropped.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use slab::Slab;

/// The deadlines of one transport's requests. Shared by the transport's clones; dropping the
/// last one stops the watcher thread.
pub(crate) struct Deadlines {
    /// `None`: no deadline at all.
    limit: Option<Duration>,
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    slots: Slab<Slot>,
    watcher: Option<JoinHandle<()>>,
    stop: bool,
}

struct Slot {
    deadline: Instant,
    waker: Option<Waker>,
    expired: bool,
}

/// Why a guarded future did not finish.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Missed {
    /// Its deadline passed.
    Elapsed,
    /// The watcher thread could not be started.
    NoWatcher,
}

pin_project_lite::pin_project! {
    /// The future of [`Deadlines::within`]: the guarded future's output, or why it missed.
    pub(crate) struct Within<'a, F> {
        #[pin]
        future: F,
        registration: Registration<'a>,
    }
}

impl<F: Future> Future for Within<'_, F> {
    type Output = Result<F::Output, Missed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        match this.registration.wait(cx) {
            Ok(()) => Poll::Pending,
            Err(missed) => Poll::Ready(Err(missed)),
        }
    }
}

impl Deadlines {
    /// Deadlines `limit` after each request's first wait; `None` for no deadline.
    pub(crate) fn new(limit: Option<Duration>) -> Self {
        Self {
            limit,
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                changed: Condvar::new(),
            }),
        }
    }

    /// Runs `future` to completion unless the limit passes first. A future that finishes on
    /// its first poll never registers a deadline.
    pub(crate) fn within<F: Future>(&self, future: F) -> Within<'_, F> {
        Within {
            future,
            registration: Registration {
                deadlines: self,
                key: None,
            },
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.lock()
    }

    /// Starts the watcher thread if it is not running.
    fn ensure_watcher(&self, state: &mut State, limit: Duration) -> Result<(), Missed> {
        if state.watcher.is_some() {
            return Ok(());
        }
        let shared = Arc::clone(&self.shared);
        let handle = std::thread::Builder::new()
            .name("trello-auth-timeouts".into())
            .spawn(move || watch(&shared, limit))
            .map_err(|_| Missed::NoWatcher)?;
        state.watcher = Some(handle);
        Ok(())
    }

    #[cfg(test)]
    fn pending(&self) -> usize {
        self.lock().slots.len()
    }

    /// Stops the watcher and returns its thread, for a test to join.
    #[cfg(test)]
    fn stop(self) -> Option<JoinHandle<()>> {
        let handle = self.lock().watcher.take();
        drop(self);
        handle
    }
}

impl Drop for Deadlines {
    fn drop(&mut self) {
        self.lock().stop = true;
        self.shared.changed.notify_all();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // No code panics while holding the lock; a poisoned state is still consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One request's slot, removed when the guarded future finishes or is dropped.
pub(crate) struct Registration<'a> {
    deadlines: &'a Deadlines,
    key: Option<usize>,
}

impl Registration<'_> {
    /// Called when the guarded future is pending: registers its deadline on the first call,
    /// then reports whether it has passed.
    fn wait(&mut self, cx: &Context<'_>) -> Result<(), Missed> {
        let Some(limit) = self.deadlines.limit else {
            return Ok(());
        };
        let mut state = self.deadlines.lock();
        if let Some(slot) = self.key.and_then(|key| state.slots.get_mut(key)) {
            if slot.expired {
                return Err(Missed::Elapsed);
            }
            match &slot.waker {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                _ => slot.waker = Some(cx.waker().clone()),
            }
            return Ok(());
        }
        // A limit too large for the clock has no deadline.
        let Some(deadline) = Instant::now().checked_add(limit) else {
            return Ok(());
        };
        self.deadlines.ensure_watcher(&mut state, limit)?;
        self.key = Some(state.slots.insert(Slot {
            deadline,
            waker: Some(cx.waker().clone()),
            expired: false,
        }));
        Ok(())
    }
}

impl Drop for Registration<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.deadlines.lock().slots.try_remove(key);
        }
    }
}

/// The watcher thread: expires due slots and wakes their tasks, then sleeps until the next
/// deadline (or for `limit`, which no later deadline can precede).
fn watch(shared: &Shared, limit: Duration) {
    let mut due = Vec::new();
    let mut state = shared.lock();
    while !state.stop {
        let now = Instant::now();
        let mut next = now.checked_add(limit);
        for (_, slot) in state.slots.iter_mut().filter(|(_, slot)| !slot.expired) {
            if slot.deadline <= now {
                slot.expired = true;
                due.extend(slot.waker.take());
            } else {
                next = Some(next.map_or(slot.deadline, |n| n.min(slot.deadline)));
            }
        }
        if !due.is_empty() {
            // Wake outside the lock: a waker may poll its task right away.
            drop(state);
            due.drain(..).for_each(Waker::wake);
            state = shared.lock();
            continue;
        }
        state = match next {
            Some(next) => {
                let wait = next.saturating_duration_since(now);
                shared
                    .changed
                    .wait_timeout(state, wait)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
            }
            None => shared
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner),
        };
    }
}

#[cfg(test)]
mod tests;
