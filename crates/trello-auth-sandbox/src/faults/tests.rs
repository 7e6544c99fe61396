//! Injected faults: applied a set number of times, then disarmed.

use super::*;

#[test]
fn a_fault_applies_count_times_then_disarms() {
    let f = Faults::default();
    f.add(Fault::prefix("/1/members", 2).status(503));
    assert!(f.take("GET", "/1/boards/x").is_none());
    assert_eq!(
        f.take("GET", "/1/members/me").and_then(|f| f.status),
        Some(503)
    );
    assert!(f.take("GET", "/1/members/me").is_some());
    assert!(f.take("GET", "/1/members/me").is_none());
}
