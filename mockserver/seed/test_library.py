"""A generated test library: steps for every test, test sets of tests, and a run history.

Tests, test sets and configurations are ordinary item types (the scenario's ``types`` recipes);
this adds what hangs off them, driven by the scenario's ``test_library`` section. Runs go
through the domain service, under a clock fixed at each moment of the history, so their items,
step results, counters and the tests' run statistics are exactly what the server itself would
record; the same seed gives the same rows.
"""
from __future__ import annotations

from datetime import timedelta

from ..domain import clock
from ..domain.auth import Caller
from ..domain.service import QacService
from ..registry import REGISTRY

TEST, STEP, TEST_SET, SET_ITEM, CONFIGURATION, RUN, ITEM, RESULT = (REGISTRY.entity(n) for n in (
    "Test", "TestStep", "TestSet", "TestSetItem", "TestConfiguration", "TestRun", "TestRunItem",
    "TestRunResult"))


class TestLibraryGenerator:
    def __init__(self, generator, plan: dict):
        self.g, self.plan = generator, plan
        self.rng = generator.rng

    def run(self, proj_id: int, members: list[int], runs: int):
        store = self.g.store
        tests = [t["TestId"] for t in store.find_items(TEST, ProjId=proj_id)]
        if not tests:
            return
        self.steps(proj_id, tests, members)
        sets = [s["TestSetId"] for s in store.find_items(TEST_SET, ProjId=proj_id)]
        self.set_items(proj_id, sets, tests, members)
        configurations = [c["ConfigId"] for c in store.find_items(CONFIGURATION, ProjId=proj_id)]
        self.history(proj_id, members, tests, sets, configurations, runs)

    def steps(self, proj_id, tests, members):
        shape, plan, rng = self.g.shape(STEP), self.plan, self.rng
        low, high = plan["steps"]
        rows = []
        for test_id in tests:
            for seq in range(1, rng.randint(low, high) + 1):
                values = dict(shape.defaults, TestId=test_id, Seq=seq,
                              Step=rng.choice(plan["step_texts"]).format(n=seq),
                              ExpectedResults=rng.choice(plan["expected_texts"]),
                              IsStoppedOnFail="Y" if rng.random() < plan["critical_share"] else "N")
                created = self.g.anchor - self.g.span * rng.random()
                shape.automatic(values, created, created, rng.choice(members), rng.choice(members))
                rows.append(values)
        self.g.store.insert_items(STEP, rows, proj_id)

    def set_items(self, proj_id, sets, tests, members):
        shape, plan, rng = self.g.shape(SET_ITEM), self.plan, self.rng
        low, high = plan["set_size"]
        rows = []
        for set_id in sets:
            chosen = rng.sample(tests, min(len(tests), rng.randint(low, high)))
            for seq, test_id in enumerate(chosen, start=1):
                values = dict(shape.defaults, TestSetId=set_id, TestId=test_id, Seq=seq,
                              IsActive="N" if rng.random() < plan["inactive_share"] else "Y",
                              IsStoppedOnFail="Y" if rng.random() < plan["critical_share"] else "N")
                created = self.g.anchor - self.g.span * rng.random()
                shape.automatic(values, created, created, rng.choice(members), rng.choice(members))
                rows.append(values)
        self.g.store.insert_items(SET_ITEM, rows, proj_id)

    def history(self, proj_id, members, tests, sets, configurations, runs):
        """``runs`` runs, one after another over the span; the last ``open_runs`` are still
        under way at the anchor."""
        service, rng, plan = QacService(self.g.store), self.rng, self.plan
        runnable = [s for s in sets if any(i["IsActive"] == "Y" for i in
                                            self.g.store.find_items(SET_ITEM, TestSetId=s))]
        first = self.g.anchor - self.g.span
        gap = self.g.span / max(runs, 1)
        for n in range(runs):
            started = first + gap * n + timedelta(minutes=rng.randint(0, 600))
            caller = Caller(rng.choice(members), 0, (proj_id,))
            run = {"TestConfigId": rng.choice(configurations) if configurations else None}
            if runnable and rng.random() < plan["set_share"]:
                run["TestSetId"] = rng.choice(runnable)
            else:
                run["TestId"] = rng.choice(tests)
            with clock.fixed(started):
                run_id = service.add(caller, RUN, run)
            if n >= runs - plan["open_runs"]:
                continue
            self.record(service, caller, run_id, started)

    def record(self, service, caller, run_id, when):
        rng, weights = self.rng, self.plan["result_weights"]
        for item in self.g.store.find_items(ITEM, TestRunId=run_id):
            if item["StatusCode"] != "Awaiting Run":
                continue   # skipped after a failed critical test
            seconds = 0
            for result in self.g.store.find_items(RESULT, TestRunItemId=item["TestRunItemId"]):
                if result["StatusCode"] != "Awaiting Run":
                    continue   # blocked by a failed critical step
                status = rng.choices(list(weights), list(weights.values()))[0]
                seconds += rng.randint(*self.plan["step_seconds"])
                with clock.fixed(when + timedelta(seconds=seconds)):
                    service.update(caller, RESULT, {**result, "StatusCode": status,
                                                    "ActualResults": "As expected." if status == "Passed"
                                                    else rng.choice(self.g.paragraphs)})
            statuses = {r["StatusCode"] for r in
                        self.g.store.find_items(RESULT, TestRunItemId=item["TestRunItemId"])}
            outcome = ("Failed" if "Failed" in statuses else "Blocked" if "Blocked" in statuses
                       else "Passed")
            seconds += rng.randint(*self.plan["step_seconds"])
            with clock.fixed(when + timedelta(seconds=seconds)):
                service.update(caller, ITEM, {**item, "StatusCode": outcome, "RunTime": seconds})
            when += timedelta(seconds=seconds)
