//! How the demo prints: numbered steps, indented lines, checks that count failures.

use std::process::ExitCode;
use std::time::Duration;

/// Counts steps and failed checks; each failure is printed where it happens.
#[derive(Default)]
pub struct Report {
    steps: u32,
    failed: usize,
}

impl Report {
    pub fn step(&mut self, title: &str) {
        self.steps += 1;
        println!("\n{}. {title}", self.steps);
    }

    pub fn line(&mut self, text: &str) {
        println!("   {text}");
    }

    pub fn check(&mut self, ok: bool, what: &str) {
        if ok {
            println!("   ok: {what}");
        } else {
            self.fail(what);
        }
    }

    pub fn fail(&mut self, what: &str) {
        self.failed += 1;
        println!("   FAILED: {what}");
    }

    pub fn finish(self, took: Duration) -> ExitCode {
        println!();
        if self.failed == 0 {
            println!(
                "demo finished in {:.1} s: every step behaved as SPEC.md says",
                took.as_secs_f64()
            );
            ExitCode::SUCCESS
        } else {
            println!("demo FAILED: {} step(s) misbehaved", self.failed);
            ExitCode::FAILURE
        }
    }
}

/// `ATTA…3C4D (76 chars)`: enough to recognise a value, never the value.
pub fn short(s: &str) -> String {
    match (s.get(..4), s.get(s.len().saturating_sub(4)..)) {
        (Some(a), Some(b)) if s.len() > 12 => format!("{a}…{b} ({} chars)", s.len()),
        _ => "[redacted]".to_owned(),
    }
}
