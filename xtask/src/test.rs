//! `cargo xtask test`: everything CI checks, in order of cost.

use anyhow::Result;
use xshell::{cmd, Shell};

use crate::step;

pub fn run(sh: &Shell) -> Result<()> {
    // First, so that a machine without them fails (or installs them) before the long steps.
    step("system programs the tests run (chromium, chromedriver, redis-server)");
    let needs = [crate::system::BROWSER_TESTS, crate::system::FLEET_TESTS].concat();
    crate::system::ensure(sh, &needs)?;

    step("cargo fmt --check");
    cmd!(sh, "cargo fmt --all -- --check").run()?;

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
