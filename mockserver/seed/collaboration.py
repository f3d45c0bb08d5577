"""Generated folders, notes, attachments, links and the audit history of the generated items.

Driven by the scenario's ``collaboration`` section; written straight to the store in batches, with
the values the service's own rules would give (Seq from 1, FullFolderName, a link stored both
ways with one LinkId), so that large scales stay fast. Every date lies between the item's
creation and the anchor, and the history agrees with the items: "Added" at DateCreated, and
"Updated Status" at DateUpdated when the item's status is not the list's first.
"""
from __future__ import annotations

from datetime import timedelta

from ..domain import audit
from ..registry import REGISTRY

FOLDER, NOTES, ATTACHMENT, LINK, AUDIT = (REGISTRY.entity(n) for n in (
    "Folder", "Notes", "Attachment", "TraceabilityLink", "Audit"))


class CollaborationGenerator:
    def __init__(self, generator, plan: dict):
        self.g, self.plan, self.rng = generator, plan, generator.rng

    def run(self, proj_id: int, members: list[int]):
        store = self.g.store
        self.folders(proj_id, members)
        items = {t: store.item_columns(REGISTRY.entity(t), proj_id, self._columns(REGISTRY.entity(t)))
                 for t in self.plan["history_of"]}
        for type_name, rows in items.items():
            self.history(proj_id, REGISTRY.entity(type_name), rows, members)
        bugs = items.get("Bug", [])
        self.notes(proj_id, bugs, members)
        self.attachments(proj_id, bugs, members)
        self.links(proj_id, bugs, items)

    @staticmethod
    def _columns(entity) -> list[str]:
        return [entity.title_field, entity.status_field, "DateCreated", "DateUpdated", "CreateUserId", "UpdateUserId"]

    def folders(self, proj_id, members):
        dept = self.g.store.project(proj_id)["DeptId"]
        for code, paths in self.plan["folders"].items():
            for path in paths:
                parent, _, name = path.rpartition("/")
                self.g.store.insert_item(FOLDER, {
                    "FolderName": name, "Description": "", "EntityCode": code, "IsPublic": "Y",
                    "OwnerUserId": self.rng.choice(members), "DeptId": dept,
                    "ParentName": parent.rpartition("/")[2], "IsActive": "Y", "IsVersion": "N",
                    "FullFolderName": path}, proj_id)

    def history(self, proj_id, entity, rows, members):
        status = entity.status_field
        first = self.g.store.choice_list(proj_id, entity.entity_code, "Status")[:1] if status else []
        entries = []
        for row in rows:
            by = row.get("CreateUserId") or row.get("UpdateUserId") or self.rng.choice(members)
            # Types without creation dates (agile tasks) are dated when the history starts.
            created = row.get("DateCreated") or self.g.anchor - self.g.span
            entries.append(self._audit(entity, row, created, by, "Added", None, row.get(entity.title_field)))
            if first and row.get(status) and row[status] != first[0] and row.get("DateUpdated"):
                entries.append(self._audit(entity, row, row["DateUpdated"], row.get("UpdateUserId") or by,
                                           f"Updated {audit.label(status)}", first[0], row[status]))
        self.g.store.insert_items(AUDIT, entries, proj_id)

    @staticmethod
    def _audit(entity, row, when, user_id, title, old, new) -> dict:
        return audit.entry(entity, row[entity.id_field], user_id, when, title, old, new)

    def notes(self, proj_id, bugs, members):
        rows, entries, bug = [], [], REGISTRY.entity("Bug")
        for row in bugs:
            if self.rng.random() >= self.plan["notes_share"]:
                continue
            for seq in range(1, self.rng.randint(*self.plan["notes_per_item"]) + 1):
                when = self._after(row.get("DateCreated"))
                text, user = self.rng.choice(self.g.paragraphs), self.rng.choice(members)
                rows.append({"FKId": row["BugId"], "EntityCode": bug.entity_code, "Description": text,
                             "DateCreated": when, "DateUpdated": when, "Seq": seq, "UpdateUserId": user,
                             "OriginalId": 0})
                entries.append(self._audit(bug, row, when, user, "Added Note", None, text))
        self.g.store.insert_items(NOTES, rows, proj_id)
        self.g.store.insert_items(AUDIT, entries, proj_id)

    def attachments(self, proj_id, bugs, members):
        bug = REGISTRY.entity("Bug")
        for row in bugs:
            if self.rng.random() >= self.plan["attachment_share"]:
                continue
            name = self.rng.choice(self.plan["file_names"])
            when, user = self._after(row.get("DateCreated")), self.rng.choice(members)
            attachment_id = self.g.store.insert_item(ATTACHMENT, {
                "FKId": row["BugId"], "EntityCode": bug.entity_code, "AttachmentTypeCode": "File", "Seq": 1,
                "FileName": name, "FileNameZipped": f"{name}.zip", "Title": name, "UpdateUserId": user,
                "DateCreated": when, "DateUpdated": when}, proj_id)
            self.g.store.attach_file(attachment_id, f"{row['Title']}\n{self.rng.choice(self.g.paragraphs)}\n".encode())
            self.g.store.insert_items(AUDIT, [self._audit(bug, row, when, user, "Added File Attachment", None, name)],
                                      proj_id)

    def links(self, proj_id, bugs, items):
        bug = REGISTRY.entity("Bug")
        for target_type, share, link_type in self.plan["links"]:
            targets = items.get(target_type) or []
            if not targets:
                continue
            target = REGISTRY.entity(target_type)
            for row in bugs:
                if self.rng.random() >= share:
                    continue
                other = self.rng.choice(targets)
                ends = [(bug.entity_code, row["BugId"]), (target.entity_code, other[target.id_field])]
                first = self.g.store.insert_item(LINK, self._link(ends[0], ends[1], link_type), proj_id)
                self.g.store.update_item(LINK, first, {"LinkId": first})
                self.g.store.insert_item(LINK, {**self._link(ends[1], ends[0], link_type), "LinkId": first}, proj_id)

    @staticmethod
    def _link(end, other, link_type) -> dict:
        return {"EntityCode": end[0], "FKId": end[1], "LinkedEntityCode": other[0], "LinkedFKId": other[1],
                "LinkType": link_type}

    def _after(self, created):
        return created + (self.g.anchor - created) * self.rng.random() if created else self.g.anchor - timedelta(days=1)
