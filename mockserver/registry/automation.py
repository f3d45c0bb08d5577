"""The Automated Testing Bridge (reference §7.17 and the vendor's legacy-bridge pages), obsolete
since 9.9.0 but kept by the vendor for backward compatibility: hosts where TestComplete or QTP
tests run, the test items on them, their schedules and the runs they report.

The vendor's pages document more operations than the reference's index lists (Hosts Delete and
LoadByCriteria, Runs LoadByCriteria, Schedules Update, TestItems Add and Update); they are
declared here like the rest. None takes SendEmailAlert or NewNotes. What a reported run does
to hosts and test items is in ``domain/automation.py``.
"""
from .field_helpers import DOC, INF, DT, I, S, dates_created_updated, user_name, users_created_updated
from .model import Area, Auto, Derivation, Entity, Field, Operation, Param, ParentLink, Right, RightCheck, Xsd
from .operations import AUTH

HOSTS, RUNS = Area.AUTOMATION_HOSTS, Area.AUTOMATION_RUNS
SCHEDULES, TEST_ITEMS = Area.AUTOMATION_SCHEDULES, Area.AUTOMATION_TEST_ITEMS
# [DOC] "The name of the automated testing tool, TestComplete or QTP".
AUTOMATION_TYPES = ("TestComplete", "QTP")
_LEGACY = dict(alert_param_add=None, alert_param_update=None, new_notes=False)


def _audit_fields(source=INF):
    # The bridge's pages list the users before the dates.
    return users_created_updated(source) + dates_created_updated(source)


AUTOMATION_HOST = Entity(
    type_name="AutomationHost", prefix="AutomationHosts", entity_code="AutomationHosts",
    table="AutomationHosts", id_field="AutomationHostId", area=HOSTS, title_field="HostName",
    item_param={"add": "AutomationHost", "update": "AutomationHost"}, id_param="AutomationHostId",
    required={"add": ("HostName",), "update": ("HostName",)}, **_LEGACY,
    fields=(
        Field("AutomationHostId", I, auto=Auto.ID,
              note='the object page lists "AutomaticHostId" (sic); its XML example, the operations and the '
                   'data dictionary say AutomationHostId [INFERRED: a typo of the page]'),
        Field("HostName", S, 8000, indexed=True,
              note="[INFERRED] unique in the project: runs name their host by it"),
        Field("Description", S, 8000),
        *_audit_fields(source=DOC),
    ),
)

AUTOMATION_TEST_ITEM = Entity(
    type_name="AutomationTestItem", prefix="AutomationTestItems", entity_code="AutomationTestItems",
    table="AutomationTestItems", id_field="AutomationTestItemId", area=TEST_ITEMS, title_field="TestName",
    item_param={"add": "AutomationTestItem", "update": "AutomationTestItem"}, id_param="AutomationTestItemId",
    # [INFERRED] the data dictionary's NOT NULL columns a client cannot leave to the server.
    required={"add": ("AutomationHostId", "FullPath", "AutomationType"),
              "update": ("AutomationHostId", "FullPath", "AutomationType")},
    parents=(ParentLink("AutomationHost", "AutomationHostId"),
             ParentLink("AutomationTestItem", "AutomationTestParentId")), **_LEGACY,
    fields=(
        Field("AutomationTestItemId", I, auto=Auto.ID),
        Field("AutomationHostId", I, references="AutomationHost", indexed=True),
        Field("AutomationHostName", S, 8000, derived=Derivation.MIRROR, derived_from="AutomationHostId.HostName",
              note="the host's HostName (the page gives no maximum)"),
        Field("TestName", S, 100),
        Field("TestType", S, 100),
        Field("FullPath", S, 255),
        Field("AutomationTestParentId", I, references="AutomationTestItem",
              note="the parent item, for TestComplete projects"),
        Field("ParentFilePath", S, note="reserved"),
        Field("Description", S, 1000),
        Field("AutomationType", S, 100, allowed=AUTOMATION_TYPES,
              note='documented as "integer (max 100 chars)"; the data dictionary and the description make it '
                   'the tool\'s name [INFERRED]'),
        Field("ProjId", I, auto=Auto.PROJECT),
        Field("CreateUserId", I, auto=Auto.CALLER_ON_ADD, references="User", note="The visible list ends here."),
        Field("UpdateUserId", I, source=INF, auto=Auto.CALLER, references="User"),
        *dates_created_updated(source=INF),
    ),
)

AUTOMATION_SCHEDULE = Entity(
    type_name="AutomationSchedule", prefix="AutomationSchedules", entity_code="AutomationSchedules",
    table="AutomationSchedules", id_field="AutomationScheduleId", area=SCHEDULES, title_field=None,
    item_param={"add": "AutomationSchedule", "update": "AutomationSchedule"}, id_param="AutomationScheduleId",
    # [INFERRED] the data dictionary's NOT NULL columns.
    required={"add": ("AutomationTestItemId", "DateBegin"), "update": ("AutomationTestItemId", "DateBegin")},
    parents=(ParentLink("AutomationTestItem", "AutomationTestItemId"),), **_LEGACY,
    fields=(
        Field("AutomationScheduleId", I, auto=Auto.ID),
        Field("AutomationTestItemId", I, references="AutomationTestItem", indexed=True),
        Field("DateBegin", DT, indexed=True),
        Field("DateEnd", DT, note="none: the schedule has no end"),
        Field("DaysRun", I, minimum=0, maximum=32767,
              note='"the number of days the schedule was run" (object page) or "should run" (data dictionary); '
                   "a smallint, kept as given"),
        Field("TimeRun", S, 100, note="the time of day to run the test, kept as given"),
        Field("Status", S, 100),
        Field("ProjId", I, auto=Auto.PROJECT),
        *_audit_fields(source=DOC),
        user_name("OwnerName", "CreateUserId", source=INF, max_length=52),
        Field("AutomationType", S, 100, source=INF, derived=Derivation.MIRROR,
              derived_from="AutomationTestItemId.AutomationType",
              note="the scheduled item's; what the time-span operations filter by"),
        Field("AutomationHostName", S, 8000, source=INF, derived=Derivation.MIRROR,
              derived_from="AutomationTestItemId.AutomationHostName"),
    ),
)

AUTOMATION_RUN = Entity(
    type_name="AutomationRun", prefix="AutomationRuns", entity_code="AutomationRuns",
    table="AutomationRuns", id_field="AutomationRunId", area=RUNS, title_field="FullTestName",
    item_param={"add": "AutomationRun", "update": "AutomationRun"}, id_param="AutomationRunId",
    # [DOC] AutomationRuns_Load names the run's id AutomationHostId (sic).
    id_param_by_kind={"load": "AutomationHostId"},
    # [DOC] Add: "must have the AutomationHostName, FullTestName, AutomationType, StartTime, and EndTime".
    required={"add": ("AutomationHostName", "FullTestName", "AutomationType", "StartTime", "EndTime"),
              "update": ("AutomationHostName", "FullTestName", "AutomationType", "StartTime", "EndTime")},
    parents=(ParentLink("AutomationHost", "AutomationHostId"),
             ParentLink("AutomationTestItem", "AutomationTestItemId")), **_LEGACY,
    fields=(
        Field("AutomationRunId", I, auto=Auto.ID),
        Field("AutomationTestItemId", I, references="AutomationTestItem", indexed=True,
              note="[INFERRED] when 0, the host's item whose FullPath is FullTestName, made if missing"),
        Field("AutomationHostId", I, auto=Auto.SERVER_SET, indexed=True,
              note="[INFERRED] the host named AutomationHostName, registered if missing"),
        Field("Status", S, 100, note='[INFERRED] "Failed" or "Passed" from the counts when left empty'),
        Field("FullTestName", S, 8000),
        Field("NbrTests", I, minimum=0, default=0),
        Field("NbrPassed", I, minimum=0, default=0),
        Field("NbrFailed", I, minimum=0, default=0),
        Field("DurationInSecs", I, auto=Auto.SERVER_SET, default=0, note="[INFERRED] EndTime - StartTime"),
        Field("AutomationHostName", S, 8000, note="The visible list ends here."),
        Field("AutomationType", S, 255, source=INF, allowed=AUTOMATION_TYPES),
        Field("StartTime", DT, source=INF, indexed=True),
        Field("EndTime", DT, source=INF),
        Field("ProjId", I, source=INF, auto=Auto.PROJECT),
        *_audit_fields(),
        user_name("CreatedBy", "CreateUserId", source=INF, max_length=52),
    ),
)

# Parents before children: the store creates tables, and the seed adds items, in this order.
AUTOMATION = (AUTOMATION_HOST, AUTOMATION_TEST_ITEM, AUTOMATION_SCHEDULE, AUTOMATION_RUN)


def _time_span(name: str, returns: str, right_area=SCHEDULES):
    # [DOC] both dates are outside the span ("The specified date is not included in the time
    # span"); LoadTestsByTimeSpan's page is cut after EndDate: [INFERRED] the same five parameters.
    return Operation(name, "schedules_in_span", (
        AUTH, Param("AutomationType", Xsd.STRING.value, required=True, max_length=100),
        Param("AutomationHostName", Xsd.STRING.value, required=True, max_length=8000),
        Param("StartDate", Xsd.DATETIME.value, required=True), Param("EndDate", Xsd.DATETIME.value, required=True)),
        returns, AUTOMATION_SCHEDULE.type_name, (RightCheck(right_area, Right.READ),),
        roles={"type": "AutomationType", "host": "AutomationHostName", "start": "StartDate", "end": "EndDate"})


AUTOMATION_OPERATIONS = (
    # [DOC] no Requirements section on this page: [INFERRED] Read, as LoadTestsByTimeSpan.
    _time_span("AutomationSchedules_IsTestsByTimeSpanExist", Xsd.BOOLEAN.value),
    _time_span("AutomationSchedules_LoadTestsByTimeSpan", AUTOMATION_SCHEDULE.array_type),
    # [DOC] the parameter is HostName; the items' field is AutomationHostName.
    Operation("AutomationTestItems_LoadByHostName", "load_by_field",
              (AUTH, Param("HostName", Xsd.STRING.value, required=True, max_length=8000)),
              AUTOMATION_TEST_ITEM.array_type, AUTOMATION_TEST_ITEM.type_name,
              (RightCheck(TEST_ITEMS, Right.READ),), roles={"value": "HostName", "field": "AutomationHostName"}),
)
