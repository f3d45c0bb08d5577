"""Test runs: what starting a run creates, and what recording results changes.

[DOC] (reference §6.1, §4.5, §7.6)
- TestRuns_Add takes a TestId or a TestSetId and creates one TestRunItem per test (one, or one
  per test in the set) and one TestRunResult per step, all "Awaiting Run". ProjId, RunByUserId
  and RunByUserName come from the caller; NbrTests, IsSequential and ExecutionType are copied
  from the test or the set.
- TestRuns_Update: when the run's status changes, its "Awaiting Run" items change to match.
- TestRunItems_Update sets Version and TestName from the test, DateFinished to now for Passed,
  Failed and Blocked and unsets it for Awaiting Run and Skipped; RunByUserName, ReleaseName,
  ConfigurationName and TestSetName come from the run; AvgRunTime is computed.
- A result is Blocked when a previous critical step (IsStoppedOnFail) failed; an item is
  Skipped when the set run stopped before it; a run is Incomplete when it stopped with some
  items skipped; a sequential set runs its tests strictly in order.

[INFERRED] where the vendor is silent, as QAComplete's test runner behaves:
- Only active set items (IsActive = Y) are run, in Seq order (ties by id); items and results
  are numbered 1..n in that order. A set with no active test cannot be run, and a run names a
  test or a set, not both.
- A run's status follows its items once they are recorded: the first recorded item makes an
  "Awaiting Run" run "In Progress" (DateStarted); when no item is awaiting any more, the run is
  Failed if an item failed, else Blocked if one is blocked, else Incomplete if one was skipped,
  else Passed (DateFinished).
- A run's status set by TestRuns_Update maps onto its awaiting items as Passed -> Passed,
  Failed -> Failed, Blocked -> Blocked, Incomplete -> Skipped; In Progress, Paused and
  Awaiting Run leave them awaiting.
- An item that fails with IsStoppedOnFail = Y stops the run: its awaiting items are Skipped
  and the run is Incomplete.
- In a sequential run (IsSequential = Y) an item, or a step of it, cannot be recorded while an
  earlier item is still awaiting.
- An item's RunTime is what the client reports; when it reports none, the seconds between
  DateStarted and DateFinished. The run's RunTime is the sum of its items'.
- A test's NbrTimesRun, LastRunDate, LastRunByName and AvgRunTime are computed from its
  finished run items (Passed, Failed, Blocked), whoever recorded them.
- Names a run shows (TestSetName, ConfigurationName) and each item's TestName are kept as they
  were when the run started, so deleting a test, set or configuration loses no run history.
"""
from __future__ import annotations

from ..registry import REGISTRY
from ..registry.test_management import FINISHED_ITEM_STATUSES
from .errors import ValidationError
from .lifecycle import LIFECYCLES, Context, Lifecycle

RUN, ITEM, RESULT = (REGISTRY.entity(n) for n in ("TestRun", "TestRunItem", "TestRunResult"))
TEST, STEP, TEST_SET, SET_ITEM, CONFIGURATION = (
    REGISTRY.entity(n) for n in ("Test", "TestStep", "TestSet", "TestSetItem", "TestConfiguration"))

AWAITING = "Awaiting Run"
RUN_TO_ITEM_STATUS = {"Passed": "Passed", "Failed": "Failed", "Blocked": "Blocked", "Incomplete": "Skipped"}
RUN_FINAL_STATUSES = ("Passed", "Failed", "Blocked", "Incomplete")


def _one(store, entity, item_id):
    return store.load_item(entity, item_id) if item_id else None


def _run_plan(store, values: dict) -> tuple[list[tuple[dict, str]], dict]:
    """The tests a new run runs, each with its IsStoppedOnFail, and what the run copies from
    its test or set."""
    test_id, set_id = values.get("TestId"), values.get("TestSetId")
    if bool(test_id) == bool(set_id):
        raise ValidationError(
            "TestRun.TestId or TestRun.TestSetId is required, not both: the run is of one test "
            "or of one test set." if test_id else
            "TestRun.TestId or TestRun.TestSetId is required: the test or test set to run.")
    if test_id:
        test = store.load_item(TEST, test_id)
        return [(test, "N")], {"TestSetName": None, "IsSequential": "N",
                               "ExecutionType": test.get("ExecutionType") or "Manual"}
    test_set = store.load_item(TEST_SET, set_id)
    members = [m for m in store.find_items(SET_ITEM, ordered_by="Seq", TestSetId=set_id) if m.get("IsActive") == "Y"]
    if not members:
        raise ValidationError(f"TestSet {set_id} has no active test to run.")
    plan = [(store.load_item(TEST, m["TestId"]), m.get("IsStoppedOnFail") or "N") for m in members]
    return plan, {"TestSetName": test_set["Title"], "IsSequential": test_set.get("IsSequential") or "N",
                  "ExecutionType": test_set.get("ExecutionType") or "Manual"}


class TestRunLifecycle(Lifecycle):
    def before_add(self, context: Context, values: dict):
        plan, copied = _run_plan(context.store, values)
        configuration = _one(context.store, CONFIGURATION, values.get("TestConfigId"))
        values.update(copied, StatusCode=AWAITING, DateStarted=None, DateFinished=None,
                      ConfigurationName=configuration["ConfigurationName"] if configuration else None,
                      **_counters([{"StatusCode": AWAITING, "RunTime": 0}] * len(plan)))

    def after_add(self, context: Context, item_id: int, values: dict):
        store = context.store
        plan, _ = _run_plan(store, values)
        for seq, (test, stop_on_fail) in enumerate(plan, start=1):
            run_item_id = store.insert_item(ITEM, {
                "TestSetId": values.get("TestSetId"), "ProjId": context.proj_id, "TestRunId": item_id,
                "TestId": test["TestId"], "TestName": test["Title"], "Version": test.get("Version"),
                "Seq": seq, "StatusCode": AWAITING, "IsStoppedOnFail": stop_on_fail, "RunTime": 0,
            }, context.proj_id)
            steps = store.find_items(STEP, ordered_by="Seq", TestId=test["TestId"])
            store.insert_items(RESULT, [{
                "TestRunItemId": run_item_id, "Seq": n, "IsStoppedOnFail": step.get("IsStoppedOnFail") or "N",
                "StatusCode": AWAITING, "Step": step.get("Step"), "ExpectedResults": step.get("ExpectedResults"),
                "ActualResults": None, "TestStepId": step["TestStepId"], "ProjId": context.proj_id,
            } for n, step in enumerate(steps, start=1)], context.proj_id)

    def before_update(self, context: Context, existing: dict, values: dict):
        if values.get("TestConfigId") != existing.get("TestConfigId"):
            configuration = _one(context.store, CONFIGURATION, values.get("TestConfigId"))
            values["ConfigurationName"] = configuration["ConfigurationName"] if configuration else None
        status = values["StatusCode"]
        if status != existing["StatusCode"]:
            if status != AWAITING and existing.get("DateStarted") is None:
                values["DateStarted"] = context.now
            if status in RUN_FINAL_STATUSES:
                values["DateFinished"] = existing.get("DateFinished") or context.now
            else:
                values["DateFinished"] = None

    def after_update(self, context: Context, existing: dict, values: dict):
        item_status = RUN_TO_ITEM_STATUS.get(values["StatusCode"])
        if values["StatusCode"] == existing["StatusCode"] or item_status is None:
            return
        store, run_id = context.store, existing["TestRunId"]
        items = [i for i in store.find_items(ITEM, TestRunId=run_id) if i["StatusCode"] == AWAITING]
        for item in items:
            store.update_item(ITEM, item["TestRunItemId"], _item_status_values(context, item, item_status))
        summarise_run(context, run_id, follow_items=False)
        for test_id in {i["TestId"] for i in items}:
            summarise_test(context.store, test_id)


def _item_status_values(context: Context, item: dict, status: str) -> dict:
    """DateStarted, DateFinished and RunTime of an item entering ``status``."""
    started = item.get("DateStarted")
    if status != AWAITING and started is None and status != "Skipped":
        started = context.now
    finished = context.now if status in FINISHED_ITEM_STATUSES else None
    run_time = item.get("RunTime") or 0
    if not run_time and started and finished:
        run_time = int((finished - started).total_seconds())
    return {"StatusCode": status, "DateStarted": started if status != AWAITING else None,
            "DateFinished": finished, "RunTime": run_time if finished else (item.get("RunTime") or 0)}


def _check_sequence(context: Context, item: dict, what: str):
    """In a sequential run, nothing of an item is recorded before the items ahead of it."""
    run = context.store.load_item(RUN, item["TestRunId"])
    if run.get("IsSequential") != "Y":
        return
    ahead = [i for i in context.store.find_items(ITEM, ordered_by="Seq", TestRunId=item["TestRunId"])
             if (i["Seq"], i["TestRunItemId"]) < (item["Seq"], item["TestRunItemId"])
             and i["StatusCode"] == AWAITING]
    if ahead:
        first = ahead[0]
        raise ValidationError(
            f"TestRun {item['TestRunId']} runs its tests in order (IsSequential = Y): {what} cannot be "
            f"recorded while TestRunItem {first['TestRunItemId']} (Seq {first['Seq']}) is still {AWAITING}.")


class TestRunItemLifecycle(Lifecycle):
    def before_update(self, context: Context, existing: dict, values: dict):
        status = values["StatusCode"]
        if status != AWAITING and existing["StatusCode"] == AWAITING:
            _check_sequence(context, existing, f"TestRunItem {existing['TestRunItemId']}")
        test = context.store.load_item(TEST, existing["TestId"])
        if test is not None:
            values.update(TestName=test["Title"], Version=test.get("Version"))
        reported = values.get("RunTime") or 0
        values.update(_item_status_values(context, {**existing, "RunTime": reported}, status))
        if status == AWAITING:
            values["RunTime"] = reported

    def after_update(self, context: Context, existing: dict, values: dict):
        store, run_id = context.store, existing["TestRunId"]
        stopped = values["StatusCode"] == "Failed" and existing.get("IsStoppedOnFail") == "Y"
        touched = {existing["TestId"]}
        if stopped:
            for item in store.find_items(ITEM, TestRunId=run_id):
                if item["StatusCode"] == AWAITING:
                    store.update_item(ITEM, item["TestRunItemId"], _item_status_values(context, item, "Skipped"))
        summarise_run(context, run_id, follow_items=True, stopped=stopped)
        for test_id in touched:
            summarise_test(store, test_id)


class TestRunResultLifecycle(Lifecycle):
    def before_update(self, context: Context, existing: dict, values: dict):
        if values["StatusCode"] != AWAITING and existing["StatusCode"] == AWAITING:
            item = context.store.load_item(ITEM, existing["TestRunItemId"])
            _check_sequence(context, item, f"TestRunResult {existing['TestRunResultId']}")

    def after_update(self, context: Context, existing: dict, values: dict):
        if values["StatusCode"] != "Failed" or existing.get("IsStoppedOnFail") != "Y":
            return
        store = context.store
        mine = (existing["Seq"] or 0, existing["TestRunResultId"])
        for result in store.find_items(RESULT, TestRunItemId=existing["TestRunItemId"]):
            later = ((result["Seq"] or 0), result["TestRunResultId"]) > mine
            if later and result["StatusCode"] == AWAITING:
                store.update_item(RESULT, result["TestRunResultId"], {"StatusCode": "Blocked"})


def _counters(items: list[dict]) -> dict:
    def count(status):
        return sum(1 for i in items if i["StatusCode"] == status)
    return {"NbrTests": len(items), "NbrPassed": count("Passed"), "NbrFailed": count("Failed"),
            "NbrBlocked": count("Blocked"), "NbrAwaitingRun": count(AWAITING),
            "RunTime": sum(i.get("RunTime") or 0 for i in items)}


def summarise_run(context: Context, run_id: int, follow_items: bool, stopped: bool = False):
    """Recount the run's items; with ``follow_items``, move its status along with them."""
    store = context.store
    run = store.load_item(RUN, run_id)
    items = store.find_items(ITEM, TestRunId=run_id)
    values = _counters(items)
    if follow_items:
        status = run["StatusCode"]
        statuses = {i["StatusCode"] for i in items}
        if stopped:
            status = "Incomplete"
        elif AWAITING not in statuses:
            status = ("Failed" if "Failed" in statuses else "Blocked" if "Blocked" in statuses
                      else "Incomplete" if "Skipped" in statuses else "Passed")
        elif status == AWAITING and statuses != {AWAITING}:
            status = "In Progress"
        if status != run["StatusCode"]:
            values["StatusCode"] = status
            if run.get("DateStarted") is None:
                values["DateStarted"] = context.now
            if status in RUN_FINAL_STATUSES:
                values["DateFinished"] = context.now
    store.update_item(RUN, run_id, values)


def summarise_test(store, test_id: int):
    """NbrTimesRun, LastRunDate, LastRunByName and AvgRunTime of a test from its run history."""
    if not store.exists(TEST, test_id):
        return
    finished = [i for i in store.find_items(ITEM, TestId=test_id)
                if i["StatusCode"] in FINISHED_ITEM_STATUSES and i.get("DateFinished")]
    values = {"NbrTimesRun": len(finished), "LastRunDate": None, "LastRunByName": None, "AvgRunTime": 0}
    if finished:
        last = max(finished, key=lambda i: (i["DateFinished"], i["TestRunItemId"]))
        values.update(LastRunDate=last["DateFinished"], LastRunByName=last.get("RunByUserName"),
                      AvgRunTime=round(sum(i.get("RunTime") or 0 for i in finished) / len(finished)))
    store.update_item(TEST, test_id, values)


LIFECYCLES.update({
    "TestRun": TestRunLifecycle(),
    "TestRunItem": TestRunItemLifecycle(),
    "TestRunResult": TestRunResultLifecycle(),
})
