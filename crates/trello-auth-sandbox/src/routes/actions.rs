//! The actions a change through the REST routes makes, in Trello's shape (SPEC S9): the
//! `action` (`id`, `idMemberCreator`, `type`, `date`, `data`, `display`, `memberCreator`) and,
//! for each model whose webhooks receive it (the card, its list, its board), the model.

use serde_json::{json, Value};

use super::rest::{board_json, card_json, list_json};
use crate::clock::iso8601;
use crate::random;
use crate::state::{Card, MemberRecord, World};
use crate::webhooks::Change;

/// `updateCard`, the card renamed from `old_name`.
pub(crate) fn card_renamed(
    world: &World,
    member: &MemberRecord,
    card: &Card,
    old_name: &str,
    now_ms: i64,
) -> Change {
    let data = json!({ "old": { "name": old_name } });
    change(
        world,
        member,
        card,
        "updateCard",
        "action_renamed_card",
        data,
        now_ms,
    )
}

/// `commentCard`, `text` added as a comment.
pub(crate) fn comment_added(
    world: &World,
    member: &MemberRecord,
    card: &Card,
    text: &str,
    now_ms: i64,
) -> Change {
    let data = json!({ "text": text });
    change(
        world,
        member,
        card,
        "commentCard",
        "action_comment_on_card",
        data,
        now_ms,
    )
}

fn change(
    world: &World,
    member: &MemberRecord,
    card: &Card,
    kind: &str,
    translation_key: &str,
    mut data: Value,
    now_ms: i64,
) -> Change {
    let short = |id: &str| id[..8].to_owned();
    let card_ref = json!({ "id": card.id, "name": card.name, "shortLink": short(&card.id) });
    let mut models = vec![(card.id.clone(), card_json(card))];
    data["card"] = card_ref.clone();
    if let Some(list) = world.lists.get(&card.list_id) {
        data["list"] = json!({ "id": list.id, "name": list.name });
        models.push((list.id.clone(), list_json(list)));
    }
    if let Some(board) = world.boards.get(&card.board_id) {
        data["board"] =
            json!({ "id": board.id, "name": board.name, "shortLink": short(&board.id) });
        models.push((board.id.clone(), board_json(board)));
    }
    let m = &member.member;
    let action = json!({
        "id": random::object_id(),
        "idMemberCreator": m.id,
        "type": kind,
        "date": iso8601(now_ms),
        "data": data,
        "appCreator": null,
        "limits": {},
        "display": {
            "translationKey": translation_key,
            "entities": {
                "card": { "type": "card", "id": card.id, "shortLink": short(&card.id), "text": card.name },
                "memberCreator": { "type": "member", "id": m.id, "username": m.username, "text": m.full_name },
            },
        },
        "memberCreator": {
            "id": m.id,
            "username": m.username,
            "fullName": m.full_name,
            "activityBlocked": false,
            "avatarHash": null,
            "initials": initials(&m.full_name),
        },
    });
    Change { action, models }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(3)
        .collect::<String>()
        .to_uppercase()
}
