"""Calls answered without spyne's per-request machinery: the arguments read from the envelope
``request.py`` has vetted, the same handler called, the answer written as text.

spyne's deserialisation, context and serialisation were about half of a Bugs_Load (profiled in
docs/benchmarks/breakdown.md). spyne stays the service definition, the WSDL and the path for
what this does not cover: a base64 or string-array result. The vetted tree holds each member
once (request.py keeps the last of repeats, as XmlSerializer and spyne read them).
tests/test_direct.py sends the same requests through both paths and compares the arguments the
handler gets and the bytes of every answer.
"""
from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace

from ..domain.errors import QacError
from ..domain.service import QacService
from ..registry import NS, REGISTRY, Operation, Xsd
from .envelope import CONTENT_TYPES, ENVELOPE_NS, XML_DECLARATION
from .faults import FaultSpec, fault_bytes, internal_fault
from .render import RenderedItems, _text
from .request import XSD_DATETIME, _local
from .service import _returning, _run
from ..registry.constants import XSD, XSI

_SCALAR_RESULTS = {Xsd.INT, Xsd.STRING, Xsd.BOOLEAN, Xsd.DECIMAL, Xsd.DATETIME}
_OK, _FAULT = "200 OK", "500 Internal Server Error"


@lru_cache(maxsize=None)
def covered(name: str) -> bool:
    """Whether the operation's answer can be written here: nothing, a scalar, or items."""
    returns = REGISTRY.operation(name).returns
    if returns is None or Xsd.named(returns) in _SCALAR_RESULTS:
        return True
    return REGISTRY.complex_type(returns) is not None or REGISTRY.array_item_type(returns) is not None


@lru_cache(maxsize=None)
def _params(name: str) -> dict:
    return {p.name: p.type for p in REGISTRY.operation(name).params}


@lru_cache(maxsize=None)
def _members(type_name: str) -> dict:
    return {f.name: f.type_name
            for f in REGISTRY.complex_type(type_name).fields}


def read_arguments(op: Operation, element) -> dict:
    """The handler's arguments by parameter name, as spyne would give them (None when absent)."""
    params = _params(op.name)
    args = dict.fromkeys(params)
    for child in element:       # vetted: every element child is a parameter, in the namespace
        if (name := _local(child)) is not None:
            args[name] = _value(params[name], child)
    return args


def _value(type_name: str, el):
    xsd = Xsd.named(type_name)
    if xsd is None:
        if type_name.startswith("ArrayOf"):
            item_type = type_name[len("ArrayOf"):]
            return [_value(item_type, item) for item in el if isinstance(item.tag, str)]
        return _object(type_name, el)
    if xsd is Xsd.STRING:
        return el.text or ""
    if xsd is Xsd.INT:
        return int(el.text)
    if xsd is Xsd.DECIMAL:
        return Decimal(el.text)
    if xsd is Xsd.BOOLEAN:
        return el.text in ("true", "1")
    if xsd is Xsd.DATETIME:
        return _date(el.text)
    if xsd is Xsd.BASE64_BINARY:
        return [base64.b64decode("".join((el.text or "").split()))]
    item = "string" if xsd is Xsd.ARRAY_OF_STRING else "int"
    return [_value(item, child) for child in el if isinstance(child.tag, str)]


def _object(type_name: str, el) -> SimpleNamespace:
    members = _members(type_name)
    obj = SimpleNamespace()
    for child in el:
        if (name := _local(child)) is not None:
            setattr(obj, name, _value(members[name], child))
    return obj


def _date(text: str) -> datetime:
    """An xsd:dateTime request.py has checked; with an offset, an aware datetime."""
    m = XSD_DATETIME.fullmatch(text)
    year, month, day, hour, minute, second = (int(m.group(n)) for n in range(1, 7))
    micro = int((m.group(7) or ".0")[1:].ljust(6, "0")[:6])
    zone = m.group(8)
    tz = None
    if zone == "Z":
        tz = timezone.utc
    elif zone:
        sign = -1 if zone[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)


class DirectCalls:
    def __init__(self, qac: QacService):
        self.qac = qac

    def answer(self, op: Operation, element, version: str):
        """(status, body, fault spec or None), or None when spyne must take the call."""
        if not covered(op.name):
            return None
        try:
            result = _returning(op, _run(self.qac, op, read_arguments(op, element)))
        except QacError as error:
            spec = FaultSpec.from_error(error)
            return _FAULT, fault_bytes(version, spec), spec
        except Exception as exc:   # never a traceback on the wire
            spec = internal_fault(exc)
            return _FAULT, fault_bytes(version, spec), spec
        try:
            return _OK, _response(op, version, result), None
        except ValueError as error:        # data XML cannot carry: the client gets a fault
            spec = internal_fault(error)
            return _FAULT, fault_bytes(version, spec), spec

    @staticmethod
    def headers(version: str, body: bytes) -> list:
        return [("Content-Type", CONTENT_TYPES[version]), ("Content-Length", str(len(body)))]


def _response(op: Operation, version: str, result) -> bytes:
    if isinstance(result, RenderedItems):
        return result.to_bytes(version)
    name = op.name
    if result is None:
        inner = f'<{name}Response xmlns="{NS}"/>'
    else:
        # spyne sets the text even when it is "": an empty string is <XResult></XResult>.
        inner = (f'<{name}Response xmlns="{NS}"><{name}Result>{_text(Xsd.named(op.returns), result)}'
                 f'</{name}Result></{name}Response>')
    return (XML_DECLARATION + (f'<soap:Envelope xmlns:soap="{ENVELOPE_NS[version]}" xmlns:xsi="{XSI}" '
                               f'xmlns:xsd="{XSD}"><soap:Body>{inner}</soap:Body></soap:Envelope>').encode("utf-8"))
