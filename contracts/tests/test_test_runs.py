"""Test management as a CI reporter uses it: find a test set, start a run, record every step and
test, read the run back. Every test writes (marked ``writes``): against a real instance it needs
--qac-allow-writes. Tests, steps and sets are deleted at the end; test runs cannot be deleted
through SOAP [DOC], so each run stays in the project's run history, titled with the run's tag.

Where the mock decides what the vendor leaves open, the test says [INFERRED]; a run against a
real instance settles it.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
import zeep

pytestmark = pytest.mark.writes
UNSET = (None, 0)


def equal(name: str, value) -> str:
    xsd = "xsd:int" if isinstance(value, int) else "xsd:string"
    item_type = "tConst" if isinstance(value, int) else "tString"
    return ('<Conditions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns:xsd="http://www.w3.org/2001/XMLSchema" Operation="opEQU">'
            f'<Items Type="tField"><Value xsi:type="xsd:string">{name}</Value></Items>'
            f'<Items Type="{item_type}"><Value xsi:type="{xsd}">{escape(str(value))}</Value></Items>'
            '</Conditions>')


def find(qac, prefix: str, condition: str, sorting: str = "") -> list:
    return list(qac.op(f"{prefix}_LoadByCriteria")(AuthenticationData=qac.auth(), Condition=condition,
                                                    Sorting=sorting, PageSize=200, PageNumber=1) or [])


def add_test(qac, text: str, steps) -> int:
    """A test with steps given as (text, critical) pairs, tracked for deletion (its steps go with it)."""
    test_id = qac.service.Tests_Add(AuthenticationData=qac.auth(), Test=qac.build("Test", Title=qac.title(text)),
                                    SendEmailAlert="N", NewNotes="")
    qac.track("Tests", "TestId", test_id)
    for seq, (step, critical) in enumerate(steps, start=1):
        qac.service.TestSteps_Add(AuthenticationData=qac.auth(), SendEmailAlert="N", TestStep=qac.build(
            "TestStep", TestId=test_id, Seq=seq, Step=step, ExpectedResults=f"{step} works",
            IsStoppedOnFail="Y" if critical else "N"))
    return test_id


def add_set(qac, text: str, tests: list[int], inactive=()) -> int:
    set_id = qac.service.TestSets_Add(AuthenticationData=qac.auth(), SendEmailAlert="N", NewNotes="",
                                      TestSet=qac.build("TestSet", Title=qac.title(text), IsActive="Y"))
    qac.track("TestSets", "TestSetId", set_id)
    for seq, test_id in enumerate(tests, start=1):
        qac.service.TestSetItems_Add(AuthenticationData=qac.auth(), SendEmailAlert="N", TestSetItem=qac.build(
            "TestSetItem", TestSetId=set_id, TestId=test_id, Seq=seq, IsActive="N" if test_id in inactive else "Y",
            IsStoppedOnFail="N"))
    return set_id


def start(qac, **values) -> int:
    run_id = qac.service.TestRuns_Add(AuthenticationData=qac.auth(), SendEmailAlert="N",
                                      TestRun=qac.build("TestRun", **values))
    return qac.keep("TestRuns", run_id, "SOAP cannot delete test runs; they stay in the run history")


def items_of(qac, run_id: int) -> list:
    return find(qac, "TestRunItems", equal("TestRunId", run_id), "Seq")


def results_of(qac, item_id: int) -> list:
    return find(qac, "TestRunResults", equal("TestRunItemId", item_id), "Seq")


def send_back(qac, prefix: str, element: str, loaded, **changes):
    """The documented pattern: Load, modify, Update with the loaded object."""
    for name, value in changes.items():
        setattr(loaded, name, value)
    qac.op(f"{prefix}_Update")(AuthenticationData=qac.auth(), SendEmailAlert="N", **{element: loaded})


def test_ci_reporter_records_a_set_run(qac):
    """[DOC] TestRuns_Add with a TestSetId creates one item per test and one result per step, all
    "Awaiting Run", with RunByUserName from the caller and NbrTests from the set; results and
    items are recorded with TestRunResults_Update and TestRunItems_Update; DateFinished is set for
    Passed. [INFERRED] items follow the set's Seq, and the run is Passed once every item passed."""
    first = add_test(qac, "ci login", [("Open the page", False), ("Sign in", True)])
    second = add_test(qac, "ci logout", [("Sign out", False)])
    add_set(qac, "ci nightly", [first, second])

    (found,) = find(qac, "TestSets", equal("Title", qac.title("ci nightly")))
    run_id = start(qac, TestSetId=found.TestSetId)
    assert isinstance(run_id, int) and run_id > 0
    run = qac.service.TestRuns_Load(AuthenticationData=qac.auth(), TestRunId=run_id)
    assert (run.StatusCode, run.NbrTests, run.TestSetId) == ("Awaiting Run", 2, found.TestSetId)
    assert run.RunByUserName

    items = items_of(qac, run_id)
    assert [i.TestId for i in items] == [first, second]
    assert {i.StatusCode for i in items} == {"Awaiting Run"}
    for item in items:
        steps = results_of(qac, item.TestRunItemId)
        assert steps and {r.StatusCode for r in steps} == {"Awaiting Run"}
        for step in steps:
            send_back(qac, "TestRunResults", "TestRunResult", step, StatusCode="Passed",
                      ActualResults="As expected & <fine>")
        send_back(qac, "TestRunItems", "TestRunItem", item, StatusCode="Passed", RunTime=42)

    for item in items_of(qac, run_id):
        assert (item.StatusCode, item.RunTime) == ("Passed", 42)
        assert item.DateFinished not in UNSET and item.DateFinished.year > 1
        assert {(r.StatusCode, r.ActualResults) for r in results_of(qac, item.TestRunItemId)} == {
            ("Passed", "As expected & <fine>")}
    run = qac.service.TestRuns_Load(AuthenticationData=qac.auth(), TestRunId=run_id)
    assert run.StatusCode == "Passed"


def test_only_active_set_items_run(qac):
    """[INFERRED] "one per active test in the set": an inactive set item gets no run item."""
    active = add_test(qac, "ci active", [("Step", False)])
    inactive = add_test(qac, "ci inactive", [("Step", False)])
    set_id = add_set(qac, "ci partly active", [active, inactive], inactive=[inactive])
    assert [i.TestId for i in items_of(qac, start(qac, TestSetId=set_id))] == [active]


def test_a_failed_critical_step_blocks_the_next(qac):
    """[DOC] a TestRunResult is Blocked when "a previous critical step failed"."""
    test_id = add_test(qac, "ci critical", [("Build", True), ("Deploy", False)])
    (item,) = items_of(qac, start(qac, TestId=test_id))
    build, deploy = results_of(qac, item.TestRunItemId)
    send_back(qac, "TestRunResults", "TestRunResult", build, StatusCode="Failed", ActualResults="compile error")
    assert [r.StatusCode for r in results_of(qac, item.TestRunItemId)] == ["Failed", "Blocked"]


def test_item_statuses_are_the_documented_ones(qac):
    """[DOC] a TestRunItem is Awaiting Run, Passed, Failed, Blocked or Skipped; [INFERRED] anything
    else is a fault and changes nothing."""
    test_id = add_test(qac, "ci statuses", [("Step", False)])
    (item,) = items_of(qac, start(qac, TestId=test_id))
    with pytest.raises(zeep.exceptions.Fault):
        send_back(qac, "TestRunItems", "TestRunItem", item, StatusCode="Done")
    assert items_of(qac, item.TestRunId)[0].StatusCode == "Awaiting Run"


def test_deleting_a_test_keeps_its_run_history(qac):
    """[INFERRED] deleting a test deletes its steps, and its runs stay, with the test's name."""
    test_id = add_test(qac, "ci deleted later", [("Step", False)])
    run_id = start(qac, TestId=test_id)
    qac.service.Tests_Delete(AuthenticationData=qac.auth(), TestId=test_id)
    qac.forget("Tests", test_id)
    (item,) = items_of(qac, run_id)
    assert item.TestId == test_id
    assert item.TestName == qac.title("ci deleted later")
