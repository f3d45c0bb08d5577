"""Every step of the conformance scenario (README.md beside this file), for every client stack
and SOAP version: each run gets its own fresh mock, and each step is checked on the mock's side
too. A stack whose toolchain is missing is skipped with the package to install."""
from __future__ import annotations

import os
import subprocess

import requests
from pathlib import Path

import pytest

from mockserver.app import QacMock

from ..conftest import LiveServer
from .scenario import (CHECKS, STEPS, Run, config, expected_page, parse_report, prepare_ci_reporter,
                       write_config)
from .stacks import STACKS

CLIENT_TIMEOUT = 300
REQUIRE_STACKS = "QACMOCK_REQUIRE_STACKS"


class Runs:
    """Client builds (one per stack) and runs (one per stack and version), made on first use."""

    def __init__(self, tmp_factory, wsdl_url: str):
        self.tmp_factory, self.wsdl_url = tmp_factory, wsdl_url
        self.commands, self.runs, self.servers = {}, {}, []

    def command(self, stack) -> list[str]:
        if stack.name not in self.commands:
            missing = stack.missing()
            if missing:
                # CI installs every toolchain (.ci/run): there a missing one is a failure, not a skip.
                outcome = pytest.fail.Exception if os.environ.get(REQUIRE_STACKS) else pytest.skip.Exception
                self.commands[stack.name] = outcome(
                    f"{stack.name} is not installed here: {'; '.join(missing)}")
            else:
                try:
                    self.commands[stack.name] = stack.build(self.tmp_factory.mktemp(stack.name), self.wsdl_url)
                except Exception as error:          # every step of the stack reports it
                    self.commands[stack.name] = error
        outcome = self.commands[stack.name]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def run(self, stack, version: str) -> Run:
        key = (stack.name, version)
        if key not in self.runs:
            command = self.command(stack)
            server = LiveServer(QacMock(":memory:", journal_bodies=True, access_log="off"))
            self.servers.append(server)
            ci = prepare_ci_reporter(server.url)
            settings = config(server.url, version, ci)
            expected = expected_page(server.url, settings)
            path = self.tmp_factory.mktemp(f"{stack.name}-{version}") / "config.properties"
            write_config(path, settings)
            # Only the client's own requests are judged, not the setup's.
            requests.delete(server.base + "/__admin/conformance", timeout=10).raise_for_status()
            done = subprocess.run(command + [str(path)], capture_output=True, text=True,
                                  encoding="utf-8", timeout=CLIENT_TIMEOUT)
            output = f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
            conformance = requests.get(server.base + "/__admin/conformance", timeout=10).json()
            self.runs[key] = Run(stack.name, version, server.url, server.base, settings, expected, ci,
                                 parse_report(done.stdout), output, conformance)
        return self.runs[key]

    def close(self):
        for server in self.servers:
            server.close()


@pytest.fixture(scope="session")
def runs(tmp_path_factory, live):
    runs = Runs(tmp_path_factory, live.url + "?WSDL")
    yield runs
    runs.close()


def _cases():
    for stack in STACKS:
        for version in stack.versions:
            for step in STEPS:
                marks = [pytest.mark.xdist_group(f"conformance-{stack.name}")]
                reason = stack.limitations.get((version, step))
                if reason:
                    marks.append(pytest.mark.xfail(reason=reason, strict=True))
                yield pytest.param(stack, version, step, marks=marks,
                                   id=f"{stack.name}-soap{version.replace('.', '')}-{step}")


@pytest.mark.parametrize("stack, version, step", list(_cases()))
def test_step(runs, stack, version, step):
    CHECKS[step](runs.run(stack, version))


def _stack_versions():
    for stack in STACKS:
        for version in stack.versions:
            yield pytest.param(stack, version, marks=[pytest.mark.xdist_group(f"conformance-{stack.name}")],
                               id=f"{stack.name}-soap{version.replace('.', '')}")


@pytest.mark.parametrize("stack, version", list(_stack_versions()))
def test_findings(runs, stack, version):
    """How the stack's requests deviate from the contract: exactly what its declaration and
    docs/conformance.md say (an empty set: it sends what the contract describes)."""
    report = runs.run(stack, version).conformance
    found = {rule["rule"]: rule for rule in report["rules"]}
    expected = stack.findings.get(version, {})
    assert set(found) == set(expected), "\n".join(
        f"{r['rule']} ({r['severity']}) ×{r['count']}: " + "; ".join(
            f"{f['path']}: {f['message']} {f['evidence']}" for f in report["findings"] if f["rule"] == r["rule"])[:600]
        for r in found.values())
    if "empty-element" in found:
        # Only echoes of what Load returned: an Add, a criteria call or a login writes none.
        echoed = {f["operation"] for f in report["findings"] if f["rule"] == "empty-element"}
        assert all(op.endswith("_Update") for op in echoed), echoed
    assert findings_row(stack.name, version, expected) in DOC.read_text(encoding="utf-8"), \
        f"docs/conformance.md lacks the row: {findings_row(stack.name, version, expected)}"


DOC = Path(__file__).resolve().parents[2] / "docs" / "conformance.md"


def findings_row(stack: str, version: str, expected: dict) -> str:
    """docs/conformance.md's row for a stack and SOAP version."""
    rules = "; ".join(f"`{rule}`: {why}" for rule, why in sorted(expected.items())) or "none"
    return f"| {stack} | {version} | {rules} |"
