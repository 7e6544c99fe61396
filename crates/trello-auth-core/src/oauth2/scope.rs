//! [`Scope`]: the ten Trello scopes of SPEC S8.8, in S8.8's order. `offline_access` is not
//! one of them: the authorization request's `offline` flag asks for it.

use super::error::OAuth2Error;

/// A Trello OAuth 2.0 scope (SPEC S8.8). Ordered as S8.8 lists them, which is the order the
/// authorization request sends them in.
///
/// ```
/// use trello_auth_core::oauth2::Scope;
/// assert_eq!(Scope::parse("read:board:trello")?, Scope::ReadBoard);
/// assert_eq!(Scope::WriteBoardMembership.as_str(), "write:board:membership:trello");
/// assert_eq!(Scope::parse("offline_access").unwrap_err().code(), "unknown_scope");
/// # Ok::<(), trello_auth_core::oauth2::OAuth2Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// `read:board:trello`.
    ReadBoard,
    /// `write:board:trello`.
    WriteBoard,
    /// `write:board:membership:trello`.
    WriteBoardMembership,
    /// `read:organization:trello`.
    ReadOrganization,
    /// `write:organization:trello`.
    WriteOrganization,
    /// `write:organization:membership:trello`.
    WriteOrganizationMembership,
    /// `read:member:trello` (needed by `GET /1/members/me`, SPEC S8.7).
    ReadMember,
    /// `write:member:trello`.
    WriteMember,
    /// `read:enterprise:trello`.
    ReadEnterprise,
    /// `write:enterprise:trello`.
    WriteEnterprise,
}

impl Scope {
    /// The ten scopes, in SPEC S8.8's order.
    pub const ALL: [Scope; 10] = [
        Scope::ReadBoard,
        Scope::WriteBoard,
        Scope::WriteBoardMembership,
        Scope::ReadOrganization,
        Scope::WriteOrganization,
        Scope::WriteOrganizationMembership,
        Scope::ReadMember,
        Scope::WriteMember,
        Scope::ReadEnterprise,
        Scope::WriteEnterprise,
    ];

    /// The scope's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ReadBoard => "read:board:trello",
            Scope::WriteBoard => "write:board:trello",
            Scope::WriteBoardMembership => "write:board:membership:trello",
            Scope::ReadOrganization => "read:organization:trello",
            Scope::WriteOrganization => "write:organization:trello",
            Scope::WriteOrganizationMembership => "write:organization:membership:trello",
            Scope::ReadMember => "read:member:trello",
            Scope::WriteMember => "write:member:trello",
            Scope::ReadEnterprise => "read:enterprise:trello",
            Scope::WriteEnterprise => "write:enterprise:trello",
        }
    }

    /// Parses a scope name exactly (names are case-sensitive on the wire), else
    /// `unknown_scope`. `offline_access` is not a scope here: use the `offline` flag.
    pub fn parse(name: &str) -> Result<Self, OAuth2Error> {
        Scope::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or(OAuth2Error::UnknownScope)
    }
}
