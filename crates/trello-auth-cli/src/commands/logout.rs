//! `trello-auth logout`: revoke on the server (SPEC S5), then forget (SPEC S10).

use trello_auth_login::{account, ProfileKind};

use crate::args::LogoutArgs;
use crate::{output, Failure};

pub(crate) fn run(args: LogoutArgs) -> Result<u8, Failure> {
    let store = super::store()?;
    let profile = &args.profile.profile;
    let ca = super::ca_from_env()?;
    let done = account::logout(&store, profile, args.local_only, ca.as_deref()).map_err(|e| {
        let revoke_failed = matches!(e, trello_auth_login::Error::Api(_));
        let mut failure = Failure::from(e);
        if revoke_failed {
            failure.message.push_str(
                "; the token is still stored: retry, or forget it with `trello-auth logout --local-only`",
            );
        }
        failure
    })?;
    let oauth2 = done.kind == ProfileKind::OAuth2;
    if args.json {
        let mut value = serde_json::json!({
            "profile": profile,
            "revoked": done.revoked,
            "forgotten": done.forgotten,
        });
        if oauth2 {
            value["mode"] = "oauth2".into();
        }
        output::result(&value.to_string());
    } else if oauth2 {
        output::result(&format!(
            "forgot the OAuth 2.0 tokens of profile {profile}. OAuth 2.0 has no revocation endpoint: to revoke this app's access, remove it from the connected apps of your Atlassian account (https://id.atlassian.com/manage-profile/apps)"
        ));
    } else if !done.forgotten {
        output::result(&format!(
            "profile {profile} comes from TRELLO_API_KEY / TRELLO_TOKEN: nothing to forget (unset them)"
        ));
    } else if done.revoked {
        output::result(&format!(
            "logged out of profile {profile}: the token was revoked and forgotten"
        ));
    } else {
        output::result(&format!(
            "forgot the token of profile {profile} (not revoked on the server)"
        ));
    }
    Ok(0)
}
