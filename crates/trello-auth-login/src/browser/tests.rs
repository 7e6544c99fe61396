//! Unit tests of `browser`: the policy only (nothing is ever opened here).
use super::*;

/// An environment of the given variables.
fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

const DESKTOP: &[(&str, &str)] = &[("DISPLAY", ":0")];
const SSH: &[(&str, &str)] = &[("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22")];
const SSH_DESKTOP: &[(&str, &str)] = &[("SSH_CLIENT", "10.0.0.1 50000 22"), ("DISPLAY", ":0")];

#[test]
fn linux_desktop_opens() {
    assert_eq!(decide(&env(DESKTOP), Os::Linux, None), Decision::Open);
    assert_eq!(
        decide(&env(&[("WAYLAND_DISPLAY", "wayland-0")]), Os::Linux, None),
        Decision::Open
    );
    assert_eq!(decide(&env(DESKTOP), Os::OtherUnix, None), Decision::Open);
}

#[test]
fn linux_without_display_skips() {
    let none = env(&[]);
    assert_eq!(
        decide(&none, Os::Linux, Some("6.8.0-45-generic\n")),
        Decision::Skip(SkipReason::NoDisplay)
    );
    assert_eq!(
        decide(&none, Os::OtherUnix, None),
        Decision::Skip(SkipReason::NoDisplay)
    );
    // Empty values are unset.
    assert_eq!(
        decide(&env(&[("DISPLAY", ""), ("BROWSER", " ")]), Os::Linux, None),
        Decision::Skip(SkipReason::NoDisplay)
    );
}

#[test]
fn wsl_opens_without_display() {
    for vars in [
        &[("WSL_DISTRO_NAME", "Ubuntu")][..],
        &[("WSL_INTEROP", "/run/WSL/8_interop")][..],
    ] {
        assert_eq!(
            decide(&env(vars), Os::Linux, None),
            Decision::Open,
            "{vars:?}"
        );
    }
    for release in [
        "5.15.153.1-microsoft-standard-WSL2\n",
        "4.4.0-19041-Microsoft",
    ] {
        assert_eq!(
            decide(&env(&[]), Os::Linux, Some(release)),
            Decision::Open,
            "{release}"
        );
    }
    // WSL is Linux's: not a reason to open elsewhere.
    assert_eq!(
        decide(&env(&[("WSL_DISTRO_NAME", "x")]), Os::OtherUnix, None),
        Decision::Skip(SkipReason::NoDisplay)
    );
}

#[test]
fn ssh_skips_everywhere() {
    for vars in [SSH, SSH_DESKTOP] {
        assert_eq!(
            decide(&env(vars), Os::Linux, None),
            Decision::Skip(SkipReason::Ssh)
        );
    }
    for var in ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"] {
        let e = move |name: &str| {
            (name == var || name == "DISPLAY" || name == "WSL_DISTRO_NAME").then(|| "x".to_owned())
        };
        for os in [Os::Linux, Os::OtherUnix, Os::MacOs, Os::Windows, Os::Other] {
            assert_eq!(
                decide(&e, os, Some("microsoft")),
                Decision::Skip(SkipReason::Ssh),
                "{var} {os:?}"
            );
        }
    }
}

#[test]
fn browser_wins_over_ssh_and_no_display_on_unix() {
    let e = env(&[
        ("SSH_TTY", "/dev/pts/3"),
        ("SSH_CONNECTION", "a b c d"),
        ("BROWSER", "w3m"),
    ]);
    assert_eq!(decide(&e, Os::Linux, None), Decision::Open);
    assert_eq!(decide(&e, Os::OtherUnix, None), Decision::Open);
    assert_eq!(
        decide(&env(&[("BROWSER", "firefox")]), Os::Linux, None),
        Decision::Open
    );
    // Where the crate ignores BROWSER's command, SSH still wins.
    assert_eq!(decide(&e, Os::MacOs, None), Decision::Skip(SkipReason::Ssh));
    assert_eq!(
        decide(&e, Os::Windows, None),
        Decision::Skip(SkipReason::Ssh)
    );
}

#[test]
fn browser_none_disables() {
    for value in ["none", "NONE", " none "] {
        let e = move |name: &str| match name {
            "BROWSER" => Some(value.to_owned()),
            "DISPLAY" => Some(":0".to_owned()),
            _ => None,
        };
        for os in [Os::Linux, Os::MacOs, Os::Windows] {
            assert_eq!(
                decide(&e, os, None),
                Decision::Skip(SkipReason::Disabled),
                "{value:?} {os:?}"
            );
        }
    }
}

#[test]
fn macos_and_windows_open_without_display_variables() {
    for os in [Os::MacOs, Os::Windows, Os::Other] {
        assert_eq!(decide(&env(&[]), os, None), Decision::Open, "{os:?}");
        assert_eq!(
            decide(&env(&[("BROWSER", "firefox")]), os, None),
            Decision::Open,
            "{os:?}"
        );
    }
}

#[test]
fn reasons_read_as_phrases() {
    assert_eq!(
        SkipReason::Ssh.to_string(),
        "this looks like an SSH session"
    );
    assert_eq!(SkipReason::Disabled.to_string(), "BROWSER is set to none");
    assert!(SkipReason::NoDisplay.to_string().contains("DISPLAY"));
    assert_eq!(
        SkipReason::Failed("no browser found".into()).to_string(),
        "the browser could not be started (no browser found)"
    );
    let outcome = OpenOutcome::Skipped(SkipReason::Ssh);
    assert_eq!(outcome.clone(), outcome);
}

#[test]
fn current_os_matches_the_build() {
    let os = Os::current();
    if cfg!(target_os = "linux") {
        assert_eq!(os, Os::Linux);
    } else if cfg!(target_os = "macos") {
        assert_eq!(os, Os::MacOs);
    } else if cfg!(windows) {
        assert_eq!(os, Os::Windows);
    }
}
