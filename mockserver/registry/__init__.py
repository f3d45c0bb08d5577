"""The entity registry: the single declaration every other layer derives from."""
from .constants import NS
from .collaboration import COLLABORATION_OPERATIONS
from .legacy import LEGACY_OPERATIONS
from .automation import AUTOMATION_OPERATIONS
from .project_plans import PROJECT_PLAN_OPERATIONS, PROJECT_PLAN_TYPES
from .entities import ENTITIES
from .model import (
    Area, Auto, Derivation, Entity, Field, Operation, Param, Right, RightCheck, Source, Xsd,
)
from .operations import HELPER_OPERATIONS, item_operations
from .types import COMPLEX_TYPES, ComplexType


class Registry:
    def __init__(self, entities, complex_types, helper_operations):
        self.entities = tuple(entities)
        self.complex_types = tuple(complex_types)
        self.operations = tuple(
            [op for e in self.entities for op in item_operations(e)] + list(helper_operations)
        )
        self._entities = {e.type_name: e for e in self.entities}
        self._by_code = {}
        for e in self.entities:
            for code in (e.entity_code,) + e.entity_code_aliases:
                self._by_code[code.lower()] = e
        self._operations = {op.name: op for op in self.operations}
        self._types = {t.type_name: t for t in self.complex_types}
        self._types.update(self._entities)

    def entity(self, type_name: str) -> Entity:
        return self._entities[type_name]

    def entity_by_code(self, code: str) -> Entity | None:
        return self._by_code.get(code.lower())

    def owner_entity(self, code: str | None) -> Entity | None:
        """The item type an EntityCode names when notes, attachments, links or audits refer to an
        item: one of the documented codes (§4.11) that the mock serves."""
        entity = self.entity_by_code(code or "")
        return entity if entity is not None and entity.entity_code in LOGIN_ENTITY_AREAS else None

    @property
    def owner_codes(self) -> list[str]:
        return [e.entity_code for e in self.entities if e.entity_code in LOGIN_ENTITY_AREAS]

    def operation(self, name: str) -> Operation | None:
        return self._operations.get(name)

    def complex_type(self, type_name: str):
        return self._types.get(type_name)

    def array_item_type(self, type_name: str):
        """The complex item type of ``ArrayOf<Type>``, or None (not an array of a complex type)."""
        if not type_name.startswith("ArrayOf"):
            return None
        return self._types.get(type_name[len("ArrayOf"):])

    def children_of(self, entity: Entity):
        """(child entity, link) pairs whose parent is ``entity`` (polymorphic links included)."""
        return [
            (child, link)
            for child in self.entities
            for link in child.parents
            if link.entity in (entity.type_name, "*") and link.cascade
        ]

    @property
    def exposed_entities(self):
        """Item types some operation takes or returns, in declaration order."""
        used = {op.entity for op in self.operations}
        return [e for e in self.entities if e.type_name in used]


# The EntityCode values GetLoginInfoByEntity accepts [DOC] and the area each one reads.
LOGIN_ENTITY_AREAS = {
    "Bugs": Area.DEFECTS,
    "Contacts": Area.CONTACTS,
    "FileExchanges": Area.SHARED_DOCUMENTS,
    "FunctionalSpecs": Area.REQUIREMENTS,
    "ProjectPlans": Area.PROJECT_PLANS,
    "ProjectPlanTasks": Area.PROJECT_PLAN_TASKS,
    "ProjectTasks": Area.AGILE_TASKS,
    "Releases": Area.RELEASES,
    "TestCases": Area.TEST_CASES,
    "TestConfigurations": Area.TEST_LIBRARY,
    "Tests": Area.TEST_LIBRARY,
    "TestSets": Area.TEST_SETS,
}

REGISTRY = Registry(ENTITIES, COMPLEX_TYPES + PROJECT_PLAN_TYPES,
                    HELPER_OPERATIONS + COLLABORATION_OPERATIONS + PROJECT_PLAN_OPERATIONS + LEGACY_OPERATIONS
                    + AUTOMATION_OPERATIONS)

__all__ = [
    "REGISTRY", "LOGIN_ENTITY_AREAS", "Registry", "NS", "Area", "Auto", "Derivation", "Entity", "Field", "Operation",
    "Param", "Right", "RightCheck", "Source", "Xsd", "ComplexType",
]
