//! `cargo xtask soak [--minutes N]` (not in CI): the hyper, ureq and Python clients against one
//! sandbox process for N minutes (default 30) with faults armed at random; prints the calls by
//! outcome, the writes applied twice, and each process's resident memory after a warm-up and
//! at the end (`tests/src/bin/soak.rs`). The report is also written to
//! `target/soak/report.json`.

use anyhow::{bail, Context, Result};
use xshell::{cmd, Shell};

use crate::step;

pub fn run(sh: &Shell, args: &[String]) -> Result<()> {
    let minutes = match args {
        [] => "30".to_owned(),
        [flag, n] if flag == "--minutes" => {
            n.parse::<f64>().context("--minutes N: a number")?;
            n.clone()
        }
        _ => bail!("usage: cargo xtask soak [--minutes N]"),
    };
    step("build the sandbox and the soak driver (release)");
    cmd!(sh, "cargo build --release -p trello-auth-sandbox --bin trello-auth-sandbox -p trello-auth-tests --bin soak").run()?;
    step("the Python client (release wheel)");
    let python = crate::python::release_python(sh)?;
    step(&format!("soak for {minutes} minutes"));
    let report = cmd!(
        sh,
        "target/release/soak --sandbox target/release/trello-auth-sandbox --minutes {minutes} --python {python} --script bindings/python/benches/soak.py"
    )
    .read()?;
    sh.create_dir("target/soak")?;
    sh.write_file("target/soak/report.json", &report)?;
    println!("{report}");
    Ok(())
}
