"""Building test libraries, sets and runs over SOAP for the test-management tests."""
from __future__ import annotations

import uuid

from .helpers import auth
from .test_criteria import cond, const, field, root, string

RUNNER = 25322          # runner@example.com: Test Library Read + Update, Test Sets Read
READER = 25316


def tag() -> str:
    return uuid.uuid4().hex[:10]


def equal(name: str, value) -> str:
    """A Condition ``name = value``."""
    return root(cond("opEQU", field(name), const(value) if isinstance(value, int) else string(value)))


def add_test(soap, title: str, steps=(), a=None, **values) -> tuple[int, list[int]]:
    """A test and its steps, given as texts or (text, critical) pairs: (TestId, step ids)."""
    a = a or auth()
    test_id = soap.service.Tests_Add(a, soap.new("Test", Title=title, **values), "N", "")
    step_ids = []
    for seq, step in enumerate(steps, start=1):
        text, critical = (step, False) if isinstance(step, str) else step
        step_ids.append(soap.service.TestSteps_Add(a, soap.new(
            "TestStep", TestId=test_id, Seq=seq, Step=text, ExpectedResults=f"{text}: works",
            IsStoppedOnFail="Y" if critical else "N"), "N"))
    return test_id, step_ids


def add_set(soap, title: str, tests, active=None, stop_on_fail=(), sequential="N", seqs=None, a=None) -> int:
    """A test set of ``tests`` (Seq 1..n unless ``seqs``), all active but those ``active`` leaves out."""
    a = a or auth()
    set_id = soap.service.TestSets_Add(a, soap.new("TestSet", Title=title, IsSequential=sequential), "N", "")
    for n, test_id in enumerate(tests):
        soap.service.TestSetItems_Add(a, soap.new(
            "TestSetItem", TestSetId=set_id, TestId=test_id, Seq=seqs[n] if seqs else n + 1,
            IsActive="Y" if active is None or test_id in active else "N",
            IsStoppedOnFail="Y" if test_id in stop_on_fail else "N"), "N")
    return set_id


def start_run(soap, a=None, **values) -> int:
    return soap.service.TestRuns_Add(a or auth(), soap.new("TestRun", **values), "N")


def run_items(soap, run_id: int, a=None) -> list:
    return list(soap.service.TestRunItems_LoadByCriteria(a or auth(), equal("TestRunId", run_id), "Seq", 200, 1)
                or [])


def results(soap, item_id: int, a=None) -> list:
    return list(soap.service.TestRunResults_LoadByCriteria(
        a or auth(), equal("TestRunItemId", item_id), "Seq", 200, 1) or [])


def record(soap, kind: str, loaded, a=None, **changes):
    """Load-modify-Update: ``changes`` set on the loaded object, sent back as it is."""
    for name, value in changes.items():
        setattr(loaded, name, value)
    getattr(soap.service, f"{kind}_Update")(a or auth(), loaded, "N")
