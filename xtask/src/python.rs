//! The Python wheel (`bindings/python`): a venv under `target/python-venv` made with the system
//! `python3` and the pinned tools of `bindings/python/requirements-dev.txt`, then maturin to
//! build the wheel into it, pytest, mypy and `mypy.stubtest`. Used by `cargo xtask test`,
//! `cargo xtask wheel` and `cargo xtask bench`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use xshell::{cmd, Shell};

use crate::step;

const PROJECT: &str = "bindings/python";
const REQUIREMENTS: &str = "bindings/python/requirements-dev.txt";
const VENV: &str = "target/python-venv";
/// Written into the venv once the requirements installed; holds the requirements it matches.
const MARKER: &str = "target/python-venv/.trello-auth-requirements";

/// `cargo xtask test`'s Python part: a debug wheel (a release build of the dependency tree
/// costs minutes on two cores and the suite does not need the speed), pytest, mypy --strict,
/// stubtest.
pub fn test(sh: &Shell) -> Result<()> {
    let started = Instant::now();
    let python = venv(sh)?;
    let wheel = build(sh, &python, Profile::Debug, "target/wheels-dev")?;
    install(sh, &python, &wheel)?;

    step("pytest (bindings/python/tests)");
    {
        let _dir = sh.push_dir(PROJECT);
        cmd!(sh, "{python} -m pytest").run()?;
    }

    step("mypy --strict (the package and its tests)");
    {
        let _dir = sh.push_dir(PROJECT);
        cmd!(sh, "{python} -m mypy").run()?;
    }

    step("mypy.stubtest trello_auth (the .pyi against the built module)");
    {
        // Outside the project, so that `trello_auth` is the installed wheel.
        let _dir = sh.push_dir("target");
        cmd!(sh, "{python} -m mypy.stubtest trello_auth").run()?;
    }
    println!("python part took {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// `cargo xtask wheel`: the release wheel file into `target/wheels`.
pub fn wheel(sh: &Shell) -> Result<()> {
    let python = venv(sh)?;
    let wheel = build(sh, &python, Profile::Release, "target/wheels")?;
    println!("wheel: {}", wheel.display());
    Ok(())
}

/// `cargo xtask bench`'s Python part: the release wheel installed, then `benches/bench.py` in
/// one process (it prints its own table).
pub fn bench(sh: &Shell) -> Result<()> {
    let python = venv(sh)?;
    let wheel = build(sh, &python, Profile::Release, "target/wheels")?;
    install(sh, &python, &wheel)?;
    // On one CPU, as the transport benchmark: the sandbox runs on threads of the same process,
    // and a wake-up across vCPUs costs more than the clients differ (unpinned, the figures
    // swing between 8,000 and 24,000 requests/s from run to run).
    let pinned = cmd!(sh, "taskset -c 0 true")
        .quiet()
        .ignore_stderr()
        .run()
        .is_ok();
    if pinned {
        step("taskset -c 0 python bindings/python/benches/bench.py");
        cmd!(sh, "taskset -c 0 {python} {PROJECT}/benches/bench.py").run()?;
    } else {
        step("python bindings/python/benches/bench.py (taskset is missing: unpinned)");
        cmd!(sh, "{python} {PROJECT}/benches/bench.py").run()?;
    }
    Ok(())
}

/// The venv's Python with the release wheel installed, for `cargo xtask soak`.
pub fn release_python(sh: &Shell) -> Result<PathBuf> {
    let python = venv(sh)?;
    let wheel = build(sh, &python, Profile::Release, "target/wheels")?;
    install(sh, &python, &wheel)?;
    Ok(python)
}

#[derive(Clone, Copy)]
enum Profile {
    Debug,
    Release,
}

/// The venv's interpreter, creating the venv and installing the pinned tools when missing.
fn venv(sh: &Shell) -> Result<PathBuf> {
    let root = sh.current_dir();
    let python = root.join(VENV).join("bin").join("python");
    if !python.exists() {
        step(&format!("python3 -m venv {VENV}"));
        cmd!(sh, "python3 --version")
            .run()
            .context("the Python wheel needs Python 3 (python3 on PATH, with the venv module)")?;
        cmd!(sh, "python3 -m venv {VENV}").run()?;
    }
    let wanted = sh.read_file(REQUIREMENTS)?;
    let installed = sh.read_file(MARKER).unwrap_or_default();
    if installed != wanted {
        step(&format!("pip install -r {REQUIREMENTS}"));
        cmd!(
            sh,
            "{python} -m pip install --quiet --disable-pip-version-check -r {REQUIREMENTS}"
        )
        .run()?;
        sh.write_file(MARKER, wanted)?;
    }
    Ok(python)
}

/// Builds the wheel with maturin into `out_dir` (emptied first) and returns its path.
fn build(sh: &Shell, python: &Path, profile: Profile, out_dir: &str) -> Result<PathBuf> {
    let maturin = python.with_file_name("maturin");
    let manifest = format!("{PROJECT}/Cargo.toml");
    sh.remove_path(out_dir)?;
    let release: &[&str] = match profile {
        Profile::Debug => &[],
        Profile::Release => &["--release", "--strip"],
    };
    step(&format!("maturin build {} -o {out_dir}", release.join(" ")));
    cmd!(
        sh,
        "{maturin} build --locked --manifest-path {manifest} --interpreter {python} {release...} --out {out_dir}"
    )
    .run()?;
    let wheels: Vec<PathBuf> = sh
        .read_dir(out_dir)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    match wheels.as_slice() {
        [wheel] => Ok(wheel.clone()),
        _ => bail!("expected one wheel in {out_dir}, found {}", wheels.len()),
    }
}

/// Installs `wheel` into the venv, replacing any earlier build of the same version.
fn install(sh: &Shell, python: &Path, wheel: &Path) -> Result<()> {
    step("pip install the wheel");
    cmd!(
        sh,
        "{python} -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps {wheel}"
    )
    .run()?;
    Ok(())
}
