//! `cargo xtask bench [filter]`: runs every benchmark; each bench binary prints its own table
//! of figures and ratios against its peer or floor after criterion's output.

use anyhow::Result;
use xshell::{cmd, Shell};

use crate::step;

/// `(package, bench target)` pairs, in the order they run.
const BENCHES: [(&str, &str); 2] = [("trello-auth-core", "core"), ("trello-auth-core", "oauth1")];

pub fn run(sh: &Shell, args: &[String]) -> Result<()> {
    for (package, bench) in BENCHES {
        step(&format!("cargo bench -p {package} --bench {bench}"));
        cmd!(sh, "cargo bench -p {package} --bench {bench} -- {args...}").run()?;
    }
    Ok(())
}
