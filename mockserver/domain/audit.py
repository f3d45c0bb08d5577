"""The audit trail: [DOC] "QAComplete automatically records a history entry (audit) each time a
user adds, deletes, or updates an item, adds notes and attachments to an item, and so on."

[INFERRED] the entries' wording, after the vendor's examples ("Updated Status", "Added File
Attachment"): "Added" and "Deleted" with the item's title as NewValue / OldValue; one "Updated
<Field>" per changed field, named without its Code or Id suffix and split into words, with the
old and new values as text ("N/A" for none, as the Audit object's default); "Added Note" with
the note's text; "Added File Attachment" with the file name. Values are cut to the Audit's
maximum lengths. Items of the types an EntityCode names are audited (not folders, steps, runs).
"""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from ..registry import REGISTRY, Entity

AUDIT = REGISTRY.entity("Audit")
TITLE_MAX = AUDIT.field("Title").max_length
VALUE_MAX = AUDIT.field("OldValue").max_length
NONE = "N/A"


def audited(entity: Entity) -> bool:
    return REGISTRY.owner_entity(entity.entity_code) is entity


def entry(entity: Entity, item_id: int, user_id: int, when: datetime, title: str, old=None, new=None) -> dict:
    """One history entry of an item, as the store keeps it."""
    return {"FKId": item_id, "EntityCode": entity.entity_code, "Title": title[:TITLE_MAX],
            "OldValue": text(old), "NewValue": text(new), "DateCreated": when, "Description": "",
            "UpdateUserId": user_id}


def record(store, entity: Entity, item_id: int, proj_id: int, user_id: int, now: datetime, title: str,
           old=None, new=None):
    store.insert_item(AUDIT, {**entry(entity, item_id, user_id, now, title, old, new), "ProjId": proj_id}, proj_id)


# What adding a note or an attachment records on its item, and which of its fields is the new value.
OWNED_TITLES = {"Notes": ("Added Note", "Description"), "Attachment": ("Added File Attachment", "FileName")}


def record_owned(store, entity: Entity, owner: Entity, owner_row: dict, values: dict, user_id: int,
                 now: datetime):
    if entity.type_name in OWNED_TITLES and audited(owner):
        title, field = OWNED_TITLES[entity.type_name]
        record(store, owner, owner_row[owner.id_field], owner_row["ProjId"], user_id, now, title,
               new=values.get(field))


def record_changes(store, entity: Entity, item_id: int, proj_id: int, user_id: int, now: datetime,
                   existing: dict, values: dict):
    for f in entity.writable_scalar_fields:
        if f.name not in values:
            continue
        old, new = existing.get(f.name), values[f.name]
        if type(old) is type(new) and old == new:
            continue        # most of a Load sent back unchanged: nothing to normalise
        old, new = _comparable(old), _comparable(new)
        if old != new:
            record(store, entity, item_id, proj_id, user_id, now, f"Updated {label(f.name)}", old, new)


def label(name: str) -> str:
    """StatusCode -> "Status", AssigneeUserId -> "Assignee User", Custom7 -> "Custom7"."""
    stem = re.sub(r"(Code|Id)$", "", name) or name
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", stem)


def _comparable(value):
    if value in ("", 0) and not isinstance(value, bool):
        return None
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def text(value) -> str:
    if value is None or value == "":
        return NONE
    if isinstance(value, datetime):
        shown = value.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, Decimal):
        shown = format(value.normalize(), "f")
    else:
        shown = str(value)
    return shown[:VALUE_MAX]
