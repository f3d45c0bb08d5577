"""Custom fields and choice lists (reference §7.13, §7.14): the definitions behind every item
type's custom block, and the lists that validate its *Code fields. Mixed into QacService.

[DOC] CustomFields_Add overwrites the field at its number; a Text field is at most 8000
characters for numbers 1-10 and 100 for 11-90; CustomFields_AddLookUp makes a "Look Up" or
"Multiselect" field and its list ("Bugs-Custom1"), values one per line; CustomFields_Delete clears
the field in every item of the area. LookUps_Update replaces a list's values; anyone may add
values, removing any needs Delete.
[INFERRED] A list's Type is "<EntityCode>-<list name>" ("Bugs-Status", "Bugs-Custom1") and its
Description "<EntityCode> - <list name>"; removing values needs Delete on Manage Choice Lists; the
field types are the documented ones plus the UI's Text, Check Box and SSN.
"""
from __future__ import annotations

from ..registry import Area, Right, RightCheck
from ..registry.custom_block import CUSTOM_FIELD_COUNT, custom_field_max_length
from .auth import Caller, check_rights
from .errors import NotFoundError, ValidationError
from .owners import check_area, owner_type

FIELD_TYPES = ("Text", "Check Box", "Numeric", "Date", "Phone", "SSN", "Look Up", "Multiselect",
               "Field Look Up", "SQL Look Up", "SQL Look Up Sub")
LIST_TYPES = ("Look Up", "Multiselect")
DEFAULT_SIZES = {"Date": 10, "Numeric": 12, "Phone": 25, "Look Up": 100, "Multiselect": 100, "Field Look Up": 100,
                 "SQL Look Up": 100}


class CustomFields:
    def add_custom_field(self, caller: Caller, field: dict, lookup_values: str | None = None) -> int:
        field = dict(field or {})
        entity = owner_type(field.get("EntityCode"), "CustomField.EntityCode")
        number = field.get("CustomFieldNbr")
        if not isinstance(number, int) or not 1 <= number <= CUSTOM_FIELD_COUNT:
            raise ValidationError(f"CustomField.CustomFieldNbr {number} is out of range: it must be 1 to "
                                  f"{CUSTOM_FIELD_COUNT}.")
        name = (field.get("FieldName") or "").strip()
        if not name or len(name) > 30:
            raise ValidationError("CustomField.FieldName is required and at most 30 characters long.")
        kind = field.get("FieldType") or ("Look Up" if lookup_values is not None else "")
        allowed = LIST_TYPES if lookup_values is not None else tuple(t for t in FIELD_TYPES if t not in LIST_TYPES)
        if kind not in allowed:
            raise ValidationError(f"CustomField.FieldType '{kind}' is not valid here; use one of: {', '.join(allowed)}.")
        size = field.get("FieldSize") or DEFAULT_SIZES.get(kind)
        limit = custom_field_max_length(number)
        if kind == "Text" and not size:
            raise ValidationError("CustomField.FieldSize is required for a Text field.")
        if size is not None and not 1 <= size <= limit:
            raise ValidationError(f"CustomField.FieldSize {size} is out of range for Custom{number}: it must be 1 "
                                  f"to {limit}.")
        required = field.get("IsRequired") or "N"
        if required not in ("Y", "N"):
            raise ValidationError(f"CustomField.IsRequired '{required}' is not valid; use one of: Y, N.")
        values = None
        if lookup_values is not None:
            values = [v.strip() for v in lookup_values.replace("\r\n", "\n").split("\n") if v.strip()]
            if not values:
                raise ValidationError("LookUpValues is empty: give the list's values, one per line.")
        with self.store.transaction():
            field_id = self.store.put_custom_field(caller.proj_id, {
                "EntityCode": entity.entity_code, "CustomFieldNbr": number, "FieldName": name, "FieldType": kind,
                "FieldSize": size, "IsRequired": required})
            if values is not None:
                self.store.set_choice_list(caller.proj_id, entity.entity_code, f"Custom{number}", values)
        return field_id

    def custom_fields(self, caller: Caller, code: str | None) -> list[dict]:
        entity = owner_type(code, "Entity")
        with self.store.lock:
            rows = [row for proj_id in caller.proj_ids for row in self.store.custom_field_defs(proj_id, entity.entity_code)]
        return [{k: v for k, v in row.items() if k != "CustomFieldId"} for row in rows] or None

    def delete_custom_field(self, caller: Caller, code: str | None, number: int | None):
        entity = owner_type(code, "Entity")
        with self.store.transaction():
            defined = {d["CustomFieldNbr"] for d in self.store.custom_field_defs(caller.proj_id, entity.entity_code)}
            if number not in defined:
                raise NotFoundError(f"{entity.entity_code} has no custom field {number} in project {caller.proj_id}.")
            self.store.delete_custom_field(entity, caller.proj_id, number)

    def lookups(self, caller: Caller, code: str | None, right: Right) -> list[dict]:
        entity = owner_type(code, "Entity")
        with self.store.lock:
            check_area(self.store, caller, entity, right, caller.proj_id)
            lists = self.store.choice_lists(caller.proj_id, entity.entity_code)
        return [{"Type": f"{entity.entity_code}-{name}", "Description": f"{entity.entity_code} - {name}",
                 "Values": values} for name, values in lists.items()] or None

    def update_lookup(self, caller: Caller, code: str | None, lookup: dict | None, right: Right):
        entity = owner_type(code, "Entity")
        lookup = lookup or {}
        prefix = f"{entity.entity_code}-"
        list_type = lookup.get("Type") or ""
        if not list_type.lower().startswith(prefix.lower()):
            raise ValidationError(f"LookUp.Type '{list_type}' is not a list of {entity.entity_code}: it starts with "
                                  f"'{prefix}'.")
        name = list_type[len(prefix):]
        values = [v for v in (lookup.get("Values") or []) if v is not None and v.strip()]
        with self.store.transaction():
            check_area(self.store, caller, entity, right, caller.proj_id)
            lists = {k.lower(): (k, v) for k, v in self.store.choice_lists(caller.proj_id, entity.entity_code).items()}
            if name.lower() not in lists:
                raise NotFoundError(f"LookUp.Type '{list_type}' names no choice list of project {caller.proj_id}; "
                                    f"its lists: {', '.join(prefix + k for k, _ in lists.values())}.")
            stored_name, current = lists[name.lower()]
            removed = [v for v in current if v not in values]
            if removed:
                # Only adding values is open to everyone [DOC].
                check_rights(self.store, caller.user_id, self.store.project(caller.proj_id),
                             (RightCheck(Area.MANAGE_CHOICE_LISTS, Right.DELETE),))
            self.store.set_choice_list(caller.proj_id, entity.entity_code, stored_name, values)
