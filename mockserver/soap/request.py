"""Checks on the operation element before spyne reads it, so that every bad input gets a fault
naming the element and value at fault (spyne itself would drop or mangle them).

What passes is what ASP.NET's XmlSerializer reads [INFERRED]: an empty element is "" for a
string member and an empty array for an array member, and is refused for int, decimal,
dateTime and boolean members (XmlSerializer cannot parse "" as those); ``xsi:nil="true"`` is a
null string, array or object and is refused on those value types; ``xsi:type`` must name the
declared type (on simple members, any XML Schema built-in type: XmlSerializer does not read it
there); elements it does not know are ignored. The tree handed on to spyne holds only
what was checked: unknown elements and the xsi attributes are removed from it.
"""
from __future__ import annotations

import binascii
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from lxml import etree

from ..domain.errors import AuthenticationError, ValidationError, brief
from ..registry import REGISTRY, NS, Operation, Xsd
from ..registry.constants import XSD, XSI
from ..store.values import dotnet_decimal

INT32 = (-(2 ** 31), 2 ** 31 - 1)
# XML Schema lexical forms (ASCII only): Python's own parsers accept more ("5_0", "1e3",
# "Infinity", non-ASCII digits, a space in a date), and spyne or the store would then choke.
XSD_INT = re.compile(r"[+-]?0*([0-9]{1,10})", re.ASCII)
XSD_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", re.ASCII)
XSD_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?", re.ASCII)
XML_SPACE = " \t\r\n"      # what XML Schema's whitespace collapse removes; not Python's str.strip()
XSI_TYPE, XSI_NIL = f"{{{XSI}}}type", f"{{{XSI}}}nil"


_IN_NS = f"{{{NS}}}"
_IN_NS_LENGTH = len(_IN_NS)


def _local(el) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None   # comments, processing instructions
    if tag.startswith(_IN_NS):      # the usual case, without building a QName
        return tag[_IN_NS_LENGTH:]
    return None


def _is_empty(el) -> bool:
    return len(el) == 0 and not (el.text or "")


_VALUE_TYPES = frozenset(x.value for x in Xsd if x.is_value_type)


def _declared_name(type_name: str) -> tuple[str, str]:
    """The XML Schema type a member is declared with, as (namespace, local name)."""
    xsd = Xsd.named(type_name)
    if xsd is None:
        return NS, type_name
    return (NS, xsd.value) if xsd.is_array else (XSD, xsd.value)


def _is_value_type(type_name: str) -> bool:
    return type_name in _VALUE_TYPES


def _is_nil(el, type_name: str, path: str) -> bool:
    """Check the xsi attributes of ``el`` and remove every attribute (XmlSerializer ignores those
    it does not know; spyne would read one named like a member as that member); True when it is
    xsi:nil="true"."""
    given = el.attrib.pop(XSI_TYPE, None)
    nil = el.attrib.pop(XSI_NIL, None)
    el.attrib.clear()
    if given is not None:
        prefix, _, local = given.strip(XML_SPACE).rpartition(":")
        namespace = el.nsmap.get(prefix or None)
        declared = _declared_name(type_name)
        # XmlSerializer reads a simple member's text whatever its xsi:type says (only complex
        # types look at it), and SOAP::Lite guesses one per value ("0" is xsd:int, a date without
        # milliseconds xsd:string): any built-in type is ignored there, the text is still checked.
        simple_guess = declared[0] == XSD and namespace == XSD
        if (namespace, local) != declared and not simple_guess:
            raise ValidationError(
                f'<{path}> has xsi:type="{given}"; it is declared as {{{declared[0]}}}{declared[1]}: '
                f"send that type or no xsi:type.")
    if nil is None or nil.strip(XML_SPACE) in ("false", "0"):
        return False
    if nil.strip(XML_SPACE) not in ("true", "1"):
        raise ValidationError(f'<{path}> has xsi:nil="{nil}"; xsi:nil is true or false.')
    if len(el) or (el.text or "").strip(XML_SPACE):
        raise ValidationError(f'<{path}> is xsi:nil="true" but has content.')
    if _is_value_type(type_name):
        raise ValidationError(f'<{path}> is xsi:nil="true", but a {type_name} cannot be nil: give it a value.')
    return True


def check_operation_element(op: Operation, element):
    _operation_attributes(op, element)
    params = {p.name: p for p in op.params}
    present: dict = {}
    for child in list(element):
        name = _local(child)
        param = params.get(name)
        if param is None:
            element.remove(child)   # XmlSerializer ignores elements it does not know
            continue
        if _is_nil(child, param.type, name):
            element.remove(child)   # a null parameter is an absent one
            continue
        _keep_last(element, present, name, child)
        if param.id_field and len(child) == 0 and (child.text or "").strip(XML_SPACE):
            _id_as_object(child, param)
        if param.max_length is not None and len(child.text or "") > param.max_length:
            raise ValidationError(
                f"{name} is {len(child.text)} characters long; the maximum is {param.max_length}.")
        _check_value(param.type, child, name)
    for p in op.params:
        if p.required and p.name not in present and p.name != "AuthenticationData":
            raise ValidationError(f"<{p.name}> is required by {op.name}.")


def _keep_last(parent, present: dict, name: str, child):
    """A member given twice is read once, as its last occurrence: XmlSerializer sets it each
    time, and so did spyne. Only that one goes on, so that 200,000 repeats cost what one does."""
    earlier = present.get(name)
    if earlier is not None:
        parent.remove(earlier)
    present[name] = child


def _id_as_object(child, param):
    """A bare id where an object is declared: read as the object with only its id set."""
    text, child.text = child.text, None
    etree.SubElement(child, f"{{{NS}}}{param.id_field}").text = text


def _operation_attributes(op: Operation, element):
    # SOAP::Lite writes a call without parameters as <GetVersion xsi:nil="true"/>. The operation
    # element has no declared type, so any xsi:type on it names nothing and is ignored [INFERRED].
    element.attrib.pop(XSI_TYPE, None)
    nil = element.attrib.pop(XSI_NIL, None)
    element.attrib.clear()
    if nil is not None and nil.strip(XML_SPACE) in ("true", "1") and len(element):
        raise ValidationError(f'<{op.name}> is xsi:nil="true" but holds parameters.')


def _check_value(type_name: str, el, path: str):
    xsd = Xsd.named(type_name)
    if xsd is None and type_name.startswith("ArrayOf"):
        return _check_array(type_name[len("ArrayOf"):], el, path)
    if xsd is None:
        return _check_complex(REGISTRY.complex_type(type_name), el, path)
    if xsd.is_array:
        return _check_array("int" if xsd is Xsd.ARRAY_OF_INT else "string", el, path)
    if len(el):
        raise ValidationError(f"<{path}> must hold a {xsd.value} value, not child elements.")
    if xsd is Xsd.STRING:
        return      # any text, the empty string included
    if xsd is Xsd.BASE64_BINARY:
        return _check_base64(el.text or "", path)
    if _is_empty(el):
        raise ValidationError(f"Empty element <{path}> is not supported for a {xsd.value}: "
                              f"leave it out or give it a value.")
    # The canonical form goes on to spyne: XML Schema collapses the whitespace of these types,
    # and an int's leading zeros would otherwise reach Python's int() unbounded.
    el.text = _check_scalar(xsd, el.text or "", path)


def _check_complex(declared, el, path):
    fields = declared.fields_by_name
    present: dict = {}
    for child in list(el):
        name = _local(child)
        f = fields.get(name)
        if f is None:
            el.remove(child)
            continue
        child_path = f"{path}.{name}"
        type_name = f.type_name
        if _is_nil(child, type_name, child_path):
            el.remove(child)
            continue
        _keep_last(el, present, name, child)
        if _is_empty(child) and declared.type_name == "AuthenticationData":
            # Blank credentials are bad credentials: the documented authentication fault.
            raise AuthenticationError()
        _check_value(type_name, child, child_path)


def _check_array(item_type, el, path):
    for child in list(el):
        name = _local(child)
        if name is None:
            continue
        if name != item_type:
            raise ValidationError(f"<{path}> holds <{name}>; its items are <{item_type}> elements.")
        item_path = f"{path}.{item_type}" if item_type in ("int", "string") else path
        if _is_nil(child, item_type, item_path):
            el.remove(child)        # XmlSerializer drops a null item of an array [INFERRED]
            continue
        _check_value(item_type, child, item_path)


def _check_base64(text: str, path: str):
    compact = "".join(text.split())
    try:
        binascii.a2b_base64(compact.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ValidationError(f"{path} is not valid base64: {compact[:40]}{'…' if len(compact) > 40 else ''}") \
            from None


def _is_calendar_date(match) -> bool:
    try:
        datetime(*(int(match.group(n)) for n in range(1, 7)))
    except ValueError:
        return False
    return True


def _in_local_range(match) -> bool:
    """A dateTime with an offset (or Z) is read in the server's time zone [INFERRED]: it must
    stay within years 1 to 9999 there."""
    zone = match.group(8)
    if not zone:
        return True
    if zone == "Z":
        offset = timezone.utc
    else:
        sign = -1 if zone[0] == "-" else 1
        offset = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    try:
        datetime(*(int(match.group(n)) for n in range(1, 7)), tzinfo=offset).astimezone()
    except (OverflowError, ValueError):
        return False
    return True


def _check_scalar(xsd: Xsd, text: str, path: str) -> str:
    """The value's canonical text, once it is checked."""
    value = text.strip(XML_SPACE)
    if xsd is Xsd.INT:
        match = XSD_INT.fullmatch(value)
        if not match and re.fullmatch(r"[+-]?[0-9]+", value, re.ASCII):
            raise ValidationError(f"{path} {brief(value, 40)} is out of the int range.")
        if not match:
            raise ValidationError(f"{path} '{text[:100]}' is not a valid int.")
        number = int(match.group(1)) * (-1 if value.startswith("-") else 1)
        if not INT32[0] <= number <= INT32[1]:
            raise ValidationError(f"{path} {brief(value, 40)} is out of the int range.")
        return str(number)
    if xsd is Xsd.DECIMAL:
        if not XSD_DECIMAL.fullmatch(value):
            raise ValidationError(f"{path} '{text[:100]}' is not a valid decimal.")
        try:
            dotnet_decimal(Decimal(value))      # the store keeps what it gives: at most 28 places
        except ValueError:
            raise ValidationError(f"{path} {brief(value, 40)} is out of the decimal range.") from None
    elif xsd is Xsd.DATETIME:
        match = XSD_DATETIME.fullmatch(value)
        if match is None or not _is_calendar_date(match):
            raise ValidationError(
                f"{path} '{text[:100]}' is not a valid dateTime: use YYYY-MM-DDTHH:MM:SS[.sss].")
        if not _in_local_range(match):
            raise ValidationError(f"{path} '{value}' falls outside the years 1 to 9999 in the server's time zone.")
    elif xsd is Xsd.BOOLEAN:
        if value not in ("true", "false", "1", "0"):
            raise ValidationError(f"{path} '{text[:100]}' is not a valid boolean.")
    return value
