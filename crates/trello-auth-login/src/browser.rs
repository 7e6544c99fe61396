//! Opening the user's browser at the authorize URL (SPEC S10): honouring `BROWSER`, knowing
//! WSL, and not trying over SSH or without a display, where a browser would open on another
//! screen or not at all.
//!
//! The caller always prints the URL as well, so that a skipped or failed attempt costs the user
//! a copy and paste, never the login. [`decide`] is the policy, pure and tested; [`open`] applies
//! it to the real environment and opens with the `webbrowser` crate.
//!
//! ```
//! use trello_auth_login::browser::{decide, Decision, Os, SkipReason};
//!
//! // An SSH session on Linux: print the URL only...
//! let ssh = |name: &str| (name == "SSH_CONNECTION").then(|| "10.0.0.1 22 10.0.0.2 22".to_owned());
//! assert_eq!(decide(&ssh, Os::Linux, None), Decision::Skip(SkipReason::Ssh));
//! // ...unless BROWSER says which browser to run.
//! let ssh_browser = |name: &str| match name {
//!     "SSH_CONNECTION" => Some("10.0.0.1 22 10.0.0.2 22".to_owned()),
//!     "BROWSER" => Some("w3m".to_owned()),
//!     _ => None,
//! };
//! assert_eq!(decide(&ssh_browser, Os::Linux, None), Decision::Open);
//! // A desktop Mac: open.
//! assert_eq!(decide(&|_: &str| None, Os::MacOs, None), Decision::Open);
//! ```

use std::fmt;

/// What [`open`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenOutcome {
    /// A browser was started (it may still fail to show the page; the URL is printed anyway).
    Opened,
    /// No browser was started.
    Skipped(SkipReason),
}

/// Why no browser was started. `Display` gives a short phrase for a message such as
/// "not opening a browser: this looks like an SSH session".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// `BROWSER` is `none`.
    Disabled,
    /// `SSH_CONNECTION`, `SSH_CLIENT` or `SSH_TTY` is set: a browser would open on the remote
    /// machine's screen, if it has one.
    Ssh,
    /// Linux or BSD without `DISPLAY` or `WAYLAND_DISPLAY`, and not WSL.
    NoDisplay,
    /// Starting the browser failed; the text is the error.
    Failed(String),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Disabled => f.write_str("BROWSER is set to none"),
            SkipReason::Ssh => f.write_str("this looks like an SSH session"),
            SkipReason::NoDisplay => {
                f.write_str("there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)")
            }
            SkipReason::Failed(error) => write!(f, "the browser could not be started ({error})"),
        }
    }
}

/// The operating system, as far as opening a browser goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Os {
    /// Linux, including WSL.
    Linux,
    /// macOS.
    MacOs,
    /// Windows.
    Windows,
    /// Another Unix with X11 or Wayland (the BSDs, illumos, ...).
    OtherUnix,
    /// Anything else.
    Other,
}

impl Os {
    /// The operating system this program was built for.
    pub fn current() -> Os {
        if cfg!(target_os = "linux") {
            Os::Linux
        } else if cfg!(target_os = "macos") {
            Os::MacOs
        } else if cfg!(windows) {
            Os::Windows
        } else if cfg!(unix) {
            Os::OtherUnix
        } else {
            Os::Other
        }
    }
}

/// What [`decide`] says to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Try to open a browser.
    Open,
    /// Do not try.
    Skip(SkipReason),
}

/// The policy, as a pure function of the environment (`env` looks up a variable; an empty
/// value counts as unset), the OS and, on Linux, the kernel release (the contents of
/// `/proc/sys/kernel/osrelease`, which says `microsoft` under WSL). In order:
///
/// 1. `BROWSER=none`: skip ([`SkipReason::Disabled`]).
/// 2. On Linux and other Unixes, any other `BROWSER`: open, even over SSH or without a
///    display (it may name a terminal browser, or a script that forwards the URL). On macOS and
///    Windows the `webbrowser` crate opens the system's default browser whatever `BROWSER`
///    says, so there `BROWSER` does not override the next rule.
/// 3. `SSH_CONNECTION`, `SSH_CLIENT` or `SSH_TTY` set: skip ([`SkipReason::Ssh`]).
/// 4. Linux and other Unixes: open if `DISPLAY` or `WAYLAND_DISPLAY` is set, or under WSL
///    (`WSL_DISTRO_NAME` or `WSL_INTEROP` set, or a kernel release containing `microsoft`),
///    whose browser is Windows'; else skip ([`SkipReason::NoDisplay`]).
/// 5. macOS, Windows and anything else: open.
pub fn decide(
    env: &dyn Fn(&str) -> Option<String>,
    os: Os,
    kernel_release: Option<&str>,
) -> Decision {
    let set = |name: &str| env(name).is_some_and(|v| !v.trim().is_empty());
    let unix = matches!(os, Os::Linux | Os::OtherUnix);
    if let Some(browser) = env("BROWSER").filter(|v| !v.trim().is_empty()) {
        if browser.trim().eq_ignore_ascii_case("none") {
            return Decision::Skip(SkipReason::Disabled);
        }
        if unix {
            return Decision::Open;
        }
    }
    if ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"]
        .iter()
        .any(|v| set(v))
    {
        return Decision::Skip(SkipReason::Ssh);
    }
    if !unix {
        return Decision::Open;
    }
    let display = set("DISPLAY") || set("WAYLAND_DISPLAY");
    let wsl = os == Os::Linux
        && (set("WSL_DISTRO_NAME")
            || set("WSL_INTEROP")
            || kernel_release.is_some_and(|r| r.to_ascii_lowercase().contains("microsoft")));
    if display || wsl {
        Decision::Open
    } else {
        Decision::Skip(SkipReason::NoDisplay)
    }
}

/// Opens `url` in the user's browser if [`decide`] says so for the real environment, with the
/// `webbrowser` crate (which runs `BROWSER`'s command on Linux and the BSDs, the Windows
/// browser under WSL, and the system's default browser elsewhere; the browser's own output is
/// suppressed). It does not print anything: the caller prints the URL whatever the outcome.
///
/// This may block while a terminal browser named by `BROWSER` runs.
///
/// ```no_run
/// use trello_auth_login::browser::{open, OpenOutcome};
/// let url = "https://trello.com/1/authorize?key=...";
/// eprintln!("open this URL to log in: {url}");
/// if let OpenOutcome::Skipped(reason) = open(url) {
///     eprintln!("not opening a browser: {reason}");
/// }
/// ```
pub fn open(url: &str) -> OpenOutcome {
    let os = Os::current();
    let kernel_release = if os == Os::Linux {
        std::fs::read_to_string("/proc/sys/kernel/osrelease").ok()
    } else {
        None
    };
    let env = |name: &str| std::env::var(name).ok();
    match decide(&env, os, kernel_release.as_deref()) {
        Decision::Skip(reason) => OpenOutcome::Skipped(reason),
        Decision::Open => {
            let mut options = webbrowser::BrowserOptions::new();
            options.with_suppress_output(true);
            match webbrowser::open_browser_with_options(webbrowser::Browser::Default, url, &options)
            {
                Ok(()) => OpenOutcome::Opened,
                Err(e) => OpenOutcome::Skipped(SkipReason::Failed(e.to_string())),
            }
        }
    }
}

#[cfg(test)]
mod tests;
