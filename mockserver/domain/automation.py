"""The Automated Testing Bridge: what a reported run does to hosts and test items, and the
schedules of a time span.

[DOC] AutomationRuns_Add needs AutomationHostName, FullTestName, AutomationType, StartTime and
EndTime: a run names its host, not the host's id. [INFERRED] rules (the bridge's pages do not
say more), each checked by tests/test_automation.py and by the contract kit:

- A host name is unique in a project (compared without case, as Windows host names are).
- A run's host is the project's host of that name, registered if there is none; its test item,
  when AutomationTestItemId is 0, is that host's item whose FullPath is FullTestName, made if
  there is none (TestName the last part of the path). A given AutomationTestItemId must be an
  item on that host.
- StartTime is not after EndTime, and DurationInSecs is the time between them; NbrPassed and
  NbrFailed together are at most NbrTests; an empty Status is "Failed" when a test failed and
  "Passed" otherwise.
- A schedule's DateEnd, when set, is not before its DateBegin.
- The time-span operations look at the schedules of the ProjId project (the pages name only
  ProjId) whose test item has the AutomationType and whose host has the AutomationHostName, and
  whose DateBegin lies strictly between StartDate and EndDate ("The specified date is not included
  in the time span").
"""
from __future__ import annotations

import re

from ..registry import REGISTRY
from .errors import ValidationError
from .lifecycle import LIFECYCLES, Context, Lifecycle

HOST, TEST_ITEM = REGISTRY.entity("AutomationHost"), REGISTRY.entity("AutomationTestItem")
SCHEDULE, RUN = REGISTRY.entity("AutomationSchedule"), REGISTRY.entity("AutomationRun")


def _host_named(context: Context, name: str) -> dict | None:
    hosts = context.store.find_items(HOST, ProjId=context.proj_id, HostName=name)
    return hosts[0] if hosts else None


class HostLifecycle(Lifecycle):
    def before_add(self, context: Context, values: dict):
        self._unique(context, values, None)

    def before_update(self, context: Context, existing: dict, values: dict):
        self._unique(context, values, existing["AutomationHostId"])

    @staticmethod
    def _unique(context, values, host_id):
        other = _host_named(context, values["HostName"])
        if other is not None and other["AutomationHostId"] != host_id:
            raise ValidationError(f"AutomationHost.HostName '{values['HostName']}' is already registered in "
                                  f"project {context.proj_id} (AutomationHostId {other['AutomationHostId']}).")


def _test_name(full_name: str) -> str:
    return re.split(r"[\\/|]", full_name.rstrip("\\/|"))[-1][:TEST_ITEM.field("TestName").max_length]


class RunLifecycle(Lifecycle):
    def before_write(self, context: Context, values: dict):
        if values["StartTime"] > values["EndTime"]:
            raise ValidationError(f"AutomationRun.StartTime {values['StartTime'].isoformat()} is after its "
                                  f"EndTime {values['EndTime'].isoformat()}.")
        values["DurationInSecs"] = int((values["EndTime"] - values["StartTime"]).total_seconds())
        if (values.get("NbrPassed") or 0) + (values.get("NbrFailed") or 0) > (values.get("NbrTests") or 0):
            raise ValidationError(f"AutomationRun.NbrPassed {values.get('NbrPassed')} and NbrFailed "
                                  f"{values.get('NbrFailed')} add up to more than NbrTests {values.get('NbrTests')}.")
        if not values.get("Status"):
            values["Status"] = "Failed" if values.get("NbrFailed") else "Passed"
        host = _host_named(context, values["AutomationHostName"])
        host_id = host["AutomationHostId"] if host else context.add(
            context.caller, HOST, {"HostName": values["AutomationHostName"]})
        values["AutomationHostId"] = host_id
        item_id = values.get("AutomationTestItemId")
        if item_id:
            item = context.store.load_item(TEST_ITEM, item_id)
            if item["AutomationHostId"] != host_id:
                raise ValidationError(
                    f"AutomationRun.AutomationTestItemId {item_id} is a test item of host "
                    f"'{item['AutomationHostName']}', not of '{values['AutomationHostName']}'.")
            return
        path = values["FullTestName"][:TEST_ITEM.field("FullPath").max_length]
        items = context.store.find_items(TEST_ITEM, AutomationHostId=host_id, FullPath=path)
        values["AutomationTestItemId"] = items[0]["AutomationTestItemId"] if items else context.add(
            context.caller, TEST_ITEM, {"AutomationHostId": host_id, "FullPath": path,
                                        "TestName": _test_name(values["FullTestName"]),
                                        "AutomationType": values["AutomationType"]})


class ScheduleLifecycle(Lifecycle):
    def before_write(self, context: Context, values: dict):
        if values.get("DateEnd") is not None and values["DateEnd"] < values["DateBegin"]:
            raise ValidationError(f"AutomationSchedule.DateEnd {values['DateEnd'].isoformat()} is before its "
                                  f"DateBegin {values['DateBegin'].isoformat()}.")


class AutomationOperations:
    """The time-span operations of AutomationSchedules (mixed into QacService)."""

    def schedules_in_span(self, caller, automation_type: str, host_name: str, start, end) -> list[dict]:
        with self.store.lock:
            return self.store.find_items(SCHEDULE, between=("DateBegin", start, end), ProjId=caller.proj_id,
                                         AutomationType=automation_type, AutomationHostName=host_name)


LIFECYCLES.update({
    "AutomationHost": HostLifecycle(),
    "AutomationRun": RunLifecycle(),
    "AutomationSchedule": ScheduleLifecycle(),
})
