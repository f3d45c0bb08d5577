"""Checks on the operation element before spyne reads it, so that every bad input gets a fault
naming the element and value at fault (spyne itself would drop or mangle them)."""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from lxml import etree

from ..domain.errors import AuthenticationError, ValidationError
from ..registry import REGISTRY, NS, Operation, Xsd

INT32 = (-(2 ** 31), 2 ** 31 - 1)
# XML Schema lexical forms (ASCII only): Python's own parsers accept more ("5_0", "1e3",
# "Infinity", non-ASCII digits, a space in a date), and spyne or the store would then choke.
XSD_INT = re.compile(r"[+-]?[0-9]+", re.ASCII)
XSD_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", re.ASCII)
XSD_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?", re.ASCII)
DOTNET_DECIMAL_MAX = Decimal("79228162514264337593543950335")


def _local(el) -> str | None:
    if not isinstance(el.tag, str):
        return None   # comments, processing instructions
    q = etree.QName(el)
    return q.localname if q.namespace == NS else None


def _is_empty(el) -> bool:
    return len(el) == 0 and not (el.text or "")


def check_operation_element(op: Operation, element):
    params = {p.name: p for p in op.params}
    present = set()
    for child in element:
        name = _local(child)
        param = params.get(name)
        if param is None:
            continue   # XmlSerializer ignores elements it does not know
        present.add(name)
        if _is_empty(child):
            if param.allow_empty:
                continue
            raise ValidationError(
                f"Empty element <{name}> is not supported: leave it out or give it a value.")
        if param.max_length is not None and len(child.text or "") > param.max_length:
            raise ValidationError(
                f"{name} is {len(child.text)} characters long; the maximum is {param.max_length}.")
        _check_value(param.type, child, name)
    for p in op.params:
        if p.required and p.name not in present and p.name != "AuthenticationData":
            raise ValidationError(f"<{p.name}> is required by {op.name}.")


def _check_value(type_name: str, el, path: str):
    try:
        xsd = Xsd(type_name)
    except ValueError:
        xsd = None
    if xsd is None and type_name.startswith("ArrayOf"):
        return _check_array(type_name[len("ArrayOf"):], el, path)
    if xsd is None:
        return _check_complex(REGISTRY.complex_type(type_name), el, path)
    if xsd.is_array:
        return _check_array("int" if xsd is Xsd.ARRAY_OF_INT else "string", el, path)
    if len(el):
        raise ValidationError(f"<{path}> must hold a {xsd.value} value, not child elements.")
    _check_scalar(xsd, el.text or "", path)


def _check_complex(declared, el, path):
    fields = declared.fields_by_name
    for child in el:
        name = _local(child)
        f = fields.get(name)
        if f is None:
            continue
        child_path = f"{path}.{name}"
        if _is_empty(child):
            if declared.type_name == "AuthenticationData":
                # Blank credentials are bad credentials: the documented authentication fault.
                raise AuthenticationError()
            raise ValidationError(
                f"Empty element <{child_path}> is not supported: leave it out or give it a value.")
        _check_value(f.xsd.value if isinstance(f.xsd, Xsd) else f.xsd, child, child_path)


def _check_array(item_type, el, path):
    for child in el:
        name = _local(child)
        if name is None:
            continue
        if name != item_type:
            raise ValidationError(f"<{path}> holds <{name}>; its items are <{item_type}> elements.")
        if item_type in ("int", "string"):
            _check_value(item_type, child, f"{path}.{item_type}")
        else:
            _check_value(item_type, child, path)


def _is_calendar_date(match) -> bool:
    try:
        datetime(*(int(match.group(n)) for n in range(1, 7)))
    except ValueError:
        return False
    return True


def _check_scalar(xsd: Xsd, text: str, path: str):
    value = text.strip()
    if xsd is Xsd.INT:
        if not XSD_INT.fullmatch(value):
            raise ValidationError(f"{path} '{text}' is not a valid int.")
        if not INT32[0] <= int(value) <= INT32[1]:
            raise ValidationError(f"{path} {value} is out of the int range.")
    elif xsd is Xsd.DECIMAL:
        if not XSD_DECIMAL.fullmatch(value):
            raise ValidationError(f"{path} '{text}' is not a valid decimal.")
        if abs(Decimal(value)) > DOTNET_DECIMAL_MAX:
            raise ValidationError(f"{path} {value} is out of the decimal range.")
    elif xsd is Xsd.DATETIME:
        match = XSD_DATETIME.fullmatch(value)
        if match is None or not _is_calendar_date(match):
            raise ValidationError(
                f"{path} '{text}' is not a valid dateTime: use YYYY-MM-DDTHH:MM:SS[.sss].")
    elif xsd is Xsd.BOOLEAN:
        if value not in ("true", "false", "1", "0"):
            raise ValidationError(f"{path} '{text}' is not a valid boolean.")
