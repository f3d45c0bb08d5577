"""What real clients send back is accepted as ASP.NET's XmlSerializer reads it (issue 12): empty
string and array elements, xsi:nil and xsi:type attributes; and the .asmx discovery documents.
Raw XML throughout, since the point is the exact shape on the wire."""
from __future__ import annotations

import copy

import pytest
import requests
from lxml import etree

from mockserver import QACOMPLETE_VERSION

from .helpers import FAMILY_ALBUM, NS, auth_xml, envelope, post_raw
from .test_wire import VERSIONS, assert_fault, call, first_body_child

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
# (prefix, item element on Add, on Update, id parameter, id member, members for a minimal Add)
KINDS = {
    "Bugs": ("Bug", "Bug", "BugId", "BugId", "<StatusCode>Active</StatusCode>"),
    "Releases": ("Release", "Release", "ReleaseId", "Id", "<ReleaseType>Release</ReleaseType>"),
    "FunctionalSpecs": ("FunctionalSpecs", "FunctionalSpec", "FunctionalSpecId", "FunctSpecId", ""),
    "ProjectTasks": ("ProjectTask", "ProjectTasks", "TaskId", "TaskId", ""),
}


def ok(response, version):
    assert response.status_code == 200, response.text[:3000]
    return first_body_child(response, version)


def add(url, prefix, version, title="Leniency <&> ✓"):
    add_param, _, _, _, extra = KINDS[prefix]
    inner = f"{auth_xml()}<{add_param}><Title>{title.replace('&', '&amp;').replace('<', '&lt;')}</Title>{extra}</{add_param}>"
    return int(ok(call(url, f"{prefix}_Add", inner, version), version).findtext(f"{{{NS}}}{prefix}_AddResult"))


def load(url, prefix, version, item_id):
    id_param = KINDS[prefix][2]
    body = ok(call(url, f"{prefix}_Load", f"{auth_xml()}<{id_param}>{item_id}</{id_param}>", version), version)
    return body.find(f"{{{NS}}}{prefix}_LoadResult")


def update_with(url, prefix, version, item):
    """Send ``item`` (a loaded result element) back as the Update parameter."""
    update_param = KINDS[prefix][1]
    item = copy.deepcopy(item)
    item.tag = f"{{{NS}}}{update_param}"
    item_xml = etree.tostring(item, encoding="unicode")
    return call(url, f"{prefix}_Update", auth_xml() + item_xml, version)


def members(item) -> dict:
    return {etree.QName(c).localname: (c.text or "", [g.text for g in c]) for c in item}


STAMPED = {"DateUpdated", "UpdateUserId", "UserName"}


@VERSIONS
@pytest.mark.parametrize("style", ["as-loaded", "self-closing"])
@pytest.mark.parametrize("prefix", list(KINDS))
def test_load_modify_update_round_trip(live, version, prefix, style):
    """An item added with a title only, loaded, its title changed, sent back element for element:
    as the mock wrote it (<X></X>) and as .NET's XmlSerializer writes "" (<X />)."""
    item_id = add(live.url, prefix, version)
    item = load(live.url, prefix, version, item_id)
    before = members(item)
    empties = [c for c in item.iter() if c is not item and len(c) == 0 and not c.text]
    if prefix in ("Bugs", "FunctionalSpecs"):       # their "" defaults: the case that failed
        assert empties
    if style == "self-closing":
        for child in empties:
            child.text = None
    item.find(f"{{{NS}}}Title").text = "Changed &amp; «kept»"
    ok(update_with(live.url, prefix, version, item), version)
    after = members(load(live.url, prefix, version, item_id))
    assert after["Title"][0] == "Changed &amp; «kept»"
    changed = {name for name in before if before[name] != after[name]} - STAMPED
    assert changed <= {"Title", "FullReleaseName", "ReleaseName"}, changed


@VERSIONS
def test_empty_strings_clear_and_empty_arrays_are_empty(live, version):
    """<Description/> is "" (it clears), and the arrays the service itself sends out are taken
    back, empty or holding empty strings (zeep sends <CustomFields/> for [None, None])."""
    bug_id = add(live.url, "Bugs", version)
    item = (f"<Bug><BugId>{bug_id}</BugId><Title>t</Title><StatusCode>Active</StatusCode><Description/>"
            f"<SeverityCode></SeverityCode><CustomFields/><CustomFieldNames><string/><string></string>"
            f"</CustomFieldNames></Bug>")
    ok(call(live.url, "Bugs_Update", auth_xml() + item, version), version)
    loaded = load(live.url, "Bugs", version, bug_id)
    assert loaded.findtext(f"{{{NS}}}SeverityCode") == ""
    assert (loaded.findtext(f"{{{NS}}}Description") or "") == ""


@VERSIONS
def test_custom_fields_array_is_ignored_on_input(live, version):
    """[INFERRED] CustomN are the writable members; the CustomFields array is what Load reports
    of them. A client sends back the array it loaded beside a changed CustomN: the CustomN wins,
    so a round trip never undoes the change."""
    bug_id = add(live.url, "Bugs", version)
    item = (f"<Bug><Custom1>new value</Custom1><CustomFields><string>stale</string><string>x</string>"
            f"</CustomFields><BugId>{bug_id}</BugId><Title>t</Title><StatusCode>Active</StatusCode></Bug>")
    ok(call(live.url, "Bugs_Update", auth_xml() + item, version), version)
    assert load(live.url, "Bugs", version, bug_id).findtext(f"{{{NS}}}Custom1") == "new value"


@VERSIONS
@pytest.mark.parametrize("member, text", [("PctComplete", ""), ("EstHrs", ""), ("EstStart", ""),
                                          ("PctComplete", None)], ids=["int", "decimal", "dateTime", "int-self-closing"])
def test_empty_value_type_members_are_refused_naming_them(live, version, member, text):
    element = f"<{member}/>" if text is None else f"<{member}></{member}>"
    inner = f"{auth_xml()}<Bug><Title>t</Title><StatusCode>Active</StatusCode>{element}</Bug>"
    assert_fault(call(live.url, "Bugs_Add", inner, version), version, f"<Bug.{member}>", "Empty element")


@VERSIONS
def test_empty_value_type_parameter_is_refused(live, version):
    assert_fault(call(live.url, "Bugs_Load", auth_xml() + "<BugId />", version), version, "<BugId>")


# --- xsi:nil ---------------------------------------------------------------------------------

@VERSIONS
@pytest.mark.parametrize("nil", ["true", "1"])
def test_nil_operation_element_is_a_call_without_parameters(live, version, nil):
    """SOAP::Lite writes <GetVersion xmlns="…" xsi:nil="true"/>."""
    body = envelope(f'<GetVersion xmlns="{NS}" xsi:nil="{nil}"/>', version)
    result = ok(post_raw(live.url, body, version, "GetVersion"), version)
    assert result.findtext(f"{{{NS}}}GetVersionResult") == QACOMPLETE_VERSION


@VERSIONS
def test_nil_operation_element_with_parameters_is_refused(live, version):
    body = envelope(f'<Bugs_Load xmlns="{NS}" xsi:nil="true">{auth_xml()}<BugId>1</BugId></Bugs_Load>', version)
    assert_fault(post_raw(live.url, body, version, "Bugs_Load"), version, "<Bugs_Load>", 'xsi:nil="true"')


@VERSIONS
def test_nil_string_member_is_unset(live, version):
    inner = (f'{auth_xml()}<Bug><Title>nil description</Title><StatusCode>Active</StatusCode>'
             f'<Description xsi:nil="true"/><CustomFields xsi:nil="true"/></Bug>')
    bug_id = int(ok(call(live.url, "Bugs_Add", inner, version), version).findtext(f"{{{NS}}}Bugs_AddResult"))
    assert load(live.url, "Bugs", version, bug_id).find(f"{{{NS}}}Description") is None


@VERSIONS
@pytest.mark.parametrize("inner, fragments", [
    ('<Bug><Title>t</Title><PctComplete xsi:nil="true"/></Bug>', ["<Bug.PctComplete>", "cannot be nil"]),
    ('<Bug xsi:nil="true"/>', ["<Bug> is required"]),
    ('<Bug><Title xsi:nil="maybe"/></Bug>', ["<Bug.Title>", 'xsi:nil="maybe"']),
    ('<Bug><Title xsi:nil="true">text</Title></Bug>', ["<Bug.Title>", "has content"]),
], ids=["int-member", "item", "bad-value", "with-content"])
def test_nil_that_cannot_be_is_refused(live, version, inner, fragments):
    assert_fault(call(live.url, "Bugs_Add", auth_xml() + inner, version), version, *fragments)


# --- xsi:type --------------------------------------------------------------------------------

@VERSIONS
def test_xsi_type_naming_the_declared_type_is_accepted(live, version):
    """SOAP::Lite and other dynamic clients type every member; any prefix bound to the right
    namespace will do, and an xsi:type on the operation element is ignored."""
    body = envelope(
        f'<Bugs_Add xmlns="{NS}" xmlns:s="{XSD}" xmlns:t="{NS}" xsi:type="t:Bugs_Add">'
        f'<AuthenticationData xsi:type="t:AuthenticationData"><AppCode xsi:type="s:string">agSPEnt</AppCode>'
        f'<DeptId xsi:type="xsd:int">7154</DeptId><ProjId xsi:type="s:int">{FAMILY_ALBUM}</ProjId>'
        f'<UserId xsi:type="xsd:int">25315</UserId><PassCode xsi:type="xsd:string">p@ssword</PassCode>'
        f'<ProjIds xsi:type="t:ArrayOfInt"><int xsi:type="xsd:int">{FAMILY_ALBUM}</int></ProjIds>'
        f'</AuthenticationData><Bug xsi:type="t:Bug"><Title xsi:type="xsd:string">typed</Title>'
        f'<StatusCode xsi:type="xsd:string">Active</StatusCode><EstHrs xsi:type="xsd:decimal">1.5</EstHrs>'
        f'<CustomFields xsi:type="t:ArrayOfString"><string xsi:type="xsd:string">a</string></CustomFields>'
        f'</Bug><SendEmailAlert xsi:type="xsd:string">N</SendEmailAlert>'
        f'<Unknown xsi:type="t:ArrayOfString"><string>ignored</string></Unknown></Bugs_Add>', version)
    result = ok(post_raw(live.url, body, version, "Bugs_Add"), version)
    bug_id = int(result.findtext(f"{{{NS}}}Bugs_AddResult"))
    loaded = load(live.url, "Bugs", version, bug_id)
    assert (loaded.findtext(f"{{{NS}}}Title"), loaded.findtext(f"{{{NS}}}EstHrs")) == ("typed", "1.5")


@VERSIONS
def test_xsi_type_on_a_simple_member_may_be_any_built_in_type(live, version):
    """SOAP::Lite types "0" as xsd:int and a date without milliseconds as xsd:string; XmlSerializer
    reads a simple member's text whatever its xsi:type [INFERRED from its generated readers]."""
    inner = (f'{auth_xml()}<Bug><Title xsi:type="xsd:int">5</Title><StatusCode>Active</StatusCode>'
             f'<EstStart xsi:type="xsd:string">2031-01-02T03:04:05</EstStart>'
             f'<ActHrs xsi:type="xsd:int">0</ActHrs><PctComplete xsi:type="xsd:string">7</PctComplete></Bug>')
    bug_id = int(ok(call(live.url, "Bugs_Add", inner, version), version).findtext(f"{{{NS}}}Bugs_AddResult"))
    loaded = load(live.url, "Bugs", version, bug_id)
    assert [loaded.findtext(f"{{{NS}}}{m}") for m in ("Title", "EstStart", "PctComplete")] == \
        ["5", "2031-01-02T03:04:05", "7"]


@VERSIONS
@pytest.mark.parametrize("member, fragments", [
    ('<Title xsi:type="ArrayOfString"><string>x</string></Title>', ["<Bug.Title>", 'xsi:type="ArrayOfString"']),
    ('<PctComplete xsi:type="xsd:string">abc</PctComplete>', ["Bug.PctComplete", "'abc' is not a valid int"]),
    ('<Title xsi:type="nope:string">x</Title>', ["<Bug.Title>", 'xsi:type="nope:string"']),
    ('<CustomFields xsi:type="xsd:string">x</CustomFields>', ["<Bug.CustomFields>", f"{{{NS}}}ArrayOfString"]),
    ('<CustomFields xsi:type="ArrayOfInt"><int>1</int></CustomFields>', ["<Bug.CustomFields>", "ArrayOfInt"]),
], ids=["array-for-string", "text-still-checked", "unbound-prefix", "string-for-array", "other-array"])
def test_xsi_type_naming_another_type_is_refused(live, version, member, fragments):
    inner = f"{auth_xml()}<Bug><StatusCode>Active</StatusCode>{member}</Bug>"
    assert_fault(call(live.url, "Bugs_Add", inner, version), version, *fragments)


@VERSIONS
def test_xsi_type_on_a_parameter_is_checked(live, version):
    inner = f'{auth_xml()}<BugId xsi:type="tns:Bug" xmlns:tns="{NS}">1</BugId>'
    assert_fault(call(live.url, "Bugs_Load", inner, version), version, "<BugId>", "xsi:type")


# --- int lexical limits -----------------------------------------------------------------------

@VERSIONS
def test_a_very_long_int_is_a_fault_not_an_http_error(live, version):
    assert_fault(call(live.url, "Bugs_Load", f"{auth_xml()}<BugId>{'1' * 5000}</BugId>", version),
                 version, "BugId", "out of the int range")


@VERSIONS
def test_leading_zeros_are_an_int(live, version):
    bug_id = add(live.url, "Bugs", version)
    item = load(live.url, "Bugs", version, f"{bug_id:020d}")
    assert item.findtext(f"{{{NS}}}BugId") == str(bug_id)


@VERSIONS
def test_a_no_break_space_is_not_xml_whitespace(live, version):
    assert_fault(call(live.url, "Bugs_Load", f"{auth_xml()}<BugId>\u00a01</BugId>", version),
                 version, "BugId", "not a valid int")


# --- discovery -------------------------------------------------------------------------------

DISCO = "http://schemas.xmlsoap.org/disco/"


@pytest.mark.parametrize("path", ["/psws/psws.asmx", "/psWS.asmx"])
@pytest.mark.parametrize("query", ["disco", "DISCO"])
def test_disco_document(live, path, query):
    """What Visual Studio's "Add Web Reference" and Mono's discovery read: the contract and one
    soap entry per binding, at the address the client called."""
    host = live.base.split("//")[1]
    response = requests.get(f"{live.base}{path}?{query}", headers={"Host": host}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{DISCO}}}discovery"
    [contract] = root.findall("{http://schemas.xmlsoap.org/disco/scl/}contractRef")
    assert contract.get("ref") == f"{live.base}{path}?wsdl" and contract.get("docRef") == f"{live.base}{path}"
    soaps = root.findall("{http://schemas.xmlsoap.org/disco/soap/}soap")
    bindings = []
    for soap in soaps:
        assert soap.get("address") == f"{live.base}{path}"
        prefix, _, name = soap.get("binding").partition(":")
        bindings.append((soap.nsmap[prefix], name))
    assert bindings == [(NS, "ServiceSoap"), (NS, "ServiceSoap12")]
    wsdl = requests.get(contract.get("ref"), timeout=10)
    assert wsdl.status_code == 200 and b"<wsdl:definitions" in wsdl.content


def test_disco_addresses_follow_the_host_header(live):
    response = requests.get(f"{live.base}/psws/psws.asmx?disco", headers={"Host": "qac.example:8443"}, timeout=10)
    root = etree.fromstring(response.content)
    assert root.find("{http://schemas.xmlsoap.org/disco/scl/}contractRef").get("ref") == \
        "http://qac.example:8443/psws/psws.asmx?wsdl"


def test_help_page_links_the_wsdl_and_the_disco_document(live):
    response = requests.get(f"{live.base}/psws/psws.asmx", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/html; charset=utf-8"
    page = etree.fromstring(response.content, etree.HTMLParser())
    [link] = page.xpath("//head/link[@rel='alternate']")
    assert (link.get("type"), link.get("href")) == ("text/xml", f"{live.url}?disco")
    assert f"{live.url}?WSDL" in page.xpath("//a/@href")
    assert "Bugs_LoadByCriteria" in page.xpath("//li/text()")
