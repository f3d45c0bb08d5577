"""Every step of the conformance scenario (README.md beside this file), for every client stack
and SOAP version: each run gets its own fresh mock, and each step is checked on the mock's side
too. A stack whose toolchain is missing is skipped with the package to install."""
from __future__ import annotations

import os
import subprocess

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
            done = subprocess.run(command + [str(path)], capture_output=True, text=True,
                                  encoding="utf-8", timeout=CLIENT_TIMEOUT)
            output = f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
            self.runs[key] = Run(stack.name, version, server.url, server.base, settings, expected, ci,
                                 parse_report(done.stdout), output)
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
