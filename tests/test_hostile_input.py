"""Reproductions of issue 17's hostile and careless requests, kept as regression tests: each is
answered with a SOAP fault naming what is wrong (or, where the input is valid, a normal answer),
never a plain-text 500 or an internal-error fault, and the server logs no traceback."""
from __future__ import annotations

import logging

import pytest
from lxml import etree

from .helpers import NS, auth_xml, envelope, fault_text, post_raw

XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'


def bug_add(member: str) -> str:
    return (f'<Bugs_Add xmlns="{NS}" {XSI}>{auth_xml()}<Bug><Title>hostile</Title><StatusCode>Active</StatusCode>'
            f"{member}</Bug><SendEmailAlert>N</SendEmailAlert></Bugs_Add>")


def bug_load(inside: str = "<BugId>1</BugId>", attributes: str = "") -> str:
    return f'<Bugs_Load xmlns="{NS}" {XSI}{attributes}>{auth_xml()}{inside}</Bugs_Load>'


def criteria(field: str, value: str, xsd: str) -> str:
    condition = (f'<Conditions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                 f'xmlns:xsd="http://www.w3.org/2001/XMLSchema" Operation="opGT">'
                 f'<Items Type="tField"><Value xsi:type="xsd:string">{field}</Value></Items>'
                 f'<Items Type="tConst"><Value xsi:type="{xsd}">{value}</Value></Items></Conditions>')
    return (f'<Bugs_LoadByCriteria xmlns="{NS}">{auth_xml()}<Condition><![CDATA[{condition}]]></Condition>'
            f"<Sorting></Sorting><PageSize>5</PageSize><PageNumber>1</PageNumber></Bugs_LoadByCriteria>")


# (operation, operation element, what the fault says; None: a normal answer)
CASES = {
    "int of 5,000 digits": ("Bugs_Load", bug_load("<BugId>" + "1" * 5000 + "</BugId>"),
                            "BugId 1111111111111111111111111111111111111111… is out of the int range."),
    "int with 5,000 leading zeros": ("Bugs_Load", bug_load("<BugId>" + "0" * 5000 + "1</BugId>"), None),
    "xsi:type naming an array on a string": (
        "Bugs_Add", bug_add('<ModuleCode xsi:type="ArrayOfString"><string>a</string></ModuleCode>'),
        '<Bug.ModuleCode> has xsi:type="ArrayOfString"'),
    "xsi:nil on the operation element": ("Bugs_Load", f'<Bugs_Load xmlns="{NS}" {XSI} xsi:nil="true"/>',
                                         "<BugId> is required by Bugs_Load."),
    "xsi:type on the operation element": ("Bugs_Load", bug_load(attributes=' xsi:type="xsd:string"'), None),
    "dateTime before year 1 in the server's zone": (
        "Bugs_Add", bug_add("<ActStart>0001-01-01T01:00:00+05:00</ActStart>"),
        "Bug.ActStart '0001-01-01T01:00:00+05:00' falls outside the years 1 to 9999"),
    "dateTime after year 9999 in the server's zone": (
        "Bugs_Add", bug_add("<ActStart>9999-12-31T23:00:00-05:00</ActStart>"),
        "Bug.ActStart '9999-12-31T23:00:00-05:00' falls outside the years 1 to 9999"),
    "no-break space before a dateTime": ("Bugs_Add", bug_add("<ActStart>\u00a02026-01-01T00:00:00</ActStart>"),
                                         "is not a valid dateTime"),
    "condition decimal 1e999999999": ("Bugs_LoadByCriteria", criteria("EstHrs", "1e999999999", "xsd:decimal"),
                                      "'1e999999999' at Conditions[opGT]/Items[2]"),
    "condition int of 5,000 digits": ("Bugs_LoadByCriteria", criteria("PctComplete", "9" * 5000, "xsd:int"),
                                      "'" + "9" * 60 + "…' at Conditions[opGT]/Items[2]"),
    "64,000 attributes on one element": (
        "Bugs_Load", bug_load("<BugId " + " ".join(f'a{n}="1"' for n in range(64000)) + ">1</BugId>"),
        "<BugId> has 64000 attributes; at most 32 are allowed."),
    "attributes named like members": (
        "Bugs_Add", f'<Bugs_Add xmlns="{NS}">{auth_xml()}<Bug SendEmailAlert="Y" NewNotes="x"><Title Description="d">hostile</Title>'
                    f"<StatusCode>Active</StatusCode></Bug><SendEmailAlert>N</SendEmailAlert></Bugs_Add>", None),
    "an attribute named like a parameter": ("Bugs_Load", bug_load(attributes=' BugId="7"'), None),
    "250,000 elements": ("Bugs_Load", bug_load("<BugId>1</BugId>" + "<x/>" * 250_000),
                         "The request has more than 200000 elements."),
}


@pytest.mark.parametrize("version", ["1.1", "1.2"])
@pytest.mark.parametrize("case", list(CASES))
def test_hostile_input_gets_a_fault_naming_it_or_a_normal_answer(live, version, case, caplog):
    operation, inner, expected = CASES[case]
    with caplog.at_level(logging.WARNING):
        response = post_raw(live.url, envelope(inner, version), version, operation)
    assert response.headers["Content-Type"].split(";")[0] in ("text/xml", "application/soap+xml"), response.text[:200]
    root = etree.fromstring(response.content)
    if expected is None:
        assert response.status_code == 200, fault_text(response.content)
        assert root.find(f".//{{{NS}}}{operation}Result") is not None
    else:
        assert response.status_code == 500
        assert expected in fault_text(response.content)
        assert "reference" not in fault_text(response.content)      # not an internal error
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


def test_a_member_given_twice_is_read_as_its_last_occurrence(live):
    """As XmlSerializer (and spyne, before the direct path) read it: a repeated parameter or
    member counts once, its last occurrence; so 100,000 repeats cost what one does."""
    add = (f'<Bugs_Add xmlns="{NS}">{auth_xml()}<Bug><Title>first</Title><Title>second</Title>'
           f'<StatusCode>Active</StatusCode></Bug><SendEmailAlert>N</SendEmailAlert></Bugs_Add>')
    bug_id = etree.fromstring(post_raw(live.url, envelope(add), "1.1", "Bugs_Add").content).findtext(
        f".//{{{NS}}}Bugs_AddResult")
    load = (f'<Bugs_Load xmlns="{NS}">{auth_xml()}' + "<BugId>1</BugId>" * 100_000
            + f"<BugId>{bug_id}</BugId></Bugs_Load>")
    loaded = etree.fromstring(post_raw(live.url, envelope(load), "1.1", "Bugs_Load").content)
    assert loaded.findtext(f".//{{{NS}}}Title") == "second"
    assert loaded.findtext(f".//{{{NS}}}BugId") == bug_id
