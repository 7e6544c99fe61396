//! `login --sandbox`: an embedded sandbox over HTTPS whose app allows the login port, so that
//! anyone can walk the real flow in their own browser without a Trello key.

use trello_auth_sandbox::{App, Sandbox};

use crate::Failure;

/// A running sandbox and what a login needs of it.
pub(crate) struct Embedded {
    pub(crate) sandbox: Sandbox,
    pub(crate) ca_pem: String,
}

/// Starts the sandbox with an app that allows `http://127.0.0.1:<port>` (SPEC S7).
pub(crate) fn start(port: u16, name: Option<&str>) -> Result<Embedded, Failure> {
    let app = App::generate(name.unwrap_or("trello-auth sandbox login"))
        .with_allowed_origins([format!("http://127.0.0.1:{port}")]);
    let sandbox = Sandbox::builder()
        .tls(true)
        .app(app)
        .start_blocking()
        .map_err(|e| Failure {
            message: format!("the embedded sandbox did not start: {e}"),
            code: 1,
        })?;
    let ca_pem = sandbox
        .ca_pem()
        .ok_or_else(|| Failure {
            message: "the embedded sandbox has no CA".to_owned(),
            code: 1,
        })?
        .to_owned();
    Ok(Embedded { sandbox, ca_pem })
}
