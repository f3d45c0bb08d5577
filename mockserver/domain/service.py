"""The QAComplete service in protocol-free terms: what each operation does to the data.

Values here are plain Python: None is "unset" (the SOAP layer maps 0 and
0001-01-01T00:00:00 to and from it).
"""
from __future__ import annotations


from .. import QACOMPLETE_VERSION
from ..registry import LOGIN_ENTITY_AREAS, REGISTRY, Auto, Derivation, Entity, Operation, Right
from ..registry.constants import MAX_PAGE_SIZE
from ..store import Store
from ..store.where import compile_where
# test_runs, collaboration and legacy register their lifecycles when imported.
from . import audit, clock, collaboration, legacy, mail, rules, test_runs  # noqa: F401
from .auth import Caller, authenticate, check_credentials
from .condition import parse_condition
from .errors import NotFoundError, ValidationError
from .lifecycle import Context, lifecycle_of
from .custom_fields import CustomFields
from .housekeeping import Housekeeping
from .owned_items import OwnedItems
from .automation import AutomationOperations
from .project_plans import ProjectPlanOperations
from .owners import check_owner, owner_links
from .users import Users
from .sorting import parse_sorting


class QacService(OwnedItems, Users, Housekeeping, CustomFields, ProjectPlanOperations, AutomationOperations):
    def __init__(self, store: Store):
        self.store = store

    # -- unauthenticated helpers ------------------------------------------------
    def version(self) -> str:
        return QACOMPLETE_VERSION

    def login_info(self, app_code, email, password, entity_code=None) -> dict:
        with self.store.lock:
            user = self.store.user_by_email(email or "")
            check_credentials(self.store, app_code, user, password)
            projects = self.store.member_projects(user["UserId"])
            if entity_code is not None:
                area = LOGIN_ENTITY_AREAS.get(entity_code)
                if area is None:
                    raise ValidationError(
                        f"EntityCode '{entity_code}' is not valid; use one of: "
                        f"{', '.join(LOGIN_ENTITY_AREAS)}.")
                readable = self.store.projects_with_right(user["UserId"], area.value, Right.READ.value)
                visible = [p for p in projects if p["ProjId"] in readable]
            else:
                visible = projects
            last = next((p for p in projects if p["ProjId"] == user["LastProjId"]),
                        projects[0] if projects else None)
            return {
                "UserId": user["UserId"],
                "AppCode": self.store.setting("AppCode"),
                "ProjId": last["ProjId"] if last else None,
                "DeptId": last["DeptId"] if last else user["DeptId"],
                # An empty list travels as an absent element; vendor samples test Projects != null.
                "Projects": visible or None,
            }

    def one_call(self):
        """The scope of one client call (see Store.one_call)."""
        return self.store.one_call()

    # -- authentication ---------------------------------------------------------
    def authenticate(self, auth: dict | None, op: Operation) -> Caller:
        with self.store.lock:
            return authenticate(self.store, auth, op)

    # -- items ------------------------------------------------------------------
    def add(self, caller: Caller, entity: Entity, item: dict, alert: str | None = None,
            new_notes: str | None = None, right: Right | None = None, options: dict | None = None) -> int:
        """``right``: for notes, attachments, links and audits, the right the caller needs on the
        area of the item they belong to; ``options``: the operation's other parameters."""
        proj_id = caller.proj_id
        now = clock.now()
        life = lifecycle_of(entity)
        context = self._context(caller, proj_id, now, options)
        with self.store.transaction():
            values = rules.apply_defaults(entity, item, "add")
            rules.check_operation_minimum(entity, values, "add")
            owners = self._owners(caller, entity, values, right)
            self._validate(entity, values, proj_id, item_id=None)
            for f in entity.server_set_fields:
                if f.auto in (Auto.NOW, Auto.NOW_ON_ADD):
                    values[f.name] = now
                elif f.auto in (Auto.CALLER, Auto.CALLER_ON_ADD):
                    values[f.name] = caller.user_id
                elif f.auto is Auto.PROJECT:
                    values[f.name] = proj_id
                elif f.auto is Auto.SERVER_SET and f.default is not None:
                    values[f.name] = f.default
            rules.apply_status_effects(rules.entered_status_effects(entity, values, None), values,
                                       caller.user_id, now)
            life.before_add(context, values)
            item_id = self.store.insert_item(entity, values, proj_id)
            life.after_add(context, item_id, values)
            if audit.audited(entity):
                audit.record(self.store, entity, item_id, proj_id, caller.user_id, now, "Added",
                             new=values.get(entity.title_field) if entity.title_field else None)
            for owner, row in owners[:1]:
                audit.record_owned(self.store, entity, owner, row, values, caller.user_id, now)
            if new_notes:
                self._add_note(entity, item_id, new_notes, caller, proj_id, now)
            if alert == "Y":
                mail.alert(self.store, entity.entity_code, item_id, "Add", caller.user_id, now,
                           values.get(entity.title_field) if entity.title_field else None)
        return item_id

    def load(self, caller: Caller, entity: Entity, item_id: int, right: Right | None = None) -> dict:
        with self.store.lock:
            row = self._visible_item(caller, entity, item_id)
            self._owners(caller, entity, row, right)
            return self._complete([row], entity)[0]

    def load_by_criteria(self, caller: Caller, entity: Entity, condition: str | None,
                         sorting: str | None, page_size: int, page_number: int) -> list[dict]:
        if page_size is None or not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValidationError(f"PageSize {page_size} is out of range: it must be 1 to {MAX_PAGE_SIZE}.")
        if page_number is None or page_number < 1:
            raise ValidationError(f"PageNumber {page_number} is out of range: it must be 1 or more.")
        order_by = parse_sorting(entity, sorting)
        tree = parse_condition(entity, condition, clock.now())
        where = compile_where(tree) if tree is not None else None
        with self.store.lock:
            rows = self.store.load_page(entity, list(caller.proj_ids), order_by, page_size,
                                        (page_number - 1) * page_size, where)
            return self._complete(rows, entity)

    def update(self, caller: Caller, entity: Entity, item: dict, alert: str | None = None,
               right: Right | None = None):
        item_id = item.get(entity.id_field)
        if not item_id:
            raise ValidationError(
                f"{entity.type_name}.{entity.id_field} is required: it names the {entity.type_name} "
                f"to update.")
        now = clock.now()
        life = lifecycle_of(entity)
        with self.store.transaction():
            existing = self._visible_item(caller, entity, item_id)
            self._owners(caller, entity, existing, right)
            proj_id = existing["ProjId"]
            context = self._context(caller, proj_id, now)
            # Update replaces the record: what the client leaves out is cleared [DOC].
            values = rules.apply_defaults(entity, item, "update")
            rules.check_operation_minimum(entity, values, "update")
            self._validate(entity, values, proj_id, item_id=item_id)
            for f in entity.fields:
                if f.auto is Auto.NOW:
                    values[f.name] = now
                elif f.auto is Auto.CALLER:
                    values[f.name] = caller.user_id
            status = entity.status_field
            effects = rules.entered_status_effects(entity, values, existing.get(status) if status else None)
            rules.apply_status_effects(effects, values, caller.user_id, now)
            life.before_update(context, existing, values)
            self.store.update_item(entity, item_id, values)
            life.after_update(context, existing, values)
            if audit.audited(entity):
                audit.record_changes(self.store, entity, item_id, proj_id, caller.user_id, now, existing, values)
            if alert == "Y":
                mail.alert(self.store, entity.entity_code, item_id, "Update", caller.user_id, now,
                           values.get(entity.title_field) if entity.title_field else None)

    def delete(self, caller: Caller, entity: Entity, item_id: int, right: Right | None = None):
        now = clock.now()
        with self.store.transaction():
            existing = self._visible_item(caller, entity, item_id)
            self._owners(caller, entity, existing, right)
            lifecycle_of(entity).before_delete(self._context(caller, existing["ProjId"], now), existing)
            if audit.audited(entity):
                audit.record(self.store, entity, item_id, existing["ProjId"], caller.user_id, now, "Deleted",
                             old=existing.get(entity.title_field) if entity.title_field else None)
            self._delete_all(entity, [item_id])
            # Delete operations always send email alerts [DOC]; the mock records them.
            mail.alert(self.store, entity.entity_code, item_id, "Delete", caller.user_id, now,
                       existing.get(entity.title_field) if entity.title_field else None)

    def find_by(self, caller: Caller, entity: Entity, field: str, value) -> list[dict]:
        """The items of the caller's projects whose ``field`` is ``value`` (TestCases_LoadByUNC)."""
        with self.store.lock:
            rows = [r for proj_id in caller.proj_ids
                    for r in self.store.find_items(entity, ProjId=proj_id, **{field: value})]
            return self._complete(rows, entity) or None

    def send_email(self, caller: Caller, sender, to, cc, subject, body):
        with self.store.transaction():
            mail.send(self.store, caller.user_id, clock.now(), sender, to, cc, subject, body)

    def statuses(self, caller: Caller) -> list[str]:
        with self.store.lock:
            return self.store.choice_list(caller.proj_id, REGISTRY.entity("Bug").entity_code, "Status")

    # -- internals ----------------------------------------------------------------
    def _visible_item(self, caller: Caller, entity: Entity, item_id: int) -> dict:
        row = self.store.load_item(entity, item_id) if item_id else None
        # An item in a project the caller did not name, or cannot read, is not found.
        if row is None or row["ProjId"] not in caller.proj_ids:
            projects = ", ".join(str(p) for p in caller.proj_ids)
            raise NotFoundError(
                f"{entity.type_name} {item_id} was not found in project {projects}.")
        return row

    def _owners(self, caller: Caller, entity: Entity, values: dict, right: Right | None) -> list:
        """The items ``values`` belongs to (a note's item, a link's two ends), checked: visible to
        the caller, with ``right`` on their areas; their EntityCode made the type's own."""
        owners = []
        for code_field, id_field in owner_links(entity):
            owner, row = check_owner(self.store, caller, values.get(code_field), values.get(id_field), right,
                                     f"{entity.type_name}.{code_field}")
            values[code_field] = owner.entity_code
            owners.append((owner, row))
        return owners

    def _validate(self, entity: Entity, values: dict, proj_id: int, item_id: int | None):
        rules.validate_values(self.store, entity, values, proj_id)
        rules.check_required(self.store, entity, values, proj_id)
        rules.check_hierarchy(self.store, entity, values, proj_id, item_id)

    def _add_note(self, entity, item_id, text, caller, proj_id, now):
        """NewNotes on an Add: the item's first note, as Notes_Add would make it [INFERRED]."""
        notes = REGISTRY.entity("Notes")
        values = {"FKId": item_id, "EntityCode": entity.entity_code, "Description": text, "DateCreated": now,
                  "DateUpdated": now, "UpdateUserId": caller.user_id, "OriginalId": 0,
                  "Seq": collaboration.next_seq(self.store, notes, entity.entity_code, item_id)}
        self.store.insert_item(notes, values, proj_id)
        owner_row = {entity.id_field: item_id, "ProjId": proj_id}
        audit.record_owned(self.store, notes, entity, owner_row, values, caller.user_id, now)

    def _context(self, caller: Caller, proj_id: int, now, options: dict | None = None) -> Context:
        """What a type's lifecycle hooks get: the operation's state, and Add and Delete to use."""
        return Context(self.store, caller, proj_id, now, options or {}, self.add, self._delete_all)

    def _delete_all(self, entity: Entity, ids: list[int]):
        """Delete the items and, recursively, their children."""
        for victim, batch in self._cascade(entity, ids):
            self.store.delete_items(victim, batch)

    def _cascade(self, entity: Entity, ids: list[int], seen=None):
        """(entity, ids) batches to delete: the items and, recursively, their children."""
        seen = set() if seen is None else seen
        batch = [i for i in ids if (entity.type_name, i) not in seen]
        if not batch:
            return []
        seen.update((entity.type_name, i) for i in batch)
        result = [(entity, batch)]
        for child, link in REGISTRY.children_of(entity):
            child_ids = self.store.child_ids(child, link, entity, batch)
            if child_ids:
                result += self._cascade(child, child_ids, seen)
        return result

    def _complete(self, rows: list[dict], entity: Entity) -> list[dict]:
        """Fill in the custom-field names, which come from each project's definitions."""
        if not entity.custom_field_members:
            return rows
        by_project = {}
        for row in rows:
            proj_id = row["ProjId"]
            if proj_id not in by_project:
                by_project[proj_id] = self.store.cached(
                    ("custom_field_plan", proj_id, entity.type_name),
                    lambda: self._custom_field_plan(proj_id, entity))
            names, value_lists = by_project[proj_id]
            row.update(names)
            for name, columns in value_lists:
                row[name] = [row.get(c) or "" for c in columns] or None
        return rows

    def _custom_field_plan(self, proj_id: int, entity: Entity) -> tuple[dict, tuple]:
        """A project's custom-field names (the same on every row) and, per value-list field,
        the columns it lists."""
        defs = self.store.custom_field_defs(proj_id, entity.entity_code)
        by_number = {d["CustomFieldNbr"]: d["FieldName"] for d in defs}
        names, value_lists = {}, []
        for f in entity.custom_field_members:
            if f.derived is Derivation.CUSTOM_FIELD_NAME:
                names[f.name] = by_number.get(f.derived_from)
            elif f.derived is Derivation.CUSTOM_FIELD_NAMES:
                names[f.name] = [d["FieldName"] for d in defs] or None
            elif f.derived is Derivation.CUSTOM_FIELD_VALUES:
                value_lists.append((f.name, tuple(f"Custom{d['CustomFieldNbr']}" for d in defs)))
        return names, tuple(value_lists)
