"""Custom fields and choice lists over SOAP 1.1 and 1.2: definitions drive every item type's
custom block, choice lists validate what Add and Update accept, and deleting a field clears it."""
from __future__ import annotations

from .helpers import auth, fault
from .testlib import tag

SCREEN_SAVER = 10369      # a project of its own for these tests: definitions are per project


def a():
    return auth(proj_id=SCREEN_SAVER)


def define(soap, number, name, kind="Text", size=50, required="N", code="FunctionalSpecs"):
    return soap.service.CustomFields_Add(a(), soap.new("CustomField", EntityCode=code, CustomFieldNbr=number,
                                                       FieldName=name, FieldType=kind, FieldSize=size,
                                                       IsRequired=required))


def test_a_defined_field_names_itself_in_every_item_and_can_be_required(soap):
    """[DOC] definitions per project and area; [DOC] CustomFieldNameN and CustomFieldNames name them;
    IsRequired = Y makes the field required in Add and Update."""
    service = soap.service
    name = f"Risk {tag()}"[:30]
    field_id = define(soap, 12, name, code="ProjectTasks")
    assert field_id > 0
    task_id = service.ProjectTasks_Add(a(), soap.new("ProjectTask", Title="t", Custom12="high"), "N", "")
    task = service.ProjectTasks_Load(a(), task_id)
    assert (task.Custom12, task.CustomFieldName12) == ("high", name)
    assert name in task.CustomFieldNames.string and "high" in task.CustomFields.string
    (listed,) = [f for f in service.CustomFields_Load(a(), "ProjectTasks") if f.CustomFieldNbr == 12]
    assert (listed.FieldName, listed.FieldType, listed.FieldSize, listed.IsRequired) == (name, "Text", 50, "N")
    define(soap, 12, name, required="Y", code="ProjectTasks")        # overwrites [DOC]
    assert "ProjectTask.Custom12 is required in project 10369" in fault(
        soap, service.ProjectTasks_Add, a(), soap.new("ProjectTask", Title="t2"), "N", "")
    define(soap, 12, name, required="N", code="ProjectTasks")


def test_a_choice_list_field_validates_values_and_lookups_update_changes_it(soap):
    """[DOC] CustomFields_AddLookUp makes a Look Up field and its list (values one per line);
    LookUps_Load lists it as <Entity>-Custom<N>; LookUps_Update replaces its values, and Add then
    accepts what the list holds."""
    service = soap.service
    service.CustomFields_AddLookUp(a(), soap.new("CustomField", EntityCode="FunctionalSpecs", CustomFieldNbr=3,
                                                 FieldName="Channel", FieldType="Look Up", IsRequired="N"),
                                   "Web\nMobile\r\nDesktop\n")
    lists = {lu.Type: lu for lu in service.LookUps_Load(a(), "FunctionalSpecs")}
    assert lists["FunctionalSpecs-Custom3"].Values.string == ["Web", "Mobile", "Desktop"]
    assert lists["FunctionalSpecs-Status"].Values.string == ["Draft", "Approved", "Implemented"]
    spec = soap.new("FunctionalSpec", Title=f"Spec {tag()}", Custom3="mobile")
    spec_id = service.FunctionalSpecs_Add(a(), spec, "N", "")
    assert service.FunctionalSpecs_Load(a(), spec_id).Custom3 == "Mobile"
    assert "FunctionalSpec.Custom3 'Watch' is not in the Custom3 choice list" in fault(
        soap, service.FunctionalSpecs_Add, a(), soap.new("FunctionalSpec", Title="x", Custom3="Watch"), "N", "")
    lookup = lists["FunctionalSpecs-Custom3"]
    lookup.Values.string = ["Web", "Mobile", "Desktop", "Watch"]
    service.LookUps_Update(a(), "FunctionalSpecs", lookup)
    assert service.FunctionalSpecs_Add(a(), soap.new("FunctionalSpec", Title="x", Custom3="Watch"), "N", "") > 0


def test_removing_list_values_needs_delete_and_adding_does_not(soap):
    """[DOC] any user may add values; deleting or replacing them needs the Delete right
    ([INFERRED] on Manage Choice Lists): the reader adds, but cannot remove."""
    service = soap.service
    reader = auth(user_id=25316, proj_id=SCREEN_SAVER)
    status = {lu.Type: lu for lu in service.LookUps_Load(reader, "Releases")}["Releases-Status"]
    original = list(status.Values.string)
    added = f"On hold {tag()}"
    status.Values.string = original + [added]
    service.LookUps_Update(reader, "Releases", status)
    status.Values.string = original
    assert "lacks the Delete right for Manage Choice Lists" in fault(soap, service.LookUps_Update, reader,
                                                                      "Releases", status)
    service.LookUps_Update(a(), "Releases", status)          # the administrator may
    assert {lu.Type: lu for lu in service.LookUps_Load(a(), "Releases")}["Releases-Status"].Values.string == original


def test_deleting_a_field_clears_it_in_every_item_of_the_area(soap):
    """[DOC] "Deleting a custom field also clears the contents of that field for all items in that
    project area.\""""
    service = soap.service
    define(soap, 41, "Doomed", code="FunctionalSpecs")
    spec_id = service.FunctionalSpecs_Add(a(), soap.new("FunctionalSpec", Title="keep", Custom41="value"), "N", "")
    service.CustomFields_Delete(a(), "FunctionalSpecs", 41)
    spec = service.FunctionalSpecs_Load(a(), spec_id)
    assert (spec.Custom41, spec.CustomFieldName41) == (None, None)
    assert "has no custom field 41" in fault(soap, service.CustomFields_Delete, a(), "FunctionalSpecs", 41)


def test_definitions_are_checked(soap):
    """[DOC] numbers 1-90; Text needs FieldSize, at most 8000 for 1-10 and 100 for 11-90; the
    documented field types."""
    service = soap.service
    for number, kind, size, message in [
        (0, "Text", 10, "CustomFieldNbr 0 is out of range"),
        (91, "Text", 10, "CustomFieldNbr 91 is out of range"),
        (11, "Text", 101, "FieldSize 101 is out of range for Custom11: it must be 1 to 100"),
        (5, "Text", 8001, "FieldSize 8001 is out of range for Custom5: it must be 1 to 8000"),
        (5, "Hologram", 10, "FieldType 'Hologram' is not valid here"),
        (5, "Look Up", 10, "FieldType 'Look Up' is not valid here"),
    ]:
        text = fault(soap, service.CustomFields_Add, a(), soap.new(
            "CustomField", EntityCode="Bugs", CustomFieldNbr=number, FieldName="x", FieldType=kind, FieldSize=size))
        assert message in text
    assert "lacks the Add right for Manage Custom Fields" in fault(
        soap, service.CustomFields_Add, auth(user_id=25317), soap.new(
            "CustomField", EntityCode="Bugs", CustomFieldNbr=5, FieldName="x", FieldType="Text", FieldSize=5))
