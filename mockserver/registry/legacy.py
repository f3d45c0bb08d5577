"""Legacy test cases (reference §7.17), obsolete since 9.7.0 but kept by the vendor for backward
compatibility: an item type like the others, plus TestCases_LoadByUNC."""
from .custom_block import custom_block
from .field_helpers import INF, I, S, dates_created_updated, folder_fields, user_name
from .model import Area, Auto, Entity, Field, Operation, Param, Right, RightCheck, Xsd
from .operations import AUTH

TEST_CASE = Entity(
    type_name="TestCase", prefix="TestCases", entity_code="TestCases", table="TestCases", id_field="TestCaseId",
    area=Area.TEST_CASES, item_param={"add": "TestCase", "update": "TestCase"}, id_param="TestCaseId",
    # [DOC] between SendEmailAlert and NewNotes: "Y" adds a defect for a test case added as Failed.
    add_options=("CreateDefectUponFailedTestCase",),
    status_field="StatusCode",
    fields=custom_block() + (
        Field("TestCaseId", I, auto=Auto.ID),
        Field("Title", S, 100),
        Field("StatusCode", S, 100, choice_list="Status", indexed=True,
              note='[DOC] the project list must contain "Passed" and "Failed"'),
        Field("FunctSpecId", I, references="FunctionalSpec", note="the requirement it tests"),
        Field("Grouping", S, 50),
        Field("SubGrouping", S, 50),
        Field("Keywords", S, 200, note="The list ends here."),
        Field("AutomationScriptUNC", S, 255, source=INF, indexed=True,
              note="the automation script TestCases_LoadByUNC finds test cases by"),
        Field("ProjId", I, source=INF, auto=Auto.PROJECT),
        *folder_fields(source=INF),
        *dates_created_updated(source=INF),
        Field("UpdateUserId", I, source=INF, auto=Auto.CALLER, references="User"),
        user_name("UserName", "UpdateUserId", source=INF),
    ),
)

LEGACY = (TEST_CASE,)

LEGACY_OPERATIONS = (
    Operation("TestCases_LoadByUNC", "load_by_field",
              (AUTH, Param("AutomationScriptUNC", Xsd.STRING.value, required=True, max_length=255)),
              TEST_CASE.array_type, TEST_CASE.type_name, (RightCheck(Area.TEST_CASES, Right.READ),),
              roles={"value": "AutomationScriptUNC"}),
)
