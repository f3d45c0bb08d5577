"""Between spyne objects and the domain's plain values.

The wire has no "unset": .NET sends 0 for an unset Id and 0001-01-01T00:00:00 for an unset
date. The domain uses None for both.
"""
from __future__ import annotations

from datetime import datetime

from ..registry import Auto, Xsd

UNSET_DATE = datetime(1, 1, 1)


def encode_title(text: str) -> str:
    # [DOC] XML entities in titles are double encoded: & -> &amp;amp;, < -> &amp;#60;, > -> &amp;#62;
    return text.replace("&", "&amp;").replace("<", "&#60;").replace(">", "&#62;")


def decode_title(text: str) -> str:
    return text.replace("&#60;", "<").replace("&#62;", ">").replace("&amp;", "&")


def date_in(value: datetime | None) -> datetime | None:
    if value is None or value.replace(tzinfo=None) == UNSET_DATE:
        return None
    if value.tzinfo is not None:
        # The server works in its local time, without offsets.
        value = value.astimezone().replace(tzinfo=None)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def unset_if_zero(field) -> bool:
    return field.references is not None or field.auto is Auto.ID


def item_in(declared, obj) -> dict:
    """A spyne object of an item type as {field: value}, None for unset."""
    values = {}
    for f in declared.fields:
        v = getattr(obj, f.name, None)
        if v is None:
            continue
        if f.xsd is Xsd.DATETIME:
            v = date_in(v)
        elif f.xsd is Xsd.INT and v == 0 and unset_if_zero(f):
            v = None
        elif f.xsd is Xsd.STRING and f.double_encoded:
            v = decode_title(v)
        values[f.name] = v
    return values


def plain_in(declared, obj) -> dict | None:
    """A spyne object of a non-item type (AuthenticationData) as a dict."""
    if obj is None:
        return None
    return {f.name: getattr(obj, f.name, None) for f in declared.fields}
