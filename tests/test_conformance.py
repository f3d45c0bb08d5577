"""Conformance findings (issue 18): for every rule, a request that deviates in that one way is
found to, and the same request sent as zeep writes it is found clean; the answer is what it is
without the inspection (a fault for refused rules, a normal answer otherwise); in strict mode
the tolerated ones are faults naming the rule. Requests are zeep's envelopes, edited as raw XML."""
from __future__ import annotations

import copy
import datetime
from decimal import Decimal

import pytest
import requests
from lxml import etree

from mockserver.app import QacMock
from mockserver.soap.findings import RULES, SEVERITIES

from .conftest import LiveServer
from .helpers import FAMILY_ALBUM, NS, Soap, auth, fault_text

XSI = "http://www.w3.org/2001/XMLSchema-instance"
ENV = {"1.1": "http://schemas.xmlsoap.org/soap/envelope/", "1.2": "http://www.w3.org/2003/05/soap-envelope"}


@pytest.fixture(scope="module")
def strict():
    server = LiveServer(QacMock(":memory:", strict=True, access_log="off"))
    yield server
    server.close()


@pytest.fixture(scope="module")
def clients(live):
    return {v: Soap(live.url, v) for v in ("1.1", "1.2")}


def bug(soap: Soap, **values):
    values = {"Title": "conformance", "StatusCode": "Active", "Description": "described", "PctComplete": 25,
              "EstHrs": Decimal("1.5"), "EstStart": datetime.datetime(2031, 1, 2), **values}
    return soap.new("Bug", **values)


def canonical(soap: Soap, operation: str):
    """The envelope zeep sends for ``operation``, and the headers it sends it with."""
    params = {"AuthenticationData": auth()}
    if operation == "Bugs_Add":
        params.update(Bug=bug(soap), SendEmailAlert="N")
    elif operation == "Bugs_Load":
        params.update(BugId=1)
    elif operation == "Bugs_LoadByCriteria":
        params.update(Condition="", Sorting="", PageSize=5, PageNumber=1)
    tree = soap.client.create_message(soap.service, operation, **params)
    action = f"{NS}{operation}"
    headers = ({"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action}"'} if soap.version == "1.1"
               else {"Content-Type": f'application/soap+xml; charset=utf-8; action="{action}"'})
    return tree, headers


def find(tree, path: str):
    """The element at a '/'-separated path of local names under the operation element."""
    element = tree.find(f".//{{{NS}}}{path.split('/')[0]}")
    for name in path.split("/")[1:]:
        element = element.find(f"{{{NS}}}{name}")
    return element


def set_text(path, text):
    def edit(tree, headers):
        find(tree, path).text = text
    return edit


def set_attribute(path, name, value):
    def edit(tree, headers):
        find(tree, path).set(name, value)
    return edit


def header(name, value):
    def edit(tree, headers):
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = value
    return edit


def remove(path):
    def edit(tree, headers):
        element = find(tree, path)
        element.getparent().remove(element)
    return edit


def append(path, xml):
    def edit(tree, headers):
        find(tree, path).append(etree.fromstring(xml))
    return edit


def swap(path, first, second):
    def edit(tree, headers):
        parent = find(tree, path)
        a, b = parent.find(f"{{{NS}}}{first}"), parent.find(f"{{{NS}}}{second}")
        a.addnext(copy.deepcopy(b))
        parent.remove(b)
        parent.insert(list(parent).index(a), parent[list(parent).index(a) + 1])
    return edit


def replace(path, xml):
    def edit(tree, headers):
        element = find(tree, path)
        element.getparent().replace(element, etree.fromstring(xml))
    return edit


def unqualify(path):
    def edit(tree, headers):
        element = find(tree, path)
        element.tag = etree.QName(element).localname
    return edit


def other_envelope(tree, headers):
    """A SOAP 1.2 envelope under SOAP 1.1's Content-Type."""
    for element in tree.iter(f"{{{ENV['1.1']}}}*"):
        element.tag = f"{{{ENV['1.2']}}}{etree.QName(element).localname}"


def body_element(tag):
    def edit(tree, headers):
        element = tree.find(f"{{{ENV['1.2']}}}Body")[0]
        element.tag = tag
    return edit


def extra_body_element(tree, headers):
    body = tree.find(f"{{{ENV['1.1']}}}Body")
    body.append(etree.fromstring(f'<GetVersion xmlns="{NS}"/>'))


def latin1(tree, headers):
    headers["Content-Type"] = "text/xml; charset=iso-8859-1"
    find(tree, "Bugs_Add/Bug/Description").text = "café"


# rule -> (SOAP version, operation, edits of zeep's request)
CASES = {
    "content-type-version": ("1.1", "Bugs_Load", [other_envelope]),
    "charset-missing": ("1.1", "Bugs_Load", [header("Content-Type", "text/xml")]),
    "charset-not-utf8": ("1.1", "Bugs_Add", [latin1]),
    "soapaction-missing": ("1.1", "Bugs_Load", [header("SOAPAction", None)]),
    "soapaction-unquoted": ("1.1", "Bugs_Load", [header("SOAPAction", f"{NS}Bugs_Load")]),
    "action-mismatch": ("1.1", "Bugs_Load", [header("SOAPAction", f'"{NS}Bugs_Delete"')]),
    "action-missing": ("1.2", "Bugs_Load", [header("Content-Type", "application/soap+xml; charset=utf-8")]),
    "unknown-operation": ("1.2", "Bugs_Load", [header("Content-Type", "application/soap+xml; charset=utf-8"),
                                               body_element(f"{{{NS}}}Bugs_Frobnicate")]),
    "operation-namespace": ("1.2", "Bugs_Load", [header("Content-Type", "application/soap+xml; charset=utf-8"),
                                                 body_element("{http://example.com/}Bugs_Load")]),
    "body-extra-elements": ("1.1", "Bugs_Load", [extra_body_element]),
    "unknown-element": ("1.1", "Bugs_Add", [append("Bugs_Add/Bug", f'<Severity xmlns="{NS}">High</Severity>')]),
    "wrong-namespace": ("1.1", "Bugs_Add", [unqualify("Bugs_Add/Bug/Description")]),
    "element-order": ("1.1", "Bugs_Add", [swap("Bugs_Add/Bug", "Title", "Description")]),
    "repeated-element": ("1.1", "Bugs_Add", [append("Bugs_Add/Bug", f'<Description xmlns="{NS}">again</Description>')]),
    "missing-required-parameter": ("1.1", "Bugs_Load", [remove("Bugs_Load/BugId")]),
    "missing-value-member": ("1.1", "Bugs_Add", [remove("Bugs_Add/Bug/PctComplete")]),
    "nil-value-type": ("1.1", "Bugs_Add", [set_text("Bugs_Add/Bug/PctComplete", None),
                                           set_attribute("Bugs_Add/Bug/PctComplete", f"{{{XSI}}}nil", "true")]),
    "nil-not-nillable": ("1.1", "Bugs_Add", [set_text("Bugs_Add/Bug/Description", None),
                                             set_attribute("Bugs_Add/Bug/Description", f"{{{XSI}}}nil", "true")]),
    "xsi-type-mismatch": ("1.1", "Bugs_Add", [set_attribute("Bugs_Add/Bug/Title", f"{{{XSI}}}type", "ArrayOfString")]),
    # SOAP::Lite's guess: a member's text typed as another built-in type.
    "xsi-type-noise": ("1.1", "Bugs_Add", [replace("Bugs_Add/Bug/PctComplete", (
        f'<PctComplete xmlns="{NS}" xmlns:xsi="{XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'xsi:type="xsd:string">25</PctComplete>'))]),
    "empty-value-element": ("1.1", "Bugs_Add", [set_text("Bugs_Add/Bug/PctComplete", "")]),
    "empty-element": ("1.1", "Bugs_Add", [set_text("Bugs_Add/Bug/Description", "")]),
    "lexical-form": ("1.1", "Bugs_Add", [set_text("Bugs_Add/Bug/EstHrs", "1.5E0")]),
    "non-canonical-number": ("1.1", "Bugs_Add", [set_text("Bugs_Add/Bug/PctComplete", "+025")]),
    "date-with-offset": ("1.2", "Bugs_Add", [set_text("Bugs_Add/Bug/EstStart", "2031-01-02T00:00:00Z")]),
    "decimal-beyond-dotnet": ("1.1", "Bugs_Add", [set_text("Bugs_Add/Bug/EstHrs", "1." + "3" * 30)]),
    "out-of-range": ("1.1", "Bugs_Add", [set_text("Bugs_Add/Bug/PctComplete", "2147483648")]),
    "max-length": ("1.1", "Bugs_Add", [set_text("Bugs_Add/Bug/Title", "t" * 256)]),
    "title-pre-encoded": ("1.1", "Bugs_Add", [set_text("Bugs_Add/Bug/Title", "Fish &amp; Chips")]),
    "page-size": ("1.1", "Bugs_LoadByCriteria", [set_text("Bugs_LoadByCriteria/PageSize", "201")]),
    "page-number": ("1.2", "Bugs_LoadByCriteria", [set_text("Bugs_LoadByCriteria/PageNumber", "0")]),
    "authentication-missing": ("1.1", "Bugs_Load", [remove("Bugs_Load/AuthenticationData/AppCode")]),
}


def post(server, tree, headers, charset="utf-8") -> requests.Response:
    encoding = headers["Content-Type"].partition("charset=")[2].split(";")[0] or "utf-8"
    body = etree.tostring(tree, xml_declaration=True, encoding=encoding if encoding != "utf-8" else charset)
    return requests.post(server.url, data=body, headers=headers, timeout=10)


def last_findings(server) -> list[str]:
    entry = requests.get(server.base + "/__admin/journal", params={"limit": 1}, timeout=10).json()["entries"][-1]
    return entry["findings"] or []


def deviating(clients, rule):
    version, operation, edits = CASES[rule]
    tree, headers = canonical(clients[version], operation)
    for edit in edits:
        edit(tree, headers)
    return tree, headers


def test_every_rule_has_a_case():
    assert sorted(CASES) == sorted(RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_the_canonical_request_has_no_finding(live, clients, rule):
    version, operation, _ = CASES[rule]
    response = post(live, *canonical(clients[version], operation))
    assert response.status_code == 200, fault_text(response.content)
    assert last_findings(live) == []


@pytest.mark.parametrize("rule", sorted(CASES))
def test_the_deviating_request_is_found_and_answered_as_without_inspection(live, clients, rule):
    response = post(live, *deviating(clients, rule))
    assert set(last_findings(live)) == {rule}
    refused = RULES[rule].severity == "refused"
    assert response.status_code == (500 if refused else 200), response.text[:500]
    report = requests.get(live.base + "/__admin/conformance", params={"rule": rule, "limit": 1}, timeout=10).json()
    finding = report["findings"][-1]
    assert finding["severity"] == RULES[rule].severity and finding["reference"] == RULES[rule].reference
    assert finding["path"] and finding["message"]


@pytest.mark.parametrize("rule", sorted(CASES))
def test_strict_mode_refuses_what_is_only_tolerated(strict, clients, rule):
    response = post(strict, *deviating(clients, rule))
    severity = RULES[rule].severity
    assert response.status_code == (200 if severity == "note" else 500), response.text[:500]
    if severity == "tolerated":
        assert fault_text(response.content).startswith(f"Strict mode: {rule} (tolerated) at ")


def test_strict_mode_answers_canonical_requests(strict, clients):
    for version in ("1.1", "1.2"):
        for operation in ("Bugs_Add", "Bugs_Load", "Bugs_LoadByCriteria"):
            response = post(strict, *canonical(clients[version], operation))
            assert response.status_code == 200, fault_text(response.content)


def test_a_load_modify_update_round_trip_through_zeep_finds_only_the_empty_array_it_echoes(live, clients):
    """The item's empty CustomFields comes back from Load as <CustomFields/>, and zeep (as .NET)
    sends it back so: the vendor advises against empty elements, so that much is found."""
    for soap in clients.values():
        requests.delete(live.base + "/__admin/conformance", timeout=10)
        new_id = soap.service.Bugs_Add(AuthenticationData=auth(), Bug=bug(soap), SendEmailAlert="N")
        loaded = soap.service.Bugs_Load(AuthenticationData=auth(), BugId=new_id)
        loaded.Description = "changed"
        soap.service.Bugs_Update(AuthenticationData=auth(), Bug=loaded, SendEmailAlert="N")
        soap.service.Bugs_LoadByCriteria(AuthenticationData=auth(proj_ids=[FAMILY_ALBUM]), Condition="",
                                         Sorting="BugId DESC", PageSize=200, PageNumber=1)
        report = requests.get(live.base + "/__admin/conformance", timeout=10).json()
        assert report["requests"] == 4
        assert [(f["rule"], f["path"]) for f in report["findings"]] == [("empty-element", "Bugs_Update/Bug/CustomFields")]


def test_severities_are_ordered_most_serious_first():
    assert SEVERITIES == ("refused", "tolerated", "note")


def test_a_flood_of_deviations_keeps_the_first_hundred(live, clients):
    """20,000 unknown elements in one request: answered, and its journal entry and the report
    keep at most 100 findings of it."""
    tree, headers = canonical(clients["1.1"], "Bugs_Load")
    operation = find(tree, "Bugs_Load")
    for n in range(20_000):
        etree.SubElement(operation, f"{{{NS}}}Unknown{n % 7}")
    response = post(live, tree, headers)
    assert response.status_code == 200
    assert last_findings(live) == ["unknown-element"] * 100
