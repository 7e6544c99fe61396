//! `cargo xtask mutants [--shard K/N] [-- ARGS]` (not in CI: hours on two cores): cargo-mutants
//! over `trello-auth-core` (with its login receiver, `core::login`), settings in
//! `.cargo/mutants.toml`. Installs cargo-mutants if missing. Results go to `target/mutants/`
//! (`mutants.out/outcomes.json`, `caught.txt`, `missed.txt`, `unviable.txt`); a shard lets the
//! run be split across sessions (`--shard 0/4` ... `--shard 3/4`), each into its own folder.

use anyhow::{bail, Result};
use xshell::{cmd, Shell};

use crate::step;

pub fn run(sh: &Shell, args: &[String]) -> Result<()> {
    let (shard, extra) = match args {
        [flag, k, rest @ ..] if flag == "--shard" => (Some(k.clone()), rest),
        rest => (None, rest),
    };
    if let Some(k) = &shard {
        if k.split_once('/')
            .is_none_or(|(a, b)| a.parse::<u32>().is_err() || b.parse::<u32>().is_err())
        {
            bail!("--shard K/N: two whole numbers, as 0/4");
        }
    }
    if cmd!(sh, "cargo mutants --version")
        .quiet()
        .ignore_stdout()
        .ignore_stderr()
        .run()
        .is_err()
    {
        step("cargo install cargo-mutants --locked");
        cmd!(sh, "cargo install cargo-mutants --locked").run()?;
    }
    let out = match &shard {
        Some(k) => format!("target/mutants/shard-{}", k.replace('/', "-of-")),
        None => "target/mutants/all".to_owned(),
    };
    sh.create_dir(&out)?;
    let shard_args: Vec<String> = shard
        .map(|k| vec!["--shard".to_owned(), k])
        .unwrap_or_default();
    step(&format!("cargo mutants -p trello-auth-core (into {out})"));
    // A surviving mutant is a finding, not a failure of the command: read missed.txt.
    let _ = cmd!(
        sh,
        "cargo mutants -p trello-auth-core --no-shuffle -o {out} {shard_args...} {extra...}"
    )
    .run();
    for file in ["caught.txt", "missed.txt", "timeout.txt", "unviable.txt"] {
        let path = format!("{out}/mutants.out/{file}");
        let n = sh.read_file(&path).map(|t| t.lines().count()).unwrap_or(0);
        println!("{file:>13}: {n}");
    }
    Ok(())
}
