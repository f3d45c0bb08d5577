"""The pytest plugin as a user's suite meets it (issue 13): installed with the package, no -p and
no conftest; the ``qacmock`` fixture starts a mock by itself, or uses QACMOCK_URL's; one clear
error when that URL answers nothing; pytest-xdist and ``-W error``. Each case runs pytest in a
subprocess on a user's folder, as the user would."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from .helpers import start_serve, stop_serve

USER_TESTS = '''
import zeep

NS = "http://www.pragmaticsw.com/"
AUTH = {{"AppCode": "agSPEnt", "DeptId": 7154, "ProjId": 10372, "UserId": 25315, "PassCode": "p@ssword"}}


def test_records_the_mock(qacmock):
    with open("{record}." + __import__("os").environ.get("PYTEST_XDIST_WORKER", "main"), "a") as f:
        f.write(f"{{qacmock.url}} {{qacmock.process.pid if qacmock.process else 0}}\\n")


def test_zeep_adds_a_defect(qacmock, qacmock_reset):
    client = zeep.Client(qacmock.wsdl_url)
    bug = client.get_type("{{%s}}Bug" % NS)(Title="from a user's suite", StatusCode="Active", BugId=0,
        AssigneeUserId=0, FolderId=0, UpdateUserId=0, ClosedBy=0, ResolvedBy=0, PctComplete=0,
        ActHrs=0, EstHrs=0, EstHrsRemaining=0, **{{name: __import__("datetime").datetime(1, 1, 1) for name in (
            "DateCreated", "DateOpened", "DateUpdated", "DateClosed", "ActStart", "ActFinish", "EstStart",
            "EstFinish", "DateResolved")}})
    assert client.service.Bugs_Add(AuthenticationData=AUTH, Bug=bug, SendEmailAlert="N") > 0
    qacmock_reset.assert_called("Bugs_Add", times=1)


def test_reset_undid_the_other_test(qacmock_reset):
    assert qacmock_reset.journal() == []
'''


def user_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("QACMOCK_") and k not in ("PYTHONWARNINGS", "PYTEST_ADDOPTS")
           and not k.startswith("PYTEST_XDIST")}
    return {**env, **extra}


def run_user_suite(folder, *args, env=None) -> subprocess.CompletedProcess:
    """pytest in a user's folder: no conftest, no ini of ours, no -p."""
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                          cwd=folder, capture_output=True, text=True, timeout=180, env=env or user_env())


@pytest.fixture
def user_folder(tmp_path):
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / "test_user.py").write_text(USER_TESTS.format(record=tmp_path / "mock"))
    return folder


def recorded(folder) -> list[tuple[str, int]]:
    lines = []
    for path in sorted(folder.parent.glob("mock.*")):
        for line in path.read_text().splitlines():
            url, pid = line.split()
            lines.append((url, int(pid)))
    return lines


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_user_suite_gets_a_mock_with_no_setup_and_under_warnings_as_errors(user_folder):
    result = run_user_suite(user_folder, "-W", "error")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout and "warning" not in result.stdout.lower()
    [(url, pid)] = recorded(user_folder)
    assert url.startswith("http://127.0.0.1:") and url.endswith("/psws/psws.asmx")
    assert pid > 0 and gone(pid), "the mock the plugin started outlived the session"


def test_each_xdist_worker_starts_its_own_mock(user_folder):
    result = run_user_suite(user_folder, "-n", "2", "-p", "xdist", "-W", "error")
    assert result.returncode == 0, result.stdout + result.stderr
    mocks = recorded(user_folder)
    assert mocks, result.stdout
    assert all(gone(pid) for _, pid in mocks)
    workers = list(user_folder.parent.glob("mock.gw*"))
    assert len({url for url, _ in mocks}) == len(workers) >= 1


def test_qacmock_url_names_the_mock_to_use(user_folder, tmp_path):
    proc, url, _ = start_serve(tmp_path, "--access-log", "off", env=user_env())
    try:
        result = run_user_suite(user_folder, env=user_env(QACMOCK_URL=url.split("/psws/")[0]))
        assert result.returncode == 0, result.stdout + result.stderr
        assert recorded(user_folder) == [(url, 0)]
    finally:
        stop_serve(proc)


@pytest.mark.parametrize("how", ["env", "option"])
def test_an_unreachable_mock_is_one_clear_error(user_folder, how):
    dead = "http://127.0.0.1:9"          # discard: nothing answers
    if how == "env":
        result = run_user_suite(user_folder, env=user_env(QACMOCK_URL=dead))
    else:
        result = run_user_suite(user_folder, "--qacmock-url", dead)
    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output
    assert output.count(f"qacmock: no mock answers at {dead}") == 1, output
    assert "Traceback" not in output and "URLError" not in output


def test_the_plugin_is_registered_by_the_package():
    from importlib.metadata import entry_points

    [plugin] = [ep for ep in entry_points(group="pytest11") if ep.value == "mockserver.control.pytest_plugin"]
    assert plugin.name == plugin.value


# What the README's outbox example calls "run_my_nightly_job": the user's code, sending a report.
NIGHTLY_JOB = textwrap.dedent('''
    import zeep

    def run_my_nightly_job(wsdl):
        auth = {"AppCode": "agSPEnt", "DeptId": 7154, "ProjId": 10372, "UserId": 25315, "PassCode": "p@ssword"}
        zeep.Client(wsdl).service.SendEmail(auth, "ci@example.com", "QA <qa@example.com>", "",
                                            "Nightly run", "All green: 212 tests")

''')


@pytest.mark.parametrize("fixture, preamble", [("qacmock_emails", NIGHTLY_JOB), ("qacmock_clock", ""),
                                               ("qacmock_logs", ""), ("qacmock_conformance", "")])
def test_the_readme_examples_run_in_a_user_suite(tmp_path, fixture, preamble):
    """README's example of each fixture, pasted into a user's suite as it stands."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    (example,) = [block for block in re.findall(r"```python\n(.*?)```", readme, re.S) if f"{fixture})" in block]
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / f"test_{fixture}.py").write_text(preamble + example, encoding="utf-8")
    result = run_user_suite(folder, "-W", "error")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
