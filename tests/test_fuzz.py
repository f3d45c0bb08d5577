"""Fuzzing every operation (issue 17, point 6): a valid-looking envelope of each operation of the
registry, mutated by hypothesis, goes to a live server of its own over HTTP in both SOAP
versions. Every answer must be a response or a SOAP fault naming the problem: no plain-text 500,
no internal-error fault, no traceback in the log, and the database intact afterwards.

The CI run is bounded and derandomised (the same requests every run, so it cannot flake);
QACMOCK_FUZZ_SCALE=50 sends fifty times as many, drawn at random, for a longer local search.
"""
from __future__ import annotations

import copy
import logging
import os

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from mockserver.app import QacMock
from mockserver.registry import REGISTRY, Xsd
from mockserver.soap.findings import RULES

from .conftest import LiveServer
from .helpers import NS, auth_xml, envelope, fault_text, post_raw

XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCALE = float(os.environ.get("QACMOCK_FUZZ_SCALE", "1"))
OPERATIONS = sorted(op.name for op in REGISTRY.operations)
SAMPLE = {Xsd.STRING: "fuzz", Xsd.INT: "1", Xsd.DECIMAL: "1.5", Xsd.DATETIME: "2026-01-02T03:04:05",
          Xsd.BOOLEAN: "true", Xsd.BASE64_BINARY: "aGVsbG8="}
# What careless and hostile clients put in a value.
NASTY = ["", " ", "\u00a0", "0", "-0", "+1", "-1", "2147483648", "-2147483649", "9" * 400, "0" * 5000 + "7",
         "1e5", "1E-30", "NaN", "Infinity", "1.", ".5", "1,5", "0x10", "true ", "TRUE", "yes",
         "2026-02-30T00:00:00", "0001-01-01T00:00:00Z", "0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-01:00",
         "9999-12-31T23:59:59.9999999", "2026-01-01", "24:00:00", "2026-01-01T00:00:00+14:01",
         "&lt;script&gt;", "<![CDATA[x]]>", "💥" * 50, "x" * 9000, "'; DROP TABLE Bugs; --", "%", "[a-z]",
         "Y", "N", "Bugs", "ArrayOfString", "79228162514264337593543950336", "-79228162514264337593543950335",
         "79228162514264337593543950335.5", "0.00000000000000000000000000005", "12345678901234567890.5"]
XSI_TYPES = ["xsd:string", "xsd:int", "xsd:anyType", "ArrayOfString", "q:Bug", "nope:thing", "", "xsd:dateTime"]


def _member_xml(name: str, type_name: str) -> str:
    try:
        xsd = Xsd(type_name)
    except ValueError:
        xsd = None
    if xsd is Xsd.ARRAY_OF_INT:
        return f"<{name}><int>1</int><int>2</int></{name}>"
    if xsd is Xsd.ARRAY_OF_STRING:
        return f"<{name}><string>a</string></{name}>"
    if xsd is not None:
        return f"<{name}>{SAMPLE[xsd]}</{name}>"
    item = REGISTRY.array_item_type(type_name)
    if item is not None:
        return f"<{name}>{_member_xml(item.type_name, item.type_name)}</{name}>"
    declared = REGISTRY.complex_type(type_name)
    members = [f for f in declared.fields if getattr(f, "derived", None) is None][:12]
    inner = "".join(_member_xml(f.name, f.xsd.value if isinstance(f.xsd, Xsd) else f.xsd) for f in members)
    return f"<{name}>{inner}</{name}>"


def valid_call(name: str) -> str:
    op = REGISTRY.operation(name)
    parts = []
    for param in op.params:
        if param.type == "AuthenticationData":
            parts.append(auth_xml())
        elif param.name in ("Condition", "Sorting"):
            parts.append(f"<{param.name}></{param.name}>")
        elif param.name == "PageSize":
            parts.append("<PageSize>5</PageSize>")
        else:
            parts.append(_member_xml(param.name, param.type))
    return f'<{name} xmlns="{NS}" xmlns:xsi="{XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ' \
           f'xmlns:q="{NS}">{"".join(parts)}</{name}>'


def _elements(root) -> list:
    """The operation element and what it holds, credentials aside: a mutated AuthenticationData
    mostly earns the authentication fault, and the rest of the request would go untried."""
    auth = root.find(f"{{{NS}}}AuthenticationData")
    skip = set(auth.iter()) if auth is not None else set()
    return [el for el in root.iter() if isinstance(el.tag, str) and el not in skip]


def mutate(root, data):
    """Apply one to three mutations, chosen by hypothesis, to the operation element ``root``."""
    for _ in range(data.draw(st.integers(1, 3))):
        elements = _elements(root)
        how = data.draw(st.sampled_from(["text", "text", "text", "xsi_type", "xsi_nil", "remove", "duplicate",
                                         "child", "rename", "reorder", "attribute"]))
        leaves = [e for e in elements if len(e) == 0]
        target = data.draw(st.sampled_from(leaves if how == "text" and leaves else elements))
        if how == "text":
            if len(target) == 0:
                target.text = data.draw(st.sampled_from(NASTY) | st.text(max_size=20).filter(_xml_chars))
        elif how == "xsi_type":
            target.set(f"{{{XSI}}}type", data.draw(st.sampled_from(XSI_TYPES)))
        elif how == "xsi_nil":
            target.set(f"{{{XSI}}}nil", data.draw(st.sampled_from(["true", "false", "1", "maybe", ""])))
        elif how == "remove" and target is not root:
            target.getparent().remove(target)
        elif how == "duplicate" and target is not root:
            target.addnext(copy.deepcopy(target))
        elif how == "child":
            etree.SubElement(target, data.draw(st.sampled_from([f"{{{NS}}}Unknown", f"{{{NS}}}string",
                                                                f"{{{NS}}}int", "{urn:other}x"]))).text = "1"
        elif how == "rename" and target is not root:
            target.tag = data.draw(st.sampled_from([f"{{{NS}}}{e.tag.split('}')[-1]}" for e in elements]
                                                   + ["{urn:other}Title", "Title"]))
        elif how == "reorder":
            children = list(target)
            for child in children:
                target.remove(child)
            for child in reversed(children):
                target.append(child)
        elif how == "attribute":
            target.set(data.draw(st.sampled_from(["id", "href", "Type", "Operation"])), "1")


def _xml_chars(text: str) -> bool:
    try:
        etree.Element("x").text = text
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def fuzzed_server():
    server = LiveServer(QacMock(":memory:"))
    yield server
    server.close()


@pytest.mark.parametrize("version", ["1.1", "1.2"])
@settings(max_examples=max(1, int(1000 * SCALE)), deadline=None, derandomize=SCALE == 1, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_mutated_request_reaches_an_internal_error(fuzzed_server, version, data, caplog):
    name = data.draw(st.sampled_from(OPERATIONS))
    root = etree.fromstring(valid_call(name))
    mutate(root, data)
    body = envelope(etree.tostring(root, encoding=str), version)
    with caplog.at_level(logging.WARNING):
        response = post_raw(fuzzed_server.url, body, version, name)
    kind = response.headers.get("Content-Type", "").split(";")[0]
    assert kind in ("text/xml", "application/soap+xml"), (response.status_code, response.text[:300], body[:2000])
    assert response.status_code in (200, 500), response.status_code
    etree.fromstring(response.content)      # well-formed, whatever it says
    if response.status_code == 500:
        text = fault_text(response.content) or ""
        assert "(reference " not in text, (text, body[:3000])
    tracebacks = [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert not tracebacks, (tracebacks[0].getMessage(), body[:3000])
    # The conformance inspection agrees with the answer: what it calls refused is refused.
    entry = requests.get(fuzzed_server.base + "/__admin/journal", params={"limit": 1}, timeout=30).json()["entries"][-1]
    refused = [rule for rule in entry["findings"] or () if RULES[rule].severity == "refused"]
    assert not (refused and response.status_code == 200), (refused, body[:3000])


def test_the_fuzzed_database_is_intact_and_still_answers(fuzzed_server):
    """After the fuzzing (same module, same server): SQLite's integrity check passes and a
    plain call still works."""
    store = fuzzed_server.app.store
    with store.lock:
        assert store.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.db.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    response = requests.post(fuzzed_server.url, data=envelope(
        f'<GetVersion xmlns="{NS}"/>', "1.1").encode(), headers={
        "Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}GetVersion"'}, timeout=30)
    assert response.status_code == 200
