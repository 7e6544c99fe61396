//! `cargo xtask demo`: runs the demo program (an example of the `trello-auth-tests` package,
//! which depends on every crate of the workspace).

use anyhow::Result;
use xshell::{cmd, Shell};

pub fn run(sh: &Shell) -> Result<()> {
    cmd!(sh, "cargo run --quiet -p trello-auth-tests --example demo").run()?;
    Ok(())
}
