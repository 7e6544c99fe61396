//! `cargo xtask bench [filter]`: runs every benchmark; each bench binary prints its own table
//! of figures and ratios against its peer or floor after criterion's output; the Python
//! wheel's benchmark (`bindings/python/benches/bench.py`) runs last.

use anyhow::Result;
use xshell::{cmd, Shell};

use crate::step;

/// `(package, bench target)` pairs, in the order they run.
const BENCHES: [(&str, &str); 4] = [
    ("trello-auth-core", "core"),
    ("trello-auth-core", "oauth1"),
    ("trello-auth-core", "webhook"),
    ("trello-auth-sandbox", "throughput"),
];

pub fn run(sh: &Shell, args: &[String]) -> Result<()> {
    for (package, bench) in BENCHES {
        step(&format!("cargo bench -p {package} --bench {bench}"));
        cmd!(sh, "cargo bench -p {package} --bench {bench} -- {args...}").run()?;
    }
    transports(sh, args)?;
    step("cargo bench -p trello-auth-tests --bench fleet (redis-server; Bottleneck with node)");
    crate::system::ensure(sh, crate::system::FLEET_TESTS)?;
    cmd!(
        sh,
        "cargo bench -p trello-auth-tests --bench fleet -- {args...}"
    )
    .run()?;
    crate::python::bench(sh)
}

/// The transport benchmark (issue 4): client and sandbox on one CPU, since a wake-up across
/// vCPUs costs more than every client difference. Built first so that only the run is pinned.
fn transports(sh: &Shell, args: &[String]) -> Result<()> {
    step("cargo bench -p trello-auth-tests --bench transports (taskset -c 0)");
    cmd!(
        sh,
        "cargo bench -p trello-auth-tests --bench transports --no-run"
    )
    .run()?;
    let pinned = cmd!(sh, "taskset -c 0 true")
        .quiet()
        .ignore_stderr()
        .run()
        .is_ok();
    if pinned {
        cmd!(
            sh,
            "taskset -c 0 cargo bench -p trello-auth-tests --bench transports -- {args...}"
        )
        .run()?;
    } else {
        println!("taskset is missing: running unpinned, figures will be noisier");
        cmd!(
            sh,
            "cargo bench -p trello-auth-tests --bench transports -- {args...}"
        )
        .run()?;
    }
    Ok(())
}
