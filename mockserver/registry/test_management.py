"""Test management (reference §7.6): the Test Library, test sets and test runs.

Fields follow the vendor's documented order; where a vendor list ends (noted per type), the
fields after it are [INFERRED] from the data dictionary, the REST API or the operation pages,
or [GUESS]. What a run does when it starts and as results are recorded is in
``domain/test_runs.py``.
"""
from .custom_block import custom_block
from .field_helpers import (
    DOC, GUESS, INF, SAMPLE, YES_NO, DT, I, S, dates_created_updated, folder_fields, user_name, user_ref,
    users_created_updated,
)
from .model import Area, Auto, Derivation, Entity, Field, ParentLink, Right, RightCheck

RUN_STATUSES = ("Awaiting Run", "In Progress", "Passed", "Failed", "Paused", "Blocked", "Incomplete")
ITEM_STATUSES = ("Awaiting Run", "Passed", "Failed", "Blocked", "Skipped")
RESULT_STATUSES = ("Awaiting Run", "Passed", "Failed", "Blocked")
FINISHED_ITEM_STATUSES = ("Passed", "Failed", "Blocked")
EXECUTION_TYPES = ("Manual", "Auto")
# A test that runs for more than a week is a client's mistake; the bound also keeps a run's
# total within the int the wire carries for thousands of items.
MAX_RUN_TIME = 7 * 24 * 3600

LIBRARY, SETS = Area.TEST_LIBRARY, Area.TEST_SETS


def mirror(name, xsd, max_length, of, source=DOC, **kw):
    """A read-only copy of a field of the record another field refers to ("TestId.FolderName")."""
    return Field(name, xsd, max_length, source=source, derived=Derivation.MIRROR, derived_from=of, **kw)


def set_by_server(name, xsd, max_length=None, source=DOC, **kw):
    return Field(name, xsd, max_length, source=source, auto=Auto.SERVER_SET, **kw)


def audit_fields(source=INF):
    return dates_created_updated(source) + users_created_updated(source)


TEST = Entity(
    type_name="Test", prefix="Tests", entity_code="Tests", table="Tests", id_field="TestId",
    area=LIBRARY,
    # [DOC] Update takes the plural element and the capital-M alert parameter.
    item_param={"add": "Test", "update": "Tests"}, id_param="TestId", alert_param_update="SendEMailAlert",
    status_field="StatusCode",
    fields=custom_block() + (
        *folder_fields()[1:],
        user_name("AssignedToName", "AssigneeUserId"),
        user_name("UserName", "UpdateUserId"),
        user_name("OwnerName", "OwnerUserId"),
        set_by_server("LastRunByName", S, 100, note="who recorded the test's last finished run item"),
        Field("TestId", I, auto=Auto.ID),
        set_by_server("Version", I, default=1,
                      note="[INFERRED] 1; QAComplete makes a new version only when a user asks for one"),
        Field("ProjId", I, auto=Auto.PROJECT),
        folder_fields()[0],
        Field("Title", S, 255, note="[INFERRED] maximum; the vendor does not give one. The list ends here."),
        user_ref("AssigneeUserId", source=SAMPLE),
        Field("StatusCode", S, 100, source=SAMPLE, choice_list="Status", indexed=True),
        Field("Priority", S, 100, source=SAMPLE, choice_list="Priority",
              note="Priority, not PriorityCode, as the Tests_Update sample writes it"),
        Field("Description", S, source=INF),
        Field("IsActive", S, 1, source=INF, allowed=YES_NO, default="Y"),
        Field("ExecutionType", S, 100, source=INF, allowed=EXECUTION_TYPES, default="Manual",
              note="what TestRuns_Add copies into a run of this test"),
        user_ref("OwnerUserId", source=INF),
        *audit_fields(),
        set_by_server("AvgRunTime", I, source=INF, note="seconds, average of the finished run items"),
        set_by_server("LastRunDate", DT, source=INF),
        set_by_server("NbrTimesRun", I, source=INF, default=0),
    ),
)

TEST_STEP = Entity(
    type_name="TestStep", prefix="TestSteps", entity_code="TestSteps", table="TestSteps",
    id_field="TestStepId", area=LIBRARY,
    item_param={"add": "TestStep", "update": "TestStep"}, id_param="TestStepId",
    alert_param_update="SendEMailAlert", new_notes=False, title_field=None,
    # [DOC] adding or deleting a step needs only Update on the Test Library.
    rights={"add": (RightCheck(LIBRARY, Right.UPDATE),), "delete": (RightCheck(LIBRARY, Right.UPDATE),)},
    required={"add": ("TestId", "Step"), "update": ("TestId", "Step")},
    parents=(ParentLink("Test", "TestId"),),
    fields=(
        Field("TestId", I, references="Test", indexed=True),
        Field("TestStepId", I, auto=Auto.ID),
        mirror("Title", S, 100, "TestId.Title", note="the title of the step's test [DOC]"),
        Field("Seq", I, default=0),
        Field("IsStoppedOnFail", S, 1, allowed=YES_NO, default="N"),
        Field("Step", S, 8000),
        Field("ExpectedResults", S, 8000, note="the Update sample writes ExpectedResult; the object has this"),
        Field("DateCreated", DT, auto=Auto.NOW_ON_ADD),
        Field("DateUpdated", DT, auto=Auto.NOW),
        Field("CreateUserId", I, auto=Auto.CALLER_ON_ADD, references="User"),
        Field("UpdateUserId", I, auto=Auto.CALLER, references="User"),
        set_by_server("ScriptName", S, 1, note="reserved"),
        set_by_server("NbrFiles", I, default=0),
        set_by_server("ScriptSourceId", I, source=GUESS, note="reserved; type not documented"),
    ),
)

TEST_CONFIGURATION = Entity(
    type_name="TestConfiguration", prefix="TestConfigurations", entity_code="TestConfigurations",
    table="TestConfigurations", id_field="ConfigId", area=LIBRARY, title_field="ConfigurationName",
    item_param={"add": "TestConfiguration", "update": "TestConfiguration"}, id_param="TestConfigurationId",
    fields=custom_block() + (
        Field("ConfigId", I, auto=Auto.ID),
        Field("ProjId", I, auto=Auto.PROJECT),
        Field("FolderId", I, references="Folder", indexed=True),
        Field("ConfigurationName", S, 255),
        Field("Description", S),
        Field("IsActive", S, 2, allowed=YES_NO, default="Y"),
        Field("CreateUserId", I, auto=Auto.CALLER_ON_ADD, references="User"),
        Field("UpdateUserId", I, auto=Auto.CALLER, references="User"),
        Field("DateCreated", DT, auto=Auto.NOW_ON_ADD),
        Field("DateUpdated", DT, auto=Auto.NOW),
        user_ref("OwnerUserId"),
        Field("OriginalId", I, default=0),
        Field("ImportId", I, default=0),
        user_name("OwnerName", "OwnerUserId"),
        set_by_server("NbrFilesNotSecured", I, default=0),
        set_by_server("NbrFiles", I, default=0),
        Field("NbrNotes", I, derived=Derivation.NOTE_COUNT, note="The list ends here."),
        user_name("UserName", "UpdateUserId", source=INF),
    ),
)

TEST_SET = Entity(
    type_name="TestSet", prefix="TestSets", entity_code="TestSets", table="TestSets", id_field="TestSetId",
    area=SETS, item_param={"add": "TestSet", "update": "TestSet"}, id_param="TestSetId",
    alert_param_update="SendEMailAlert", status_field="StatusCode",
    fields=custom_block() + (
        Field("TestSetId", I, auto=Auto.ID),
        Field("ProjId", I, auto=Auto.PROJECT),
        Field("FolderId", I, references="Folder", indexed=True),
        Field("CreateUserId", I, auto=Auto.CALLER_ON_ADD, references="User"),
        Field("UpdateUserId", I, auto=Auto.CALLER, references="User"),
        Field("OriginalId", I, default=0),
        Field("ImportId", I, default=0),
        user_ref("OwnerUserId"),
        user_ref("AssigneeUserId"),
        Field("Title", S, 255),
        Field("IsActive", S, 1, allowed=YES_NO, default="Y"),
        Field("IsSequential", S, 1, allowed=YES_NO, default="N",
              note="run the tests strictly in order; maximum [INFERRED]"),
        Field("StatusCode", S, 100, choice_list="Status", indexed=True, note="The list ends here."),
        Field("PriorityCode", S, 100, source=SAMPLE, choice_list="Priority"),
        Field("ExecutionType", S, 100, source=INF, allowed=EXECUTION_TYPES, default="Manual"),
        Field("Description", S, source=INF),
        Field("DateCreated", DT, source=INF, auto=Auto.NOW_ON_ADD),
        Field("DateUpdated", DT, source=INF, auto=Auto.NOW),
        Field("FolderName", S, 511, source=INF, derived=Derivation.FOLDER_NAME, derived_from="FolderId"),
        user_name("AssignedToName", "AssigneeUserId", source=INF),
        user_name("OwnerName", "OwnerUserId", source=INF),
        user_name("UserName", "UpdateUserId", source=INF),
    ),
)

TEST_SET_ITEM = Entity(
    type_name="TestSetItem", prefix="TestSetItems", entity_code="TestSetItems", table="TestSetItems",
    id_field="TestSetItemId", area=SETS, new_notes=False, title_field=None,
    item_param={"add": "TestSetItem", "update": "TestSetItem"}, id_param="TestSetItemId",
    # [DOC] TestSetItems_Delete's parameter is TestSetId, "the ID of the test set item".
    id_param_by_kind={"delete": "TestSetId"},
    alert_param_update="SendEMailAlert",
    # [DOC] Read on the Test Library plus Read / Update on Test Sets; Delete needs Update on
    # Test Sets. [INFERRED] Add, which changes the set as Delete does, needs Update too.
    rights={kind: (RightCheck(LIBRARY, Right.READ), RightCheck(SETS, right)) for kind, right in (
        ("load", Right.READ), ("load_by_criteria", Right.READ), ("add", Right.UPDATE),
        ("update", Right.UPDATE), ("delete", Right.UPDATE))},
    required={"add": ("TestSetId", "TestId"), "update": ("TestSetId", "TestId")},
    # Deleting a set deletes its items; [INFERRED] deleting a test takes it out of every set.
    parents=(ParentLink("TestSet", "TestSetId"), ParentLink("Test", "TestId")),
    fields=(
        Field("TestSetItemId", I, auto=Auto.ID),
        Field("TestSetId", I, references="TestSet", indexed=True),
        Field("TestId", I, references="Test", indexed=True),
        Field("Seq", I, default=0, note="order in the set"),
        Field("IsActive", S, 1, allowed=YES_NO, default="Y", note="[INFERRED] default"),
        Field("IsStoppedOnFail", S, 1, allowed=YES_NO, default="N"),
        Field("DateCreated", DT, auto=Auto.NOW_ON_ADD),
        Field("DateUpdated", DT, auto=Auto.NOW),
        Field("CreateUserId", I, auto=Auto.CALLER_ON_ADD, references="User"),
        Field("UpdateUserId", I, auto=Auto.CALLER, references="User"),
        mirror("FolderName", S, 511, "TestId.FolderName"),
        mirror("AssignedToName", S, 78, "TestId.AssignedToName"),
        mirror("UserName", S, 78, "TestId.UserName"),
        mirror("OwnerName", S, 78, "TestId.OwnerName"),
        mirror("LastRunByName", S, 100, "TestId.LastRunByName", note="The list ends here."),
    ),
)

TEST_RUN = Entity(
    type_name="TestRun", prefix="TestRuns", entity_code="TestRuns", table="TestRuns", id_field="TestRunId",
    area=LIBRARY, new_notes=False, title_field=None, status_field="StatusCode",
    operations=("add", "load", "load_by_criteria", "update"),
    item_param={"add": "TestRun", "update": "TestRun"}, id_param="TestRunId",
    required={"update": ("StatusCode",)},
    fields=(
        Field("TestRunId", I, auto=Auto.ID),
        Field("TestSetId", I, references="TestSet", indexed=True, create_only=True, note="0 for a run of one test"),
        set_by_server("TestSetName", S, 100, note="as the set was named when the run started"),
        Field("TestConfigId", I, references="TestConfiguration"),
        set_by_server("ConfigurationName", S, 100),
        Field("ReleaseId", I, references="Release", indexed=True, note="a release, iteration or build"),
        Field("ProjId", I, auto=Auto.PROJECT),
        Field("RunByUserId", I, auto=Auto.CALLER_ON_ADD, references="User"),
        user_name("RunByUserName", "RunByUserId"),
        set_by_server("IsSequential", S, 2, note="copied from the test set"),
        Field("StatusCode", S, 100, allowed=RUN_STATUSES, indexed=True),
        set_by_server("ExecutionType", S, 100, note="copied from the test or test set"),
        set_by_server("DateStarted", DT),
        set_by_server("DateFinished", DT, indexed=True, note="The list ends here."),
        Field("TestId", I, references="Test", indexed=True, create_only=True, note="named on the Add page"),
        Field("HostId", I, note="named on the Add page: the automation host"),
        set_by_server("NbrTests", I, note="named on the Add page"),
        set_by_server("NbrPassed", I, source=INF),
        set_by_server("NbrFailed", I, source=INF),
        set_by_server("NbrBlocked", I, source=INF),
        set_by_server("NbrAwaitingRun", I, source=INF),
        set_by_server("RunTime", I, source=INF, note="seconds: the sum of the items' run times"),
        Field("RunTimeFormated", S, 100, source=INF, derived=Derivation.DURATION_TEXT, derived_from="RunTime"),
        mirror("ReleaseName", S, 255, "ReleaseId.Title", source=INF, double_encoded=True),
    ),
)

TEST_RUN_ITEM = Entity(
    type_name="TestRunItem", prefix="TestRunItems", entity_code="TestRunItems", table="TestRunItems",
    id_field="TestRunItemId", area=LIBRARY, new_notes=False, title_field=None, status_field="StatusCode",
    operations=("load", "load_by_criteria", "update"),
    item_param={"update": "TestRunItem"}, id_param="TestRunItemId",
    required={"update": ("StatusCode",)},
    parents=(ParentLink("TestRun", "TestRunId"),),
    fields=(
        Field("TestRunItemId", I, auto=Auto.ID),
        set_by_server("TestSetId", I, references="TestSet"),
        Field("ProjId", I, auto=Auto.PROJECT),
        set_by_server("TestRunId", I, references="TestRun", indexed=True),
        set_by_server("TestId", I, references="Test", indexed=True),
        set_by_server("Title", S, note="reserved"),
        set_by_server("Version", I),
        set_by_server("Seq", I, note="[INFERRED] 1..n in the order the run runs its tests"),
        Field("StatusCode", S, 100, allowed=ITEM_STATUSES, indexed=True),
        set_by_server("DateStarted", DT),
        set_by_server("DateFinished", DT),
        Field("RunTime", I, default=0, minimum=0, maximum=MAX_RUN_TIME,
              note="seconds, as the client reports it; [INFERRED] at most a week"),
        Field("RunTimeFormated", S, 100, derived=Derivation.DURATION_TEXT, derived_from="RunTime",
              note="hh:mm:ss (sic spelling)"),
        set_by_server("IsStoppedOnFail", S, 1),
        mirror("RunByUserName", S, 78, "TestRunId.RunByUserName", note="The list ends here."),
        set_by_server("TestName", S, 255, note="named on the Update page; as the test was titled"),
        mirror("ReleaseName", S, 255, "TestRunId.ReleaseName", double_encoded=True, note="named on the Update page"),
        mirror("ConfigurationName", S, 100, "TestRunId.ConfigurationName", note="named on the Update page"),
        mirror("TestSetName", S, 100, "TestRunId.TestSetName", note="named on the Update page"),
        mirror("AvgRunTime", I, None, "TestId.AvgRunTime", note="named on the Update page"),
        Field("AvgRunTimeFormated", S, 100, derived=Derivation.DURATION_TEXT, derived_from="AvgRunTime",
              note="named on the Update page"),
    ),
)

TEST_RUN_RESULT = Entity(
    type_name="TestRunResult", prefix="TestRunResults", entity_code="TestRunResults", table="TestRunResults",
    id_field="TestRunResultId", area=LIBRARY, new_notes=False, title_field=None, status_field="StatusCode",
    operations=("load", "load_by_criteria", "update"),
    item_param={"update": "TestRunResult"}, id_param="TestRunResultId",
    required={"update": ("StatusCode",)},
    parents=(ParentLink("TestRunItem", "TestRunItemId"),),
    fields=(
        Field("TestRunResultId", I, auto=Auto.ID),
        set_by_server("TestRunItemId", I, references="TestRunItem", indexed=True),
        set_by_server("Seq", I, note="[INFERRED] 1..n in step order"),
        set_by_server("IsStoppedOnFail", S, 1, note="a critical step"),
        Field("StatusCode", S, 100, allowed=RESULT_STATUSES, indexed=True),
        set_by_server("Step", S, note="[INFERRED] the step's text when the run started"),
        set_by_server("ExpectedResults", S, note="[INFERRED] the step's text when the run started"),
        Field("ActualResults", S),
        set_by_server("TestStepId", I, references="TestStep"),
        Field("ProjId", I, auto=Auto.PROJECT),
    ),
)

TEST_MANAGEMENT = (TEST, TEST_STEP, TEST_CONFIGURATION, TEST_SET, TEST_SET_ITEM,
                   TEST_RUN, TEST_RUN_ITEM, TEST_RUN_RESULT)
