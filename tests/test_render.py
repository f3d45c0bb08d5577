"""The lxml writer of items (mockserver/soap/render.py) against the reference it replaced:
spyne's own serializer of the registry's models, driven by the mock's protocol (so dates
use the .asmx format). Same bytes for every item of the default data and for generated
edge values of every field type.

The wire tests (test_wire, test_crud, test_criteria...) check the served XML over HTTP;
this file pins the equivalence that made the switch safe."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from mockserver.app import QacMock
from mockserver.domain.auth import Caller
from mockserver.registry import NS, REGISTRY, ComplexType, Field, Xsd
from mockserver.registry.constants import XSI
from mockserver.soap.convert import UNSET_DATE, encode_title
from mockserver.soap.models import model_for
from mockserver.soap.protocol import AsmxSoap11
from mockserver.soap.render import write_item

PROTOCOL = AsmxSoap11()
_WIRE_UNSET = {Xsd.INT: 0, Xsd.DECIMAL: Decimal(0), Xsd.DATETIME: UNSET_DATE, Xsd.BOOLEAN: False}


def spyne_object(declared, values: dict):
    """The spyne model instance the service used to return (the former convert.item_out)."""
    obj = model_for(declared.type_name)()
    for f in declared.fields:
        v = values.get(f.name)
        if v is None:
            v = _WIRE_UNSET.get(f.xsd)
        elif not isinstance(f.xsd, Xsd):
            item_type = REGISTRY.array_item_type(f.xsd)
            v = [spyne_object(item_type, d) for d in v]
        elif f.double_encoded:
            v = encode_title(v)
        if v is not None:
            setattr(obj, f.name, v)
    return obj


def by_spyne(type_name: str, values: dict) -> bytes:
    """The item as spyne writes it inside an element declaring the envelope's namespaces."""
    parent = etree.Element("parent", nsmap={None: NS, "xsi": XSI})
    declared = REGISTRY.complex_type(type_name)
    PROTOCOL.to_parent(None, model_for(type_name), spyne_object(declared, values), parent, NS, type_name)
    written = etree.tostring(parent, encoding="utf-8")     # as envelope.to_bytes writes
    return written[written.index(b">") + 1:-len(b"</parent>")]


def by_writer(type_name: str, values: dict) -> bytes:
    out: list[str] = []
    write_item(out, type_name, type_name, values)
    return "".join(out).encode("utf-8")


@pytest.fixture(scope="module")
def mock():
    return QacMock(":memory:", journal_size=0, access_log="off", admin=False)


def every_item(mock):
    store, service = mock.store, mock.service
    projects = [r[0] for r in store.db.execute("SELECT ProjId FROM Projects")]
    caller = Caller(25315, 7154, tuple(projects))
    for entity in REGISTRY.exposed_entities:
        for page in range(1, 100):
            rows = service.load_by_criteria(caller, entity, None, None, 200, page)
            yield from ((entity.type_name, row) for row in rows)
            if len(rows) < 200:
                break


def test_every_item_of_the_default_data_is_written_as_spyne_wrote_it(mock):
    compared = 0
    for type_name, values in every_item(mock):
        assert by_writer(type_name, values) == by_spyne(type_name, values), (type_name, values)
        compared += 1
    assert compared > 250


def test_login_info_with_its_projects(mock):
    info = mock.service.login_info("", "admin@example.com", "p@ssword")
    assert len(info["Projects"]) >= 3
    assert by_writer("LoginInfo", info) == by_spyne("LoginInfo", info)


xml_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff")
                   .filter(lambda c: c in "\t\n\r" or ord(c) >= 0x20), max_size=12)
VALUES = {
    Xsd.STRING: st.one_of(st.none(), st.just(""), xml_text, st.sampled_from(["a & b", "<x>", "&#60;", "  "])),
    Xsd.INT: st.one_of(st.none(), st.integers(-2**31, 2**31 - 1)),
    Xsd.DECIMAL: st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False, places=4,
                                                  min_value=-10**9, max_value=10**9),
                           st.floats(-1e9, 1e9, allow_nan=False).map(lambda f: round(f, 3))),
    Xsd.DATETIME: st.one_of(st.none(), st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31))
                            .map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))),
    Xsd.BOOLEAN: st.one_of(st.none(), st.booleans()),
    Xsd.ARRAY_OF_STRING: st.one_of(st.none(), st.lists(st.one_of(st.none(), st.just(""), xml_text), max_size=3)),
    Xsd.ARRAY_OF_INT: st.one_of(st.none(), st.lists(st.integers(-2**31, 2**31 - 1), max_size=3)),
}


def item_values(type_name: str):
    declared = REGISTRY.complex_type(type_name)
    return st.fixed_dictionaries({f.name: VALUES[f.xsd] for f in declared.fields if isinstance(f.xsd, Xsd)})


@pytest.mark.parametrize("type_name", [e.type_name for e in REGISTRY.exposed_entities])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_values_of_every_field_type_are_written_as_spyne_writes_them(type_name, data):
    values = data.draw(item_values(type_name))
    assert by_writer(type_name, values) == by_spyne(type_name, values)


# Field types no item type uses yet (booleans, say) must be written right when one does.
# base64Binary is a parameter and result type (attached files), never an item's field.
EVERY_TYPE = ComplexType("EveryWireType", tuple(Field(f"F{x.name.title().replace('_', '')}", x) for x in Xsd
                                                if x is not Xsd.BASE64_BINARY)
                         + (Field("Title", Xsd.STRING, double_encoded=True),))


@pytest.fixture(scope="module")
def every_type():
    REGISTRY._types[EVERY_TYPE.type_name] = EVERY_TYPE
    yield EVERY_TYPE.type_name
    del REGISTRY._types[EVERY_TYPE.type_name]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_type_with_every_wire_type_is_written_as_spyne_writes_it(every_type, data):
    values = data.draw(st.fixed_dictionaries({f.name: VALUES[f.xsd] for f in EVERY_TYPE.fields}))
    assert by_writer(every_type, values) == by_spyne(every_type, values)


def test_a_stored_value_xml_cannot_carry_is_a_fault_not_a_broken_answer(tmp_path):
    """Data written around the service (an imported export, a hand edit) may hold a control
    character; the answer is then an internal fault naming its reference, as lxml's refusal
    was before, never ill-formed XML."""
    import sqlite3

    from .conftest import LiveServer
    from .helpers import FAMILY_ALBUM, Soap, auth, fault

    db = tmp_path / "odd.db"
    server = LiveServer(QacMock(str(db)))
    try:
        with sqlite3.connect(db) as conn:
            bug_id = conn.execute("SELECT MIN(BugId) FROM Bugs WHERE ProjId = ?", (FAMILY_ALBUM,)).fetchone()[0]
            conn.execute("UPDATE Bugs SET Title = ? WHERE BugId = ?", ("bell \x07", bug_id))
        conn.close()
        soap = Soap(server.url, "1.1")
        text = fault(soap, soap.service.Bugs_Load, AuthenticationData=auth(), BugId=bug_id)
        assert "could not process the request" in text and "reference" in text
        assert etree.fromstring(etree.tostring(soap.last_response)) is not None
    finally:
        server.close()
