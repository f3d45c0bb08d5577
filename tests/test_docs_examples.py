"""The Python examples of the docs, run as a user would paste them, against a live mock."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.app import QacMock

from .conftest import LiveServer

DOCS = Path(__file__).resolve().parents[1] / "docs"


def python_blocks(page: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(encoding="utf-8"), re.S)


@pytest.fixture
def fresh():
    """Its own mock: the example starts a run of the seeded set and must find it as seeded."""
    server = LiveServer(QacMock(":memory:"))
    yield server
    server.close()


def test_the_ci_reporter_example_of_the_test_management_page_runs(fresh, tmp_path):
    (example,) = python_blocks("test-management.md")
    script = tmp_path / "reporter.py"
    script.write_text(example.replace("http://127.0.0.1:8080/psws/psws.asmx", fresh.url), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Passed"
