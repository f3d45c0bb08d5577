"""Faults: bad credentials, items that do not exist, paging limits, users without rights."""
from __future__ import annotations

import pytest
import requests
import zeep
from lxml import etree

NS = "http://www.pragmaticsw.com/"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
AUTH_FAILED = "Authentication data is not valid. Please retry ..."

# [DOC-SAMPLE] the Bugs_Load request of the vendor's page, in either SOAP version.
BUGS_LOAD = """<?xml version="1.0" encoding="utf-8"?>
<{p}:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:{p}="{env}">
  <{p}:Body>
    <Bugs_Load xmlns="http://www.pragmaticsw.com/">
      <AuthenticationData>
        <AppCode>{app_code}</AppCode>
        <DeptId>{dept_id}</DeptId>
        <ProjId>{proj_id}</ProjId>
        <UserId>{user_id}</UserId>
        <PassCode>{pass_code}</PassCode>
      </AuthenticationData>
      <BugId>1</BugId>
    </Bugs_Load>
  </{p}:Body>
</{p}:Envelope>"""


def wrong_password(qac) -> str:
    return "x" + qac.settings.password[::-1] + "x"


def post_bugs_load(qac, pass_code: str) -> requests.Response:
    auth = qac.auth()
    soap12 = qac.settings.soap == "1.2"
    body = BUGS_LOAD.format(p="soap12" if soap12 else "soap", env=SOAP12 if soap12 else SOAP11,
                            app_code=auth["AppCode"], dept_id=auth["DeptId"], proj_id=auth["ProjId"],
                            user_id=auth["UserId"], pass_code=pass_code)
    if soap12:
        headers = {"Content-Type": "application/soap+xml; charset=utf-8"}   # as in the vendor sample
    else:
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}Bugs_Load"'}
    return qac.post("Bugs_Load", body.encode("utf-8"), headers)


def qname(element, text: str) -> etree.QName:
    """A QName value such as soap:Client, resolved with the element's namespace bindings."""
    prefix, _, local = text.strip().rpartition(":")
    return etree.QName(element.nsmap.get(prefix or None), local)


def open_status(qac) -> str:
    """A defect status of the project that neither closes nor resolves."""
    statuses = list(qac.service.Bugs_GetStatuses(AuthenticationData=qac.auth()) or [])
    open_ones = [s for s in statuses if not any(w in s.lower() for w in ("closed", "resolved"))]
    assert open_ones, f"the project has no open defect status: {statuses}"
    return "Active" if "Active" in open_ones else open_ones[0]


def load_by_criteria(qac, page_size: int, page_number: int, auth=None):
    return qac.service.Bugs_LoadByCriteria(AuthenticationData=auth or qac.auth(), Condition="", Sorting="",
                                           PageSize=page_size, PageNumber=page_number)


# -- authentication -------------------------------------------------------------------

def test_authentication_fault_has_the_documented_shape(qac):
    """[DOC] "A SOAP fault response has HTTP status code 500"; [DOC-SAMPLE] for bad credentials,
    SOAP 1.1: faultcode soap:Client, faultstring Error, faultactor psWS.AuthenticationException;
    SOAP 1.2: Code/Value soap:Sender, Reason/Text xml:lang="en" Error, Node
    psWS.AuthenticationException; both: an unqualified <detail> holding
    <Description Text="Authentication data is not valid. Please retry ..."/>."""
    response = post_bugs_load(qac, wrong_password(qac))
    assert response.status_code == 500, response.text[:2000]
    root = etree.fromstring(response.content)
    env = SOAP12 if qac.settings.soap == "1.2" else SOAP11
    assert root.tag == f"{{{env}}}Envelope"
    fault = root.find(f"{{{env}}}Body/{{{env}}}Fault")
    assert fault is not None, response.text[:2000]

    if qac.settings.soap == "1.1":
        code = fault.find("faultcode")
        assert code is not None and qname(code, code.text) == etree.QName(SOAP11, "Client")
        assert fault.findtext("faultstring") == "Error"
        assert fault.findtext("faultactor") == "psWS.AuthenticationException"
    else:
        value = fault.find(f"{{{SOAP12}}}Code/{{{SOAP12}}}Value")
        assert value is not None and qname(value, value.text) == etree.QName(SOAP12, "Sender")
        reason = fault.find(f"{{{SOAP12}}}Reason/{{{SOAP12}}}Text")
        assert reason is not None and reason.text == "Error" and reason.get(XML_LANG) == "en"
        assert fault.findtext(f"{{{SOAP12}}}Node") == "psWS.AuthenticationException"

    detail = fault.find("detail")
    assert detail is not None, etree.tostring(fault, encoding=str)
    assert len(detail) >= 1 and detail[0].tag == "Description"
    assert detail[0].get("Text") == AUTH_FAILED


def test_authentication_fault_content_type_follows_the_soap_version(qac):
    """[INFERRED .asmx] A fault answers in the request's SOAP version: text/xml for 1.1,
    application/soap+xml for 1.2, UTF-8 [DOC "QAComplete uses UTF-8 encoding"]."""
    response = post_bugs_load(qac, wrong_password(qac))
    media_type, _, params = response.headers.get("Content-Type", "").partition(";")
    expected = "application/soap+xml" if qac.settings.soap == "1.2" else "text/xml"
    assert media_type.strip().lower() == expected
    assert "utf-8" in params.lower()


def test_zeep_reads_the_authentication_fault(qac):
    """[DOC-SAMPLE] Vendor clients read the Text attribute of the first element inside detail,
    falling back to the reason ("Error"). zeep finds an unqualified <detail> in SOAP 1.1 only; in
    SOAP 1.2 it looks for soap:Detail, which the vendor's sample does not use."""
    with pytest.raises(zeep.exceptions.Fault) as caught:
        qac.service.Bugs_GetStatuses(AuthenticationData=qac.auth(password=wrong_password(qac)))
    assert caught.value.message == "Error"
    if qac.settings.soap == "1.1":
        assert caught.value.actor == "psWS.AuthenticationException"
        assert caught.value.detail is not None and caught.value.detail[0].get("Text") == AUTH_FAILED


# -- items that do not exist ----------------------------------------------------------

@pytest.mark.writes
def test_load_update_and_delete_of_a_deleted_item_fault(qac):
    """[DOC] Load "returns an existing item by ID", Update "changes data of an existing item",
    Delete "deletes an existing item by ID"; [INFERRED] for an ID that no longer exists each
    answers with a SOAP fault (text not documented). The ID comes from a bug the test creates and
    deletes."""
    status = open_status(qac)
    bug = qac.build("Bug", Title=qac.title("not found"), StatusCode=status)
    bug_id = qac.service.Bugs_Add(AuthenticationData=qac.auth(), Bug=bug, SendEmailAlert="N", NewNotes="")
    qac.track("Bugs", "BugId", bug_id)
    qac.service.Bugs_Delete(AuthenticationData=qac.auth(), BugId=bug_id)
    qac.forget("Bugs", bug_id)

    with pytest.raises(zeep.exceptions.Fault):
        qac.service.Bugs_Load(AuthenticationData=qac.auth(), BugId=bug_id)
    gone = qac.build("Bug", BugId=bug_id, Title=qac.title("not found, updated"), StatusCode=status)
    try:
        qac.service.Bugs_Update(AuthenticationData=qac.auth(), Bug=gone, SendEmailAlert="N")
    except zeep.exceptions.Fault:
        pass
    else:
        qac.track("Bugs", "BugId", bug_id)        # recreated after all: delete it again
        pytest.fail(f"Bugs_Update of deleted bug {bug_id} succeeded")
    with pytest.raises(zeep.exceptions.Fault):
        qac.service.Bugs_Delete(AuthenticationData=qac.auth(), BugId=bug_id)


# -- paging ---------------------------------------------------------------------------

@pytest.mark.parametrize("page_size, page_number", [(0, 1), (201, 1), (1, 0)],
                         ids=["PageSize 0", "PageSize 201", "PageNumber 0"])
def test_paging_out_of_range_faults(qac, page_size, page_number):
    """[DOC] "Each page can have up to 200 items"; PageSize "can be 1 to 200"; page numbers start
    from 1. [INFERRED] a value outside the range is rejected with a fault rather than clamped."""
    with pytest.raises(zeep.exceptions.Fault):
        load_by_criteria(qac, page_size, page_number)


@pytest.mark.parametrize("page_size", [1, 200])
def test_paging_limits_are_accepted(qac, page_size):
    """[DOC] PageSize "can be 1 to 200": both ends are valid, and a page holds at most PageSize
    items."""
    assert len(load_by_criteria(qac, page_size, 1) or []) <= page_size


def test_page_past_the_end_is_empty(qac):
    """[DOC] "If the returned page has less items than the requested page size, you reached the end
    of the result set"; [INFERRED] a page past the end is an empty array, not a fault."""
    assert not load_by_criteria(qac, 200, 10_000_000)


# -- a user without rights ------------------------------------------------------------

def outsider(qac) -> dict:
    """AuthenticationData of the second user, aimed at the suite's project."""
    account = qac.login(qac.settings.second_email, qac.settings.second_password)
    return qac.auth(account=account, password=qac.settings.second_password, proj_id=qac.account.proj_id)


@pytest.mark.second_user
def test_user_without_rights_cannot_search_the_project(qac):
    """[DOC] "For successful API calls, the authenticating user must have access to the target
    project, and sufficient access level (Read, Add, and so on) to the target project area";
    [INFERRED] otherwise the call faults (text not documented)."""
    with pytest.raises(zeep.exceptions.Fault):
        load_by_criteria(qac, 10, 1, auth=outsider(qac))


@pytest.mark.writes
@pytest.mark.second_user
def test_user_without_rights_cannot_load_an_item(qac):
    """[DOC] Bugs_Load needs access to the project and the Read right for Defects; [INFERRED] a
    user without them gets a fault, not the defect. The defect is one the test creates."""
    status = open_status(qac)
    bug = qac.build("Bug", Title=qac.title("not for outsiders"), StatusCode=status)
    bug_id = qac.service.Bugs_Add(AuthenticationData=qac.auth(), Bug=bug, SendEmailAlert="N", NewNotes="")
    qac.track("Bugs", "BugId", bug_id)
    assert qac.service.Bugs_Load(AuthenticationData=qac.auth(), BugId=bug_id).BugId == bug_id

    with pytest.raises(zeep.exceptions.Fault):
        qac.service.Bugs_Load(AuthenticationData=outsider(qac), BugId=bug_id)
