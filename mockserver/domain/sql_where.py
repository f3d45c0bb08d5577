"""Audits_LoadElevated's Where and OrderBy: SQL text in, the typed condition tree out.

The real service pastes both into SQL Server [DOC]. The mock never lets client text reach
SQL: this whitelisting parser reads a small subset of T-SQL search conditions into the
tree ``domain.condition`` builds from a LoadByCriteria Condition, typing each literal by
that module's rules for constants, so ``store.where`` binds every value as a parameter.
Grammar (keywords case-insensitive; a column is a filterable field of the entity, bare
or in [brackets], matched case-insensitively)::

    where     := or_expr
    or_expr   := and_expr (OR and_expr)*
    and_expr  := not_expr (AND not_expr)*
    not_expr  := NOT not_expr | '(' or_expr ')' | predicate
    predicate := operand (= | <> | != | < | <= | > | >=) operand
               | column IS [NOT] NULL
               | column [NOT] IN '(' value (, value)* ')'
               | column [NOT] LIKE 'pattern'
               | operand [NOT] BETWEEN operand AND operand
    operand   := column | value
    value     := 'text' | N'text' | [+|-]number | a date expression of sql_expression
    order_by  := column [ASC|DESC] (, column [ASC|DESC])*
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ..registry import Entity, Xsd
from ..registry.constants import MAX_CONDITION_DEPTH, MAX_SORTING_LENGTH
from ..store.query import (
    Comparison, Const, FieldRef, Kind, Logical, Match, Membership, Not, NullTest,
    filterable_fields,
)
from . import sql_expression
# The Condition parser's value rules, reused so that a literal means the same here as
# the same constant in a LoadByCriteria Condition.
from .condition import MIRRORED, _field_list, _Parser as _ConditionRules
from .errors import ValidationError
from .like import parse_pattern
from .literals import sql_number
from .sorting import parse_sorting

MAX_WHERE_LENGTH = 4000     # SQL Server's nvarchar(4000), as for LIKE patterns
OPERATORS = {"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
KEYWORDS = ("and", "or", "not", "is", "null", "in", "like", "between")
DATE_FUNCTIONS = (*sql_expression.NOW_FUNCTIONS, *sql_expression.UTC_FUNCTIONS,
                  "dateadd", "cast", "convert")

# Possessive quantifiers: an unclosed quote must fail as a whole, not backtrack into a
# shorter string that ends on an escaped ''.
_TOKEN = re.compile(r"""
    (?P<space>[ \t\r\n\f\v]+)
  | (?P<comment>--|/\*)
  | (?P<string>[Nn]?'(?:[^']|'')*+')
  | (?P<open_string>[Nn]?')
  | (?P<name>\[(?:[^\]]|\]\])*+\])
  | (?P<open_name>\[)
  | (?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|<>|!=|[=<>])
  | (?P<punct>[(),+-])
""", re.VERBOSE)


@dataclass(frozen=True)
class _Token:
    kind: str       # word | name | string | number | op | punct | end
    text: str       # as written
    pos: int        # 1-based character position

    @property
    def value(self) -> str:
        if self.kind == "word":
            return self.text.lower()
        if self.kind == "string":
            return self.text[self.text.index("'") + 1:-1].replace("''", "'")
        if self.kind == "name":
            return self.text[1:-1].replace("]]", "]")
        return self.text


@dataclass(frozen=True)
class _Literal:
    kind: str       # string | number | date | null
    value: object   # the unescaped text, or the datetime of a date expression
    text: str       # as written, for messages
    pos: int


def parse_where(entity: Entity, text: str | None, now: datetime):
    """The condition tree for ``text``, or None when it is empty (all items)."""
    if text is None or not text.strip():
        return None
    _check_length("Where", text, MAX_WHERE_LENGTH)
    return _Parser(entity, text, now, "Where").where()


def parse_order_by(entity: Entity, text: str | None) -> list[tuple[str, bool]]:
    """(field name, descending) pairs, as ``sorting.parse_sorting`` returns them."""
    if text is None or not text.strip():
        return parse_sorting(entity, None)
    _check_length("OrderBy", text, MAX_SORTING_LENGTH)
    # parse_sorting's comma-and-space split knows neither [brackets] nor positions.
    return _Parser(entity, text, None, "OrderBy").order_by()


def _check_length(label: str, text: str, limit: int):
    if len(text) > limit:
        raise ValidationError(
            f"{label}: the text is {len(text)} characters long; at most {limit} are allowed.")


def _show(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _tokenize(text: str, label: str) -> list[_Token]:
    tokens, i = [], 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        where = f"at {i + 1}"
        if m is None:
            c = text[i]
            if c == ";":
                raise ValidationError(
                    f"{label}: ';' {where} is not allowed: {label} takes one clause, not statements.")
            raise ValidationError(f"{label}: unexpected character {c!r} {where}.")
        kind = m.lastgroup
        if kind == "comment":
            raise ValidationError(f"{label}: comments are not allowed ('{m.group()}' {where}).")
        if kind in ("open_string", "open_name"):
            what = "string" if kind == "open_string" else "bracketed name"
            raise ValidationError(
                f"{label}: the {what} {_show(text[i:])} starting {where} is never closed.")
        if kind != "space":
            tokens.append(_Token(kind, m.group(), i + 1))
        i = m.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, entity: Entity, text: str, now: datetime | None, label: str):
        self.text, self.now, self.label = text, now, label
        self.tokens = _tokenize(text, label)
        self.i = 0
        self.columns = {f.name.lower(): f for f in filterable_fields(entity)}
        self.rules = _ConditionRules(entity, now)

    # -- tokens ----------------------------------------------------------------
    def fail(self, message: str):
        raise ValidationError(f"{self.label}: {message}")

    def peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def next(self) -> _Token:
        token = self.peek()
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return token

    def keyword(self, *words: str) -> _Token | None:
        token = self.peek()
        if token.kind == "word" and token.value in words:
            return self.next()
        return None

    def punct(self, char: str) -> _Token | None:
        token = self.peek()
        return self.next() if token.kind == "punct" and token.text == char else None

    def expected(self, what: str):
        token = self.peek()
        if token.kind == "end":
            prev = self.tokens[self.i - 1]
            self.fail(f"'{_show(prev.text)}' at {prev.pos} must be followed by {what}; "
                      f"the text ends there.")
        self.fail(f"unexpected '{_show(token.text)}' at {token.pos}; expected {what}.")

    # -- conditions ------------------------------------------------------------
    def where(self):
        node = self.disjunction(0)
        if self.peek().kind != "end":
            self.expected("AND, OR or the end")
        return node

    def disjunction(self, depth: int):
        terms = [self.conjunction(depth)]
        while self.keyword("or"):
            terms.append(self.conjunction(depth))
        return terms[0] if len(terms) == 1 else Logical("OR", tuple(terms))

    def conjunction(self, depth: int):
        terms = [self.negation(depth)]
        while self.keyword("and"):
            terms.append(self.negation(depth))
        return terms[0] if len(terms) == 1 else Logical("AND", tuple(terms))

    def negation(self, depth: int):
        token = self.peek()
        opens = (token.kind == "word" and token.value == "not") or \
            (token.kind == "punct" and token.text == "(")
        if opens and depth >= MAX_CONDITION_DEPTH:
            # The parser recurses once per level, and so does the SQL it leads to.
            self.fail(f"conditions nest too deeply at '{token.text}' at {token.pos}: at most "
                      f"{MAX_CONDITION_DEPTH} levels of parentheses and NOT are allowed.")
        if self.keyword("not"):
            return Not(self.negation(depth + 1))
        if self.punct("("):
            node = self.disjunction(depth + 1)
            if not self.punct(")"):
                self.expected("AND, OR or ')'")
            return node
        return self.predicate()

    def predicate(self):
        left = self.operand()
        token = self.peek()
        if token.kind == "op":
            self.next()
            return self.compare(OPERATORS[token.text], left, self.operand(), token)
        if is_ := self.keyword("is"):
            negated = self.keyword("not") is not None
            if not self.keyword("null"):
                self.expected("NULL")
            return NullTest(self.column_of(left, is_), negated)
        negated = self.keyword("not") is not None
        if in_ := self.keyword("in"):
            return self.membership(self.column_of(left, in_), negated)
        if like := self.keyword("like"):
            return self.match(self.column_of(left, like), like, negated)
        if between := self.keyword("between"):
            low = self.operand()
            if not self.keyword("and"):
                self.expected("AND")
            high = self.operand()
            node = Logical("AND", (self.compare(">=", left, low, between),
                                   self.compare("<=", left, high, between)))
            return Not(node) if negated else node
        self.expected("IN, LIKE or BETWEEN" if negated
                      else "a comparison operator, IS, IN, LIKE or BETWEEN")

    def compare(self, op: str, left, right, token: _Token):
        if isinstance(left, FieldRef) and isinstance(right, FieldRef):
            if left.kind is not right.kind:
                self.fail(f"'{token.text}' at {token.pos} compares {left.field.name} "
                          f"({left.field.xsd.value}) with {right.field.name} "
                          f"({right.field.xsd.value}); they are not comparable.")
            return Comparison(op, left, right)
        if isinstance(left, FieldRef):
            return _ConditionRules.comparison(op, left, self.const(left, right))
        if isinstance(right, FieldRef):
            return _ConditionRules.comparison(MIRRORED[op], right, self.const(right, left))
        self.fail(f"'{token.text}' at {token.pos} compares two values; one side must be a column.")

    def membership(self, field: FieldRef, negated: bool):
        if not self.punct("("):
            self.expected("'(' and a list of values")
        values = []
        while True:
            item = self.operand()
            if isinstance(item, FieldRef):
                self.fail(f"IN lists take values, not columns: {item.field.name} is in the list "
                          f"at {self.tokens[self.i - 1].pos}.")
            values.append(self.const(field, item))
            if self.punct(")"):
                break
            if not self.punct(","):
                self.expected("',' or ')'")
        if field.field.xsd is Xsd.INT:
            # As condition.py: no int equals a fraction, so those members drop out.
            values = [Const(sql_number(c.value)) for c in values
                      if c.value == c.value.to_integral_value()]
            if not values:
                return Comparison("=" if negated else "<>", field, field)
        return Membership(field, tuple(values), negated)

    def match(self, field: FieldRef, like: _Token, negated: bool):
        f = field.field
        if field.kind is not Kind.TEXT and f.xsd is not Xsd.INT:
            self.fail(f"LIKE at {like.pos} needs a text or integer column; {f.name} is {f.xsd.value}.")
        token = self.peek()
        if token.kind != "string":
            self.expected("a pattern in quotes")
        self.next()
        return Match(field, parse_pattern(token.value, self.label), negated)

    # -- operands --------------------------------------------------------------
    def operand(self):
        """A FieldRef, or a _Literal still to be typed by the column it meets."""
        token = self.peek()
        if token.kind == "name":
            return self.column(self.next(), token.value)
        if token.kind == "string":
            self.next()
            return _Literal("string", token.value, token.text, token.pos)
        if token.kind == "number":
            self.next()
            return _Literal("number", token.text, token.text, token.pos)
        if token.kind == "punct" and token.text in "+-":
            self.next()
            if self.peek().kind != "number":
                self.expected("a number")
            text = token.text + self.next().text
            return _Literal("number", text, text, token.pos)
        if token.kind == "punct" and token.text == "(":
            if self.peek(1).kind == "word" and self.peek(1).value == "select":
                self.subquery(self.peek(1))
            self.fail(f"'(' at {token.pos} cannot start a value; a value is a column, a quoted "
                      f"string, a number or a date expression.")
        if token.kind == "word":
            if token.value == "select":
                self.subquery(token)
            if token.value == "null":
                self.next()
                return _Literal("null", None, token.text, token.pos)
            if token.value in DATE_FUNCTIONS:
                return self.date_expression()
            if self.peek(1).kind == "punct" and self.peek(1).text == "(":
                self.fail(f"function '{token.text}' at {token.pos} is not allowed; only "
                          f"{sql_expression.SUPPORTED} may be used, as date values.")
            if token.value not in KEYWORDS:
                return self.column(self.next(), token.text)
        self.expected("a column or a value")

    def subquery(self, token: _Token):
        self.fail(f"sub-queries are not allowed ('{token.text}' at {token.pos}); compare "
                  f"columns with values.")

    def column(self, token: _Token, name: str) -> FieldRef:
        f = self.columns.get(name.lower())
        if f is None:
            self.fail(f"unknown column '{_show(token.text)}' at {token.pos}; the columns are "
                      f"{_field_list(self.columns.values())}.")
        return FieldRef(f)

    def column_of(self, operand, token: _Token) -> FieldRef:
        if not isinstance(operand, FieldRef):
            self.fail(f"{token.text.upper()} at {token.pos} needs a column on its left, "
                      f"not {_show(operand.text)}.")
        return operand

    def date_expression(self) -> _Literal:
        # The whole call goes to sql_expression, which evaluates its own whitelist to a
        # datetime; here only its extent is found.
        start = end = self.next()
        if start.value != "current_timestamp":
            if not self.punct("("):
                self.expected("'('")
            depth = 1
            while depth:
                end = self.next()
                if end.kind == "end":
                    self.fail(f"the parenthesis of {start.text}( at {start.pos} is never closed.")
                if end.kind == "punct" and end.text in "()":
                    depth += 1 if end.text == "(" else -1
        source = self.text[start.pos - 1:end.pos - 1 + len(end.text)]
        try:
            value = sql_expression.evaluate(source, self.now,
                                            f"{self.label}: the date expression at {start.pos}")
        except ValidationError as e:
            # "tSQLstring" is LoadByCriteria's word; here it is just the expression.
            raise ValidationError(e.text.replace(": tSQLstring ", " ", 1)) from None
        return _Literal("date", value, source, start.pos)

    def const(self, column: FieldRef, literal: _Literal) -> Const:
        f = column.field
        at = f"{_show(literal.text)} at {literal.pos}"
        if literal.kind == "null":
            # x = NULL is never true, and there is no such constant in the tree.
            self.fail(f"NULL at {literal.pos} never compares true with {f.name}; use "
                      f"{f.name} IS NULL or {f.name} IS NOT NULL.")
        if literal.kind == "date":
            if column.kind is not Kind.DATE:
                self.fail(f"{at} is a date, but {f.name} is {f.xsd.value}; date expressions "
                          f"compare only with dateTime columns.")
            return Const(literal.value)
        if literal.kind == "number" and column.kind is Kind.DATE:
            self.fail(f"the number {at} is not a date, as {f.name} requires; write dates as "
                      f"'YYYY-MM-DD HH:MM:SS'.")
        try:
            return self.rules.value(column, "tString" if literal.kind == "string" else "tConst",
                                    literal.value, str(literal.pos))
        except ValidationError as e:
            raise ValidationError(self.label + ":" + e.text.removeprefix("Condition:")) from None
        except ArithmeticError:
            # decimal.Overflow of an exponent like 1e999999999, which is not a ValueError.
            self.fail(f"the number {at} is out of range for {f.name}.")

    # -- OrderBy ---------------------------------------------------------------
    def order_by(self) -> list[tuple[str, bool]]:
        keys: list[tuple[str, bool]] = []
        while True:
            token = self.peek()
            if token.kind == "name":
                name = token.value
            elif token.kind == "word" and token.value not in KEYWORDS + ("asc", "desc"):
                name = token.text
            else:
                self.expected("a column")
            f = self.column(self.next(), name).field
            if any(key == f.name for key, _ in keys):
                # As SQL Server: "A column has been specified more than once in the order by list".
                self.fail(f"{f.name} at {token.pos} is named more than once.")
            descending = self.keyword("asc", "desc")
            keys.append((f.name, descending is not None and descending.value == "desc"))
            if self.peek().kind == "end":
                return keys
            if not self.punct(","):
                self.expected("',' or the end")
