"""tSQLstring operands: the few SQL Server date expressions the mock understands.

The real service hands these to SQL Server. The mock evaluates an explicit whitelist
here, to a plain datetime that is then bound as a parameter, so nothing a client writes
ever reaches SQL. Grammar (case-insensitive)::

    expr  := getdate() | getutcdate() | sysdatetime() | sysutcdatetime() | current_timestamp
           | dateadd(part, [+|-]integer, expr | 'date literal')
           | cast(expr as date|datetime) | convert(date|datetime, expr)
    part  := year|yy|yyyy|quarter|qq|q|month|mm|m|dayofyear|dy|y|day|dd|d|week|wk|ww
           | weekday|dw|w|hour|hh|minute|mi|n|second|ss|s|millisecond|ms
"""
from __future__ import annotations

import calendar
from datetime import datetime, timedelta, timezone

from .errors import ValidationError
from .literals import parse_date

NOW_FUNCTIONS = ("getdate", "sysdatetime", "current_timestamp")
UTC_FUNCTIONS = ("getutcdate", "sysutcdatetime")
DATE_PARTS = {
    **dict.fromkeys(("year", "yy", "yyyy"), ("months", 12)),
    **dict.fromkeys(("quarter", "qq", "q"), ("months", 3)),
    **dict.fromkeys(("month", "mm", "m"), ("months", 1)),
    **dict.fromkeys(("dayofyear", "dy", "y", "day", "dd", "d", "weekday", "dw", "w"), ("days", 1)),
    **dict.fromkeys(("week", "wk", "ww"), ("days", 7)),
    **dict.fromkeys(("hour", "hh"), ("seconds", 3600)),
    **dict.fromkeys(("minute", "mi", "n"), ("seconds", 60)),
    **dict.fromkeys(("second", "ss", "s"), ("seconds", 1)),
    **dict.fromkeys(("millisecond", "ms"), ("milliseconds", 1)),
}
SUPPORTED = ("getdate(), getutcdate(), sysdatetime(), sysutcdatetime(), current_timestamp, "
             "dateadd(part, n, expr), cast(expr as date) and convert(date, expr)")
MAX_DEPTH = 16
DIGITS = "0123456789"   # str.isdigit() would take any Unicode digit


class _Tokens:
    def __init__(self, text: str, where: str):
        self.text, self.where = text, where
        self.items = _tokenize(text, self.fail)
        self.pos = 0

    def fail(self, why: str):
        raise ValidationError(
            f"{self.where}: tSQLstring '{self.text}' is not supported: {why}. "
            f"The mock evaluates only {SUPPORTED}.")

    def peek(self):
        return self.items[self.pos] if self.pos < len(self.items) else ("end", "")

    def take(self, kind: str, value: str | None = None):
        token = self.peek()
        if token[0] != kind or (value is not None and token[1] != value):
            self.fail(f"expected {value or kind} but found '{token[1] or 'the end'}'")
        self.pos += 1
        return token[1]


def _tokenize(text: str, fail) -> list[tuple[str, str]]:
    tokens, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif (c.isascii() and c.isalpha()) or c == "_":
            j = i
            while j < n and ((text[j].isascii() and text[j].isalnum()) or text[j] == "_"):
                j += 1
            tokens.append(("word", text[i:j].lower()))
            i = j
        elif c in DIGITS or (c in "+-" and i + 1 < n and text[i + 1] in DIGITS):
            j = i + 1
            while j < n and text[j] in DIGITS:
                j += 1
            tokens.append(("int", text[i:j]))
            i = j
        elif c == "'":
            j = text.find("'", i + 1)
            if j < 0:
                fail("a quoted literal is never closed")
            tokens.append(("string", text[i + 1:j]))
            i = j + 1
        elif c in "(),":
            tokens.append((c, c))
            i += 1
        else:
            fail(f"unexpected character '{c}'")
    return tokens


def evaluate(text: str, now: datetime, where: str) -> datetime:
    """The datetime a whitelisted SQL Server expression stands for at ``now`` (local)."""
    tokens = _Tokens(text, where)
    value = _expression(tokens, now, 0)
    if tokens.peek()[0] != "end":
        tokens.fail(f"unexpected '{tokens.peek()[1]}' after the expression")
    return value


def _expression(tokens: _Tokens, now: datetime, depth: int) -> datetime:
    if depth > MAX_DEPTH:
        tokens.fail("it is nested too deeply")
    kind, word = tokens.peek()
    if kind == "string":
        tokens.take("string")
        return _date_literal(word, tokens)
    name = tokens.take("word")
    if name == "current_timestamp":
        return now
    if name in NOW_FUNCTIONS or name in UTC_FUNCTIONS:
        tokens.take("(")
        tokens.take(")")
        if name in UTC_FUNCTIONS:
            return now.astimezone(timezone.utc).replace(tzinfo=None)
        return now
    if name == "dateadd":
        tokens.take("(")
        part = tokens.take("word")
        if part not in DATE_PARTS:
            tokens.fail(f"'{part}' is not a date part")
        tokens.take(",")
        amount = int(tokens.take("int"))
        tokens.take(",")
        base = _expression(tokens, now, depth + 1)
        tokens.take(")")
        return _add(base, part, amount, tokens)
    if name == "cast":
        tokens.take("(")
        base = _expression(tokens, now, depth + 1)
        tokens.take("word", "as")
        target = tokens.take("word")
        tokens.take(")")
        return _convert(target, base, tokens)
    if name == "convert":
        tokens.take("(")
        target = tokens.take("word")
        tokens.take(",")
        base = _expression(tokens, now, depth + 1)
        tokens.take(")")
        return _convert(target, base, tokens)
    tokens.fail(f"'{name}' is not a known function")


def _convert(target: str, value: datetime, tokens: _Tokens) -> datetime:
    if target == "date":
        return value.replace(hour=0, minute=0, second=0, microsecond=0)
    if target in ("datetime", "datetime2", "smalldatetime"):
        return value
    tokens.fail(f"cannot convert to '{target}'")


def _add(base: datetime, part: str, amount: int, tokens: _Tokens) -> datetime:
    unit, size = DATE_PARTS[part]
    try:
        if unit == "months":
            months = base.month - 1 + amount * size
            year = base.year + months // 12
            month = months % 12 + 1
            # SQL Server clamps to the last day of the month: dateadd(month, 1, Jan 31) = Feb 28/29.
            day = min(base.day, calendar.monthrange(year, month)[1])
            return base.replace(year=year, month=month, day=day)
        return base + timedelta(**{unit: amount * size})
    except (ValueError, OverflowError):
        tokens.fail(f"dateadd({part}, {amount}, ...) goes outside the range of dates")


def _date_literal(text: str, tokens: _Tokens) -> datetime:
    try:
        return parse_date(text)
    except ValueError:
        tokens.fail(f"'{text}' is not a date in the form yyyy-mm-ddThh:mm:ss")
