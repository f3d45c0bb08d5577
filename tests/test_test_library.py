"""The Test Library and test sets over SOAP 1.1 and 1.2: the documented operation and parameter
names, fields and mirrors, rights, cascades and LoadByCriteria for every test-management type."""
from __future__ import annotations

import pytest
import requests
from lxml import etree

from mockserver.registry import REGISTRY

from .helpers import NS, auth, fault
from .test_criteria import and_, array, cond, const, field, root, string
from .testlib import READER, RUNNER, add_set, add_test, equal, run_items, start_run, tag

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"

# [DOC] reference §7.6: every operation and its parameters, in order, as the vendor names them.
DOCUMENTED = {
    "Tests_Add": ["AuthenticationData", "Test", "SendEmailAlert", "NewNotes"],
    "Tests_Load": ["AuthenticationData", "TestId"],
    "Tests_Update": ["AuthenticationData", "Tests", "SendEMailAlert"],
    "Tests_Delete": ["AuthenticationData", "TestId"],
    "TestSteps_Add": ["AuthenticationData", "TestStep", "SendEmailAlert"],
    "TestSteps_Load": ["AuthenticationData", "TestStepId"],
    "TestSteps_Update": ["AuthenticationData", "TestStep", "SendEMailAlert"],
    "TestSteps_Delete": ["AuthenticationData", "TestStepId"],
    "TestSets_Add": ["AuthenticationData", "TestSet", "SendEmailAlert", "NewNotes"],
    "TestSets_Load": ["AuthenticationData", "TestSetId"],
    "TestSets_Update": ["AuthenticationData", "TestSet", "SendEMailAlert"],
    "TestSets_Delete": ["AuthenticationData", "TestSetId"],
    "TestSetItems_Add": ["AuthenticationData", "TestSetItem", "SendEmailAlert"],
    "TestSetItems_Load": ["AuthenticationData", "TestSetItemId"],
    "TestSetItems_Update": ["AuthenticationData", "TestSetItem", "SendEMailAlert"],
    "TestSetItems_Delete": ["AuthenticationData", "TestSetId"],
    "TestConfigurations_Add": ["AuthenticationData", "TestConfiguration", "SendEmailAlert", "NewNotes"],
    "TestConfigurations_Load": ["AuthenticationData", "TestConfigurationId"],
    "TestConfigurations_Update": ["AuthenticationData", "TestConfiguration", "SendEmailAlert"],
    "TestConfigurations_Delete": ["AuthenticationData", "TestConfigurationId"],
    "TestRuns_Add": ["AuthenticationData", "TestRun", "SendEmailAlert"],
    "TestRuns_Load": ["AuthenticationData", "TestRunId"],
    "TestRuns_Update": ["AuthenticationData", "TestRun", "SendEmailAlert"],
    "TestRunItems_Load": ["AuthenticationData", "TestRunItemId"],
    "TestRunItems_Update": ["AuthenticationData", "TestRunItem", "SendEmailAlert"],
    "TestRunResults_Load": ["AuthenticationData", "TestRunResultId"],
    "TestRunResults_Update": ["AuthenticationData", "TestRunResult", "SendEmailAlert"],
}
CRITERIA = ["AuthenticationData", "Condition", "Sorting", "PageSize", "PageNumber"]
for _prefix in ("Tests", "TestSteps", "TestSets", "TestSetItems", "TestConfigurations", "TestRuns",
                "TestRunItems", "TestRunResults"):
    DOCUMENTED[f"{_prefix}_LoadByCriteria"] = CRITERIA


@pytest.fixture(scope="module")
def wsdl(live):
    return etree.fromstring(requests.get(live.url + "?WSDL", timeout=10).content)


def test_wsdl_serves_the_35_operations_with_the_documented_parameters(wsdl):
    """[DOC] §7.6: 35 operations; parameter element names in order, with the vendor's quirks
    (Tests_Update's Tests and SendEMailAlert, TestSetItems_Delete's TestSetId); no Delete for runs,
    items or results, no Add for items or results."""
    assert len(DOCUMENTED) == 35
    schema = wsdl.find(f"{{{WSDL}}}types/{{{XS}}}schema")
    served = {}
    for element in schema.findall(f"{{{XS}}}element"):
        name = element.get("name")
        if name.split("_")[0] in {n.split("_")[0] for n in DOCUMENTED} and not name.endswith("Response"):
            served[name] = [e.get("name") for e in element.iter(f"{{{XS}}}element") if e is not element]
    assert served == DOCUMENTED
    bound = {o.get("name") for o in wsdl.iter(f"{{{WSDL}}}operation")}
    assert set(DOCUMENTED) <= bound
    assert not {"TestRuns_Delete", "TestRunItems_Add", "TestRunItems_Delete", "TestRunResults_Add",
                "TestRunResults_Delete"} & bound


def child_names(element) -> list[str]:
    return [etree.QName(c).localname for c in element]


def test_a_test_travels_in_the_documented_field_order(soap):
    """[DOC] The Test object: the custom block first, then FolderName, AssignedToName, UserName,
    OwnerName, LastRunByName, TestId, Version, ProjId, FolderId and Title; the documented Id/Name
    pairs are filled in by the server."""
    (seeded,) = soap.service.Tests_LoadByCriteria(auth(), equal("Title", "Sign in with a valid password"),
                                                  "", 200, 1)
    assert seeded.FolderName == "Regression"
    test_id, _ = add_test(soap, f"Order {tag()}", AssigneeUserId=25317, OwnerUserId=25315, Custom1="c1",
                          Custom90="c90", FolderId=seeded.FolderId)
    soap.service.Tests_Load(auth(), test_id)
    result = soap.last_response.find(f".//{{{NS}}}Tests_LoadResult")
    names = child_names(result)
    assert names[:2] == ["Custom1", "Custom90"]
    documented = ["FolderName", "AssignedToName", "UserName", "OwnerName", "LastRunByName", "TestId",
                  "Version", "ProjId", "FolderId", "Title"]
    # Null strings are left out (LastRunByName before any run): the rest keep the order.
    assert names[2:11] == [n for n in documented if n != "LastRunByName"]
    assert names == [f.name for f in REGISTRY.entity("Test").fields
                     if result.find(f"{{{NS}}}{f.name}") is not None]
    text = {etree.QName(c).localname: c.text for c in result}
    assert (text["FolderName"], text["AssignedToName"], text["OwnerName"], text["UserName"]) == (
        "Regression", "Tester, Tom", "Admin, Ada", "Admin, Ada")
    assert text["Version"] == "1" and text["NbrTimesRun"] == "0"


def test_test_crud_with_steps_and_mirrors(soap):
    """Tests_Add/Load/Update/Delete and TestSteps_*: the step's Title is its test's title [DOC];
    Update replaces the record [DOC]; Tests_Update takes Tests and SendEMailAlert [DOC-SAMPLE:
    AssigneeUserId, StatusCode "Approved", Priority "1-High"]."""
    service, a = soap.service, auth()
    title = f"Checkout {tag()}"
    test_id, (step_id,) = add_test(soap, title, [("Press Pay", True)], Description="d", StatusCode="New")
    step = service.TestSteps_Load(a, step_id)
    assert (step.TestId, step.Title, step.Seq, step.IsStoppedOnFail, step.Step) == (
        test_id, title, 1, "Y", "Press Pay")
    assert step.ExpectedResults == "Press Pay: works" and step.CreateUserId == 25315

    test = service.Tests_Load(a, test_id)
    test.AssigneeUserId, test.StatusCode, test.Priority = 25317, "Approved", "1-High"
    service.Tests_Update(a, test, "N")
    reloaded = service.Tests_Load(a, test_id)
    assert (reloaded.AssignedToName, reloaded.StatusCode, reloaded.Priority, reloaded.Description) == (
        "Tester, Tom", "Approved", "1-High", "d")

    step.Step, step.ExpectedResults = "Press Pay twice", None
    service.TestSteps_Update(a, step, "N")
    step = service.TestSteps_Load(a, step_id)
    assert (step.Step, step.ExpectedResults) == ("Press Pay twice", None)

    bare = soap.new("Test", TestId=test_id, Title=title + " renamed")
    service.Tests_Update(a, bare, "N")
    cleared = service.Tests_Load(a, test_id)
    assert (cleared.Title, cleared.StatusCode, cleared.AssigneeUserId, cleared.Description) == (
        title + " renamed", None, 0, None)
    assert service.TestSteps_Load(a, step_id).Title == title + " renamed"

    service.TestSteps_Delete(a, step_id)
    assert "TestStep" in fault(soap, service.TestSteps_Load, a, step_id)
    service.Tests_Delete(a, test_id)
    assert "Test " in fault(soap, service.Tests_Load, a, test_id)


@pytest.mark.parametrize("missing", ["TestId", "Step"])
def test_a_step_needs_its_test_and_its_text(soap, missing):
    """[DOC] "TestStep must have TestId and Step specified"."""
    test_id, _ = add_test(soap, f"Minimum {tag()}")
    values = {"TestId": test_id, "Step": "Open"}
    values.pop(missing)
    text = fault(soap, soap.service.TestSteps_Add, auth(), soap.new("TestStep", **values), "N")
    assert f"TestStep.{missing} is required" in text


def test_a_step_of_a_test_in_another_project_is_refused(soap):
    test_id, _ = add_test(soap, f"Elsewhere {tag()}", a=auth(proj_id=10369))
    text = fault(soap, soap.service.TestSteps_Add, auth(), soap.new("TestStep", TestId=test_id, Step="x"), "N")
    assert f"TestStep.TestId {test_id} does not name a Test of project 10372" in text


def test_test_set_items_mirror_their_test_and_delete_by_the_documented_parameter(soap):
    """[DOC] TestSetItem FolderName, AssignedToName, UserName, OwnerName and LastRunByName are
    read-only mirrors of the test; TestSetItems_Update does not change the test; the
    TestSetItems_Delete parameter is TestSetId, "the ID of the test set item"."""
    service, a = soap.service, auth()
    test_id, _ = add_test(soap, f"Mirror {tag()}", AssigneeUserId=25317, OwnerUserId=25315)
    set_id = add_set(soap, f"Set {tag()}", [test_id])
    (item,) = service.TestSetItems_LoadByCriteria(a, equal("TestSetId", set_id), "", 200, 1)
    assert (item.TestId, item.Seq, item.IsActive, item.AssignedToName, item.OwnerName, item.UserName) == (
        test_id, 1, "Y", "Tester, Tom", "Admin, Ada", "Admin, Ada")
    item.AssignedToName, item.IsActive = "Bogus, Name", "N"
    service.TestSetItems_Update(a, item, "N")
    assert service.TestSetItems_Load(a, item.TestSetItemId).IsActive == "N"
    assert service.Tests_Load(a, test_id).AssignedToName == "Tester, Tom"
    assert service.TestSetItems_Load(a, item.TestSetItemId).AssignedToName == "Tester, Tom"

    service.TestSetItems_Delete(a, item.TestSetItemId)
    body = soap.history.last_sent["envelope"].find(f".//{{{NS}}}TestSetItems_Delete")
    assert child_names(body) == ["AuthenticationData", "TestSetId"]
    assert "TestSetItem" in fault(soap, service.TestSetItems_Load, a, item.TestSetItemId)
    assert service.TestSets_Load(a, set_id).Title.startswith("Set ")
    assert service.Tests_Load(a, test_id).TestId == test_id


def test_configurations_count_their_notes_and_name_their_owner(soap):
    """[DOC] TestConfigurations_Add: NewNotes optional; NbrNotes counts the notes; OwnerName is
    "Lastname, Firstname"; IsActive is Y/N."""
    service, a = soap.service, auth()
    name = f"Firefox on Linux {tag()}"
    config_id = service.TestConfigurations_Add(a, soap.new("TestConfiguration", ConfigurationName=name,
                                                           OwnerUserId=25317, IsActive="Y"), "N", "a note")
    config = service.TestConfigurations_Load(a, config_id)
    assert (config.ConfigId, config.ConfigurationName, config.OwnerName, config.NbrNotes, config.UserName) == (
        config_id, name, "Tester, Tom", 1, "Admin, Ada")
    without = service.TestConfigurations_Add(a, soap.new("TestConfiguration", ConfigurationName=name + "!"), "N")
    assert service.TestConfigurations_Load(a, without).NbrNotes == 0
    text = fault(soap, service.TestConfigurations_Add, a,
                 soap.new("TestConfiguration", ConfigurationName=name, IsActive="No"), "N")
    assert "TestConfiguration.IsActive 'No' is not valid; use one of: Y, N" in text
    service.TestConfigurations_Delete(a, config_id)
    assert "TestConfiguration" in fault(soap, service.TestConfigurations_Load, a, config_id)


def test_choice_lists_and_required_fields_of_the_project_apply(soap):
    """The project's Status and Priority lists for tests and sets, and its required Title."""
    service, a = soap.service, auth()
    assert "Test.StatusCode 'Done' is not in the Status choice list" in fault(
        soap, service.Tests_Add, a, soap.new("Test", Title="x", StatusCode="Done"), "N", "")
    assert "TestSet.PriorityCode 'Urgent' is not in the Priority choice list" in fault(
        soap, service.TestSets_Add, a, soap.new("TestSet", Title="x", PriorityCode="Urgent"), "N", "")
    assert "Test.Title is required in project 10372" in fault(
        soap, service.Tests_Add, a, soap.new("Test"), "N", "")


def test_deleting_a_test_deletes_its_steps_and_set_items_and_keeps_its_runs(soap):
    """[INFERRED] per the general rule "Delete operations automatically delete any child items":
    a test's steps and its places in test sets go with it; run history stays, with the test's
    name as it was."""
    service, a = soap.service, auth()
    title = f"Doomed {tag()}"
    test_id, step_ids = add_test(soap, title, ["one", "two"])
    other_id, _ = add_test(soap, f"Survivor {tag()}", ["one"])
    set_id = add_set(soap, f"Set {tag()}", [test_id, other_id])
    run_id = start_run(soap, TestId=test_id)
    service.Tests_Delete(a, test_id)
    for step_id in step_ids:
        assert "TestStep" in fault(soap, service.TestSteps_Load, a, step_id)
    items = service.TestSetItems_LoadByCriteria(a, equal("TestSetId", set_id), "", 200, 1)
    assert [i.TestId for i in items] == [other_id]
    (item,) = run_items(soap, run_id)
    assert (item.TestId, item.TestName) == (test_id, title)
    assert service.TestRuns_Load(a, run_id).NbrTests == 1


def test_deleting_a_set_deletes_its_items_and_keeps_the_tests(soap):
    """[INFERRED] reference §6.2: set items go with their set; the library tests stay."""
    service, a = soap.service, auth()
    test_id, _ = add_test(soap, f"Kept {tag()}", ["one"])
    set_id = add_set(soap, f"Set {tag()}", [test_id])
    (item,) = service.TestSetItems_LoadByCriteria(a, equal("TestSetId", set_id), "", 200, 1)
    service.TestSets_Delete(a, set_id)
    assert "TestSetItem" in fault(soap, service.TestSetItems_Load, a, item.TestSetItemId)
    assert service.Tests_Load(a, test_id).TestId == test_id


# -- rights ----------------------------------------------------------------------------------------

def runner():
    return auth(user_id=RUNNER)


def test_update_alone_adds_and_deletes_steps_but_not_tests(soap):
    """[DOC] Adding or deleting a test step needs only Update on the Test Library; adding a test
    needs Add, deleting one Delete, starting a run Add."""
    service = soap.service
    test_id, _ = add_test(soap, f"Runner's {tag()}")
    step_id = service.TestSteps_Add(runner(), soap.new("TestStep", TestId=test_id, Step="x"), "N")
    service.TestSteps_Delete(runner(), step_id)
    assert "lacks the Add right for Test Library" in fault(
        soap, service.Tests_Add, runner(), soap.new("Test", Title="no"), "N", "")
    assert "lacks the Delete right for Test Library" in fault(soap, service.Tests_Delete, runner(), test_id)
    assert "lacks the Add right for Test Library" in fault(
        soap, service.TestRuns_Add, runner(), soap.new("TestRun", TestId=test_id), "N")


def test_set_items_need_read_on_the_library_and_update_on_sets(soap):
    """[DOC] Test set items: Read on the Test Library plus Read / Update on Test Sets; the runner
    reads them but cannot change them; the reader cannot step a test."""
    service = soap.service
    test_id, (step_id,) = add_test(soap, f"Set rights {tag()}", ["x"])
    set_id = add_set(soap, f"Set {tag()}", [test_id])
    (item,) = service.TestSetItems_LoadByCriteria(runner(), equal("TestSetId", set_id), "", 200, 1)
    assert "lacks the Update right for Test Sets" in fault(
        soap, service.TestSetItems_Add, runner(), soap.new("TestSetItem", TestSetId=set_id, TestId=test_id), "N")
    assert "lacks the Update right for Test Sets" in fault(soap, service.TestSetItems_Delete, runner(),
                                                            item.TestSetItemId)
    assert "lacks the Update right for Test Library" in fault(
        soap, service.TestSteps_Delete, auth(user_id=READER), step_id)
    assert "lacks the Read right for Test Library" in fault(
        soap, service.TestSetItems_Load, auth(user_id=25317), item.TestSetItemId)


# -- LoadByCriteria on every new type ----------------------------------------------------------------

@pytest.fixture(scope="module")
def library(soap11):
    """A run of a three-test set with steps, for querying every type."""
    soap = soap11
    marker = tag()
    tests = [add_test(soap, f"Query {marker} {n}", [f"step {n}.{s}" for s in range(1, n + 2)])[0]
             for n in range(1, 4)]
    set_id = add_set(soap, f"Query set {marker}", tests)
    run_id = start_run(soap, TestSetId=set_id)
    return {"marker": marker, "tests": tests, "set": set_id, "run": run_id}


TYPES = ["Test", "TestStep", "TestSet", "TestSetItem", "TestConfiguration", "TestRun", "TestRunItem",
         "TestRunResult"]


@pytest.mark.parametrize("type_name", TYPES)
def test_paging_and_sorting_of_every_type_happen_on_the_server(soap11, library, type_name):
    """Every type pages 1-200 in id order by default and sorts on request; pages never overlap."""
    entity = REGISTRY.entity(type_name)
    call = getattr(soap11.service, f"{entity.prefix}_LoadByCriteria")
    everything = [getattr(i, entity.id_field) for i in call(auth(), "", "", 200, 1) or []]
    assert everything == sorted(everything) and len(everything) >= 2
    pages = [getattr(i, entity.id_field) for n in (1, 2) for i in call(auth(), "", "", 1, n)]
    assert pages == everything[:2]
    descending = [getattr(i, entity.id_field) for i in call(auth(), "", f"{entity.id_field} DESC", 200, 1)]
    assert descending == everything[::-1]
    assert "PageSize 201 is out of range" in fault(soap11, call, auth(), "", "", 201, 1)


def test_conditions_on_run_fields(soap11, library):
    """opEQU on an id, opLIKE on a mirrored name, opIN on statuses, opGT on a number, a null test on
    a date, combined with opAND: the engine works on the new types' fields, derived ones included."""
    service, run = soap11.service, library["run"]
    items = service.TestRunItems_LoadByCriteria(auth(), root(and_(
        cond("opEQU", field("TestRunId"), const(run)),
        cond("opLIKE", field("TestSetName"), string(f"Query set {library['marker']}%")),
        cond("opIN", field("StatusCode"), array("Awaiting Run", "Blocked")),
        cond("opGT", field("Seq"), const(1)),
        cond("opNULL", field("DateFinished")))), "Seq DESC", 200, 1)
    assert [(i.Seq, i.TestId) for i in items] == [(3, library["tests"][2]), (2, library["tests"][1])]
    by_name = service.TestRunItems_LoadByCriteria(auth(), equal("TestRunId", run), "TestName DESC", 200, 1)
    assert [i.TestId for i in by_name] == library["tests"][::-1]
    steps = service.TestSteps_LoadByCriteria(auth(), equal("Title", f"Query {library['marker']} 3"), "Seq", 200, 1)
    assert [s.Step for s in steps] == ["step 3.1", "step 3.2", "step 3.3", "step 3.4"]


def test_proj_ids_read_runs_of_several_projects(soap11, library):
    """[DOC] AuthenticationData.ProjIds on LoadByCriteria: the seeded runs of FamilyAlbum and the
    generated ones of Mobile App in one query."""
    runs = soap11.service.TestRuns_LoadByCriteria(auth(proj_ids=[10372, 10401]), "", "", 200, 1)
    assert {r.ProjId for r in runs} == {10372, 10401}
