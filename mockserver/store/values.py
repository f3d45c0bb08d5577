"""Conversions between Python values and their SQLite representation."""
from datetime import datetime
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact

from ..registry import Xsd


def date_to_sql(value: datetime) -> str:
    # Four-digit years and three-digit milliseconds, so that dates compare and sort as text
    # (strftime's %Y gives '999' for the year 999 on glibc).
    return value.isoformat(timespec="milliseconds")


def date_from_sql(text: str) -> datetime:
    # fromisoformat is C code, many times faster than strptime: a 200-item page holds
    # well over a thousand dates.
    return datetime.fromisoformat(text)


# .NET's System.Decimal: a 96-bit integer scaled by 10^-0..10^-28. Decimal fields are kept as
# their exact text (SQLite's REAL would round 12345678901234567890.5 to a double), compared
# and sorted through the DECIMAL collation below.
DOTNET_MAX_SCALE = 28
DOTNET_MAX_MANTISSA = 2 ** 96 - 1
DOTNET_DECIMAL_MAX = Decimal(DOTNET_MAX_MANTISSA)
# Wide enough for any value in range at any scale; every operation below is exact in it.
_EXACT = Context(prec=80, traps=[Inexact])
# [INFERRED] .NET Framework's Decimal.Parse (which XmlSerializer uses) rounds a digit beyond
# what fits half away from zero.
_ROUNDING = Context(prec=80, rounding=ROUND_HALF_UP)


def dotnet_decimal(value: Decimal) -> Decimal:
    """``value`` as a .NET decimal holds it: at most 28 decimal places and a 96-bit integer of
    digits, the digits beyond rounded off; ValueError beyond ±79228162514264337593543950335."""
    if not value.is_finite() or value.adjusted() > 28:
        raise ValueError(f"{value} is out of the decimal range")
    scale = min(max(-value.as_tuple().exponent, 0), DOTNET_MAX_SCALE)
    while True:
        rounded = value.quantize(Decimal(1).scaleb(-scale), context=_ROUNDING)
        if rounded.scaleb(scale, context=_EXACT).copy_abs() <= DOTNET_MAX_MANTISSA or scale == 0:
            break
        scale -= 1
    if rounded.copy_abs() > DOTNET_DECIMAL_MAX:
        raise ValueError(f"{value} is out of the decimal range")
    return rounded


def decimal_text(value: Decimal) -> str:
    """The exact text of a decimal without exponent or trailing zeros: what is stored, and
    (being a valid xsd:decimal, unlike str()'s '1E-30') what goes on the wire."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def compare_decimals(a: str, b: str) -> int:
    """The DECIMAL collation: numeric order of decimal texts."""
    x, y = Decimal(a), Decimal(b)      # comparisons are exact, whatever the context's precision
    return (x > y) - (x < y)


DECIMAL_COLLATION = "DECIMAL"


# The types whose SQLite value is not already the Python value.
CONVERTED = frozenset((Xsd.DATETIME, Xsd.DECIMAL))


def to_sql(xsd: Xsd, value):
    if value is None:
        return None
    if xsd is Xsd.DATETIME:
        return date_to_sql(value)
    if xsd is Xsd.DECIMAL:
        return decimal_text(dotnet_decimal(Decimal(value)))
    return value


def from_sql(xsd: Xsd, value):
    if value is None:
        return None
    if xsd is Xsd.DATETIME:
        return date_from_sql(value)
    if xsd is Xsd.DECIMAL:
        # A float is a value written before decimals were kept as text; repr is its shortest exact text.
        return Decimal(value if isinstance(value, str) else repr(value))
    return value
