"""Conversions between Python values and their SQLite representation."""
from datetime import datetime
from decimal import Decimal

from ..registry import Xsd



def date_to_sql(value: datetime) -> str:
    # Four-digit years and three-digit milliseconds, so that dates compare and sort as text
    # (strftime's %Y gives '999' for the year 999 on glibc).
    return value.isoformat(timespec="milliseconds")


def date_from_sql(text: str) -> datetime:
    # fromisoformat is C code, many times faster than strptime: a 200-item page holds
    # well over a thousand dates.
    return datetime.fromisoformat(text)


# The types whose SQLite value is not already the Python value.
CONVERTED = frozenset((Xsd.DATETIME, Xsd.DECIMAL))


def to_sql(xsd: Xsd, value):
    if value is None:
        return None
    if xsd is Xsd.DATETIME:
        return date_to_sql(value)
    if xsd is Xsd.DECIMAL:
        return float(value)
    return value


def from_sql(xsd: Xsd, value):
    if value is None:
        return None
    if xsd is Xsd.DATETIME:
        return date_from_sql(value)
    if xsd is Xsd.DECIMAL:
        return Decimal(repr(value)).normalize() if value != int(value) else Decimal(int(value))
    return value
