"""Every operation of the vendor's SOAP reference (§7.1 of the reference): what the mock is
measured against. 129 documented operations, 3 the reference infers (ProjectPlanTasks_Add,
_Load, _Update) and 3 the vendor marks internal ("do not use"), which the mock does not serve:
a mock that answered them would invite clients to depend on them.

The vendor's own pages go further than the reference's index: they document the three
ProjectPlanTasks operations the reference infers (Add with NewNotes; Update with the
parameters named ProjectPlanTasks and SendEMailAlert), and six bridge operations the index
leaves out (PAGES below). Both are served as the pages give them."""
from __future__ import annotations

DOC, INFERRED, INTERNAL, PAGES = "DOC", "INFERRED", "INTERNAL", "PAGES"


def _crud(prefix: str, kinds=("Add", "Load", "LoadByCriteria", "Update", "Delete")) -> list[str]:
    return [f"{prefix}_{k}" for k in kinds]


_AREAS: list[tuple[str, list[str], str]] = [
    ("Login & helper", ["GetVersion", "GetLoginInfo", "GetLoginInfoByEntity", "SendEmail",
                        "ServerProperties_GetServerProperties", "Audits_Add", "Audits_LoadElevated", "DbLogs_Add",
                        "PerfLogs_Add", "Preferences_IsExtensionRestricted", "Preferences_IsEntityRestricted",
                        "EntityMetadata_GetAll"], DOC),
    ("Login & helper", ["Preferences_DeleteProjectPreference", "Preferences_GetProjPreferenceByCode",
                        "Preferences_ProjPreferenceAdd"], INTERNAL),
    ("Defects", _crud("Bugs") + ["Bugs_GetStatuses"], DOC),
    ("Releases", _crud("Releases"), DOC),
    ("Requirements", _crud("FunctionalSpecs"), DOC),
    ("Agile tasks", _crud("ProjectTasks"), DOC),
    ("Test Library", _crud("Tests") + _crud("TestSteps") + _crud("TestConfigurations"), DOC),
    ("Test sets", _crud("TestSets") + _crud("TestSetItems"), DOC),
    ("Test runs", _crud("TestRuns", ("Add", "Load", "LoadByCriteria", "Update"))
     + _crud("TestRunItems", ("Load", "LoadByCriteria", "Update"))
     + _crud("TestRunResults", ("Load", "LoadByCriteria", "Update")), DOC),
    ("Project plans", ["ProjectPlans_GetListOfProjectPlans", "ProjectPlans_ExportMSProject",
                       "ProjectPlans_ImportMSProject", "ProjectPlanTasks_LoadByCriteria", "ProjectPlanTasks_Delete"], DOC),
    ("Project plans", _crud("ProjectPlanTasks", ("Add", "Load", "Update")), INFERRED),
    ("Folders", _crud("Folders"), DOC),
    ("Notes", _crud("Notes", ("Add", "Get", "GetList", "Update", "Delete")), DOC),
    ("Attachments", _crud("Attachments", ("Add", "Delete", "GetAttachment", "GetAttachmentsList")), DOC),
    ("Traceability", _crud("TraceabilityLinks", ("Add", "Load", "LoadByCriteria", "Delete")), DOC),
    ("Contacts", _crud("Contacts"), DOC),
    ("Custom fields & choice lists", _crud("CustomFields", ("Add", "AddLookUp", "Load", "Delete"))
     + _crud("LookUps", ("Load", "Update")), DOC),
    ("Users", ["User_Add", "User_GetIdByEmail", "User_GetEmailById", "User_GetByProject"], DOC),
    ("Legacy test cases", _crud("TestCases", ("Add", "Load", "LoadByCriteria", "LoadByUNC", "Update", "Delete")), DOC),
    ("Legacy automation bridge", _crud("AutomationHosts", ("Add", "Load", "Update"))
     + _crud("AutomationRuns", ("Add", "Load", "Update", "Delete"))
     + _crud("AutomationSchedules", ("Add", "Delete", "IsTestsByTimeSpanExist", "Load", "LoadByCriteria",
                                     "LoadTestsByTimeSpan"))
     + _crud("AutomationTestItems", ("Load", "LoadByCriteria", "LoadByHostName", "Delete")), DOC),
    ("Legacy automation bridge", _crud("AutomationHosts", ("Delete", "LoadByCriteria"))
     + _crud("AutomationRuns", ("LoadByCriteria",)) + _crud("AutomationSchedules", ("Update",))
     + _crud("AutomationTestItems", ("Add", "Update")), PAGES),
]

# (operation, area, status) in the reference's order.
REFERENCE_OPERATIONS: tuple[tuple[str, str, str], ...] = tuple(
    (name, area, status) for area, names, status in _AREAS for name in names)
