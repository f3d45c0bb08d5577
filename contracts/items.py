"""Building items from Python with only the fields you set.

An ``.asmx`` WSDL marks every int, decimal and dateTime member required (``minOccurs=1``),
so zeep refuses to send a ``Bug`` that lacks any of them. ``build_item`` fills the rest the
way a client chooses:

- ``unset="defaults"`` sends what a .NET client sends for members it never set: ``0`` for
  numbers and ``0001-01-01T00:00:00`` for dates (strings are left out);
- ``unset="omit"`` leaves every member you did not set out of the XML.

QAComplete (and qacmock) treat both as "not set".

    from contracts.items import build_item
    bug = build_item(client, "Bug", Title="Crash on save", StatusCode="Active")
    service.Bugs_Add(auth, bug, "N", "")
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from zeep import xsd

NS = "http://www.pragmaticsw.com/"
UNSET_DATE = datetime.datetime(1, 1, 1)
DOTNET_DEFAULTS = {"int": 0, "long": 0, "short": 0, "decimal": Decimal(0), "double": 0.0,
                   "dateTime": UNSET_DATE, "boolean": False}


def build_item(client, type_name: str, unset: str = "defaults", **values):
    """A zeep object of ``type_name`` with ``values`` set and the other members filled per
    ``unset`` ("defaults" or "omit")."""
    if unset not in ("defaults", "omit"):
        raise ValueError("unset must be 'defaults' or 'omit'")
    item_type = client.get_type(f"{{{NS}}}{type_name}")
    members = dict(item_type.elements)
    unknown = sorted(set(values) - set(members))
    if unknown:
        raise TypeError(f"{type_name} has no member {', '.join(unknown)}")
    filled = {}
    for name, element in members.items():
        if name in values:
            filled[name] = values[name]
        elif unset == "omit":
            filled[name] = xsd.SkipValue
        elif element.type.name in DOTNET_DEFAULTS:
            filled[name] = DOTNET_DEFAULTS[element.type.name]
    return item_type(**filled)
