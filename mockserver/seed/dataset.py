"""Loading a scenario's hand-written part (seed_data/*.json) into an empty store.

Directory data goes straight into the store; the listed items go through the domain
service, so every rule (defaults, server-set fields, status effects, hierarchy checks)
holds for them.
"""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path

from ..domain.auth import Caller
from ..domain.service import QacService
from ..registry import REGISTRY, Area, Xsd
from ..store import Store

ALL_RIGHTS_AREAS = [a.value for a in Area]


def default_dataset() -> dict:
    packaged = resources.files("mockserver").joinpath("default_dataset.json")
    if packaged.is_file():
        return json.loads(packaged.read_text(encoding="utf-8"))
    repo_copy = Path(__file__).resolve().parents[2] / "seed_data" / "default.json"
    return json.loads(repo_copy.read_text(encoding="utf-8"))


def load_dataset(store: Store, data: dict):
    projects = {p["ProjName"]: p["ProjId"] for p in data["projects"]}
    users = {u["Email"].lower(): u for u in data["users"]}
    with store.transaction():
        store.set_setting("AppCode", data["app_code"])
        store.insert_directory("Departments", data["departments"])
        store.insert_directory("Projects", data["projects"])
        store.insert_directory("Users", [{k: v for k, v in u.items() if k != "projects"}
                                         for u in data["users"]])
        store.insert_directory("ProjectMembers", [
            {"ProjId": projects[name], "UserId": u["UserId"]}
            for u in data["users"]
            for name in (projects if u["projects"] == "*" else u["projects"])])
        for group_id, group in enumerate(data["security_groups"], start=1):
            store.insert_directory("SecurityGroups", [{"GroupId": group_id, "GroupName": group["GroupName"]}])
            store.insert_directory("GroupMembers", [
                {"GroupId": group_id, "UserId": users[m.lower()]["UserId"]} for m in group["members"]])
            store.insert_directory("GroupRights", [
                {"GroupId": group_id, "ProjId": proj_id, "Area": area, "Right": right}
                for project, areas in group["rights"].items()
                for proj_id in (projects.values() if project == "*" else [projects[project]])
                for area_name, rights in areas.items()
                for area in (ALL_RIGHTS_AREAS if area_name == "*" else [area_name])
                for right in rights])
        for proj_id in projects.values():
            store.insert_directory("ChoiceLists", [
                {"ProjId": proj_id, "EntityCode": code, "ListName": name, "Seq": seq, "Value": value}
                for code, lists in data.get("choice_lists", {}).items()
                for name, values in lists.items()
                for seq, value in enumerate(values, start=1)])
            store.insert_directory("RequiredFields", [
                {"ProjId": proj_id, "EntityCode": code, "FieldName": name}
                for code, names in data.get("required_fields", {}).items() for name in names])
            store.insert_directory("CustomFieldDefs", [
                {"ProjId": proj_id, "EntityCode": code, **definition}
                for code, definitions in data.get("custom_fields", {}).items()
                for definition in definitions])
        keys = {}
        folder = REGISTRY.entity("Folder")
        for f in data.get("folders", []):
            values = {k: v for k, v in f.items() if k not in ("key", "project")}
            proj_id = projects[f["project"]]
            values["ProjId"] = proj_id
            keys[f["key"]] = store.insert_item(folder, values, proj_id)

    service = QacService(store)
    for item in data.get("items", []):
        entity = REGISTRY.entity(item["type"])
        user = users[item["as"].lower()]
        proj_id = projects[item["project"]]
        values = {k: _value(entity, k, v, keys) for k, v in item["values"].items()}
        caller = Caller(user["UserId"], user["DeptId"], (proj_id,))
        if "file" in item:     # an attachment's content, as text
            new_id = service.add_attachment(caller, values, item["file"].encode("utf-8"), False, None)
        else:
            new_id = service.add(caller, entity, values)
        if "key" in item:
            keys[item["key"]] = new_id
    # Then what users recorded afterwards (a run's results): each names one existing item by
    # its field values and sets some of them, through the service like any Update.
    for change in data.get("updates", []):
        entity = REGISTRY.entity(change["type"])
        user = users[change["as"].lower()]
        caller = Caller(user["UserId"], user["DeptId"], (projects[change["project"]],))
        existing = store.load_item(entity, _find_one(store, entity, change["where"], keys))
        service.update(caller, entity, {**existing, **{k: _resolve(v, keys) for k, v in change["values"].items()}})


def _find_one(store: Store, entity, where: dict, keys: dict) -> int:
    """The id of the one item whose fields equal ``where``; a value that is itself an object
    names the item its field refers to the same way."""
    equal = {name: _find_one(store, REGISTRY.entity(entity.field(name).references), value, keys)
             if isinstance(value, dict) else _resolve(value, keys) for name, value in where.items()}
    found = store.find_items(entity, **equal)
    if len(found) != 1:
        raise ValueError(f"{len(found)} {entity.type_name} items match {where}; an update names exactly one")
    return found[0][entity.id_field]


def _value(entity, name: str, value, keys):
    """A seed value as the service takes it: dates are written as ISO text in the file."""
    if isinstance(value, str) and entity.field(name).xsd is Xsd.DATETIME:
        return datetime.fromisoformat(value)
    return _resolve(value, keys)


def _resolve(value, keys):
    if isinstance(value, str) and value.startswith("@"):
        return keys[value[1:]]
    if isinstance(value, float):
        return Decimal(str(value))
    return value
