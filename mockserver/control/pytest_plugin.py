"""pytest fixtures for users of the mock, registered by the package (entry point ``pytest11``):
installing qacmock is enough, no ``-p`` and no conftest.

    --qacmock-url URL   (env QACMOCK_URL)   use the mock running there, e.g. http://localhost:8080;
                                             without it, the plugin starts its own
    --qacmock-token T   (env QACMOCK_ADMIN_TOKEN)

Fixtures:
    ``qacmock``          the session's mock: ``.url`` (the psws.asmx endpoint), ``.wsdl_url``,
                         ``.admin`` (an AdminClient). Unless a URL is given, a ``qacmock serve``
                         on a free loopback port with fresh in-memory default data, stopped at
                         the end of the session; under pytest-xdist each worker starts its own.
    ``qacmock_admin``    its AdminClient
    ``qacmock_reset``    resets the mock (data, journal, fault rules) before the test; use it, or
                         add it to ``usefixtures``, where tests must start from the seeded data
    ``qacmock_journal``  clears the journal before the test and returns the client, for
                         ``qacmock_journal.assert_called("Bugs_Add", times=1)``
    ``qacmock_faults``   the client, with every fault rule deleted after the test, for
                         ``qacmock_faults.add_fault("drop", "Bugs_Load", times=1)``
    ``qacmock_clock``    the client, with the server's clock given back to the machine after the
                         test, for ``qacmock_clock.freeze_clock("2026-03-01T09:00:00")``
    ``qacmock_logs``     forgets the DbLogs and PerfLogs written so far and returns the client, for
                         ``qacmock_logs.logs()["db"]``
    ``qacmock_emails``   empties the outbox before the test and returns the client, for
                         ``qacmock_emails.assert_emailed(to="ada@example.com", subject="updated")``
    ``qacmock_conformance``  forgets the conformance findings before the test; after it, fails
                         the test when a request the test made would be refused by the real
                         service, and lists the tolerated deviations and notes as a warning
                         (``qacmock_conformance.assert_conformant("tolerated")`` is stricter)
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass

import pytest

from .client import AdminApiError, AdminClient

START_TIMEOUT = 60
SERVING = "serving psws.asmx at "


@dataclass
class RunningMock:
    url: str                                    # the psws.asmx endpoint
    admin: AdminClient
    process: subprocess.Popen | None = None     # None: a mock someone else runs

    @property
    def wsdl_url(self) -> str:
        return self.url + "?WSDL"


def endpoint(url: str) -> str:
    """The psws.asmx endpoint of a URL naming the server's root or the service itself."""
    url = url.split("?")[0].rstrip("/")
    return url if url.lower().endswith(".asmx") else url + "/psws/psws.asmx"


def pytest_addoption(parser):
    group = parser.getgroup("qacmock", "qacmock mock server")
    group.addoption("--qacmock-url", default=os.environ.get("QACMOCK_URL"),
                    help="use the qacmock running at this URL instead of starting one (env QACMOCK_URL)")
    group.addoption("--qacmock-token", default=os.environ.get("QACMOCK_ADMIN_TOKEN"),
                    help="its admin token, if it has one (env QACMOCK_ADMIN_TOKEN)")


def _connect(url: str, token: str | None) -> RunningMock:
    admin = AdminClient(url, token)
    try:
        admin.health()
    except AdminApiError:
        pass            # it answers (a 401 or a disabled admin API is still a server)
    except OSError as error:
        pytest.exit(f"qacmock: no mock answers at {url} ({getattr(error, 'reason', error)}). "
                    f"Start one there, or unset QACMOCK_URL / --qacmock-url and the plugin starts "
                    f"its own.", returncode=pytest.ExitCode.USAGE_ERROR)
    return RunningMock(endpoint(url), admin)


def start_mock() -> RunningMock:
    """``qacmock serve`` in a subprocess, as a user runs it, on a free port with fresh data.
    Its own process: the test session's warning filters and environment are not its business."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QACMOCK_") and k != "PYTHONWARNINGS"}
    # The child keeps its own handle on the (unlinked) log file; ours is closed once it is ready.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "mockserver.cli", "serve", "--host", "127.0.0.1", "--port", "0",
             "--db", ":memory:", "--access-log", "off"],
            stdout=log, stderr=subprocess.STDOUT, env={**env, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            log.seek(0)
            for line in log.read().splitlines():
                if SERVING in line:
                    url = line.split(SERVING)[1].split(" ")[0]
                    return RunningMock(url, AdminClient(url), process)
            time.sleep(0.05)
        stop_mock(process)
        log.seek(0)
        output = log.read()[-3000:]
    pytest.exit(f"qacmock: the mock did not start:\n{output}", returncode=pytest.ExitCode.INTERNAL_ERROR)


def stop_mock(process: subprocess.Popen):
    if process.poll() is None:
        process.terminate()         # the graceful stop: calls in flight are answered
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def qacmock(request) -> RunningMock:
    url = request.config.getoption("qacmock_url")
    if url:
        yield _connect(url, request.config.getoption("qacmock_token"))
        return
    mock = start_mock()
    try:
        yield mock
    finally:
        stop_mock(mock.process)


@pytest.fixture(scope="session")
def qacmock_admin(qacmock) -> AdminClient:
    return qacmock.admin


@pytest.fixture
def qacmock_reset(qacmock_admin) -> AdminClient:
    qacmock_admin.reset()
    return qacmock_admin


@pytest.fixture
def qacmock_journal(qacmock_admin) -> AdminClient:
    qacmock_admin.clear_journal()
    return qacmock_admin


@pytest.fixture
def qacmock_clock(qacmock_admin):
    yield qacmock_admin
    qacmock_admin.release_clock()


@pytest.fixture
def qacmock_logs(qacmock_admin) -> AdminClient:
    qacmock_admin.clear_logs()
    return qacmock_admin


@pytest.fixture
def qacmock_emails(qacmock_admin) -> AdminClient:
    qacmock_admin.clear_emails()
    return qacmock_admin


class QacmockConformanceWarning(UserWarning):
    """A request deviated from the QAComplete contract in a way the real service tolerates."""


@pytest.fixture
def qacmock_conformance(qacmock_admin):
    qacmock_admin.clear_conformance()
    yield qacmock_admin
    from .conformance_report import render

    report = qacmock_admin.conformance()
    if report["by_severity"]["refused"]:
        pytest.fail("requests the real QAComplete would refuse:\n" + render(report, "text"), pytrace=False)
    if report["findings_total"]:
        warnings.warn(QacmockConformanceWarning("requests deviate from the contract:\n" + render(report, "text")),
                      stacklevel=1)


@pytest.fixture
def qacmock_faults(qacmock_admin):
    yield qacmock_admin
    qacmock_admin.clear_faults()
