//! `cargo xtask test`: everything CI checks, in order of cost.

use anyhow::{bail, Result};
use xshell::{cmd, Shell};

use crate::step;

/// Crates the sans-IO core must never depend on (DESIGN: dependency rule).
const FORBIDDEN_IN_CORE: [&str; 4] = ["tokio", "hyper", "ureq", "pyo3"];

pub fn run(sh: &Shell) -> Result<()> {
    // First, so that a machine without them fails (or installs them) before the long steps.
    step("system programs the tests run (chromium, chromedriver)");
    crate::system::ensure(sh, crate::system::BROWSER_TESTS)?;

    step("cargo fmt --check");
    cmd!(sh, "cargo fmt --all -- --check").run()?;

    step("core dependency check");
    check_core_dependencies(sh)?;

    step("cargo clippy -D warnings");
    cmd!(
        sh,
        "cargo clippy --workspace --all-targets --locked -- -D warnings"
    )
    .run()?;

    step("cargo test");
    cmd!(sh, "cargo test --workspace --locked").run()?;

    step("cargo doc (warnings are errors)");
    cmd!(sh, "cargo doc --workspace --no-deps --locked")
        .env("RUSTDOCFLAGS", "-D warnings")
        .run()?;

    crate::python::test(sh)?;

    println!("\nall checks passed");
    Ok(())
}

fn check_core_dependencies(sh: &Shell) -> Result<()> {
    let format = "{p}";
    let tree = cmd!(
        sh,
        "cargo tree -p trello-auth-core -e normal --prefix none --format {format}"
    )
    .read()?;
    let offenders: Vec<&str> = tree
        .lines()
        .filter(|line| {
            let name = line.split_whitespace().next().unwrap_or("");
            FORBIDDEN_IN_CORE
                .iter()
                .any(|f| name == *f || name.starts_with(&format!("{f}-")))
        })
        .collect();
    if !offenders.is_empty() {
        bail!(
            "trello-auth-core must stay sans-IO, but depends on: {}",
            offenders.join(", ")
        );
    }
    println!("trello-auth-core depends on none of {FORBIDDEN_IN_CORE:?}");
    Ok(())
}
