"""Lexical forms of the values a Condition may carry (tConst, tString, tDate)."""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

# yyyy-mm-dd, optionally followed by Thh:mm[:ss[.fffffff]] and an offset; '/' and a space
# are accepted too, as SQL Server's string-to-date conversion accepts them.
_DATE = re.compile(
    r"(\d{4})[-/](\d{2})[-/](\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?"
    r"(Z|[+-]\d{2}:\d{2})?", re.ASCII)
# re.ASCII: \d would otherwise accept any Unicode digit ('٣', '５'), which neither XML
# Schema nor SQL Server reads as a number.
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# Ranges of the XML Schema integer types a <Value> may declare (and of SQL Server's int).
INTEGER_RANGES = {
    "int": (-2 ** 31, 2 ** 31 - 1), "long": (-2 ** 63, 2 ** 63 - 1),
    "short": (-2 ** 15, 2 ** 15 - 1), "byte": (-128, 127),
    "unsignedInt": (0, 2 ** 32 - 1), "unsignedLong": (0, 2 ** 64 - 1),
    "unsignedShort": (0, 2 ** 16 - 1), "unsignedByte": (0, 255),
    "nonNegativeInteger": (0, None), "integer": (None, None),
}
_BOOLEANS = {"true": True, "1": True, "y": True, "false": False, "0": False, "n": False}

# SQLite integers are 64-bit; anything wider is compared as a float, as SQL Server would
# compare it as numeric.
_INT64 = 2 ** 63


def parse_date(text: str) -> datetime:
    m = _DATE.fullmatch(text.strip())
    if not m:
        raise ValueError(text)
    year, month, day, hour, minute, second, fraction, offset = m.groups()
    micro = int((fraction or "0").ljust(6, "0")[:6]) // 1000 * 1000
    value = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                     int(second or 0), micro)
    if offset:
        # The server works in its local time, without offsets.
        value = datetime.fromisoformat(value.isoformat() + ("+00:00" if offset == "Z" else offset))
        try:
            value = value.astimezone().replace(tzinfo=None)
        except OverflowError:
            raise ValueError(text) from None    # the offset moves it past year 1 or 9999
    return value


def parse_number(text: str, integer: str | None = None) -> Decimal:
    """The exact value of a number; with ``integer`` (an XML Schema integer type name such
    as "int"), an integer within that type's range."""
    text = text.strip()
    if not (_INTEGER if integer else _NUMBER).fullmatch(text):
        raise ValueError(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if integer:
        low, high = INTEGER_RANGES[integer]
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(text)
    return value


def sql_number(value: Decimal) -> int | float:
    """How the store binds a number compared with an int field: integers exactly (SQLite's are
    64-bit), wider ones as doubles (decimal fields take the exact Decimal)."""
    if value == value.to_integral_value() and abs(value) < _INT64:
        return int(value)
    as_float = float(value)
    if as_float in (float("inf"), float("-inf")):
        raise ValueError(str(value))
    return as_float


def parse_boolean(text: str) -> bool:
    try:
        return _BOOLEANS[text.strip().lower()]
    except KeyError:
        raise ValueError(text) from None
