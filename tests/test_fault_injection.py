"""Fault injection (POST /__admin/faults) seen from the client side: every action in SOAP 1.1 and
1.2 through zeep and raw HTTP, rule matching (operation, '*', user, project, first rule wins,
times, seeded probability), rule listing and deletion, rule validation, the journal entries of
injected calls, and the server's health after each action.

The module runs one private server: the session ``live`` server is shared with other modules and
must never carry fault rules. Every test starts with no rules and an empty journal.
"""
from __future__ import annotations

import http.client
import random
import time
import uuid
from urllib.parse import urlsplit

import pytest
import requests
import zeep
from lxml import etree

from mockserver.app import QacMock
from mockserver.control.client import AdminClient

from .conftest import LiveServer
from .helpers import (
    json_error,
    ADMIN, FAMILY_ALBUM, NS, SCREEN_SAVER, SOAP11, SOAP12, Soap, auth, auth_xml, envelope, fault_text,
    post_raw,
)

TESTER = {"email": "tester@example.com", "user_id": 25317}
AUTH_FAILED = "Authentication data is not valid. Please retry ..."
CONTENT_TYPES = {"1.1": "text/xml; charset=utf-8", "1.2": "application/soap+xml; charset=utf-8"}
ACTIONS = ("delay", "http_status", "soap_fault", "malformed", "truncated", "empty", "drop")
# The spec that makes each action do something visible, and what the journal's status then is.
ACTION_SPECS = {
    "delay": {"delay_ms": 50},
    "http_status": {"status": 502, "body": "bad gateway"},
    "soap_fault": {"text": "Injected for the journal.", "kind": "validation"},
    "malformed": {}, "truncated": {}, "empty": {}, "drop": {},
}
JOURNAL_STATUS = {"delay": 200, "http_status": 502, "soap_fault": 500, "malformed": 200,
                  "truncated": 200, "empty": 200, "drop": None}
# zeep sees each failing action as one of these.
CLIENT_ERRORS = {
    "http_status": zeep.exceptions.TransportError,
    "soap_fault": zeep.exceptions.Fault,
    "malformed": zeep.exceptions.TransportError,
    "truncated": requests.exceptions.ChunkedEncodingError,
    "empty": zeep.exceptions.TransportError,
    "drop": requests.exceptions.ConnectionError,
}


# -- fixtures and helpers ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def server():
    live = LiveServer(QacMock(":memory:"))
    yield live
    live.close()


@pytest.fixture(scope="module")
def admin(server) -> AdminClient:
    return AdminClient(server.base)


@pytest.fixture(scope="module")
def clients(server) -> dict:
    return {version: Soap(server.url, version) for version in ("1.1", "1.2")}


@pytest.fixture(params=["1.1", "1.2"], ids=["soap11", "soap12"])
def soap(request, clients) -> Soap:
    return clients[request.param]


@pytest.fixture(autouse=True)
def clean(server, admin):
    admin.clear_faults()
    admin.clear_journal()
    yield
    admin.clear_faults()


@pytest.fixture(scope="module")
def bug_id(clients) -> int:
    """A seeded Bug of FamilyAlbum, for Bugs_Load."""
    found = clients["1.1"].service.Bugs_LoadByCriteria(auth(), "", "BugId", 1, 1)
    return found[0].BugId


def faults_url(server, suffix: str = "") -> str:
    return f"{server.base}/__admin/faults{suffix}"


def add_rule(server, **spec) -> dict:
    response = requests.post(faults_url(server), json=spec, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def rules(server) -> list[dict]:
    response = requests.get(faults_url(server), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["rules"]


def load(soap: Soap, bug_id: int, **auth_args):
    return soap.service.Bugs_Load(AuthenticationData=auth(**auth_args), BugId=bug_id)


def load_xml(bug_id: int, version: str, **auth_args) -> str:
    return envelope(f'<Bugs_Load xmlns="{NS}">{auth_xml(**auth_args)}<BugId>{bug_id}</BugId></Bugs_Load>',
                    version)


def raw_load(server, bug_id: int, version: str) -> requests.Response:
    """Bugs_Load over a new connection (requests.post opens one per call)."""
    return post_raw(server.url, load_xml(bug_id, version), version, action="Bugs_Load")


def add_bug(soap: Soap, title: str) -> int:
    return soap.service.Bugs_Add(AuthenticationData=auth(), Bug=soap.new("Bug", Title=title, StatusCode="Active"),
                                 SendEmailAlert="N", NewNotes="")


def titled(soap: Soap, title: str) -> list[int]:
    """The BugIds of FamilyAlbum Bugs with exactly this title (Bugs_LoadByCriteria)."""
    condition = ('<Conditions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                 'xmlns:xsd="http://www.w3.org/2001/XMLSchema" Operation="opEQU">'
                 '<Items Type="tField"><Value xsi:type="xsd:string">Title</Value></Items>'
                 f'<Items Type="tString"><Value xsi:type="xsd:string">{title}</Value></Items></Conditions>')
    found = soap.service.Bugs_LoadByCriteria(auth(), condition, "BugId", 200, 1)
    return [b.BugId for b in found or []]


def bug_count(server) -> int:
    return requests.get(f"{server.base}/__admin/health", timeout=10).json()["items"]["Bug"]


def assert_healthy(server, soap: Soap, bug_id: int):
    """With no rules, a call on a new connection and a zeep call both succeed."""
    requests.delete(faults_url(server), timeout=10).raise_for_status()
    response = raw_load(server, bug_id, soap.version)
    assert response.status_code == 200 and b"Bugs_LoadResult" in response.content, response.content
    assert load(soap, bug_id).BugId == bug_id


def call_fails(soap: Soap, call, action: str):
    """Make the call; it must fail the way zeep sees ``action``. The exception."""
    with pytest.raises(CLIENT_ERRORS[action]) as raised:
        call()
    return raised.value


def fired_pattern(soap: Soap, count: int) -> list[bool]:
    """``count`` GetVersion calls; True for each one the (soap_fault) rule faulted."""
    pattern = []
    for _ in range(count):
        try:
            soap.service.GetVersion()
            pattern.append(False)
        except zeep.exceptions.Fault:
            pattern.append(True)
    return pattern


# -- delay ------------------------------------------------------------------------------------

def test_fixed_delay_slows_the_call_which_then_succeeds(server, admin, soap, bug_id):
    """delay_ms=200: the call answers normally, no sooner than 200 ms; the journal's duration
    includes the delay and the entry is not a failure."""
    rule = add_rule(server, action="delay", operation="Bugs_Load", delay_ms=200)
    started = time.perf_counter()
    bug = load(soap, bug_id)
    elapsed = time.perf_counter() - started
    assert bug.BugId == bug_id
    assert elapsed >= 0.2
    # Other operations are not slowed down by a Bugs_Load rule: the rule fired once.
    assert soap.service.GetVersion().count(".") == 3
    [listed] = rules(server)
    assert (listed["matched"], listed["fired"], listed["remaining"]) == (1, 1, None)
    [entry] = admin.journal(operation="Bugs_Load")
    assert entry["injected"] == {"rule": rule["id"], "action": "delay"}
    assert entry["status"] == 200 and entry["fault"] is None
    assert entry["duration_ms"] >= 200
    assert admin.journal_count(fault=True) == 0
    assert admin.journal_count(fault=False) == 2
    assert_healthy(server, soap, bug_id)


def test_random_delay_follows_the_seed(server, admin, soap, bug_id):
    """delay_ms..delay_max_ms with a seed: each call waits random.Random(seed).uniform(min, max)
    ms in turn (a lower bound is checked, so the seed must be the one used)."""
    seed, low, high = 3, 20, 250
    draws = random.Random(seed)
    expected = [draws.uniform(low, high) for _ in range(3)]
    assert max(expected) - min(expected) > 50           # the seed spreads the draws apart
    add_rule(server, action="delay", operation="Bugs_Load", delay_ms=low, delay_max_ms=high, seed=seed)
    for wanted in expected:
        started = time.perf_counter()
        assert load(soap, bug_id).BugId == bug_id
        assert (time.perf_counter() - started) * 1000 >= wanted - 1
    durations = [e["duration_ms"] for e in admin.journal(operation="Bugs_Load")]
    assert len(durations) == 3
    for duration, wanted in zip(durations, expected):
        assert duration >= wanted - 1
    assert_healthy(server, soap, bug_id)


def test_delay_max_without_delay_ms_is_a_random_delay_from_zero(server, admin, soap, bug_id):
    """delay_max_ms alone is accepted: a delay drawn from 0..delay_max_ms."""
    rule = add_rule(server, action="delay", operation="Bugs_Load", delay_max_ms=100, seed=1)
    assert (rule["delay_ms"], rule["delay_max_ms"]) == (0, 100)
    wanted = random.Random(1).uniform(0, 100)
    started = time.perf_counter()
    assert load(soap, bug_id).BugId == bug_id
    assert (time.perf_counter() - started) * 1000 >= wanted - 1


def test_delay_is_applied_before_another_action(server, admin, soap, bug_id):
    """delay_ms on a soap_fault rule: the fault comes, no sooner than the delay."""
    add_rule(server, action="soap_fault", operation="Bugs_Load", delay_ms=150, text="Slow failure.")
    started = time.perf_counter()
    with pytest.raises(zeep.exceptions.Fault):
        load(soap, bug_id)
    assert time.perf_counter() - started >= 0.15
    assert fault_text(etree.tostring(soap.last_response)) == "Slow failure."
    [entry] = admin.journal()
    assert entry["duration_ms"] >= 150 and entry["injected"]["action"] == "soap_fault"


# -- http_status ------------------------------------------------------------------------------

def test_http_status_answers_the_status_body_and_content_type(server, admin, soap, bug_id):
    """status, body and content_type are what the client receives; zeep raises TransportError
    with that status and body."""
    rule = add_rule(server, action="http_status", operation="Bugs_Load", status=502,
                    body="Bad gateway (injected) é", content_type="text/html; charset=utf-8")
    raw = raw_load(server, bug_id, soap.version)
    assert raw.status_code == 502
    assert raw.headers["Content-Type"] == "text/html; charset=utf-8"
    assert raw.content == "Bad gateway (injected) é".encode("utf-8")
    error = call_fails(soap, lambda: load(soap, bug_id), "http_status")
    assert error.status_code == 502
    assert error.content == "Bad gateway (injected) é".encode("utf-8")
    entries = admin.journal()
    assert [(e["status"], e["injected"]) for e in entries] == \
        [(502, {"rule": rule["id"], "action": "http_status"})] * 2
    assert all(e["fault"] is None for e in entries)
    assert_healthy(server, soap, bug_id)


def test_http_status_defaults_to_503_with_an_empty_text_body(server, soap, bug_id):
    rule = add_rule(server, action="http_status", operation="Bugs_Load")
    assert (rule["status"], rule["body"], rule["content_type"]) == (503, "", "text/plain; charset=utf-8")
    raw = raw_load(server, bug_id, soap.version)
    assert raw.status_code == 503 and raw.content == b""
    assert raw.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert call_fails(soap, lambda: load(soap, bug_id), "http_status").status_code == 503


@pytest.mark.parametrize("status", [200, 204, 404, 429, 599])
def test_every_accepted_http_status_reaches_the_client(server, admin, soap, bug_id, status):
    add_rule(server, action="http_status", operation="Bugs_Load", status=status)
    assert raw_load(server, bug_id, soap.version).status_code == status
    assert admin.journal(limit=1)[0]["status"] == status


@pytest.mark.parametrize("spec", [{"status": 100}, {"status": 199}, {"status": 204, "body": "x"},
                                  {"status": 304, "body": "x"}])
def test_statuses_that_cannot_carry_the_answer_are_400(server, spec):
    """1xx are not final answers, and 204/304 carry no body: such rules would tell the journal
    one thing and the client another."""
    response = requests.post(faults_url(server), json={"action": "http_status", **spec}, timeout=10)
    assert "status" in json_error(response, 400)
    assert rules(server) == []


# -- soap_fault -------------------------------------------------------------------------------

FAULT_KINDS = {"validation": ("Validation", True), "authentication": ("Authentication", True),
               "security": ("Security", True), "not_found": ("NotFound", True),
               "internal": ("Internal", False)}


@pytest.mark.parametrize("kind", list(FAULT_KINDS))
def test_soap_fault_has_the_vendor_shape(server, admin, soap, bug_id, kind):
    """HTTP 500 with QAComplete's fault: faultcode soap:Client/soap:Server (1.1) or Code/Value
    soap:Sender/soap:Receiver (1.2), faultactor/Node psWS.<Kind>Exception, faultstring/Reason
    'Error', detail/Description/@Text the given text; zeep raises Fault."""
    name, client = FAULT_KINDS[kind]
    text = f"Record locked by another user ({kind})."
    rule = add_rule(server, action="soap_fault", operation="Bugs_Load", kind=kind, text=text)
    assert (rule["kind"], rule["text"]) == (kind, text)

    raw = raw_load(server, bug_id, soap.version)
    assert raw.status_code == 500
    assert raw.headers["Content-Type"] == CONTENT_TYPES[soap.version]
    root = etree.fromstring(raw.content)
    if soap.version == "1.1":
        [fault] = root.findall(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
        assert fault.findtext("faultcode") == ("soap:Client" if client else "soap:Server")
        assert fault.findtext("faultstring") == "Error"
        assert fault.findtext("faultactor") == f"psWS.{name}Exception"
    else:
        [fault] = root.findall(f"{{{SOAP12}}}Body/{{{SOAP12}}}Fault")
        assert fault.findtext(f"{{{SOAP12}}}Code/{{{SOAP12}}}Value") == \
            ("soap:Sender" if client else "soap:Receiver")
        assert fault.findtext(f"{{{SOAP12}}}Reason/{{{SOAP12}}}Text") == "Error"
        assert fault.findtext(f"{{{SOAP12}}}Node") == f"psWS.{name}Exception"
    assert fault.find("detail/Description").get("Text") == text
    assert fault_text(raw.content) == text

    error = call_fails(soap, lambda: load(soap, bug_id), "soap_fault")
    assert error.message == "Error"
    expected_code = {("1.1", True): "soap:Client", ("1.1", False): "soap:Server",
                     ("1.2", True): "soap:Sender", ("1.2", False): "soap:Receiver"}[soap.version, client]
    assert error.code == expected_code
    assert fault_text(etree.tostring(soap.last_response)) == text

    entries = admin.journal()
    assert len(entries) == 2
    for entry in entries:
        assert (entry["status"], entry["fault"], entry["fault_kind"]) == \
            (500, text, "client" if client else "server")
        assert entry["injected"] == {"rule": rule["id"], "action": "soap_fault"}
    assert_healthy(server, soap, bug_id)


def test_injected_authentication_fault_is_the_real_one(server, soap, bug_id):
    """kind authentication without text: byte for byte the fault a wrong password gets."""
    real = post_raw(server.url, load_xml(bug_id, soap.version, password="wrong"), soap.version,
                    action="Bugs_Load")
    assert real.status_code == 500 and fault_text(real.content) == AUTH_FAILED
    rule = add_rule(server, action="soap_fault", operation="Bugs_Load", kind="authentication")
    assert rule["text"] == AUTH_FAILED
    injected = raw_load(server, bug_id, soap.version)
    assert injected.status_code == 500
    assert injected.headers["Content-Type"] == real.headers["Content-Type"]
    assert injected.content == real.content


def test_soap_fault_defaults_to_an_internal_fault(server, soap, bug_id):
    rule = add_rule(server, action="soap_fault", operation="Bugs_Load")
    assert (rule["kind"], rule["text"]) == ("internal", "Injected fault.")
    error = call_fails(soap, lambda: load(soap, bug_id), "soap_fault")
    assert error.code == ("soap:Server" if soap.version == "1.1" else "soap:Receiver")
    assert fault_text(etree.tostring(soap.last_response)) == "Injected fault."


# -- malformed, empty -------------------------------------------------------------------------

def test_malformed_answers_200_with_a_body_that_is_not_xml(server, admin, soap, bug_id):
    """200 OK, the SOAP content type, a body no XML parser accepts; zeep raises an XML error."""
    rule = add_rule(server, action="malformed", operation="Bugs_Load")
    raw = raw_load(server, bug_id, soap.version)
    assert raw.status_code == 200
    assert raw.headers["Content-Type"] == CONTENT_TYPES[soap.version]
    assert raw.content.startswith(b"<?xml")
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(raw.content)
    error = call_fails(soap, lambda: load(soap, bug_id), "malformed")
    assert error.status_code == 200 and "invalid XML" in str(error)
    assert [(e["status"], e["injected"]) for e in admin.journal()] == \
        [(200, {"rule": rule["id"], "action": "malformed"})] * 2
    assert_healthy(server, soap, bug_id)


def test_empty_answers_200_with_no_body(server, admin, soap, bug_id):
    rule = add_rule(server, action="empty", operation="Bugs_Load")
    raw = raw_load(server, bug_id, soap.version)
    assert raw.status_code == 200 and raw.content == b""
    assert raw.headers["Content-Length"] == "0"
    assert raw.headers["Content-Type"] == CONTENT_TYPES[soap.version]
    error = call_fails(soap, lambda: load(soap, bug_id), "empty")
    assert error.status_code == 200 and error.content == b""
    assert [(e["status"], e["injected"]) for e in admin.journal()] == \
        [(200, {"rule": rule["id"], "action": "empty"})] * 2
    assert_healthy(server, soap, bug_id)


# -- truncated, drop --------------------------------------------------------------------------

def raw_exchange(server, body: str, version: str) -> tuple[int, int, bytes]:
    """POST Bugs_Load with http.client: (status, Content-Length promised, bytes received)."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        headers = {"Content-Type": CONTENT_TYPES[version]}
        if version == "1.1":
            headers["SOAPAction"] = f'"{NS}Bugs_Load"'
        else:
            headers["Content-Type"] += f'; action="{NS}Bugs_Load"'
        connection.request("POST", parts.path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        promised = int(response.getheader("Content-Length"))
        try:
            received = response.read()
        except http.client.IncompleteRead as cut:
            received = cut.partial
        return response.status, promised, received
    finally:
        connection.close()


def test_truncated_sends_the_first_half_then_closes(server, admin, soap, bug_id):
    """The real answer's headers, then half its body and the connection closes; the client
    raises a broken-connection error."""
    status, full_length, full = raw_exchange(server, load_xml(bug_id, soap.version), soap.version)
    assert status == 200 and len(full) == full_length
    rule = add_rule(server, action="truncated", operation="Bugs_Load")
    status, promised, received = raw_exchange(server, load_xml(bug_id, soap.version), soap.version)
    assert status == 200 and promised == full_length
    assert received == full[:full_length // 2]
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        raw_load(server, bug_id, soap.version)
    call_fails(soap, lambda: load(soap, bug_id), "truncated")
    entries = admin.journal(injected=True)
    assert [(e["status"], e["injected"]) for e in entries] == \
        [(200, {"rule": rule["id"], "action": "truncated"})] * 3
    assert_healthy(server, soap, bug_id)


def test_truncated_bugs_add_still_creates_the_bug(server, admin, soap):
    """The operation runs under truncated: the Bug exists though the client saw an error."""
    title = f"truncated {uuid.uuid4().hex}"
    before = bug_count(server)
    add_rule(server, action="truncated", operation="Bugs_Add")
    call_fails(soap, lambda: add_bug(soap, title), "truncated")
    assert len(titled(soap, title)) == 1
    assert bug_count(server) == before + 1
    [entry] = admin.journal(operation="Bugs_Add")
    assert entry["status"] == 200 and entry["injected"]["action"] == "truncated"


def test_drop_closes_the_connection_unanswered(server, admin, soap, bug_id):
    rule = add_rule(server, action="drop", operation="Bugs_Load")
    with pytest.raises(requests.exceptions.ConnectionError):
        raw_load(server, bug_id, soap.version)
    call_fails(soap, lambda: load(soap, bug_id), "drop")
    entries = admin.journal()
    assert [(e["status"], e["fault"], e["injected"]) for e in entries] == \
        [(None, None, {"rule": rule["id"], "action": "drop"})] * 2
    assert_healthy(server, soap, bug_id)


@pytest.mark.parametrize("action", ["soap_fault", "http_status", "malformed", "empty", "drop"])
def test_bugs_add_does_not_run_under_a_failing_action(server, admin, soap, action):
    """Every action but delay and truncated answers without running the operation: Bugs_Add
    creates no Bug; without the rule, the same call does."""
    title = f"{action} {uuid.uuid4().hex}"
    before = bug_count(server)
    add_rule(server, action=action, operation="Bugs_Add", **ACTION_SPECS[action])
    call_fails(soap, lambda: add_bug(soap, title), action)
    assert titled(soap, title) == []
    assert bug_count(server) == before
    [entry] = admin.journal(operation="Bugs_Add")
    assert entry["injected"]["action"] == action
    admin.clear_faults()
    new_id = add_bug(soap, title)
    assert titled(soap, title) == [new_id]


# -- matching ---------------------------------------------------------------------------------

def test_rule_matches_only_its_operation(server, soap, bug_id):
    add_rule(server, action="soap_fault", operation="Bugs_Load", text="Only Bugs_Load.")
    assert soap.service.GetVersion().count(".") == 3
    assert soap.service.Bugs_LoadByCriteria(auth(), "", "BugId", 1, 1)[0].BugId == bug_id
    with pytest.raises(zeep.exceptions.Fault):
        load(soap, bug_id)
    assert fault_text(etree.tostring(soap.last_response)) == "Only Bugs_Load."


@pytest.mark.parametrize("operation", ["*", None])
def test_star_or_no_operation_matches_every_operation(server, soap, bug_id, operation):
    spec = {"action": "soap_fault", "text": "Everything fails."}
    if operation is not None:
        spec["operation"] = operation
    rule = add_rule(server, **spec)
    assert rule["operation"] == "*"
    calls = [soap.service.GetVersion, lambda: load(soap, bug_id),
             lambda: soap.service.GetLoginInfo("", ADMIN["email"], ADMIN["password"]),
             lambda: soap.service.Bugs_LoadByCriteria(auth(), "", "", 1, 1)]
    for call in calls:
        with pytest.raises(zeep.exceptions.Fault):
            call()
        assert fault_text(etree.tostring(soap.last_response)) == "Everything fails."
    assert rules(server)[0]["fired"] == len(calls)


@pytest.mark.parametrize("user", [ADMIN["user_id"], str(ADMIN["user_id"])], ids=["int", "str"])
def test_rule_matches_by_user_id(server, soap, bug_id, user):
    add_rule(server, action="soap_fault", operation="Bugs_Load", user=user, text="Admin only.")
    assert load(soap, bug_id, user_id=TESTER["user_id"]).BugId == bug_id
    with pytest.raises(zeep.exceptions.Fault):
        load(soap, bug_id)
    assert fault_text(etree.tostring(soap.last_response)) == "Admin only."
    [listed] = rules(server)
    assert listed["user"] == str(ADMIN["user_id"]) and (listed["matched"], listed["fired"]) == (1, 1)


def test_rule_matches_get_login_info_by_email_case_insensitively(server, soap):
    add_rule(server, action="soap_fault", operation="GetLoginInfo", user="ADMIN@Example.COM",
             kind="authentication")
    assert soap.service.GetLoginInfo("", TESTER["email"], "p@ssword").UserId == TESTER["user_id"]
    with pytest.raises(zeep.exceptions.Fault):
        soap.service.GetLoginInfo("", ADMIN["email"], ADMIN["password"])
    assert fault_text(etree.tostring(soap.last_response)) == AUTH_FAILED


def test_rule_matches_by_project_or_the_first_of_proj_ids(server, soap, bug_id):
    add_rule(server, action="soap_fault", project=SCREEN_SAVER, text="ScreenSaver is down.")
    assert load(soap, bug_id).BugId == bug_id                       # FamilyAlbum
    with pytest.raises(zeep.exceptions.Fault):
        soap.service.Bugs_LoadByCriteria(auth(proj_id=SCREEN_SAVER), "", "", 1, 1)
    assert fault_text(etree.tostring(soap.last_response)) == "ScreenSaver is down."
    with pytest.raises(zeep.exceptions.Fault):                      # ProjId 0: the first ProjIds
        soap.service.Bugs_LoadByCriteria(auth(proj_id=0, proj_ids=[SCREEN_SAVER, FAMILY_ALBUM]),
                                         "", "", 1, 1)
    assert soap.service.Bugs_LoadByCriteria(auth(proj_id=0, proj_ids=[FAMILY_ALBUM, SCREEN_SAVER]),
                                            "", "BugId", 1, 1)[0].BugId == bug_id


def test_user_and_project_must_both_match(server, soap, bug_id):
    add_rule(server, action="soap_fault", operation="Bugs_LoadByCriteria", user=ADMIN["user_id"],
             project=SCREEN_SAVER, text="Both.")
    soap.service.Bugs_LoadByCriteria(auth(proj_id=FAMILY_ALBUM), "", "", 1, 1)
    soap.service.Bugs_LoadByCriteria(auth(user_id=TESTER["user_id"], proj_id=SCREEN_SAVER), "", "", 1, 1)
    with pytest.raises(zeep.exceptions.Fault):
        soap.service.Bugs_LoadByCriteria(auth(proj_id=SCREEN_SAVER), "", "", 1, 1)
    assert fault_text(etree.tostring(soap.last_response)) == "Both."


def test_the_first_matching_rule_wins(server, soap, bug_id):
    first = add_rule(server, action="soap_fault", operation="Bugs_Load", text="first")
    second = add_rule(server, action="soap_fault", text="second")
    with pytest.raises(zeep.exceptions.Fault):
        load(soap, bug_id)
    assert fault_text(etree.tostring(soap.last_response)) == "first"
    with pytest.raises(zeep.exceptions.Fault):       # the first rule does not match GetVersion
        soap.service.GetVersion()
    assert fault_text(etree.tostring(soap.last_response)) == "second"
    counters = {r["id"]: (r["matched"], r["fired"]) for r in rules(server)}
    assert counters == {first["id"]: (1, 1), second["id"]: (1, 1)}
    requests.delete(faults_url(server, f"/{first['id']}"), timeout=10).raise_for_status()
    with pytest.raises(zeep.exceptions.Fault):
        load(soap, bug_id)
    assert fault_text(etree.tostring(soap.last_response)) == "second"


def test_times_limits_the_rule_which_stays_listed(server, admin, soap, bug_id):
    rule = add_rule(server, action="soap_fault", operation="Bugs_Load", times=2, text="Twice.")
    assert (rule["times"], rule["remaining"]) == (2, 2)
    for remaining in (1, 0):
        with pytest.raises(zeep.exceptions.Fault):
            load(soap, bug_id)
        assert rules(server)[0]["remaining"] == remaining
    for _ in range(3):
        assert load(soap, bug_id).BugId == bug_id
    [listed] = rules(server)
    assert (listed["id"], listed["times"], listed["remaining"], listed["fired"]) == (rule["id"], 2, 0, 2)
    assert listed["matched"] == 2          # a spent rule no longer looks at calls
    assert admin.journal_count(injected=True) == 2 and admin.journal_count(injected=False) == 3


def test_a_spent_rule_lets_the_next_rule_act(server, soap, bug_id):
    add_rule(server, action="soap_fault", operation="Bugs_Load", times=1, text="once")
    add_rule(server, action="soap_fault", operation="Bugs_Load", text="then always")
    texts = []
    for _ in range(3):
        with pytest.raises(zeep.exceptions.Fault):
            load(soap, bug_id)
        texts.append(fault_text(etree.tostring(soap.last_response)))
    assert texts == ["once", "then always", "then always"]


def test_probability_with_a_seed_is_reproducible(server, soap):
    """probability 0.5 with seed 42 over 40 calls: the pattern random.Random(42) predicts, the
    same again for a new rule with the same seed, another for another seed; some but not all."""
    draws = random.Random(42)
    predicted = [draws.random() < 0.5 for _ in range(40)]
    rule = add_rule(server, action="soap_fault", operation="GetVersion", probability=0.5, seed=42)
    first = fired_pattern(soap, 40)
    assert 0 < sum(first) < 40
    assert first == predicted
    [listed] = rules(server)
    assert (listed["matched"], listed["fired"], listed["probability"]) == (40, sum(first), 0.5)
    requests.delete(faults_url(server, f"/{rule['id']}"), timeout=10).raise_for_status()
    add_rule(server, action="soap_fault", operation="GetVersion", probability=0.5, seed=42)
    assert fired_pattern(soap, 40) == first
    requests.delete(faults_url(server), timeout=10).raise_for_status()
    add_rule(server, action="soap_fault", operation="GetVersion", probability=0.5, seed=7)
    other = fired_pattern(soap, 40)
    assert other != first and 0 < sum(other) < 40


def test_probability_with_times_counts_only_fired_calls(server, soap):
    draws = random.Random(5)
    predicted = [draws.random() < 0.3 for _ in range(40)]
    cut = [i for i, hit in enumerate(predicted) if hit][1]        # the second firing
    expected = predicted[:cut + 1] + [False] * (39 - cut)
    add_rule(server, action="soap_fault", operation="GetVersion", probability=0.3, seed=5, times=2)
    assert fired_pattern(soap, 40) == expected
    [listed] = rules(server)
    assert (listed["fired"], listed["remaining"], listed["matched"]) == (2, 0, cut + 1)


# -- listing and deleting ---------------------------------------------------------------------

def test_listing_shows_every_rule_with_its_counters(server, soap, bug_id):
    a = add_rule(server, action="delay", operation="GetVersion", delay_ms=1)
    b = add_rule(server, action="http_status", operation="Bugs_Load", status=429, body="slow down",
                 times=3, user=ADMIN["user_id"], project=FAMILY_ALBUM)
    c = add_rule(server, action="soap_fault", kind="security", text="No.", probability=0.25, seed=9)
    assert a["id"] < b["id"] < c["id"]
    soap.service.GetVersion()
    with pytest.raises(zeep.exceptions.TransportError):
        load(soap, bug_id)
    listed = rules(server)
    assert [r["id"] for r in listed] == [a["id"], b["id"], c["id"]]
    base = {"user", "project", "times", "remaining", "probability", "delay_ms", "delay_max_ms",
            "matched", "fired", "seed", "id", "action", "operation"}
    assert set(listed[0]) == base
    assert set(listed[1]) == base | {"status", "body", "content_type"}
    assert set(listed[2]) == base | {"text", "kind"}
    assert {k: listed[0][k] for k in ("action", "operation", "delay_ms", "matched", "fired", "remaining")} == \
        {"action": "delay", "operation": "GetVersion", "delay_ms": 1, "matched": 1, "fired": 1,
         "remaining": None}
    assert {k: listed[1][k] for k in ("status", "body", "user", "project", "times", "remaining", "fired")} == \
        {"status": 429, "body": "slow down", "user": str(ADMIN["user_id"]), "project": str(FAMILY_ALBUM),
         "times": 3, "remaining": 2, "fired": 1}
    assert {k: listed[2][k] for k in ("operation", "kind", "text", "probability", "seed", "matched")} == \
        {"operation": "*", "kind": "security", "text": "No.", "probability": 0.25, "seed": 9, "matched": 0}


def test_delete_one_rule_then_every_rule(server, soap, bug_id):
    a = add_rule(server, action="soap_fault", operation="Bugs_Load", text="a")
    b = add_rule(server, action="soap_fault", operation="GetVersion", text="b")
    c = add_rule(server, action="drop", operation="Bugs_LoadByCriteria")
    response = requests.delete(faults_url(server, f"/{a['id']}"), timeout=10)
    assert response.status_code == 200 and response.json() == {"status": "deleted", "id": a["id"]}
    assert [r["id"] for r in rules(server)] == [b["id"], c["id"]]
    assert load(soap, bug_id).BugId == bug_id
    with pytest.raises(zeep.exceptions.Fault):
        soap.service.GetVersion()
    assert "no fault rule" in json_error(requests.delete(faults_url(server, f"/{a['id']}"), timeout=10), 404)
    response = requests.delete(faults_url(server), timeout=10)
    assert response.status_code == 200 and response.json() == {"status": "deleted"}
    assert rules(server) == []
    assert soap.service.GetVersion().count(".") == 3
    assert soap.service.Bugs_LoadByCriteria(auth(), "", "BugId", 1, 1)[0].BugId == bug_id


def test_deleting_an_unknown_rule_is_404_and_a_bad_id_is_400(server):
    add_rule(server, action="empty", operation="GetVersion")
    assert str(999) in json_error(requests.delete(faults_url(server, "/999"), timeout=10), 404)
    assert "rule id" in json_error(requests.delete(faults_url(server, "/abc"), timeout=10), 400)
    assert "rule id" in json_error(requests.delete(faults_url(server, "/0"), timeout=10), 400)
    huge = faults_url(server, "/99999999999999999999999")       # past SQLite's integers
    assert "rule id" in json_error(requests.delete(huge, timeout=10), 400)
    assert len(rules(server)) == 1


def test_rule_ids_are_not_reused(server):
    first = add_rule(server, action="empty", operation="GetVersion")
    requests.delete(faults_url(server), timeout=10).raise_for_status()
    assert add_rule(server, action="empty", operation="GetVersion")["id"] > first["id"]


def test_admin_client_fault_helpers(server, soap, bug_id):
    admin = AdminClient(server.url)
    rule = admin.add_fault("soap_fault", "Bugs_Load", text="From the client.", times=1)
    assert rule["operation"] == "Bugs_Load" and rule["remaining"] == 1
    assert [r["id"] for r in admin.faults()] == [rule["id"]]
    with pytest.raises(zeep.exceptions.Fault):
        load(soap, bug_id)
    assert admin.faults()[0]["remaining"] == 0
    assert admin.delete_fault(rule["id"]) == {"status": "deleted", "id": rule["id"]}
    admin.add_fault("drop")
    assert admin.faults()[0]["operation"] == "*"
    assert admin.clear_faults() == {"status": "deleted"} and admin.faults() == []


# -- validation -------------------------------------------------------------------------------

BAD_RULES = [
    ({"action": "drop", "bogus": 1}, "bogus"),
    ({"action": "explode"}, "action"),
    ({}, "action"),
    ({"action": "drop", "operation": "Bugs_Nuke"}, "operation"),
    ({"action": "drop", "operation": 5}, "operation"),
    ({"action": "drop", "times": 0}, "times"),
    ({"action": "drop", "times": -1}, "times"),
    ({"action": "drop", "times": 1.5}, "times"),
    ({"action": "drop", "times": True}, "times"),
    ({"action": "drop", "probability": 0}, "probability"),
    ({"action": "drop", "probability": 1.5}, "probability"),
    ({"action": "drop", "probability": True}, "probability"),
    ({"action": "drop", "probability": "0.5"}, "probability"),
    ({"action": "delay", "delay_ms": -1}, "delay_ms"),
    ({"action": "delay", "delay_ms": 600_001}, "delay_ms"),
    ({"action": "delay", "delay_ms": "100"}, "delay_ms"),
    ({"action": "delay", "delay_ms": 200, "delay_max_ms": 100}, "delay_max_ms"),
    ({"action": "delay", "delay_ms": 10, "delay_max_ms": 600_001}, "delay_max_ms"),
    ({"action": "delay"}, "delay_ms"),
    ({"action": "delay", "delay_ms": 0}, "delay_ms"),
    ({"action": "http_status", "status": 99}, "status"),
    ({"action": "http_status", "status": 600}, "status"),
    ({"action": "http_status", "status": "500"}, "status"),
    ({"action": "http_status", "body": 5}, "body"),
    ({"action": "http_status", "content_type": "text/plain\r\nX-Evil: 1"}, "content_type"),
    ({"action": "soap_fault", "kind": "teapot"}, "kind"),
    ({"action": "soap_fault", "text": ""}, "text"),
    ({"action": "soap_fault", "text": "   "}, "text"),
    ({"action": "soap_fault", "text": 5}, "text"),
    ({"action": "drop", "status": 500}, "status"),
    ({"action": "delay", "delay_ms": 10, "status": 500}, "status"),
    ({"action": "malformed", "body": "x"}, "body"),
    ({"action": "empty", "text": "x"}, "text"),
    ({"action": "truncated", "kind": "internal"}, "kind"),
    ({"action": "drop", "content_type": "text/plain"}, "content_type"),
    ({"action": "drop", "user": ""}, "user"),
    ({"action": "drop", "user": True}, "user"),
    ({"action": "drop", "project": [1]}, "project"),
    ({"action": "drop", "seed": "x"}, "seed"),
]


@pytest.mark.parametrize("spec, field", BAD_RULES, ids=[f"{i}-{f}" for i, (_, f) in enumerate(BAD_RULES)])
def test_bad_rule_fields_are_400_naming_the_field(server, spec, field):
    response = requests.post(faults_url(server), json=spec, timeout=10)
    assert field in json_error(response, 400)
    assert rules(server) == []


@pytest.mark.parametrize("spec, field", [
    ({"action": "soap_fault", "status": 404}, "status"),
    ({"action": "soap_fault", "body": "x"}, "body"),
    ({"action": "soap_fault", "content_type": "text/plain"}, "content_type"),
    ({"action": "http_status", "text": "x"}, "text"),
    ({"action": "http_status", "kind": "security"}, "kind"),
])
def test_fields_of_the_other_failing_action_are_400(server, spec, field):
    response = requests.post(faults_url(server), json=spec, timeout=10)
    assert field in json_error(response, 400)


def test_a_fault_text_xml_cannot_carry_is_refused(server):
    response = requests.post(faults_url(server), json={"action": "soap_fault", "text": "bad\x01"}, timeout=10)
    assert "text" in json_error(response, 400)


def test_a_content_type_http_cannot_carry_is_refused(server):
    response = requests.post(faults_url(server), json={"action": "http_status", "content_type": "text/plain; x=\u2603"},
                             timeout=10)
    assert "content_type" in json_error(response, 400)


@pytest.mark.parametrize("data, named", [(b"[]", "JSON object"), (b'"drop"', "JSON object"),
                                         (b"5", "JSON object"), (b"{nope", "not JSON")])
def test_a_rule_body_that_is_not_a_json_object_is_400(server, data, named):
    response = requests.post(faults_url(server), data=data, timeout=10,
                             headers={"Content-Type": "application/json"})
    assert named in json_error(response, 400)
    assert rules(server) == []


def test_an_empty_body_is_a_rule_without_action(server):
    response = requests.post(faults_url(server), data=b"", timeout=10)
    assert "action" in json_error(response, 400)


def test_the_boundaries_are_accepted(server):
    """The extremes of each range are valid rules."""
    for spec in ({"action": "http_status", "status": 200}, {"action": "http_status", "status": 599},
                 {"action": "drop", "probability": 1}, {"action": "drop", "probability": 0.001},
                 {"action": "drop", "times": 1}, {"action": "delay", "delay_ms": 600_000},
                 {"action": "delay", "delay_ms": 5, "delay_max_ms": 5},
                 {"action": "drop", "user": "someone@example.com", "project": 1, "seed": -3}):
        add_rule(server, **spec)
    assert len(rules(server)) == 8


# -- journal of injected calls ----------------------------------------------------------------

def test_journal_marks_each_action_and_counts_failures(server, admin, soap, bug_id):
    """One call per action (each its own rule, times=1): each entry carries injected {rule,
    action} and the status sent; fault=true counts every action but the pure delay."""
    ids = {}
    for action in ACTIONS:
        ids[action] = add_rule(server, action=action, operation="Bugs_Load", times=1,
                               **ACTION_SPECS[action])["id"]
    for action in ACTIONS:
        if action == "delay":
            assert load(soap, bug_id).BugId == bug_id
        else:
            call_fails(soap, lambda: load(soap, bug_id), action)
    assert load(soap, bug_id).BugId == bug_id           # every rule spent
    entries = admin.journal()
    assert [e["injected"] for e in entries] == \
        [{"rule": ids[a], "action": a} for a in ACTIONS] + [None]
    assert [e["status"] for e in entries] == [JOURNAL_STATUS[a] for a in ACTIONS] + [200]
    assert all(e["soap_version"] == soap.version and e["operation"] == "Bugs_Load" for e in entries)
    failed = admin.journal(fault=True)
    assert [e["injected"]["action"] for e in failed] == [a for a in ACTIONS if a != "delay"]
    assert [e["injected"] for e in admin.journal(fault=False)] == [{"rule": ids["delay"], "action": "delay"}, None]
    assert admin.journal_count(injected=True) == len(ACTIONS)
    assert admin.journal_count(injected=True, fault=True) == len(ACTIONS) - 1
    assert admin.journal_count(injected=False) == 1
    assert all(r["remaining"] == 0 for r in rules(server))


@pytest.mark.parametrize("action", ACTIONS)
def test_the_server_stays_healthy_after_each_action(server, soap, bug_id, action):
    """After several injected calls of each action, with the rules gone, calls succeed on the
    same zeep client and on new connections, in both SOAP versions."""
    add_rule(server, action=action, operation="Bugs_Load", **ACTION_SPECS[action])
    for _ in range(3):
        if action == "delay":
            load(soap, bug_id)
        else:
            call_fails(soap, lambda: load(soap, bug_id), action)
    assert_healthy(server, soap, bug_id)
    for version in ("1.1", "1.2"):
        assert raw_load(server, bug_id, version).status_code == 200
    assert soap.service.GetVersion().count(".") == 3


def test_rules_do_not_act_on_rejected_envelopes(server, admin):
    """An envelope rejected before it names a call (malformed XML) is answered with its own
    fault, not the rule's action; the rule does not count it."""
    add_rule(server, action="drop")
    response = post_raw(server.url, "<not xml", action="Bugs_Load")
    assert response.status_code == 500 and "not well-formed" in fault_text(response.content)
    assert rules(server)[0]["matched"] == 0
    [entry] = admin.journal()
    assert entry["injected"] is None
