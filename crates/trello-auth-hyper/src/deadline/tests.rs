//! The deadline watcher: what finishes in time, what does not, and that nothing is left behind.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use super::*;

const SHORT: Duration = Duration::from_millis(20);

#[tokio::test]
async fn a_future_ready_at_once_registers_nothing() {
    let deadlines = Deadlines::new(Some(SHORT));
    assert_eq!(deadlines.within(async { 7 }).await, Ok(7));
    assert_eq!(deadlines.pending(), 0);
    assert!(deadlines.stop().is_none(), "no watcher thread was needed");
}

#[tokio::test]
async fn a_future_that_waits_and_finishes_leaves_no_slot() {
    let deadlines = Deadlines::new(Some(Duration::from_secs(3600)));
    let output = deadlines
        .within(async {
            tokio::task::yield_now().await;
            "done"
        })
        .await;
    assert_eq!(output, Ok("done"));
    assert_eq!(deadlines.pending(), 0);
}

#[tokio::test]
async fn a_future_that_never_finishes_misses_its_deadline() {
    let deadlines = Deadlines::new(Some(SHORT));
    let missed = deadlines.within(std::future::pending::<()>()).await;
    assert_eq!(missed, Err(Missed::Elapsed));
    assert_eq!(deadlines.pending(), 0);
    // Many at once, all woken.
    let all = (0..16).map(|_| deadlines.within(std::future::pending::<()>()));
    for outcome in futures_join_all(all).await {
        assert_eq!(outcome, Err(Missed::Elapsed));
    }
    assert_eq!(deadlines.pending(), 0);
    let watcher = deadlines.stop().expect("a watcher thread ran");
    watcher
        .join()
        .expect("the watcher stops when the deadlines are dropped");
}

#[test]
fn dropping_a_pending_future_removes_its_slot() {
    let deadlines = Deadlines::new(Some(Duration::from_secs(3600)));
    {
        let mut guarded = pin!(deadlines.within(std::future::pending::<()>()));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(guarded.as_mut().poll(&mut cx).is_pending());
        assert!(guarded.as_mut().poll(&mut cx).is_pending());
        assert_eq!(deadlines.pending(), 1);
    }
    assert_eq!(deadlines.pending(), 0);
    let watcher = deadlines.stop().expect("a watcher thread ran");
    watcher
        .join()
        .expect("the watcher stops although its limit is an hour away");
}

#[test]
fn no_limit_means_no_deadline() {
    let deadlines = Deadlines::new(None);
    {
        let mut guarded = pin!(deadlines.within(std::future::pending::<()>()));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(guarded.as_mut().poll(&mut cx).is_pending());
        assert_eq!(deadlines.pending(), 0);
    }
    assert!(deadlines.stop().is_none(), "no watcher thread was needed");
}

#[test]
fn a_limit_beyond_the_clock_means_no_deadline() {
    let deadlines = Deadlines::new(Some(Duration::MAX));
    let mut guarded = pin!(deadlines.within(std::future::pending::<()>()));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(guarded.as_mut().poll(&mut cx).is_pending());
    assert_eq!(deadlines.pending(), 0);
}

/// Awaits every future, polling them together (the crate has no `futures` dependency).
async fn futures_join_all<F: Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        for (future, output) in futures.iter_mut().zip(&mut outputs) {
            if output.is_none() {
                if let Poll::Ready(value) = future.as_mut().poll(cx) {
                    *output = Some(value);
                }
            }
        }
        if outputs.iter().all(Option::is_some) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}
