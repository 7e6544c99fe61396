//! `trello-auth token`: the stored token on stdout, for `$(trello-auth token)` in scripts. The
//! only command that prints a token.

use trello_auth_login::account;

use crate::args::ProfileArg;
use crate::{output, Failure};

pub(crate) fn run(args: ProfileArg) -> Result<u8, Failure> {
    let store = super::store()?;
    let stored = account::load(&store, &args.profile).map_err(|e| Failure {
        code: 2,
        ..Failure::from(e)
    })?;
    output::result(stored.token.expose_secret());
    Ok(0)
}
