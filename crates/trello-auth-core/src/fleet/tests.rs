//! The fleet model against a brute-force checker: whatever the order, times and budgets of
//! reservations, no budget ever holds more than `max` requests in any window that Trello could
//! count (a window of `window + margin`, since a request reaches Trello up to `margin` after
//! its reservation); a wait it names is exactly long enough; and nothing panics.

use proptest::prelude::*;

use super::*;

const MARGIN: u64 = 50;

fn budgets() -> [Budget; 3] {
    [
        Budget::new("key", 5, 1_000),
        Budget::new("token-a", 3, 1_000),
        Budget::new("token-b", 3, 1_000),
    ]
}

/// Every `[t, t + window + margin)` starting at a reservation holds at most `max` of them.
fn any_window_within(times: &[u64], budget: &Budget) -> Result<(), String> {
    for (i, start) in times.iter().enumerate() {
        let end = start + budget.window_ms + MARGIN;
        let inside = times.iter().filter(|t| *t >= start && **t < end).count();
        if inside > budget.max as usize {
            return Err(format!(
                "{}: {inside} reservations in the window from reservation {i} at {start}",
                budget.name
            ));
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn no_budget_is_ever_exceeded_in_any_window(
        steps in proptest::collection::vec((0u64..400, any::<bool>(), 0u32..3), 1..300)
    ) {
        let [key, a, b] = budgets();
        let mut model = Model::new(MARGIN);
        let (mut now, mut sent) = (0, vec![Vec::new(); 3]);
        for (advance, token_a, remaining) in steps {
            now += advance;
            let token = if token_a { &a } else { &b };
            if advance % 7 == 0 {
                model.tighten(now, token, remaining); // Trello's header: only tightens
            }
            let need = [key.clone(), token.clone()];
            match model.reserve(now, &need) {
                Reply::Send => {
                    sent[0].push(now);
                    sent[if token_a { 1 } else { 2 }].push(now);
                }
                Reply::Wait(ms) => {
                    prop_assert!(ms > 0);
                    // All or none: a refused reservation held nothing.
                }
            }
        }
        for (times, budget) in sent.iter().zip([&key, &a, &b]) {
            prop_assert!(any_window_within(times, budget).is_ok(), "{:?}", any_window_within(times, budget));
        }
    }

    #[test]
    fn a_named_wait_is_exactly_enough(
        times in proptest::collection::vec(0u64..3_000, 1..40), max in 1u32..6
    ) {
        let budget = Budget::new("key", max, 1_000);
        let mut model = Model::new(MARGIN);
        let mut now = 0;
        for t in times {
            now = now.max(t);
            if let Reply::Wait(ms) = model.reserve(now, std::slice::from_ref(&budget)) {
                let mut probe = model.clone();
                prop_assert_eq!(probe.reserve(now + ms - 1, std::slice::from_ref(&budget)), Reply::Wait(1));
                prop_assert_eq!(model.reserve(now + ms, std::slice::from_ref(&budget)), Reply::Send);
                now += ms;
            }
        }
    }

    #[test]
    fn no_input_panics(
        steps in proptest::collection::vec((any::<u32>(), 0u32..4, any::<u32>(), 0u64..100_000), 0..60)
    ) {
        let mut model = Model::new(MARGIN);
        let mut now = 0u64;
        for (advance, max, remaining, window) in steps {
            now += u64::from(advance % 10_000);
            let budget = Budget::new("b", max, window);
            let _ = model.reserve(now, std::slice::from_ref(&budget));
            model.tighten(now, &budget, remaining);
            model.record_429(now, &budget, &budget);
            let _ = model.held(now, &budget);
        }
    }
}

#[test]
fn a_refused_reservation_holds_nothing_in_any_budget() {
    let [key, a, _] = budgets();
    let mut model = Model::new(MARGIN);
    for t in 0..3 {
        assert_eq!(model.reserve(t, &[key.clone(), a.clone()]), Reply::Send);
    }
    // The token is full, the key is not: nothing is taken from the key.
    assert!(matches!(
        model.reserve(3, &[key.clone(), a.clone()]),
        Reply::Wait(_)
    ));
    assert_eq!(model.held(3, &key), 3);
}

#[test]
fn headers_only_tighten() {
    let [key, ..] = budgets();
    let mut model = Model::new(MARGIN);
    model.reserve(0, std::slice::from_ref(&key));
    model.tighten(1, &key, 10); // more than the model has free: no change
    assert_eq!(model.held(1, &key), 1);
    model.tighten(1, &key, 1); // Trello counts more than we did: hold the difference
    assert_eq!(model.held(1, &key), 4);
    assert_eq!(model.reserve(2, std::slice::from_ref(&key)), Reply::Send);
    assert!(matches!(
        model.reserve(3, std::slice::from_ref(&key)),
        Reply::Wait(_)
    ));
}

#[test]
fn a_429_blocks_its_budget_until_the_window_ends_and_the_breaker_blocks_the_key() {
    let [key, a, b] = budgets();
    let mut model = Model::new(MARGIN);
    model.record_429(100, &a, &key);
    assert_eq!(
        model.reserve(200, &[key.clone(), a.clone()]),
        Reply::Wait(950)
    );
    assert_eq!(model.reserve(200, &[key.clone(), b.clone()]), Reply::Send);
    for _ in 1..BREAKER_429S {
        model.record_429(300, &b, &key);
    }
    // The key's budget is blocked too now: every token waits.
    let c = Budget::new("token-c", 3, 1_000);
    assert_eq!(model.reserve(400, &[key.clone(), c]), Reply::Wait(950));
}

#[test]
fn a_lost_state_waits_out_the_window_before_it_for_callers_that_knew_it() {
    let key = Budget::new("key", 2, 1_000);
    let mut model = Model::new(MARGIN);
    let (reply, first) = model.reserve_seen(0, std::slice::from_ref(&key), None);
    assert_eq!((reply, first), (Reply::Send, 0));
    model.lose_state(); // Redis restarted empty at 10
                        // A new caller that never saw the old state creates it and is served...
    let (reply, epoch) = model.reserve_seen(10, std::slice::from_ref(&key), None);
    assert_eq!((reply, epoch), (Reply::Send, 10));
    // ...but the first caller that knew the old epoch tells the fleet the state was lost: the
    // key waits until a window and the margin have passed since the new epoch.
    let (reply, _) = model.reserve_seen(20, std::slice::from_ref(&key), Some(first));
    assert_eq!(reply, Reply::Wait(10 + 1_000 + MARGIN - 20));
    assert_eq!(
        model.reserve(500, std::slice::from_ref(&key)),
        Reply::Wait(560)
    );
    assert_eq!(
        model.reserve(1_060, std::slice::from_ref(&key)),
        Reply::Send
    );
    // An unchanged epoch is no loss.
    let mut calm = Model::new(MARGIN);
    let (_, epoch) = calm.reserve_seen(0, std::slice::from_ref(&key), None);
    assert_eq!(calm.reserve_seen(5, &[key], Some(epoch)).0, Reply::Send);
}
