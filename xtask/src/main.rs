//! `cargo xtask`: the project's task runner (matklad's cargo-xtask pattern).
//!
//! Keep dependencies out: xshell and anyhow only. One module per command.

mod bench;
mod demo;
mod fuzz;
mod mutants;
mod python;
mod soak;
mod system;
mod test;

use std::path::PathBuf;

use anyhow::{bail, Result};
use xshell::Shell;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  test    the programs the tests run (chromium, chromedriver: apt-get installs them as root),
          fmt check, clippy -D warnings, workspace tests (the core dependency check among them), docs,
          then the Python wheel: built into target/python-venv, pytest, mypy, stubtest
  demo    the main job: walk trello-auth's steps end to end and print each
  fuzz    the cargo-fuzz targets on nightly: [--seconds N] [--runs N] [--target NAME]...
          [--seed] [--cmin]; a table of executions, coverage and crashes
  soak    every client against a sandbox for [--minutes N] (30) with random faults: outcomes,
          writes applied twice, resident memory at start and end (not in CI)
  mutants cargo-mutants over the core and its login receiver [--shard K/N] (not in CI);
          caught, missed, timeout and unviable counts, the lists under target/mutants/
  bench   the benchmarks with peer comparisons (criterion), printed as ratio tables
  wheel   the release wheel of the trello_auth Python package, into target/wheels
";

fn main() -> Result<()> {
    let sh = Shell::new()?;
    sh.change_dir(project_root());
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("test") => test::run(&sh),
        Some("demo") => demo::run(&sh),
        Some("bench") => bench::run(&sh, &args[1..]),
        Some("fuzz") => fuzz::run(&sh, &args[1..]),
        Some("soak") => soak::run(&sh, &args[1..]),
        Some("mutants") => mutants::run(&sh, &args[1..]),
        Some("wheel") => python::wheel(&sh),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown command {other:?}\n\n{USAGE}"),
    }
}

/// The workspace root: the parent of this crate's manifest directory.
fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Prints a step heading, so a CI log shows where time went.
fn step(name: &str) {
    println!("\n==> {name}");
}
