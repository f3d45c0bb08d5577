"""Items onto the wire as text, driven by the registry's field lists.

spyne builds a model object per item and walks its type information member by member, with
a debug log call at each step: for a page of 200 Bugs that was 95% of the call. An lxml tree
built per field still took 14 ms for that page; joining escaped text takes a fraction. The
bytes are those spyne and lxml wrote (tests/test_render.py keeps spyne as the oracle, on
every item of the default data and on generated values of every wire type).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from ..registry import NS, REGISTRY, ComplexType, Operation, Xsd
from ..registry.constants import XSD, XSI
from ..store.values import decimal_text
from .convert import UNSET_DATE, encode_title
from .envelope import ENVELOPE_NS, XML_DECLARATION

_UNSET_TEXT = {Xsd.INT: "0", Xsd.DECIMAL: "0", Xsd.BOOLEAN: "false"}
# The characters XML 1.0 cannot carry (lxml refuses them too); tab, LF and CR it can.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape(text: str) -> str:
    """Text content as lxml serialises it."""
    if _NOT_XML.search(text):
        raise ValueError(f"a value holds a character XML cannot carry: {text!r}")
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def wire_date(value: datetime) -> str:
    # [DOC] YYYY-MM-DDTHH:MM:SS[.sss], server local time, no offset; .NET trims trailing zeros.
    if value.year >= 1000:
        text = value.isoformat(timespec="seconds")
    else:
        text = "%04d-%02d-%02dT%02d:%02d:%02d" % (value.year, value.month, value.day,
                                                   value.hour, value.minute, value.second)
    millis = value.microsecond // 1000
    if millis:
        text += (".%03d" % millis).rstrip("0")
    return text


_UNSET_TEXT[Xsd.DATETIME] = wire_date(UNSET_DATE)


def _text(xsd: Xsd, value) -> str:
    if xsd is Xsd.STRING:
        return _escape(value)
    if xsd is Xsd.DATETIME:
        return wire_date(value)
    if xsd is Xsd.BOOLEAN:
        return "true" if value else "false"
    if xsd is Xsd.DECIMAL:
        return decimal_text(value)
    return str(value)


@lru_cache(maxsize=None)
def _plan(type_name: str) -> tuple:
    """Per field, in wire order: (name, opening tag, closing tag, how to write it, what with)."""
    declared = REGISTRY.complex_type(type_name)
    steps = []
    for f in declared.fields:
        open_tag, close_tag = f"<{f.name}>", f"</{f.name}>"
        if not isinstance(f.xsd, Xsd):
            item_type = REGISTRY.array_item_type(f.xsd)
            steps.append((f.name, open_tag, close_tag, "items", item_type.type_name))
        elif f.xsd is Xsd.ARRAY_OF_STRING:
            steps.append((f.name, open_tag, close_tag, "strings", "string"))
        elif f.xsd is Xsd.ARRAY_OF_INT:
            steps.append((f.name, open_tag, close_tag, "ints", "int"))
        else:
            steps.append((f.name, open_tag, close_tag, "title" if f.double_encoded else "value", f.xsd))
    return tuple(steps)


def write_item(out: list, tag: str, type_name: str, values: dict):
    """Append ``values`` (None for unset) as the element ``tag`` of ``type_name`` to ``out``, a
    list of text pieces, in the default namespace of the element around it."""
    _writer(type_name)(out, tag, values)


# Per field, how a present value becomes text: the common wire types inline in the generated
# writer, anything else through _text.
_INLINE = {Xsd.INT: "str(v)", Xsd.STRING: "_escape(v)", Xsd.DATETIME: "wire_date(v)",
           Xsd.BOOLEAN: '("true" if v else "false")', Xsd.DECIMAL: "decimal_text(v)"}


@lru_cache(maxsize=None)
def _writer(type_name: str):
    """A function writing one item of ``type_name``, generated from its plan: a page of 200 Bugs
    walks 40,000 fields, and a loop over the plan spent most of its time deciding what each one
    is. Names and tags come from the registry, written as Python literals with repr()."""
    lines = ["def write(out, tag, values):", "    get = values.get", "    p = ['<' + tag + '>']",
             "    add = p.append"]
    scope = {"_escape": _escape, "encode_title": encode_title, "wire_date": wire_date,
             "decimal_text": decimal_text, "_text": _text, "_collection": _collection}
    for n, (name, open_tag, close_tag, how, what) in enumerate(_plan(type_name)):
        lines.append(f"    v = get({name!r})")
        if how == "value":
            expr = _INLINE.get(what)
            if expr is None:
                scope[f"X{n}"] = what
                expr = f"_text(X{n}, v)"
            unset = _UNSET_TEXT.get(what)
            written = f"{open_tag!r} + {expr} + {close_tag!r}"
            lines.append(f"    if v is not None: add({written})" if unset is None else
                         f"    add({written} if v is not None else {open_tag + unset + close_tag!r})")
        elif how == "title":
            lines.append(f"    if v is not None: add({open_tag!r} + _escape(encode_title(v)) + {close_tag!r})")
        else:
            lines.append(f"    if v is not None: _collection(p, {name!r}, {open_tag!r}, {close_tag!r}, "
                         f"{how!r}, {what!r}, v)")
    lines += ["    add('</' + tag + '>')", "    out.append(''.join(p))"]
    exec(compile("\n".join(lines), f"<writer of {type_name}>", "exec"), scope)  # noqa: S102 -- registry-made
    return scope["write"]


def _collection(pieces: list, name: str, open_tag: str, close_tag: str, how: str, what: str, value):
    """An array member: of items, of strings or of ints."""
    add = pieces.append
    if not value:
        add(f"<{name}/>")
    elif how == "items":
        add(open_tag)
        for item in value:
            write_item(pieces, what, what, item)
        add(close_tag)
    else:
        add(open_tag)
        for member in value:
            if member is None:
                if how == "strings":
                    add(f'<{what} xsi:nil="true"/>')
            elif how == "strings":
                add(f"<{what}>{_escape(member)}</{what}>")
            else:
                add(f"<{what}>{member}</{what}>")
        add(close_tag)


@dataclass(frozen=True)
class RenderedItems:
    """An operation's result of one item or a list of items, for the protocol to write."""
    op: Operation
    item_type: ComplexType
    value: object            # a dict, or a list of dicts
    many: bool

    def to_bytes(self, version: str) -> bytes:
        env_ns = ENVELOPE_NS[version]
        name, type_name = self.op.name, self.item_type.type_name
        out = [f'{XML_DECLARATION.decode()}<soap:Envelope xmlns:soap="{env_ns}" xmlns:xsi="{XSI}" '
               f'xmlns:xsd="{XSD}"><soap:Body><{name}Response xmlns="{NS}">']
        if not self.many:
            write_item(out, f"{name}Result", type_name, self.value)
        elif not self.value:
            out.append(f"<{name}Result/>")
        else:
            out.append(f"<{name}Result>")
            for values in self.value:
                write_item(out, type_name, type_name, values)
            out.append(f"</{name}Result>")
        out.append(f"</{name}Response></soap:Body></soap:Envelope>")
        return "".join(out).encode("utf-8")


def rendered(op: Operation, value) -> RenderedItems | None:
    """The fast form of an item or item-list result; None for any other result."""
    if value is None or op.returns is None:
        return None
    declared = REGISTRY.complex_type(op.returns)
    if declared is not None:
        return RenderedItems(op, declared, value, False)
    item_type = REGISTRY.array_item_type(op.returns)
    if item_type is not None:
        return RenderedItems(op, item_type, value, True)
    return None
