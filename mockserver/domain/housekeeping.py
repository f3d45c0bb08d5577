"""Helper operations (reference §7.16): logs the client writes, restriction questions and the
item types' metadata. Mixed into QacService."""
from __future__ import annotations

import json

from ..registry import REGISTRY, Derivation, Right
from . import audit, clock
from .auth import Caller
from .errors import ValidationError
from .owners import check_area, owner_type

RESTRICTIONS = {"extensions": "restricted_extensions", "entities": "restricted_entities"}


class Housekeeping:
    def add_log(self, caller: Caller, type_name: str, values: dict):
        """[DOC] DbLogs_Add writes an error record, PerfLogs_Add a Performance Log Manager record.
        [INFERRED] the server dates them and names the user; a PerfLog cannot end before it begins."""
        declared = REGISTRY.complex_type(type_name)
        values = {f.name: values.get(f.name) for f in declared.fields}
        for f in declared.fields:
            text = values.get(f.name)
            if isinstance(text, str) and f.max_length and len(text) > f.max_length:
                raise ValidationError(f"{type_name}.{f.name} is {len(text)} characters long; the maximum is "
                                      f"{f.max_length}.")
        now = clock.now()
        with self.store.transaction():
            if type_name == "DbLog":
                user = self.store.user(values.get("UserId") or caller.user_id)
                values.update(DateCreated=now, UserName=f"{user['LastName']}, {user['FirstName']}" if user else None)
                self.store.record_log("DbLogs", values)
            else:
                begin, end = values.get("BeginDateTime"), values.get("EndDateTime")
                if begin and end and end < begin:
                    raise ValidationError(f"PerfLog.EndDateTime {end.isoformat()} is before BeginDateTime "
                                          f"{begin.isoformat()}.")
                self.store.record_log("PerfLogs", {**values, "DateCreated": now, "ProjId": caller.proj_id,
                                                   "UserId": caller.user_id})

    def is_restricted(self, caller: Caller, which: str, name: str | None) -> bool:
        with self.store.lock:
            restricted = json.loads(self.store.setting(RESTRICTIONS[which]) or "[]")
        return (name or "").strip().lower() in {r.lower() for r in restricted}

    def entity_metadata(self, caller: Caller, code: str | None) -> list[dict]:
        """[INFERRED] one Grid per field of the type the EntityCode names, in wire order: its name,
        a caption, whether the server owns it (IsColLocked), whether the project requires it, its
        default, its XML type and its choices (a choice list's values, or a closed set's)."""
        entity = owner_type(code)
        with self.store.lock:
            check_area(self.store, caller, entity, Right.READ, caller.proj_id)
            required = set(self.store.required_fields(caller.proj_id, entity.entity_code)) | set(
                entity.required.get("add", ()))
            custom = {d["CustomFieldNbr"]: d["FieldName"] for d in self.store.custom_field_defs(caller.proj_id,
                                                                                               entity.entity_code)}
            grids = []
            for f in entity.fields:
                if f.derived in (Derivation.CUSTOM_FIELD_NAME, Derivation.CUSTOM_FIELD_NAMES,
                                 Derivation.CUSTOM_FIELD_VALUES):
                    continue
                number = int(f.name[len("Custom"):]) if f.name.startswith("Custom") and f.name[6:].isdigit() else None
                if number is not None and number not in custom:
                    continue
                choices = (self.store.choice_list(caller.proj_id, entity.entity_code, f.choice_list)
                           if f.choice_list else list(f.allowed or ()))
                grids.append({
                    "ColName": f.name, "ColCaption": custom.get(number) or audit.label(f.name),
                    "IsColLocked": "N" if f.writable else "Y", "IsRequired": "Y" if f.name in required else "N",
                    "DefaultValue": "" if f.default is None else str(f.default),
                    "DataType": f.type_name,
                    "ListOfValues": [{"Key": str(n), "Value": v} for n, v in enumerate(choices, start=1)] or None,
                })
            return grids
