"""Validation of item values against the registry and the project's configuration."""
from __future__ import annotations


from ..registry import REGISTRY, Entity, Xsd
from ..store import Store
from .errors import ValidationError


def label(entity: Entity, field_name: str) -> str:
    return f"{entity.type_name}.{field_name}"


def apply_defaults(entity: Entity, item: dict, kind: str = "add") -> dict:
    """Values the operation ``kind`` may write, as sent, unset ones at their declared default
    (Update clears to these)."""
    get = item.get
    return {name: (value if (value := get(name)) is not None else default)
            for name, default in entity.written_on(kind)}


def check_operation_minimum(entity: Entity, values: dict, kind: str):
    """The fields an operation needs whatever the project requires (reference §4.3)."""
    for name in entity.required.get(kind, ()):
        if values.get(name) in (None, ""):
            raise ValidationError(f"{label(entity, name)} is required by {entity.prefix}_"
                                  f"{'Add' if kind == 'add' else 'Update'}.")


def entered_status_effects(entity: Entity, values: dict, old_status: str | None) -> list:
    """The status effects whose word the new status has and the old one had not."""
    new_status = (values.get(entity.status_field) or "").lower() if entity.status_field else ""
    old_status = (old_status or "").lower()
    return [e for e in entity.status_effects
            if e.contains.lower() in new_status and e.contains.lower() not in old_status]


def apply_status_effects(effects: list, values: dict, who: int, when):
    """Set what the effects set: "caller" is ``who``, "now" is ``when``, anything else as is."""
    for effect in effects:
        for name, what in effect.sets.items():
            values[name] = who if what == "caller" else when if what == "now" else what


def validate_values(store: Store, entity: Entity, values: dict, proj_id: int):
    """Check every set writable value; canonicalises choice-list values in place."""
    for f in entity.checked_fields:
        if f.name not in values:
            continue
        value = values.get(f.name)
        if value is None or value == "":
            continue
        if f.xsd is Xsd.STRING:
            if f.max_length is not None and len(value) > f.max_length:
                raise ValidationError(
                    f"{label(entity, f.name)} is {len(value)} characters long; "
                    f"the maximum is {f.max_length}.")
            if f.allowed is not None and value not in f.allowed:
                raise ValidationError(
                    f"{label(entity, f.name)} '{value}' is not valid; "
                    f"use one of: {', '.join(f.allowed)}.")
            if f.choice_list:
                values[f.name] = _choice(store, entity, f, value, proj_id)
        if f.xsd is Xsd.INT and not _within(f, value):
            raise ValidationError(f"{label(entity, f.name)} {value} is out of range: it must be "
                                  f"{_bounds(f)}.")
        if f.references:
            _check_reference(store, entity, f, value, proj_id)


def _within(f, value: int) -> bool:
    return (f.minimum is None or value >= f.minimum) and (f.maximum is None or value <= f.maximum)


def _bounds(f) -> str:
    if f.maximum is None:
        return f"{f.minimum} or more"
    return f"{f.maximum} or less" if f.minimum is None else f"{f.minimum} to {f.maximum}"


def _choice(store, entity, f, value, proj_id):
    choices = store.choice_list(proj_id, entity.entity_code, f.choice_list)
    if not choices:
        return value   # the project keeps no list for this field: free text
    for choice in choices:
        # SQL Server's default collation compares case-insensitively.
        if choice.lower() == value.lower():
            return choice
    raise ValidationError(
        f"{label(entity, f.name)} '{value}' is not in the {f.choice_list} choice list of project "
        f"{proj_id}: {', '.join(choices)}.")


def _check_reference(store, entity, f, value, proj_id):
    if f.references == "User":
        if value not in store.project_user_ids(proj_id):
            raise ValidationError(
                f"{label(entity, f.name)} {value} is not a user of project {proj_id}.")
        return
    target = REGISTRY.entity(f.references)
    conditions = {"EntityCode": entity.entity_code} if target.type_name == "Folder" else {}
    if not store.exists_in_project(target, value, proj_id, **conditions):
        raise ValidationError(
            f"{label(entity, f.name)} {value} does not name a {target.type_name} "
            f"of project {proj_id}" + (f" for {entity.entity_code}." if conditions else "."))


def check_required(store: Store, entity: Entity, values: dict, proj_id: int):
    for name in store.required_fields(proj_id, entity.entity_code):
        if name in entity.fields_by_name and values.get(name) in (None, ""):
            raise ValidationError(
                f"{label(entity, name)} is required in project {proj_id}.")


def check_hierarchy(store: Store, entity: Entity, values: dict, proj_id: int, item_id: int | None):
    h = entity.hierarchy
    if h is None:
        return
    kind = values.get(h.kind_field)
    parent_id = values.get(h.parent_field)
    parent_kinds = h.parent_kinds[kind]
    if not parent_kinds:
        if parent_id:
            raise ValidationError(
                f"{label(entity, h.parent_field)} must be 0 for a {kind}: a {kind} has no parent.")
    else:
        if not parent_id:
            raise ValidationError(
                f"{label(entity, h.parent_field)} is required for a {kind}: "
                f"set it to the {' or '.join(parent_kinds)} it belongs to.")
        parent = store.load_item(entity, parent_id)
        if parent is None or parent["ProjId"] != proj_id:
            raise ValidationError(
                f"{label(entity, h.parent_field)} {parent_id} does not name a {entity.type_name} "
                f"of project {proj_id}.")
        if parent[h.kind_field] not in parent_kinds:
            raise ValidationError(
                f"{label(entity, h.parent_field)} {parent_id} is a {parent[h.kind_field]}; "
                f"a {kind} belongs to a {' or '.join(parent_kinds)}.")
    if item_id is not None:
        link = next(p for p in entity.parents if p.entity == entity.type_name)
        for child_id in store.child_ids(entity, link, entity, [item_id]):
            child = store.load_item(entity, child_id)
            if kind not in h.parent_kinds[child[h.kind_field]]:
                raise ValidationError(
                    f"{label(entity, h.kind_field)} cannot become {kind}: {child[h.kind_field]} "
                    f"{child_id} belongs to it, and a {child[h.kind_field]} cannot belong to a {kind}.")
