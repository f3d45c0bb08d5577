"""The request journal (/__admin/journal) over HTTP: one entry per SOAP call (zeep, SOAP 1.1 and
1.2) with its fields, rejected envelopes, every filter and its errors, /journal/count, the ring
buffer and its settings, request and response bodies, clearing and reset, the AdminClient's
assert helpers, the pytest plugin's fixtures, and recording under concurrent calls.

Tests run their own server (the tests of error answers share one): the session ``live`` server
is shared by every module, and the journal tests need to know exactly which calls were made.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
import requests
import zeep
from lxml import etree

from mockserver.app import QacMock
from mockserver.control.client import AdminClient

from .conftest import LiveServer
from .helpers import (
    json_error,
    ADMIN, FAMILY_ALBUM, NS, SCREEN_SAVER, Soap, auth, auth_xml, envelope, fault_text, post_raw,
)

TESTER = {"email": "tester@example.com", "user_id": 25317}
AUTH_FAILED = "Authentication data is not valid. Please retry ..."
MISSING_BUG = 999999
ENTRY_KEYS = {"id", "time", "operation", "soap_version", "user", "project", "client", "duration_ms",
              "status", "fault", "fault_kind", "injected", "findings"}
ADMIN_ENV = ("QACMOCK_URL", "QACMOCK_ADMIN_TOKEN", "QACMOCK_NO_ADMIN", "QACMOCK_PORT", "QACMOCK_DB")


# -- fixtures and helpers ---------------------------------------------------------------------

def start(**options) -> LiveServer:
    return LiveServer(QacMock(":memory:", **options))


@pytest.fixture
def server():
    live = start()
    yield live
    live.close()


@pytest.fixture(scope="module")
def shared_server():
    """One server for the tests that only look at errors: each starts from an empty journal
    and the default settings."""
    live = start()
    yield live
    live.close()


@pytest.fixture
def shared(shared_server):
    requests.delete(journal_url(shared_server), timeout=10).raise_for_status()
    put_settings(shared_server, json={"size": 1000, "bodies": False}).raise_for_status()
    return shared_server


@pytest.fixture
def admin(server) -> AdminClient:
    return AdminClient(server.base)


@pytest.fixture(params=["1.1", "1.2"], ids=["soap11", "soap12"])
def version(request) -> str:
    return request.param


@pytest.fixture
def soap(server, version) -> Soap:
    return Soap(server.url, version)


def journal_url(server, suffix: str = "") -> str:
    return f"{server.base}/__admin/journal{suffix}"


def get_journal(server, params=None, suffix: str = "") -> dict:
    response = requests.get(journal_url(server, suffix), params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def entries(server, params=None) -> list[dict]:
    return get_journal(server, params)["entries"]


def ids(server, params=None) -> list[int]:
    return [e["id"] for e in entries(server, params)]


def count(server, params=None) -> int:
    return get_journal(server, params, "/count")["count"]


def settings(server) -> dict:
    return get_journal(server, suffix="/settings")


def put_settings(server, **kwargs) -> requests.Response:
    return requests.put(journal_url(server, "/settings"), timeout=10, **kwargs)


def parse_time(text: str) -> datetime:
    assert text.endswith("Z"), text
    return datetime.fromisoformat(text[:-1] + "+00:00")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def load(soap: Soap, bug_id: int, **auth_args):
    return soap.service.Bugs_Load(AuthenticationData=auth(**auth_args), BugId=bug_id)


def first_bug(soap: Soap) -> int:
    return soap.service.Bugs_LoadByCriteria(auth(), "", "BugId", 1, 1)[0].BugId


def get_version_xml(version: str = "1.1") -> str:
    return envelope(f'<GetVersion xmlns="{NS}"/>', version)


def load_xml(bug_id: int, version: str = "1.1", **auth_args) -> str:
    return envelope(f'<Bugs_Load xmlns="{NS}">{auth_xml(**auth_args)}<BugId>{bug_id}</BugId></Bugs_Load>',
                    version)


def get_versions(server, n: int, version: str = "1.1"):
    for _ in range(n):
        assert post_raw(server.url, get_version_xml(version), version, action="GetVersion").status_code == 200


class Capture:
    """The exact bytes a zeep client sends and receives, call by call."""

    def __init__(self, soap: Soap):
        self.exchanges: list[tuple[bytes, requests.Response]] = []
        transport = soap.client.transport
        original = transport.post

        def post(address, message, headers):
            response = original(address, message, headers)
            self.exchanges.append((message, response))
            return response
        transport.post = post


# -- one entry per call -----------------------------------------------------------------------

def test_each_call_gives_one_entry_with_its_fields(server, soap, version):
    """GetLoginInfo, a wrong password, a missing Bug, ProjIds, another user: one entry each, in
    order, with time, operation, version, user, project, client, duration, status, fault text,
    fault kind and injected null; no bodies by default."""
    bug_id = first_bug(soap)
    requests.delete(journal_url(server), timeout=10).raise_for_status()
    before = utc_now()
    soap.service.GetLoginInfo("", ADMIN["email"], ADMIN["password"])
    with pytest.raises(zeep.exceptions.Fault):
        load(soap, bug_id, password="wrong")
    with pytest.raises(zeep.exceptions.Fault):
        load(soap, MISSING_BUG)
    soap.service.Bugs_LoadByCriteria(auth(proj_id=0, proj_ids=[SCREEN_SAVER, FAMILY_ALBUM]), "", "", 1, 1)
    load(soap, bug_id, user_id=TESTER["user_id"])
    soap.service.GetVersion()
    after = utc_now()

    listed = get_journal(server)
    found = listed["entries"]
    assert listed["count"] == len(found) == 6
    assert listed["settings"] == {"size": 1000, "bodies": False, "entries": 6, "dropped": 0}
    summary = [(e["operation"], e["user"], e["project"], e["status"], e["fault"], e["fault_kind"])
               for e in found]
    assert summary == [
        ("GetLoginInfo", ADMIN["email"], None, 200, None, None),
        ("Bugs_Load", str(ADMIN["user_id"]), str(FAMILY_ALBUM), 500, AUTH_FAILED, "client"),
        ("Bugs_Load", str(ADMIN["user_id"]), str(FAMILY_ALBUM), 500,
         f"Bug {MISSING_BUG} was not found in project {FAMILY_ALBUM}.", "client"),
        ("Bugs_LoadByCriteria", str(ADMIN["user_id"]), str(SCREEN_SAVER), 200, None, None),
        ("Bugs_Load", str(TESTER["user_id"]), str(FAMILY_ALBUM), 200, None, None),
        ("GetVersion", None, None, 200, None, None),
    ]
    previous_id = 0
    for entry in found:
        assert set(entry) == ENTRY_KEYS                   # no request/response keys
        assert entry["findings"] is None                  # zeep's requests are what the contract says
        assert entry["id"] > previous_id
        previous_id = entry["id"]
        assert entry["soap_version"] == version
        assert entry["client"] == "127.0.0.1"
        assert entry["injected"] is None
        assert isinstance(entry["duration_ms"], (int, float)) and entry["duration_ms"] > 0
        moment = parse_time(entry["time"])
        # The journal's times keep milliseconds, cut (not rounded).
        assert before - timedelta(milliseconds=1) <= moment <= after
    times = [parse_time(e["time"]) for e in found]
    assert times == sorted(times)


def test_a_server_fault_has_kind_server():
    """An unexpected error inside the server is journaled with fault_kind 'server'."""
    live = start()
    try:
        with live.app.store.transaction():
            live.app.store.db.conn.execute('DROP VIEW "v_ProjectTasks"')
        body = envelope(f'<ProjectTasks_Load xmlns="{NS}">{auth_xml()}<TaskId>1</TaskId></ProjectTasks_Load>')
        response = post_raw(live.url, body, action="ProjectTasks_Load")
        assert response.status_code == 500
        [entry] = entries(live)
        assert (entry["operation"], entry["status"], entry["fault_kind"]) == ("ProjectTasks_Load", 500, "server")
        assert entry["fault"] == fault_text(response.content) and "reference" in entry["fault"]
    finally:
        live.close()


def test_rejected_envelopes_are_journaled_with_their_fault(server, version):
    """A body the SOAPAction's operation cannot read (journaled under that operation), XML that
    is not well-formed and an unknown operation are journaled: status 500, the fault text sent,
    kind client."""
    bad_action = post_raw(server.url, load_xml(1, version), version, action="Bugs_Add")
    malformed = post_raw(server.url, "<soap:Envelope><oops", version, action="Bugs_Load")
    unknown_body = envelope(f'<Bugs_Nuke xmlns="{NS}">{auth_xml()}</Bugs_Nuke>', version)
    unknown = post_raw(server.url, unknown_body, version, action="Bugs_Nuke")
    responses = [bad_action, malformed, unknown]
    if version == "1.2":           # SOAP 1.2 may omit the action: the body alone names the call
        responses.append(post_raw(server.url, unknown_body, version))
    found = entries(server)
    assert len(found) == len(responses)
    for response, entry in zip(responses, found):
        assert response.status_code == 500
        assert entry["status"] == 500 and entry["fault_kind"] == "client"
        assert entry["fault"] == fault_text(response.content)
        assert entry["soap_version"] == version and entry["injected"] is None
        assert entry["user"] is None and entry["project"] is None
    assert [e["operation"] for e in found] == ["Bugs_Add"] + [None] * (len(responses) - 1)
    assert found[0]["fault"].startswith("Server was unable to read request.")
    assert f"<Bugs_Load xmlns='{NS}'> was not expected" in found[0]["fault"]
    assert found[1]["fault"].startswith("The request body is not well-formed XML")
    assert f"{NS}Bugs_Nuke" in found[2]["fault"]
    if version == "1.2":
        assert found[3]["fault"].startswith("Server was unable to read request.")
        assert f"<Bugs_Nuke xmlns='{NS}'> was not expected" in found[3]["fault"]
    # A rejected call counts as a failure and can be found by its operation.
    assert count(server, {"fault": "true"}) == len(responses)
    assert ids(server, {"operation": "Bugs_Add"}) == [found[0]["id"]]


def test_an_unsupported_content_type_is_journaled(server):
    response = requests.post(server.url, data=get_version_xml(), timeout=10,
                             headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    [entry] = entries(server)
    assert entry["status"] == 415 and entry["operation"] is None
    assert entry["fault"] == fault_text(response.content) and "text/plain" in entry["fault"]


def test_wsdl_and_admin_requests_are_not_journaled(server, admin):
    assert requests.get(server.url + "?WSDL", timeout=10).status_code == 200
    assert requests.get(server.url, timeout=10).status_code == 200
    admin.health()
    admin.faults()
    assert admin.journal() == [] and admin.journal_count() == 0


# -- filters ----------------------------------------------------------------------------------

@pytest.fixture
def scenario(server):
    """A known journal: phase 1, a pause, phase 2. Returns (entries, first time of phase 2)."""
    s11, s12 = Soap(server.url, "1.1"), Soap(server.url, "1.2")
    bug_id = first_bug(s11)
    admin = AdminClient(server.base)
    admin.clear_journal()
    s11.service.GetVersion()                                                  # 1
    s11.service.GetLoginInfo("", ADMIN["email"], ADMIN["password"])          # 2
    load(s12, bug_id)                                                         # 3
    with pytest.raises(zeep.exceptions.Fault):
        load(s11, MISSING_BUG, user_id=TESTER["user_id"])                     # 4 fault
    time.sleep(0.06)
    s12.service.Bugs_LoadByCriteria(auth(proj_id=SCREEN_SAVER), "", "", 1, 1)  # 5
    with pytest.raises(zeep.exceptions.Fault):
        s12.service.GetLoginInfo("", TESTER["email"], "wrong")               # 6 fault
    admin.add_fault("delay", "GetVersion", delay_ms=1, times=1)
    s11.service.GetVersion()                                                  # 7 injected delay
    admin.add_fault("soap_fault", "Bugs_Load", times=1)
    with pytest.raises(zeep.exceptions.Fault):
        load(s12, bug_id, user_id=TESTER["user_id"])                          # 8 injected fault
    admin.clear_faults()
    found = admin.journal()
    assert len(found) == 8
    return found, found[4]["time"]


def picked(found: list[dict], *positions: int) -> list[int]:
    return [found[p - 1]["id"] for p in positions]


def test_filter_by_operation(server, scenario):
    found, _ = scenario
    cases = [
        ({"operation": "Bugs_Load"}, (3, 4, 8)),
        ({"operation": "GetVersion,GetLoginInfo"}, (1, 2, 6, 7)),
        ({"operation": " GetVersion , Bugs_LoadByCriteria "}, (1, 5, 7)),
        ([("operation", "GetVersion"), ("operation", "Bugs_LoadByCriteria")], (1, 5, 7)),
        ({"operation": "Bugs_Add"}, ()),
    ]
    for params, positions in cases:
        assert ids(server, params) == picked(found, *positions), params
        assert count(server, params) == len(positions), params


def test_filter_by_user_project_fault_and_injected(server, scenario):
    found, _ = scenario
    cases = [
        ({"user": "ADMIN@Example.com"}, (2,)),
        ({"user": TESTER["email"].upper()}, (6,)),
        ({"user": str(ADMIN["user_id"])}, (3, 5)),
        ({"user": str(TESTER["user_id"])}, (4, 8)),
        ({"project": str(FAMILY_ALBUM)}, (3, 4, 8)),
        ({"project": str(SCREEN_SAVER)}, (5,)),
        ({"fault": "true"}, (4, 6, 8)),
        ({"fault": "false"}, (1, 2, 3, 5, 7)),
        ({"fault": "1"}, (4, 6, 8)),
        ({"fault": "no"}, (1, 2, 3, 5, 7)),
        ({"injected": "true"}, (7, 8)),
        ({"injected": "FALSE"}, (1, 2, 3, 4, 5, 6)),
        ({"operation": "Bugs_Load", "user": str(TESTER["user_id"]), "fault": "true"}, (4, 8)),
        ({"operation": "Bugs_Load", "injected": "false", "fault": "yes"}, (4,)),
        ({"user": "nobody@example.com"}, ()),
    ]
    for params, positions in cases:
        assert ids(server, params) == picked(found, *positions), params
        assert count(server, params) == len(positions), params
    assert found[6]["injected"]["action"] == "delay" and found[7]["injected"]["action"] == "soap_fault"


def test_filter_after_and_limit(server, scenario):
    found, _ = scenario
    all_ids = [e["id"] for e in found]
    assert ids(server, {"after": all_ids[2]}) == all_ids[3:]
    assert ids(server, {"after": all_ids[-1]}) == []
    assert ids(server, {"after": 0}) == all_ids
    assert count(server, {"after": all_ids[5]}) == 2
    assert ids(server, {"limit": 3}) == all_ids[-3:]               # the newest 3, oldest first
    assert ids(server, {"limit": 100}) == all_ids
    assert ids(server, {"limit": 1, "fault": "true"}) == [all_ids[7]]
    assert ids(server, {"limit": 2, "operation": "GetVersion"}) == picked(found, 1, 7)
    assert ids(server, {"limit": 2, "after": all_ids[0], "fault": "false"}) == picked(found, 5, 7)
    journal = get_journal(server, {"limit": 2})
    assert journal["count"] == 2 and journal["settings"]["entries"] == 8


def test_filter_since(server, scenario):
    """since: entries at or after an ISO-8601 time, in Z, with an offset, or naive (UTC)."""
    found, boundary = scenario
    phase2 = [e["id"] for e in found[4:]]
    moment = parse_time(boundary)
    spellings = [
        boundary,                                                       # ...Z
        moment.astimezone(timezone(timedelta(hours=1))).isoformat(timespec="milliseconds"),  # +01:00
        moment.astimezone(timezone(timedelta(hours=-5))).isoformat(timespec="milliseconds"),
        boundary[:-1],                                                  # naive: UTC
    ]
    for since in spellings:
        assert ids(server, {"since": since}) == phase2, since
        assert count(server, {"since": since}) == len(phase2), since
    # An unencoded '+' arrives as a space: still the +01:00 offset.
    raw = requests.get(journal_url(server) + "?since=" + spellings[1], timeout=10)
    assert raw.status_code == 200 and [e["id"] for e in raw.json()["entries"]] == phase2
    # The same wall-clock time read as +01:00 is an hour earlier: everything is after it.
    shifted = boundary[:-1] + "+01:00"
    assert ids(server, {"since": shifted}) == [e["id"] for e in found]
    later = (moment + timedelta(hours=1)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert ids(server, {"since": later}) == []
    assert ids(server, {"since": boundary, "fault": "true"}) == picked(found, 6, 8)


def test_admin_client_journal_filters(server, scenario):
    found, boundary = scenario
    admin = AdminClient(server.base)
    assert [e["id"] for e in admin.journal(["GetVersion", "Bugs_LoadByCriteria"])] == picked(found, 1, 5, 7)
    assert [e["id"] for e in admin.journal(user=TESTER["user_id"], fault=True)] == picked(found, 4, 8)
    assert [e["id"] for e in admin.journal(project=SCREEN_SAVER)] == picked(found, 5)
    assert [e["id"] for e in admin.journal(injected=False, since=boundary)] == picked(found, 5, 6)
    assert [e["id"] for e in admin.journal(after=found[5]["id"], limit=1)] == picked(found, 8)
    assert admin.journal_count("Bugs_Load", fault=False) == 1
    assert admin.journal_count(injected=True) == 2
    assert admin.journal_count(since=boundary, after=found[6]["id"]) == 1


BAD_QUERIES = [
    ("opration=GetVersion", "opration"),
    ("fault=maybe", "fault"),
    ("fault=", "fault"),
    ("injected=2", "injected"),
    ("after=-1", "after"),
    ("after=x", "after"),
    ("limit=0", "limit"),
    ("limit=ten", "limit"),
    ("limit=-3", "limit"),
    ("since=yesterday", "since"),
    ("since=2026-13-01T00:00:00Z", "since"),
    ("user=a&user=b", "user"),
    ("limit=1&limit=2", "limit"),
    ("after=9223372036854775808", "after"),         # past SQLite's integers: 400, not a crash
    ("limit=99999999999999999999999", "limit"),
    ("operation=Bugs_Nuke", "Bugs_Nuke"),
    ("operation=GetVersion,bugs_load", "bugs_load"),
]


@pytest.mark.parametrize("suffix", ["", "/count"], ids=["journal", "count"])
@pytest.mark.parametrize("query, named", BAD_QUERIES, ids=[q for q, _ in BAD_QUERIES])
def test_bad_filters_are_400_naming_the_parameter(shared, suffix, query, named):
    get_versions(shared, 1)
    response = requests.get(journal_url(shared, suffix) + "?" + query, timeout=10)
    assert named in json_error(response, 400)


def test_the_largest_ids_are_accepted_and_match_nothing(shared):
    get_versions(shared, 1)
    response = requests.get(journal_url(shared) + "?after=9223372036854775807", timeout=10)
    assert response.status_code == 200 and response.json()["entries"] == []


def test_the_command_line_bounds_the_journal_as_the_journal_does():
    from mockserver import cli
    from mockserver.control.journal import MAX_SIZE

    assert cli.JOURNAL_MAX_SIZE == MAX_SIZE
    assert cli.parse(["serve", "--journal-size", str(MAX_SIZE)]).journal_size == MAX_SIZE


def test_count_refuses_limit_which_it_cannot_honour(shared):
    response = requests.get(journal_url(shared, "/count") + "?limit=1", timeout=10)
    assert "limit" in json_error(response, 400)


# -- ring buffer and settings -----------------------------------------------------------------

def test_a_full_journal_keeps_the_newest_entries_and_counts_the_dropped():
    live = start(journal_size=5)
    try:
        get_versions(live, 8)
        assert settings(live) == {"size": 5, "bodies": False, "entries": 5, "dropped": 3}
        kept = ids(live)
        assert kept == list(range(kept[0], kept[0] + 5)) and kept[0] == 4
        get_versions(live, 2)
        assert ids(live) == list(range(6, 11))
        assert get_journal(live)["settings"]["dropped"] == 5
    finally:
        live.close()


def test_size_zero_turns_the_journal_off():
    live = start(journal_size=0)
    try:
        soap = Soap(live.url, "1.2")
        assert soap.service.GetVersion().count(".") == 3
        get_versions(live, 3)
        assert entries(live) == [] and count(live) == 0
        assert settings(live) == {"size": 0, "bodies": False, "entries": 0, "dropped": 0}
        response = put_settings(live, json={"size": 10})
        assert response.status_code == 200 and response.json()["size"] == 10
        get_versions(live, 2)
        assert len(entries(live)) == 2
    finally:
        live.close()


def test_resizing_keeps_the_newest_and_size_zero_at_run_time_stops_recording(server, admin):
    get_versions(server, 10)
    all_ids = ids(server)
    assert len(all_ids) == 10
    resized = admin.journal_settings(size=3)
    assert resized == {"size": 3, "bodies": False, "entries": 3, "dropped": 7}   # shrinking drops too
    assert ids(server) == all_ids[-3:]
    get_versions(server, 2)
    newest = ids(server)
    assert newest[0] == all_ids[-1] and len(newest) == 3 and newest == sorted(newest)
    assert settings(server)["dropped"] == resized["dropped"] + 2     # the full ring drops the oldest
    assert admin.journal_settings(size=100)["size"] == 100
    assert ids(server) == newest                     # growing keeps everything
    get_versions(server, 1)
    assert len(ids(server)) == 4

    assert admin.journal_settings(size=0)["entries"] == 0
    get_versions(server, 2)
    assert entries(server) == []
    assert admin.journal_settings(size=50)["size"] == 50
    get_versions(server, 1)
    [entry] = entries(server)
    assert entry["id"] > newest[-1]                 # ids go on; none is reused


def test_settings_accept_post_and_partial_changes(server):
    response = requests.post(journal_url(server, "/settings"), json={"bodies": True}, timeout=10)
    assert response.status_code == 200
    assert response.json() == {"size": 1000, "bodies": True, "entries": 0, "dropped": 0}
    assert put_settings(server, json={"size": 7}).json() == \
        {"size": 7, "bodies": True, "entries": 0, "dropped": 0}
    assert put_settings(server, data=b"").json()["size"] == 7            # nothing to change
    assert settings(server) == {"size": 7, "bodies": True, "entries": 0, "dropped": 0}


@pytest.mark.parametrize("body, named", [
    ({"size": -1}, "size"), ({"size": "5"}, "size"), ({"size": 1.5}, "size"), ({"size": True}, "size"),
    ({"size": None}, "size"), ({"size": 10**23}, "size"), ({"bodies": "yes"}, "bodies"), ({"bodies": 1}, "bodies"),
    ({"max": 5}, "max"), ({"size": 5, "colour": "red"}, "colour"),
])
def test_bad_settings_are_400_and_change_nothing(shared, body, named):
    get_versions(shared, 2)
    response = put_settings(shared, json=body)
    assert named in json_error(response, 400)
    assert settings(shared) == {"size": 1000, "bodies": False, "entries": 2, "dropped": 0}


@pytest.mark.parametrize("data, named", [(b"[1]", "JSON object"), (b"{size", "not JSON")])
def test_settings_body_that_is_not_a_json_object_is_400(shared, data, named):
    assert named in json_error(put_settings(shared, data=data), 400)


def test_unknown_journal_endpoints_are_404(shared):
    for method, suffix in (("POST", ""), ("GET", "/entries"), ("DELETE", "/settings"), ("DELETE", "/count")):
        response = requests.request(method, journal_url(shared, suffix), timeout=10)
        assert "no admin endpoint" in json_error(response, 404), (method, suffix)


# -- bodies -----------------------------------------------------------------------------------

def test_bodies_kept_from_the_constructor_are_the_exact_bytes(version):
    """journal_bodies=True: request is exactly what zeep sent, response exactly what came back,
    for a normal answer and a fault."""
    live = start(journal_bodies=True)
    try:
        soap = Soap(live.url, version)
        capture = Capture(soap)
        bug_id = first_bug(soap)
        with pytest.raises(zeep.exceptions.Fault):
            load(soap, MISSING_BUG)
        found = entries(live)
        assert len(found) == len(capture.exchanges) == 2
        for entry, (sent, response) in zip(found, capture.exchanges):
            assert set(entry) == ENTRY_KEYS | {"request", "response"}
            assert entry["request"].encode("utf-8") == sent
            assert entry["response"].encode("utf-8") == response.content
        assert etree.tostring(soap.history.last_sent["envelope"]) == \
            etree.tostring(etree.fromstring(capture.exchanges[-1][0]))
        assert fault_text(found[1]["response"].encode()) == f"Bug {MISSING_BUG} was not found in project " \
                                                           f"{FAMILY_ALBUM}."
        assert bug_id > 0
    finally:
        live.close()


def test_bodies_turned_on_at_run_time_match_the_raw_exchange(server, version):
    """PUT settings bodies=true: entries from then on carry the request as posted and the raw
    HTTP response body, non-ASCII included; earlier entries have none; off again stops it."""
    get_versions(server, 1, version)
    assert put_settings(server, json={"bodies": True}).json()["bodies"] is True
    body = load_xml(MISSING_BUG, version).replace("<BugId>", "<!-- é ✓ --><BugId>")
    raw = post_raw(server.url, body.encode("utf-8"), version, action="Bugs_Load")
    bad = post_raw(server.url, b"<not-xml", version, action="Bugs_Load")
    assert put_settings(server, json={"bodies": False}).json()["bodies"] is False
    get_versions(server, 1, version)
    first, with_body, rejected, last = entries(server)
    assert set(first) == ENTRY_KEYS and set(last) == ENTRY_KEYS
    assert with_body["request"] == body
    assert with_body["response"].encode("utf-8") == raw.content
    assert rejected["request"] == "<not-xml"
    assert rejected["response"].encode("utf-8") == bad.content


def test_bodies_of_injected_calls_are_what_was_sent(server, admin, version):
    """Under truncated the journal keeps the half that was sent; under drop, no response."""
    admin.journal_settings(bodies=True)
    body = get_version_xml(version)
    full = post_raw(server.url, body, version, action="GetVersion").content
    admin.add_fault("truncated", "GetVersion", times=1)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        post_raw(server.url, body, version, action="GetVersion")
    admin.add_fault("drop", "GetVersion", times=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        post_raw(server.url, body, version, action="GetVersion")
    normal, truncated, dropped = admin.journal()
    assert normal["response"].encode() == full
    assert truncated["response"].encode() == full[:len(full) // 2] and truncated["request"] == body
    assert dropped["response"] is None and dropped["request"] == body and dropped["status"] is None


def test_bodies_of_a_rejected_content_type(server):
    assert put_settings(server, json={"bodies": True}).status_code == 200
    response = requests.post(server.url, data=b"hello", headers={"Content-Type": "text/plain"}, timeout=10)
    [entry] = entries(server)
    assert entry["response"].encode("utf-8") == response.content


# -- clearing and reset -----------------------------------------------------------------------

def test_delete_journal_clears_every_entry(server, admin):
    live = start(journal_size=3)
    try:
        get_versions(live, 5)
        assert settings(live)["dropped"] == 2
        response = requests.delete(journal_url(live), timeout=10)
        assert response.status_code == 200 and response.json() == {"status": "cleared"}
        assert entries(live) == [] and count(live) == 0
        assert settings(live) == {"size": 3, "bodies": False, "entries": 0, "dropped": 0}
        get_versions(live, 1)
        assert ids(live) == [6]                        # ids are not reused
    finally:
        live.close()
    get_versions(server, 2)
    assert admin.clear_journal() == {"status": "cleared"}
    assert admin.journal() == []


def test_reset_clears_the_journal_and_the_fault_rules(server, admin):
    soap = Soap(server.url, "1.1")
    get_versions(server, 3)
    admin.add_fault("soap_fault", "GetVersion", text="still here?")
    admin.add_fault("drop", "Bugs_Add")
    assert len(admin.faults()) == 2
    assert admin.reset() == {"status": "reset"}
    assert admin.journal() == [] and admin.faults() == []
    assert soap.service.GetVersion().count(".") == 3        # the rule is gone
    [entry] = admin.journal()
    assert entry["operation"] == "GetVersion" and entry["injected"] is None


# -- AdminClient assertions -------------------------------------------------------------------

def test_assert_called_passes_and_returns_the_calls(server, admin, soap):
    bug_id = first_bug(soap)
    admin.clear_journal()
    load(soap, bug_id)
    load(soap, bug_id, user_id=TESTER["user_id"])
    with pytest.raises(zeep.exceptions.Fault):
        load(soap, MISSING_BUG)
    assert len(admin.assert_called("Bugs_Load")) == 3
    assert len(admin.assert_called("Bugs_Load", times=3)) == 3
    [tester] = admin.assert_called("Bugs_Load", times=1, user=TESTER["user_id"])
    assert tester["user"] == str(TESTER["user_id"])
    [failed] = admin.assert_called("Bugs_Load", fault=True)
    assert failed["fault"].startswith(f"Bug {MISSING_BUG}")
    assert len(admin.assert_called(times=2, user=ADMIN["user_id"], project=FAMILY_ALBUM)) == 2
    assert len(admin.assert_called(["Bugs_Load", "GetVersion"], times=3)) == 3
    admin.assert_not_called("Bugs_Add")
    admin.assert_not_called("Bugs_Load", user=ADMIN["email"])
    admin.assert_not_called(fault=True, user=TESTER["user_id"])


def test_assert_called_failures_list_the_recorded_calls(server, admin, soap):
    bug_id = first_bug(soap)
    admin.clear_journal()
    load(soap, bug_id)
    with pytest.raises(zeep.exceptions.Fault):
        load(soap, MISSING_BUG)
    found = admin.journal()
    listing = [f"#{found[0]['id']} Bugs_Load user={ADMIN['user_id']} project={FAMILY_ALBUM} status=200",
               f"#{found[1]['id']} Bugs_Load user={ADMIN['user_id']} project={FAMILY_ALBUM} status=500 "
               f"fault='Bug {MISSING_BUG} was not found in project {FAMILY_ALBUM}.'"]

    with pytest.raises(AssertionError) as raised:
        admin.assert_called("Bugs_Add")
    message = str(raised.value)
    assert "expected Bugs_Add" in message and "at least once" in message and "found 0" in message
    assert all(line in message for line in listing), message

    with pytest.raises(AssertionError) as raised:
        admin.assert_called("Bugs_Load", times=1)
    assert "1 time(s), found 2" in str(raised.value) and listing[1] in str(raised.value)

    with pytest.raises(AssertionError) as raised:
        admin.assert_called("Bugs_Load", user=TESTER["user_id"])
    assert f"user={TESTER['user_id']}" in str(raised.value) and listing[0] in str(raised.value)

    with pytest.raises(AssertionError) as raised:
        admin.assert_called("Bugs_Load", times=2, fault=True)
    assert "fault=True" in str(raised.value) and "found 1" in str(raised.value)

    with pytest.raises(AssertionError) as raised:
        admin.assert_not_called("Bugs_Load", fault=True)
    assert "0 time(s), found 1" in str(raised.value)

    admin.clear_journal()
    with pytest.raises(AssertionError) as raised:
        admin.assert_called()
    assert "any operation" in str(raised.value) and "(no calls recorded)" in str(raised.value)


# -- pytest plugin ----------------------------------------------------------------------------

PLUGIN_TESTS = '''
import requests

SERVICE = {service!r}
GET_VERSION = {get_version!r}
STARTED = {started!r}


def get_version():
    return requests.post(SERVICE, data=GET_VERSION.encode(), timeout=10, headers={{
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": '"http://www.pragmaticsw.com/GetVersion"'}})


def test_1_reset_clears_journal_rules_and_data(qacmock_reset):
    assert qacmock_reset.journal() == []
    assert qacmock_reset.faults() == []
    assert qacmock_reset.health()["items"] == STARTED
    assert get_version().status_code == 200          # left in the journal for the next test


def test_2_journal_is_cleared_before_the_test(qacmock_journal):
    assert qacmock_journal.journal() == []
    assert get_version().status_code == 200
    qacmock_journal.assert_called("GetVersion", times=1)


def test_3_journal_is_cleared_again(qacmock_journal):
    qacmock_journal.assert_not_called()
    get_version()


def test_4_faults_fixture_gives_the_client(qacmock_faults):
    assert qacmock_faults.faults() == []
    rule = qacmock_faults.add_fault("soap_fault", "GetVersion", text="From the plugin test.")
    assert [r["id"] for r in qacmock_faults.faults()] == [rule["id"]]
    response = get_version()
    assert response.status_code == 500 and b"From the plugin test." in response.content


def test_5_rules_were_deleted_after_the_previous_test(qacmock_faults):
    assert qacmock_faults.faults() == []
    assert get_version().status_code == 200
    qacmock_faults.add_fault("drop", "Bugs_Add", times=1)     # the fixture must delete this too
    assert len(qacmock_faults.faults()) == 1
'''


def test_pytest_plugin_journal_faults_and_reset_fixtures(server, admin, tmp_path):
    """A user's test file run with `-p mockserver.control.pytest_plugin --qacmock-url URL`:
    qacmock_reset clears journal, rules and data; qacmock_journal clears the journal before each
    test; qacmock_faults deletes every rule after each test."""
    started = admin.health()["items"]
    soap = Soap(server.url, "1.1")
    soap.service.Bugs_Add(auth(), soap.new("Bug", Title="left over", StatusCode="Active"), "N", "")
    admin.add_fault("soap_fault", "GetLoginInfo", text="left over")
    assert admin.journal() and admin.faults()
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_user_journal.py").write_text(PLUGIN_TESTS.format(
        service=server.url, get_version=get_version_xml(), started=started))
    env = {k: v for k, v in os.environ.items() if k not in ADMIN_ENV}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "mockserver.control.pytest_plugin", "-p", "no:cacheprovider",
         "-q", "--rootdir", str(tmp_path), "-c", str(tmp_path / "pytest.ini"),
         "--qacmock-url", server.url, "test_user_journal.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, env={**env, "PYTHONUNBUFFERED": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout
    assert admin.faults() == []                          # deleted after the last test
    # qacmock_journal clears before a test, not after; qacmock_faults leaves the journal alone:
    # the calls of the last three tests are still there (the 500 is the injected fault).
    assert [(e["operation"], e["status"]) for e in admin.journal()] == \
        [("GetVersion", 200), ("GetVersion", 500), ("GetVersion", 200)]


# -- concurrency ------------------------------------------------------------------------------

def run_threads(server, threads: int, calls: int):
    clients = [Soap(server.url, "1.1" if i % 2 else "1.2") for i in range(threads)]
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work(client: Soap):
        try:
            barrier.wait(timeout=10)
            for _ in range(calls):
                assert client.service.GetVersion().count(".") == 3
        except BaseException as error:          # reported below, in the test's thread
            errors.append(error)

    workers = [threading.Thread(target=work, args=(c,)) for c in clients]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors, errors
    assert not any(w.is_alive() for w in workers)


def test_concurrent_calls_are_each_journaled_once(server):
    """8 threads x 25 calls: exactly 200 entries, ids unique and increasing, 100 per version."""
    run_threads(server, 8, 25)
    found = entries(server)
    assert len(found) == 200 == count(server)
    found_ids = [e["id"] for e in found]
    assert len(set(found_ids)) == 200
    assert found_ids == sorted(found_ids)
    assert found_ids == list(range(found_ids[0], found_ids[0] + 200))
    assert count(server, {"operation": "GetVersion"}) == 200
    assert sum(e["soap_version"] == "1.1" for e in found) == 100
    assert settings(server) == {"size": 1000, "bodies": False, "entries": 200, "dropped": 0}


def test_concurrent_calls_into_a_small_journal_keep_the_newest():
    live = start(journal_size=50)
    try:
        run_threads(live, 8, 25)
        assert settings(live) == {"size": 50, "bodies": False, "entries": 50, "dropped": 150}
        assert ids(live) == list(range(151, 201))
    finally:
        live.close()


def test_journal_time_filters_with_url_encoded_offsets(server):
    """since with a percent-encoded +01:00 offset (as requests sends it) and through quote()."""
    get_versions(server, 2)
    first = entries(server)[0]
    moment = parse_time(first["time"]).astimezone(timezone(timedelta(hours=1)))
    since = moment.isoformat(timespec="milliseconds")
    assert "+01:00" in since
    url = journal_url(server) + "?since=" + quote(since, safe="")
    assert [e["id"] for e in requests.get(url, timeout=10).json()["entries"]] == ids(server)
