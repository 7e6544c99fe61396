//! `trello-auth status`: is the stored token still good? Exit 0 valid, 1 rejected (or the check
//! failed), 2 nothing stored.

use trello_auth_login::{account, Error, ProfileKind};

use crate::args::StatusArgs;
use crate::output::{self, Summary};
use crate::Failure;

pub(crate) fn run(args: StatusArgs) -> Result<u8, Failure> {
    let store = super::store()?;
    let profile = &args.profile.profile;
    if store.kind(profile).map_err(Error::from)? == Some(ProfileKind::OAuth2) {
        return super::status_oauth2::run(&store, profile, args.json);
    }
    let stored = match account::load(&store, profile) {
        Ok(stored) => stored,
        Err(e @ Error::NotLoggedIn { .. }) => {
            if args.json {
                output::result(
                    &serde_json::json!({ "profile": profile, "valid": false, "stored": false })
                        .to_string(),
                );
            }
            return Err(Failure {
                code: 2,
                ..Failure::from(e)
            });
        }
        Err(e) => return Err(e.into()),
    };
    let ca = super::ca_from_env()?;
    let checked = account::check(&stored, ca.as_deref());
    let record = stored.record.as_ref();
    let (member_id, username) = match &checked {
        Ok((member, _)) => (Some(member.id.clone()), Some(member.username.clone())),
        Err(_) => (
            record.map(|r| r.member_id.clone()),
            record.map(|r| r.username.clone()),
        ),
    };
    let scopes = record.map(|r| r.scopes.clone()).unwrap_or_default();
    let expires = match &checked {
        Ok((_, info)) => info.date_expires,
        Err(_) => record.and_then(|r| r.expires),
    };
    let summary = Summary {
        profile,
        member_id: member_id.as_deref(),
        username: username.as_deref(),
        scopes: &scopes,
        expires,
        store: stored.store,
        oauth2: None,
    };
    let verdict = match &checked {
        Ok(_) => "valid".to_owned(),
        Err(e) => format!("not usable: {}", crate::error_chain(e)),
    };
    if args.json {
        let mut value = summary.json();
        value["valid"] = checked.is_ok().into();
        if let Err(e) = &checked {
            value["error"] = e.code().into();
        }
        output::result(&value.to_string());
    } else {
        let mut rows = summary.lines();
        rows.push(("status", verdict));
        output::table(&rows);
    }
    Ok(if checked.is_ok() { 0 } else { 1 })
}
