"""Legacy test cases: what TestCases_Add's CreateDefectUponFailedTestCase does.

[DOC] the parameter exists (string, "Y") and the project's status list must contain "Passed" and
"Failed". [INFERRED] with "Y", a test case added as Failed gets a defect, added through every rule
of Bugs_Add: titled after it, in the first status of the project's defect list, and linked to it.
"""
from __future__ import annotations

from ..registry import REGISTRY
from .lifecycle import LIFECYCLES, Context, Lifecycle

BUG, LINK = REGISTRY.entity("Bug"), REGISTRY.entity("TraceabilityLink")


class TestCaseLifecycle(Lifecycle):
    def after_add(self, context: Context, item_id: int, values: dict):
        if context.options.get("CreateDefectUponFailedTestCase") != "Y":
            return
        if (values.get("StatusCode") or "").lower() != "failed":
            return
        statuses = context.store.choice_list(context.proj_id, BUG.entity_code, "Status")
        bug_id = context.add(context.caller, BUG, {
            "Title": f"Test case failed: {values.get('Title') or item_id}"[:BUG.field("Title").max_length],
            "StatusCode": statuses[0] if statuses else None,
            "Description": f"Added by TestCases_Add for test case {item_id}, which failed."})
        context.add(context.caller, LINK, {"EntityCode": BUG.entity_code, "FKId": bug_id,
                                           "LinkedEntityCode": "TestCases", "LinkedFKId": item_id})


LIFECYCLES["TestCase"] = TestCaseLifecycle()
