//! `trello-auth token`: the stored token on stdout, for `$(trello-auth token)` in scripts. The
//! only command that prints a token. For an OAuth 2.0 profile it is the access token, refreshed
//! first when under a minute is left, the rotated set stored BEFORE it is printed (SPEC S8.5).

use trello_auth_login::{account, oauth2, ProfileKind};

use crate::args::ProfileArg;
use crate::{output, Failure};

pub(crate) fn run(args: ProfileArg) -> Result<u8, Failure> {
    let store = super::store()?;
    let not_stored = |e: trello_auth_login::Error| Failure {
        code: 2,
        ..Failure::from(e)
    };
    let kind = store
        .kind(&args.profile)
        .map_err(|e| not_stored(e.into()))?;
    if kind == Some(ProfileKind::OAuth2) {
        let secret = super::client_secret_from_env()?;
        let ca = super::ca_from_env()?;
        let fresh = oauth2::access_token(&store, &args.profile, secret, ca.as_deref()).map_err(
            |e| match e {
                e @ trello_auth_login::Error::NotLoggedIn { .. } => not_stored(e),
                e => Failure::from(e),
            },
        )?;
        output::result(fresh.access_token().expose_secret());
        return Ok(0);
    }
    let stored = account::load(&store, &args.profile).map_err(not_stored)?;
    output::result(stored.token.expose_secret());
    Ok(0)
}
