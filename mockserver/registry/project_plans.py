"""Project plans (reference §7.7 and the vendor's project/plan, project/plantask and
project/pptask pages): plans, their tasks, and the MS Project exchange shape.

A plan's tasks are a list in SeqNum order with an outline level (Indent), as in Microsoft
Project; what keeps that list whole as tasks are added, moved and deleted is in
``domain/project_plans.py``.
"""
from .custom_block import custom_block
from .field_helpers import INF, SAMPLE, YES_NO, D, DT, I, S, dates_created_updated, user_name, user_ref
from .model import Area, Auto, Derivation, Entity, Field, Operation, Param, ParentLink, Right, RightCheck, Xsd
from .operations import AUTH
from .types import ComplexType

PLANS, TASKS = Area.PROJECT_PLANS, Area.PROJECT_PLAN_TASKS
# [DOC] "The ordinal number of a task that must be finished ... before the current task starts";
# [INFERRED] MS Project's form: ordinals separated by commas, each with an optional dependency
# type and lag ("3", "3,5", "4FS+2d").
PRED_NUM_NOTE = 'predecessor ordinals (SeqNum) of the same plan, e.g. "3" or "3,5FS+2d" [INFERRED form]'

# [DOC] complete: the page goes on to "Relevant Operations" after Resources.
PP_TASK = ComplexType("PPTask", (
    Field("TaskId", I),
    Field("TaskName", S, 100),
    Field("IsParent", S, 1),
    Field("Description", S, 8000, default="", note="HTML"),
    Field("Indent", I),
    Field("EstStart", DT),
    Field("EstFinish", DT),
    Field("AssigneeUserId", I, note="0 = none"),
    Field("AssignedToName", S, 78),
    Field("ActStart", DT),
    Field("PredNum", S, 50, note=PRED_NUM_NOTE),
    Field("SeqNum", I),
    Field("Work", I, note="minutes; [INFERRED] the task's EstHrs x 60"),
))

PP_RESOURCE = ComplexType("PPResource", (
    Field("UserId", I),
    Field("PersonName", S, 100, note='"Last name, First name"'),
    Field("StandardRate", D, note="cost per hour; [INFERRED] the mock keeps no rates: 0"),
))

PROJECT_PLAN = Entity(
    type_name="ProjectPlan", prefix="ProjectPlans", entity_code="ProjectPlans", table="ProjectPlans",
    id_field="ProjPlanId", area=PLANS, title_field="Name", operations=(), new_notes=False,
    item_param={"add": "ProjectPlan"}, status_field="StatusCode",
    required={"add": ("Name",)},
    fields=(
        Field("ProjPlanId", I, auto=Auto.ID),
        Field("Name", S, 100, note="[INFERRED] required on import"),
        user_ref("OwnerUserId", note="0 if no one owns the plan"),
        user_name("OwnerName", "OwnerUserId"),
        user_ref("AssigneeUserId", note="0 if the plan is not assigned"),
        user_name("AssignedToName", "AssigneeUserId"),
        Field("StatusCode", S, 100, choice_list="Status"),
        Field("ActPctComplete", I, default=0, minimum=0, maximum=100),
        Field("ImportId", I, auto=Auto.SERVER_SET, default=0,
              note="the import that made the plan, 0 if not imported; [INFERRED] numbered by the server"),
        Field("Tasks", "ArrayOfPPTask", derived=Derivation.ASSEMBLED,
              note="[INFERRED] filled on export only; the list of plans leaves it out"),
        Field("Resources", "ArrayOfPPResource", derived=Derivation.ASSEMBLED,
              note="[INFERRED] the users the plan's tasks are assigned to, on export only. The list ends here."),
        Field("IsActive", S, 1, source=INF, allowed=YES_NO, default="Y",
              note="what ProjectPlans_GetListOfProjectPlans' IncludeInactive refers to"),
        *dates_created_updated(source=INF),
    ),
)

PROJECT_PLAN_TASK = Entity(
    type_name="ProjectPlanTask", prefix="ProjectPlanTasks", entity_code="ProjectPlanTasks",
    table="ProjectPlanTasks", id_field="TaskId", area=TASKS, title_field="TaskName",
    # [DOC] Update's page names its parameters ProjectPlanTasks and SendEMailAlert (as Tests_Update).
    item_param={"add": "ProjectPlanTask", "update": "ProjectPlanTasks"}, id_param="TaskId",
    alert_param_update="SendEMailAlert",
    # [DOC] Add and Update also need Update on the plans; Delete needs Delete on the plans only.
    rights={"add": (RightCheck(TASKS, Right.ADD), RightCheck(PLANS, Right.UPDATE)),
            "update": (RightCheck(TASKS, Right.UPDATE), RightCheck(PLANS, Right.UPDATE)),
            "delete": (RightCheck(PLANS, Right.DELETE),)},
    required={"add": ("ProjPlanId", "TaskName"), "update": ("TaskName",)},
    parents=(ParentLink("ProjectPlan", "ProjPlanId"),),
    fields=custom_block() + (
        Field("TaskId", I, auto=Auto.ID),
        Field("TaskName", S, 100),
        Field("ProjPlanId", I, references="ProjectPlan", indexed=True, create_only=True,
              note="[INFERRED] set on Add only: a task does not move between plans"),
        Field("Indent", I, minimum=0, default=0,
              note="outline level; [INFERRED] at most one deeper than the task before it"),
        Field("IsParent", S, 1, auto=Auto.SERVER_SET, default="N",
              note="[INFERRED] set by the server: Y when the next task is indented under it"),
        Field("IsExpanded", S, 1, allowed=YES_NO, default="Y"),
        Field("SeqNum", I, minimum=0,
              note="position in the plan from 1; [INFERRED] 0 or past the end appends, and the tasks "
                   "from that position on move down"),
        Field("PredNum", S, 50, note=PRED_NUM_NOTE),
        Field("EstStart", DT),
        Field("EstFinish", DT),
        Field("EstHrs", D, default=0),
        Field("EstCostInt", D, default=0),
        Field("EstCostExt", D, default=0),
        Field("ActStart", DT),
        Field("ActFinish", DT, note="The visible list ends here; the Add and Update samples set the next three."),
        Field("IsBillable", S, 1, source=SAMPLE, allowed=YES_NO, default="N"),
        Field("PriorityCode", S, 100, source=SAMPLE, choice_list="Priority"),
        user_ref("AssigneeUserId", source=SAMPLE),
        user_name("AssignedToName", "AssigneeUserId", source=INF),
        Field("Description", S, 8000, source=INF, default="", note="what PPTask.Description carries"),
        Field("ProjId", I, source=INF, auto=Auto.PROJECT),
        *dates_created_updated(source=INF),
        Field("UpdateUserId", I, source=INF, auto=Auto.CALLER, references="User"),
    ),
)

PROJECT_PLANS = (PROJECT_PLAN, PROJECT_PLAN_TASK)
PROJECT_PLAN_TYPES = (PP_TASK, PP_RESOURCE)

PROJECT_PLAN_OPERATIONS = (
    Operation("ProjectPlans_GetListOfProjectPlans", "list_plans",
              (AUTH, Param("IncludeInactive", Xsd.BOOLEAN.value, required=True)), PROJECT_PLAN.array_type,
              PROJECT_PLAN.type_name, (RightCheck(PLANS, Right.READ),), roles={"include_inactive": "IncludeInactive"}),
    Operation("ProjectPlans_ExportMSProject", "export_plan",
              (AUTH, Param("ProjPlanId", Xsd.INT.value, required=True)), PROJECT_PLAN.type_name,
              PROJECT_PLAN.type_name, (RightCheck(PLANS, Right.READ),), roles={"id": "ProjPlanId"}),
    Operation("ProjectPlans_ImportMSProject", "import_plan",
              (AUTH, Param("ProjectPlan", PROJECT_PLAN.type_name, required=True)), Xsd.INT.value,
              PROJECT_PLAN.type_name, (RightCheck(PLANS, Right.ADD),), roles={"item": "ProjectPlan"}),
)
