//! REST calls (SPEC S3, S4): each credential placement, the exact 401 bodies, GET with a body,
//! ids, 404s, boards and cards, and the attachment download's redirect to the storage origin.

use serde_json::json;
use trello_auth_sandbox::{Expiration, Listener, Placement, Scopes, TokenSpec};

use crate::client::{self, Req};
use crate::{get_auth, sandbox, send};

#[tokio::test]
async fn members_me_with_header_credentials() {
    // SPEC S3.2
    let sb = sandbox().await;
    let r = get_auth(&sb, "/1/members/me").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let me = r.json();
    assert_eq!(me["id"], sb.member().id);
    assert_eq!(me["username"], sb.member().username);
}

#[tokio::test]
async fn members_me_with_query_credentials() {
    // SPEC S3.1
    let sb = sandbox().await;
    let target = format!("/1/members/me?key={}&token={}", sb.app().key, sb.token());
    let r = send(&sb, Req::get(target)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["id"], sb.member().id);
}

#[tokio::test]
async fn header_parameters_tolerate_spacing_and_case() {
    // SPEC S3.2: quoted-string parameters; tolerate spacing.
    let sb = sandbox().await;
    let h = format!(
        "oauth  oauth_consumer_key = \"{}\",oauth_token=\"{}\"",
        sb.app().key,
        sb.token()
    );
    let r = send(&sb, Req::get("/1/members/me").header("authorization", h)).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn body_credentials_on_put_json_and_form() {
    // SPEC S3.3
    let sb = sandbox().await;
    let card = &sb.fixtures().card_id;
    let r = send(
        &sb,
        Req::new("PUT", format!("/1/cards/{card}/name")).json(&json!({
            "key": sb.app().key, "token": sb.token(), "value": "Renamed by JSON"
        })),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["name"], "Renamed by JSON");
    let r = send(
        &sb,
        Req::new("PUT", format!("/1/cards/{card}/name")).form(&format!(
            "key={}&token={}&value=Renamed+by+form",
            sb.app().key,
            sb.token()
        )),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["name"], "Renamed by form");
    let log = sb.admin().requests();
    assert!(log.iter().all(|e| e.placement == Placement::Body));
}

#[tokio::test]
async fn post_card_with_form_and_json_bodies() {
    // SPEC S3.3; issue point 4: POST /1/cards works with no setup.
    let sb = sandbox().await;
    let list = sb.fixtures().list_id.clone();
    let r = send(
        &sb,
        Req::new("POST", "/1/cards").form(&format!(
            "key={}&token={}&idList={list}&name=From+a+form",
            sb.app().key,
            sb.token()
        )),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let card = r.json();
    assert_eq!(card["name"], "From a form");
    assert_eq!(card["idList"], list.as_str());
    assert_eq!(card["idBoard"], sb.fixtures().board_id.as_str());
    let r = send(
        &sb,
        Req::new("POST", "/1/cards")
            .auth(&sb.app().key, sb.token())
            .json(&json!({ "idList": list, "name": "From JSON" })),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let board = &sb.fixtures().board_id;
    let cards = get_auth(&sb, &format!("/1/boards/{board}/cards"))
        .await
        .json();
    let names: Vec<&str> = cards
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"From a form") && names.contains(&"From JSON"),
        "{names:?}"
    );
}

#[tokio::test]
async fn post_card_validates_id_list() {
    // SPEC S4.2 JSON 400 bodies.
    let sb = sandbox().await;
    let r = send(
        &sb,
        Req::new("POST", "/1/cards")
            .auth(&sb.app().key, sb.token())
            .json(&json!({ "idList": "nope", "name": "x" })),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["message"], "Invalid objectId");
}

#[tokio::test]
async fn the_401_bodies_of_spec_s4_1() {
    let sb = sandbox().await;
    let key = sb.app().key.clone();
    let cases = [
        // No credentials at all.
        (
            Req::get("/1/members/me"),
            "unauthorized permission requested",
        ),
        // Key without token.
        (
            Req::get(format!("/1/members/me?key={key}")),
            "unauthorized permission requested",
        ),
        // Token without key, and a wrong key.
        (
            Req::get(format!("/1/members/me?token={}", sb.token())),
            "invalid key",
        ),
        (
            Req::get("/1/members/me").auth("0123456789abcdef0123456789abcdef", sb.token()),
            "invalid key",
        ),
        // Unknown token.
        (
            Req::get("/1/members/me").auth(&key, "ATTAnotatoken"),
            "invalid token",
        ),
    ];
    for (req, body) in cases {
        let target = req.target.clone();
        let r = send(&sb, req).await;
        assert_eq!((r.status, r.body.as_str()), (401, body), "{target}");
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    }
}

#[tokio::test]
async fn write_needs_the_write_scope() {
    // SPEC S4.1: scope too narrow for a write.
    let sb = sandbox().await;
    let read_only = sb
        .admin()
        .mint_token(&TokenSpec {
            scopes: Scopes::READ,
            expiration: Expiration::OneHour,
            ..TokenSpec::default()
        })
        .unwrap();
    let card = &sb.fixtures().card_id;
    let r = send(
        &sb,
        Req::new("PUT", format!("/1/cards/{card}/name?value=x")).auth(&sb.app().key, &read_only),
    )
    .await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (401, "unauthorized permission requested")
    );
    // Reading still works.
    let r = send(
        &sb,
        Req::get("/1/members/me").auth(&sb.app().key, &read_only),
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn get_with_a_body_is_a_403_html_page() {
    // SPEC S3.4
    let sb = sandbox().await;
    let r = send(
        &sb,
        Req::get("/1/members/me").json(&json!({ "key": sb.app().key, "token": sb.token() })),
    )
    .await;
    assert_eq!(r.status, 403);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("<html"));
}

#[tokio::test]
async fn more_than_one_placement_is_refused() {
    // SPEC S3.4: never send more than one.
    let sb = sandbox().await;
    let target = format!("/1/members/me?key={}&token={}", sb.app().key, sb.token());
    let r = send(&sb, Req::get(target).auth(&sb.app().key, sb.token())).await;
    assert_eq!(r.status, 400);
    assert_eq!(sb.admin().requests()[0].placement, Placement::Multiple);
}

#[tokio::test]
async fn invalid_id_and_not_found() {
    // SPEC S4.2
    let sb = sandbox().await;
    let r = get_auth(&sb, "/1/boards/not-an-id").await;
    assert_eq!((r.status, r.body.as_str()), (400, "invalid id"));
    let r = get_auth(&sb, "/1/boards/0123456789abcdef01234567").await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (404, "The requested resource was not found.")
    );
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    let r = get_auth(&sb, "/1/no/such/route").await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (404, "The requested resource was not found.")
    );
    let r = send(&sb, Req::get("/elsewhere")).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn boards_lists_and_cards_are_shaped_like_trellos() {
    // Issue point 4: boards carry id, name; cards id, name, idList, idBoard.
    let sb = sandbox().await;
    let f = sb.fixtures().clone();
    let boards = get_auth(&sb, "/1/members/me/boards").await.json();
    assert_eq!(boards[0]["id"], f.board_id.as_str());
    assert!(boards[0]["name"].is_string());
    let board = get_auth(&sb, &format!("/1/boards/{}", f.board_id))
        .await
        .json();
    assert_eq!(board["id"], f.board_id.as_str());
    let lists = get_auth(&sb, &format!("/1/boards/{}/lists", f.board_id))
        .await
        .json();
    assert_eq!(lists[0]["id"], f.list_id.as_str());
    let cards = get_auth(&sb, &format!("/1/boards/{}/cards", f.board_id))
        .await
        .json();
    assert_eq!(cards[0]["id"], f.card_id.as_str());
    assert_eq!(cards[0]["idList"], f.list_id.as_str());
    assert_eq!(cards[0]["idBoard"], f.board_id.as_str());
    let card = get_auth(&sb, &format!("/1/cards/{}", f.card_id))
        .await
        .json();
    assert_eq!(card["name"], cards[0]["name"]);
}

#[tokio::test]
async fn another_members_board_is_not_visible() {
    let sb = sandbox().await;
    let other = sb
        .admin()
        .add_member(trello_auth_sandbox::Member::new("bob", "Bob"))
        .unwrap();
    let r = get_auth(&sb, &format!("/1/boards/{}", other.board_id)).await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (401, "unauthorized permission requested")
    );
}

fn download_target(sb: &trello_auth_sandbox::Sandbox) -> String {
    let f = sb.fixtures();
    format!(
        "/1/cards/{}/attachments/{}/download/{}",
        f.card_id, f.attachment_id, f.attachment_name
    )
}

#[tokio::test]
async fn attachment_download_redirects_to_the_storage_origin() {
    // SPEC S3.4: header only; 302 to another origin, which records whether credentials came.
    let sb = sandbox().await;
    let r = get_auth(&sb, &download_target(&sb)).await;
    assert_eq!(r.status, 302, "{}", r.body);
    let location = r.header("location").unwrap().to_owned();
    assert!(location.starts_with(sb.storage_base()), "{location}");
    assert_ne!(sb.storage_base(), sb.api_base());
    // A well-behaved client follows without credentials.
    let path = &location[sb.storage_base().len()..];
    let r = client::send(sb.storage_base(), None, Req::get(path)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "Hello from the Trello sandbox storage.\n");
    // A leaky one forwards the header: the storage origin records it.
    let r = client::send(
        sb.storage_base(),
        None,
        Req::get(path).auth(&sb.app().key, sb.token()),
    )
    .await;
    assert_eq!(r.status, 200);
    let hits = sb.admin().storage_requests();
    assert_eq!(hits.len(), 2);
    assert!(!hits[0].credentials_present);
    assert!(hits[1].credentials_present);
    assert_eq!(hits[1].listener, Listener::Storage);
    assert!(!format!("{:?}", hits[1]).contains(sb.token()));
}

#[tokio::test]
async fn attachment_download_refuses_query_credentials() {
    // SPEC S3.4: query credentials get 401.
    let sb = sandbox().await;
    let target = format!(
        "{}?key={}&token={}",
        download_target(&sb),
        sb.app().key,
        sb.token()
    );
    let r = send(&sb, Req::get(target)).await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (401, "unauthorized permission requested")
    );
}
