//! Unit tests of `token`.
use super::*;

#[test]
fn token_paths_are_encoded_and_redacted() {
    let t = Token::new("a/b?c").unwrap();
    let req = token_member(&Origin::trello_api(), &t);
    assert_eq!(
        req.uri(),
        "https://api.trello.com/1/tokens/a%2Fb%3Fc/member"
    );
    assert_eq!(
        crate::redact(&req),
        "GET https://api.trello.com/1/tokens/[redacted]/member"
    );
    assert_eq!(
        token_info(&Origin::trello_api(), &t).uri().path(),
        "/1/tokens/a%2Fb%3Fc"
    );
}

#[test]
fn token_info_tolerates_trello_variants() {
    let info: TokenInfo = decode(
        br#"{"id":"a","identifier":"My App","idMember":"m","dateCreated":"2024-03-12T10:00:00Z",
            "dateExpires":"2024-04-11T10:00:00.000Z","appKey":"k","webhooks":[],
            "permissions":[{"idModel":"*","modelType":"*","read":true,"write":true},
                           {"idModel":"5abbe4b7ddc1b351ef961414","modelType":"Organization","read":true,"write":false},
                           {"idModel":"x","modelType":"plugin","read":false,"write":false}]}"#,
    )
    .unwrap();
    assert_eq!(info.permissions[0].id_model, ModelRef::Any);
    assert_eq!(info.permissions[0].model_type, ModelType::Any);
    assert_eq!(info.permissions[1].model_type, ModelType::Organization);
    assert_eq!(
        info.permissions[2].model_type,
        ModelType::Other("plugin".into())
    );
    let expires = info.date_expires.unwrap();
    assert!(info.is_expired_at(expires));
    assert!(!info.is_expired_at(info.date_created));
    assert!(info.can_write());
}

#[test]
fn decode_errors_never_echo_the_body() {
    let err = decode::<TokenInfo>(b"{\"id\": \"ATTAsecret\"").unwrap_err();
    assert!(!err.to_string().contains("ATTAsecret"), "{err}");
    assert!(err.to_string().contains("TokenInfo"), "{err}");
    let err = decode::<Member>(b"<html>ATTAsecret</html>").unwrap_err();
    assert!(!err.to_string().contains("ATTAsecret"), "{err}");
}

#[test]
fn member_keeps_extra_fields() {
    let m: Member =
        decode(br#"{"id":"1","username":"ann","fullName":"Ann","email":"a@b.c"}"#).unwrap();
    assert_eq!(m.full_name.as_deref(), Some("Ann"));
    assert_eq!(m.extra["email"], "a@b.c");
}
