"""Helper operations (reference §7.16) over SOAP 1.1 and 1.2: DbLogs_Add and PerfLogs_Add, kept for
the admin API; Preferences_Is*Restricted answering from /__admin/preferences; EntityMetadata_GetAll
describing an item type from the registry and the project."""
from __future__ import annotations

import datetime

import pytest

from mockserver.control.client import AdminApiError, AdminClient

from .helpers import auth, fault
from .testlib import tag


@pytest.fixture
def admin(live):
    return AdminClient(live.url)


def test_db_and_perf_logs_are_kept_for_the_admin_api(soap, admin):
    """[DOC] DbLogs_Add writes an error record (UserName set by the server), PerfLogs_Add a
    Performance Log Manager record; neither returns anything."""
    source = f"sync-{tag()}"
    assert soap.service.DbLogs_Add(auth(), soap.new("DbLog", SeverityCode="3-Error", ErrSource=source, ErrNumber=42,
                                                    Description="JIRA timed out", AppCode="agSPEnt",
                                                    ProjId=10372, UserId=25317)) is None
    begin = datetime.datetime(2026, 5, 1, 10, 0, 0)
    task = f"nightly-{tag()}"
    soap.service.PerfLogs_Add(auth(), soap.new("PerfLog", Task=task, BeginDateTime=begin,
                                               EndDateTime=begin + datetime.timedelta(seconds=90)))
    logs = admin.logs()
    (db,) = [row for row in logs["db"] if row["ErrSource"] == source]
    assert (db["SeverityCode"], db["ErrNumber"], db["Description"], db["UserName"], db["ProjId"]) == (
        "3-Error", 42, "JIRA timed out", "Tester, Tom", 10372)
    (perf,) = [row for row in logs["perf"] if row["Task"] == task]
    assert perf["BeginDateTime"].startswith("2026-05-01T10:00:00") and perf["UserId"] == 25315


def test_a_perf_log_cannot_end_before_it_begins(soap):
    begin = datetime.datetime(2026, 5, 1, 10, 0, 0)
    text = fault(soap, soap.service.PerfLogs_Add, auth(), soap.new(
        "PerfLog", Task="x", BeginDateTime=begin, EndDateTime=begin - datetime.timedelta(seconds=1)))
    assert "PerfLog.EndDateTime 2026-05-01T09:59:59 is before BeginDateTime" in text


def test_restrictions_answer_from_the_admin_api(soap, admin):
    """[DOC] true means "not available"; nothing is restricted until /__admin/preferences says so."""
    service = soap.service
    assert service.Preferences_IsExtensionRestricted(auth(), "WebService") is False
    admin.restrict(extensions=["AutomatedTestingBridgeQTP"], entities=["FunctSpecs-AllowApprove"])
    try:
        assert service.Preferences_IsExtensionRestricted(auth(), "automatedtestingbridgeqtp") is True
        assert service.Preferences_IsExtensionRestricted(auth(), "WebService") is False
        assert service.Preferences_IsEntityRestricted(auth(), "FunctSpecs-AllowApprove") is True
    finally:
        admin.restrict(extensions=[], entities=[])
    assert service.Preferences_IsEntityRestricted(auth(), "FunctSpecs-AllowApprove") is False
    with pytest.raises(AdminApiError, match="restricted_extensions must be a list of names"):
        admin.restrict(extensions="WebService")


def test_entity_metadata_describes_a_type_from_the_registry_and_the_project(soap):
    """[INFERRED] EntityMetadata_GetAll(EntityCode): one Grid per field, with the project's required
    fields, choice lists and custom-field names."""
    grids = {g.ColName: g for g in soap.service.EntityMetadata_GetAll(auth(), "Bugs")}
    status = grids["StatusCode"]
    assert (status.IsRequired, status.IsColLocked, status.DataType) == ("Y", "N", "string")
    assert [kv.Value for kv in status.ListOfValues.KeyValueItem] == ["Active", "Reopened", "Resolved", "Closed"]
    assert grids["BugId"].IsColLocked == "Y" and grids["DateCreated"].DataType == "dateTime"
    assert grids["Custom1"].ColCaption == "Customer" and "Custom2" not in grids
    assert grids["PctComplete"].DefaultValue == "0" and grids["AssigneeUserId"].ColCaption == "Assignee User"
    assert "lacks the Read right for Requirements" in fault(
        soap, soap.service.EntityMetadata_GetAll, auth(user_id=25317), "FunctionalSpecs")
    assert "EntityCode 'Widgets' is not valid" in fault(soap, soap.service.EntityMetadata_GetAll, auth(), "Widgets")
