//! The test clock moved by hand.

use super::*;

#[test]
fn advance_moves_now_forward() {
    let c = Clock::default();
    let before = c.now_ms();
    c.advance(Duration::from_secs(3600));
    assert!(c.now_ms() >= before + 3_600_000);
    assert_eq!(c.offset_ms(), 3_600_000);
}
