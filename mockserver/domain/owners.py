"""Items that hang off another item through (EntityCode, FKId): notes, attachments, links, audits.

Their operations check the caller's right on the owning item's area, and the owner must be an
item of the caller's project; an EntityCode is read case-insensitively and "Defects" is
"Bugs" [INFERRED, reference §4.11], and is stored as the type's own code.
"""
from __future__ import annotations

from ..registry import REGISTRY, Entity, Right, RightCheck
from ..store import Store
from .auth import Caller, check_rights
from .errors import NotFoundError, ValidationError


def owner_type(code: str | None, what: str = "EntityCode") -> Entity:
    entity = REGISTRY.owner_entity(code)
    if entity is None:
        raise ValidationError(f"{what} '{code}' is not valid; use one of: {', '.join(REGISTRY.owner_codes)}.")
    return entity


def check_area(store: Store, caller: Caller, entity: Entity, right: Right, proj_id: int):
    check_rights(store, caller.user_id, store.project(proj_id),
                 (RightCheck(entity.area, right),) + entity.extra_rights)


def check_owner(store: Store, caller: Caller, code: str | None, fk_id: int | None, right: Right | None,
                what: str = "EntityCode") -> tuple[Entity, dict]:
    """The owning item (its type and row), visible to the caller and with ``right`` on its area."""
    entity = owner_type(code, what)
    row = store.load_item(entity, fk_id) if fk_id else None
    if row is None or row["ProjId"] not in caller.proj_ids:
        projects = ", ".join(str(p) for p in caller.proj_ids)
        raise NotFoundError(f"{entity.type_name} {fk_id} was not found in project {projects}.")
    if right is not None:
        check_area(store, caller, entity, right, row["ProjId"])
    return entity, row


def owner_links(entity: Entity):
    """The (EntityCode field, id field) pairs by which an item of ``entity`` refers to owners."""
    return [(link.entity_code_field, link.field) for link in entity.parents if link.entity == "*"]
