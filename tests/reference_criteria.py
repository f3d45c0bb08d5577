"""A reference model of LoadByCriteria, for the property tests only.

It is written from docs/load-by-criteria.md alone and imports nothing from the engine
(``mockserver``): its own condition model, a renderer that spells a condition as the
Condition XML a client would send (with the spelling varied at random), an evaluator in
SQL's three-valued logic, a LIKE matcher, and the documented sort and paging.

Claims implemented (docs/load-by-criteria.md, "Semantics", "Sorting", "Paging"):

- a row matches only when the condition is True; any comparison with NULL is unknown
  (None), NOT unknown is unknown, AND / OR are Kleene's;
- text compares, matches IN and LIKE case-insensitively for ASCII letters only (A-Z folds
  to a-z, every other character compares by code point); no trimming of spaces;
- LIKE: ``%`` any run, ``_`` one character, ``[abc]`` / ``[a-f]`` / ``[^...]`` one character
  in (not in) the set; a character is in a range when its folded form lies between the
  folded endpoints; ``[%]``, ``[_]``, ``[[]`` are the characters themselves; LIKE on an
  integer field matches its decimal text;
- numbers compare numerically and exactly (the doc allows decimal fields a double's
  precision only, so the tests give those constants that doubles hold exactly); dates
  compare to the millisecond;
- sorting: text keys ASCII-case-insensitive, NULLs first ascending and last descending,
  ties broken by id ascending; pages are slices of that order.
"""
from __future__ import annotations

import calendar
import functools
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from xml.sax.saxutils import escape

TEXT, INT, DECIMAL, DATE = "text", "int", "decimal", "date"
NUMERIC = (INT, DECIMAL)

# The Bug fields the tests use, with the kind they are compared as.
FIELD_KINDS = {
    "BugId": INT,
    "Title": TEXT, "StatusCode": TEXT, "Custom1": TEXT, "Custom2": TEXT, "AssignedToName": TEXT,
    "PctComplete": INT, "AssigneeUserId": INT,
    "EstHrs": DECIMAL,
    "DateCreated": DATE, "EstStart": DATE,
}


# -- the condition model -------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    name: str

    @property
    def kind(self) -> str:
        return FIELD_KINDS[self.name]


@dataclass(frozen=True)
class And:
    children: tuple


@dataclass(frozen=True)
class Or:
    children: tuple


@dataclass(frozen=True)
class Not:
    child: object


@dataclass(frozen=True)
class Cmp:
    op: str            # "<", "<=", "=", "<>", ">", ">=": field op other
    field: Field
    other: object      # a Field of the same kind, or a constant (str, int, Decimal, datetime)


@dataclass(frozen=True)
class In:
    field: Field
    values: tuple
    negated: bool = False


@dataclass(frozen=True)
class Like:
    field: Field
    pattern: tuple     # of Lit | AnyRun | AnyOne | CharSet
    negated: bool = False


@dataclass(frozen=True)
class Null:
    field: Field
    negated: bool = False


@dataclass(frozen=True)
class Now:
    """A tSQLstring date relative to the server's clock: ``function`` (getdate() and its
    synonyms are local time, getutcdate() and sysutcdatetime() UTC) plus ``days``, at
    midnight when ``as_date`` (cast / convert to date)."""
    function: str
    days: int = 0
    as_date: bool = False

    def value(self) -> datetime:
        if self.function in ("getutcdate()", "sysutcdatetime()"):
            t = datetime.now(timezone.utc).replace(tzinfo=None)
        else:
            t = datetime.now()
        t += timedelta(days=self.days)
        return t.replace(hour=0, minute=0, second=0, microsecond=0) if self.as_date else t

    def expression(self, rng: random.Random) -> str:
        fn = self.function if rng.random() < 0.7 else self.function.upper()
        expr = fn if not self.days and rng.random() < 0.5 else \
            f"dateadd({rng.choice(['day', 'dd', 'd'])}, {self.days}, {fn})"
        if self.as_date:
            expr = rng.choice([f"cast({expr} as date)", f"convert(date, {expr})"])
        return expr


# LIKE pattern parts
@dataclass(frozen=True)
class Lit:
    char: str


@dataclass(frozen=True)
class AnyRun:          # %
    pass


@dataclass(frozen=True)
class AnyOne:          # _
    pass


@dataclass(frozen=True)
class CharSet:
    items: tuple       # (low, high) pairs; a single character is (c, c)
    negated: bool = False


# -- case folding ------------------------------------------------------------------------

_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(text: str) -> str:
    """ASCII letters to lower case; every other character unchanged."""
    return text.translate(_FOLD)


# -- LIKE ----------------------------------------------------------------------------------

def _part_matches(part, c: str) -> bool:
    if isinstance(part, AnyOne):
        return True
    if isinstance(part, Lit):
        return fold(part.char) == fold(c)
    if isinstance(part, CharSet):
        fc = fold(c)
        inside = any(fold(lo) <= fc <= fold(hi) for lo, hi in part.items)
        return inside != part.negated
    raise TypeError(part)


def like_match(pattern: tuple, text: str) -> bool:
    """Whether the whole of ``text`` matches the pattern (dynamic programming)."""
    states = {0}                       # pattern positions reachable after the text consumed so far

    def close(positions):
        out, todo = set(), list(positions)
        while todo:
            p = todo.pop()
            if p in out:
                continue
            out.add(p)
            if p < len(pattern) and isinstance(pattern[p], AnyRun):
                todo.append(p + 1)
        return out

    states = close(states)
    for c in text:
        nxt = set()
        for p in states:
            if p >= len(pattern):
                continue
            part = pattern[p]
            if isinstance(part, AnyRun):
                nxt.add(p)
            elif _part_matches(part, c):
                nxt.add(p + 1)
        states = close(nxt)
        if not states:
            return False
    return len(pattern) in states


def render_pattern(pattern: tuple, rng: random.Random | None = None) -> str:
    """The pattern in SQL Server LIKE syntax."""
    rng = rng or random.Random(0)
    out = []
    for part in pattern:
        if isinstance(part, AnyRun):
            out.append("%")
        elif isinstance(part, AnyOne):
            out.append("_")
        elif isinstance(part, Lit):
            c = part.char
            if c in "%_[":
                out.append(f"[{c}]")
            elif c.isalnum() and rng.random() < 0.15:
                out.append(f"[{c}]")        # a one-character set means the character
            else:
                out.append(c)
        else:
            out.append(_render_set(part, rng))
    return "".join(out)


def _render_set(char_set: CharSet, rng: random.Random) -> str:
    # Ranges never have '-', ']' or '^' as an endpoint and ']' is never a single member
    # (the strategies see to it); a single '-' goes last and a single '^' never first in
    # a set that is not negated, so that the text reads back as the same set.
    items = list(dict.fromkeys(char_set.items))
    rng.shuffle(items)
    dash = ("-", "-") in items
    if dash:
        items.remove(("-", "-"))
    body = [lo if lo == hi else f"{lo}-{hi}" for lo, hi in items]
    if not char_set.negated and body and body[0] == "^":
        body.append(body.pop(0))
    if dash:
        # Last, or first when '^' would be first otherwise: a '-' there is no range.
        if not char_set.negated and body == ["^"]:
            body.insert(0, "-")
        else:
            body.append("-")
    text = "".join(body)
    assert text and (char_set.negated or text != "^")
    return "[" + ("^" if char_set.negated else "") + text + "]"


# -- evaluation ----------------------------------------------------------------------------

def _compare(op: str, a, b) -> bool:
    return {"<": a < b, "<=": a <= b, "=": a == b, "<>": a != b, ">": a > b, ">=": a >= b}[op]


def _key(kind: str, value):
    """The value as compared: folded text, exact numbers, datetimes at milliseconds."""
    if kind == TEXT:
        return fold(value)
    if kind in NUMERIC:
        return Decimal(value) if not isinstance(value, Decimal) else value
    if kind == DATE:
        if isinstance(value, Now):
            value = value.value()
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    raise TypeError(kind)


def evaluate(cond, row: dict):
    """True, False or None (unknown) for ``row`` (field name -> Python value or None)."""
    if isinstance(cond, And):
        results = [evaluate(c, row) for c in cond.children]
        if False in results:
            return False
        return None if None in results else True
    if isinstance(cond, Or):
        results = [evaluate(c, row) for c in cond.children]
        if True in results:
            return True
        return None if None in results else False
    if isinstance(cond, Not):
        r = evaluate(cond.child, row)
        return None if r is None else not r
    if isinstance(cond, Null):
        return (row[cond.field.name] is None) != cond.negated
    if isinstance(cond, Cmp):
        kind = cond.field.kind
        a = row[cond.field.name]
        b = row[cond.other.name] if isinstance(cond.other, Field) else cond.other
        if a is None or b is None:
            return None
        return _compare(cond.op, _key(kind, a), _key(kind, b))
    if isinstance(cond, In):
        kind = cond.field.kind
        a = row[cond.field.name]
        if a is None:
            return None
        found = any(_key(kind, a) == _key(kind, v) for v in cond.values)
        return found != cond.negated
    if isinstance(cond, Like):
        a = row[cond.field.name]
        if a is None:
            return None
        text = a if cond.field.kind == TEXT else str(a)
        return like_match(cond.pattern, text) != cond.negated
    raise TypeError(cond)


def matches(cond, row: dict) -> bool:
    return cond is None or evaluate(cond, row) is True


def sort_rows(rows: list[dict], order_by: list[tuple[str, bool]], id_field: str = "BugId") -> list[dict]:
    """Rows in the documented order: keys in turn (NULLs first ascending, last descending,
    text ASCII-case-insensitive), ties by id ascending."""

    def cmp(r1, r2):
        for name, desc in order_by:
            a, b = r1[name], r2[name]
            if a is None and b is None:
                continue
            if a is None:
                c = -1
            elif b is None:
                c = 1
            else:
                ka, kb = _key(FIELD_KINDS[name], a), _key(FIELD_KINDS[name], b)
                c = (ka > kb) - (ka < kb)
            if c:
                return -c if desc else c
        return (r1[id_field] > r2[id_field]) - (r1[id_field] < r2[id_field])

    return sorted(rows, key=functools.cmp_to_key(cmp))


def expected_ids(rows: list[dict], cond, order_by: list[tuple[str, bool]]) -> list[int]:
    return [r["BugId"] for r in sort_rows([r for r in rows if matches(cond, r)], order_by)]


def page(ids: list[int], page_size: int, page_number: int) -> list[int]:
    return ids[(page_number - 1) * page_size: page_number * page_size]


# -- rendering the Condition XML -------------------------------------------------------------

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
OPERATORS = {"<": "opLT", "<=": "opLTE", "=": "opEQU", "<>": "opNOTEQU", ">": "opGT", ">=": "opGTE"}
MIRRORED = {"<": ">", "<=": ">=", "=": "=", "<>": "<>", ">": "<", ">=": "<="}
_INTEGER_TEXT = re.compile(r"0|-?[1-9][0-9]{0,8}")


def date_text(d: datetime, rng: random.Random, offsets: bool = True) -> str:
    """A spelling of ``d`` (server local time) the doc accepts for tDate (and tString on a
    date field): optional time, seconds and fraction, '-' or '/', 'T' or ' ', Z or +hh:mm."""
    if offsets and rng.random() < 0.15:
        minutes = rng.choice([0, 0, 60, -300, 330, 840, -720])
        try:
            aware = d.astimezone().astimezone(timezone(timedelta(minutes=minutes)))
            back = aware.astimezone().replace(tzinfo=None)
        except (OverflowError, ValueError):
            aware = back = None
        if back == d and 1 <= aware.year <= 9999:
            if minutes == 0 and rng.random() < 0.7:
                suffix = "Z"
            else:
                sign, m = ("-", -minutes) if minutes < 0 else ("+", minutes)
                suffix = f"{sign}{m // 60:02d}:{m % 60:02d}"
            return date_text(aware.replace(tzinfo=None), rng, offsets=False) + suffix
    sep = rng.choice(["-", "-", "-", "/"])
    day = f"{d.year:04d}{sep}{d.month:02d}{sep}{d.day:02d}"
    ms = d.microsecond // 1000
    if d.hour == d.minute == d.second == ms == 0 and rng.random() < 0.4 and offsets:
        return day                                   # midnight
    t = rng.choice(["T", "T", " "])
    clock = f"{d.hour:02d}:{d.minute:02d}"
    if d.second == ms == 0 and rng.random() < 0.3:
        return day + t + clock                       # hh:mm
    clock += f":{d.second:02d}"
    if ms or rng.random() < 0.3:
        fraction = f"{ms:03d}"
        style = rng.random()
        if style < 0.3 and ms % 10 == 0:
            fraction = fraction.rstrip("0") or "0"   # .5 = .500
        elif style < 0.6:
            fraction += "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 4)))  # beyond ms: truncated
        clock += "." + fraction
    return day + t + clock


def _add_months(d: datetime, months: int) -> datetime:
    """SQL Server's dateadd(month): the same day, clamped to the end of a shorter month."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return d.replace(year=year, month=month + 1, day=min(d.day, calendar.monthrange(year, month + 1)[1]))


def sql_date_text(d: datetime, rng: random.Random) -> str | None:
    """A whitelisted tSQLstring expression worth ``d``, or None when none is handy.

    dateadd(part, n, 'literal') with the literal chosen so that the result is ``d``: day
    parts (day, dayofyear, weekday, week) add days, time parts add time, month parts
    (month, quarter, year) add months and clamp the day to the end of a shorter month.
    """
    ms = d.microsecond // 1000
    base_second = d.replace(microsecond=0)

    def literal(b: datetime) -> str:
        if b.hour == b.minute == b.second == 0 and rng.random() < 0.5:
            return f"'{b.year:04d}-{b.month:02d}-{b.day:02d}'"
        return f"'{b.year:04d}-{b.month:02d}-{b.day:02d}T{b.hour:02d}:{b.minute:02d}:{b.second:02d}'"

    def spell(part: str) -> str:
        return part if rng.random() < 0.7 else part.upper()

    try:
        if ms:
            k = rng.randint(-2, 2)
            return f"dateadd({spell(rng.choice(['ms', 'millisecond']))}, {ms + 1000 * k}, " \
                   f"{literal(base_second - timedelta(seconds=k))})"
        if rng.random() < 0.35:
            part, size = rng.choice([("month", 1), ("mm", 1), ("m", 1), ("quarter", 3), ("qq", 3),
                                     ("q", 3), ("year", 12), ("yy", 12), ("yyyy", 12)])
            n = rng.randint(-6, 6)
            base = _add_months(d, -n * size)
            last = calendar.monthrange(base.year, base.month)[1]
            if d.day == calendar.monthrange(d.year, d.month)[1] and last > base.day and rng.random() < 0.7:
                # From a later day of the base month, which clamps to d's last day.
                base = base.replace(day=rng.randint(base.day + 1, last))
            if _add_months(base, n * size) != d:
                return None
            return f"dateadd({spell(part)}, {n}, {literal(base)})"
        part, unit = rng.choice([
            ("day", timedelta(days=1)), ("dd", timedelta(days=1)), ("d", timedelta(days=1)),
            ("dayofyear", timedelta(days=1)), ("dy", timedelta(days=1)), ("y", timedelta(days=1)),
            ("weekday", timedelta(days=1)), ("dw", timedelta(days=1)), ("w", timedelta(days=1)),
            ("week", timedelta(days=7)), ("wk", timedelta(days=7)), ("ww", timedelta(days=7)),
            ("hour", timedelta(hours=1)), ("hh", timedelta(hours=1)),
            ("minute", timedelta(minutes=1)), ("mi", timedelta(minutes=1)), ("n", timedelta(minutes=1)),
            ("second", timedelta(seconds=1)), ("ss", timedelta(seconds=1)), ("s", timedelta(seconds=1))])
        n = rng.randint(-40, 40)
        base = d - n * unit
        amount = f"+{n}" if n >= 0 and rng.random() < 0.3 else str(n)
        expr = f"dateadd({spell(part)}, {amount}, {literal(base)})"
        if d.hour == d.minute == d.second == 0 and rng.random() < 0.3:
            expr = rng.choice([f"cast(dateadd(hour, {rng.randint(0, 23)}, {expr}) as date)",
                               f"convert(date, dateadd(minute, {rng.randint(0, 1439)}, {expr}))"])
        elif rng.random() < 0.1:
            expr = rng.choice([f"cast({expr} as datetime)", f"convert(datetime, {expr})"])
        return expr
    except (OverflowError, ValueError):
        return None


def _in_int32(v) -> bool:
    return -2 ** 31 <= v <= 2 ** 31 - 1


_INTEGER_TYPES = {
    "int": (-2 ** 31, 2 ** 31 - 1), "long": (-2 ** 63, 2 ** 63 - 1), "short": (-2 ** 15, 2 ** 15 - 1),
    "byte": (-128, 127), "unsignedInt": (0, 2 ** 32 - 1), "unsignedLong": (0, 2 ** 64 - 1),
    "unsignedShort": (0, 2 ** 16 - 1), "unsignedByte": (0, 255),
    "nonNegativeInteger": (0, float("inf")), "integer": (float("-inf"), float("inf")),
}


def _integer_types(v) -> list[str]:
    """The XML Schema integer types whose value space holds the integer ``v``."""
    return [name for name, (low, high) in _INTEGER_TYPES.items() if low <= v <= high]


def _number_text(value, rng: random.Random) -> str:
    """A tConst spelling of a number."""
    v = Decimal(value)
    if v == v.to_integral_value():
        i = int(v)
        choices = [str(i), str(i), f"{i}.0"]
        if i and i % 100 == 0:
            choices.append(f"{i // 100}e2")
        if i > 0:
            choices.append(f"+{i}")
        return rng.choice(choices)
    text = format(v, "f")
    choices = [text, text.rstrip("0")]
    if text.startswith("0."):
        choices.append(text[1:])                 # .25
    return rng.choice(choices)


class Renderer:
    """Spells a condition as Condition XML, choosing the spelling at random."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.xsd = rng.choice(["xsd", "xsd", "xs", "s"])

    def render(self, cond) -> str:
        r = self.rng
        body = self.node(cond, root=True)
        if r.random() < 0.2:
            body = '<?xml version="1.0" encoding="utf-16"?>' + ("\n" if r.random() < 0.5 else "") + body
        elif r.random() < 0.1:
            body = "\n  " + body                    # whitespace, but never before a declaration
        if r.random() < 0.1:
            body += "\n"
        return body

    # -- pieces -------------------------------------------------------------
    def ws(self) -> str:
        x = self.rng.random()
        if x < 0.15:
            return "\n  "
        if x < 0.2:
            return "<!-- c -->"
        return ""

    def type_attr(self, local: str | None) -> str:
        if local is None:
            return ""
        if local == "anyType" and self.rng.random() < 0.5:
            return ' xsi:type="anyType"'
        return f' xsi:type="{self.xsd}:{local}"'

    def value(self, text: str, local: str | None, tag: str = "Value") -> str:
        return f"<{tag}{self.type_attr(local)}>{escape(text)}</{tag}>"

    def item(self, item_type: str, text: str, local: str | None) -> str:
        return f'<Items Type="{item_type}">{self.ws()}{self.value(text, local)}{self.ws()}</Items>'

    def field_item(self, f: Field) -> str:
        name = self.rng.choice([f.name, f.name, f.name.lower(), f.name.upper(),
                                "".join(c.swapcase() if self.rng.random() < 0.5 else c for c in f.name)])
        return self.item("tField", name, self.rng.choice([None, "string", "string"]))

    def conditions(self, op: str, inner: str, root: bool) -> str:
        ns = ""
        if root:
            ns = f' xmlns:xsi="{XSI}" xmlns:{self.xsd}="{XSD}"'
        return f'<Conditions{ns} Operation="{op}">{self.ws()}{inner}{self.ws()}</Conditions>'

    # -- constants ----------------------------------------------------------
    def constant_item(self, f: Field, value) -> str:
        """An <Items> holding ``value`` as compared with field ``f``."""
        r = self.rng
        kind = f.kind
        if kind == TEXT:
            if _INTEGER_TEXT.fullmatch(value) and r.random() < 0.5:
                return self.item("tConst", value, r.choice([None, "int", "decimal"]))
            return self.item("tString", value, r.choice([None, "string", "anyType"]))
        if kind in NUMERIC:
            v = Decimal(value)
            integral = v == v.to_integral_value()
            # An int field takes a tString only for an integer in the int range [doc].
            if r.random() < 0.4 and (kind == DECIMAL or (integral and _in_int32(v))):
                # SQL Server converts a string to the field's type (int needs an integer).
                text = str(int(v)) if integral else format(v, "f")
                return self.item("tString", text, r.choice([None, "string"] + (_integer_types(v) if integral
                                                                            else ["decimal"])))
            text = _number_text(v, r)
            integer_text = re.fullmatch(r"[+-]?\d+", text) is not None
            local = r.choice([None, "decimal", "double"] + (_integer_types(v) if integer_text else []))
            return self.item("tConst", text, local)
        if kind == DATE:
            if isinstance(value, Now):
                return self.item("tSQLstring", value.expression(r), r.choice([None, "string"]))
            x = r.random()
            if x < 0.15:
                expr = sql_date_text(value, r)
                if expr is not None:
                    return self.item("tSQLstring", expr, r.choice([None, "string"]))
            if x < 0.35:
                return self.item("tString", date_text(value, r), r.choice([None, "string"]))
            return self.item("tDate", date_text(value, r), r.choice([None, None, "dateTime"]))
        raise TypeError(kind)

    def array_item(self, f: Field, values: tuple) -> str:
        r = self.rng
        kind = f.kind
        members = []                  # (text, xsi:type when typed, untyped ok)
        for v in values:
            if kind == TEXT:
                members.append((v, r.choice(["string", "anyType"]), True))
            elif kind in NUMERIC:
                d = Decimal(v)
                if d == d.to_integral_value():
                    text = str(int(d))
                    # untyped and xsd:string members are tString: an int field needs an int32.
                    ok = kind == DECIMAL or _in_int32(d)
                    members.append((text, r.choice(["decimal"] + _integer_types(d) + (["string"] if ok else [])),
                                    ok))
                else:
                    text = format(d, "f")
                    # untyped or xsd:string members are tString: an int field needs an integer.
                    members.append((text, r.choice(["decimal", "double"] + (["string"] if kind == DECIMAL else [])),
                                    kind == DECIMAL))
            else:
                members.append((date_text(v, r), r.choice(["dateTime", "string"]), True))
        style = r.random()
        all_untyped_ok = all(ok for _, _, ok in members)
        if style < 0.3 and all_untyped_ok:
            # XmlSerializer's string[] / int[]: one Value holding untyped members.
            if kind in NUMERIC and all(re.fullmatch(r"-?\d+", t) for t, _, _ in members) and r.random() < 0.5:
                array_type, tag = "ArrayOfInt", "int"
            else:
                array_type, tag = "ArrayOfString", "string"
            prefix = r.choice(["", "q1:"])
            ns = ' xmlns:q1="http://www.pragmaticsw.com/"' if prefix else ""
            inner = "".join(self.value(t, None, tag) for t, _, _ in members)
            return (f'<Items Type="tArray"><Value xsi:type="{prefix}{array_type}"{ns}>{inner}</Value></Items>')
        if style < 0.55:
            # object[]: anyType members, each typed
            inner = "".join(self.value(t, local, "anyType") for t, local, _ in members)
            return f'<Items Type="tArray"><Value xsi:type="ArrayOfAnyType">{inner}</Value></Items>'
        # several Value elements
        inner = "".join(self.value(t, local if (not ok or r.random() < 0.7) else None)
                        + self.ws() for t, local, ok in members)
        return f'<Items Type="tArray">{inner}</Items>'

    # -- nodes --------------------------------------------------------------
    def node(self, cond, root: bool = False) -> str:
        r = self.rng
        if isinstance(cond, (And, Or)):
            op = "opAND" if isinstance(cond, And) else "opOR"
            return self.conditions(op, "".join(self.node(c) + self.ws() for c in cond.children), root)
        if isinstance(cond, Not):
            return self.conditions("opNOT", self.node(cond.child), root)
        if isinstance(cond, Null):
            return self.conditions("opNOTNULL" if cond.negated else "opNULL", self.field_item(cond.field), root)
        if isinstance(cond, Cmp):
            left_field = cond.field
            if isinstance(cond.other, Field):
                a, b, op = self.field_item(left_field), self.field_item(cond.other), cond.op
            else:
                a, b, op = self.field_item(left_field), self.constant_item(left_field, cond.other), cond.op
            if r.random() < 0.35:
                a, b, op = b, a, MIRRORED[op]        # '5 < PctComplete' is 'PctComplete > 5'
            return self.conditions(OPERATORS[op], a + self.ws() + b, root)
        if isinstance(cond, In):
            return self.conditions("opNOTIN" if cond.negated else "opIN",
                                   self.field_item(cond.field) + self.array_item(cond.field, cond.values), root)
        if isinstance(cond, Like):
            pattern = render_pattern(cond.pattern, r)
            return self.conditions("opNOTLIKE" if cond.negated else "opLIKE",
                                   self.field_item(cond.field)
                                   + self.item("tString", pattern, r.choice([None, "string"])), root)
        raise TypeError(cond)


def render(cond, rng: random.Random) -> str:
    """The Condition XML for ``cond`` ("" for no condition, i.e. all items)."""
    if cond is None:
        return rng.choice(["", "  ", None])
    return Renderer(rng).render(cond)


def render_sorting(order_by: list[tuple[str, bool]], rng: random.Random) -> str:
    if not order_by:
        return rng.choice(["", " "])
    parts = []
    for name, desc in order_by:
        spelled = rng.choice([name, name.lower(), name.upper()])
        if desc:
            parts.append(f"{spelled} {rng.choice(['DESC', 'desc', 'Desc'])}")
        else:
            parts.append(rng.choice([spelled, f"{spelled} ASC", f"{spelled} asc"]))
    return rng.choice([", ", ",", " , "]).join(parts)
