"""Hand-written requests against psws.asmx: envelope layout, dates, faults, SOAPAction routing
and bad input (reference §1.2-1.5, §3, §4.1, §4.2)."""
import os
from datetime import datetime

import pytest
import requests
from lxml import etree

from mockserver.app import QacMock

from .conftest import LiveServer
from .helpers import NS, SOAP11, SOAP12, auth_xml, envelope, fault_text, post_raw

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ENV = {"1.1": SOAP11, "1.2": SOAP12}
MEDIA_TYPE = {"1.1": "text/xml", "1.2": "application/soap+xml"}
VERSIONS = pytest.mark.parametrize("version", ["1.1", "1.2"], ids=["soap11", "soap12"])
UNSET = "0001-01-01T00:00:00"
UNREADABLE = "Server was unable to read request. ---> There is an error in XML document (line 1). ---> "


def call(url, op, inner="", version="1.1", action=True):
    """POST <op> with ``inner`` as its children; action=True names ``op``, None sends none."""
    body = envelope(f'<{op} xmlns="{NS}">{inner}</{op}>', version)
    return post_raw(url, body, version, op if action is True else action)


def first_body_child(response, version):
    root = etree.fromstring(response.content)
    return root.find(f"{{{ENV[version]}}}Body")[0]


def assert_fault(response, version, *fragments, status=500):
    """A client SOAP fault of ``version`` whose detail text contains every fragment."""
    assert response.status_code == status, response.text
    assert b"Traceback" not in response.content
    assert response.headers["Content-Type"].split(";")[0] == MEDIA_TYPE[version]
    fault = first_body_child(response, version)
    assert fault.tag == f"{{{ENV[version]}}}Fault"
    code = fault.findtext("faultcode") if version == "1.1" else fault.findtext(f"{{{SOAP12}}}Code/{{{SOAP12}}}Value")
    assert code == ("soap:Client" if version == "1.1" else "soap:Sender"), fault_text(response.content)
    text = fault_text(response.content)
    assert text
    for fragment in fragments:
        assert fragment in text
    return text


def bug_xml(title="Wire test bug", status="Active", bug_id=None, extra=""):
    id_xml = f"<BugId>{bug_id}</BugId>" if bug_id is not None else ""
    return f"<Bug>{id_xml}<Title>{title}</Title><StatusCode>{status}</StatusCode>{extra}</Bug>"


def add_bug(url, version="1.1", **bug):
    response = call(url, "Bugs_Add", auth_xml() + bug_xml(**bug) + "<SendEmailAlert>N</SendEmailAlert>", version)
    assert response.status_code == 200, response.text
    return int(first_body_child(response, version).findtext(f"{{{NS}}}Bugs_AddResult"))


def load_bug(url, bug_id, version="1.1"):
    response = call(url, "Bugs_Load", f"{auth_xml()}<BugId>{bug_id}</BugId>", version)
    assert response.status_code == 200, response.text
    return first_body_child(response, version).find(f"{{{NS}}}Bugs_LoadResult")


@pytest.fixture(scope="module")
def own():
    """A server of its own, for requests that could store a corrupt record if they got through."""
    server = LiveServer(QacMock(":memory:"))
    yield server
    server.close()


# --- success layout ----------------------------------------------------------------------------

@VERSIONS
def test_success_layout(live, version):
    response = call(live.url, "GetVersion", version=version)
    assert response.status_code == 200
    expected_ct = "text/xml; charset=utf-8" if version == "1.1" else "application/soap+xml"
    assert response.headers["Content-Type"].startswith(expected_ct)
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{ENV[version]}}}Envelope" and root.prefix == "soap"
    assert root.nsmap["xsi"] == XSI and root.nsmap["xsd"] == XSD
    body = root[0]
    assert body.tag == f"{{{ENV[version]}}}Body" and body.prefix == "soap"
    wrapper = body[0]
    assert wrapper.tag == f"{{{NS}}}GetVersionResponse"
    assert wrapper.prefix is None and wrapper.nsmap[None] == NS
    assert [c.tag for c in wrapper] == [f"{{{NS}}}GetVersionResult"]
    assert wrapper[0].text.count(".") == 3


@VERSIONS
@pytest.mark.parametrize("op", ["Bugs_Update", "Bugs_Delete"])
def test_void_operation_answers_an_empty_wrapper(live, version, op):
    bug_id = add_bug(live.url, version)
    if op == "Bugs_Update":
        inner = auth_xml() + bug_xml("Updated", bug_id=bug_id) + "<SendEmailAlert>N</SendEmailAlert>"
    else:
        inner = f"{auth_xml()}<BugId>{bug_id}</BugId>"
    response = call(live.url, op, inner, version)
    assert response.status_code == 200, response.text
    wrapper = first_body_child(response, version)
    assert wrapper.tag == f"{{{NS}}}{op}Response" and wrapper.nsmap[None] == NS
    assert len(wrapper) == 0 and wrapper.text is None


# --- dates and unset values --------------------------------------------------------------------

def parse_wire_date(text: str) -> datetime:
    """YYYY-MM-DDTHH:MM:SS with 1-3 optional fraction digits and no offset."""
    whole, dot, fraction = text.partition(".")
    parsed = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S")
    if dot:
        assert fraction.isdigit() and 1 <= len(fraction) <= 3, text
    return parsed


@VERSIONS
def test_dates_and_unset_values(live, version):
    bug_id = add_bug(live.url, version)
    bug = load_bug(live.url, bug_id, version)
    created = bug.findtext(f"{{{NS}}}DateCreated")
    assert abs((parse_wire_date(created) - datetime.now()).total_seconds()) < 120
    assert bug.findtext(f"{{{NS}}}DateClosed") == UNSET
    for unset_id in ("AssigneeUserId", "FolderId", "ClosedBy", "ResolvedBy"):
        assert bug.findtext(f"{{{NS}}}{unset_id}") == "0", unset_id


# --- fault shape -------------------------------------------------------------------------------

AUTH_TEXT = "Authentication data is not valid. Please retry ..."


def bad_credentials(url, version):
    return call(url, "Bugs_Load", auth_xml(password="wrong") + "<BugId>1</BugId>", version)


def test_fault_shape_soap11(live):
    response = bad_credentials(live.url, "1.1")
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = etree.fromstring(response.content)
    assert root.prefix == "soap"
    fault = first_body_child(response, "1.1")
    assert fault.tag == f"{{{SOAP11}}}Fault" and fault.prefix == "soap"
    assert [c.tag for c in fault] == ["faultcode", "faultstring", "faultactor", "detail"]
    code = fault.find("faultcode")
    assert code.text == "soap:Client" and code.nsmap["soap"] == SOAP11
    assert fault.findtext("faultstring") == "Error"
    assert fault.findtext("faultactor") == "psWS.AuthenticationException"
    assert [c.tag for c in fault.find("detail")] == ["Description"]
    assert fault.find("detail/Description").get("Text") == AUTH_TEXT


def test_fault_shape_soap12(live):
    response = bad_credentials(live.url, "1.2")
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("application/soap+xml")
    fault = first_body_child(response, "1.2")
    assert fault.tag == f"{{{SOAP12}}}Fault" and fault.prefix == "soap"
    q = f"{{{SOAP12}}}"
    assert [c.tag for c in fault] == [q + "Code", q + "Reason", q + "Node", "detail"]
    value = fault.find(f"{q}Code/{q}Value")
    assert value.text == "soap:Sender" and value.nsmap["soap"] == SOAP12
    reason = fault.find(f"{q}Reason/{q}Text")
    assert reason.text == "Error" and reason.get(XML_LANG) == "en"
    assert fault.findtext(f"{q}Node") == "psWS.AuthenticationException"
    assert fault.find("detail/Description").get("Text") == AUTH_TEXT


# --- SOAPAction --------------------------------------------------------------------------------

@VERSIONS
def test_action_naming_another_operation_cannot_read_the_body(live, version):
    """The action routes the call; the routed operation's reader does not expect this body
    [INFERRED from .asmx routing: XmlSerializer's wording]."""
    response = call(live.url, "GetVersion", version=version, action="Bugs_Delete")
    assert assert_fault(response, version) == (
        f"{UNREADABLE}<GetVersion xmlns='{NS}'> was not expected: the operation Bugs_Delete is "
        f"<Bugs_Delete xmlns='{NS}'>.")


@VERSIONS
def test_action_naming_no_operation_is_not_recognised(live, version):
    response = call(live.url, "GetVersion", version=version, action="Bugs_Frobnicate")
    assert assert_fault(response, version) == (
        f"Server did not recognize the value of HTTP Header SOAPAction: {NS}Bugs_Frobnicate.")


@pytest.mark.parametrize("version, action", [("1.1", True), ("1.2", True), ("1.2", None)],
                         ids=["soap11", "soap12-action", "soap12-no-action"])
@pytest.mark.parametrize("element, namespace", [
    ("<GetVersion/>", ""),
    ('<GetVersion xmlns="http://www.pragmaticsw.com"/>', "http://www.pragmaticsw.com"),
    ('<q:GetVersion xmlns:q="urn:other"/>', "urn:other"),
], ids=["unqualified", "namespace-without-slash", "other-namespace"])
def test_a_body_the_service_cannot_read_names_what_it_got(live, version, action, element, namespace):
    """.NET's wording, naming the element and namespace received; nothing from Python."""
    response = post_raw(live.url, envelope(element, version), version, "GetVersion" if action else None)
    text = assert_fault(response, version, UNREADABLE, f"<GetVersion xmlns='{namespace}'> was not expected")
    assert "None" not in text
    reason = (first_body_child(response, version).findtext("faultstring") if version == "1.1" else
              first_body_child(response, version).findtext(f"{{{SOAP12}}}Reason/{{{SOAP12}}}Text"))
    assert reason == text


def test_missing_soapaction_on_soap11_is_refused(live):
    response = call(live.url, "GetVersion", version="1.1", action=None)
    assert assert_fault(response, "1.1").startswith("Server did not recognize the value of HTTP Header SOAPAction")


def test_soap12_without_action_parameter_works(live):
    response = call(live.url, "GetVersion", version="1.2", action=None)
    assert response.status_code == 200
    assert first_body_child(response, "1.2").tag == f"{{{NS}}}GetVersionResponse"


@pytest.mark.parametrize("quoted", [True, False], ids=["quoted", "unquoted"])
@VERSIONS
def test_quoted_and_unquoted_actions(live, version, quoted):
    action = f"{NS}GetVersion"
    if quoted:
        action = f'"{action}"'
    if version == "1.1":
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": action}
    else:
        headers = {"Content-Type": f"application/soap+xml; charset=utf-8; action={action}"}
    body = envelope(f'<GetVersion xmlns="{NS}"/>', version).encode()
    response = requests.post(live.url, data=body, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    assert first_body_child(response, version).tag == f"{{{NS}}}GetVersionResponse"


# --- bad input ---------------------------------------------------------------------------------

def xxe_body(version):
    env = ENV[version]
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            f'<soap:Envelope xmlns:soap="{env}"><soap:Body><Bugs_Add xmlns="{NS}">{auth_xml()}'
            f'{bug_xml(title="&xxe;")}<SendEmailAlert>N</SendEmailAlert></Bugs_Add></soap:Body></soap:Envelope>')


@VERSIONS
@pytest.mark.parametrize("body, fragments", [
    ("this is not XML", ["not well-formed XML"]),
    ("", ["empty"]),
], ids=["non-xml", "empty"])
def test_unparsable_bodies(live, version, body, fragments):
    assert_fault(post_raw(live.url, body, version, "GetVersion"), version, *fragments)


@VERSIONS
def test_dtd_with_external_entity_is_refused(live, version):
    response = post_raw(live.url, xxe_body(version), version, "Bugs_Add")
    assert_fault(response, version, "DTD")
    if os.path.exists("/etc/passwd"):
        with open("/etc/passwd", encoding="utf-8", errors="replace") as passwd:
            first_line = passwd.readline().strip()
        assert first_line.encode() not in response.content


BAD_REQUESTS = [
    pytest.param("Bugs_Frobnicate", auth_xml(), ["Bugs_Frobnicate"], id="unknown-operation"),
    pytest.param("Bugs_Add", auth_xml() + "<Bug><Title></Title><StatusCode>Active</StatusCode></Bug>"
                 "<SendEmailAlert>N</SendEmailAlert>", ["Bug.Title"], id="empty-Title"),
    pytest.param("Bugs_Load", auth_xml() + "<BugId/>", ["BugId"], id="empty-BugId"),
    pytest.param("Bugs_Load", auth_xml() + "<BugId>abc</BugId>", ["BugId", "'abc'"], id="BugId-abc"),
    pytest.param("Bugs_LoadByCriteria", auth_xml() + "<Condition/><Sorting/><PageSize>9999999999</PageSize>"
                 "<PageNumber>1</PageNumber>", ["PageSize", "9999999999"], id="PageSize-overflow"),
    pytest.param("Bugs_Add", auth_xml() + bug_xml(extra="<EstStart>notadate</EstStart>")
                 + "<SendEmailAlert>N</SendEmailAlert>", ["Bug.EstStart", "notadate"], id="dateTime-text"),
    pytest.param("Bugs_Add", auth_xml() + bug_xml(extra="<EstStart>2024-13-01T00:00:00</EstStart>")
                 + "<SendEmailAlert>N</SendEmailAlert>", ["Bug.EstStart", "2024-13-01T00:00:00"],
                 id="dateTime-month-13"),
]


@VERSIONS
@pytest.mark.parametrize("op, inner, fragments", BAD_REQUESTS)
def test_bad_input_is_a_fault_naming_the_problem(live, version, op, inner, fragments):
    assert_fault(call(live.url, op, inner, version), version, *fragments)


@VERSIONS
@pytest.mark.parametrize("condition", ["<Condition/><Sorting/>", "<Condition></Condition><Sorting></Sorting>"],
                         ids=["self-closing", "open-close"])
def test_empty_condition_and_sorting_are_accepted(live, version, condition):
    inner = f"{auth_xml()}{condition}<PageSize>2</PageSize><PageNumber>1</PageNumber>"
    response = call(live.url, "Bugs_LoadByCriteria", inner, version)
    assert response.status_code == 200, response.text
    result = first_body_child(response, version).find(f"{{{NS}}}Bugs_LoadByCriteriaResult")
    assert [c.tag for c in result] == [f"{{{NS}}}Bug"] * 2


def test_json_content_type_is_415_with_a_fault(live):
    response = post_raw(live.url, '{"op": "GetVersion"}', "1.1", "GetVersion", content_type="application/json")
    assert_fault(response, "1.1", "application/json", status=415)


def test_soap12_envelope_sent_as_text_xml_is_refused(live):
    body = envelope(f'<GetVersion xmlns="{NS}"/>', "1.2")
    assert_fault(post_raw(live.url, body, "1.1", "GetVersion"), "1.1", "Envelope")


def test_body_over_ten_megabytes_is_413(live):
    response = post_raw(live.url, b" " * (10 * 1024 * 1024 + 1), "1.1", "GetVersion")
    assert_fault(response, "1.1", "10485761", status=413)


# --- values outside the XML Schema lexical spaces -----------------------------------------------

def bad_value(op, field, value):
    if op == "Bugs_Load":
        return f"{auth_xml()}<BugId>{value}</BugId>"
    return auth_xml() + bug_xml(extra=f"<{field}>{value}</{field}>") + "<SendEmailAlert>N</SendEmailAlert>"


@VERSIONS
@pytest.mark.parametrize("value", ["5_0", "\u0663"], ids=["underscore", "arabic-indic-digit"])
def test_int_outside_the_xsd_lexical_space_is_refused(own, version, value):
    assert_fault(call(own.url, "Bugs_Load", bad_value("Bugs_Load", "BugId", value), version),
                 version, "BugId", value)


@VERSIONS
@pytest.mark.parametrize("value", ["2024-01-01", "20240101T101010", "2024-01-01 10:00:00"],
                         ids=["date-only", "basic-format", "space-separator"])
def test_datetime_outside_the_xsd_lexical_space_is_refused(own, version, value):
    assert_fault(call(own.url, "Bugs_Add", bad_value("Bugs_Add", "EstStart", value), version),
                 version, "Bug.EstStart", value)


@VERSIONS
@pytest.mark.parametrize("value", ["NaN", "Infinity", "sNaN", "1e3", "1" + "0" * 29])
def test_decimal_outside_the_xsd_lexical_space_is_refused(own, version, value):
    assert_fault(call(own.url, "Bugs_Add", bad_value("Bugs_Add", "ActHrs", value), version),
                 version, "Bug.ActHrs", value)


# --- no data loss ------------------------------------------------------------------------------

@VERSIONS
def test_rejected_update_leaves_the_item_unchanged(live, version):
    bug_id = add_bug(live.url, version, title="Before the rejected update")
    before = etree.tostring(load_bug(live.url, bug_id, version))
    inner = (auth_xml() + bug_xml("After the rejected update", status="NoSuchStatus", bug_id=bug_id)
             + "<SendEmailAlert>N</SendEmailAlert>")
    assert_fault(call(live.url, "Bugs_Update", inner, version), version, "StatusCode", "NoSuchStatus")
    after = load_bug(live.url, bug_id, version)
    assert after.findtext(f"{{{NS}}}Title") == "Before the rejected update"
    assert after.findtext(f"{{{NS}}}StatusCode") == "Active"
    assert etree.tostring(after) == before


# --- other methods and paths -------------------------------------------------------------------

def test_get_without_wsdl_is_an_html_page(live):
    response = requests.get(live.url, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")


def test_get_on_another_path_is_404(live):
    assert requests.get(live.base + "/psws/other.asmx", timeout=10).status_code == 404


def test_put_is_405(live):
    response = requests.put(live.url, data=b"<x/>", headers={"Content-Type": "text/xml"}, timeout=10)
    assert response.status_code == 405


@VERSIONS
@pytest.mark.parametrize("value", ["2024-01-02T03:04:05", "2024-01-02T03:04:05.1234567",
                                   "2024-01-02T03:04:05Z", "2024-01-02T03:04:05+02:00"])
def test_datetime_in_every_xsd_form_is_accepted(own, version, value):
    bug_id = add_bug(own.url, version, extra=f"<EstStart>{value}</EstStart>")
    est_start = load_bug(own.url, bug_id, version).findtext(f"{{{NS}}}EstStart")
    assert est_start.startswith("2024-01-0")
