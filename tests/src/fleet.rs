//! The fleet worker process (`src/bin/fleet-worker.rs`) as the fleet test and the fleet
//! benchmark start it: its orders written to its stdin, its tally read from its stdout.

use std::io::Write;
use std::process::{Child, Command, Stdio};

/// Starts a worker with `orders` (the JSON object `fleet-worker` reads); `path` is the
/// binary (`env!("CARGO_BIN_EXE_fleet-worker")` in the caller).
pub fn start_worker(path: &str, orders: &serde_json::Value) -> std::io::Result<Child> {
    let mut child = Command::new(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin.write_all(orders.to_string().as_bytes())?;
    Ok(child)
}
