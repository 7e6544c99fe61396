//! The demo's clients: hyper (async, on a runtime of its own) and ureq (blocking), both
//! trusting the sandbox's CA, and a bare transport that plays the user's browser.

use std::time::Duration;

use trello_auth_core::oauth1::{Consumer, TokenCredentials};
use trello_auth_core::token::Member;
use trello_auth_core::Error as ClientError;
use trello_auth_core::Limit;
use trello_auth_core::{ApiKey, Credentials, Origin, Placement, RateLimiter, RetryPolicy, Token};
use trello_auth_sandbox::Sandbox;

pub(crate) struct Clients {
    ca: String,
    runtime: tokio::runtime::Runtime,
    /// No credentials: the user's browser.
    pub(crate) bare_ureq: trello_auth_ureq::UreqTransport,
}

impl Clients {
    pub(crate) fn new(ca: &str) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("tokio runtime: {e}"))?;
        Ok(Self {
            ca: ca.to_owned(),
            runtime,
            bare_ureq: ureq_transport(ca),
        })
    }

    pub(crate) fn ureq(
        &self,
        creds: &Credentials,
        placement: Placement,
        auth: &Origin,
    ) -> trello_auth_ureq::Client {
        trello_auth_ureq::Client::builder()
            .credentials(creds.clone())
            .api_base(creds.api_base().clone())
            .auth_base(auth.clone())
            .placement(placement)
            .transport(ureq_transport(&self.ca))
            .build()
    }

    /// A ureq client making Bearer calls with `grant` (SPEC S8.7), refreshing at `auth`.
    pub(crate) fn oauth2_ureq(
        &self,
        grant: trello_auth_core::oauth2::Grant,
        api: &Origin,
        auth: &Origin,
    ) -> trello_auth_ureq::Client {
        trello_auth_ureq::Client::builder()
            .oauth2(grant)
            .api_base(api.clone())
            .auth_base(auth.clone())
            .transport(ureq_transport(&self.ca))
            .build()
    }

    pub(crate) fn signed_ureq(
        &self,
        consumer: Consumer,
        access: TokenCredentials,
        api: &Origin,
        auth: &Origin,
    ) -> trello_auth_ureq::Client {
        trello_auth_ureq::Client::builder()
            .oauth1(consumer, access)
            .api_base(api.clone())
            .auth_base(auth.clone())
            .transport(ureq_transport(&self.ca))
            .build()
    }

    pub(crate) fn hyper_me(
        &self,
        creds: &Credentials,
        placement: Placement,
        auth: &Origin,
    ) -> Result<Member, ClientError> {
        self.runtime
            .block_on(self.hyper(creds, placement, auth).me())
    }

    fn hyper(
        &self,
        creds: &Credentials,
        placement: Placement,
        auth: &Origin,
    ) -> trello_auth_hyper::Client {
        let transport = trello_auth_hyper::HyperTransport::builder()
            .add_root_certificate_pem(&self.ca)
            .build()
            .expect("the sandbox CA is valid PEM");
        trello_auth_hyper::Client::builder()
            .credentials(creds.clone())
            .api_base(creds.api_base().clone())
            .auth_base(auth.clone())
            .placement(placement)
            .transport(transport)
            .build()
    }

    /// One call over hyper, then the same over ureq: `GET members/me`, or for body placement
    /// (PUT and POST only, SPEC S3.3) `PUT cards/{card}/name`. Answers what came back.
    pub(crate) fn call_both(
        &self,
        creds: &Credentials,
        placement: Placement,
        auth: &Origin,
        card: &str,
    ) -> [(&'static str, Result<String, ClientError>); 2] {
        if placement == Placement::Body {
            let path = format!("/1/cards/{card}/name");
            let rename = |via: &str| serde_json::json!({ "value": format!("Renamed over {via}") });
            let renamed = |v: serde_json::Value| {
                format!(
                    "PUT cards/…/name -> {:?}",
                    v["name"].as_str().unwrap_or("?")
                )
            };
            let hyper = self.hyper(creds, placement, auth);
            let ureq = self.ureq(creds, placement, auth);
            [
                (
                    "hyper",
                    self.runtime
                        .block_on(hyper.put(&path, &rename("hyper")))
                        .map(renamed),
                ),
                ("ureq", ureq.put(&path, &rename("ureq")).map(renamed)),
            ]
        } else {
            let member = |m: Member| format!("GET members/me -> @{}", m.username);
            [
                ("hyper", self.hyper_me(creds, placement, auth).map(member)),
                ("ureq", self.ureq(creds, placement, auth).me().map(member)),
            ]
        }
    }
}

fn ureq_transport(ca: &str) -> trello_auth_ureq::UreqTransport {
    trello_auth_ureq::UreqTransport::builder()
        .add_root_certificate_pem(ca)
        .build()
        .expect("the sandbox CA is valid PEM")
}

/// A ureq client for the burst: fast backoff, and the client-side limiter on or off.
pub(crate) fn burst_client(
    sb: &Sandbox,
    limiter: bool,
) -> Result<trello_auth_ureq::Client, String> {
    let api = Origin::parse(sb.api_base()).map_err(|e| e.to_string())?;
    let creds = Credentials::new(
        ApiKey::new(&sb.app().key).map_err(|e| e.to_string())?,
        Token::new(sb.token()).map_err(|e| e.to_string())?,
    )
    .with_api_base(api.clone());
    let limiter =
        limiter.then(|| RateLimiter::new(Limit::TRELLO_KEY, Limit::new(5, Duration::from_secs(1))));
    Ok(trello_auth_ureq::Client::builder()
        .credentials(creds)
        .api_base(api)
        .retry_policy(
            RetryPolicy::default()
                .with_base(Duration::from_millis(250))
                .with_max_retries(4),
        )
        .rate_limiter(limiter)
        .build())
}
