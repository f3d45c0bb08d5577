"""pytest fixtures for users of the mock: ``pytest -p mockserver.control.pytest_plugin``.

    --qacmock-url URL   (env QACMOCK_URL)   where the mock runs, e.g. http://localhost:8080
    --qacmock-token T   (env QACMOCK_ADMIN_TOKEN)

Fixtures:
    ``qacmock_admin``    an AdminClient for the session
    ``qacmock_reset``    resets the mock (data, journal, fault rules) before the test; use it, or
                         add it to ``usefixtures``, where tests must start from the seeded data
    ``qacmock_journal``  clears the journal before the test and returns the client, for
                         ``qacmock_journal.assert_called("Bugs_Add", times=1)``
    ``qacmock_faults``   the client, with every fault rule deleted after the test, for
                         ``qacmock_faults.add_fault("drop", "Bugs_Load", times=1)``
"""
from __future__ import annotations

import os

import pytest

from .client import AdminClient


def pytest_addoption(parser):
    group = parser.getgroup("qacmock", "qacmock admin API")
    group.addoption("--qacmock-url", default=os.environ.get("QACMOCK_URL"),
                    help="base URL of a running qacmock (env QACMOCK_URL)")
    group.addoption("--qacmock-token", default=os.environ.get("QACMOCK_ADMIN_TOKEN"),
                    help="its admin token, if it has one (env QACMOCK_ADMIN_TOKEN)")


@pytest.fixture(scope="session")
def qacmock_admin(request) -> AdminClient:
    url = request.config.getoption("qacmock_url")
    if not url:
        pytest.exit("qacmock fixtures need --qacmock-url or QACMOCK_URL", returncode=pytest.ExitCode.USAGE_ERROR)
    return AdminClient(url, request.config.getoption("qacmock_token"))


@pytest.fixture
def qacmock_reset(qacmock_admin) -> AdminClient:
    qacmock_admin.reset()
    return qacmock_admin


@pytest.fixture
def qacmock_journal(qacmock_admin) -> AdminClient:
    qacmock_admin.clear_journal()
    return qacmock_admin


@pytest.fixture
def qacmock_faults(qacmock_admin):
    yield qacmock_admin
    qacmock_admin.clear_faults()
