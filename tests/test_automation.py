"""The Automated Testing Bridge over SOAP 1.1 and 1.2 (obsolete since 9.9.0, served for old
integrations): hosts, test items, schedules and runs with their documented parameter names,
what a reported run does ([INFERRED] rules of domain/automation.py), and the time-span
operations."""
from __future__ import annotations

from datetime import datetime, timedelta

from lxml import etree

from .helpers import NS, auth, fault
from .testlib import READER, equal, tag

UPLOAD = "\\\\build01\\scripts\\albums\\upload.pjs"


def sent_names(soap, operation):
    return [etree.QName(c).localname for c in soap.history.last_sent["envelope"].find(f".//{{{NS}}}{operation}")]


def add_host(soap, name=None):
    name = name or f"host-{tag()}"
    return soap.service.AutomationHosts_Add(auth(), soap.new("AutomationHost", HostName=name)), name


def run(soap, host, test, start=datetime(2026, 3, 1, 2, 0), seconds=95, **values):
    return soap.new("AutomationRun", AutomationHostName=host, FullTestName=test, AutomationType="TestComplete",
                    StartTime=start, EndTime=start + timedelta(seconds=seconds), **values)


def test_hosts_round_trip_with_a_unique_name(soap):
    """[DOC] AutomationHosts_Add needs HostName; Load and Delete take AutomationHostId; Update
    replaces the host. [INFERRED] a name is unique in the project, compared without case."""
    service = soap.service
    host_id, name = add_host(soap)
    assert sent_names(soap, "AutomationHosts_Add") == ["AuthenticationData", "AutomationHost"]
    host = service.AutomationHosts_Load(auth(), host_id)
    assert sent_names(soap, "AutomationHosts_Load") == ["AuthenticationData", "AutomationHostId"]
    assert (host.AutomationHostId, host.HostName, host.CreateUserId) == (host_id, name, 25315)
    host.Description = "Windows 7 x86"
    service.AutomationHosts_Update(auth(), host)
    (found,) = service.AutomationHosts_LoadByCriteria(auth(), equal("HostName", name), "", 200, 1)
    assert found.Description == "Windows 7 x86"
    assert "AutomationHost.HostName 'BUILD01' is already registered" in fault(
        soap, service.AutomationHosts_Add, auth(), soap.new("AutomationHost", HostName="BUILD01"))
    assert "AutomationHost.HostName is required" in fault(
        soap, service.AutomationHosts_Add, auth(), soap.new("AutomationHost"))
    service.AutomationHosts_Delete(auth(), host_id)
    assert f"AutomationHost {host_id}" in fault(soap, service.AutomationHosts_Load, auth(), host_id)


def test_a_reported_run_registers_its_host_and_test_item(soap):
    """[DOC] AutomationRuns_Add needs AutomationHostName, FullTestName, AutomationType, StartTime
    and EndTime; AutomationRuns_Load names the run's id AutomationHostId (sic)."""
    service = soap.service
    host = f"agent-{tag()}"
    test = f"C:\\Projects\\Albums\\{tag()}\\Smoke"
    run_id = service.AutomationRuns_Add(auth(), run(soap, host, test, seconds=95, NbrTests=4, NbrPassed=4))
    loaded = service.AutomationRuns_Load(auth(), run_id)
    assert sent_names(soap, "AutomationRuns_Load") == ["AuthenticationData", "AutomationHostId"]
    assert (loaded.AutomationHostName, loaded.Status, loaded.DurationInSecs, loaded.CreatedBy) == (
        host, "Passed", 95, "Admin, Ada")
    (registered,) = service.AutomationHosts_LoadByCriteria(auth(), equal("HostName", host), "", 200, 1)
    assert loaded.AutomationHostId == registered.AutomationHostId
    (item,) = service.AutomationTestItems_LoadByHostName(auth(), host)
    assert sent_names(soap, "AutomationTestItems_LoadByHostName") == ["AuthenticationData", "HostName"]
    assert (item.AutomationTestItemId, item.TestName, item.FullPath, item.AutomationType) == (
        loaded.AutomationTestItemId, "Smoke", test, "TestComplete")
    # The next run of the same test on the same host finds both.
    again = service.AutomationRuns_Add(auth(), run(soap, host.upper(), test, NbrTests=2, NbrFailed=1))
    second = service.AutomationRuns_Load(auth(), again)
    assert (second.AutomationHostId, second.AutomationTestItemId, second.Status) == (
        registered.AutomationHostId, item.AutomationTestItemId, "Failed")
    second.Status, second.NbrPassed = "Rerun", 1
    service.AutomationRuns_Update(auth(), second)
    assert service.AutomationRuns_Load(auth(), again).Status == "Rerun"
    assert len(service.AutomationRuns_LoadByCriteria(
        auth(), equal("AutomationHostId", registered.AutomationHostId), "", 200, 1)) == 2
    service.AutomationRuns_Delete(auth(), again)
    assert sent_names(soap, "AutomationRuns_Delete") == ["AuthenticationData", "AutomationRunId"]
    assert f"AutomationRun {again}" in fault(soap, service.AutomationRuns_Load, auth(), again)


def test_bad_runs_are_faults_naming_the_field_and_add_nothing(soap):
    service = soap.service
    host = f"bad-{tag()}"
    other_item = service.AutomationTestItems_LoadByHostName(auth(), "build01")[0].AutomationTestItemId
    for values, text in (
            ({"StartTime": datetime(2026, 3, 2)}, "AutomationRun.StartTime 2026-03-02T00:00:00 is after its EndTime"),
            ({"NbrTests": 1, "NbrPassed": 1, "NbrFailed": 1}, "add up to more than NbrTests 1"),
            ({"NbrTests": -1}, "AutomationRun.NbrTests"),
            ({"AutomationType": "Selenium"}, "AutomationRun.AutomationType 'Selenium' is not valid"),
            ({"AutomationHostName": None}, "AutomationRun.AutomationHostName is required"),
            ({"AutomationTestItemId": other_item}, "is a test item of host 'build01'")):
        item = run(soap, host, "T")
        for name, value in values.items():
            setattr(item, name, value)
        assert text in fault(soap, service.AutomationRuns_Add, auth(), item)
    assert not service.AutomationHosts_LoadByCriteria(auth(), equal("HostName", host), "", 200, 1)


def test_test_items_round_trip_and_their_host_takes_them_along(soap):
    service = soap.service
    host_id, name = add_host(soap)
    item_id = service.AutomationTestItems_Add(auth(), soap.new(
        "AutomationTestItem", AutomationHostId=host_id, TestName="Login", FullPath="C:\\t\\Login",
        AutomationType="QTP"))
    item = service.AutomationTestItems_Load(auth(), item_id)
    assert (item.AutomationHostName, item.TestName, item.ProjId) == (name, "Login", 10372)
    item.Description = "Checks the login form"
    service.AutomationTestItems_Update(auth(), item)
    (found,) = service.AutomationTestItems_LoadByCriteria(auth(), equal("AutomationHostId", host_id), "", 200, 1)
    assert found.Description == "Checks the login form"
    assert "AutomationTestItem.AutomationType '1' is not valid" in fault(
        soap, service.AutomationTestItems_Add, auth(), soap.new(
            "AutomationTestItem", AutomationHostId=host_id, FullPath="x", AutomationType="1"))
    schedule_id = service.AutomationSchedules_Add(auth(), soap.new(
        "AutomationSchedule", AutomationTestItemId=item_id, DateBegin=datetime(2026, 5, 1, 3)))
    run_id = service.AutomationRuns_Add(auth(), run(soap, name, "C:\\t\\Login", AutomationTestItemId=item_id))
    service.AutomationHosts_Delete(auth(), host_id)
    assert f"AutomationTestItem {item_id}" in fault(soap, service.AutomationTestItems_Load, auth(), item_id)
    assert f"AutomationSchedule {schedule_id}" in fault(soap, service.AutomationSchedules_Load, auth(), schedule_id)
    assert f"AutomationRun {run_id}" in fault(soap, service.AutomationRuns_Load, auth(), run_id)
    assert not service.AutomationTestItems_LoadByHostName(auth(), name)


def test_schedules_and_the_time_span_leaves_out_both_ends(soap):
    """[DOC] IsTestsByTimeSpanExist(AutomationType, AutomationHostName, StartDate, EndDate): "The
    specified date is not included in the time span"; LoadTestsByTimeSpan lists them."""
    service = soap.service
    host_id, name = add_host(soap)
    item_id = service.AutomationTestItems_Add(auth(), soap.new(
        "AutomationTestItem", AutomationHostId=host_id, TestName="Nightly", FullPath="C:\\t\\Nightly",
        AutomationType="TestComplete"))
    begin = datetime(2026, 6, 1, 2)
    schedule_id = service.AutomationSchedules_Add(auth(), soap.new(
        "AutomationSchedule", AutomationTestItemId=item_id, DateBegin=begin, DaysRun=5, TimeRun="02:00",
        Status="Active"))
    schedule = service.AutomationSchedules_Load(auth(), schedule_id)
    assert (schedule.AutomationHostName, schedule.AutomationType, schedule.OwnerName) == (
        name, "TestComplete", "Admin, Ada")
    schedule.Status = "Paused"
    service.AutomationSchedules_Update(auth(), schedule)
    (found,) = service.AutomationSchedules_LoadByCriteria(auth(), equal("AutomationTestItemId", item_id), "", 200, 1)
    assert found.Status == "Paused"

    def exists(start, end, kind="TestComplete", host=name):
        return service.AutomationSchedules_IsTestsByTimeSpanExist(auth(), kind, host, start, end)
    assert exists(datetime(2026, 5, 31), datetime(2026, 6, 2))
    assert sent_names(soap, "AutomationSchedules_IsTestsByTimeSpanExist") == [
        "AuthenticationData", "AutomationType", "AutomationHostName", "StartDate", "EndDate"]
    assert not exists(begin, datetime(2026, 6, 2))
    assert not exists(datetime(2026, 5, 31), begin)
    assert not exists(datetime(2026, 5, 31), datetime(2026, 6, 2), kind="QTP")
    assert not exists(datetime(2026, 5, 31), datetime(2026, 6, 2), host="elsewhere")
    (listed,) = service.AutomationSchedules_LoadTestsByTimeSpan(
        auth(), "TestComplete", name, datetime(2026, 5, 31), datetime(2026, 6, 2))
    assert listed.AutomationScheduleId == schedule_id
    assert not service.AutomationSchedules_LoadTestsByTimeSpan(auth(), "TestComplete", name, begin, begin)
    assert "AutomationSchedule.DateEnd 2026-05-01T00:00:00 is before its DateBegin" in fault(
        soap, service.AutomationSchedules_Add, auth(), soap.new(
            "AutomationSchedule", AutomationTestItemId=item_id, DateBegin=begin, DateEnd=datetime(2026, 5, 1)))
    service.AutomationSchedules_Delete(auth(), schedule_id)
    assert not exists(datetime(2026, 5, 31), datetime(2026, 6, 2))


def test_each_area_has_its_own_rights(soap):
    """[DOC] Automation Hosts, Automation Runs, AutomationSchedules and Automation Test Items."""
    service, reader = soap.service, auth(user_id=READER)
    assert service.AutomationHosts_LoadByCriteria(reader, "", "", 10, 1)
    for call, args, text in (
            (service.AutomationHosts_Add, (soap.new("AutomationHost", HostName="r"),), "Add right for Automation Hosts"),
            (service.AutomationRuns_Add, (run(soap, "r", "t"),), "Add right for Automation Runs"),
            (service.AutomationSchedules_Delete, (1,), "Delete right for AutomationSchedules"),
            (service.AutomationTestItems_Delete, (1,), "Delete right for Automation Test Items")):
        assert text in fault(soap, call, reader, *args)
    assert "Read right for AutomationSchedules" in fault(
        soap, service.AutomationSchedules_LoadTestsByTimeSpan, auth(user_id=25322), "QTP", "x",
        datetime(2026, 1, 1), datetime(2026, 2, 1))
