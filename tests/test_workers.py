"""``qacmock serve --workers N``: several processes on one port and one SQLite file."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
import requests

from .helpers import FAMILY_ALBUM, Soap, auth, json_error, start_serve, stop_serve

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


def test_per_process_admin_state_is_refused_and_reset_works_for_all(workers):
    _, url, _, _ = workers
    for path in ("/__admin/journal", "/__admin/faults", "/__admin/snapshots"):
        assert "worker processes" in json_error(requests.get(root(url) + path, timeout=10), 409)
    before = requests.get(root(url) + "/__admin/health", timeout=10).json()["items"]["Bug"]
    soap = Soap(url, "1.1")
    soap.service.Bugs_Add(AuthenticationData=auth(), Bug=soap.new("Bug", Title="to be reset", StatusCode="Active"),
                          SendEmailAlert="N", NewNotes="")
    assert requests.post(root(url) + "/__admin/reset", timeout=30).status_code == 200
    for _ in range(10):          # whichever worker answers sees the reset file
        assert requests.get(root(url) + "/__admin/health", timeout=10).json()["items"]["Bug"] == before


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
