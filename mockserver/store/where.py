"""A typed condition tree (``store.query``) as a parameterised SQL WHERE clause.

Identifiers come only from registry fields the parser has resolved; every value is a
bound parameter. SQL Server semantics kept here:

- text compares case-insensitively (``COLLATE NOCASE``, ASCII letters), as under the
  default ``SQL_Latin1_General_CP1_CI_AS`` collation;
- NULL never compares true, so ``<>``, NOT IN, NOT LIKE and opNOT leave NULLs out too;
- decimals compare exactly, as SQL Server's decimal does: they are stored as their exact
  text and compared through the DECIMAL collation (an int column meeting a decimal one is
  cast to text for it);
- LIKE patterns without ``[...]`` sets run as SQLite LIKE (the same ``%`` and ``_``,
  ASCII-case-insensitive); patterns with sets are rewritten to an equivalent GLOB.
"""
from __future__ import annotations

from .query import (
    AnyChar, AnyString, CharSet, Comparison, Const, FieldRef, Kind, Logical, Match,
    Membership, Not, NullTest, Pattern,
)
from ..registry import Xsd
from .schema import quote
from .values import DECIMAL_COLLATION, date_to_sql

_DECIMAL = Xsd.DECIMAL


def compile_where(node) -> tuple[str, list]:
    params: list = []
    return _compile(node, params), params


def _compile(node, params: list) -> str:
    if isinstance(node, Logical):
        return _balanced(node.op, [_compile(c, params) for c in node.children])
    if isinstance(node, Not):
        return f"(NOT {_compile(node.child, params)})"
    if isinstance(node, NullTest):
        return f"({_column(node.field)} IS {'NOT ' if node.negated else ''}NULL)"
    if isinstance(node, Comparison):
        if isinstance(node.right, FieldRef):
            left, right = _column(node.left), _column(node.right)
            if _DECIMAL in (node.left.field.xsd, node.right.field.xsd):
                left, right = _as_text(node.left, left), _as_text(node.right, right)
                left += f" COLLATE {DECIMAL_COLLATION}"
            elif node.left.kind is Kind.TEXT:
                left += " COLLATE NOCASE"
        else:
            left, right = _column(node.left, collate=True), "?"
            params.append(_param(node.right, node.left))
        return f"({left} {node.op} {right})"
    if isinstance(node, Membership):
        params.extend(_param(v, node.field) for v in node.values)
        marks = ", ".join("?" for _ in node.values)
        return f"({_column(node.field, collate=True)} {'NOT ' if node.negated else ''}IN ({marks}))"
    if isinstance(node, Match):
        column = _column(node.field)
        if node.field.field.xsd is Xsd.INT:
            column = f"CAST({column} AS TEXT)"
        if node.pattern.has_sets:
            params.append(glob_pattern(node.pattern))
            test = f"{column} GLOB ?"
        else:
            params.append(node.pattern.text)
            test = f"{column} LIKE ?"
        return f"(NOT ({test}))" if node.negated else f"({test})"
    raise TypeError(f"not a condition node: {node!r}")


def _balanced(op: str, terms: list[str]) -> str:
    """``a OP b OP c ...`` nested as a balanced tree: SQLite parses a flat chain left-deep,
    and a few hundred terms would pass its expression depth limit (1000)."""
    if len(terms) <= 2:
        return "(" + f" {op} ".join(terms) + ")"
    half = len(terms) // 2
    return f"({_balanced(op, terms[:half])} {op} {_balanced(op, terms[half:])})"


def _column(ref: FieldRef, collate: bool = False) -> str:
    column = quote(ref.field.name)
    if collate and ref.kind is Kind.TEXT:
        return f"{column} COLLATE NOCASE"
    if collate and ref.field.xsd is _DECIMAL:
        return f"{column} COLLATE {DECIMAL_COLLATION}"
    return column


def _as_text(ref: FieldRef, column: str) -> str:
    # The collation applies only between two texts; an int column is integers.
    return column if ref.field.xsd is _DECIMAL else f"CAST({column} AS TEXT)"


def _param(const: Const, field: FieldRef):
    value = const.value
    if field.field.xsd is _DECIMAL:
        # str(), not the stored form: a constant such as 1E+999999 stays short. The
        # collation reads both.
        return str(value)
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "strftime"):
        return date_to_sql(value)
    return value


# -- LIKE with [...] sets, as GLOB --------------------------------------------------

_GLOB_SPECIAL = "*?["
_CLASS_SPECIAL = "]-^"
_UPPER = (ord("A"), ord("Z"))
_LOWER = (ord("a"), ord("z"))


def glob_pattern(pattern: Pattern) -> str:
    """An ASCII-case-insensitive GLOB matching what the LIKE pattern matches."""
    out = []
    for part in pattern.parts:
        if isinstance(part, AnyString):
            out.append("*")
        elif isinstance(part, AnyChar):
            out.append("?")
        elif isinstance(part, CharSet):
            out.append(_glob_class(part))
        elif part.isascii() and part.isalpha():
            out.append(f"[{part.lower()}{part.upper()}]")
        elif part in _GLOB_SPECIAL:
            out.append(f"[{part}]")
        else:
            out.append(part)
    return "".join(out)


def _fold(c: str) -> int:
    return ord(c.lower()) if c.isascii() and c.isalpha() else ord(c)


def _class_intervals(char_set: CharSet) -> list[tuple[int, int]]:
    """Code-point intervals of the characters whose ASCII-folded form is in a range."""
    intervals = []
    for low, high in char_set.ranges:
        lo, hi = _fold(low), _fold(high)
        if lo > hi:
            continue
        # Characters that fold to themselves: the range minus the upper-case letters.
        for a, b in ((lo, min(hi, _UPPER[0] - 1)), (max(lo, _UPPER[1] + 1), hi)):
            if a <= b:
                intervals.append((a, b))
        # Upper-case letters whose lower case is in the range.
        a, b = max(lo, _LOWER[0]), min(hi, _LOWER[1])
        if a <= b:
            intervals.append((a - 32, b - 32))
    return intervals


def _glob_class(char_set: CharSet) -> str:
    # ']', '-' and '^' are special inside a GLOB class: each is split out of its interval
    # and placed where GLOB reads it literally (']' first, '^' not first, '-' last).
    specials, ranges = set(), []
    for a, b in _class_intervals(char_set):
        start = a
        for special in sorted(_CLASS_SPECIAL, key=ord):
            s = ord(special)
            if start <= s <= b:
                specials.add(special)
                if start < s:
                    ranges.append((start, s - 1))
                start = s + 1
        if start <= b:
            ranges.append((start, b))
    if not ranges and not specials:
        # Only a range that is empty once folded (e.g. [Z-a]): no character is in it.
        return "?" if char_set.negated else _NEVER
    body = "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)
    if "^" in specials:
        body += "^"
    if "]" in specials:
        body = "]" + body
    if "-" in specials:
        body += "-"
    if body.startswith("^"):
        # Nothing else to put before the '^': only '^' and perhaps '-' are in the set.
        if body == "^":
            return "[^^]" if char_set.negated else "^"
        body = "-^"
    return "[" + ("^" if char_set.negated else "") + body + "]"


# A class no character matches in practice: U+10FFFF is a noncharacter.
_NEVER = "[\U0010FFFF]"
