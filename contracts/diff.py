"""``qacmock contracts diff``: compare the transcripts of two contract runs.

Two folders written by ``--qac-record`` (``DIR/<test id>/NNN-<Operation>.request.xml`` and
``.response.xml``, see :mod:`contracts.recording`) are compared test by test and exchange by
exchange, after normalising what legitimately differs between two runs:

- **IDs** become ``{id}``: the integer value of an element or attribute named ``*Id``
  (``BugId``, ``UserId``...) or ``*By`` (``ClosedBy``, ``ResolvedBy``), the result of an
  ``*_Add`` (the new item's ID), every integer under an element named ``*Ids``, and in a
  LoadByCriteria condition (parsed as XML, like any value that is an XML document) the
  constants compared with an ID field. ``0`` stays, as it means "unset". Inside a fault's
  texts, a number that is one of the exchange's own IDs ("Bug 42 was not found in project
  10372") becomes ``{id}`` too;
- **timestamps** ``yyyy-mm-ddThh:mm:ss[.fff][zone]`` become ``{timestamp}``, except
  ``0001-01-01T00:00:00``, which means "unset";
- **the run tag** (``qacc`` and 10 hex digits) becomes ``{tag}``; **hosts** in URLs
  (``scheme://host:port``) become ``{host}``;
- **namespace prefixes** do not count (names are compared by namespace and local name, and
  QName values such as ``soap:Client`` or ``xsi:type`` by the namespace they resolve to);
- **whitespace** around and between elements does not count, runs of it inside a value are
  one space;
- **element order** counts, except where SOAP says it does not: header blocks, fault detail
  entries and attributes.

What remains is reported: elements present in one envelope only (by path), values,
element order, and faults (a fault against a result; fault code, string, actor and detail).
Tests recorded in one run only are listed. Only lxml reads the XML; regular expressions
only ever see text values and file names.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import etree

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
XML = "http://www.w3.org/XML/1998/namespace"
QAC = "http://www.pragmaticsw.com/"
# Prefixes used to show QName values and attribute names, whatever the documents used.
SHOWN_PREFIXES = {SOAP11: "soap", SOAP12: "soap12", XSI: "xsi", XSD: "xsd", XML: "xml", QAC: "qac"}

FILE_NAME = re.compile(r"^(\d+)-(.+)\.(request|response)\.xml$")
RUN_TAG = re.compile(r"qacc[0-9a-f]{10}")
URL_HOST = re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*://[^/\s\"'<>?#]+")
TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+\-]\d{2}:\d{2})?")
UNSET_DATE = "0001-01-01T00:00:00"
NUMBER = re.compile(r"(?<!\w)(?<!\d\.)\d+(?!\w|\.\d)")
INTEGER = re.compile(r"^[+]?\d+$")
QNAME_VALUE = re.compile(r"^([A-Za-z_][\w.\-]*):([A-Za-z_][\w.\-]*)$")
WHITESPACE = re.compile(r"\s+")

PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


# -- reading a recording -------------------------------------------------------------------
@dataclass
class Exchange:
    number: int
    operation: str
    request: Path | None = None
    response: Path | None = None

    @property
    def label(self) -> str:
        return f"{self.number:03d} {self.operation}"


def load_run(directory) -> dict[str, list[Exchange]]:
    """Test folder name -> its exchanges in order."""
    run = {}
    for folder in sorted(p for p in Path(directory).iterdir() if p.is_dir()):
        exchanges: dict[int, Exchange] = {}
        for file in folder.iterdir():
            match = FILE_NAME.match(file.name)
            if not match:
                continue
            number, operation, kind = int(match[1]), match[2], match[3]
            exchange = exchanges.setdefault(number, Exchange(number, operation))
            setattr(exchange, kind, file)
        if exchanges:
            run[folder.name] = [exchanges[n] for n in sorted(exchanges)]
    return run


def _parse(path: Path | None, cache: dict):
    if path is None:
        return None
    if path not in cache:
        try:
            cache[path] = etree.parse(str(path), PARSER).getroot()
        except (etree.XMLSyntaxError, OSError) as error:
            cache[path] = error
    return cache[path]


# -- normalisation -------------------------------------------------------------------------
def _local(node) -> str:
    return etree.QName(node).localname


def _is_int(text) -> bool:
    return text is not None and bool(INTEGER.match(text.strip()))


def _is_id_name(name: str) -> bool:
    """``BugId``, ``UserId``...; ``ClosedBy``, ``ResolvedBy`` (users); ``Bugs_AddResult``."""
    return name.endswith("Id") or name.endswith("_AddResult") or (
        name.endswith("By") and len(name) > 2 and name[0].isupper())


def _id_elements(root):
    """Elements holding an ID: ``*Id``, ``*By``, ``*_AddResult``, whatever is under ``*Ids``,
    and in a LoadByCriteria condition the constants compared with an ID field."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = _local(el)
        if _is_id_name(name):
            yield el
        elif name.endswith("Ids"):
            yield from (c for c in el.iter() if isinstance(c.tag, str) and c is not el)
        items = [c for c in el if isinstance(c.tag, str) and _local(c) == "Items"]
        fields = [v.text or "" for i in items if i.get("Type") == "tField"
                  for v in i if isinstance(v.tag, str) and _local(v) == "Value"]
        if any(_is_id_name(f.strip()) for f in fields):
            for i in items:
                if i.get("Type") != "tField":
                    yield from (v for v in i.iter() if isinstance(v.tag, str) and _local(v) == "Value")


def collect_ids(roots) -> set[str]:
    """Every non-zero ID value the documents carry (conditions included)."""
    ids = set()
    for root in roots:
        for el in _id_elements(root):
            if _is_int(el.text) and int(el.text) != 0:
                ids.add(str(int(el.text)))
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            for name, value in el.attrib.items():
                if _is_id_name(etree.QName(name).localname) and _is_int(value) and int(value) != 0:
                    ids.add(str(int(value)))
            embedded = _embedded_xml(el)
            if embedded is not None:
                ids |= collect_ids([embedded])
    return ids


def _show_qname(namespace: str | None, local: str) -> str:
    if not namespace:
        return local
    prefix = SHOWN_PREFIXES.get(namespace)
    return f"{prefix}:{local}" if prefix else f"{{{namespace}}}{local}"


def normalise_text(value: str | None, nsmap: dict | None = None, is_id: bool = False,
                   local_ids: frozenset = frozenset()) -> str:
    """One value, normalised. ``is_id``: the value is an ID. ``local_ids``: the IDs of the
    exchange, which a number inside a text (a fault's "Bug 42 was not found") is taken for."""
    if value is None:
        return ""
    text = WHITESPACE.sub(" ", value).strip()
    if not text:
        return ""
    if _is_int(text):
        return "{id}" if is_id and int(text) != 0 else text
    if nsmap is not None:
        match = QNAME_VALUE.match(text)
        if match and match[1] in nsmap:
            return _show_qname(nsmap[match[1]], match[2])
    text = RUN_TAG.sub("{tag}", text)
    text = URL_HOST.sub("{host}", text)
    text = TIMESTAMP.sub(lambda m: m[0] if m[0].startswith(UNSET_DATE) else "{timestamp}", text)

    def number_in_text(m):
        number = str(int(m[0]))
        return "{id}" if number in local_ids else m[0]
    return NUMBER.sub(number_in_text, text)


@dataclass
class Node:
    """An element after normalisation."""

    namespace: str | None
    name: str
    attrs: dict                      # shown name -> normalised value
    text: str
    children: list = field(default_factory=list)
    unordered: bool = False          # its children's order does not count

    @property
    def key(self):
        return (self.namespace, self.name)

    def canonical(self) -> str:
        attrs = "".join(f" {k}={v!r}" for k, v in sorted(self.attrs.items()))
        inner = "".join(c.canonical() for c in self.children)
        return f"<{{{self.namespace}}}{self.name}{attrs}>{self.text}{inner}</>"

    def summary(self) -> str:
        parts = [f"{k}={v!r}" for k, v in sorted(self.attrs.items())]
        if self.text:
            parts.append(repr(self.text))
        if self.children:
            parts.append(f"{len(self.children)} child element(s)")
        return f"<{self.name}>" + (" " + ", ".join(parts) if parts else "")


def _unordered(el) -> bool:
    """Where SOAP lets order go: header blocks, fault detail entries."""
    namespace, name = etree.QName(el).namespace, _local(el)
    if namespace in (SOAP11, SOAP12) and name == "Header":
        return True
    parent = el.getparent()
    return (name in ("detail", "Detail") and parent is not None
            and _local(parent) == "Fault" and etree.QName(parent).namespace in (SOAP11, SOAP12))


def _embedded_xml(el):
    """An element whose text is an XML document (LoadByCriteria's Condition): its root."""
    if any(isinstance(c.tag, str) for c in el) or not el.text:
        return None
    text = el.text.strip()
    if not (text.startswith("<") and text.endswith(">")):
        return None
    try:
        return etree.fromstring(text.encode("utf-8"), PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


@dataclass
class _Context:
    local_ids: frozenset
    id_elements: set


def normalise(el, context: _Context, in_fault: bool = False) -> Node:
    qname = etree.QName(el)
    in_fault = in_fault or (qname.localname == "Fault" and qname.namespace in (SOAP11, SOAP12))
    local_ids = context.local_ids if in_fault else frozenset()
    attrs = {}
    for name, value in el.attrib.items():
        attr = etree.QName(name)
        attrs[_show_qname(attr.namespace, attr.localname)] = normalise_text(
            value, el.nsmap, _is_id_name(attr.localname), local_ids)
    embedded = _embedded_xml(el)
    if embedded is not None:
        # Compared as XML, not as text: a condition's IDs and order count like the envelope's.
        context.id_elements.update(_id_elements(embedded))
        return Node(qname.namespace, qname.localname, attrs, "", [normalise(embedded, context, in_fault)],
                    _unordered(el))
    text = normalise_text(el.text, el.nsmap, el in context.id_elements, local_ids)
    return Node(qname.namespace, qname.localname, attrs, text,
                [normalise(c, context, in_fault) for c in el if isinstance(c.tag, str)], _unordered(el))


def normalised_document(root, local_ids: frozenset = frozenset()) -> Node:
    return normalise(root, _Context(local_ids, set(_id_elements(root))))


# -- comparing -----------------------------------------------------------------------------
@dataclass
class Difference:
    test: str
    exchange: str           # "003 Bugs_Add", or "" for the test as a whole
    part: str               # request, response, or exchange
    kind: str               # missing (in B), extra (only in B), value, namespace, order, fault, exchange
    path: str
    a: str | None = None
    b: str | None = None
    fault: bool = False     # inside a SOAP Fault

    def describe(self) -> str:
        what = {"missing": "only in A", "extra": "only in B", "value": "value differs",
                "namespace": "namespace differs", "order": "element order differs",
                "fault": "fault against result", "exchange": "exchange"}.get(self.kind, self.kind)
        return ("fault: " if self.fault and self.kind != "fault" else "") + what


@dataclass
class Report:
    dir_a: str
    dir_b: str
    compared: list[str]
    only_in_a: list[str]
    only_in_b: list[str]
    differences: list[Difference]

    @property
    def has_differences(self) -> bool:
        return bool(self.only_in_a or self.only_in_b or self.differences)

    def by_test(self) -> dict[str, list[Difference]]:
        grouped: dict[str, list[Difference]] = {}
        for d in self.differences:
            grouped.setdefault(d.test, []).append(d)
        return grouped


def _find_fault(node: Node) -> Node | None:
    if node.name == "Envelope" and node.namespace in (SOAP11, SOAP12):
        for body in node.children:
            if body.name == "Body":
                for child in body.children:
                    if child.name == "Fault" and child.namespace in (SOAP11, SOAP12):
                        return child
    return None


def fault_summary(fault: Node) -> str:
    """code, string and detail of a fault, one line."""
    texts = []

    def walk(node: Node):
        if node.text:
            texts.append(node.text)
        texts.extend(v for k, v in sorted(node.attrs.items()) if not k.startswith("xml:"))
        for c in node.children:
            walk(c)
    walk(fault)
    return "fault: " + " | ".join(texts)


class _Comparer:
    def __init__(self, test: str, exchange: str, part: str, out: list[Difference]):
        self.test, self.exchange, self.part, self.out = test, exchange, part, out

    def add(self, kind, path, a=None, b=None, fault=False):
        self.out.append(Difference(self.test, self.exchange, self.part, kind, path, a, b, fault))

    def compare(self, a: Node, b: Node, path: str, in_fault: bool = False):
        in_fault = in_fault or (a.name == "Fault" and a.namespace in (SOAP11, SOAP12))
        for name in sorted(set(a.attrs) | set(b.attrs)):
            where = f"{path}/@{name}"
            if name not in b.attrs:
                self.add("missing", where, a.attrs[name], None, in_fault)
            elif name not in a.attrs:
                self.add("extra", where, None, b.attrs[name], in_fault)
            elif a.attrs[name] != b.attrs[name]:
                self.add("value", where, a.attrs[name], b.attrs[name], in_fault)
        if a.text != b.text:
            self.add("value", path, a.text, b.text, in_fault)
        self.compare_children(a, b, path, in_fault)

    def compare_children(self, a: Node, b: Node, path: str, in_fault: bool):
        unordered = a.unordered and b.unordered
        a_children, b_children = a.children, b.children
        if unordered:
            a_children = sorted(a_children, key=lambda n: (str(n.key), n.canonical()))
            b_children = sorted(b_children, key=lambda n: (str(n.key), n.canonical()))
        keys = list(dict.fromkeys([c.key for c in a_children] + [c.key for c in b_children]))
        groups_a = {k: [c for c in a_children if c.key == k] for k in keys}
        groups_b = {k: [c for c in b_children if c.key == k] for k in keys}
        # Same local name, another namespace: one namespace difference, not missing + extra.
        for key in keys:
            if groups_a[key] and not groups_b[key]:
                twin = next((k for k in keys if k[1] == key[1] and k != key
                             and groups_b[k] and not groups_a[k]), None)
                if twin is not None:
                    self.add("namespace", f"{path}/{key[1]}", key[0] or "(none)", twin[0] or "(none)", in_fault)
                    groups_b[key], groups_b[twin] = groups_b[twin], []
        for key in keys:
            la, lb = groups_a[key], groups_b[key]
            several = max(len(la), len(lb)) > 1
            for i in range(max(len(la), len(lb))):
                where = f"{path}/{key[1]}" + (f"[{i + 1}]" if several else "")
                if i < len(la) and i < len(lb):
                    self.compare(la[i], lb[i], where, in_fault)
                elif i < len(la):
                    self.add("missing", where, la[i].summary(), None, in_fault)
                else:
                    self.add("extra", where, None, lb[i].summary(), in_fault)
        if not unordered:
            common = {k for k in keys if groups_a[k] and groups_b[k]}
            order_a = _runs([c.key for c in a.children if c.key in common])
            order_b = _runs([c.key for c in b.children if c.key in common])
            if order_a != order_b:
                self.add("order", path, ", ".join(k[1] for k in order_a),
                         ", ".join(k[1] for k in order_b), in_fault)


def _runs(keys: list) -> list:
    """Consecutive repeats collapsed: [A, B, B, C] -> [A, B, C]."""
    return [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]


def _exchange_ids(path: Path, cache: dict) -> frozenset:
    """The IDs of one exchange: its request and its response."""
    stem = path.name.rsplit(".", 2)[0]
    roots = [_parse(path.with_name(f"{stem}.{kind}.xml"), cache) for kind in ("request", "response")
             if path.with_name(f"{stem}.{kind}.xml").exists()]
    return frozenset(collect_ids(r for r in roots if not isinstance(r, Exception)))


def _compare_documents(test, label, part, path_a, path_b, cache, out):
    comparer = _Comparer(test, label, part, out)
    if path_a is None and path_b is None:
        return
    if path_a is None or path_b is None:
        comparer.add("missing" if path_b is None else "extra", f"({part})",
                     "recorded" if path_a else None, "recorded" if path_b else None)
        return
    root_a, root_b = _parse(path_a, cache), _parse(path_b, cache)
    for root, side in ((root_a, "A"), (root_b, "B")):
        if isinstance(root, Exception):
            comparer.add("value", f"({part})", f"unreadable in {side}: {root}" if side == "A" else None,
                         f"unreadable in {side}: {root}" if side == "B" else None)
            return
    a = normalised_document(root_a, _exchange_ids(path_a, cache))
    b = normalised_document(root_b, _exchange_ids(path_b, cache))
    fault_a, fault_b = _find_fault(a), _find_fault(b)
    if (fault_a is None) != (fault_b is None):
        comparer.add("fault", "/Envelope/Body",
                     fault_summary(fault_a) if fault_a else "result",
                     fault_summary(fault_b) if fault_b else "result", True)
        return
    if a.key != b.key:
        comparer.add("namespace" if a.name == b.name else "value", "/",
                     _show_qname(*a.key), _show_qname(*b.key))
        return
    comparer.compare(a, b, f"/{a.name}")


def compare(dir_a, dir_b) -> Report:
    run_a, run_b = load_run(dir_a), load_run(dir_b)
    cache: dict = {}

    compared = sorted(set(run_a) & set(run_b))
    differences: list[Difference] = []
    for test in compared:
        exchanges_a, exchanges_b = run_a[test], run_b[test]
        matcher = difflib.SequenceMatcher(None, [e.operation for e in exchanges_a],
                                          [e.operation for e in exchanges_b], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for ea, eb in zip(exchanges_a[i1:i2], exchanges_b[j1:j2]):
                    label = ea.label if ea.number == eb.number else f"{ea.label} (B: {eb.number:03d})"
                    _compare_documents(test, label, "request", ea.request, eb.request, cache, differences)
                    _compare_documents(test, label, "response", ea.response, eb.response, cache, differences)
                continue
            for ea in exchanges_a[i1:i2]:
                differences.append(Difference(test, ea.label, "exchange", "missing", "", ea.operation, None))
            for eb in exchanges_b[j1:j2]:
                differences.append(Difference(test, eb.label, "exchange", "extra", "", None, eb.operation))
    return Report(str(dir_a), str(dir_b), compared, sorted(set(run_a) - set(run_b)),
                  sorted(set(run_b) - set(run_a)), differences)


# -- reporting -----------------------------------------------------------------------------
def _headline(report: Report) -> str:
    differing = len(report.by_test())
    return (f"{len(report.compared)} test(s) in both runs: {differing} differ, "
            f"{len(report.compared) - differing} agree; {len(report.only_in_a)} only in A, "
            f"{len(report.only_in_b)} only in B")


def _where(d: Difference) -> str:
    return " ".join(x for x in (d.exchange, d.part if d.part != "exchange" else "call", d.path) if x)


def render_text(report: Report) -> str:
    lines = [f"A: {report.dir_a}", f"B: {report.dir_b}", _headline(report)]
    for title, names in (("Only in A", report.only_in_a), ("Only in B", report.only_in_b)):
        if names:
            lines += ["", f"{title}:"] + [f"  {n}" for n in names]
    for test, diffs in report.by_test().items():
        lines += ["", test]
        for d in diffs:
            lines.append(f"  {_where(d)}: {d.describe()}")
            if d.a is not None:
                lines.append(f"    A: {d.a}")
            if d.b is not None:
                lines.append(f"    B: {d.b}")
    lines.append("")
    lines.append("no differences" if not report.has_differences else "the runs differ")
    return "\n".join(lines) + "\n"


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return f"`{text}`" if "`" not in text else text


def render_markdown(report: Report) -> str:
    lines = ["# Contract run comparison", "", f"- A: `{report.dir_a}`", f"- B: `{report.dir_b}`",
             f"- {_headline(report)}", ""]
    for title, names in (("Only in A", report.only_in_a), ("Only in B", report.only_in_b)):
        if names:
            lines += [f"## {title}", ""] + [f"- `{n}`" for n in names] + [""]
    grouped = report.by_test()
    if grouped:
        lines += ["## Differences", ""]
    for test, diffs in grouped.items():
        lines += [f"### `{test}`", "", "| Exchange | Part | Difference | Where | A | B |",
                  "|---|---|---|---|---|---|"]
        for d in diffs:
            lines.append(f"| {_cell(d.exchange)} | {d.part} | {d.describe()} | {_cell(d.path)} "
                         f"| {_cell(d.a)} | {_cell(d.b)} |")
        lines.append("")
    if not report.has_differences:
        lines += ["No differences.", ""]
    return "\n".join(lines)


def render_json(report: Report) -> str:
    grouped = report.by_test()
    data = {
        "a": report.dir_a, "b": report.dir_b, "identical": not report.has_differences,
        "summary": {"compared": len(report.compared), "differ": len(grouped),
                    "only_in_a": len(report.only_in_a), "only_in_b": len(report.only_in_b)},
        "only_in_a": report.only_in_a, "only_in_b": report.only_in_b,
        "tests": [{"test": test, "differences": [
            {k: v for k, v in asdict(d).items() if k != "test"} | {"description": d.describe()}
            for d in diffs]} for test, diffs in grouped.items()],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(report: Report, fmt: str = "text") -> str:
    return {"text": render_text, "markdown": render_markdown, "json": render_json}[fmt](report)
