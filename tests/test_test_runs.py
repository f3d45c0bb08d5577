"""Test runs over SOAP 1.1 and 1.2: what TestRuns_Add creates, what recording results changes, and
a CI reporter's whole flow. Rules are labelled as in domain/test_runs.py ([DOC] / [INFERRED])."""
from __future__ import annotations

import datetime

import pytest
from lxml import etree

from .helpers import NS, UNSET_DATE, auth, auth_xml, envelope, fault, post_raw
from .testlib import RUNNER, add_set, add_test, equal, record, results, run_items, start_run, tag


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


@pytest.fixture
def three(soap):
    """Three tests of 1, 2 and 3 steps."""
    marker = tag()
    return [add_test(soap, f"Run {marker} {n}", [f"step {n}.{s}" for s in range(1, n + 1)]) for n in (1, 2, 3)]


def test_a_set_run_creates_an_item_per_active_test_and_a_result_per_step(soap, three):
    """[DOC] TestRuns_Add with a TestSetId creates one TestRunItem per test of the set and one
    TestRunResult per step, all "Awaiting Run"; ProjId and RunByUserName from the caller; NbrTests
    and IsSequential from the set. [INFERRED] only active items run, in the set's Seq order; the
    steps' texts are copied into the results."""
    service, a = soap.service, auth()
    (t1, _), (t2, steps2), (t3, steps3) = three
    # Seq order is 3, 1, 2 by the set; t1 is inactive.
    set_id = add_set(soap, f"Set {tag()}", [t1, t2, t3], active=[t2, t3], seqs=[1, 9, 5], sequential="Y")
    config_id = service.TestConfigurations_Add(a, soap.new("TestConfiguration", ConfigurationName=f"Cfg {tag()}"), "N")
    run_id = start_run(soap, TestSetId=set_id, TestConfigId=config_id, StatusCode="Passed")
    run = service.TestRuns_Load(a, run_id)
    assert (run.TestSetId, run.TestId, run.StatusCode, run.NbrTests, run.IsSequential, run.ProjId,
            run.RunByUserId, run.RunByUserName, run.ExecutionType) == (
        set_id, 0, "Awaiting Run", 2, "Y", 10372, 25315, "Admin, Ada", "Manual")
    assert run.TestSetName.startswith("Set ") and run.ConfigurationName.startswith("Cfg ")
    assert (run.DateStarted, run.DateFinished) == (UNSET_DATE, UNSET_DATE)
    items = run_items(soap, run_id)
    assert [(i.Seq, i.TestId, i.StatusCode) for i in items] == [(1, t3, "Awaiting Run"), (2, t2, "Awaiting Run")]
    assert {i.TestSetName for i in items} == {run.TestSetName}
    assert {i.RunByUserName for i in items} == {"Admin, Ada"}
    first = results(soap, items[0].TestRunItemId)
    assert [(r.Seq, r.TestStepId, r.Step, r.StatusCode) for r in first] == [
        (n, step_id, f"step 3.{n}", "Awaiting Run") for n, step_id in enumerate(steps3, start=1)]
    assert first[0].ExpectedResults == "step 3.1: works"
    assert len(results(soap, items[1].TestRunItemId)) == len(steps2)


def test_a_single_test_run_has_one_item_and_no_set(soap, three):
    """[DOC] TestSetId is 0 for a run of one test."""
    (test_id, steps), = three[1:2]
    run_id = start_run(soap, TestId=test_id)
    run = soap.service.TestRuns_Load(auth(), run_id)
    assert (run.TestSetId, run.TestId, run.NbrTests, run.IsSequential) == (0, test_id, 1, "N")
    (item,) = run_items(soap, run_id)
    assert item.TestId == test_id and len(results(soap, item.TestRunItemId)) == len(steps)


@pytest.mark.parametrize("values, message", [
    ({}, "TestRun.TestId or TestRun.TestSetId is required: the test or test set to run."),
    ({"TestId": "test", "TestSetId": "set"}, "not both"),
    ({"TestSetId": "empty"}, "has no active test to run"),
    ({"TestId": 999999}, "TestRun.TestId 999999 does not name a Test of project 10372"),
])
def test_a_run_names_one_test_or_one_set_with_tests(soap, three, values, message):
    """[DOC] either TestId or TestSetId; [INFERRED] not both, and a set with no active test is
    refused; the faults name the field."""
    test_id = three[0][0]
    empty = add_set(soap, f"Empty {tag()}", [test_id], active=[])
    named = {"test": test_id, "set": add_set(soap, f"Set {tag()}", [test_id]), "empty": empty}
    values = {k: named.get(v, v) for k, v in values.items()}
    assert message in fault(soap, soap.service.TestRuns_Add, auth(), soap.new("TestRun", **values), "N")


@pytest.mark.parametrize("kind, status, allowed", [
    ("TestRuns", "Closed", "Awaiting Run, In Progress, Passed, Failed, Paused, Blocked, Incomplete"),
    ("TestRunItems", "In Progress", "Awaiting Run, Passed, Failed, Blocked, Skipped"),
    ("TestRunResults", "Skipped", "Awaiting Run, Passed, Failed, Blocked"),
])
def test_statuses_are_limited_to_the_documented_values(soap, three, kind, status, allowed):
    """[DOC] the run, item and result statuses; anything else faults and changes nothing."""
    run_id = start_run(soap, TestId=three[1][0])
    (item,) = run_items(soap, run_id)
    loaded = {"TestRuns": lambda: soap.service.TestRuns_Load(auth(), run_id),
              "TestRunItems": lambda: item,
              "TestRunResults": lambda: results(soap, item.TestRunItemId)[0]}[kind]()
    loaded.StatusCode = status
    text = fault(soap, getattr(soap.service, f"{kind}_Update"), auth(), loaded, "N")
    assert f"'{status}' is not valid; use one of: {allowed}." in text
    assert run_items(soap, run_id)[0].StatusCode == "Awaiting Run"


def test_recording_items_moves_the_run_and_the_tests_statistics(soap, three):
    """[DOC] DateFinished is now for Passed/Failed/Blocked and unset for Awaiting Run; RunTimeFormated
    is hh:mm:ss. [INFERRED] the first recorded item makes the run In Progress; when none is
    awaiting, the run is Failed if one failed; counters and RunTime follow; the test's
    NbrTimesRun, LastRunDate, LastRunByName and AvgRunTime come from its finished items."""
    service = soap.service
    (t1, _), (t2, _), _ = three
    set_id = add_set(soap, f"Set {tag()}", [t1, t2])
    run_id = start_run(soap, TestSetId=set_id)
    first, second = run_items(soap, run_id)
    before = datetime.datetime.now() - datetime.timedelta(seconds=5)
    record(soap, "TestRunItems", first, a=auth(user_id=RUNNER), StatusCode="Passed", RunTime=3725)
    first = service.TestRunItems_Load(auth(), first.TestRunItemId)
    assert (first.StatusCode, first.RunTime, first.RunTimeFormated) == ("Passed", 3725, "01:02:05")
    assert first.DateFinished >= before and first.DateStarted >= before
    run = service.TestRuns_Load(auth(), run_id)
    assert (run.StatusCode, run.NbrPassed, run.NbrAwaitingRun, run.RunTime) == ("In Progress", 1, 1, 3725)
    assert run.DateStarted >= before and run.DateFinished == UNSET_DATE
    test = service.Tests_Load(auth(), t1)
    assert (test.NbrTimesRun, test.LastRunByName, test.AvgRunTime, test.LastRunDate) == (
        1, "Admin, Ada", 3725, first.DateFinished)

    record(soap, "TestRunItems", second, StatusCode="Failed", RunTime=10)
    run = service.TestRuns_Load(auth(), run_id)
    assert (run.StatusCode, run.NbrFailed, run.NbrTests, run.RunTimeFormated) == ("Failed", 1, 2, hms(3735))
    assert run.DateFinished >= before

    # Back to Awaiting Run: DateFinished unset again, and the test no longer counts that run.
    record(soap, "TestRunItems", service.TestRunItems_Load(auth(), second.TestRunItemId), StatusCode="Awaiting Run")
    again = service.TestRunItems_Load(auth(), second.TestRunItemId)
    assert (again.DateFinished, again.DateStarted) == (UNSET_DATE, UNSET_DATE)
    assert service.Tests_Load(auth(), t2).NbrTimesRun == 0


def test_the_runs_status_reaches_its_awaiting_items(soap, three):
    """[DOC] "when the run's status changes, an Awaiting Run TestRunItem status changes to match";
    recorded items keep theirs. [INFERRED] Incomplete maps to Skipped (DateFinished unset)."""
    service = soap.service
    (t1, _), (t2, _), (t3, _) = three
    run_id = start_run(soap, TestSetId=add_set(soap, f"Set {tag()}", [t1, t2, t3]))
    first, _, _ = run_items(soap, run_id)
    record(soap, "TestRunItems", first, StatusCode="Failed")
    record(soap, "TestRuns", service.TestRuns_Load(auth(), run_id), StatusCode="Paused")
    assert [i.StatusCode for i in run_items(soap, run_id)] == ["Failed", "Awaiting Run", "Awaiting Run"]
    record(soap, "TestRuns", service.TestRuns_Load(auth(), run_id), StatusCode="Incomplete")
    items = run_items(soap, run_id)
    assert [i.StatusCode for i in items] == ["Failed", "Skipped", "Skipped"]
    assert items[1].DateFinished == UNSET_DATE
    run = service.TestRuns_Load(auth(), run_id)
    assert (run.StatusCode, run.NbrFailed, run.NbrAwaitingRun) == ("Incomplete", 1, 0)
    assert run.DateFinished > UNSET_DATE

    other = start_run(soap, TestSetId=add_set(soap, f"Set {tag()}", [t1, t2]))
    record(soap, "TestRuns", service.TestRuns_Load(auth(), other), StatusCode="Passed")
    assert {(i.StatusCode, i.DateFinished > UNSET_DATE) for i in run_items(soap, other)} == {("Passed", True)}


@pytest.mark.parametrize("run_time", [-1, 7 * 24 * 3600 + 1])
def test_a_run_time_is_zero_to_a_week(soap, three, run_time):
    """[INFERRED] seconds cannot be negative, and a week bounds one test (the run's total stays an int)."""
    (item,) = run_items(soap, start_run(soap, TestId=three[0][0]))
    text = fault(soap, soap.service.TestRunItems_Update, auth(), _with(item, StatusCode="Passed", RunTime=run_time), "N")
    assert f"TestRunItem.RunTime {run_time} is out of range: it must be 0 to 604800." in text
    assert soap.service.TestRunItems_Load(auth(), item.TestRunItemId).StatusCode == "Awaiting Run"


def test_a_failed_critical_step_blocks_the_steps_after_it(soap):
    """[DOC] a result is Blocked when a previous critical step (IsStoppedOnFail) failed."""
    test_id, _ = add_test(soap, f"Critical {tag()}", ["zero", "one", ("two", True), "three", "four"])
    (item,) = run_items(soap, start_run(soap, TestId=test_id))
    zero, one, two, three, four = results(soap, item.TestRunItemId)
    record(soap, "TestRunResults", one, StatusCode="Failed", ActualResults="not critical")
    assert [r.StatusCode for r in results(soap, item.TestRunItemId)] == [
        "Awaiting Run", "Failed", "Awaiting Run", "Awaiting Run", "Awaiting Run"]
    record(soap, "TestRunResults", three, StatusCode="Passed")
    record(soap, "TestRunResults", two, StatusCode="Failed", ActualResults="crash")
    after = results(soap, item.TestRunItemId)
    # Only the awaiting steps after the critical one: an earlier step still awaits.
    assert [r.StatusCode for r in after] == ["Awaiting Run", "Failed", "Failed", "Passed", "Blocked"]
    assert after[2].ActualResults == "crash"


def test_a_failed_stop_on_fail_item_skips_the_rest_of_the_set_run(soap, three):
    """[DOC] Skipped: the set run stopped before this test; Incomplete: the run stopped with some
    items skipped. [INFERRED] the set item's IsStoppedOnFail stops the run when it fails."""
    (t1, _), (t2, _), (t3, _) = three
    run_id = start_run(soap, TestSetId=add_set(soap, f"Set {tag()}", [t1, t2, t3], stop_on_fail=[t2]))
    first, second, third = run_items(soap, run_id)
    assert (first.IsStoppedOnFail, second.IsStoppedOnFail) == ("N", "Y")
    record(soap, "TestRunItems", first, StatusCode="Failed")
    assert soap.service.TestRuns_Load(auth(), run_id).StatusCode == "In Progress"
    record(soap, "TestRunItems", second, StatusCode="Failed")
    assert [i.StatusCode for i in run_items(soap, run_id)] == ["Failed", "Failed", "Skipped"]
    assert soap.service.TestRuns_Load(auth(), run_id).StatusCode == "Incomplete"


def test_a_sequential_run_records_its_tests_in_order(soap, three):
    """[DOC] IsSequential: run tests strictly in order. [INFERRED] nothing of a later item, nor a
    step of it, is recorded while an earlier one awaits; the fault names the earlier item."""
    (t1, _), (t2, _), _ = three
    run_id = start_run(soap, TestSetId=add_set(soap, f"Set {tag()}", [t1, t2], sequential="Y"))
    first, second = run_items(soap, run_id)
    text = fault(soap, soap.service.TestRunItems_Update, auth(),
                 _with(second, StatusCode="Passed"), "N")
    assert f"TestRunItem {first.TestRunItemId} (Seq 1) is still Awaiting Run" in text
    step = results(soap, second.TestRunItemId)[0]
    assert "IsSequential = Y" in fault(soap, soap.service.TestRunResults_Update, auth(),
                                       _with(step, StatusCode="Passed"), "N")
    record(soap, "TestRunItems", first, StatusCode="Passed")
    record(soap, "TestRunItems", soap.service.TestRunItems_Load(auth(), second.TestRunItemId), StatusCode="Passed")
    assert soap.service.TestRuns_Load(auth(), run_id).StatusCode == "Passed"


def _with(loaded, **changes):
    for name, value in changes.items():
        setattr(loaded, name, value)
    return loaded


def test_server_set_fields_of_runs_items_and_results_keep_their_values(soap, three):
    """[DOC] add and update cannot change autogenerated and read-only fields: a result's step text,
    an item's test, a run's set and counters stay as the server set them; [INFERRED] a run's
    TestId/TestSetId are set on Add only."""
    test_id, _ = three[1]
    run_id = start_run(soap, TestId=test_id)
    (item,) = run_items(soap, run_id)
    result = results(soap, item.TestRunItemId)[0]
    record(soap, "TestRunResults", result, StatusCode="Passed", Step="rewritten", TestStepId=1, Seq=99)
    again = soap.service.TestRunResults_Load(auth(), result.TestRunResultId)
    assert (again.Step, again.Seq, again.StatusCode) == ("step 2.1", 1, "Passed")
    record(soap, "TestRunItems", item, StatusCode="Passed", TestId=three[0][0], TestName="bogus")
    assert soap.service.TestRunItems_Load(auth(), item.TestRunItemId).TestId == test_id
    run = soap.service.TestRuns_Load(auth(), run_id)
    record(soap, "TestRuns", run, TestId=0, TestSetId=5, NbrTests=40, RunByUserId=RUNNER)
    run = soap.service.TestRuns_Load(auth(), run_id)
    assert (run.TestId, run.TestSetId, run.NbrTests, run.RunByUserId) == (test_id, 0, 1, 25315)


def test_only_update_reaches_items_and_results(soap, three):
    """[DOC] items and results are loaded and updated through SOAP (the WSDL test checks there is
    no Add or Delete); the reader (Read only) can load them but not record them."""
    reader = auth(user_id=25316)
    (item,) = run_items(soap, start_run(soap, TestId=three[0][0]))
    assert soap.service.TestRunItems_Load(reader, item.TestRunItemId).TestRunItemId == item.TestRunItemId
    assert "lacks the Update right for Test Library" in fault(
        soap, soap.service.TestRunItems_Update, reader, _with(item, StatusCode="Passed"), "N")


# -- a CI reporter, end to end ---------------------------------------------------------------------

def test_ci_reporter_flow(soap):
    """A CI job's report: find the set by title, start a run of it, record every step and test from
    the loaded objects, and read the run back finished. Through zeep in both SOAP versions; the
    TestRuns_Add response and a loaded item checked as raw XML."""
    service, a = soap.service, auth()
    marker = tag()
    tests = [add_test(soap, f"CI {marker} {n}", ["build", "deploy"])[0] for n in (1, 2)]
    add_set(soap, f"Nightly {marker}", tests)

    (found,) = service.TestSets_LoadByCriteria(a, equal("Title", f"Nightly {marker}"), "", 200, 1)
    run_id = service.TestRuns_Add(a, soap.new("TestRun", TestSetId=found.TestSetId), "N")
    added = soap.last_response.find(f".//{{{NS}}}TestRuns_AddResponse")
    assert [(etree.QName(c).localname, c.text) for c in added] == [("TestRuns_AddResult", str(run_id))]

    for n, item in enumerate(run_items(soap, run_id), start=1):
        for step in results(soap, item.TestRunItemId):
            record(soap, "TestRunResults", step, StatusCode="Passed", ActualResults=f"ok <{n}> & done")
        record(soap, "TestRunItems", item, StatusCode="Passed", RunTime=30 * n)

    run = service.TestRuns_Load(a, run_id)
    assert (run.StatusCode, run.NbrTests, run.NbrPassed, run.RunTime, run.RunTimeFormated) == (
        "Passed", 2, 2, 90, "00:01:30")
    assert run.DateFinished >= run.DateStarted > UNSET_DATE
    for item in run_items(soap, run_id):
        assert {(r.StatusCode, r.ActualResults) for r in results(soap, item.TestRunItemId)} == {
            ("Passed", f"ok <{item.Seq}> & done")}

    body = envelope(f'<TestRunItems_Load xmlns="{NS}">{auth_xml()}'
                    f"<TestRunItemId>{run_items(soap, run_id)[1].TestRunItemId}</TestRunItemId></TestRunItems_Load>",
                    soap.version)
    response = post_raw(soap.url, body, soap.version, "TestRunItems_Load")
    assert response.status_code == 200
    item = etree.fromstring(response.content).find(f".//{{{NS}}}TestRunItems_LoadResult")
    text = {etree.QName(c).localname: c.text for c in item}
    assert [etree.QName(c).localname for c in item][:9] == [
        "TestRunItemId", "TestSetId", "ProjId", "TestRunId", "TestId", "Version", "Seq", "StatusCode", "DateStarted"]
    assert (text["StatusCode"], text["RunTime"], text["RunTimeFormated"], text["TestName"]) == (
        "Passed", "60", "00:01:00", f"CI {marker} 2")
