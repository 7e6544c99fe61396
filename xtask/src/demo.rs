//! `cargo xtask demo`: runs `trello-auth demo`, the walk of every capability against the
//! embedded sandbox.

use anyhow::Result;
use xshell::{cmd, Shell};

pub fn run(sh: &Shell) -> Result<()> {
    cmd!(sh, "cargo run --quiet -p trello-auth-cli -- demo").run()?;
    Ok(())
}
