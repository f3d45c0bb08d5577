"""How a request deviates from the served WSDL and the vendor's rules, as findings (``findings.py``).

It reads the envelope exactly as it arrived, before ``request.py`` vets and trims it, and never
changes the answer: the same lexical checks decide, so what it calls ``refused`` is what the
service refuses. It walks the operation element against the registry's declarations: parameter
and member order, namespaces, presence, xsi attributes, lexical forms and the documented limits.
"""
from __future__ import annotations

import logging
from collections import namedtuple
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from xml.sax.saxutils import escape

from lxml import etree

from ..registry import NS, REGISTRY, Operation, Xsd
from ..registry.constants import MAX_PAGE_SIZE, XSD, XSI
from ..store.values import dotnet_decimal
from .envelope import ENVELOPE_NS
from .findings import Finding
from .request import (XML_SPACE, XSD_DATETIME, XSD_DECIMAL, XSD_INT, XSI_NIL, XSI_TYPE, INT32,
                      _declared_name, _in_local_range, _is_calendar_date, _local)

log = logging.getLogger("qacmock.soap")

EVIDENCE = 200
MAX_FINDINGS = 100
PAGE_SIZE = (1, MAX_PAGE_SIZE)
CREDENTIALS = ("AppCode", "DeptId", "UserId", "PassCode")
PRE_ENCODED = ("&amp;", "&#60;", "&#62;", "&lt;", "&gt;")
_OTHER_VERSION = {"1.1": "1.2", "1.2": "1.1"}
_Local = namedtuple("_Local", "namespace localname")


def _snippet(el) -> str:
    """The element as written, without the namespace declarations in scope; its children elided."""
    name = etree.QName(el).localname
    attributes = "".join(f' {_attribute_name(key)}="{escape(value[:EVIDENCE])}"' for key, value in el.attrib.items())
    if _elements(el):
        return f"<{name}{attributes}>…</{name}>"
    text = el.text or ""
    if not text:
        return f"<{name}{attributes}/>"
    return f"<{name}{attributes}>{escape(text[:EVIDENCE])}{'…' if len(text) > EVIDENCE else ''}</{name}>"


def _attribute_name(key: str) -> str:
    q = etree.QName(key)
    return f"xsi:{q.localname}" if q.namespace == XSI else q.localname


def _elements(el):
    return [child for child in el if isinstance(child.tag, str)]


@lru_cache(maxsize=None)
def _members(type_name: str) -> dict[str, tuple[int, str, object]]:
    """A complex type's members: name -> (position, type name, declaration), in wire order."""
    return {f.name: (i, f.type_name, f)
            for i, f in enumerate(REGISTRY.complex_type(type_name).fields)}


@lru_cache(maxsize=None)
def _value_members(type_name: str) -> tuple[str, ...]:
    """The int, decimal, dateTime and boolean members: minOccurs="1" in the WSDL."""
    return tuple(name for name, (_, member_type, _) in _members(type_name).items()
                 if (xsd := Xsd.named(member_type)) is not None and xsd.is_value_type)


@lru_cache(maxsize=None)
def _params(operation: str) -> dict[str, tuple[int, str, object]]:
    """An operation's parameters, as ``_members`` gives a type's."""
    return {p.name: (i, p.type, p) for i, p in enumerate(REGISTRY.operation(operation).params)}


def _operation_name(root) -> str | None:
    """The operation the Body names, in either SOAP version's envelope: findings name it."""
    for env_ns in ENVELOPE_NS.values():
        body = root.find(f"{{{env_ns}}}Body")
        children = _elements(body) if body is not None else []
        if children and etree.QName(children[0]).namespace == NS:
            op = REGISTRY.operation(etree.QName(children[0]).localname)
            return op.name if op else None
    return None


class _Enough(Exception):
    """MAX_FINDINGS reached."""


class Inspection:
    def __init__(self, environ, version: str, content_params: dict):
        self.environ, self.version, self.content_params = environ, version, content_params
        self.operation: str | None = None
        self.findings: list[Finding] = []

    def add(self, rule: str, path: str, evidence: str, detail: str = ""):
        # A request of 200,000 unknown elements is 200,000 deviations; the journal keeps a list
        # per request, so each request keeps the first MAX_FINDINGS.
        self.findings.append(Finding(rule, self.operation, path, evidence, detail))
        if len(self.findings) >= MAX_FINDINGS:
            raise _Enough()     # the rest of a flood is not walked either

    # -- HTTP and envelope ------------------------------------------------------------------
    def envelope(self, root) -> list[Finding]:
        """Every finding of a parsed request; never raises (a bug here must not change the answer)."""
        try:
            self._envelope(root)
        except _Enough:
            pass
        except Exception:       # noqa: BLE001 -- reported, and the request goes on unchanged
            log.exception("the conformance inspection failed on a request; its findings are incomplete")
        return self.findings

    def _envelope(self, root):
        self.operation = _operation_name(root)
        self._charset(root)
        env_ns = ENVELOPE_NS[self.version]
        other = _OTHER_VERSION[self.version]
        if root.tag == f"{{{ENVELOPE_NS[other]}}}Envelope":
            self.add("content-type-version", "Content-Type", self.environ.get("CONTENT_TYPE", ""),
                     f"the Content-Type is SOAP {self.version}'s, the envelope SOAP {other}'s")
            return
        body = root.find(f"{{{env_ns}}}Body") if root.tag == f"{{{env_ns}}}Envelope" else None
        children = _elements(body) if body is not None else []
        if not children:
            return
        for extra in children[1:]:
            self.add("body-extra-elements", "Body", _snippet(extra))
        element = children[0]
        q = etree.QName(element)
        op = REGISTRY.operation(q.localname)
        if op is None or q.namespace != NS:
            rule = "unknown-operation" if op is None else "operation-namespace"
            self.add(rule, "Body", _snippet(element))
            return
        self._action(op)
        self._operation(op, element)

    def _charset(self, root):
        charset = self.content_params.get("charset")
        content_type = self.environ.get("CONTENT_TYPE", "")
        if charset is None:
            self.add("charset-missing", "Content-Type", content_type)
        elif charset.strip().lower().replace("-", "") != "utf8":
            self.add("charset-not-utf8", "Content-Type", content_type)
        declared = root.getroottree().docinfo.encoding
        if declared and declared.lower().replace("-", "") not in ("utf8",):
            self.add("charset-not-utf8", "XML declaration", f'<?xml ... encoding="{declared}"?>')

    def _action(self, op: Operation):
        header = self.environ.get("HTTP_SOAPACTION")
        if self.version == "1.1":
            if header is None:
                self.add("soapaction-missing", "SOAPAction", "", f'send SOAPAction: "{op.soap_action}"')
                return
            value = header.strip()
            if value.strip('"') != op.soap_action:
                self.add("action-mismatch", "SOAPAction", header, f'the body is {op.name}: send "{op.soap_action}"')
            elif not (len(value) >= 2 and value[0] == value[-1] == '"'):
                self.add("soapaction-unquoted", "SOAPAction", header, f'send "{op.soap_action}", in quotes')
            return
        action = self.content_params.get("action")
        if action is None:
            self.add("action-missing", "Content-Type", self.environ.get("CONTENT_TYPE", ""))
        elif action.strip().strip('"') != op.soap_action:
            self.add("action-mismatch", "Content-Type action", action, f'the body is {op.name}: send action="{op.soap_action}"')

    # -- the operation and its values --------------------------------------------------------
    def _operation(self, op: Operation, element):
        present = self._sequence(element, op.name, _params(op.name))
        for p in op.params:
            if p.name in present:
                continue
            if p.type == "AuthenticationData":
                if op.authenticated:
                    self.add("authentication-missing", op.name, _snippet(element), "<AuthenticationData> is missing")
            elif p.required:
                self.add("missing-required-parameter", op.name, _snippet(element), f"<{p.name}> is missing")

    def _sequence(self, element, path: str, declared: dict, credentials: bool = False) -> set[str]:
        """Check the children of ``element`` against ``declared`` (an xsd:sequence, as ``_members``
        gives it); each known one is checked in turn. The names present."""
        present, last = set(), None
        for child in _elements(element):
            local = _local(child)           # the usual case, without building a QName
            q = _Local(NS, local) if local is not None else etree.QName(child)
            child_path = f"{path}/{q.localname}"
            if q.namespace != NS:
                rule = "wrong-namespace" if q.localname in declared else "unknown-element"
                self.add(rule, child_path, _snippet(child),
                         f"<{q.localname}> is in {'no namespace' if not q.namespace else q.namespace}; "
                         f"the service reads only {NS}" if rule == "wrong-namespace" else "")
                continue
            if q.localname not in declared:
                self.add("unknown-element", child_path, _snippet(child))
                continue
            if q.localname in present:
                self.add("repeated-element", child_path, _snippet(child))
                continue
            index, type_name, decl = declared[q.localname]
            if last is not None and index < last[0]:
                self.add("element-order", child_path, _snippet(child),
                         f"<{q.localname}> comes after <{last[1]}>; the WSDL declares it before")
            else:
                last = (index, q.localname)
            present.add(q.localname)
            if credentials and not _elements(child) and not (child.text or ""):
                # Blank credentials are bad credentials: the documented authentication fault.
                self.add("authentication-missing", child_path, _snippet(child), f"<{q.localname}> is empty")
                continue
            self._value(type_name, child, child_path, decl, in_object=path.count("/") > 0)
        return present

    def _value(self, type_name: str, el, path: str, decl, in_object: bool):
        xsd = Xsd.named(type_name)
        if self._xsi(type_name, xsd, el, path):
            return
        if xsd is None and type_name.startswith("ArrayOf"):
            return self._array(type_name[len("ArrayOf"):], el, path, in_object)
        if xsd is None:
            return self._object(type_name, el, path)
        if xsd.is_array:
            return self._array("int" if xsd is Xsd.ARRAY_OF_INT else "string", el, path, in_object)
        if len(el):     # the parser drops comments and PIs: any child is an element
            return self.add("lexical-form", path, _snippet(el), f"<{path}> must hold a {xsd.value}, not elements")
        text = el.text or ""
        if xsd is Xsd.STRING:
            return self._string(text, el, path, decl, in_object)
        if xsd is Xsd.BASE64_BINARY:
            return
        if not text:
            return self.add("empty-value-element", path, _snippet(el))
        self._scalar(xsd, text, el, path, decl)

    def _xsi(self, type_name: str, xsd: Xsd | None, el, path: str) -> bool:
        """Check xsi:type and xsi:nil; True when the element is nil (nothing more to check)."""
        given = el.get(XSI_TYPE)
        if given is not None:
            prefix, _, local = given.strip(XML_SPACE).rpartition(":")
            namespace = el.nsmap.get(prefix or None)
            declared = _declared_name(type_name)
            if (namespace, local) != declared:
                simple = declared[0] == namespace == XSD
                self.add("xsi-type-noise" if simple else "xsi-type-mismatch", path, _snippet(el),
                         f'xsi:type="{given}" on a member declared {declared[1]}')
        nil = el.get(XSI_NIL)
        if nil is None or nil.strip(XML_SPACE) in ("false", "0"):
            return False
        if nil.strip(XML_SPACE) not in ("true", "1") or _elements(el) or (el.text or "").strip(XML_SPACE):
            self.add("lexical-form", path, _snippet(el), 'xsi:nil is "true" or "false", and a nil element is empty')
            return True
        self.add("nil-value-type" if xsd is not None and xsd.is_value_type else "nil-not-nillable",
                 path, _snippet(el))
        return True

    def _object(self, type_name: str, el, path: str):
        present = self._sequence(el, path, _members(type_name), credentials=type_name == "AuthenticationData")
        if type_name == "AuthenticationData":
            return self._credentials(el, path, present)
        missing = [name for name in _value_members(type_name) if name not in present]
        if missing:
            self.add("missing-value-member", path, _snippet(el),
                     f"<{type_name}> leaves out {', '.join(missing)}, read as 0, 0001-01-01 or false")

    def _credentials(self, el, path: str, present: set[str]):
        """What ``_sequence`` cannot see: members left out (an empty one it has found already)."""
        for name in CREDENTIALS:
            if name not in present:
                self.add("authentication-missing", f"{path}/{name}", _snippet(el), f"<{name}> is missing")
        proj, ids = el.find(f"{{{NS}}}ProjId"), el.find(f"{{{NS}}}ProjIds")
        no_project = proj is None or (proj.text or "").strip(XML_SPACE) == "0"
        if no_project and (ids is None or not _elements(ids)):
            self.add("authentication-missing", f"{path}/ProjId", _snippet(el), "neither ProjId nor ProjIds is given")

    def _array(self, item_type: str, el, path: str, in_object: bool):
        items = _elements(el)
        if not items and not (el.text or "").strip(XML_SPACE) and in_object:
            self.add("empty-element", path, _snippet(el))
        for item in items:
            q = etree.QName(item)
            if q.namespace != NS:
                self.add("wrong-namespace", path, _snippet(item), f"<{q.localname}> is in "
                         f"{q.namespace or 'no namespace'}; the service skips it")
                continue
            if q.localname != item_type:
                self.add("lexical-form", path, _snippet(item), f"<{path}> holds <{q.localname}>; its items are "
                                                                f"<{item_type}> elements")
                continue
            self._value(item_type, item, path, None, in_object=True)

    def _string(self, text: str, el, path: str, decl, in_object: bool):
        if not text and in_object:
            self.add("empty-element", path, _snippet(el))
        limit = getattr(decl, "max_length", None)
        # A credential too long is a wrong credential: the authentication fault says so.
        if limit is not None and len(text) > limit and "/AuthenticationData/" not in path:
            self.add("max-length", path, _snippet(el), f"{len(text)} characters; the maximum is {limit}")
        # Read-only names (FullReleaseName...) sent back from a Load are ignored, encoded or not.
        writable = getattr(decl, "derived", None) is None and getattr(decl, "auto", None) is None
        if writable and getattr(decl, "double_encoded", False) and any(code in text for code in PRE_ENCODED):
            self.add("title-pre-encoded", path, _snippet(el))

    def _scalar(self, xsd: Xsd, text: str, el, path: str, decl):
        value = text.strip(XML_SPACE)
        if xsd is Xsd.INT:
            if not XSD_INT.fullmatch(value):
                rule = "out-of-range" if value.lstrip("+-").isdigit() and value.isascii() else "lexical-form"
                return self.add(rule, path, _snippet(el))
            number = int(XSD_INT.fullmatch(value).group(1)) * (-1 if value.startswith("-") else 1)
            if not INT32[0] <= number <= INT32[1]:
                return self.add("out-of-range", path, _snippet(el))
            if value != text or value != str(number):
                self.add("non-canonical-number", path, _snippet(el))
            self._paging(path, number, el)
        elif xsd is Xsd.DECIMAL:
            if not XSD_DECIMAL.fullmatch(value):
                return self.add("lexical-form", path, _snippet(el))
            try:
                exact = Decimal(value)
                kept = dotnet_decimal(exact)
            except (ValueError, InvalidOperation):
                return self.add("out-of-range", path, _snippet(el))
            if kept != exact:
                self.add("decimal-beyond-dotnet", path, _snippet(el), f"the service keeps {kept}")
            if value != text or value.startswith("+") or (value.lstrip("-").startswith("0") and
                                                           value.lstrip("-")[1:2] not in ("", ".")):
                self.add("non-canonical-number", path, _snippet(el))
        elif xsd is Xsd.DATETIME:
            match = XSD_DATETIME.fullmatch(value)
            if match is None or not _is_calendar_date(match) or not _in_local_range(match):
                return self.add("lexical-form", path, _snippet(el), "a dateTime is YYYY-MM-DDTHH:MM:SS[.sss]")
            if match.group(8):
                self.add("date-with-offset", path, _snippet(el))
        elif xsd is Xsd.BOOLEAN and value not in ("true", "false", "1", "0"):
            self.add("lexical-form", path, _snippet(el), "a boolean is true, false, 1 or 0")

    def _paging(self, path: str, number: int, el):
        name = path.rpartition("/")[2]
        if path.count("/") != 1:
            return
        if name == "PageSize" and not PAGE_SIZE[0] <= number <= PAGE_SIZE[1]:
            self.add("page-size", path, _snippet(el))
        elif name == "PageNumber" and number < 1:
            self.add("page-number", path, _snippet(el))
