//! What a 401 or a 429 body says (SPEC S4.1, S4.3): the known 401 texts and 429 `error`
//! codes, matched trimmed and ASCII-case-insensitively against the body's text, or against
//! the `message` and `error` strings when the body is a JSON object.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{PermissionReason, RateLimitKind, TokenRejection, Verdict};

/// SPEC S4.1's 401 bodies, lower-case.
const BODIES_401: &[(&[u8], Verdict)] = &[
    (
        b"invalid token",
        Verdict::TokenRejected {
            reason: TokenRejection::Invalid,
        },
    ),
    (
        b"expired token",
        Verdict::TokenRejected {
            reason: TokenRejection::Expired,
        },
    ),
    (b"invalid key", Verdict::KeyRejected),
    (b"invalid app key", Verdict::KeyRejected),
    (
        b"unauthorized permission requested",
        Verdict::PermissionDenied {
            reason: PermissionReason::UnauthorizedPermission,
        },
    ),
    (
        b"unauthorized card permission requested",
        Verdict::PermissionDenied {
            reason: PermissionReason::UnauthorizedPermission,
        },
    ),
    (
        b"missing scopes",
        Verdict::PermissionDenied {
            reason: PermissionReason::MissingScopes,
        },
    ),
    (
        b"unauthorized token",
        Verdict::PermissionDenied {
            reason: PermissionReason::UnauthorizedToken,
        },
    ),
];

/// SPEC S4.3's 429 `error` codes.
const CODES_429: &[(&[u8], RateLimitKind)] = &[
    (b"API_TOKEN_LIMIT_EXCEEDED", RateLimitKind::Token),
    (b"API_KEY_LIMIT_EXCEEDED", RateLimitKind::Key),
    (b"RATE_LIMIT_EXCEEDED", RateLimitKind::Member),
    (b"MEMBER_LIMIT_EXCEEDED", RateLimitKind::Member),
    (b"API_TOKEN_DB_LIMIT_EXCEEDED", RateLimitKind::Database),
];

/// The verdict of a 401 body: a known text (SPEC S4.1), or [`PermissionReason::Other`].
pub(super) fn classify_401(body: &[u8]) -> Verdict {
    let lookup = |text: &[u8]| {
        let text = text.trim_ascii();
        BODIES_401
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(text))
            .map(|&(_, verdict)| verdict)
    };
    let found = match Body::<Fields401<'_>>::read(body) {
        Body::Text(text) => lookup(text),
        // The newer JSON form puts the text in `message` (SPEC S4.1); `error` is checked too
        // because the two fields are used inconsistently across Trello's routes.
        Body::Json(Fields401 { message, error }) => message
            .0
            .and_then(|m| lookup(m.as_bytes()))
            .or_else(|| error.0.and_then(|e| lookup(e.as_bytes()))),
    };
    found.unwrap_or(Verdict::PermissionDenied {
        reason: PermissionReason::Other,
    })
}

/// The limit a 429 body names by its `error` code (SPEC S4.3), or [`RateLimitKind::Other`].
pub(super) fn rate_limit_kind(body: &[u8]) -> RateLimitKind {
    let lookup = |text: &[u8]| {
        let text = text.trim_ascii();
        CODES_429
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(text))
            .map(|&(_, kind)| kind)
    };
    let found = match Body::<Fields429<'_>>::read(body) {
        // Not observed, but a bare code as a text body means the same thing.
        Body::Text(text) => lookup(text),
        Body::Json(Fields429 { error }) => error.0.and_then(|e| lookup(e.as_bytes())),
    };
    found.unwrap_or(RateLimitKind::Other)
}

/// A response body as classification sees it: the fields `F` of a JSON object, or else the
/// trimmed text.
enum Body<'a, F> {
    Text(&'a [u8]),
    Json(F),
}

impl<'a, F: Deserialize<'a>> Body<'a, F> {
    fn read(body: &'a [u8]) -> Self {
        let body = body.trim_ascii();
        let body = body
            .strip_prefix(b"\xEF\xBB\xBF")
            .map_or(body, <[u8]>::trim_ascii);
        // Only a body that looks like an object pays for a JSON parse; one that fails to
        // parse is compared as text, which then matches nothing.
        if body.first() == Some(&b'{') {
            if let Ok(fields) = serde_json::from_slice(body) {
                return Body::Json(fields);
            }
        }
        Body::Text(body)
    }
}

/// The fields of a 401 body that classification reads; others are skipped.
#[derive(Deserialize)]
struct Fields401<'a> {
    #[serde(borrow, default)]
    message: JsonText<'a>,
    #[serde(borrow, default)]
    error: JsonText<'a>,
}

/// The field of a 429 body that classification reads: `message` is prose, skipped unread.
#[derive(Deserialize)]
struct Fields429<'a> {
    #[serde(borrow, default)]
    error: JsonText<'a>,
}

/// A JSON value kept only when it is a string, so that an odd `"error": 42` or `null` does not
/// hide the `message` beside it. Borrowed from the body unless the string has escapes.
#[derive(Default)]
struct JsonText<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for JsonText<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonTextVisitor(PhantomData))
    }
}

struct JsonTextVisitor<'a>(PhantomData<&'a str>);

impl<'de: 'a, 'a> Visitor<'de> for JsonTextVisitor<'a> {
    type Value = JsonText<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(JsonText(Some(Cow::Borrowed(v))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(JsonText(Some(Cow::Owned(v.to_owned()))))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(JsonText(None))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(JsonText(None))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(JsonText(None))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(JsonText(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(JsonText(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(JsonText(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        JsonText::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(JsonText(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(JsonText(None))
    }
}
