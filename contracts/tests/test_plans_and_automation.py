"""Project plans and the Automated Testing Bridge: where the mock decides what the vendor's pages
leave open ([INFERRED]), a run against a real instance settles it. Every test writes (marked
``writes``): against a real instance it needs --qac-allow-writes. Tasks and hosts are deleted at
the end. SOAP has no
ProjectPlans_Delete, so the kit imports no plan: it adds its tasks at the end of the project's
first active plan.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from .test_test_runs import equal, find

pytestmark = pytest.mark.writes


def add_task(qac, plan_id: int, text: str, **values) -> int:
    task_id = qac.service.ProjectPlanTasks_Add(
        AuthenticationData=qac.auth(), ProjectPlanTask=qac.build("ProjectPlanTask", ProjPlanId=plan_id,
                                                                 TaskName=qac.title(text), **values),
        SendEmailAlert="N", NewNotes=None)
    return qac.track("ProjectPlanTasks", "TaskId", task_id)


def ours(qac, plan_id: int) -> list:
    """(name, SeqNum, IsParent, PredNum) of the tasks this run added to the plan, by SeqNum."""
    tasks = find(qac, "ProjectPlanTasks", equal("ProjPlanId", plan_id), "SeqNum")
    return [(t.TaskName.split()[-1], t.SeqNum, t.IsParent, t.PredNum or None)
            for t in tasks if t.TaskName.startswith(qac.title())]


def test_tasks_added_to_a_plan_keep_its_outline(qac):
    """[DOC] ProjectPlanTasks_Add needs ProjPlanId and TaskName. [INFERRED] the list of plans carries
    no tasks; a task added with SeqNum 0 goes last; one added at a SeqNum within the plan moves the
    later ones down and predecessor numbers follow them, and back when it is deleted; IsParent is
    Y when the next task is indented under it. Only tasks the run adds, at the end of the plan,
    move: the plan's own stay where they are."""
    plans = list(qac.service.ProjectPlans_GetListOfProjectPlans(AuthenticationData=qac.auth(),
                                                                IncludeInactive=False) or [])
    if not plans:
        pytest.skip("the project has no active project plan")
    assert not any(p.Tasks for p in plans)
    plan_id = plans[0].ProjPlanId
    count = len(find(qac, "ProjectPlanTasks", equal("ProjPlanId", plan_id)))
    add_task(qac, plan_id, "A", Indent=1)
    add_task(qac, plan_id, "C", Indent=1)
    add_task(qac, plan_id, "D", Indent=1, PredNum=str(count + 2))
    inserted = add_task(qac, plan_id, "B", Indent=2, SeqNum=count + 2)
    assert ours(qac, plan_id) == [("A", count + 1, "Y", None), ("B", count + 2, "N", None),
                                  ("C", count + 3, "N", None), ("D", count + 4, "N", str(count + 3))]
    exported = qac.service.ProjectPlans_ExportMSProject(AuthenticationData=qac.auth(), ProjPlanId=plan_id)
    assert [t.TaskName.split()[-1] for t in exported.Tasks.PPTask[count:]] == ["A", "B", "C", "D"]
    qac.service.ProjectPlanTasks_Delete(AuthenticationData=qac.auth(), TaskId=inserted)
    qac.forget("ProjectPlanTasks", inserted)
    assert ours(qac, plan_id) == [("A", count + 1, "N", None), ("C", count + 2, "N", None),
                                  ("D", count + 3, "N", str(count + 2))]


def test_a_reported_run_registers_its_host_and_the_time_span_leaves_out_its_ends(qac):
    """[DOC] AutomationRuns_Add names its host by AutomationHostName; IsTestsByTimeSpanExist leaves
    out both dates. [INFERRED] an unknown host is registered and the run's test item made; a
    schedule is in a span when its DateBegin is strictly inside it."""
    host = qac.title("host").replace(" ", "-")
    start = datetime(2026, 3, 1, 2, 0)
    run_id = qac.service.AutomationRuns_Add(AuthenticationData=qac.auth(), AutomationRun=qac.build(
        "AutomationRun", AutomationHostName=host, FullTestName="C:\\kit\\Smoke", AutomationType="TestComplete",
        StartTime=start, EndTime=start + timedelta(seconds=95), NbrTests=1, NbrPassed=1))
    qac.track("AutomationRuns", "AutomationRunId", run_id)
    (registered,) = find(qac, "AutomationHosts", equal("HostName", host))
    qac.track("AutomationHosts", "AutomationHostId", registered.AutomationHostId)
    run = qac.service.AutomationRuns_Load(AuthenticationData=qac.auth(), AutomationHostId=run_id)
    assert (run.AutomationHostId, run.DurationInSecs) == (registered.AutomationHostId, 95)
    (item,) = qac.service.AutomationTestItems_LoadByHostName(AuthenticationData=qac.auth(), HostName=host)
    assert item.AutomationTestItemId == run.AutomationTestItemId
    qac.track("AutomationTestItems", "AutomationTestItemId", item.AutomationTestItemId)
    begin = datetime(2026, 6, 1, 2)
    qac.track("AutomationSchedules", "AutomationScheduleId", qac.service.AutomationSchedules_Add(
        AuthenticationData=qac.auth(), AutomationSchedule=qac.build(
            "AutomationSchedule", AutomationTestItemId=item.AutomationTestItemId, DateBegin=begin)))

    def exists(low, high):
        return qac.service.AutomationSchedules_IsTestsByTimeSpanExist(
            AuthenticationData=qac.auth(), AutomationType="TestComplete", AutomationHostName=host,
            StartDate=low, EndDate=high)
    assert exists(begin - timedelta(days=1), begin + timedelta(days=1))
    assert not exists(begin, begin + timedelta(days=1))
    assert not exists(begin - timedelta(days=1), begin)
