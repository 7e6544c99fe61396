//! The REST routes on boards, lists and cards (SPEC S3–S5): `members/me`, `members/me/boards`,
//! `boards/{id}`, `boards/{id}/cards`, `cards/{id}` (`GET`, `DELETE`), `PUT cards/{id}/name`, `POST cards`, and the
//! attachment download that answers 302 to the storage origin (SPEC S3.4).

use http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::credentials::{guarded, Need, Principal};
use crate::random;
use crate::request::{Meta, Params, Req};
use crate::response::{self, bodies, Response};
use crate::routes::actions;
use crate::state::{lock, Board, Card, List, State, World};
use crate::webhooks::deliver;

/// Routes `/1/{segs...}` (not `tokens`, `authorize` or the OAuth endpoints).
pub(crate) fn handle(
    state: &State,
    req: &Req,
    params: &Params,
    meta: &mut Meta,
    segs: &[&str],
) -> Response {
    let m = req.method();
    match segs {
        ["members", "me"] if m == Method::GET => {
            guarded(state, req, params, meta, Need::Read, |p| {
                members_me(state, p)
            })
        }
        ["members", "me", "boards"] if m == Method::GET => {
            guarded(state, req, params, meta, Need::Read, |p| {
                my_boards(state, p)
            })
        }
        ["boards", id] if m == Method::GET => guarded(state, req, params, meta, Need::Read, |p| {
            with_board(state, p, id, |b, _| json_ok(&board_json(b)))
        }),
        ["boards", id, "cards"] if m == Method::GET => {
            guarded(state, req, params, meta, Need::Read, |p| {
                with_board(state, p, id, |b, world| {
                    let mut cards: Vec<&Card> = world
                        .cards
                        .values()
                        .filter(|c| c.board_id == b.id)
                        .collect();
                    cards.sort_by(|a, b| a.id.cmp(&b.id));
                    json_ok(&Value::Array(cards.into_iter().map(card_json).collect()))
                })
            })
        }
        ["boards", id, "lists"] if m == Method::GET => {
            guarded(state, req, params, meta, Need::Read, |p| {
                with_board(state, p, id, |b, world| {
                    let mut lists: Vec<Value> = world
                        .lists
                        .values()
                        .filter(|l| l.board_id == b.id)
                        .map(list_json)
                        .collect();
                    lists.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
                    json_ok(&Value::Array(lists))
                })
            })
        }
        ["cards"] if m == Method::POST => guarded(state, req, params, meta, Need::Write, |p| {
            create_card(state, p, params)
        }),
        ["cards", id] if m == Method::GET => guarded(state, req, params, meta, Need::Read, |p| {
            with_card(state, p, id, |c| json_ok(&card_json(c)))
        }),
        ["cards", id] if m == Method::DELETE => {
            guarded(state, req, params, meta, Need::Write, |p| {
                with_card(state, p, id, |_| {
                    lock(&state.world).cards.remove(*id);
                    json_ok(&json!({ "limits": {} }))
                })
            })
        }
        ["cards", id, "name"] if m == Method::PUT => {
            guarded(state, req, params, meta, Need::Write, |p| {
                rename_card(state, p, id, params)
            })
        }
        ["cards", id, "actions", "comments"] if m == Method::POST => {
            guarded(state, req, params, meta, Need::Write, |p| {
                add_comment(state, p, id, params)
            })
        }
        ["cards", id, "attachments", att, "download", file] if m == Method::GET => {
            guarded(state, req, params, meta, Need::ReadHeaderOnly, |p| {
                download(state, p, id, att, file)
            })
        }
        _ => response::not_found(),
    }
}

/// Whether `id` is a Trello id: 24 hex (SPEC S2).
pub(crate) fn is_object_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn json_ok(v: &Value) -> Response {
    response::json_value(StatusCode::OK, v)
}

fn members_me(state: &State, p: &Principal) -> Response {
    match state.member(&p.member_id) {
        Some(m) => response::json(StatusCode::OK, m.json.clone()),
        None => response::not_found(),
    }
}

fn my_boards(state: &State, p: &Principal) -> Response {
    let world = lock(&state.world);
    let mut boards: Vec<&Board> = world
        .boards
        .values()
        .filter(|b| *b.member_id == *p.member_id)
        .collect();
    boards.sort_by(|a, b| a.id.cmp(&b.id));
    json_ok(&Value::Array(boards.into_iter().map(board_json).collect()))
}

pub(crate) fn board_json(b: &Board) -> Value {
    json!({
        "id": b.id,
        "name": b.name,
        "desc": "",
        "closed": false,
        "idOrganization": null,
        "url": format!("https://trello.com/b/{}", &b.id[..8]),
    })
}

pub(crate) fn card_json(c: &Card) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "desc": "",
        "closed": false,
        "idList": c.list_id,
        "idBoard": c.board_id,
        "badges": { "attachments": c.attachments.len() },
    })
}

pub(crate) fn list_json(l: &List) -> Value {
    json!({ "id": l.id, "name": l.name, "closed": false, "idBoard": l.board_id })
}

/// Looks up a board visible to the caller: 400 `invalid id`, 404, or 401 for another
/// member's board.
fn with_board(
    state: &State,
    p: &Principal,
    id: &str,
    f: impl FnOnce(&Board, &World) -> Response,
) -> Response {
    if !is_object_id(id) {
        return response::bad_request(bodies::INVALID_ID);
    }
    let world = lock(&state.world);
    let Some(board) = world.boards.get(id) else {
        return response::not_found();
    };
    if *board.member_id != *p.member_id {
        return response::unauthorized(bodies::UNAUTHORIZED_PERMISSION);
    }
    f(board, &world)
}

fn card_visible(state: &State, p: &Principal, card: &Card) -> bool {
    lock(&state.world)
        .boards
        .get(&card.board_id)
        .is_some_and(|b| *b.member_id == *p.member_id)
}

fn with_card(
    state: &State,
    p: &Principal,
    id: &str,
    f: impl FnOnce(&Card) -> Response,
) -> Response {
    if !is_object_id(id) {
        return response::bad_request(bodies::INVALID_ID);
    }
    let card = lock(&state.world).cards.get(id).cloned();
    match card {
        None => response::not_found(),
        Some(c) if !card_visible(state, p, &c) => {
            response::unauthorized("unauthorized card permission requested")
        }
        Some(c) => f(&c),
    }
}

fn rename_card(state: &State, p: &Principal, id: &str, params: &Params) -> Response {
    with_card(state, p, id, |_| {
        let Some(value) = params.get("value").filter(|v| !v.trim().is_empty()) else {
            return response::invalid_value("name");
        };
        let mut world = lock(&state.world);
        let Some(c) = world.cards.get_mut(id) else {
            return response::not_found();
        };
        let old = std::mem::replace(&mut c.name, value.to_owned());
        let card = c.clone();
        if let Some(member) = state.member(&p.member_id) {
            let now = state.clock.now_ms();
            let change = actions::card_renamed(&world, &member, &card, &old, now);
            drop(world);
            deliver::notify(&state.webhooks, change, now);
        }
        json_ok(&card_json(&card))
    })
}

/// `POST /1/cards/{id}/actions/comments`: answers the `commentCard` action, which goes to
/// the webhooks of the card, its list and its board.
fn add_comment(state: &State, p: &Principal, id: &str, params: &Params) -> Response {
    with_card(state, p, id, |card| {
        let Some(text) = params.get("text").filter(|t| !t.trim().is_empty()) else {
            return response::invalid_value("text");
        };
        let Some(member) = state.member(&p.member_id) else {
            return response::not_found();
        };
        let now = state.clock.now_ms();
        let change = actions::comment_added(&lock(&state.world), &member, card, text, now);
        let action = change.action.clone();
        deliver::notify(&state.webhooks, change, now);
        json_ok(&action)
    })
}

fn create_card(state: &State, p: &Principal, params: &Params) -> Response {
    let Some(id_list) = params.get("idList") else {
        return response::invalid_value("idList");
    };
    if !is_object_id(id_list) {
        return response::json(
            StatusCode::BAD_REQUEST,
            r#"{"message":"Invalid objectId","error":"ERROR"}"#,
        );
    }
    let mut world = lock(&state.world);
    let Some(list) = world.lists.get(id_list).cloned() else {
        return response::invalid_value("idList");
    };
    if world
        .boards
        .get(&list.board_id)
        .is_none_or(|b| *b.member_id != *p.member_id)
    {
        return response::unauthorized(bodies::UNAUTHORIZED_PERMISSION);
    }
    let card = Card {
        id: random::object_id(),
        name: params.get("name").unwrap_or_default().to_owned(),
        list_id: list.id.clone(),
        board_id: list.board_id.clone(),
        attachments: Vec::new(),
    };
    let body = card_json(&card);
    world.cards.insert(card.id.clone(), card);
    json_ok(&body)
}

/// SPEC S3.4: header credentials only (checked by [`Need::ReadHeaderOnly`]); 302 to the
/// storage origin, which must not receive the credentials.
fn download(state: &State, p: &Principal, id: &str, att: &str, file: &str) -> Response {
    with_card(state, p, id, |c| {
        let found = c.attachments.iter().any(|a| a.id == att && a.name == file);
        match (found, state.storage_base.get()) {
            (true, Some(base)) => response::redirect(&format!("{base}/attachments/{att}/{file}")),
            _ => response::not_found(),
        }
    })
}
