"""Bad Condition, Sorting and paging input to Bugs_LoadByCriteria (docs/load-by-criteria.md).

Every refused input must come back as a psWS.ValidationException client fault (HTTP 500,
faultcode soap:Client / soap:Sender) whose detail/Description/@Text names the element or value
at fault and says what is expected -- never a soap:Server / psWS.InternalException fault.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
from lxml import etree

from .helpers import NS, SOAP11, SOAP12, auth, auth_xml, envelope, fault, fault_text, post_raw

XMLNS = ('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
         'xmlns:xsd="http://www.w3.org/2001/XMLSchema"')
ENV = {"1.1": SOAP11, "1.2": SOAP12}
MEDIA_TYPE = {"1.1": "text/xml", "1.2": "application/soap+xml"}
CLIENT_CODE = {"1.1": "soap:Client", "1.2": "soap:Sender"}
VERSIONS = pytest.mark.parametrize("version", ["1.1", "1.2"], ids=["soap11", "soap12"])
VALIDATION = "psWS.ValidationException"

# The operators and item types the spec documents (and a fault must list).
OPERATORS = ("opAND", "opOR", "opNOT", "opLT", "opLTE", "opEQU", "opNOTEQU", "opGT", "opGTE",
             "opIN", "opNOTIN", "opLIKE", "opNOTLIKE", "opNULL", "opNOTNULL")
ITEM_TYPES = ("tField", "tConst", "tString", "tDate", "tArray", "tSQLstring")
# The FamilyAlbum bugs of the embedded default data set, as titles travel ([DOC] double encoded).
SEEDED_TITLES = {"Album cover does not load", "Crash when exporting &#60;large&#62; albums &amp; videos",
                 "Typo on the login page"}
MAX_CONDITION = 65536
MAX_SORTING = 512
MAX_DEPTH = 32


# -- building conditions ---------------------------------------------------------------------

def field(name: str) -> str:
    return f'<Items Type="tField"><Value xsi:type="xsd:string">{name}</Value></Items>'


def item(item_type: str, text: str, xsi_type: str | None = None) -> str:
    typed = f' xsi:type="{xsi_type}"' if xsi_type else ""
    return f'<Items Type="{item_type}"><Value{typed}>{escape(text)}</Value></Items>'


def array(*members: str) -> str:
    strings = "".join(f"<string>{escape(m)}</string>" for m in members)
    return f'<Items Type="tArray"><Value xsi:type="ArrayOfString">{strings}</Value></Items>'


def node(op: str, *children: str) -> str:
    return f'<Conditions Operation="{op}">{"".join(children)}</Conditions>'


def cond(op: str, *children: str) -> str:
    """A root <Conditions> declaring xsi and xsd, as .NET's XmlSerializer writes it."""
    return f'<Conditions {XMLNS} Operation="{op}">{"".join(children)}</Conditions>'


def is_null(name="Title") -> str:
    return node("opNULL", field(name))


def nested_nots(levels: int) -> str:
    """``levels`` <Conditions> deep: opNOT around opNOT ... around one opNULL."""
    inner = is_null()
    for _ in range(levels - 2):
        inner = node("opNOT", inner)
    return cond("opNOT", inner)


def wide_or(length: int) -> str:
    """A valid opOR of opEQU BugId tests, padded with ignorable spaces to exactly ``length``."""
    head, tail = f'<Conditions {XMLNS} Operation="opOR">', "</Conditions>"
    parts, size, i = [], len(head) + len(tail), 1
    while True:
        part = node("opEQU", field("BugId"), item("tConst", str(i)))
        if size + len(part) > length:
            break
        parts.append(part)
        size += len(part)
        i += 1
    text = head + "".join(parts) + " " * (length - size) + tail
    assert len(text) == length
    return text


# -- calling and checking ----------------------------------------------------------------------

def load(soap, condition="", sorting="", size=200, number=1):
    return soap.service.Bugs_LoadByCriteria(auth(), condition, sorting, size, number) or []


def validation_fault(soap, condition="", sorting="", size=10, number=1) -> str:
    """Call Bugs_LoadByCriteria, which must fault with a psWS.ValidationException; its text."""
    text = fault(soap, soap.service.Bugs_LoadByCriteria, auth(), condition, sorting, size, number)
    env = ENV[soap.version]
    body = soap.last_response.find(f"{{{env}}}Body")
    soap_fault = body.find(f"{{{env}}}Fault")
    assert soap_fault is not None
    if soap.version == "1.1":
        code, actor = soap_fault.findtext("faultcode"), soap_fault.findtext("faultactor")
    else:
        code = soap_fault.findtext(f"{{{env}}}Code/{{{env}}}Value")
        actor = soap_fault.findtext(f"{{{env}}}Node")
    assert (code, actor) == (CLIENT_CODE[soap.version], VALIDATION), text
    assert text and "Traceback" not in text
    return text


def assert_mentions(text: str, *fragments: str):
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"


def assert_data_intact(soap):
    """The seeded bugs are all still there, and the Bugs table still answers a condition."""
    titles = {bug.Title for bug in load(soap)}
    assert SEEDED_TITLES <= titles
    found = load(soap, cond("opLIKE", field("Title"), item("tString", "Typo on the %")))
    assert "Typo on the login page" in {bug.Title for bug in found}


def valid_fields(text: str) -> list[str]:
    assert "Valid fields:" in text, text
    return [name.strip().rstrip(".") for name in text.split("Valid fields:", 1)[1].split(",")]


# -- malformed XML, DTDs and entities -------------------------------------------------------------

@pytest.mark.parametrize("condition", [
    pytest.param('<Conditions Operation="opAND">', id="unclosed-tag"),
    pytest.param("Title = 'x'", id="not-xml"),
    pytest.param(cond("opNULL", field("Title")) + "garbage", id="garbage-after-root"),
    pytest.param(cond("opNULL", field("Title")) + is_null(), id="two-roots"),
    pytest.param('<Conditions Operation="opNULL"><Items Type="tField"><Value>Title</Items></Conditions>',
                 id="mismatched-tag"),
    pytest.param('<Conditions Operation="opEQU">' + field("Title") + item("tString", "x") + "</Conditions>",
                 id="undeclared-xsi-prefix"),
    pytest.param('<Conditions Operation="opEQU"><Items Type="tField"><Value>Title</Value></Items>'
                 '<Items Type="tString"><Value>&e;</Value></Items></Conditions>', id="undefined-entity"),
])
def test_malformed_xml_faults(soap, condition):
    text = validation_fault(soap, condition)
    assert_mentions(text, "Condition is not well-formed XML", "<Conditions Operation=")


def doctype(entity_decl: str, value: str) -> str:
    return (f"<!DOCTYPE Conditions [{entity_decl}]><Conditions Operation=\"opEQU\">"
            f"<Items Type=\"tField\"><Value>Title</Value></Items>"
            f"<Items Type=\"tString\"><Value>{value}</Value></Items></Conditions>")


@pytest.mark.parametrize("make", [
    pytest.param(lambda _: doctype('<!ENTITY e SYSTEM "file:///etc/passwd">', "&e;"), id="etc-passwd"),
    pytest.param(lambda url: doctype(f'<!ENTITY e SYSTEM "{url}">', "&e;"), id="external-entity"),
    pytest.param(lambda url: doctype(f'<!ENTITY % p SYSTEM "{url}"> %p;', "x"), id="parameter-entity"),
    pytest.param(lambda url: f'<!DOCTYPE Conditions SYSTEM "{url}">' + cond("opNULL", field("Title")),
                 id="external-dtd"),
    pytest.param(lambda _: doctype('<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">', "&b;"),
                 id="internal-entities"),
    pytest.param(lambda _: '<?xml version="1.0"?><!DOCTYPE Conditions>' + cond("opNULL", field("Title")),
                 id="empty-doctype"),
])
def test_doctype_and_entities_fault_without_leaking_files(soap, tmp_path, make):
    secret = tmp_path / "secret.txt"
    secret.write_text("QACMOCK-SECRET-MARKER\n")
    text = validation_fault(soap, make(secret.as_uri()))
    assert "DOCTYPE" in text
    response = etree.tostring(soap.last_response).decode()
    assert "QACMOCK-SECRET-MARKER" not in response
    assert "root:" not in response


def test_external_entity_in_an_attribute_faults_without_leaking(soap, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("QACMOCK-SECRET-MARKER\n")
    condition = (f'<!DOCTYPE Conditions [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
                 f'<Conditions Operation="&e;">{field("Title")}</Conditions>')
    text = validation_fault(soap, condition)
    assert text.startswith("Condition")
    assert "QACMOCK-SECRET-MARKER" not in etree.tostring(soap.last_response).decode()


# -- structure: root, Operation, item Type ---------------------------------------------------------

def test_wrong_root_element(soap):
    text = validation_fault(soap, f'<Condition {XMLNS} Operation="opNULL">{field("Title")}</Condition>')
    assert_mentions(text, "<Conditions>", "<Condition>")


def test_namespaced_conditions_are_not_conditions(soap):
    text = validation_fault(soap, f'<Conditions xmlns="{NS}" Operation="opNULL">'
                                  f'<Items Type="tField"><Value>Title</Value></Items></Conditions>')
    assert_mentions(text, "expected a <Conditions> element", NS)


def test_missing_operation(soap):
    text = validation_fault(soap, f'<Conditions {XMLNS}>{field("Title")}</Conditions>')
    assert_mentions(text, "no Operation attribute")


@pytest.mark.parametrize("op", ["opXOR", "opequ", "OPEQU", "opEQU ", ""],
                         ids=["opXOR", "lower-case", "upper-case", "trailing-space", "empty"])
def test_unknown_operation_lists_the_valid_ones(soap, op):
    text = validation_fault(soap, cond(op, field("Title"), item("tString", "x")))
    assert_mentions(text, f"unknown Operation '{op}'", "valid operators are", *OPERATORS)


@pytest.mark.parametrize("items, fragments", [
    pytest.param(field("Title") + item("tFoo", "x"), ["'tFoo'", "Items[2]"], id="unknown-type"),
    pytest.param('<Items Type="tfield"><Value>Title</Value></Items>' + item("tString", "x"),
                 ["'tfield'", "Items[1]"], id="wrong-case-tfield"),
    pytest.param(field("Title") + item("TSTRING", "x"), ["'TSTRING'"], id="wrong-case-TSTRING"),
])
def test_unknown_item_type_lists_the_valid_ones(soap, items, fragments):
    text = validation_fault(soap, cond("opEQU", items))
    assert_mentions(text, "unknown item Type", "valid types are", *ITEM_TYPES, *fragments)


def test_missing_item_type(soap):
    text = validation_fault(soap, cond("opEQU", field("Title"), "<Items><Value>x</Value></Items>"))
    assert_mentions(text, "no Type attribute", "Items[2]")


# -- fields ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Nope", "CustomFieldName1", "CustomFields", "CustomFieldNames",
                                  "Title; DROP TABLE Bugs", "Bugs.Title", ""],
                         ids=["unknown", "CustomFieldName1", "CustomFields", "CustomFieldNames",
                              "injection", "qualified", "empty"])
def test_unfilterable_field_is_named_and_valid_fields_listed(soap, name):
    text = validation_fault(soap, cond("opEQU", field(name), item("tString", "x")))
    assert_mentions(text, f"no field '{name}'", "Items[1]")
    listed = valid_fields(text)
    assert {"BugId", "Title", "StatusCode", "DateCreated", "AssignedToName"} <= set(listed)
    assert not {"CustomFieldName1", "CustomFields", "CustomFieldNames"} & set(listed)


def test_unknown_field_deep_in_the_tree_names_its_path(soap):
    condition = cond("opAND", is_null(), node("opOR", is_null(), node("opNOT", is_null("Nope"))))
    text = validation_fault(soap, condition)
    assert_mentions(text, "'Nope'", "Conditions[opAND]/Conditions[2][opOR]/Conditions[2][opNOT]/"
                                    "Conditions[1][opNULL]/Items[1]")


# -- arity and unexpected content ----------------------------------------------------------------

@pytest.mark.parametrize("condition, fragments", [
    pytest.param(cond("opEQU", field("Title")), ["opEQU", "exactly 2 <Items>", "found 1"], id="opEQU-1-item"),
    pytest.param(cond("opEQU", field("Title"), item("tString", "a"), item("tString", "b")),
                 ["opEQU", "exactly 2 <Items>", "found 3"], id="opEQU-3-items"),
    pytest.param(cond("opLT"), ["opLT", "exactly 2 <Items>", "found 0"], id="opLT-no-items"),
    pytest.param(cond("opNULL", field("Title"), field("Title")), ["opNULL", "exactly 1 <Items>", "found 2"],
                 id="opNULL-2-items"),
    pytest.param(cond("opNOTNULL"), ["opNOTNULL", "exactly 1 <Items>", "found 0"], id="opNOTNULL-no-items"),
    pytest.param(cond("opIN", field("Title")), ["opIN", "exactly 2 <Items>", "found 1"], id="opIN-1-item"),
    pytest.param(cond("opNOT", is_null(), is_null()), ["opNOT", "exactly one nested <Conditions>", "found 2"],
                 id="opNOT-2-children"),
    pytest.param(cond("opNOT"), ["opNOT", "exactly one nested <Conditions>", "found 0"], id="opNOT-empty"),
    pytest.param(cond("opAND"), ["opAND", "one or more nested <Conditions>", "found 0"], id="opAND-empty"),
    pytest.param(cond("opOR"), ["opOR", "one or more nested <Conditions>", "found 0"], id="opOR-empty"),
    pytest.param(cond("opAND", field("Title")), ["opAND", "cannot hold <Items>"], id="opAND-with-items"),
    pytest.param(cond("opOR", is_null(), field("Title")), ["opOR", "cannot hold <Items>"], id="opOR-mixed"),
    pytest.param(cond("opEQU", is_null(), is_null()), ["opEQU", "compares <Items>", "opAND, opOR or opNOT"],
                 id="comparison-with-conditions"),
    pytest.param(cond("opEQU", field("Title"), item("tString", "x"), is_null()),
                 ["opEQU", "compares <Items>"], id="comparison-items-and-conditions"),
    pytest.param(cond("opAND", "<Foo/>", is_null()), ["<Foo>", "Conditions[opAND]", "<Conditions>", "<Items>"],
                 id="unexpected-element"),
    pytest.param(cond("opAND", is_null(), "<conditions/>"), ["<conditions>"], id="lower-case-element"),
    pytest.param(cond("opAND", "stray", is_null()), ["unexpected text 'stray'", "Conditions[opAND]"],
                 id="stray-text-first"),
    pytest.param(cond("opAND", is_null(), "stray"), ["unexpected text 'stray'"], id="stray-text-after"),
    pytest.param(cond("opNULL", '<Items Type="tField">Title</Items>'), ["tField", "exactly one <Value>", "found 0"],
                 id="items-text-without-value"),
    pytest.param(cond("opNULL", '<Items Type="tField"><Value>Title</Value><Value>BugId</Value></Items>'),
                 ["exactly one <Value>", "found 2"], id="two-values"),
    pytest.param(cond("opNULL", '<Items Type="tField"><Name>Title</Name></Items>'), ["<Name>", "only <Value>"],
                 id="unexpected-element-in-items"),
    pytest.param(cond("opEQU", field("Title"), '<Items Type="tString"><Value><b>x</b></Value></Items>'),
                 ["<Value>", "must hold text"], id="value-with-elements"),
])
def test_wrong_shape_faults(soap, condition, fragments):
    text = validation_fault(soap, condition)
    assert text.startswith("Condition")
    assert_mentions(text, *fragments)


# -- types -------------------------------------------------------------------------------------

@pytest.mark.parametrize("condition, fragments", [
    pytest.param(cond("opEQU", field("BugId"), item("tString", "abc")), ["'abc'", "int", "BugId", "Items[2]"],
                 id="tString-abc-vs-int"),
    pytest.param(cond("opEQU", field("BugId"), item("tString", "1.5")), ["'1.5'", "int", "BugId"],
                 id="tString-1.5-vs-int"),
    pytest.param(cond("opEQU", field("PctComplete"), item("tString", "")), ["''", "int", "PctComplete"],
                 id="tString-empty-vs-int"),
    pytest.param(cond("opEQU", field("BugId"), item("tConst", "abc")), ["'abc'", "BugId"], id="tConst-abc"),
    pytest.param(cond("opEQU", field("Title"), item("tConst", "abc")), ["'abc'", "a number", "Title"],
                 id="tConst-abc-vs-text"),
    pytest.param(cond("opGT", field("ActHrs"), item("tConst", "1e400")), ["'1e400'", "decimal", "ActHrs"],
                 id="tConst-overflow"),
    pytest.param(cond("opEQU", field("PctComplete"), item("tConst", "1e400")), ["'1e400'", "int", "PctComplete"],
                 id="tConst-overflow-vs-int"),
    pytest.param(cond("opLT", field("PctComplete"), item("tConst", "1" + "0" * 400 + ".5")),
                 ["PctComplete", "int"], id="tConst-overflowing-fraction-vs-int"),
    pytest.param(cond("opEQU", field("Title"), item("tDate", "2014-01-01T00:00:00")),
                 ["Title", "string", "tString or tConst", "not tDate"], id="tDate-vs-text"),
    pytest.param(cond("opEQU", field("BugId"), item("tDate", "2014-01-01T00:00:00")),
                 ["BugId", "not tDate"], id="tDate-vs-int"),
    pytest.param(cond("opEQU", field("DateCreated"), item("tDate", "2014-13-45")),
                 ["'2014-13-45'", "yyyy-mm-ddThh:mm:ss", "DateCreated"], id="tDate-2014-13-45"),
    pytest.param(cond("opEQU", field("DateCreated"), item("tDate", "yesterday")),
                 ["'yesterday'", "yyyy-mm-ddThh:mm:ss", "DateCreated"], id="tDate-yesterday"),
    pytest.param(cond("opEQU", field("DateCreated"), item("tDate", "2014-02-30")), ["'2014-02-30'"],
                 id="tDate-feb-30"),
    pytest.param(cond("opEQU", field("DateCreated"), item("tDate", "2014-01-01T25:00:00")),
                 ["'2014-01-01T25:00:00'"], id="tDate-hour-25"),
    pytest.param(cond("opEQU", field("DateCreated"), item("tDate", "2014-01-01T00:00:00+99:99")),
                 ["'2014-01-01T00:00:00+99:99'"], id="tDate-bad-offset"),
    pytest.param(cond("opEQU", field("DateCreated"), item("tDate", "0000-01-01")), ["'0000-01-01'"],
                 id="tDate-year-0"),
    pytest.param(cond("opLT", field("DateCreated"), item("tString", "soon")), ["'soon'", "DateCreated"],
                 id="tString-vs-date"),
    pytest.param(cond("opEQU", field("DateCreated"), item("tConst", "5")),
                 ["DateCreated", "dateTime", "tDate", "tSQLstring", "not tConst"], id="tConst-vs-date"),
    pytest.param(cond("opEQU", field("Title"), item("tSQLstring", "getdate()")),
                 ["Title", "not tSQLstring"], id="tSQLstring-vs-text"),
    pytest.param(cond("opEQU", field("Title"), array("a", "b")), ["tArray", "opIN and opNOTIN"],
                 id="tArray-with-opEQU"),
    pytest.param(cond("opIN", field("StatusCode"), item("tString", "Active")), ["opIN", "tArray", "not tString"],
                 id="opIN-with-tString"),
    pytest.param(cond("opIN", item("tString", "Active"), array("Active")), ["opIN", "tField", "not tString"],
                 id="opIN-without-field"),
    pytest.param(cond("opIN", field("StatusCode"), '<Items Type="tArray"></Items>'), ["tArray", "no values"],
                 id="empty-tArray"),
    pytest.param(cond("opNOTIN", field("StatusCode"),
                      '<Items Type="tArray"><Value xsi:type="ArrayOfString"/></Items>'),
                 ["opNOTIN", "no values"], id="empty-ArrayOfString"),
    pytest.param(cond("opIN", field("BugId"),
                      '<Items Type="tArray"><Value xsi:type="ArrayOfInt"><int>1</int><int>x</int></Value></Items>'),
                 ["'x'", "BugId"], id="tArray-bad-member"),
    pytest.param(cond("opEQU", field("Title"), item("tString", "x", "ArrayOfString")), ["ArrayOfString", "tArray"],
                 id="ArrayOf-on-a-scalar"),
    pytest.param(cond("opEQU", field("BugId"), item("tConst", "x", "xsd:int")), ["'x'", "xsd:int"],
                 id="xsd-int-with-x"),
    pytest.param(cond("opEQU", field("DateCreated"), item("tDate", "today", "xsd:dateTime")),
                 ["'today'", "xsd:dateTime"], id="xsd-dateTime-with-today"),
    pytest.param(cond("opEQU", field("BugId"), item("tConst", "1", "xsd:foo")), ["'xsd:foo'"],
                 id="unknown-xsi-type"),
    pytest.param(cond("opEQU", field("BugId"), item("tConst", "1", "foo:int")), ["'foo:int'", "undeclared prefix"],
                 id="undeclared-prefix"),
    pytest.param(cond("opEQU", field("Title"), '<Items Type="tString"><Value xsi:nil="true"/></Items>'),
                 ["nil", "opNULL"], id="xsi-nil"),
    pytest.param(cond("opEQU", field("Title"), '<Items Type="tString"><Value xsi:nil="1"/></Items>'),
                 ["nil", "opNULL"], id="xsi-nil-1"),
    pytest.param(cond("opLIKE", field("DateCreated"), item("tString", "2014%")),
                 ["opLIKE", "text or integer field", "DateCreated", "dateTime"], id="opLIKE-on-date"),
    pytest.param(cond("opLIKE", field("ActHrs"), item("tString", "1%")),
                 ["opLIKE", "text or integer field", "ActHrs", "decimal"], id="opLIKE-on-decimal"),
    pytest.param(cond("opNOTLIKE", field("Title"), item("tDate", "2014-01-01")),
                 ["opNOTLIKE", "pattern", "tString", "not tDate"], id="opLIKE-tDate-pattern"),
    pytest.param(cond("opLIKE", field("Title"), field("Description")), ["pattern", "not tField"],
                 id="opLIKE-field-pattern"),
    pytest.param(cond("opLIKE", field("BugId"), item("tConst", "1")), ["pattern", "tString", "not tConst"],
                 id="opLIKE-tConst-pattern"),
    pytest.param(cond("opLIKE", field("Title"), item("tString", "a" * 4001)), ["4001", "4000", "pattern"],
                 id="opLIKE-pattern-too-long"),
    pytest.param(cond("opEQU", field("Title"), '<Items Type="tString"><Value xsi:nil=" true "/></Items>'),
                 ["nil", "opNULL"], id="xsi-nil-padded"),
    pytest.param(cond("opLIKE", item("tString", "x%"), field("Title")), ["opLIKE", "tField", "not tString"],
                 id="opLIKE-pattern-first"),
    pytest.param(cond("opNULL", item("tString", "x")), ["opNULL", "tField", "not tString"],
                 id="opNULL-on-constant"),
    pytest.param(cond("opEQU", field("Title"), field("BugId")),
                 ["Title (string)", "BugId (int)", "not comparable"], id="field-vs-field-types"),
    pytest.param(cond("opLT", field("DateCreated"), field("ActHrs")), ["DateCreated", "ActHrs", "not comparable"],
                 id="date-vs-decimal-field"),
    pytest.param(cond("opEQU", item("tConst", "1"), item("tConst", "1")), ["opEQU", "at least one tField"],
                 id="constant-vs-constant"),
    pytest.param(cond("opEQU", item("tString", "a"), item("tDate", "2014-01-01")), ["at least one tField"],
                 id="string-vs-date-constant"),
    # decimal.Overflow is an ArithmeticError, not a ValueError: it once reached the internal fault.
    pytest.param(cond("opEQU", field("EstHrs"), item("tString", "1e999999999")),
                 ["'1e999999999'", "EstHrs"], id="decimal-overflow"),
])
def test_type_errors_fault(soap, condition, fragments):
    text = validation_fault(soap, condition)
    assert text.startswith("Condition")
    assert_mentions(text, *fragments)


# -- LIKE patterns -----------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, fragments", [
    pytest.param("[abc", ["'[abc'", "never closed", "[[]"], id="unclosed-bracket"),
    pytest.param("%error[", ["'%error['", "never closed"], id="unclosed-at-end"),
    pytest.param("a[]b", ["'a[]b'", "empty character set"], id="empty-set"),
    pytest.param("[z-a]%", ["'[z-a]%'", "z-a", "reversed"], id="reversed-range"),
])
def test_bad_like_pattern_faults(soap, pattern, fragments):
    text = validation_fault(soap, cond("opLIKE", field("Title"), item("tString", pattern)))
    assert_mentions(text, "Condition", "Items[2]", *fragments)


def test_bad_like_pattern_on_an_integer_field_faults(soap):
    text = validation_fault(soap, cond("opNOTLIKE", field("BugId"), item("tString", "[9-0]%")))
    assert_mentions(text, "'[9-0]%'", "reversed")


# -- tSQLstring: the whitelist -----------------------------------------------------------------

@pytest.mark.parametrize("expression, fragments", [
    pytest.param("1; DROP TABLE Bugs", ["';'"], id="drop-table"),
    pytest.param("getdate(); delete from Bugs", ["';'"], id="getdate-then-delete"),
    pytest.param("select 1", ["'select'", "not a known function"], id="select"),
    pytest.param("user_name()", ["'user_name'", "not a known function"], id="user_name"),
    pytest.param("(select max(DateCreated) from Bugs)", ["expected word"], id="subquery"),
    pytest.param("dateadd(fortnight, 1, getdate())", ["'fortnight'", "not a date part"], id="unknown-date-part"),
    pytest.param("dateadd(day, 1, '2014-01-01)", ["quoted literal is never closed"], id="unclosed-quote"),
    pytest.param("dateadd(day, 1.5, getdate())", ["'.'"], id="fractional-amount"),
    pytest.param("dateadd(year, 100000, getdate())", ["outside the range of dates"], id="year-out-of-range"),
    pytest.param("dateadd(day, -99999999999999999999, getdate())", ["outside the range of dates"],
                 id="huge-negative-amount"),
    pytest.param("dateadd(day, 1, '2014-13-45')", ["'2014-13-45'", "yyyy-mm-ddThh:mm:ss"], id="bad-literal"),
    pytest.param("cast(getdate() as int)", ["'int'"], id="cast-to-int"),
    pytest.param("getdate", ["expected (", "the end"], id="no-parentheses"),
    pytest.param("getdate() + 1", ["'+'"], id="arithmetic"),
    pytest.param("getdate() getdate()", ["after the expression"], id="two-expressions"),
    pytest.param("", ["the end"], id="empty"),
    pytest.param("dateadd(day, 1, " * 20 + "getdate()" + ")" * 20, ["nested too deeply"], id="too-deep"),
])
def test_tsqlstring_outside_the_whitelist_faults_and_changes_nothing(soap, expression, fragments):
    text = validation_fault(soap, cond("opGTE", field("DateCreated"), item("tSQLstring", expression)))
    assert_mentions(text, f"tSQLstring '{expression}' is not supported", "Items[2]", "getdate()", "dateadd(",
                    *fragments)
    assert_data_intact(soap)


# -- limits ------------------------------------------------------------------------------------

def test_condition_over_the_length_limit_faults(soap):
    text = validation_fault(soap, wide_or(MAX_CONDITION + 1))
    assert_mentions(text, "Condition", str(MAX_CONDITION + 1), str(MAX_CONDITION))


def test_condition_far_over_the_length_limit_faults(soap):
    text = validation_fault(soap, wide_or(3 * MAX_CONDITION))
    assert_mentions(text, "Condition", str(MAX_CONDITION))


def test_condition_at_the_length_limit_is_accepted(soap):
    condition = wide_or(MAX_CONDITION)
    named = condition.count('Operation="opEQU"')      # the opOR names BugIds 1..named
    seeded = {bug.BugId for bug in load(soap) if bug.Title in SEEDED_TITLES}
    assert len(seeded) == 3 and max(seeded) <= named
    found = {bug.BugId for bug in load(soap, condition)}
    assert seeded <= found <= set(range(1, named + 1))


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, MAX_DEPTH + 10], ids=["33-levels", "42-levels"])
def test_nesting_too_deep_faults(soap, levels):
    text = validation_fault(soap, nested_nots(levels))
    assert_mentions(text, "nested too deeply", str(MAX_DEPTH), "Conditions[opNOT]/Conditions[1][opNOT]")


def test_nesting_beyond_the_xml_parser_limit_faults(soap):
    """Far deeper than 32: refused either by the XML parser's own depth limit or by the depth check."""
    levels = 300
    text = validation_fault(soap, '<Conditions Operation="opNOT">' * (levels - 1)
                            + is_null() + "</Conditions>" * (levels - 1))
    assert text.startswith("Condition")
    assert "nested too deeply" in text or "depth" in text


def test_nesting_at_the_limit_is_accepted(soap):
    # 31 opNOT around opNULL Title: an odd number of NOTs, so NOT NULL, which every bug is.
    titles = {bug.Title for bug in load(soap, nested_nots(MAX_DEPTH))}
    assert SEEDED_TITLES <= titles


# -- sorting -------------------------------------------------------------------------------------

@pytest.mark.parametrize("sorting, fragments", [
    pytest.param("Nope", ["'Nope'", "not a sortable field"], id="unknown-field"),
    pytest.param("Title UP", ["'UP'", "ASC or DESC"], id="bad-direction"),
    pytest.param("Title ASCENDING", ["'ASCENDING'", "ASC or DESC"], id="spelled-out-direction"),
    pytest.param("Title ASC extra", ["'Title ASC extra'", "Field [ASC|DESC]"], id="three-words"),
    pytest.param("Title,", ["'Title,'", "Field [ASC|DESC]"], id="trailing-comma"),
    pytest.param(",Title", ["',Title'"], id="leading-comma"),
    pytest.param("Title,, BugId", ["'Title,, BugId'"], id="empty-key"),
    pytest.param("CustomFields", ["'CustomFields'", "not a sortable field"], id="CustomFields"),
    pytest.param("CustomFieldName1 DESC", ["'CustomFieldName1'", "not a sortable field"], id="CustomFieldName1"),
    pytest.param("Title DESC, Nope ASC", ["'Nope'"], id="unknown-second-field"),
    pytest.param("Title; DROP TABLE Bugs", ["'Title; DROP TABLE Bugs'"], id="injection"),
    pytest.param("Title;", ["'Title;'", "not a sortable field"], id="semicolon"),
    pytest.param("Title ASC, title DESC", ["Title", "more than once"], id="same-field-twice"),
])
def test_bad_sorting_faults(soap, sorting, fragments):
    text = validation_fault(soap, sorting=sorting)
    assert text.startswith("Sorting")
    assert_mentions(text, *fragments)


def test_sorting_over_the_length_limit_faults(soap):
    sorting = ", ".join(["Title ASC"] * 60)
    assert len(sorting) > MAX_SORTING
    text = validation_fault(soap, sorting=sorting)
    assert_mentions(text, "Sorting", str(len(sorting)), str(MAX_SORTING))


def test_sorting_at_the_length_limit_is_accepted(soap):
    sorting = "Title DESC".ljust(MAX_SORTING)
    titles = [bug.Title for bug in load(soap, sorting=sorting)]
    assert SEEDED_TITLES <= set(titles)
    text = validation_fault(soap, sorting=sorting + " ")
    assert_mentions(text, "Sorting", str(MAX_SORTING + 1), str(MAX_SORTING))


# -- paging --------------------------------------------------------------------------------------

@pytest.mark.parametrize("size, number, named, value", [
    (0, 1, "PageSize", 0), (201, 1, "PageSize", 201), (-1, 1, "PageSize", -1),
    (10, 0, "PageNumber", 0), (10, -5, "PageNumber", -5),
], ids=["PageSize-0", "PageSize-201", "PageSize-minus-1", "PageNumber-0", "PageNumber-minus-5"])
def test_paging_out_of_range_names_parameter_and_value(soap, size, number, named, value):
    text = validation_fault(soap, size=size, number=number)
    assert_mentions(text, f"{named} {value}", "out of range")
    assert ("1 to 200" if named == "PageSize" else "1 or more") in text


def test_paging_is_checked_even_with_a_valid_condition(soap):
    text = validation_fault(soap, is_null(), "Title", 0, 1)
    assert_mentions(text, "PageSize 0")


# -- injection attempts are only data ------------------------------------------------------------

def test_injection_in_a_string_value_is_just_a_string(soap):
    found = load(soap, cond("opEQU", field("Title"), item("tString", "x' OR '1'='1")))
    assert found == []
    found = load(soap, cond("opLIKE", field("Title"), item("tString", "%' OR '1'='1' --")))
    assert found == []
    assert_data_intact(soap)


def test_injection_in_a_field_name_is_an_unknown_field(soap):
    text = validation_fault(soap, cond("opEQU", field("Title; DROP TABLE Bugs"), item("tString", "x")))
    assert_mentions(text, "no field 'Title; DROP TABLE Bugs'", "Valid fields")
    text = validation_fault(soap, cond("opEQU", field('Title" OR 1=1 --'), item("tString", "x")))
    assert_mentions(text, "no field 'Title\" OR 1=1 --'")
    assert_data_intact(soap)


# -- values at the edges of their types ---------------------------------------------------------

@pytest.mark.parametrize("condition", [
    pytest.param(cond("opEQU", field("DateCreated"), item("tDate", "0001-01-01T00:00:00+14:00")),
                 id="tDate-min-plus-14"),
    pytest.param(cond("opLT", field("DateCreated"), item("tDate", "9999-12-31T23:59:59-14:00")),
                 id="tDate-max-minus-14"),
    pytest.param(cond("opGT", field("DateCreated"), item("tString", "0001-01-01T00:00:00+01:00")),
                 id="tString-min-plus-1"),
    pytest.param(cond("opEQU", field("DateCreated"),
                      item("tDate", "0001-01-01T00:00:00+14:00", "xsd:dateTime")), id="xsd-dateTime"),
    pytest.param(cond("opGTE", field("DateCreated"),
                      item("tSQLstring", "dateadd(day, 1, '0001-01-01T00:00:00+14:00')")), id="tSQLstring-literal"),
])
def test_date_out_of_range_after_offset_faults(soap, condition):
    """A UTC offset that carries a date past year 1 or 9999 is a bad value, not a server error."""
    text = validation_fault(soap, condition)
    assert_mentions(text, "0001-01-01T00:00:00" if "0001" in condition else "9999-12-31T23:59:59")


@pytest.mark.parametrize("condition", [
    pytest.param(cond("opEQU", field("BugId"), item("tString", "\u0663")), id="tString-arabic-3-vs-int"),
    pytest.param(cond("opEQU", field("PctComplete"), item("tConst", "\uff15\uff10")), id="tConst-fullwidth-50"),
    pytest.param(cond("opEQU", field("BugId"), item("tConst", "\u0663", "xsd:int")), id="xsd-int-arabic-3"),
    pytest.param(cond("opGT", field("DateCreated"), item("tDate", "\u0662\u0660\u0661\u0664-01-01")),
                 id="tDate-arabic-year"),
])
def test_non_ascii_digits_are_refused(soap, condition):
    """XML Schema and SQL Server read ASCII digits only; '٣' and '５' are not numbers."""
    validation_fault(soap, condition)


def test_tstring_beyond_the_int_range_faults(soap):
    """[INFERRED] SQL Server converts a tString compared with an int field to int, and that overflows."""
    text = validation_fault(soap, cond("opEQU", field("BugId"), item("tString", "99999999999")))
    assert_mentions(text, "'99999999999'", "BugId")


# -- raw HTTP: status, Content-Type and fault structure -----------------------------------------------

def raw_request(url, version, condition_xml, sorting="", size=10, number=1):
    """A hand-written Bugs_LoadByCriteria; ``condition_xml`` goes into <Condition> as is."""
    inner = (f'<Bugs_LoadByCriteria xmlns="{NS}">{auth_xml()}<Condition>{condition_xml}</Condition>'
             f'<Sorting>{escape(sorting)}</Sorting><PageSize>{size}</PageSize>'
             f'<PageNumber>{number}</PageNumber></Bugs_LoadByCriteria>')
    return post_raw(url, envelope(inner, version), version, "Bugs_LoadByCriteria")


def assert_validation_fault(response, version, *fragments) -> str:
    assert response.status_code == 500, response.text
    assert response.headers["Content-Type"].split(";")[0] == MEDIA_TYPE[version]
    assert b"Traceback" not in response.content
    env = ENV[version]
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{env}}}Envelope"
    body = root.find(f"{{{env}}}Body")
    assert len(body) == 1
    soap_fault = body[0]
    assert soap_fault.tag == f"{{{env}}}Fault"
    if version == "1.1":
        assert [c.tag for c in soap_fault] == ["faultcode", "faultstring", "faultactor", "detail"]
        assert soap_fault.findtext("faultcode") == "soap:Client"
        assert soap_fault.findtext("faultstring") == "Error"
        assert soap_fault.findtext("faultactor") == VALIDATION
    else:
        q = f"{{{env}}}"
        assert [c.tag for c in soap_fault] == [q + "Code", q + "Reason", q + "Node", "detail"]
        assert soap_fault.findtext(f"{q}Code/{q}Value") == "soap:Sender"
        assert soap_fault.findtext(f"{q}Reason/{q}Text") == "Error"
        assert soap_fault.findtext(f"{q}Node") == VALIDATION
    assert [c.tag for c in soap_fault.find("detail")] == ["Description"]
    text = fault_text(response.content)
    assert text
    assert_mentions(text, *fragments)
    return text


@VERSIONS
@pytest.mark.parametrize("wrap", [escape, lambda text: f"<![CDATA[{text}]]>"], ids=["encoded", "cdata"])
def test_raw_unknown_field(live, version, wrap):
    condition = cond("opEQU", field("Nope"), item("tString", "x"))
    response = raw_request(live.url, version, wrap(condition))
    assert_validation_fault(response, version, "no field 'Nope'", "Title", "StatusCode")


@VERSIONS
def test_raw_malformed_condition(live, version):
    response = raw_request(live.url, version, escape("Title = 'x'"))
    assert_validation_fault(response, version, "not well-formed XML")


@VERSIONS
def test_raw_external_entity(live, version, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("QACMOCK-SECRET-MARKER\n")
    condition = doctype(f'<!ENTITY e SYSTEM "{secret.as_uri()}">', "&e;")
    response = raw_request(live.url, version, f"<![CDATA[{condition}]]>")
    assert_validation_fault(response, version, "DOCTYPE")
    assert b"QACMOCK-SECRET-MARKER" not in response.content


@VERSIONS
def test_raw_unencoded_condition_markup(live, version):
    """Markup sent neither in CDATA nor encoded is child elements of <Condition>, not a string."""
    response = raw_request(live.url, version, node("opNULL", '<Items Type="tField"><Value>Title</Value></Items>'))
    assert_validation_fault(response, version, "Condition")


@VERSIONS
@pytest.mark.parametrize("sorting, size, number, fragments", [
    ("Title UP", 10, 1, ["'UP'"]),
    ("", 0, 1, ["PageSize 0"]),
    ("", 10, -5, ["PageNumber -5"]),
], ids=["bad-direction", "PageSize-0", "PageNumber-minus-5"])
def test_raw_sorting_and_paging(live, version, sorting, size, number, fragments):
    response = raw_request(live.url, version, "", sorting, size, number)
    assert_validation_fault(response, version, *fragments)


@VERSIONS
def test_raw_condition_too_long(live, version):
    response = raw_request(live.url, version, escape(wide_or(MAX_CONDITION + 1)))
    assert_validation_fault(response, version, "Condition", str(MAX_CONDITION))
