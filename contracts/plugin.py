"""pytest plugin of the contract kit: options, the target fixture, write safety, cleanup.

Every option also reads an environment variable, so CI can configure a run without
arguments:

    --qac-url           QAC_URL           the psws.asmx endpoint (required)
    --qac-email         QAC_EMAIL         a user with every right in the project
    --qac-password      QAC_PASSWORD
    --qac-appcode       QAC_APPCODE       the AppCode (qacmock's default: agSPEnt)
    --qac-project       QAC_PROJECT       project id or name (default: the user's last project)
    --qac-soap          QAC_SOAP          1.1 or 1.2 (default 1.1)
    --qac-allow-writes  QAC_ALLOW_WRITES  allow tests that write against a non-local host
    --qac-second-email  QAC_SECOND_EMAIL  a user without rights in the project (optional)
    --qac-second-password QAC_SECOND_PASSWORD
    --qac-record        QAC_RECORD        write request/response transcripts to this folder
"""
from __future__ import annotations

import os

import pytest

from .recording import Recorder
from .target import OPTIONS, REQUIRED, Settings, Target



def pytest_addoption(parser):
    group = parser.getgroup("qac", "qacmock contract kit")
    for name, env, default, help_text in OPTIONS:
        group.addoption(f"--qac-{name}", default=os.environ.get(env, default),
                        help=f"{help_text} (env {env})")
    group.addoption("--qac-allow-writes", action="store_true",
                    default=os.environ.get("QAC_ALLOW_WRITES", "").lower() in ("1", "true", "yes"),
                    help="allow tests that create, change and delete items against a host that is "
                         "not local (env QAC_ALLOW_WRITES=1)")


def pytest_configure(config):
    config.addinivalue_line("markers", "writes: the test creates, changes or deletes items")
    config.addinivalue_line("markers", "second_user: the test needs --qac-second-email/password")


def _settings(config) -> Settings:
    """The run's settings, read and checked once (every test's setup asks for them)."""
    settings = getattr(config, "_qac_settings", None)
    if settings is None:
        settings = config._qac_settings = _read_settings(config)
    return settings


def _read_settings(config) -> Settings:
    get = config.getoption
    missing = [f"--qac-{n}" for n in REQUIRED if not get(f"qac_{n}")]
    if missing:
        raise pytest.UsageError(f"the contract kit needs {', '.join(missing)} (or their QAC_* variables)")
    if get("qac_soap") not in ("1.1", "1.2"):
        raise pytest.UsageError("--qac-soap must be 1.1 or 1.2")
    return Settings(
        url=get("qac_url").rstrip("/").removesuffix("?WSDL").removesuffix("?wsdl"),
        email=get("qac_email"), password=get("qac_password"), app_code=get("qac_appcode"),
        project=get("qac_project"), soap=get("qac_soap"), allow_writes=get("qac_allow_writes"),
        second_email=get("qac_second_email"), second_password=get("qac_second_password"),
        record=get("qac_record"))


@pytest.fixture(scope="session")
def qac(request):
    """The target: zeep client on its WSDL, the account's IDs, the run tag, cleanup."""
    settings = _settings(request.config)
    recorder = Recorder(settings.record) if settings.record else None
    target = Target(settings, recorder)
    request.config._qac_target = target
    yield target
    if recorder is not None:
        recorder.begin("session-teardown")
    target.clean_up()


def pytest_runtest_setup(item):
    """Skip writing tests against remote hosts unless allowed. This runs before any fixture
    of the test is set up, module-scoped ones that create items included."""
    settings = _settings(item.config)
    if item.get_closest_marker("writes") and not settings.writes_allowed:
        pytest.skip("writes to a non-local host need --qac-allow-writes")
    if item.get_closest_marker("second_user") and not (
            settings.second_email and settings.second_password):
        pytest.skip("needs a second user without rights: --qac-second-email and --qac-second-password")


@pytest.fixture(autouse=True)
def _qac_transcript(request):
    """Name each test's transcripts after it."""
    target = getattr(request.config, "_qac_target", None)
    if target is None and "qac" in request.fixturenames:
        target = request.getfixturevalue("qac")
    if target is not None and target.recorder is not None:
        target.recorder.begin(request.node.nodeid)
    yield


def pytest_terminal_summary(terminalreporter, config):
    target = getattr(config, "_qac_target", None)
    if target is None:
        return
    terminalreporter.section("qacmock contract kit")
    terminalreporter.write_line(f"target {target.settings.url} (SOAP {target.settings.soap}), run tag {target.tag}")
    if target.leftovers:
        terminalreporter.write_line(f"{len(target.leftovers)} item(s) could NOT be deleted:", red=True)
        for created, why in target.leftovers:
            terminalreporter.write_line(f"  {created.prefix} {created.item_id} in project {created.proj_id}: {why}")
    else:
        terminalreporter.write_line("every item the run created was deleted" + (
            ", but for those kept below" if target.kept else ""))
    kinds = {}
    for created, why in target.kept:      # the items SOAP cannot delete, per kind
        kinds.setdefault((created.prefix, why), []).append(str(created.item_id))
    for (prefix, why), ids in kinds.items():
        terminalreporter.write_line(f"kept {len(ids)} {prefix} ({', '.join(ids)}): {why}")
