//! The system programs the tests run (Chromium and chromedriver for the browser tests,
//! redis-server for the fleet tests), found on
//! the machine or installed from Debian's packages: `cargo xtask test` calls [`ensure`] first, so
//! a fresh machine (CI's) gets them and a missing one fails before the long steps, not halfway.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use xshell::{cmd, Shell};

/// A program a test suite runs and the Debian package that installs it.
#[derive(Clone, Copy)]
pub struct Requirement {
    /// The executable's name, looked for in `/usr/bin` and on `PATH`.
    pub binary: &'static str,
    /// The Debian package holding it.
    pub package: &'static str,
    /// The environment variable that points the tests at another build of it, if they read one.
    pub env: Option<&'static str>,
}

/// What the browser tests (`tests/it/browser`, `bindings/python/tests/_browser.py`) need.
pub const BROWSER_TESTS: &[Requirement] = &[
    Requirement {
        binary: "chromium",
        package: "chromium",
        env: Some("CHROMIUM"),
    },
    Requirement {
        binary: "chromedriver",
        package: "chromium-driver",
        env: Some("CHROMEDRIVER"),
    },
];

/// What the fleet tests (`tests/it/fleet`, the Python fleet test) need: each starts its own
/// server on a Unix socket.
pub const FLEET_TESTS: &[Requirement] = &[Requirement {
    binary: "redis-server",
    package: "redis-server",
    env: Some("REDIS_SERVER"),
}];

/// Makes sure every program of `needs` is there. As root, the missing ones are installed with
/// one `apt-get update` and one `apt-get install`; otherwise this fails with the command to
/// run (and the environment variables that name other builds).
pub fn ensure(sh: &Shell, needs: &[Requirement]) -> Result<()> {
    let mut missing = Vec::new();
    for need in needs {
        match locate(need) {
            Some(path) => println!("{}: {}", need.binary, path.display()),
            None => missing.push(need),
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let packages: Vec<&str> = missing.iter().map(|m| m.package).collect();
    let uid = cmd!(sh, "id -u")
        .quiet()
        .read()
        .context("running `id -u`")?;
    if uid.trim() != "0" {
        bail!("{}", not_root_message(&missing));
    }
    if find_on_path("apt-get").is_none() {
        bail!(
            "{} missing and apt-get is not there to install {}",
            names(&missing),
            packages.join(" ")
        );
    }
    println!(
        "{} missing: installing {} (apt-get)",
        names(&missing),
        packages.join(" ")
    );
    cmd!(sh, "apt-get update")
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()?;
    cmd!(
        sh,
        "apt-get install -y --no-install-recommends {packages...}"
    )
    .env("DEBIAN_FRONTEND", "noninteractive")
    .run()?;
    for need in missing {
        match locate(need) {
            Some(path) => println!("installed {}: {}", need.package, path.display()),
            None => bail!(
                "apt-get installed {} but {} is still not in /usr/bin nor on PATH",
                need.package,
                need.binary
            ),
        }
    }
    Ok(())
}

/// The program's path: the file its environment variable names, else `/usr/bin/<binary>`,
/// else the first on `PATH`.
fn locate(need: &Requirement) -> Option<PathBuf> {
    if let Some(path) = need.env.and_then(std::env::var_os).map(PathBuf::from) {
        // A variable naming a missing file is a mistake worth installing over, not hiding:
        // the tests would fail on it, so say so.
        if path.is_file() {
            return Some(path);
        }
        println!(
            "{}={} is not a file; looking for {} instead",
            need.env.unwrap_or_default(),
            path.display(),
            need.binary
        );
    }
    let usr_bin = Path::new("/usr/bin").join(need.binary);
    if usr_bin.is_file() {
        return Some(usr_bin);
    }
    find_on_path(need.binary)
}

fn find_on_path(binary: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(binary))
        .find(|candidate| candidate.is_file())
}

fn names(missing: &[&Requirement]) -> String {
    missing
        .iter()
        .map(|m| m.binary)
        .collect::<Vec<_>>()
        .join(" and ")
}

/// What a user without root is told to do.
fn not_root_message(missing: &[&Requirement]) -> String {
    let packages: Vec<&str> = missing.iter().map(|m| m.package).collect();
    let mut message = format!(
        "the tests need {} (not in /usr/bin nor on PATH), and installing needs root: run\n\n    \
         sudo apt-get install {}\n",
        names(missing),
        packages.join(" ")
    );
    let vars: Vec<String> = missing
        .iter()
        .filter_map(|m| m.env.map(|var| format!("{var}=/path/to/{}", m.binary)))
        .collect();
    if !vars.is_empty() {
        message.push_str(&format!(
            "\nor point the tests at other builds with {}",
            vars.join(" ")
        ));
    }
    message
}
