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

#[test]
fn iso8601_known_instants() {
    assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(iso8601(1_710_230_400_123), "2024-03-12T08:00:00.123Z");
    assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
}
