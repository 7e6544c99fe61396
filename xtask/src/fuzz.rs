//! `cargo xtask fuzz [--seconds N] [--runs N] [--target NAME]... [--seed] [--cmin]`: runs every
//! cargo-fuzz target (`fuzz/fuzz_targets/`) on nightly Rust, each until N seconds (default 60)
//! or N executions, whichever comes first, over its committed corpus (`fuzz/corpus/<target>/`,
//! where libFuzzer also keeps what it finds), and prints a table of executions, coverage and
//! crashes (also written to `target/fuzz/report.md`). `--seed` first writes the conformance
//! vectors into the corpora; `--cmin` minimises each corpus afterwards. A crash is left in
//! `fuzz/artifacts/<target>/` and makes the command fail: turn it into a unit test, fix it, and
//! add the input to the corpus, whose replay `cargo xtask test` runs on stable.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use xshell::{cmd, Shell};

use crate::step;

/// What the command line asked for.
struct Options {
    seconds: u64,
    runs: Option<u64>,
    targets: Vec<String>,
    seed: bool,
    cmin: bool,
}

fn options(args: &[String]) -> Result<Options> {
    let mut o = Options {
        seconds: 60,
        runs: None,
        targets: Vec::new(),
        seed: false,
        cmin: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().with_context(|| format!("{name} takes a value"));
        match arg.as_str() {
            "--seconds" => {
                o.seconds = value("--seconds")?
                    .parse()
                    .context("--seconds N: a whole number")?
            }
            "--runs" => {
                o.runs = Some(
                    value("--runs")?
                        .parse()
                        .context("--runs N: a whole number")?,
                )
            }
            "--target" => o.targets.push(value("--target")?.clone()),
            "--seed" => o.seed = true,
            "--cmin" => o.cmin = true,
            other => bail!("cargo xtask fuzz: unknown option {other:?} (see cargo xtask help)"),
        }
    }
    Ok(o)
}

/// One target's figures, read from libFuzzer's final stats and its last status line.
#[derive(Default)]
struct Figures {
    execs: u64,
    exec_per_sec: u64,
    cov: u64,
    ft: u64,
    corpus: u64,
    new_units: u64,
    peak_rss_mb: u64,
    crashed: bool,
}

pub fn run(sh: &Shell, args: &[String]) -> Result<()> {
    let o = options(args)?;
    if cmd!(sh, "cargo +nightly --version")
        .quiet()
        .ignore_stdout()
        .ignore_stderr()
        .run()
        .is_err()
    {
        bail!("cargo xtask fuzz needs a nightly toolchain (libFuzzer's coverage instrumentation): rustup toolchain install nightly");
    }
    if cmd!(sh, "cargo fuzz --version")
        .quiet()
        .ignore_stdout()
        .ignore_stderr()
        .run()
        .is_err()
    {
        step("cargo install cargo-fuzz --locked");
        cmd!(sh, "cargo install cargo-fuzz --locked").run()?;
    }
    if o.seed {
        step("seed the corpora from tests/vectors");
        cmd!(sh, "cargo run -q -p trello-auth-fuzz-harness --bin seed").run()?;
    }
    let targets = if o.targets.is_empty() {
        all_targets()?
    } else {
        o.targets.clone()
    };
    step("cargo +nightly fuzz build");
    cmd!(sh, "cargo +nightly fuzz build --sanitizer none").run()?;
    let log_dir = Path::new("target/fuzz");
    fs::create_dir_all(log_dir)?;
    let mut rows = Vec::new();
    for target in &targets {
        let bound = match o.runs {
            Some(n) => format!("{} s or {n} runs", o.seconds),
            None => format!("{} s", o.seconds),
        };
        step(&format!("fuzz {target} ({bound})"));
        let figures = fuzz_one(target, &o, &log_dir.join(format!("{target}.log")))?;
        println!(
            "{target}: {} executions ({}/s), cov {}, ft {}, corpus {}{}",
            figures.execs,
            figures.exec_per_sec,
            figures.cov,
            figures.ft,
            figures.corpus,
            if figures.crashed { ", CRASHED" } else { "" }
        );
        if o.cmin {
            cmd!(sh, "cargo +nightly fuzz cmin --sanitizer none {target}")
                .quiet()
                .run()?;
        }
        rows.push((target.clone(), figures));
    }
    let report = table(&rows);
    fs::write(log_dir.join("report.md"), &report)?;
    step("report (target/fuzz/report.md)");
    print!("{report}");
    let crashed: Vec<_> = rows
        .iter()
        .filter(|(_, f)| f.crashed)
        .map(|(t, _)| t.as_str())
        .collect();
    if !crashed.is_empty() {
        bail!(
            "crashes in {}: see fuzz/artifacts/ and target/fuzz/<target>.log",
            crashed.join(", ")
        );
    }
    Ok(())
}

/// The targets, from `fuzz/fuzz_targets/*.rs`.
fn all_targets() -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir("fuzz/fuzz_targets").context("fuzz/fuzz_targets")? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".rs") {
            names.push(stem.to_owned());
        }
    }
    names.sort();
    Ok(names)
}

fn fuzz_one(target: &str, o: &Options, log: &Path) -> Result<Figures> {
    let corpus = format!("fuzz/corpus/{target}");
    fs::create_dir_all(&corpus)?;
    let mut libfuzzer = vec![
        format!("-max_total_time={}", o.seconds),
        "-print_final_stats=1".to_owned(),
        "-timeout=10".to_owned(),
        "-rss_limit_mb=2048".to_owned(),
        "-max_len=4096".to_owned(),
    ];
    if let Some(runs) = o.runs {
        libfuzzer.push(format!("-runs={runs}"));
    }
    let out = fs::File::create(log)?;
    let status = Command::new("cargo")
        .args([
            "+nightly",
            "fuzz",
            "run",
            "--sanitizer",
            "none",
            target,
            &corpus,
            "--",
        ])
        .args(&libfuzzer)
        .stdout(Stdio::null())
        .stderr(out)
        .status()
        .context("running cargo fuzz")?;
    let text = fs::read_to_string(log)?;
    let mut f = parse(&text);
    f.crashed = !status.success();
    Ok(f)
}

/// Reads `stat::…` lines and the last `#N … cov: … ft: … corp: …` line.
fn parse(log: &str) -> Figures {
    let mut f = Figures::default();
    let number = |s: &str| s.trim().trim_end_matches("Mb").parse::<u64>().unwrap_or(0);
    for line in log.lines() {
        if let Some((name, value)) = line.strip_prefix("stat::").and_then(|l| l.split_once(':')) {
            match name {
                "number_of_executed_units" => f.execs = number(value),
                "average_exec_per_sec" => f.exec_per_sec = number(value),
                "new_units_added" => f.new_units = number(value),
                "peak_rss_mb" => f.peak_rss_mb = number(value),
                _ => {}
            }
        } else if line.starts_with('#') {
            let words: Vec<&str> = line.split_whitespace().collect();
            for pair in words.windows(2) {
                match pair[0] {
                    "cov:" => f.cov = number(pair[1]),
                    "ft:" => f.ft = number(pair[1]),
                    "corp:" => f.corpus = number(pair[1].split('/').next().unwrap_or("0")),
                    _ => {}
                }
            }
        }
    }
    f
}

fn table(rows: &[(String, Figures)]) -> String {
    let mut out = String::from(
        "| target | executions | exec/s | coverage (edges) | features | corpus | new units | peak RSS | crashes |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for (t, f) in rows {
        let _ = writeln!(
            out,
            "| {t} | {} | {} | {} | {} | {} | {} | {} MB | {} |",
            f.execs,
            f.exec_per_sec,
            f.cov,
            f.ft,
            f.corpus,
            f.new_units,
            f.peak_rss_mb,
            if f.crashed { "yes" } else { "none" }
        );
    }
    out
}
