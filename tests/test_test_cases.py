"""Legacy test cases (TestCases_*, obsolete since 9.7.0 but served for old integrations) over SOAP
1.1 and 1.2: a declared item type like the others, TestCases_LoadByUNC, and
CreateDefectUponFailedTestCase."""
from __future__ import annotations

from lxml import etree

from .helpers import NS, auth, auth_xml, envelope, fault, post_raw
from .testlib import equal, tag

UNC = "\\\\build01\\scripts\\albums\\upload.pjs"


def test_test_cases_round_trip_and_keep_the_documented_parameters(soap):
    """[DOC] TestCases_Add(TestCase, SendEmailAlert, CreateDefectUponFailedTestCase, NewNotes) returns
    the id; Load, LoadByCriteria, Update and Delete as for every item; the status list holds
    Passed and Failed."""
    service, a = soap.service, auth()
    title = f"Legacy {tag()}"
    case_id = service.TestCases_Add(a, soap.new("TestCase", Title=title, StatusCode="Not Run", Grouping="G"),
                                    "N", "N", "first note")
    sent = soap.history.last_sent["envelope"].find(f".//{{{NS}}}TestCases_Add")
    assert [etree.QName(c).localname for c in sent] == [
        "AuthenticationData", "TestCase", "SendEmailAlert", "CreateDefectUponFailedTestCase", "NewNotes"]
    case = service.TestCases_Load(a, case_id)
    assert (case.Title, case.StatusCode, case.Grouping, case.UserName) == (title, "Not Run", "G", "Admin, Ada")
    case.StatusCode = "passed"
    service.TestCases_Update(a, case, "N")
    (found,) = service.TestCases_LoadByCriteria(a, equal("Title", title), "", 200, 1)
    assert found.StatusCode == "Passed"
    assert "TestCase.StatusCode 'Skipped' is not in the Status choice list" in fault(
        soap, service.TestCases_Add, a, soap.new("TestCase", Title="x", StatusCode="Skipped"), "N", "N", "")
    assert [n.Description for n in service.Notes_GetList(a, "TestCases", case_id)] == ["first note"]
    service.TestCases_Delete(a, case_id)
    assert "TestCase" in fault(soap, service.TestCases_Load, a, case_id)


def test_load_by_unc_finds_every_test_case_of_a_script(soap):
    """[DOC] TestCases_LoadByUNC(AutomationScriptUNC): every test case using that automation script."""
    service, a = soap.service, auth()
    script = f"\\\\build02\\scripts\\{tag()}.pjs"
    ids = [service.TestCases_Add(a, soap.new("TestCase", Title=f"Uses {n}", AutomationScriptUNC=script), "N", "N", "")
           for n in range(2)]
    service.TestCases_Add(a, soap.new("TestCase", Title="Another script", AutomationScriptUNC=script + "x"), "N", "N", "")
    assert [c.TestCaseId for c in service.TestCases_LoadByUNC(a, script)] == ids
    (seeded,) = service.TestCases_LoadByUNC(a, UNC)
    assert seeded.Title == "Album upload (legacy TestComplete script)"
    assert not service.TestCases_LoadByUNC(a, "\\\\nowhere\\x.pjs")


def test_a_failed_test_case_can_open_a_defect(soap):
    """[INFERRED] CreateDefectUponFailedTestCase = Y on a test case added as Failed adds a defect
    through Bugs_Add's rules, linked to the test case; N, or another status, adds none."""
    service, a = soap.service, auth()
    title = f"Checkout {tag()}"
    case_id = service.TestCases_Add(a, soap.new("TestCase", Title=title, StatusCode="Failed"), "N", "Y", "")
    (bug,) = service.Bugs_LoadByCriteria(a, equal("Title", f"Test case failed: {title}"), "", 200, 1)
    assert bug.StatusCode == "Active"
    (link,) = service.TraceabilityLinks_Load(a, "TestCases", case_id)
    assert (link.LinkedEntityCode, link.LinkedFKId) == ("Bugs", bug.BugId)
    for status, flag in (("Failed", "N"), ("Passed", "Y")):
        other = f"Quiet {status} {tag()}"
        service.TestCases_Add(a, soap.new("TestCase", Title=other, StatusCode=status), "N", flag, "")
        assert not service.Bugs_LoadByCriteria(a, equal("Title", f"Test case failed: {other}"), "", 200, 1)


def test_the_raw_add_without_the_option_is_accepted(soap):
    """Leaving CreateDefectUponFailedTestCase out is leaving it unset."""
    body = envelope(f'<TestCases_Add xmlns="{NS}">{auth_xml()}<TestCase><Title>Raw {tag()}</Title>'
                    f"<StatusCode>Failed</StatusCode></TestCase><SendEmailAlert>N</SendEmailAlert></TestCases_Add>",
                    soap.version)
    response = post_raw(soap.url, body, soap.version, "TestCases_Add")
    assert response.status_code == 200, response.text
