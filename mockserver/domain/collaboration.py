"""Folders, notes, attachments and traceability links: what their Add, Update and Delete do
beyond the registry's generic rules.

Folders [DOC: per project and area, nested by ParentName, FullFolderName "Parent/Sub/Sub"];
[INFERRED] where the vendor is silent:
- ParentName is the parent's FolderName, or its full name "A/B" where names repeat; a folder's
  name cannot hold "/" nor repeat a sibling's; a folder cannot move under itself.
- Renaming or moving a folder renames the full names of the folders under it.
- Deleting a folder deletes the folders under it; the items in any of them are kept, in no
  folder (FolderId 0), so nothing is lost.
Notes: Seq counts an item's notes from 1; UpdateUserId is the caller unless set [INFERRED].
Attachments: see AttachmentLifecycle and ``owned_items.add_attachment``. Links: [DOC] Add creates the link both ways with one
LinkId, which Add returns [INFERRED] and by which Delete removes both.
"""
from __future__ import annotations

import re

from ..registry import REGISTRY
from .errors import ValidationError
from .lifecycle import LIFECYCLES, Context, Lifecycle

FOLDER, NOTES, ATTACHMENT, LINK = (REGISTRY.entity(n) for n in ("Folder", "Notes", "Attachment", "TraceabilityLink"))
# [DOC] an attachment is "a file, a URL (http://smartbear.com) or a UNC path (file:///\\server\...)".
LINK_NAME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://|\\\\)")


def next_seq(store, entity, code: str, fk_id: int) -> int:
    return max((r.get("Seq") or 0 for r in store.find_items(entity, EntityCode=code, FKId=fk_id)), default=0) + 1


class FolderLifecycle(Lifecycle):
    def before_add(self, context: Context, values: dict):
        values["DeptId"] = context.store.project(context.proj_id)["DeptId"]
        self._place(context, values, values["EntityCode"], None)

    def before_update(self, context: Context, existing: dict, values: dict):
        self._place(context, values, existing["EntityCode"], existing)

    def after_update(self, context: Context, existing: dict, values: dict):
        old, new = existing["FullFolderName"], values["FullFolderName"]
        if old == new:
            return
        for below in self._below(context, existing):
            changes = {"FullFolderName": new + below["FullFolderName"][len(old):]}
            if below["FullFolderName"].count("/") == old.count("/") + 1:
                changes["ParentName"] = values["FolderName"]
            context.store.update_item(FOLDER, below["FolderId"], changes)

    def before_delete(self, context: Context, existing: dict):
        folders = [existing] + self._below(context, existing)
        ids = [f["FolderId"] for f in folders]
        for entity in REGISTRY.entities:
            f = entity.fields_by_name.get("FolderId")
            if f is not None and f.references == "Folder" and entity is not FOLDER:
                context.store.clear_references(entity, "FolderId", ids)
        context.store.delete_items(FOLDER, ids[1:])

    def _below(self, context, folder) -> list[dict]:
        prefix = folder["FullFolderName"] + "/"
        return [f for f in context.store.find_items(FOLDER, ProjId=folder["ProjId"], EntityCode=folder["EntityCode"])
                if f["FullFolderName"].startswith(prefix)]

    def _place(self, context: Context, values: dict, code: str, existing: dict | None):
        name, parent_name = values["FolderName"], values.get("ParentName") or ""
        if "/" in name:
            raise ValidationError(f"Folder.FolderName '{name}' holds '/', which separates folders in FullFolderName.")
        folders = [f for f in context.store.find_items(FOLDER, ProjId=context.proj_id, EntityCode=code)
                   if existing is None or f["FolderId"] != existing["FolderId"]]
        parent = None
        if parent_name:
            key = "FullFolderName" if "/" in parent_name else "FolderName"
            matches = [f for f in folders if f[key].lower() == parent_name.lower()]
            if not matches:
                raise ValidationError(f"Folder.ParentName '{parent_name}' names no {code} folder of project "
                                      f"{context.proj_id}.")
            if len(matches) > 1:
                raise ValidationError(f"Folder.ParentName '{parent_name}' names {len(matches)} {code} folders: "
                                      f"give the full name, one of {', '.join(m['FullFolderName'] for m in matches)}.")
            parent = matches[0]
            if existing is not None and (parent["FullFolderName"] + "/").startswith(existing["FullFolderName"] + "/"):
                raise ValidationError(f"Folder.ParentName '{parent_name}' is inside folder {existing['FolderId']}: "
                                      f"a folder cannot move under itself.")
        siblings = [f for f in folders if (f.get("ParentName") or "").lower() == (parent["FolderName"] if parent else "").lower()
                    and f["FullFolderName"].count("/") == (parent["FullFolderName"].count("/") + 1 if parent else 0)]
        if any(f["FolderName"].lower() == name.lower() for f in siblings):
            raise ValidationError(f"Folder.FolderName '{name}': a {code} folder of that name is already there.")
        full = f"{parent['FullFolderName']}/{name}" if parent else name
        limit = FOLDER.field("FullFolderName").max_length
        if len(full) > limit:
            raise ValidationError(f"Folder.FullFolderName would be {len(full)} characters long; the maximum is {limit}.")
        values.update(ParentName=parent["FolderName"] if parent else "", FullFolderName=full)


class NotesLifecycle(Lifecycle):
    def before_add(self, context: Context, values: dict):
        values["Seq"] = next_seq(context.store, NOTES, values["EntityCode"], values["FKId"])
        values["UpdateUserId"] = values.get("UpdateUserId") or context.caller.user_id

    def before_update(self, context: Context, existing: dict, values: dict):
        values["UpdateUserId"] = values.get("UpdateUserId") or context.caller.user_id


class AttachmentLifecycle(Lifecycle):
    """[INFERRED] Seq counts an item's attachments from 1; FileNameZipped is the name of the zip
    the file is kept in, or the URL or UNC path itself."""

    def before_add(self, context: Context, values: dict):
        values["Seq"] = next_seq(context.store, ATTACHMENT, values["EntityCode"], values["FKId"])
        name = values["FileName"]
        values["FileNameZipped"] = name if LINK_NAME.match(name) else f"{name}.zip"


class LinkLifecycle(Lifecycle):
    def before_add(self, context: Context, values: dict):
        ends = (values["EntityCode"], values["FKId"]), (values["LinkedEntityCode"], values["LinkedFKId"])
        if ends[0] == ends[1]:
            raise ValidationError("TraceabilityLink: an item cannot be linked to itself.")
        for row in context.store.find_items(LINK, EntityCode=ends[0][0], FKId=ends[0][1]):
            if (row["LinkedEntityCode"], row["LinkedFKId"]) == ends[1] and row.get("LinkType") == values.get("LinkType"):
                raise ValidationError(f"TraceabilityLink: {ends[0][0]} {ends[0][1]} is already linked to "
                                      f"{ends[1][0]} {ends[1][1]} (LinkId {row['LinkId']}).")

    def after_add(self, context: Context, item_id: int, values: dict):
        store = context.store
        store.update_item(LINK, item_id, {"LinkId": item_id})
        store.insert_item(LINK, {**values, "LinkId": item_id, "EntityCode": values["LinkedEntityCode"],
                                 "FKId": values["LinkedFKId"], "LinkedEntityCode": values["EntityCode"],
                                 "LinkedFKId": values["FKId"]}, context.proj_id)


LIFECYCLES.update({"Folder": FolderLifecycle(), "Notes": NotesLifecycle(), "Attachment": AttachmentLifecycle(),
                   "TraceabilityLink": LinkLifecycle()})
