"""Declarations of every item type, in the wire order the reference gives.

Each field carries its provenance (DOC, DOC-SAMPLE, INFERRED, GUESS) so that what is
wire-faithful and what is reconstructed can be listed from here (``qacmock fields``).
"""
from .custom_block import custom_block
from .field_helpers import GUESS, INF, SAMPLE, YES_NO, D, DT, I, S, folder_fields, user_name, user_ref
from .model import Area, Auto, Derivation, Entity, Field, Hierarchy, ParentLink, Right, RightCheck, StatusEffect
from .collaboration import COLLABORATION
from .legacy import LEGACY
from .automation import AUTOMATION
from .project_plans import PROJECT_PLANS
from .test_management import TEST_MANAGEMENT

BUG = Entity(
    type_name="Bug", prefix="Bugs", entity_code="Bugs", table="Bugs", id_field="BugId",
    area=Area.DEFECTS, item_param={"add": "Bug", "update": "Bug"}, id_param="BugId",
    entity_code_aliases=("Defects",),
    status_field="StatusCode",
    status_effects=(
        # [DOC] Bugs_Add: a status containing "Closed" sets these.
        StatusEffect("Closed", {"ClosedBy": "caller", "ResolvedBy": "caller", "DateClosed": "now",
                                "ActStart": "now", "ActFinish": "now", "PctComplete": 100}),
        # [INFERRED] the Resolved rule is not spelled out by the vendor.
        StatusEffect("Resolved", {"ResolvedBy": "caller", "DateResolved": "now"}),
    ),
    fields=custom_block() + (
        Field("BugId", I, auto=Auto.ID),
        Field("Title", S, 255, double_encoded=True),
        Field("StatusCode", S, 100, choice_list="Status", indexed=True),
        Field("SeverityCode", S, 100, choice_list="Severity", default=""),
        Field("PriorityCode", S, 100, choice_list="Priority", default=""),
        Field("SoftwareVersionCode", S, 100, choice_list="SoftwareVersion"),
        Field("HowFoundCode", S, 100, choice_list="HowFound"),
        Field("ModuleCode", S, 100, choice_list="Module"),
        Field("Description", S, source=SAMPLE),
        user_ref("AssigneeUserId", source=SAMPLE),
        user_name("AssignedToName", "AssigneeUserId"),
        *folder_fields(),
        Field("DateCreated", DT, auto=Auto.NOW_ON_ADD, indexed=True),
        Field("DateOpened", DT, auto=Auto.NOW_ON_ADD),
        Field("DateUpdated", DT, auto=Auto.NOW, indexed=True),
        Field("DateClosed", DT, auto=Auto.SERVER_SET, indexed=True),
        Field("UpdateUserId", I, auto=Auto.CALLER, references="User"),
        user_name("UserName", "UpdateUserId"),
        Field("ClosedBy", I, auto=Auto.SERVER_SET, references="User"),
        user_name("ClosedByName", "ClosedBy"),
        Field("ResolvedBy", I, auto=Auto.SERVER_SET, references="User"),
        user_name("ResolvedByName", "ResolvedBy"),
        Field("ActStart", DT),
        Field("ActFinish", DT),
        Field("PctComplete", I, default=0),
        Field("ActHrs", D, source=INF, default=0),
        Field("EstHrs", D, source=INF, default=0),
        Field("EstHrsRemaining", D, source=INF, default=0),
        Field("EstStart", DT, source=INF),
        Field("EstFinish", DT, source=INF),
        Field("ActualResults", S, source=INF),
        Field("ExpectedResults", S, source=INF),
        Field("StepsToRepro", S, source=INF),
        Field("Resolution", S, source=INF),
        Field("ResolutionCode", S, 100, source=INF),
        Field("FunctionalAreaCode", S, 100, source=INF),
        Field("IssueCode", S, 100, source=INF),
        Field("DateResolved", DT, source=GUESS, auto=Auto.SERVER_SET,
              note="needed by the [INFERRED] Resolved rule; name by analogy with DateClosed"),
    ),
)

RELEASE = Entity(
    type_name="Release", prefix="Releases", entity_code="Releases", table="Releases", id_field="Id",
    area=Area.RELEASES, item_param={"add": "Release", "update": "Release"}, id_param="ReleaseId",
    extra_rights=(RightCheck(Area.DEFECTS, Right.READ),),
    hierarchy=Hierarchy(
        parent_field="ParentId", title_field="Title", kind_field="ReleaseType",
        parent_kinds={"Release": (), "Iteration": ("Release",), "Build": ("Iteration", "Release")},
        max_depth=3,
    ),
    parents=(ParentLink("Release", "ParentId"),),
    status_field="StatusCode",
    fields=custom_block() + (
        Field("Id", I, auto=Auto.ID),
        Field("ProjId", I, auto=Auto.PROJECT),
        Field("FolderId", I, references="Folder", indexed=True),
        Field("ReleaseId", I, derived=Derivation.ROOT_ID, note="the top release of the hierarchy"),
        Field("FullReleaseName", S, 604, derived=Derivation.PATH, double_encoded=True),
        Field("ReleaseName", S, 255, derived=Derivation.ROOT_TITLE, double_encoded=True),
        Field("ParentId", I, references="Release", indexed=True),
        Field("ParentName", S, 200, derived=Derivation.PARENT_TITLE, double_encoded=True),
        Field("ReleaseType", S, 200, allowed=("Release", "Iteration", "Build"), default="Release"),
        Field("Title", S, 200, double_encoded=True),
        Field("Description", S),
        Field("StatusCode", S, 100, choice_list="Status", source=SAMPLE, indexed=True),
        Field("IsActive", S, 1, allowed=YES_NO, source=SAMPLE),
        Field("IsAutoAdjustEstDates", S, 1, allowed=YES_NO, source=SAMPLE),
        Field("EstStartDate", DT, source=SAMPLE),
        Field("EstFinishDate", DT, source=SAMPLE),
        Field("EstStart", DT, auto=Auto.SERVER_SET, note="[DOC] not used: always 0001-01-01T00:00:00"),
        Field("EstFinished", DT, auto=Auto.SERVER_SET, note="[DOC] not used: always 0001-01-01T00:00:00"),
        Field("DateCreated", DT, auto=Auto.NOW_ON_ADD, indexed=True),
        Field("DateUpdated", DT, auto=Auto.NOW),
        Field("CreateUserId", I, auto=Auto.CALLER_ON_ADD, references="User"),
        Field("UpdateUserId", I, auto=Auto.CALLER, references="User"),
        user_name("UserName", "UpdateUserId"),
        Field("FolderName", S, 511, derived=Derivation.FOLDER_NAME, derived_from="FolderId"),
        user_ref("OwnerUserId", source=INF),
        user_ref("AssigneeUserId", source=INF),
        Field("SeqNum", I, source=INF, default=0),
    ),
)

FUNCTIONAL_SPEC = Entity(
    type_name="FunctionalSpec", prefix="FunctionalSpecs", entity_code="FunctionalSpecs",
    table="FunctionalSpecs", id_field="FunctSpecId", area=Area.REQUIREMENTS,
    # [DOC] the Add parameter is plural, the Update parameter singular.
    item_param={"add": "FunctionalSpecs", "update": "FunctionalSpec"}, id_param="FunctionalSpecId",
    status_field="StatusCode",
    fields=custom_block() + (
        Field("FunctSpecId", I, auto=Auto.ID),
        Field("Title", S, 255, double_encoded=True),
        Field("StatusCode", S, 100, choice_list="Status", indexed=True),
        Field("Keywords", S, 200),
        Field("Grouping", S, 50),
        Field("SubGrouping", S, 50),
        Field("Description", S, default=""),
        Field("BusinesRule", S, default="", note="spelled with one s [DOC]"),
        Field("EstHrs", D, default=0),
        *folder_fields(),
        Field("EstHrsRemaining", D, source=SAMPLE, default=0),
        Field("Active", S, 1, allowed=YES_NO, source=INF),
        Field("ActStart", DT, source=INF),
        Field("ActFinish", DT, source=INF),
        Field("EstStart", DT, source=INF),
        Field("EstFinish", DT, source=INF),
        Field("ActHrs", D, source=INF, default=0),
        Field("Comments", S, source=INF),
        Field("OriginalId", I, source=INF, default=0),
        user_ref("OwnerUserId", source=INF),
        Field("PctComplete", I, source=INF, default=0),
    ),
)

PROJECT_TASK = Entity(
    type_name="ProjectTask", prefix="ProjectTasks", entity_code="ProjectTasks", table="ProjectTasks",
    id_field="TaskId", area=Area.AGILE_TASKS,
    # [DOC] Update takes the plural element and the capital-M alert parameter.
    item_param={"add": "ProjectTask", "update": "ProjectTasks"}, id_param="TaskId",
    alert_param_update="SendEMailAlert",
    status_field="StatusCode",
    fields=custom_block() + (
        Field("TaskId", I, auto=Auto.ID),
        Field("TaskTypeCode", S, 100, default="To Do List",
              note="To Do List (default), ProjectTasks (agile task), Appointment"),
        Field("Title", S, 100),
        Field("MLSId", I, auto=Auto.SERVER_SET, note="reserved"),
        Field("DateBegin", DT),
        Field("DateEnd", DT),
        Field("DateDue", DT),
        Field("PctComplete", I, default=0),
        Field("EstHrs", D, default=0),
        Field("ActualHrs", D, default=0),
        Field("EstCost", D, default=0),
        Field("ActualCost", D, default=0),
        Field("RequestedBy", S, 30),
        *folder_fields(),
        user_ref("OwnerUserId", source=INF),
        user_ref("AssigneeUserId", source=INF),
        Field("SortOrder", I, source=INF, default=0),
        Field("OriginalId", I, source=INF, default=0),
        Field("ImportId", I, source=INF, default=0),
        Field("PriorityCode", S, 100, source=INF, choice_list="Priority"),
        Field("StatusCode", S, 100, source=INF, choice_list="Status", indexed=True),
        Field("Grouping", S, 50, source=INF),
        Field("SubGrouping", S, 50, source=INF),
        Field("Keywords", S, 200, source=INF),
        Field("Description", S, source=INF),
        Field("EstStart", DT, source=INF),
        Field("EstFinish", DT, source=INF),
        Field("ActStart", DT, source=INF),
        Field("ActFinish", DT, source=INF),
        Field("EstHrsRemaining", D, source=INF, default=0),
        Field("ActHrs", D, source=INF, default=0),
    ),
)

ENTITIES = ((BUG, RELEASE, FUNCTIONAL_SPEC, PROJECT_TASK) + TEST_MANAGEMENT + PROJECT_PLANS + LEGACY + AUTOMATION
            + COLLABORATION)
