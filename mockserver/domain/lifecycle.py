"""What an item type does beyond the registry's generic rules, found in a table by type name.

Most item types need nothing here: defaults, server-set fields, references, choice lists,
required fields, status effects and cascades all follow from their declarations. A type whose
Add or Update has consequences of its own (starting a test run creates its items and step
results) registers a Lifecycle; the service calls its hooks inside the operation's transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from ..registry import Entity
from ..store import Store
from .auth import Caller


@dataclass(frozen=True)
class Context:
    store: Store
    caller: Caller
    proj_id: int          # the project of the item being written
    now: datetime
    # The operation's parameters beyond the item (TestCases_Add's CreateDefectUponFailedTestCase).
    options: dict = field(default_factory=dict)
    # The service's own Add, for a rule that adds another item through every rule there is.
    add: Callable | None = None
    # The service's cascading delete of (entity, ids), for a rule that takes other items with it
    # (deleting a summary task deletes its subtasks).
    delete: Callable | None = None


class Lifecycle:
    """The hooks; each does nothing unless a type overrides it. ``values`` are the values being
    written, which a before-hook may change; ``existing`` is the stored item before Update."""

    def before_write(self, context: Context, values: dict):
        """What Add and Update both check or set (the default of the two hooks below)."""

    def before_add(self, context: Context, values: dict):
        self.before_write(context, values)

    def after_add(self, context: Context, item_id: int, values: dict):
        pass

    def before_update(self, context: Context, existing: dict, values: dict):
        self.before_write(context, values)

    def after_update(self, context: Context, existing: dict, values: dict):
        pass

    def before_delete(self, context: Context, existing: dict):
        pass


_NOTHING = Lifecycle()
LIFECYCLES: dict[str, Lifecycle] = {}


def lifecycle_of(entity: Entity) -> Lifecycle:
    return LIFECYCLES.get(entity.type_name, _NOTHING)
