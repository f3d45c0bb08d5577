"""Operating ``qacmock serve``: graceful stop on SIGTERM/SIGINT, the request body limit, the
access log, every option's environment variable, and ``qacmock health``.

Every server here is a real ``qacmock serve`` subprocess, started with no QACMOCK_* variable
inherited from the environment running the tests. Servers whose state does not matter are
shared by the module; the shutdown tests each stop their own.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from lxml import etree

import mockserver.cli as cli

from .helpers import (
    ADMIN, DEPT, FAMILY_ALBUM, NS, SOAP11, SOAP12, Soap, auth, auth_xml, envelope, fault_text,
    post_raw, start_serve, stop_serve,
)

# Every option of ``serve`` and the environment variable that sets it.
OPTIONS = {
    "--host": "QACMOCK_HOST", "--port": "QACMOCK_PORT", "--db": "QACMOCK_DB",
    "--threads": "QACMOCK_THREADS", "--no-admin": "QACMOCK_NO_ADMIN",
    "--admin-token": "QACMOCK_ADMIN_TOKEN", "--journal-size": "QACMOCK_JOURNAL_SIZE",
    "--journal-bodies": "QACMOCK_JOURNAL_BODIES", "--max-body": "QACMOCK_MAX_BODY",
    "--max-attachment": "QACMOCK_MAX_ATTACHMENT",
    "--access-log": "QACMOCK_ACCESS_LOG", "--shutdown-timeout": "QACMOCK_SHUTDOWN_TIMEOUT",
    "--log-level": "QACMOCK_LOG_LEVEL", "--workers": "QACMOCK_WORKERS", "--strict": "QACMOCK_STRICT",
    "--server": "QACMOCK_SERVER",
}
ACCESS_KEYS = ["op", "soap", "user", "project", "status", "ms", "fault", "injected"]
GET_VERSION = f'<GetVersion xmlns="{NS}"/>'
DEFAULT_MAX_BODY = 10 * 1024 * 1024


# -- starting and driving servers --------------------------------------------------------------

def clean_env(**settings) -> dict:
    """This process's environment without any QACMOCK_* variable, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QACMOCK_")}
    return {**env, "PYTHONUNBUFFERED": "1", **settings}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class Served:
    proc: subprocess.Popen
    url: str
    log: Path
    token: str | None = None
    expected: dict = field(default_factory=dict)

    @property
    def root(self) -> str:
        return self.url.split("/psws/")[0]

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname

    @property
    def port(self) -> int:
        return urlsplit(self.url).port

    def admin(self, method: str, path: str, token: str | None = "", **kwargs) -> requests.Response:
        """An admin API call with this server's token (or ``token`` when given)."""
        token = self.token if token == "" else token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, f"{self.root}/__admin{path}", headers=headers, timeout=10,
                                **kwargs)

    def journal(self, **query) -> list[dict]:
        response = self.admin("GET", "/journal", params=query)
        assert response.status_code == 200, response.text
        return response.json()["entries"]

    def add_rule(self, **rule) -> int:
        response = self.admin("POST", "/faults", json=rule)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def text(self) -> str:
        return self.log.read_text()

    def access(self) -> list[str]:
        """The messages of the qacmock.access log lines so far (with --access-log json every line
        is a JSON object, and the access lines are those with an "op")."""
        lines = self.text().splitlines()
        if lines and lines[0].startswith("{"):
            return [line for line in lines if "op" in json.loads(line)]
        return [line.split(" qacmock.access: ", 1)[1] for line in lines if " qacmock.access: " in line]


def serve(tmp_path, *args, env=None, **expected) -> Served:
    """``qacmock serve --port 0 ARGS`` (tests/helpers.start_serve) with a clean environment."""
    proc, url, log = start_serve(tmp_path, *args, env=env or clean_env())
    return Served(proc, url, log, expected=expected)


def launch(tmp_path, *args, env, host="127.0.0.1", port=None) -> Served:
    """``qacmock serve ARGS`` without ``--port 0``: the port comes from the environment (or the
    arguments), and readiness is seen over HTTP, not in the log (which may be silent)."""
    log_path = tmp_path / f"serve-{uuid.uuid4().hex[:6]}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "mockserver.cli", "serve", *args],
                                stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://{host}:{port}/psws/psws.asmx"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if requests.get(url + "?WSDL", timeout=1).status_code == 200:
                return Served(proc, url, log_path)
        except requests.RequestException:
            pass
        time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    raise AssertionError("qacmock serve did not start:\n" + log_path.read_text())


def stop(served: Served):
    stop_serve(served.proc)


def call(served: Served, inner: str, action: str, version: str = "1.1", **kwargs):
    return post_raw(served.url, envelope(inner, version), version=version, action=action, **kwargs)


def get_version(served: Served, version: str = "1.1") -> requests.Response:
    return call(served, GET_VERSION, "GetVersion", version)


def bug_add_xml(title: str) -> str:
    return (f'<Bugs_Add xmlns="{NS}">{auth_xml()}<Bug><Title>{title}</Title>'
            f"<StatusCode>Active</StatusCode></Bug><SendEmailAlert>N</SendEmailAlert></Bugs_Add>")


def bug_load_xml(bug_id, password=ADMIN["password"]) -> str:
    return f'<Bugs_Load xmlns="{NS}">{auth_xml(password=password)}<BugId>{bug_id}</BugId></Bugs_Load>'


def result(response, name: str) -> str:
    assert response.status_code == 200, response.text
    return etree.fromstring(response.content).find(f".//{{{NS}}}{name}").text


def health(*args, env=None, timeout=20) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mockserver.cli", "health", *args],
                          capture_output=True, text=True, env=env or clean_env(), timeout=timeout)


def in_background(target, *args):
    """Run ``target(*args)`` in a thread; the holder gets "response" or "error"."""
    holder: dict = {}

    def run():
        try:
            holder["response"] = target(*args)
        except Exception as error:          # noqa: BLE001 - the test inspects it
            holder["error"] = error
        holder["done"] = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, holder


def wait_exit(proc, timeout: float) -> float:
    """Seconds until ``proc`` exits (killing it and failing after ``timeout``)."""
    started = time.monotonic()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail(f"qacmock serve did not exit within {timeout} s")
    return time.monotonic() - started


# -- access-log lines ------------------------------------------------------------------------

TEXT_FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"]+)')


def parse_text(line: str) -> dict:
    """A text access line as {key: value}, in order; the whole line must be key=value pairs."""
    assert TEXT_FIELD.sub("", line).strip() == "", f"not key=value pairs: {line!r}"
    return {key: json.loads(value) if value.startswith('"') else value
            for key, value in TEXT_FIELD.findall(line)}


def new_access_lines(served: Served, before: int, expected: int) -> list[str]:
    """The access lines after the first ``before``, once ``expected`` of them are written
    (and a moment longer, to see any extra line)."""
    deadline = time.monotonic() + 5
    while len(served.access()) < before + expected and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    return served.access()[before:]


# -- shared servers --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """Every setting at its default."""
    served = serve(tmp_path_factory.mktemp("plain"))
    yield served
    stop(served)


# The "env" server takes every setting from the environment; the "option" server has the same
# kind of environment but each setting also given on the command line, which must win.
ENV_TOKEN, OPTION_TOKEN = "envtoken", "opttoken"


@pytest.fixture(scope="module")
def env_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("env")
    port = free_port("127.0.0.2")
    db = tmp / "env.db"
    env = clean_env(QACMOCK_HOST="127.0.0.2", QACMOCK_PORT=str(port), QACMOCK_DB=str(db),
                    QACMOCK_THREADS="1", QACMOCK_ADMIN_TOKEN=ENV_TOKEN, QACMOCK_JOURNAL_SIZE="5",
                    QACMOCK_JOURNAL_BODIES="1", QACMOCK_MAX_BODY="1000", QACMOCK_ACCESS_LOG="json",
                    QACMOCK_SHUTDOWN_TIMEOUT="2", QACMOCK_LOG_LEVEL="info")
    served = launch(tmp, env=env, host="127.0.0.2", port=port)
    served.token = ENV_TOKEN
    served.expected = dict(host="127.0.0.2", port=port, db=db, absent_db=None, threads=1,
                           token=ENV_TOKEN, other_token=OPTION_TOKEN, journal_size=5, access="json")
    yield served
    stop(served)


@pytest.fixture(scope="module")
def option_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("option")
    env_port = free_port()
    db, env_db = tmp / "option.db", tmp / "env-ignored.db"
    env = clean_env(QACMOCK_HOST="127.0.0.2", QACMOCK_PORT=str(env_port), QACMOCK_DB=str(env_db),
                    QACMOCK_THREADS="1", QACMOCK_ADMIN_TOKEN=ENV_TOKEN, QACMOCK_JOURNAL_SIZE="5",
                    QACMOCK_MAX_BODY="50", QACMOCK_ACCESS_LOG="json", QACMOCK_LOG_LEVEL="warning")
    served = serve(tmp, "--host", "127.0.0.1", "--db", str(db), "--threads", "2",
                   "--admin-token", OPTION_TOKEN, "--journal-size", "7", "--journal-bodies",
                   "--max-body", "1000", "--access-log", "text", "--log-level", "info", env=env)
    served.token = OPTION_TOKEN
    served.expected = dict(host="127.0.0.1", port=None, not_port=env_port, db=db, absent_db=env_db,
                           threads=2, token=OPTION_TOKEN, other_token=ENV_TOKEN, journal_size=7,
                           access="text")
    yield served
    stop(served)


@pytest.fixture(params=["env", "option"])
def configured(request):
    return request.getfixturevalue(f"{request.param}_server")


@pytest.fixture(scope="module")
def no_admin(tmp_path_factory):
    """The admin API off by QACMOCK_NO_ADMIN=1, and no access log."""
    served = serve(tmp_path_factory.mktemp("noadmin"), "--access-log", "off",
                   env=clean_env(QACMOCK_NO_ADMIN="1"))
    yield served
    stop(served)


@pytest.fixture(scope="module", params=["option", "env"])
def quiet(request, tmp_path_factory):
    """Log level warning, by --log-level or QACMOCK_LOG_LEVEL."""
    port = free_port()
    if request.param == "option":
        served = launch(tmp_path_factory.mktemp("quiet"), "--port", str(port), "--log-level", "warning",
                        env=clean_env(), port=port)
    else:
        served = launch(tmp_path_factory.mktemp("quiet"), env=clean_env(
            QACMOCK_PORT=str(port), QACMOCK_LOG_LEVEL="warning"), port=port)
    yield served
    stop(served)


# == 1. graceful stop ==========================================================================

@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_lets_the_call_in_flight_finish_refuses_new_ones_and_checkpoints(tmp_path, signum):
    """On SIGTERM (or SIGINT) a call in flight gets its whole answer, a new connection gets
    none, the process exits 0 after logging what it waits for and that it stopped, and the
    database file alone holds an item added before the signal (no WAL left behind)."""
    db = tmp_path / "qac.db"
    served = serve(tmp_path, "--db", str(db))
    wal = Path(str(db) + "-wal")
    try:
        soap = Soap(served.url, "1.1")
        title = f"added before the signal {uuid.uuid4().hex[:8]}"
        bug_id = soap.service.Bugs_Add(AuthenticationData=auth(proj_id=FAMILY_ALBUM, dept_id=DEPT),
                                       Bug=soap.new("Bug", Title=title, StatusCode="Active"),
                                       SendEmailAlert="N", NewNotes="")
        assert bug_id > 0
        assert wal.exists() and wal.stat().st_size > 0     # the row is (also) in the WAL for now
        served.add_rule(action="delay", operation="GetVersion", delay_ms=1500)

        thread, holder = in_background(get_version, served)
        time.sleep(0.3)                                     # the call is in its delay
        assert "done" not in holder
        served.proc.send_signal(signum)
        signalled = time.monotonic()
        time.sleep(0.2)
        with pytest.raises(ConnectionRefusedError):         # no longer listening
            socket.create_connection((served.host, served.port), timeout=3).close()
        with pytest.raises((requests.ConnectionError, requests.Timeout)):
            requests.get(served.url + "?WSDL", timeout=3)

        thread.join(timeout=10)
        assert "error" not in holder, holder.get("error")
        response = holder["response"]
        assert response.status_code == 200
        assert result(response, "GetVersionResult")         # a complete, well-formed answer
        wait_exit(served.proc, 10 + 5)                      # the shutdown timeout + a margin
        assert served.proc.returncode == 0
        assert time.monotonic() - signalled >= 1.0          # it did wait for the call
    finally:
        stop(served)

    log = served.text()
    assert "stopping: finishing 1 call(s) in flight" in log
    assert "cut off" not in log
    assert log.rstrip().endswith("qacmock stopped"), log[-500:]
    assert "Traceback" not in log
    assert not wal.exists() or wal.stat().st_size == 0
    # The main file alone (copied without its -wal / -shm) holds the row.
    alone = tmp_path / "alone.db"
    shutil.copyfile(db, alone)
    with sqlite3.connect(alone) as conn:
        rows = conn.execute("SELECT Title, ProjId FROM Bugs WHERE BugId = ?", (bug_id,)).fetchall()
    conn.close()
    assert rows == [(title, FAMILY_ALBUM)]


@pytest.mark.parametrize("server", ["granian", "waitress"])
def test_a_burst_of_stop_signals_still_stops(tmp_path, server):
    """Signals that arrive while the handler of the one before is still running (Ctrl-C sends
    SIGINT to every worker and the parent forwards SIGTERM; a supervisor may repeat itself):
    the server stops and exits 0. A handler that took a lock hung 3 of 5 such runs for good."""
    for attempt in range(5):
        served = serve(tmp_path, "--access-log", "off", "--server", server)
        for _ in range(3000):
            try:
                os.kill(served.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                break
        try:
            wait_exit(served.proc, 20)
        finally:
            stop(served)
        assert served.proc.returncode == 0, f"attempt {attempt}: {served.log.read_text()}"


def test_idle_keep_alive_connections_do_not_hold_up_the_stop(tmp_path):
    """A keep-alive connection that made one call, and one that never sent anything, are
    closed at once on SIGTERM: the process exits well before the 10 s shutdown timeout."""
    served = serve(tmp_path, "--shutdown-timeout", "10")
    session = requests.Session()
    idle = socket.create_connection((served.host, served.port), timeout=5)
    try:
        first = session.get(served.url + "?WSDL", timeout=10)
        assert first.status_code == 200
        assert first.headers.get("Connection", "").lower() != "close"
        served.proc.send_signal(signal.SIGTERM)
        elapsed = wait_exit(served.proc, 15)
        assert served.proc.returncode == 0
        assert elapsed < 3, f"took {elapsed:.1f} s: idle connections held up the stop"
        idle.settimeout(5)
        assert idle.recv(100) == b""                        # closed by the server, unanswered
    finally:
        idle.close()
        session.close()
        stop(served)
    log = served.text()
    assert "finishing" not in log and "cut off" not in log
    assert "qacmock stopped" in log


@pytest.mark.parametrize("how", ["option", "env"])
def test_shutdown_timeout_cuts_off_a_slow_call(tmp_path, how):
    """--shutdown-timeout 1 (or QACMOCK_SHUTDOWN_TIMEOUT=1) with a call that needs 5 s more:
    the process exits 0 within about 1.5 s, warning that the call was cut off; the client gets
    no answer."""
    if how == "option":
        served = serve(tmp_path, "--shutdown-timeout", "1")
    else:
        served = serve(tmp_path, env=clean_env(QACMOCK_SHUTDOWN_TIMEOUT="1"))
    try:
        served.add_rule(action="delay", operation="GetVersion", delay_ms=5000)
        thread, holder = in_background(get_version, served)
        time.sleep(0.3)
        served.proc.send_signal(signal.SIGTERM)
        elapsed = wait_exit(served.proc, 15)
        assert served.proc.returncode == 0
        assert 0.8 <= elapsed < 3.5, f"exited after {elapsed:.1f} s"
        thread.join(timeout=10)
        assert "response" not in holder, "the cut-off call was answered"
        assert isinstance(holder.get("error"), requests.ConnectionError), holder
    finally:
        stop(served)
    log = served.text()
    assert re.search(r"WARNING qacmock: stopping: 1 call\(s\) still running after 1 s are cut off", log), log
    assert "qacmock stopped" in log


def test_shutdown_timeout_option_wins_over_the_environment(tmp_path):
    """QACMOCK_SHUTDOWN_TIMEOUT=1 with --shutdown-timeout 10: a call needing 2 s is answered."""
    served = serve(tmp_path, "--shutdown-timeout", "10", env=clean_env(QACMOCK_SHUTDOWN_TIMEOUT="1"))
    try:
        served.add_rule(action="delay", operation="GetVersion", delay_ms=2000)
        thread, holder = in_background(get_version, served)
        time.sleep(0.3)
        served.proc.send_signal(signal.SIGTERM)
        wait_exit(served.proc, 15)
        assert served.proc.returncode == 0
        thread.join(timeout=10)
        assert holder.get("response") is not None and holder["response"].status_code == 200, holder
    finally:
        stop(served)
    assert "cut off" not in served.text()


# == 2. body limit =============================================================================

def padded(size: int, version: str) -> bytes:
    """A GetVersion envelope of exactly ``size`` bytes (blank space after it)."""
    body = envelope(GET_VERSION, version).encode()
    assert len(body) <= size
    return body + b" " * (size - len(body))


def assert_413(response, version: str, size: int, limit: int):
    assert response.status_code == 413, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith(
        "text/xml" if version == "1.1" else "application/soap+xml")
    root = etree.fromstring(response.content)
    env_ns = SOAP11 if version == "1.1" else SOAP12
    fault = root.find(f"{{{env_ns}}}Body/{{{env_ns}}}Fault")
    assert fault is not None, response.text
    text = fault_text(response.content)
    assert re.search(rf"\b{size}\b", text) and re.search(rf"\b{limit}\b", text), text
    reason = (fault.findtext("faultstring") if version == "1.1"
              else fault.findtext(f"{{{env_ns}}}Reason/{{{env_ns}}}Text"))
    assert reason == text


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_body_over_max_body_is_413_with_a_soap_fault(configured, version):
    """--max-body 1000 (option server, whose QACMOCK_MAX_BODY=50 it overrides) or
    QACMOCK_MAX_BODY=1000 (env server): 1001 bytes are refused with 413 and a SOAP fault naming
    both numbers; 1000 bytes are served."""
    over = post_raw(configured.url, padded(1001, version), version, action="GetVersion")
    assert_413(over, version, 1001, 1000)
    exact = post_raw(configured.url, padded(1000, version), version, action="GetVersion")
    assert exact.status_code == 200, exact.text
    assert result(exact, "GetVersionResult")


def test_a_chunked_body_over_max_body_is_413(option_server):
    """A body sent chunked (no Content-Length from the client) is measured too, and refused as
    soon as it passes the limit: the fault names the limit."""
    body = padded(1001, "1.1")

    def chunks():
        yield body[:500]
        yield body[500:]
    response = requests.post(option_server.url, data=chunks(), timeout=10, headers={
        "Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}GetVersion"'})
    assert response.status_code == 413
    assert fault_text(response.content) == (
        "The request body, sent chunked, passed the limit of 1000 bytes and was refused there.")


def test_default_limit_is_10_mb_and_the_server_goes_on(plain):
    """Without --max-body, 10 MB + 1 byte is a 413 naming both sizes; the refused call is in
    the journal with status 413; the server then answers normally."""
    big = padded(DEFAULT_MAX_BODY + 1, "1.1")
    response = post_raw(plain.url, big, "1.1", action="GetVersion")
    assert_413(response, "1.1", DEFAULT_MAX_BODY + 1, DEFAULT_MAX_BODY)
    entries = plain.journal(limit=1)
    assert entries[0]["status"] == 413
    assert str(DEFAULT_MAX_BODY + 1) in entries[0]["fault"]
    assert result(get_version(plain), "GetVersionResult")


# == 3. access log =============================================================================

def test_text_access_log_lines(plain):
    """Text format: one line per call with op, soap, user, project, status and ms; a fault adds
    fault="<the text the client got>"; an injected call adds injected=<action>#<rule>."""
    bug_id = result(call(plain, bug_add_xml("access log"), "Bugs_Add"), "Bugs_AddResult")
    rule = plain.add_rule(action="delay", operation="GetVersion", delay_ms=50, times=1)
    before = len(plain.access())

    assert call(plain, bug_load_xml(bug_id), "Bugs_Load").status_code == 200
    wrong = call(plain, bug_load_xml(bug_id, password="wrong"), "Bugs_Load")
    assert wrong.status_code == 500
    assert get_version(plain, "1.2").status_code == 200

    lines = new_access_lines(plain, before, 3)
    assert len(lines) == 3, lines
    ok, failed, injected = (parse_text(line) for line in lines)
    assert list(ok) == ["op", "soap", "user", "project", "status", "ms"], lines[0]
    assert ok["op"] == "Bugs_Load" and ok["soap"] == "1.1" and ok["status"] == "200"
    assert ok["user"] == str(ADMIN["user_id"]) and ok["project"] == str(FAMILY_ALBUM)
    assert float(ok["ms"]) >= 0

    assert list(failed) == ["op", "soap", "user", "project", "status", "ms", "fault"], lines[1]
    assert failed["op"] == "Bugs_Load" and failed["status"] == "500"
    assert failed["fault"] == fault_text(wrong.content) and failed["fault"]

    assert list(injected) == ["op", "soap", "status", "ms", "injected"], lines[2]
    assert injected["op"] == "GetVersion" and injected["soap"] == "1.2"
    assert injected["injected"] == f"delay#{rule}"
    assert float(injected["ms"]) >= 50


def test_a_refused_body_has_an_access_line(option_server):
    """The 413 is logged too, with its status and fault text."""
    before = len(option_server.access())
    post_raw(option_server.url, padded(1001, "1.1"), "1.1", action="GetVersion")
    lines = new_access_lines(option_server, before, 1)
    assert len(lines) == 1, lines
    line = parse_text(lines[0])
    assert line["status"] == "413" and "1001" in line["fault"] and "1000" in line["fault"]


def test_json_access_log_lines(env_server):
    """QACMOCK_ACCESS_LOG=json: each line is one JSON object with the keys op, soap, user,
    project, status, ms, fault and injected."""
    served = env_server
    bug_id = result(call(served, bug_add_xml("json log"), "Bugs_Add"), "Bugs_AddResult")
    rule = served.add_rule(action="delay", operation="GetVersion", delay_ms=50, times=1)
    before = len(served.access())

    assert call(served, bug_load_xml(bug_id), "Bugs_Load", version="1.2").status_code == 200
    wrong = call(served, bug_load_xml(bug_id, password="wrong"), "Bugs_Load")
    assert wrong.status_code == 500
    assert get_version(served).status_code == 200

    lines = new_access_lines(served, before, 3)
    assert len(lines) == 3, lines
    ok, failed, injected = (json.loads(line) for line in lines)
    for record in (ok, failed, injected):
        assert list(record) == ACCESS_KEYS
        assert isinstance(record["ms"], (int, float)) and record["ms"] >= 0
        assert isinstance(record["status"], int)
    assert {k: ok[k] for k in ("op", "soap", "status", "fault", "injected")} == \
        {"op": "Bugs_Load", "soap": "1.2", "status": 200, "fault": None, "injected": None}
    assert str(ok["user"]) == str(ADMIN["user_id"]) and str(ok["project"]) == str(FAMILY_ALBUM)
    assert failed["op"] == "Bugs_Load" and failed["status"] == 500 and failed["soap"] == "1.1"
    assert failed["fault"] == fault_text(wrong.content) and failed["injected"] is None
    assert injected["op"] == "GetVersion" and injected["status"] == 200
    assert injected["user"] is None and injected["project"] is None and injected["fault"] is None
    assert injected["injected"] == f"delay#{rule}" and injected["ms"] >= 50
    # Every other line is JSON too, so the stream reads as JSON lines.
    others = [json.loads(line) for line in served.text().splitlines() if line not in lines]
    assert others and all(set(r) >= {"time", "level", "logger", "message"} for r in others if "op" not in r)


def test_admin_calls_and_wsdl_gets_write_no_access_line(plain):
    """Only SOAP calls are logged: admin API calls, WSDL and service-page GETs are not."""
    before = len(plain.access())
    assert plain.admin("GET", "/health").status_code == 200
    assert plain.admin("GET", "/journal").status_code == 200
    assert plain.admin("GET", "/faults").status_code == 200
    assert plain.admin("GET", "/nothing").status_code == 404
    assert requests.get(plain.url + "?WSDL", timeout=10).status_code == 200
    assert requests.get(plain.url, timeout=10).status_code == 200
    assert get_version(plain).status_code == 200        # the one call that is logged
    lines = new_access_lines(plain, before, 1)
    assert len(lines) == 1 and lines[0].startswith("op=GetVersion "), lines


def test_option_access_log_wins_over_the_environment(option_server):
    """QACMOCK_ACCESS_LOG=json with --access-log text: text lines."""
    before = len(option_server.access())
    assert get_version(option_server).status_code == 200
    lines = new_access_lines(option_server, before, 1)
    assert len(lines) == 1
    assert parse_text(lines[0])["op"] == "GetVersion"
    with pytest.raises(ValueError):
        json.loads(lines[0])


def test_access_log_off_writes_no_line(no_admin):
    """--access-log off: calls are served and no qacmock.access line is written."""
    assert get_version(no_admin).status_code == 200
    assert call(no_admin, bug_load_xml(1, password="wrong"), "Bugs_Load").status_code == 500
    assert call(no_admin, bug_add_xml("off"), "Bugs_Add").status_code == 200
    time.sleep(0.2)
    log = no_admin.text()
    assert "qacmock serving psws.asmx" in log           # the log itself is written
    assert "qacmock.access" not in log


def test_log_level_warning_writes_no_info_and_no_access_line(quiet):
    """--log-level warning (or QACMOCK_LOG_LEVEL=warning): calls are served, the log has no
    INFO line at all, so no access line and no start-up line either."""
    assert get_version(quiet).status_code == 200
    assert call(quiet, bug_load_xml(1, password="wrong"), "Bugs_Load").status_code == 500
    time.sleep(0.2)
    log = quiet.text()
    assert " INFO " not in log and "qacmock.access" not in log, log


# == 4. options and their environment variables ================================================

class _ServeCommandLine:
    """``qacmock serve``'s parser, and its command line read as ``main`` reads it."""

    def __init__(self):
        top, _ = cli.build_parser()
        commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
        self._actions = commands.choices["serve"]._actions

    @staticmethod
    def parse_args(argv):
        return cli.parse(["serve", *argv])


@pytest.fixture
def serve_parser(monkeypatch):
    """A function of environment settings giving serve's command line under them."""
    def build(**settings):
        for name in [k for k in os.environ if k.startswith("QACMOCK_")]:
            monkeypatch.delenv(name)
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        return _ServeCommandLine()
    return build


@pytest.mark.parametrize("variable, value, dest, parsed", [
    ("QACMOCK_LOG_LEVEL", "WARNING", "log_level", "warning"),
    ("QACMOCK_ACCESS_LOG", " JSON ", "access_log", "json"),
    ("QACMOCK_NO_ADMIN", "off", "no_admin", False),
    ("QACMOCK_NO_ADMIN", "", "no_admin", False),
    ("QACMOCK_JOURNAL_BODIES", "Yes", "journal_bodies", True),
])
def test_variable_spellings_are_read_leniently(serve_parser, variable, value, dest, parsed):
    assert getattr(serve_parser(**{variable: value}).parse_args([]), dest) == parsed


def test_every_serve_option_names_its_environment_variable(serve_parser):
    """Each option of serve (and no other) says '[env QACMOCK_...' in its help."""
    parser = serve_parser()
    options = {a.option_strings[-1]: a for a in parser._actions if a.option_strings
               and not isinstance(a, argparse._HelpAction)}
    assert set(options) == set(OPTIONS)
    for flag, action in options.items():
        assert f"[env {OPTIONS[flag]}" in action.help, (flag, action.help)


def test_serve_help_output_names_every_option_with_its_variable():
    """`qacmock serve --help` as printed: each option's entry names its variable."""
    out = subprocess.run([sys.executable, "-m", "mockserver.cli", "serve", "--help"],
                         capture_output=True, text=True, timeout=20,
                         env=clean_env(COLUMNS="300")).stdout
    entries, current = {}, None
    for line in out.splitlines():
        match = re.match(r"\s{2}(-[\w-]+)", line)
        if match:                                   # an option's entry starts
            current = match.group(1)
            entries[current] = line
        elif current and line.startswith("   "):    # its help, on the following lines
            entries[current] += " " + line.strip()
        else:
            current = None
    assert set(OPTIONS) <= set(entries)
    for flag, variable in OPTIONS.items():
        assert re.search(rf"\[env {variable}[,=\]]", entries[flag]), entries[flag]


ENV_VALUES = [  # variable, value, attribute, parsed, a command-line option and what it gives
    ("QACMOCK_HOST", "0.0.0.0", "host", "0.0.0.0", ["--host", "127.0.0.3"], "127.0.0.3"),
    ("QACMOCK_PORT", "9123", "port", 9123, ["--port", "9124"], 9124),
    ("QACMOCK_DB", "/tmp/x.db", "db", "/tmp/x.db", ["--db", "/tmp/y.db"], "/tmp/y.db"),
    ("QACMOCK_THREADS", "3", "threads", 3, ["--threads", "4"], 4),
    ("QACMOCK_NO_ADMIN", "1", "no_admin", True, ["--no-admin"], True),
    ("QACMOCK_ADMIN_TOKEN", "t1", "admin_token", "t1", ["--admin-token", "t2"], "t2"),
    ("QACMOCK_JOURNAL_SIZE", "5", "journal_size", 5, ["--journal-size", "6"], 6),
    ("QACMOCK_JOURNAL_BODIES", "1", "journal_bodies", True, ["--journal-bodies"], True),
    ("QACMOCK_MAX_BODY", "1000", "max_body", 1000, ["--max-body", "2000"], 2000),
    ("QACMOCK_MAX_ATTACHMENT", "0", "max_attachment", 0, ["--max-attachment", "5"], 5),
    ("QACMOCK_ACCESS_LOG", "json", "access_log", "json", ["--access-log", "off"], "off"),
    ("QACMOCK_SHUTDOWN_TIMEOUT", "2.5", "shutdown_timeout", 2.5, ["--shutdown-timeout", "7"], 7.0),
    ("QACMOCK_LOG_LEVEL", "warning", "log_level", "warning", ["--log-level", "error"], "error"),
    ("QACMOCK_WORKERS", "3", "workers", 3, ["--workers", "2"], 2),
    ("QACMOCK_SERVER", "Waitress", "server", "waitress", ["--server", "granian"], "granian"),
]


@pytest.mark.parametrize("variable, value, dest, parsed, option, given", ENV_VALUES,
                         ids=[v[0] for v in ENV_VALUES])
def test_each_variable_sets_its_option_and_the_option_wins(serve_parser, variable, value, dest,
                                                          parsed, option, given):
    assert {OPTIONS[option[0]]} == {variable}
    default = getattr(serve_parser().parse_args([]), dest)
    assert default != parsed
    parser = serve_parser(**{variable: value})
    assert getattr(parser.parse_args([]), dest) == parsed
    assert getattr(parser.parse_args(option), dest) == given


def test_host_and_port(configured):
    """QACMOCK_HOST / QACMOCK_PORT place the server (env); --host / --port win (option)."""
    expected = configured.expected
    assert configured.host == expected["host"]
    if expected["port"] is not None:
        assert configured.port == expected["port"]
    else:
        assert configured.port != expected["not_port"]
    if expected["host"] != "127.0.0.1":
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{configured.port}/psws/psws.asmx?WSDL", timeout=3)
    assert requests.get(configured.url + "?WSDL", timeout=10).status_code == 200


def test_database_file(configured):
    """QACMOCK_DB (env) / --db (option) is created with the default data; the option's
    server never creates the file its environment names."""
    expected = configured.expected
    assert f"database {expected['db']}," in configured.text()
    with sqlite3.connect(f"file:{expected['db']}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT COUNT(*) FROM Bugs").fetchone()[0] > 0
    conn.close()
    if expected["absent_db"] is not None:
        assert not expected["absent_db"].exists()


def test_worker_threads(configured):
    """QACMOCK_THREADS=1: two slow calls run one after the other; --threads 2 (over
    QACMOCK_THREADS=1): side by side. Seen in the journal's start times."""
    rule = configured.add_rule(action="delay", operation="GetVersion", delay_ms=1000, times=2)
    try:
        calls = [in_background(get_version, configured) for _ in range(2)]
        for thread, holder in calls:
            thread.join(timeout=15)
            assert holder["response"].status_code == 200
    finally:
        configured.admin("DELETE", f"/faults/{rule}")
    entries = configured.journal(operation="GetVersion", limit=2)
    assert [e["injected"] for e in entries] == [{"rule": rule, "action": "delay"}] * 2
    starts = [datetime.fromisoformat(e["time"].replace("Z", "+00:00")) for e in entries]
    gap = abs((starts[1] - starts[0]).total_seconds())
    if configured.expected["threads"] == 1:
        assert gap >= 0.9, f"the second call started {gap:.2f} s after the first"
    else:
        assert gap < 0.9, f"the second call started {gap:.2f} s after the first"


def test_admin_token(configured):
    """QACMOCK_ADMIN_TOKEN (env) / --admin-token (option): 401 without it or with the other."""
    expected = configured.expected
    assert configured.admin("GET", "/health", token=None).status_code == 401
    assert configured.admin("GET", "/health", token=expected["other_token"]).status_code == 401
    ok = configured.admin("GET", "/health", token=expected["token"])
    assert ok.status_code == 200 and ok.json()["status"] == "ready"


def test_journal_size_and_bodies(configured):
    """QACMOCK_JOURNAL_SIZE=5 (env) / --journal-size 7 (option): the settings say so and the
    journal keeps that many; QACMOCK_JOURNAL_BODIES=1 / --journal-bodies: bodies are kept."""
    size = configured.expected["journal_size"]
    for _ in range(size + 2):
        assert get_version(configured).status_code == 200
    settings = configured.admin("GET", "/journal/settings").json()
    assert settings["size"] == size and settings["bodies"] is True and settings["entries"] == size
    entries = configured.journal()
    assert len(entries) == size
    last = entries[-1]
    assert "GetVersion" in last["request"] and "GetVersionResult" in last["response"]


def test_by_default_the_journal_keeps_no_bodies(plain):
    assert get_version(plain).status_code == 200
    assert plain.admin("GET", "/journal/settings").json()["bodies"] is False
    assert "request" not in plain.journal(limit=1)[0]


def test_no_admin_from_the_environment(no_admin):
    """QACMOCK_NO_ADMIN=1: /__admin/health is 404, SOAP works."""
    assert requests.get(no_admin.root + "/__admin/health", timeout=10).status_code == 404
    assert get_version(no_admin).status_code == 200


def test_log_level_option_wins_over_the_environment(option_server):
    """QACMOCK_LOG_LEVEL=warning with --log-level info: INFO lines are written."""
    assert re.search(r" INFO qacmock: qacmock serving psws.asmx at ", option_server.text())


BAD_VALUES = [("QACMOCK_PORT", "abc"), ("QACMOCK_JOURNAL_SIZE", "-1"), ("QACMOCK_ACCESS_LOG", "xml"),
              ("QACMOCK_THREADS", "0"), ("QACMOCK_MAX_BODY", "1MB"), ("QACMOCK_SHUTDOWN_TIMEOUT", "soon"),
              ("QACMOCK_LOG_LEVEL", "loud"), ("QACMOCK_NO_ADMIN", "maybe"), ("QACMOCK_JOURNAL_BODIES", "2")]


@pytest.mark.parametrize("variable, value", BAD_VALUES, ids=[v[0] for v in BAD_VALUES])
def test_a_bad_environment_value_exits_2_naming_the_variable(tmp_path, variable, value):
    args = [] if variable == "QACMOCK_PORT" else ["--port", "0"]
    proc = subprocess.Popen([sys.executable, "-m", "mockserver.cli", "serve", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=clean_env(**{variable: value}))
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"{variable}={value} was accepted: the server started")
    assert proc.returncode == 2
    assert variable in err and value.lstrip("-") in err, err
    assert "Traceback" not in err + out and "serving" not in err + out


def test_an_unusable_port_variable_is_ignored_when_port_is_given(tmp_path):
    """Kubernetes sets QACMOCK_PORT=tcp://<ip>:<port> for a Service named qacmock; an explicit
    --port must win over it as over any value."""
    served = serve(tmp_path, env=clean_env(QACMOCK_PORT="tcp://10.96.0.12:8080"))   # --port 0
    stop(served)


@pytest.mark.parametrize("command", ["--version", "wsdl", "health"])
def test_a_bad_serve_variable_does_not_break_other_commands(plain, command):
    """QACMOCK_ACCESS_LOG=xml concerns serve only; `qacmock --version`, `qacmock wsdl` and
    `qacmock health --url ...` work (they exit 2 with 'qacmock serve: error: ...')."""
    args = {"--version": ["--version"], "wsdl": ["wsdl"], "health": ["health", "--url", plain.root]}
    done = subprocess.run([sys.executable, "-m", "mockserver.cli", *args[command]], capture_output=True,
                          text=True, timeout=20, env=clean_env(QACMOCK_ACCESS_LOG="xml"))
    assert done.returncode == 0, done.stderr


# == 5. qacmock health =========================================================================

def test_health_with_url_and_with_port_variable(plain):
    assert health("--url", plain.root).returncode == 0
    assert health("--url", plain.root + "/").returncode == 0
    by_port = health(env=clean_env(QACMOCK_PORT=str(plain.port)))
    assert by_port.returncode == 0, by_port.stderr


def test_health_fails_when_nothing_listens():
    port = free_port()
    done = health("--timeout", "2", env=clean_env(QACMOCK_PORT=str(port)))
    assert done.returncode == 1
    assert done.stderr.startswith("qacmock health: ") and f"127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_health_with_an_admin_token(env_server):
    """QACMOCK_ADMIN_TOKEN gives health the token; a wrong or missing one is 1 (401)."""
    url = ["--url", env_server.root]
    assert health(*url, env=clean_env(QACMOCK_ADMIN_TOKEN=ENV_TOKEN)).returncode == 0
    for env in (clean_env(QACMOCK_ADMIN_TOKEN="wrong"), clean_env()):
        done = health(*url, env=env)
        assert done.returncode == 1 and "401" in done.stderr, done.stderr


def test_health_with_the_admin_api_off(no_admin):
    """QACMOCK_NO_ADMIN=1: health fetches the WSDL; without it, the admin 404 is a failure."""
    done = health("--url", no_admin.root, env=clean_env(QACMOCK_NO_ADMIN="1"))
    assert done.returncode == 0, done.stderr
    by_port = health(env=clean_env(QACMOCK_NO_ADMIN="1", QACMOCK_PORT=str(no_admin.port)))
    assert by_port.returncode == 0, by_port.stderr
    failed = health("--url", no_admin.root)
    assert failed.returncode == 1 and "404" in failed.stderr


# == 6. start-up line ==========================================================================

def test_start_up_line_says_how_long_it_took(plain):
    line = next(l for l in plain.text().splitlines() if "serving psws.asmx at" in l)
    assert re.search(r"ready in \d+\.\d\d s$", line), line


def test_health_follows_a_specific_host_and_treats_a_wildcard_as_loopback(tmp_path):
    """A server bound to one address (127.0.0.2) is probed there; 0.0.0.0 is probed on 127.0.0.1."""
    served = serve(tmp_path, "--host", "127.0.0.2")
    try:
        port = str(served.port)
        assert health(env=clean_env(QACMOCK_PORT=port)).returncode == 1          # 127.0.0.1: nobody
        found = health(env=clean_env(QACMOCK_PORT=port, QACMOCK_HOST="127.0.0.2"))
        assert found.returncode == 0, found.stderr
    finally:
        stop(served)
    assert health(env=clean_env(QACMOCK_PORT=str(free_port()), QACMOCK_HOST="0.0.0.0")).returncode == 1
    everywhere = serve(tmp_path, "--host", "0.0.0.0")
    try:
        found = health(env=clean_env(QACMOCK_PORT=str(everywhere.port), QACMOCK_HOST="0.0.0.0"))
        assert found.returncode == 0, found.stderr
    finally:
        stop(everywhere)


def test_export_and_digest_read_the_database_from_qacmock_db(tmp_path):
    db = tmp_path / "served.db"
    seeded = subprocess.run([sys.executable, "-m", "mockserver.cli", "seed", "--scale", "small"],
                            capture_output=True, text=True, env=clean_env(QACMOCK_DB=str(db)), timeout=60)
    assert seeded.returncode == 0, seeded.stderr
    by_env = subprocess.run([sys.executable, "-m", "mockserver.cli", "digest"], capture_output=True,
                            text=True, env=clean_env(QACMOCK_DB=str(db)), timeout=60)
    by_option = subprocess.run([sys.executable, "-m", "mockserver.cli", "digest", "--db", str(db)],
                               capture_output=True, text=True, env=clean_env(), timeout=60)
    assert by_env.returncode == 0 and by_env.stdout == by_option.stdout and len(by_env.stdout.strip()) == 64
    missing = subprocess.run([sys.executable, "-m", "mockserver.cli", "export", "--out", "-"],
                             capture_output=True, text=True, env=clean_env(), timeout=60)
    assert missing.returncode == 2 and "--db" in missing.stderr
    helped = subprocess.run([sys.executable, "-m", "mockserver.cli", "export", "--help"],
                            capture_output=True, text=True, env=clean_env(), timeout=60)
    assert "QACMOCK_DB" in helped.stdout


def test_the_server_choices_of_serve_are_the_servers_it_has():
    """``--server`` is parsed before the servers are imported (a fast --help): its choices are
    spelled out in cli.py and must stay those of mockserver/server.py, default included."""
    from mockserver import cli
    from mockserver.server import DEFAULT_SERVER, SERVERS

    assert cli.parse(["serve"]).server == DEFAULT_SERVER
    assert set(cli._SERVER_CHOICES) == set(SERVERS)
    for name in SERVERS:
        assert cli.parse(["serve", "--server", name]).server == name
