"""The server's clock under control (/__admin/clock): every date the service writes follows it,
ServerProperties tells it, and resetting the data leaves it unless asked. Each test has its own
mock process: the clock is the process's."""
from __future__ import annotations

import datetime
import time

import pytest
import requests

from mockserver.control.client import AdminApiError, AdminClient

from .helpers import Soap, auth, start_serve, stop_serve

MOMENT = datetime.datetime(2026, 3, 1, 9, 0, 0)


@pytest.fixture
def mock(tmp_path):
    proc, url, _ = start_serve(tmp_path, "--db", ":memory:")
    yield url, AdminClient(url), Soap(url, "1.1")
    stop_serve(proc)


def add_bug(soap) -> datetime.datetime:
    bug_id = soap.service.Bugs_Add(auth(), soap.new("Bug", Title="Clocked", StatusCode="Active"), "N", "")
    return soap.service.Bugs_Load(auth(), bug_id).DateCreated


def test_a_frozen_clock_dates_everything_and_moves_only_when_told(mock):
    url, admin, soap = mock
    assert admin.freeze_clock(MOMENT) == {"now": "2026-03-01T09:00:00.000", "controlled": True, "frozen": True}
    time.sleep(0.05)
    assert add_bug(soap) == MOMENT
    assert soap.service.ServerProperties_GetServerProperties(auth()).ServerLocalTime == MOMENT
    admin.advance_clock(3600)
    assert add_bug(soap) == MOMENT + datetime.timedelta(hours=1)
    history = soap.service.Audits_LoadElevated(auth(), "Bugs", "DateCreated >= '2026-03-01 09:00:00' "
                                               "and DateCreated <= '2026-03-01 10:00:00'", "DateCreated")
    assert [h.DateCreated for h in history] == [MOMENT, MOMENT + datetime.timedelta(hours=1)]
    admin.release_clock()
    assert abs(add_bug(soap) - datetime.datetime.now()) < datetime.timedelta(seconds=10)


def test_a_set_clock_runs_on_from_its_moment(mock):
    url, admin, soap = mock
    admin.set_clock("2030-01-01T00:00:00")
    time.sleep(0.2)
    created = add_bug(soap)
    assert datetime.datetime(2030, 1, 1) < created < datetime.datetime(2030, 1, 1, 0, 1)
    assert admin.clock()["frozen"] is False


def test_reset_keeps_the_clock_unless_asked(mock):
    url, admin, soap = mock
    admin.freeze_clock(MOMENT)
    admin.reset()
    assert admin.clock()["now"].startswith("2026-03-01T09:00:00")
    admin.reset(clock=True)
    assert admin.clock()["controlled"] is False


@pytest.mark.parametrize("body, message", [
    ({"freeze": "yesterday"}, "freeze must be an ISO-8601 time"),
    ({"advance": "1h"}, "advance must be a number of seconds"),
    ({"advance": 1e308}, "out of range"),           # past what a date can hold: 400, not a crash
    ({"advance": 1e12}, "out of range"),
    ({"advance": -1e12}, "out of range"),
    ({"advance": 10**30}, "out of range"),
    ({"release": False}, "release must be true"),
    ({"freeze": "2026-01-01T00:00:00", "advance": 5}, "give one of"),
    ({}, "give one of"),
])
def test_clock_requests_are_checked(mock, body, message):
    url, admin, soap = mock
    response = requests.put(url.split("/psws/")[0] + "/__admin/clock", json=body, timeout=10)
    assert response.status_code == 400 and message in response.json()["error"]
    assert admin.clock()["controlled"] is False


def test_an_advance_that_is_not_a_finite_number_is_refused(mock):
    """JSON as Python reads it takes NaN and Infinity; neither is a number of seconds."""
    url, admin, soap = mock
    for text in (b'{"advance": NaN}', b'{"advance": Infinity}'):
        response = requests.put(url.split("/psws/")[0] + "/__admin/clock", data=text, timeout=10)
        assert response.status_code == 400 and "advance must be a number of seconds" in response.json()["error"]
    assert admin.clock()["controlled"] is False


def test_the_client_reports_a_refused_clock_change(mock):
    url, admin, soap = mock
    with pytest.raises(AdminApiError, match="advance must be a number of seconds"):
        admin.advance_clock("soon")
