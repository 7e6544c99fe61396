//! The calls to Trello a login makes around the credential store: the checks of SPEC S5 before
//! a token is stored, and the revoke of SPEC S5 before one is forgotten.

use trello_auth_core::token::{Member, TokenInfo};
use trello_auth_core::{Credentials, Origin};
use trello_auth_hyper::{Client, HyperTransport};

use crate::error::{Error, Result};

/// Where the API is and which extra CA to trust (the sandbox's).
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    pub(crate) api_base: Origin,
    pub(crate) auth_base: Origin,
    pub(crate) ca_pem: Option<String>,
}

impl Endpoint {
    /// The transport, trusting the extra CA if there is one.
    pub(crate) fn transport(&self) -> Result<HyperTransport> {
        let mut transport = HyperTransport::builder();
        if let Some(pem) = &self.ca_pem {
            transport = transport.add_root_certificate_pem(pem);
        }
        Ok(transport.build()?)
    }

    /// A client of the API for `credentials` (or none: OAuth 1.0a's first legs).
    pub(crate) fn client(&self, credentials: Option<Credentials>) -> Result<Client> {
        let transport = self.transport()?;
        let mut builder = Client::builder()
            .api_base(self.api_base.clone())
            .auth_base(self.auth_base.clone())
            .transport(transport);
        if let Some(credentials) = credentials {
            builder = builder.credentials(credentials.with_api_base(self.api_base.clone()));
        }
        Ok(builder.build())
    }
}

/// `GET /1/members/me` and `GET /1/tokens/{token}` (SPEC S5): the token works and says what
/// it may do and until when. Nothing is stored before both answered.
pub(crate) async fn validate(
    endpoint: &Endpoint,
    credentials: &Credentials,
) -> Result<(Member, TokenInfo)> {
    let client = endpoint.client(Some(credentials.clone()))?;
    let member = client.me().await.map_err(Error::Validation)?;
    let info = client.token_info().await.map_err(Error::Validation)?;
    Ok((member, info))
}

/// `DELETE /1/tokens/{token}` (SPEC S5). A token Trello no longer knows counts as revoked.
pub(crate) async fn revoke(endpoint: &Endpoint, credentials: &Credentials) -> Result<()> {
    let client = endpoint.client(Some(credentials.clone()))?;
    match client.revoke().await {
        Ok(()) | Err(trello_auth_core::Error::TokenRejected { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
