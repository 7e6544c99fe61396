//! How the demo prints: numbered steps, indented lines, checks that count failures.

use std::time::Duration;

/// Counts steps and failed checks; each failure is printed where it happens.
#[derive(Default)]
pub(crate) struct Report {
    steps: u32,
    failed: usize,
}

impl Report {
    pub(crate) fn step(&mut self, title: &str) {
        self.steps += 1;
        println!("\n{}. {title}", self.steps);
    }

    pub(crate) fn line(&mut self, text: &str) {
        println!("   {text}");
    }

    pub(crate) fn check(&mut self, ok: bool, what: &str) {
        if ok {
            println!("   ok: {what}");
        } else {
            self.fail(what);
        }
    }

    pub(crate) fn fail(&mut self, what: &str) {
        self.failed += 1;
        println!("   FAILED: {what}");
    }

    pub(crate) fn finish(self, took: Duration) -> u8 {
        println!();
        if self.failed == 0 {
            println!(
                "demo finished in {:.1} s: every step behaved as Trello does (docs/trello.md)",
                took.as_secs_f64()
            );
            0
        } else {
            println!("demo FAILED: {} step(s) misbehaved", self.failed);
            1
        }
    }
}

/// `ATTA…3C4D (76 chars)`: enough to recognise a value, never the value.
pub(crate) fn short(s: &str) -> String {
    match (s.get(..4), s.get(s.len().saturating_sub(4)..)) {
        (Some(a), Some(b)) if s.len() > 12 => format!("{a}…{b} ({} chars)", s.len()),
        _ => "[redacted]".to_owned(),
    }
}
