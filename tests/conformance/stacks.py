"""The client stacks of the matrix: what each needs on the machine, how its users build a client
from the served WSDL, and the client-side limitations the matrix documents (docs/conformance.md)."""
from __future__ import annotations

import importlib
import importlib.util
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

CLIENTS = Path(__file__).parent / "clients"


@dataclass(frozen=True)
class Need:
    """Something the stack needs on the machine, and how to install it when it is missing."""
    check: Callable[[], bool]
    install: str


def program(name: str, install: str) -> Need:
    return Need(lambda: shutil.which(name) is not None, install)


def python_module(name: str, install: str) -> Need:
    return Need(lambda: importlib.util.find_spec(name) is not None, install)


def run_build(command: list[str], cwd: Path, timeout: float = 600):
    """A build step; its output is shown when it fails."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"build step {command} failed ({done.returncode}):\n"
                             f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return done


@dataclass(frozen=True)
class Stack:
    name: str
    versions: tuple[str, ...]
    needs: tuple[Need, ...]
    # (work dir, WSDL URL) -> the command that runs the client; CONFIG is appended to it.
    build: Callable[[Path, str], list[str]]
    # (SOAP version, step) -> why this stack cannot do it (a client-side limitation).
    limitations: dict = field(default_factory=dict)
    # SOAP version -> {conformance rule: why the stack's requests break it}, as docs/conformance.md lists them.
    findings: dict = field(default_factory=dict)

    def missing(self) -> list[str]:
        return [need.install for need in self.needs if not need.check()]


def both(findings: dict) -> dict:
    """The same findings in SOAP 1.1 and 1.2."""
    return {"1.1": findings, "1.2": findings}


# What every stack's round trip sends back: Load returns an item's empty strings and empty
# custom-field values as empty elements, and the client writes them back as such.
ECHOED_EMPTY = {"empty-element": "a round trip sends back the empty strings and arrays Load returned as empty elements"}
ECHOED_EMPTY_ARRAY = {"empty-element": "a round trip sends back the empty CustomFields array Load returned, as an empty element"}


def _python_client(script: str):
    def build(work: Path, wsdl_url: str) -> list[str]:
        return [sys.executable, str(CLIENTS / script)]
    return build


ZEEP_12_DETAIL = ("zeep reads a SOAP 1.2 fault's detail only as soap12:Detail; .NET (and the mock) "
                  "write an unqualified <detail>, so Fault.detail is None and Description/@Text is "
                  "out of reach")
ZEEP = Stack("zeep", ("1.1", "1.2"), (python_module("zeep", "pip install zeep"),),
             _python_client("zeep_client.py"),
             {("1.2", step): ZEEP_12_DETAIL for step in ("release_cascade", "wrong_passcode", "delete_bug")},
             both(ECHOED_EMPTY_ARRAY))
SUDS = Stack("suds", ("1.1",), (python_module("suds", "pip install suds-community"),),
             _python_client("suds_client.py"), findings={"1.1": ECHOED_EMPTY_ARRAY})

# Each other stack is declared beside its client, in clients/<name>/stack.py, as STACK.
OTHER_STACKS = ("php", "perl", "node", "csharp", "java", "gsoap")
STACKS = (ZEEP, SUDS) + tuple(
    importlib.import_module(f"{__package__}.clients.{name}.stack").STACK for name in OTHER_STACKS)
