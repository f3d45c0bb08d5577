"""Operations on what hangs off an item: notes by (EntityCode, NoteId), the lists of an item's
notes, attachments and links, attached files, deleting a link by either of its forms, and the
audit history. Mixed into QacService, whose add / update / delete / load they build on."""
from __future__ import annotations

from ..registry import REGISTRY, Entity, Right
from ..store.query import Const, FieldRef, Logical, Membership
from ..store.where import compile_where
from . import clock
from .auth import Caller
from .errors import NotFoundError, ValidationError
from .collaboration import LINK_NAME
from .owners import check_area, check_owner, owner_type
from .sql_where import parse_order_by, parse_where

ATTACHMENT, LINK, AUDIT = (REGISTRY.entity(n) for n in ("Attachment", "TraceabilityLink", "Audit"))
DEFAULT_MAX_ATTACHMENT = 10 * 1024 * 1024
# Audits_LoadElevated has no paging [DOC]; a bound keeps one call's answer finite.
MAX_AUDITS = 10000


class OwnedItems:
    max_attachment = DEFAULT_MAX_ATTACHMENT

    def list_by_owner(self, caller: Caller, entity: Entity, code: str, fk_id: int, right: Right) -> list[dict]:
        with self.store.lock:
            owner, _ = check_owner(self.store, caller, code, fk_id, right)
            # Notes and attachments keep their Seq order; links have none and come in id order.
            seq = "Seq" if "Seq" in entity.fields_by_name else None
            rows = self.store.find_items(entity, ordered_by=seq, EntityCode=owner.entity_code, FKId=fk_id)
            return self._complete(rows, entity)

    def load_owned(self, caller: Caller, entity: Entity, code: str, item_id: int, right: Right) -> dict:
        with self.store.lock:
            self._same_owner_type(caller, entity, code, item_id)
            return self.load(caller, entity, item_id, right)

    def delete_owned(self, caller: Caller, entity: Entity, code: str, item_id: int, right: Right):
        with self.store.transaction():
            self._same_owner_type(caller, entity, code, item_id)
            self.delete(caller, entity, item_id, right)

    def _same_owner_type(self, caller, entity, code, item_id):
        """Notes_Get / Notes_Delete name the note's EntityCode too; another one finds nothing."""
        owner = owner_type(code)
        row = self._visible_item(caller, entity, item_id)
        if row["EntityCode"] != owner.entity_code:
            raise NotFoundError(f"{entity.type_name} {item_id} was not found for {code}: it belongs to "
                                f"{row['EntityCode']} {row['FKId']}.")

    # -- attachments ------------------------------------------------------------------------
    def add_attachment(self, caller: Caller, item: dict, data: bytes | None, replace: bool, right: Right) -> int:
        """[INFERRED] a URL or UNC path is a link and keeps no content; SaveOriginal = true
        replaces the content of the item's attachment of the same FileName, keeping its id."""
        data = data or b""
        if len(data) > self.max_attachment:
            raise ValidationError(f"File is {len(data)} bytes; attachments are limited to {self.max_attachment} "
                                  f"bytes (qacmock serve --max-attachment).")
        name = item.get("FileName") or ""
        is_link = bool(LINK_NAME.match(name))
        with self.store.transaction():
            if replace and name:
                owner, _ = check_owner(self.store, caller, item.get("EntityCode"), item.get("FKId"), right,
                                       "Attachment.EntityCode")
                same = [a for a in self.store.find_items(ATTACHMENT, EntityCode=owner.entity_code,
                                                         FKId=item.get("FKId")) if a["FileName"] == name]
                if same:
                    attachment_id = same[0]["AttachmentId"]
                    self.update(caller, ATTACHMENT, {**same[0], **{k: v for k, v in item.items() if v is not None},
                                                     "AttachmentId": attachment_id}, right=right)
                    if not is_link:
                        self.store.attach_file(attachment_id, data)
                    return attachment_id
            attachment_id = self.add(caller, ATTACHMENT, item, right=right)
            if not is_link:
                self.store.attach_file(attachment_id, data)
        return attachment_id

    def get_file(self, caller: Caller, attachment_id: int, right: Right) -> bytes:
        with self.store.lock:
            row = self.load(caller, ATTACHMENT, attachment_id, right)
            data = self.store.attached_file(attachment_id)
            if data is None:
                raise ValidationError(f"Attachment {attachment_id} is a link to {row['FileName']}: it has no file "
                                      f"content.")
            return data

    # -- traceability links -------------------------------------------------------------------
    def delete_link(self, caller: Caller, link: dict | None, right: Right):
        """[DOC-SAMPLE] the link as an object (EntityCode, FKId, LinkedEntityCode, LinkedFKId,
        LinkType) or [DOC] its id; either way both directions go."""
        link = link or {}
        with self.store.transaction():
            rows = self._link_rows(caller, link)
            if not rows:
                raise NotFoundError(f"No TraceabilityLink matches {_describe(link)} in project "
                                    f"{', '.join(str(p) for p in caller.proj_ids)}.")
            for row in rows:
                self._owners(caller, LINK, dict(row), right)
            self.store.delete_items(LINK, [r["TraceabilityLinkId"] for r in rows])

    def _link_rows(self, caller, link: dict) -> list[dict]:
        if link.get("LinkId"):
            rows = self.store.find_items(LINK, LinkId=link["LinkId"])
        else:
            ends = []
            for code_field, id_field in (("EntityCode", "FKId"), ("LinkedEntityCode", "LinkedFKId")):
                if not link.get(code_field) or not link.get(id_field):
                    raise ValidationError(f"TraceabilityLinkId: give the link's LinkId, or its {code_field} and "
                                          f"{id_field} with the other end.")
                ends.append((owner_type(link[code_field], f"TraceabilityLink.{code_field}").entity_code,
                             link[id_field]))
            found = [r for r in self.store.find_items(LINK, EntityCode=ends[0][0], FKId=ends[0][1])
                     if (r["LinkedEntityCode"], r["LinkedFKId"]) == ends[1]
                     and (not link.get("LinkType") or (r.get("LinkType") or "").lower() == link["LinkType"].lower())]
            rows = [r for lid in {r["LinkId"] for r in found} for r in self.store.find_items(LINK, LinkId=lid)]
        return [r for r in rows if r["ProjId"] in caller.proj_ids]

    # -- the audit history ---------------------------------------------------------------------
    def audits(self, caller: Caller, code: str, where: str | None, order_by: str | None, right: Right) -> list[dict]:
        entity = owner_type(code)
        tree = parse_where(AUDIT, where, clock.now())
        order = parse_order_by(AUDIT, order_by)
        with self.store.lock:
            for proj_id in caller.proj_ids:
                check_area(self.store, caller, entity, right, proj_id)
            of_type = Membership(FieldRef(AUDIT.field("EntityCode")),
                                 tuple(Const(c) for c in (entity.entity_code,) + entity.entity_code_aliases),
                                 negated=False)
            condition = of_type if tree is None else Logical("AND", (of_type, tree))
            return self.store.load_page(AUDIT, list(caller.proj_ids), order, MAX_AUDITS, 0,
                                        compile_where(condition))


def _describe(link: dict) -> str:
    if link.get("LinkId"):
        return f"LinkId {link['LinkId']}"
    return (f"{link.get('EntityCode')} {link.get('FKId')} -> {link.get('LinkedEntityCode')} "
            f"{link.get('LinkedFKId')}")

