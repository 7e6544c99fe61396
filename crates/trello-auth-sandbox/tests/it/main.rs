//! Integration tests of the sandbox over real sockets: every behaviour of issue 3, each test
//! citing the SPEC section it checks.

mod admin;
mod authorize;
mod client;
mod lifecycle;
mod oauth1;
mod oauth2;
mod rate_limits;
mod rest;
mod robustness;
mod signer;
mod tokens;

use trello_auth_sandbox::Sandbox;

/// A plain-HTTP sandbox with every default.
pub async fn sandbox() -> Sandbox {
    Sandbox::builder().start().await.expect("sandbox starts")
}

/// `GET {target}` on the API origin with header credentials of the default token.
pub async fn get_auth(sb: &Sandbox, target: &str) -> client::Resp {
    client::send(
        sb.api_base(),
        sb.ca_pem(),
        client::Req::get(target).auth(&sb.app().key, sb.token()),
    )
    .await
}

/// Sends a request to the API origin.
pub async fn send(sb: &Sandbox, req: client::Req) -> client::Resp {
    client::send(sb.api_base(), sb.ca_pem(), req).await
}
