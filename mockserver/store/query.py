"""The query vocabulary the store accepts: a typed condition tree.

``domain.condition`` builds it from a LoadByCriteria Condition and ``store.where`` turns
it into parameterised SQL. Every value in it already has the Python type of the field it
is compared with (str, int, float, datetime or bool), so nothing downstream has to guess.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from ..registry import Entity, Field, Xsd


class Kind(str, enum.Enum):
    """What a field's values are compared as."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"


KIND_OF_XSD = {
    Xsd.STRING: Kind.TEXT,
    Xsd.INT: Kind.NUMBER,
    Xsd.DECIMAL: Kind.NUMBER,
    Xsd.DATETIME: Kind.DATE,
    Xsd.BOOLEAN: Kind.BOOLEAN,
}

Value = str | int | float | datetime | bool


@dataclass(frozen=True)
class FieldRef:
    field: Field

    @property
    def kind(self) -> Kind:
        return KIND_OF_XSD[self.field.xsd]


@dataclass(frozen=True)
class Const:
    value: Value


Operand = FieldRef | Const


@dataclass(frozen=True)
class Logical:
    op: str                              # "AND" | "OR"
    children: tuple


@dataclass(frozen=True)
class Not:
    child: object


@dataclass(frozen=True)
class Comparison:
    op: str                              # "<", "<=", "=", "<>", ">", ">="
    left: FieldRef                       # a constant is always on the right
    right: Operand


@dataclass(frozen=True)
class Membership:
    field: FieldRef
    values: tuple
    negated: bool


@dataclass(frozen=True)
class NullTest:
    field: FieldRef
    negated: bool


# -- LIKE patterns, SQL Server syntax ----------------------------------------------

@dataclass(frozen=True)
class AnyString:                         # %
    pass


@dataclass(frozen=True)
class AnyChar:                           # _
    pass


@dataclass(frozen=True)
class CharSet:                           # [abc], [a-f], [^0-9]
    ranges: tuple                        # (low, high) pairs; a single character is (c, c)
    negated: bool


@dataclass(frozen=True)
class Pattern:
    text: str                            # as the client sent it
    parts: tuple                         # str (one literal character) | AnyString | AnyChar | CharSet

    @property
    def has_sets(self) -> bool:
        return any(isinstance(p, CharSet) for p in self.parts)


@dataclass(frozen=True)
class Match:
    field: FieldRef
    pattern: Pattern
    negated: bool


def filterable_fields(entity: Entity) -> list[Field]:
    """Fields a condition (or a sort) may name: those with a value in SQL."""
    return [f for f in entity.fields
            if f.xsd in KIND_OF_XSD and (f.derived is None or f.derived.computed_in_sql)]
