"""Project plans over SOAP 1.1 and 1.2: the list and the MS Project export and import
(ProjectPlans_*), and plan tasks (ProjectPlanTasks_*) with their outline, numbering and
predecessors kept whole as tasks are added, moved and deleted ([INFERRED] rules of
domain/project_plans.py)."""
from __future__ import annotations

from decimal import Decimal

from lxml import etree

from .helpers import NS, auth, fault
from .test_criteria import and_, cond, const, field, root, string
from .testlib import equal, tag

READER, RUNNER = 25316, 25322
SEEDED = ["Design", "Album sharing screens", "Upload pipeline", "Testing", "Regression run", "Release"]


def plan_named(soap, name, include_inactive=True):
    return next((p for p in soap.service.ProjectPlans_GetListOfProjectPlans(auth(), include_inactive) or ()
                 if p.Name == name), None)


def import_plan(soap, *tasks, name=None):
    """A plan of (TaskName, Indent[, PredNum]) tasks, imported; its id."""
    pp_tasks = [soap.new("PPTask", TaskName=t[0], Indent=t[1], PredNum=t[2] if len(t) > 2 else None, Work=90)
                for t in tasks]
    plan = soap.new("ProjectPlan", Name=name or f"Plan {tag()}", Tasks={"PPTask": pp_tasks})
    return soap.service.ProjectPlans_ImportMSProject(auth(), plan)


def outline(soap, plan_id):
    """(TaskName, SeqNum, Indent, IsParent, PredNum) of the plan's tasks, by SeqNum."""
    tasks = soap.service.ProjectPlanTasks_LoadByCriteria(auth(), equal("ProjPlanId", plan_id), "SeqNum", 200, 1)
    return [(t.TaskName, t.SeqNum, t.Indent, t.IsParent, t.PredNum) for t in tasks or ()]


def task_id(soap, plan_id, name):
    (task,) = soap.service.ProjectPlanTasks_LoadByCriteria(auth(), root(and_(
        cond("opEQU", field("ProjPlanId"), const(plan_id)), cond("opEQU", field("TaskName"), string(name)))), "", 200, 1)
    return task.TaskId


def test_the_list_leaves_out_inactive_plans_unless_asked_and_carries_no_tasks(soap):
    """[DOC] GetListOfProjectPlans(IncludeInactive); [INFERRED] the list has no Tasks, export has."""
    active = soap.service.ProjectPlans_GetListOfProjectPlans(auth(), False)
    names = [p.Name for p in active]
    assert "Release 1.0 plan" in names and "Beta plan (closed)" not in names
    assert "Beta plan (closed)" in [p.Name for p in soap.service.ProjectPlans_GetListOfProjectPlans(auth(), True)]
    listed = soap.last_response.find(f".//{{{NS}}}ProjectPlan")
    assert listed.find(f"{{{NS}}}Tasks") is None
    plan = next(p for p in active if p.Name == "Release 1.0 plan")
    assert (plan.OwnerName, plan.AssignedToName, plan.StatusCode, plan.ActPctComplete, plan.ImportId) == (
        "Admin, Ada", "Lopez, Maria", "In Progress", 40, 0)


def test_export_gives_the_plan_with_its_tasks_in_order_and_their_resources(soap):
    plan_id = plan_named(soap, "Release 1.0 plan").ProjPlanId
    plan = soap.service.ProjectPlans_ExportMSProject(auth(), plan_id)
    assert [t.TaskName for t in plan.Tasks.PPTask] == SEEDED
    assert [(t.SeqNum, t.Indent, t.IsParent, t.PredNum) for t in plan.Tasks.PPTask] == [
        (1, 1, "Y", None), (2, 2, "N", None), (3, 2, "N", "2"), (4, 1, "Y", None), (5, 2, "N", "3"), (6, 1, "N", "5")]
    sharing = plan.Tasks.PPTask[1]
    assert (sharing.Work, sharing.AssignedToName, sharing.Description) == (16 * 60, "Lopez, Maria",
                                                                           "Mock-ups for <b>share</b> and invite.")
    assert [(r.UserId, r.PersonName, r.StandardRate) for r in plan.Resources.PPResource] == [
        (25320, "Lopez, Maria", Decimal(0)), (25315, "Admin, Ada", Decimal(0))]
    # Members in the declared order, as a generated proxy reads them (unset strings left out).
    exported = soap.last_response.findall(f".//{{{NS}}}PPTask")[2]
    assert [etree.QName(c).localname for c in exported] == [
        "TaskId", "TaskName", "IsParent", "Description", "Indent", "EstStart", "EstFinish", "AssigneeUserId",
        "AssignedToName", "ActStart", "PredNum", "SeqNum", "Work"]
    assert "ProjectPlan 999999" in fault(soap, soap.service.ProjectPlans_ExportMSProject, auth(), 999999)


def test_import_numbers_the_tasks_and_the_import_and_keeps_forward_predecessors(soap):
    first = import_plan(soap, ("Build", 1), ("Compile", 2, "3"), ("Fetch", 2), ("Ship", 1, "1"))
    second = import_plan(soap, ("Only", 0))
    assert outline(soap, first) == [("Build", 1, 1, "Y", None), ("Compile", 2, 2, "N", "3"),
                                    ("Fetch", 3, 2, "N", None), ("Ship", 4, 1, "N", "1")]
    exported = soap.service.ProjectPlans_ExportMSProject(auth(), first)
    assert [t.Work for t in exported.Tasks.PPTask] == [90] * 4
    assert soap.service.ProjectPlanTasks_Load(auth(), exported.Tasks.PPTask[0].TaskId).EstHrs == Decimal("1.5")
    assert exported.ImportId > 0
    assert soap.service.ProjectPlans_ExportMSProject(auth(), second).ImportId == exported.ImportId + 1
    assert "ProjectPlan.Name is required" in fault(
        soap, soap.service.ProjectPlans_ImportMSProject, auth(), soap.new("ProjectPlan"))


def test_a_bad_task_list_imports_nothing(soap):
    name = f"Broken {tag()}"
    assert "Indent 3" in fault(soap, soap.service.ProjectPlans_ImportMSProject, auth(), soap.new(
        "ProjectPlan", Name=name, Tasks={"PPTask": [soap.new("PPTask", TaskName="A", Indent=1),
                                                     soap.new("PPTask", TaskName="B", Indent=3)]}))
    assert "names task 7" in fault(soap, soap.service.ProjectPlans_ImportMSProject, auth(), soap.new(
        "ProjectPlan", Name=name, Tasks={"PPTask": [soap.new("PPTask", TaskName="A", PredNum="7")]}))
    assert plan_named(soap, name) is None


def test_add_inserts_at_its_seqnum_and_the_numbers_follow(soap):
    """[DOC] ProjectPlanTasks_Add(ProjectPlanTask, SendEmailAlert, NewNotes) needs ProjPlanId and
    TaskName; [INFERRED] a SeqNum within the plan inserts there, 0 appends."""
    plan_id = import_plan(soap, ("A", 1), ("B", 1), ("C", 1, "2"))
    service = soap.service
    new_id = service.ProjectPlanTasks_Add(auth(), soap.new("ProjectPlanTask", ProjPlanId=plan_id, TaskName="X",
                                                           SeqNum=2, Indent=2, EstHrs=Decimal("12.5")), "N", "why")
    sent = soap.history.last_sent["envelope"].find(f".//{{{NS}}}ProjectPlanTasks_Add")
    assert [etree.QName(c).localname for c in sent] == [
        "AuthenticationData", "ProjectPlanTask", "SendEmailAlert", "NewNotes"]
    service.ProjectPlanTasks_Add(auth(), soap.new("ProjectPlanTask", ProjPlanId=plan_id, TaskName="Z", PredNum="1"),
                                 "N", None)
    assert outline(soap, plan_id) == [("A", 1, 1, "Y", None), ("X", 2, 2, "N", None), ("B", 3, 1, "N", None),
                                      ("C", 4, 1, "N", "3"), ("Z", 5, 0, "N", "1")]
    assert [n.Description for n in service.Notes_GetList(auth(), "ProjectPlanTasks", new_id)] == ["why"]
    assert "ProjectPlanTask.TaskName is required" in fault(
        soap, service.ProjectPlanTasks_Add, auth(), soap.new("ProjectPlanTask", ProjPlanId=plan_id), "N", None)
    assert "ProjectPlanTask.ProjPlanId is required" in fault(
        soap, service.ProjectPlanTasks_Add, auth(), soap.new("ProjectPlanTask", TaskName="Lost"), "N", None)


def test_update_moves_a_task_and_predecessors_follow_it(soap):
    """[DOC] Update(ProjectPlanTasks, SendEMailAlert) replaces the task; [INFERRED] a new SeqNum moves it."""
    plan_id = import_plan(soap, ("A", 1), ("B", 1, "1"), ("C", 1, "2"), ("D", 1, "1,3"))
    service = soap.service
    task = service.ProjectPlanTasks_Load(auth(), task_id(soap, plan_id, "A"))
    task.SeqNum, task.TaskName = 3, "A2"
    service.ProjectPlanTasks_Update(auth(), task, "N")
    sent = soap.history.last_sent["envelope"].find(f".//{{{NS}}}ProjectPlanTasks_Update")
    assert [etree.QName(c).localname for c in sent] == ["AuthenticationData", "ProjectPlanTasks", "SendEMailAlert"]
    assert outline(soap, plan_id) == [("B", 1, 1, "N", "3"), ("C", 2, 1, "N", "1"), ("A2", 3, 1, "N", None),
                                      ("D", 4, 1, "N", "3,2")]
    task = service.ProjectPlanTasks_Load(auth(), task_id(soap, plan_id, "D"))
    task.SeqNum, task.Indent = 0, 2        # 0 keeps the position
    service.ProjectPlanTasks_Update(auth(), task, "N")
    assert outline(soap, plan_id)[2:] == [("A2", 3, 1, "Y", None), ("D", 4, 2, "N", "3,2")]


def test_delete_takes_the_subtasks_and_drops_them_from_predecessors(soap):
    plan_id = import_plan(soap, ("A", 1), ("A.1", 2), ("A.1.1", 3), ("A.2", 2), ("B", 1, "2,4"), ("C", 1, "3"))
    service = soap.service
    service.ProjectPlanTasks_Delete(auth(), task_id(soap, plan_id, "A.1"))
    assert outline(soap, plan_id) == [("A", 1, 1, "Y", None), ("A.2", 2, 2, "N", None), ("B", 3, 1, "N", "2"),
                                      ("C", 4, 1, "N", None)]
    assert "ProjectPlanTask" in fault(soap, service.ProjectPlanTasks_Load, auth(), task_id(soap, plan_id, "B") + 999)


def test_bad_outline_or_predecessors_are_faults_that_change_nothing(soap):
    plan_id = import_plan(soap, ("A", 1), ("B", 1))
    service = soap.service
    before = outline(soap, plan_id)
    for values, text in (({"Indent": 3, "SeqNum": 2}, "ProjectPlanTask.Indent 3 of 'X' (SeqNum 2)"),
                         ({"PredNum": "3"}, "ProjectPlanTask.PredNum '3' names the task itself"),
                         ({"PredNum": "9"}, "names task 9, but the plan has 3 tasks"),
                         ({"PredNum": "two"}, "ProjectPlanTask.PredNum 'two' is not valid"),
                         ({"Indent": -1}, "ProjectPlanTask.Indent")):
        assert text in fault(soap, service.ProjectPlanTasks_Add, auth(),
                             soap.new("ProjectPlanTask", ProjPlanId=plan_id, TaskName="X", **values), "N", None)
    assert outline(soap, plan_id) == before


def test_rights_are_the_documented_pairs(soap):
    """[DOC] Add and Update need Project Plan Tasks and Update on Project Plan Maintenance; Delete
    needs Delete on Project Plan Maintenance; reading needs Read."""
    plan_id = import_plan(soap, ("A", 1))
    service = soap.service
    reader = auth(user_id=READER)
    assert outline(soap, plan_id)[0][0] == "A"
    assert service.ProjectPlanTasks_Load(reader, task_id(soap, plan_id, "A")).TaskName == "A"
    assert "lacks the Add right for Project Plan Tasks" in fault(
        soap, service.ProjectPlanTasks_Add, reader, soap.new("ProjectPlanTask", ProjPlanId=plan_id, TaskName="B"),
        "N", None)
    assert "lacks the Delete right for Project Plan Maintenance" in fault(
        soap, service.ProjectPlanTasks_Delete, reader, task_id(soap, plan_id, "A"))
    assert "lacks the Add right for Project Plan Maintenance" in fault(
        soap, service.ProjectPlans_ImportMSProject, reader, soap.new("ProjectPlan", Name="No"))
    assert "lacks the Read right for Project Plan Maintenance" in fault(
        soap, service.ProjectPlans_GetListOfProjectPlans, auth(user_id=RUNNER), True)
