"""``qacmock serve --workers N``: several processes on one port and one SQLite file."""
from __future__ import annotations

import datetime
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests
import zeep

from .helpers import FAMILY_ALBUM, Soap, auth, start_serve, stop_serve

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes need fork()")


@pytest.fixture
def workers(tmp_path):
    proc, url, log = start_serve(tmp_path, "--db", str(tmp_path / "shared.db"), "--workers", "2",
                                 "--access-log", "off")
    yield proc, url, log, tmp_path / "shared.db"
    stop_serve(proc)


def root(url: str) -> str:
    return url.split("/psws/")[0]


def test_both_workers_answer_and_concurrent_adds_all_land_once(workers):
    proc, url, _, db = workers
    pids = set()
    for _ in range(60):         # a new connection each time: the kernel picks a worker
        pids.add(requests.get(root(url) + "/__admin/health", timeout=10).json()["pid"])
        if len(pids) == 2:
            break
    assert len(pids) == 2 and proc.pid not in pids

    ids, errors = [], []

    def add_many(n):
        soap = Soap(url, "1.1")
        for i in range(n):
            try:
                ids.append(soap.service.Bugs_Add(
                    AuthenticationData=auth(), Bug=soap.new("Bug", Title=f"workers {i}", StatusCode="Active"),
                    SendEmailAlert="N", NewNotes=""))
            except Exception as error:          # reported below, with the others
                errors.append(repr(error))
    threads = [threading.Thread(target=add_many, args=(20,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(ids) == 120 and len(set(ids)) == 120
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT COUNT(*) FROM Bugs WHERE Title LIKE 'workers %' AND ProjId = ?",
                              (FAMILY_ALBUM,)).fetchone()[0]
    assert stored == 120


def test_connections_opened_together_are_spread_across_the_workers(workers):
    """20 connections opened back to back, as a load tool opens them, then a call on each: both
    workers serve some. With one listener shared by the workers, the one that woke first took
    them all in about 1 run of 3 (one worker idle, throughput halved); the kernel's spreading
    across per-worker sockets leaves one empty once in 2^19 runs."""
    _, url, _, _ = workers
    address = urlsplit(url)
    connections = [socket.create_connection((address.hostname, address.port), timeout=10) for _ in range(20)]
    pids = []
    try:
        for connection in connections:
            connection.sendall(f"GET /__admin/health HTTP/1.1\r\nHost: {address.netloc}\r\n"
                               f"Connection: close\r\n\r\n".encode())
        for connection in connections:
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
            pids.append(json.loads(answer.split(b"\r\n\r\n", 1)[1])["pid"])
    finally:
        for connection in connections:
            connection.close()
    assert len(set(pids)) == 2, pids


def pinned(url: str) -> tuple[requests.Session, requests.Session]:
    """Two kept-alive connections, each served by a different worker process."""
    sessions: dict[int, requests.Session] = {}
    for _ in range(200):
        session = requests.Session()
        pid = session.get(root(url) + "/__admin/health", timeout=10).json()["pid"]
        if pid in sessions:
            session.close()
            continue
        sessions[pid] = session
        if len(sessions) == 2:
            return tuple(sessions.values())
    raise AssertionError("the kernel never handed a connection to the second worker")


def admin_of(session: requests.Session, url: str):
    def call(method: str, path: str, **json):
        response = session.request(method, root(url) + "/__admin" + path, json=json or None, timeout=30)
        assert response.status_code < 300, (response.status_code, response.text)
        return response.json()
    return call


def test_fault_rules_journal_and_findings_are_one_for_every_worker(workers):
    """A rule added through one worker acts on the other's calls, ``times`` counts across both,
    and the journal and the conformance report hold the calls of both."""
    _, url, _, _ = workers
    a, b = pinned(url)
    on_a, on_b = admin_of(a, url), admin_of(b, url)
    on_a("POST", "/faults", action="soap_fault", operation="GetVersion", times=3, text="Shared rule.")
    soaps = [Soap(url, "1.1", a), Soap(url, "1.1", b)]
    outcomes = []
    for i in range(6):
        try:
            soaps[i % 2].service.GetVersion()
            outcomes.append("ok")
        except zeep.exceptions.Fault:
            outcomes.append("fault")
    assert outcomes == ["fault"] * 3 + ["ok"] * 3
    [rule] = on_b("GET", "/faults")["rules"]
    assert (rule["matched"], rule["fired"], rule["remaining"]) == (3, 3, 0)
    journal = on_b("GET", "/journal?operation=GetVersion")
    assert [e["fault"] for e in journal["entries"]] == ["Shared rule."] * 3 + [None] * 3
    assert [e["injected"] is not None for e in journal["entries"]] == [True] * 3 + [False] * 3
    assert on_a("GET", "/journal/count?operation=GetVersion&fault=true")["count"] == 3
    assert on_a("GET", "/conformance?operation=GetVersion")["requests"] == 6

    on_b("PUT", "/journal/settings", size=2, bodies=True)
    assert on_a("GET", "/journal/settings") == {"size": 2, "bodies": True, "entries": 2, "dropped": 4}
    soaps[0].service.GetVersion()
    [*_, last] = on_b("GET", "/journal")["entries"]
    assert "GetVersionResult" in last["response"]

    on_b("DELETE", "/faults")
    soaps[0].service.GetVersion()           # the deletion reached the other worker's cache
    on_a("DELETE", "/journal")
    assert on_b("GET", "/journal")["count"] == 0


def test_a_seeded_probability_is_one_stream_across_workers(workers):
    """probability 0.5, seed 42, calls alternating between the workers: the pattern
    random.Random(42) predicts, as with one process."""
    _, url, _, _ = workers
    a, b = pinned(url)
    draws = random.Random(42)
    predicted = [draws.random() < 0.5 for _ in range(20)]
    admin_of(a, url)("POST", "/faults", action="soap_fault", operation="GetVersion", probability=0.5, seed=42)
    soaps = [Soap(url, "1.1", a), Soap(url, "1.1", b)]
    fired = []
    for i in range(20):
        try:
            soaps[i % 2].service.GetVersion()
            fired.append(False)
        except zeep.exceptions.Fault:
            fired.append(True)
    assert fired == predicted


def test_snapshots_reset_clock_and_outbox_are_shared_by_the_workers(workers):
    _, url, _, _ = workers
    a, b = pinned(url)
    on_a, on_b = admin_of(a, url), admin_of(b, url)
    soap_a, soap_b = Soap(url, "1.1", a), Soap(url, "1.1", b)

    def add(soap, title, email="N"):
        return soap.service.Bugs_Add(AuthenticationData=auth(), Bug=soap.new("Bug", Title=title, StatusCode="Active"),
                                     SendEmailAlert=email, NewNotes="")

    started = on_a("GET", "/health")["items"]["Bug"]
    add(soap_a, "before the snapshot")
    assert on_b("POST", "/snapshots", name="one-more")["name"] == "one-more"
    add(soap_b, "after the snapshot")
    assert [s["name"] for s in on_a("GET", "/snapshots")["snapshots"]] == ["one-more"]
    on_a("POST", "/snapshots/one-more/restore")
    assert on_b("GET", "/health")["items"]["Bug"] == started + 1

    frozen = on_b("PUT", "/clock", freeze="2031-05-06T07:08:09")
    assert on_a("GET", "/clock") == frozen
    bug_id = add(soap_a, "made at the frozen time")
    created = soap_b.service.Bugs_Load(AuthenticationData=auth(), BugId=bug_id).DateCreated
    assert created.replace(tzinfo=None) == datetime.datetime(2031, 5, 6, 7, 8, 9)

    subject_before = len(on_b("GET", "/emails")["emails"])
    add(soap_a, "alerted", email="Y")
    assert len(on_b("GET", "/emails")["emails"]) > subject_before

    on_b("POST", "/reset", clock=True)
    assert on_a("GET", "/health")["items"]["Bug"] == started
    assert on_a("GET", "/clock")["controlled"] is False
    assert on_a("GET", "/journal")["count"] == 0
    assert [s["name"] for s in on_b("GET", "/snapshots")["snapshots"]] == ["one-more"]


def test_sigterm_stops_every_worker_and_checkpoints(workers):
    proc, url, log, db = workers
    health = requests.get(root(url) + "/__admin/health", timeout=10).json()
    child = health["pid"]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
    text = log.read_text()
    assert text.count(" ready") >= 2 and "qacmock stopped" in text
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert not db.with_name(db.name + "-control").exists()      # the shared control store goes with them


def test_workers_need_a_database_file(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mockserver.cli", "serve", "--port", "0", "--workers", "2"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode != 0 and "--workers needs --db FILE" in done.stderr
    assert "Traceback" not in done.stderr


def test_sigterm_while_workers_start_stops_them_gracefully(tmp_path):
    """A stop signal that arrives while a worker is still starting is delivered to its graceful
    handler once it has one: every process exits 0, none is left behind."""
    for attempt in range(3):
        log_path = tmp_path / f"starting-{attempt}.log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "mockserver.cli", "serve", "--port", "0", "--workers", "2",
                 "--db", str(tmp_path / f"starting-{attempt}.db"), "--access-log", "off"],
                stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + 20
        while " ready" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signal.SIGTERM)     # the other worker is most likely still starting
        assert proc.wait(timeout=20) == 0, log_path.read_text()
        pids = [int(line.split("(pid ")[1].split(")")[0])
                for line in log_path.read_text().splitlines() if "(pid " in line]
        for pid in pids:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
        assert "Traceback" not in log_path.read_text()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_while_the_data_is_built_stops_cleanly(tmp_path, workers):
    """A stop signal that arrives before the server is up (here while the database is filled,
    once its file exists) is not lost and does not kill the process (exit 143; in a container,
    PID 1 ignored it): the server stops as soon as it can and exits 0."""
    db = tmp_path / "early.db"
    log_path = tmp_path / "early.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mockserver.cli", "serve", "--port", "0", "--workers", workers, "--db", str(db)],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 20
    while not db.exists() and time.monotonic() < deadline:
        time.sleep(0.002)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0, log_path.read_text()
    assert "Traceback" not in log_path.read_text()


def test_a_semaphore_left_taken_by_a_killed_worker_does_not_hang_the_others():
    """The shared counters' semaphore, taken by a process that died holding it: a change is
    still counted, after a second, instead of every worker waiting for ever."""
    from mockserver.store.control import SharedCounters

    counters = SharedCounters()
    pid = os.fork()
    if pid == 0:                        # pragma: no cover - the child dies holding it
        counters._lock.acquire()
        os._exit(0)
    os.waitpid(pid, 0)
    started = time.monotonic()
    counters.changed()
    counters.add_inspected("GetVersion")
    assert counters.version == 1 and counters.inspected() == {"GetVersion": 1}
    assert time.monotonic() - started < 10
