//! The `trello-auth-sandbox` binary: starts the sandbox, prints one JSON line describing it
//! (bases, CA file, default app, member and token), and serves until SIGINT or SIGTERM.

use std::io::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;
use serde_json::json;
use trello_auth_sandbox::{Config, Sandbox};

/// A Trello-compatible HTTP(S) server on loopback for tests.
///
/// The first line on stdout is one JSON object: {"api_base", "auth_base", "ca_file",
/// "app": {"key", "secret", "allowed_origins"}, "member": {"id", "username"}, "token",
/// "oauth2": {"client_id", "client_secret", "public_client_id", "redirect_uris"}}.
/// Sandbox credentials are not anyone's secrets.
#[derive(Debug, Parser)]
#[command(name = "trello-auth-sandbox", version, about, long_about)]
struct Options {
    /// Address to listen on. The admin API (/__sandbox/...) answers loopback peers only.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,

    /// Port of the API/authorize origin; 0 picks a free port (see api_base in the JSON line).
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Port of the storage origin that attachment downloads redirect to; 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    storage_port: u16,

    /// Serve HTTPS with a CA and leaf certificate generated at start; the CA is written to
    /// --ca-file (or a file in the temporary directory) and named in the JSON line.
    #[arg(long)]
    tls: bool,

    /// Where to write the CA certificate (PEM) with --tls.
    #[arg(long, value_name = "PATH", requires = "tls")]
    ca_file: Option<PathBuf>,

    /// A TOML file with apps, members, rate limits and the body limit (see the crate docs).
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

fn main() -> std::process::ExitCode {
    let options = Options::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    match runtime.block_on(run(options)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => fail(e.as_ref()),
    }
}

#[allow(clippy::print_stderr)] // the binary's one error report
fn fail(e: &dyn std::error::Error) -> std::process::ExitCode {
    let mut msg = format!("trello-auth-sandbox: {e}");
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    eprintln!("{msg}");
    std::process::ExitCode::FAILURE
}

async fn run(options: Options) -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Sandbox::builder()
        .host(options.host)
        .port(options.port)
        .storage_port(options.storage_port)
        .tls(options.tls);
    if let Some(path) = &options.config {
        builder = builder.config(Config::load(path)?);
    }
    let sandbox = builder.start().await?;
    let ca_file = match sandbox.ca_pem() {
        Some(pem) => {
            let path = options.ca_file.clone().unwrap_or_else(|| {
                std::env::temp_dir()
                    .join(format!("trello-auth-sandbox-ca-{}.pem", std::process::id()))
            });
            std::fs::write(&path, pem)?;
            Some(path)
        }
        None => None,
    };
    let app = sandbox.app();
    let oauth2 = sandbox.oauth2();
    let line = json!({
        "api_base": sandbox.api_base(),
        "auth_base": sandbox.auth_base(),
        "ca_file": ca_file.as_ref().map(|p| p.display().to_string()),
        "app": { "key": app.key, "secret": app.secret, "allowed_origins": app.allowed_origins },
        "member": { "id": sandbox.member().id, "username": sandbox.member().username },
        "token": sandbox.token(),
        "oauth2": {
            "client_id": oauth2.client_id,
            "client_secret": oauth2.client_secret,
            "public_client_id": oauth2.public_client_id,
            "redirect_uris": oauth2.redirect_uris,
        },
    });
    // Handlers first: a tool that reads the line and signals at once must not find the
    // default action (death without clean-up) still in place.
    let shutdown = Shutdown::install()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    drop(out);
    shutdown.wait().await;
    sandbox.shutdown().await;
    if let Some(path) = ca_file.filter(|_| options.ca_file.is_none()) {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// SIGINT and SIGTERM, listened for from installation on.
#[cfg(unix)]
struct Shutdown {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Shutdown {
    fn install() -> std::io::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    async fn wait(mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

/// Ctrl-C (elsewhere than Unix, tokio registers it on the first poll).
#[cfg(not(unix))]
struct Shutdown(std::pin::Pin<Box<dyn std::future::Future<Output = std::io::Result<()>>>>);

#[cfg(not(unix))]
impl Shutdown {
    fn install() -> std::io::Result<Self> {
        Ok(Self(Box::pin(tokio::signal::ctrl_c())))
    }

    async fn wait(self) {
        let _ = self.0.await;
    }
}
