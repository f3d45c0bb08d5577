"""How fast the mock serves psws.asmx under load, next to bare spyne, WireMock and static floors.

    .venv/bin/python benchmarks/performance.py [--duration 8] [--connections 1,8,32]
        [--quick] [--skip-wiremock] [--server NAME] [--out docs/performance.md]

Everything is measured side by side in ONE run, so the ratios compare like with like:

1. The mock: ``python -m mockserver.cli serve --db FILE --access-log off`` (otherwise its
   defaults: 8 threads, journal of 1,000 calls, admin API on; ``--server NAME`` is passed on
   only when given) on a database made by ``qacmock seed --scale 1000``, in a subprocess. wrk
   (one thread) drives GetLoginInfo, Bugs_Load, Bugs_Add, Bugs_Update (the full Bug of a
   Bugs_Load answer, sent back) and Bugs_LoadByCriteria (a full page of 200 defects) at 1, 8
   and 32 connections. Every request body is checked to answer HTTP 200 before wrk runs.
2. Bare spyne (``benchmarks/bare_spyne.py``): one spyne Bugs_Load operation, plain Soap11,
   waitress with 8 threads, answering the same Bug; no authentication, no database.
3. Static floors (``benchmarks/static_floor.py``): a WSGI app that reads the body and answers
   the mock's exact Bugs_Load or 200-defect Bugs_LoadByCriteria bytes, on waitress (8 threads)
   and on granian (1 worker, 8 blocking threads): what each HTTP server does with no work.
4. The lxml floor, in-process: the same 200-defect Bugs_LoadByCriteriaResponse built with
   etree.SubElement per field and serialised, and the SQL of that page (Store.load_page),
   each the median of 50 runs; compared with the mock's p50 for that page at 1 connection.
5. WireMock standalone (from the npm package ``wiremock``, installed into benchmarks/.tools
   on first use), each stub answering the mock's exact bytes: what a WireMock user would set
   up, ``POST /psws/psws.asmx`` with a ``matchesXPath`` body pattern on the operation and its
   BugId (Bugs_Load) or PageNumber (Bugs_LoadByCriteria), checked to answer 404 to another
   BugId / PageNumber; and, for comparison, a stub matching method and URL only, with its
   defaults (request journal on) and again with ``--no-request-journal``. Each JVM is warmed
   by a 20 s unrecorded run first (JIT: its XPath matching is still speeding up after 5 s).
6. Cold start: ``serve`` on :memory: from launch to the first GetVersion answer, and WireMock
   (the XPath Bugs_Load stub) from launch to the first Bugs_Load answer; 5 starts each, in turn.
7. Memory: a fresh mock answers Bugs_Load (8 connections) until 100,000 calls; VmRSS and
   VmHWM are read from /proc after every slice.

The Bugs_Load points of the mock, bare spyne, the static floors and WireMock are interleaved
(for each connection count, each server in turn), and so are the Bugs_LoadByCriteria points of
the mock, WireMock's 200-defect stub and the floors. ``--quick`` is a smoke run: short points,
fewer repetitions, 5,000 calls for the memory series; its figures are not for comparison.
The report's "Goals" table holds issue 19's goals, each from points of this run.

Needs wrk (``apt-get install wrk``); Java 17+ and npm for WireMock (or ``--skip-wiremock``);
granian for its static floor (skipped when missing); matplotlib for the plot
(``pip install -e '.[bench]'``). Writes docs/performance.md and docs/performance.png; the
report's ``## Analysis`` section, if present, is kept as it is.
"""
from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import copy
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from lxml import etree  # noqa: E402

from common import machine  # noqa: E402

HERE = Path(__file__).resolve().parent
OUTPUT = ROOT / "docs" / "performance.md"
TOOLS = HERE / ".tools"
LUA = HERE / "wrk" / "soap.lua"
SERVICE_PATH = "/psws/psws.asmx"

NS = "http://www.pragmaticsw.com/"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"

ADMIN_EMAIL, PASSWORD, ADMIN_ID = "admin@example.com", "p@ssword", 25315
APP_CODE, DEPT, FAMILY_ALBUM = "agSPEnt", 7154, 10372
SEED_SCALE = 1000
PAGE = 200
SERVER_THREADS = 8
# A condition every defect meets, so the page is full: BugId > 0 (entity-encoded on the wire).
CONDITION = (f'<Conditions xmlns:xsi="{XSI}" xmlns:xsd="{XSD}" Operation="opGT">'
             f'<Items Type="tField"><Value xsi:type="xsd:string">BugId</Value></Items>'
             f'<Items Type="tConst"><Value xsi:type="xsd:int">0</Value></Items></Conditions>')

MOCK_OPS = ("GetLoginInfo", "Bugs_Load", "Bugs_LoadByCriteria", "Bugs_Update", "Bugs_Add")
MOCK, SPYNE = "mock", "bare spyne"
# The mock with one Python thread: the fastest for plain traffic, not the default, since a delay
# rule or a client sending its body slowly then holds up every other call.
MOCK_ONE = "mock, --threads 1"
# Two processes sharing the port, the data and the control plane (journal, fault rules...): how
# the mock scales across this machine's cores.
MOCK_WORKERS = "mock, --workers 2"
WIREMOCK_XPATH = "WireMock, XPath stub"
WIREMOCK, WIREMOCK_NJ = "WireMock, URL stub", "WireMock, URL stub, no journal"
HTTP_SERVERS = ("waitress", "granian")      # what the mock can be served by (serve --server)
FLOORS = {name: f"static floor, {name}" for name in HTTP_SERVERS}
# The floor runs each server as `qacmock serve` does by default: serve's --threads Python threads
# (waitress's threads; granian's blocking threads, in one worker with one runtime thread).
FLOOR_THREADS = {"waitress": SERVER_THREADS, "granian": SERVER_THREADS}
SERVER_ORDER = (MOCK, MOCK_ONE, MOCK_WORKERS, SPYNE, *FLOORS.values(), WIREMOCK_XPATH, WIREMOCK, WIREMOCK_NJ)

# What a WireMock user stubbing psws.asmx matches: the operation element and its argument.
XPATHS = {"Bugs_Load": "//*[local-name()='Bugs_Load']/*[local-name()='BugId' and text()='{}']",
          "Bugs_LoadByCriteria": "//*[local-name()='Bugs_LoadByCriteria']"
                                 "/*[local-name()='PageNumber' and text()='{}']"}

TARGETS = {"spyne": 0.8, "wiremock": 1.0, "rss_mb": 150.0, "growth_mb": 5.0, "cold_s": 1.0}
# Issue 19's goals: ratios of points of the same run, except "writes", which compares with
# WRITES_BASELINE.
GOALS = {"wiremock_xpath": 2.0, "floor": 0.5, "lbc_wiremock": 1.0, "writes": 3.0, "p99_ms": 20.0,
         "p99_connections": 32, "cold_vs_wiremock": 0.5}
# "3x today's" Bugs_Add and Bugs_Update: req/s by connection count in docs/performance.md as
# committed at 135a05f (a full run of 2026-12-02 on the 2-core AMD EPYC machine, waitress).
# Another run, so these ratios carry that run's noise too.
WRITES_BASELINE_COMMIT = "135a05f"
WRITES_BASELINE = {"Bugs_Add": {1: 917.9, 8: 880.1, 32: 784.8},
                   "Bugs_Update": {1: 529.7, 8: 507.9, 32: 483.9}}


class Abort(Exception):
    """A precondition or a check failed: the message says what and how to fix it."""


# -- processes ------------------------------------------------------------------------------

_RUNNING: list["Server"] = []


class Server:
    """A subprocess with its output in a log file; ``stop`` ends it (SIGTERM, then SIGKILL)."""

    def __init__(self, name: str, cmd: list[str], log_path: Path, env: dict | None = None):
        self.name, self.cmd, self.log_path = name, cmd, log_path
        self.log = open(log_path, "wb")
        try:
            self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=ROOT, env=env)
        except OSError as error:
            self.log.close()
            raise Abort(f"cannot start {name} ({cmd[0]}): {error}") from None
        _RUNNING.append(self)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join("    " + line for line in text[-lines:])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if not self.log.closed:
            self.log.close()
        if self in _RUNNING:
            _RUNNING.remove(self)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process and its descendants (all their threads) so
        far: granian answers from a worker process it spawns."""
        total, found = 0, False
        for pid in process_tree(self.pid):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue                        # gone meanwhile
            rest = stat.rsplit(")", 1)[1].split()
            total, found = total + int(rest[11]) + int(rest[12]), True
        return total / os.sysconf("SC_CLK_TCK") if found else float("nan")

    def settle(self, limit: float = 30.0, idle: float = 0.1, window: float = 0.25) -> float:
        """Wait until the process is idle (under ``idle`` of a core over ``window`` seconds),
        at most ``limit`` seconds; the seconds waited. A server keeps working on the calls
        queued when wrk stopped; that work must not fall into the next point."""
        started = time.monotonic()
        while time.monotonic() - started < limit and self.alive():
            before = self.cpu_seconds()
            time.sleep(window)
            if self.cpu_seconds() - before < idle * window:
                break
        return time.monotonic() - started

    def memory_kb(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) in kB, summed over the process and its descendants (one process for
        waitress; for a tree, the summed peaks bound the tree's peak from above)."""
        values = {"VmRSS": 0, "VmHWM": 0}
        for pid in process_tree(self.pid):
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    key, _, rest = line.partition(":")
                    if key in values:
                        values[key] += int(rest.split()[0])
        return values["VmRSS"], values["VmHWM"]


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants, from /proc/PID/task/TID/children."""
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo += [int(child) for child in (task / "children").read_text().split()]
    return pids


def _stop_all():
    for server in list(_RUNNING):
        with contextlib.suppress(Exception):
            server.stop()


atexit.register(_stop_all)


def _interrupted(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CLK_TCK = os.sysconf("SC_CLK_TCK")
BUSY_LIMIT = 0.25        # cores other processes may use during a point before it is flagged


def system_busy_seconds() -> float:
    """CPU seconds all processes have used since boot (all cores; /proc/stat): user, nice and
    system time. Interrupt time is left out: it is charged to no process (and loopback
    networking at thousands of requests a second makes plenty of it)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:4]]
    return sum(values) / CLK_TCK


def own_seconds() -> tuple[float, float]:
    """(this process's CPU seconds, its waited-for children's: wrk's after each run)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def wait_quiet(limit: float, window: float = 0.5) -> tuple[float, float]:
    """Wait, at most ``limit`` seconds, until processes other than this one use under
    BUSY_LIMIT cores over ``window`` seconds (the servers are idle by then: see ``settle``).
    (seconds waited, the cores other processes used in the last window)."""
    started = time.monotonic()
    while True:
        busy, (me, _) = system_busy_seconds(), own_seconds()
        time.sleep(window)
        others = (system_busy_seconds() - busy - (own_seconds()[0] - me)) / window
        if others < BUSY_LIMIT or time.monotonic() - started >= limit:
            return time.monotonic() - started, others


def wait_ready(server: Server, check, timeout: float, what: str):
    """Poll ``check()`` (True when ready) until ``timeout``; abort with the log if the server
    exits or never gets ready."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if not server.alive():
            raise Abort(f"{server.name} exited with code {server.proc.returncode} before {what}; "
                        f"its log ({server.log_path}):\n{server.log_tail()}")
        try:
            if check():
                return
        except requests.RequestException as error:
            last_error = error
        time.sleep(0.05)
    raise Abort(f"{server.name} did not get ready ({what}) within {timeout:.0f} s"
                f"{f' (last error: {last_error})' if last_error else ''}; its log:\n{server.log_tail()}")


def clean_env() -> dict:
    """This environment without QACMOCK_* variables, so ``serve`` runs on its defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QACMOCK_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


# -- SOAP bodies ------------------------------------------------------------------------------

def envelope(inner: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:xsi="{XSI}" '
            f'xmlns:xsd="{XSD}" xmlns:soap="{SOAP11}"><soap:Body>{inner}</soap:Body>'
            f'</soap:Envelope>').encode("utf-8")


def auth_xml(proj_id: int, dept_id: int = DEPT) -> str:
    return (f"<AuthenticationData><AppCode>{APP_CODE}</AppCode><DeptId>{dept_id}</DeptId>"
            f"<ProjId>{proj_id}</ProjId><UserId>{ADMIN_ID}</UserId><PassCode>{PASSWORD}</PassCode>"
            f"</AuthenticationData>")


def body_login() -> bytes:
    return envelope(f'<GetLoginInfo xmlns="{NS}"><AppCode></AppCode><Email>{ADMIN_EMAIL}</Email>'
                    f'<Password>{PASSWORD}</Password></GetLoginInfo>')


def body_load(bug_id: int, proj_id: int = FAMILY_ALBUM) -> bytes:
    return envelope(f'<Bugs_Load xmlns="{NS}">{auth_xml(proj_id)}<BugId>{bug_id}</BugId></Bugs_Load>')


def body_add(proj_id: int = FAMILY_ALBUM) -> bytes:
    return envelope(f'<Bugs_Add xmlns="{NS}">{auth_xml(proj_id)}<Bug><Title>Benchmark bug</Title>'
                    f'<StatusCode>Active</StatusCode></Bug></Bugs_Add>')


def body_criteria(proj_id: int, dept_id: int, page_size: int = PAGE, sorting: str = "",
                  page_number: int = 1) -> bytes:
    condition = etree.Element("Condition")
    condition.text = CONDITION                       # lxml entity-encodes the markup
    return envelope(f'<Bugs_LoadByCriteria xmlns="{NS}">{auth_xml(proj_id, dept_id)}'
                    f'{etree.tostring(condition, encoding="unicode")}<Sorting>{sorting}</Sorting>'
                    f'<PageSize>{page_size}</PageSize><PageNumber>{page_number}</PageNumber>'
                    f'</Bugs_LoadByCriteria>')


def body_update(load_response: bytes, proj_id: int = FAMILY_ALBUM) -> bytes:
    """Bugs_Update sending back, member for member, the Bug of a Bugs_Load answer."""
    result = load_result(load_response)
    update = etree.Element(f"{{{NS}}}Bugs_Update", nsmap={None: NS})
    update.append(etree.fromstring(auth_xml(proj_id).replace(
        "<AuthenticationData>", f'<AuthenticationData xmlns="{NS}">', 1)))
    bug = etree.SubElement(update, f"{{{NS}}}Bug")
    bug[:] = [copy.deepcopy(child) for child in result]
    etree.SubElement(update, f"{{{NS}}}SendEmailAlert").text = "N"
    etree.cleanup_namespaces(update)              # no soap/xsi/xsd declarations copied along
    return envelope(etree.tostring(update, encoding="unicode"))


def load_result(response: bytes):
    root = etree.fromstring(response)
    result = next((e for e in root.iter() if isinstance(e.tag, str)
                   and etree.QName(e).localname == "Bugs_LoadResult"), None)
    if result is None:
        raise Abort(f"no Bugs_LoadResult in the answer: {response[:400]!r}")
    return result


class Client:
    def __init__(self, base_url: str):
        self.url = base_url + SERVICE_PATH
        self.session = requests.Session()

    def call(self, op: str, body: bytes, timeout: float = 30) -> requests.Response:
        return self.session.post(self.url, data=body, timeout=timeout,
                                 headers={"Content-Type": "text/xml; charset=utf-8",
                                          "SOAPAction": f'"{NS}{op}"'})

    def expect(self, op: str, body: bytes, marker: bytes) -> bytes:
        """The answer of a call that must succeed; abort loudly otherwise."""
        try:
            answer = self.call(op, body)
        except requests.RequestException as error:
            raise Abort(f"{op} to {self.url}: {error}") from None
        if answer.status_code != 200 or marker not in answer.content:
            raise Abort(f"{op} to {self.url} answered HTTP {answer.status_code}, not 200 with "
                        f"{marker.decode()}:\n{answer.content[:1500].decode(errors='replace')}\n"
                        f"request body: {body[:800].decode(errors='replace')}")
        return answer.content


# -- wrk ---------------------------------------------------------------------------------------

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass
class Point:
    server: str
    op: str
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non2xx: int
    socket_errors: dict
    cpu_s: float = float("nan")
    duration_s: float = 0.0
    others_cores: float = 0.0       # CPU other processes than server, wrk and harness used
    waited_s: float = 0.0           # waiting for the machine to be quiet first

    @property
    def disturbed(self) -> bool:
        return self.others_cores > BUSY_LIMIT

    @property
    def errors(self) -> int:
        return self.non2xx + sum(self.socket_errors.values())

    def error_text(self) -> str:
        if not self.errors:
            return "0"
        parts = [f"{self.non2xx} non-2xx"] if self.non2xx else []
        parts += [f"{n} {kind}" for kind, n in self.socket_errors.items() if n]
        return "**ERRORS: " + ", ".join(parts) + "**"


def to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def parse_wrk(text: str) -> dict:
    """Requests/s, p50 and p99 (ms), completed requests, non-2xx and socket errors."""
    distribution = {}
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "Latency Distribution")
    except StopIteration:
        raise ValueError("no 'Latency Distribution' block (was --latency given?)") from None
    for line in lines[start + 1:]:
        match = re.fullmatch(r"\s*([\d.]+)%\s+(\S+)\s*", line)
        if not match:
            break
        distribution[float(match.group(1))] = to_ms(match.group(2))
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    count = re.search(r"^\s*(\d+) requests in ", text, re.M)
    if rps is None or count is None or 50.0 not in distribution or 99.0 not in distribution:
        raise ValueError("cannot find Requests/sec, the request count or the 50%/99% latencies")
    socket_errors = {}
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if match:
        socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, match.groups())))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {"rps": float(rps.group(1)), "p50_ms": distribution[50.0], "p99_ms": distribution[99.0],
            "requests": int(count.group(1)), "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": socket_errors}


class Wrk:
    def __init__(self, timeout_s: float, work_dir: Path, quiet_wait: float = 0.0,
                 quiet_budget: float = 600.0):
        self.binary = shutil.which("wrk")
        if self.binary is None:
            raise Abort("wrk is not installed: apt-get install wrk")
        self.timeout_s, self.work_dir, self.quiet_wait = timeout_s, work_dir, quiet_wait
        self.quiet_budget = quiet_budget         # all the waiting for quiet in one run
        probe = subprocess.run([self.binary, "--version"], capture_output=True, text=True, timeout=10)
        self.version = (probe.stdout + probe.stderr).splitlines()[0].split(" Copyright")[0].strip()
        self.bodies: dict[bytes, Path] = {}

    def body_file(self, body: bytes) -> Path:
        if body not in self.bodies:
            path = self.work_dir / f"body-{len(self.bodies)}.xml"
            path.write_bytes(body)
            self.bodies[body] = path
        return self.bodies[body]

    def run(self, server: Server, url: str, op: str, body: bytes, connections: int,
            duration: int, label: str | None = None) -> Point:
        cmd = [self.binary, "-t1", f"-c{connections}", f"-d{duration}s", "--latency",
               "--timeout", f"{self.timeout_s:g}s", "-s", str(LUA), url + SERVICE_PATH, "--",
               str(self.body_file(body)), op]
        server.settle()
        limit = min(self.quiet_wait, self.quiet_budget)
        waited, _ = wait_quiet(limit) if limit > 0 else (0.0, 0.0)
        self.quiet_budget -= waited
        busy_before, (me_before, children_before) = system_busy_seconds(), own_seconds()
        cpu_before = server.cpu_seconds()
        started = time.monotonic()
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + self.timeout_s + 30)
        except subprocess.TimeoutExpired:
            raise Abort(f"wrk did not finish: {' '.join(cmd)}") from None
        cpu = server.cpu_seconds() - cpu_before
        me, children = own_seconds()
        others = (system_busy_seconds() - busy_before - cpu - (me - me_before) - (children - children_before)) \
            / (time.monotonic() - started)
        if done.returncode != 0:
            raise Abort(f"wrk failed (exit {done.returncode}): {' '.join(cmd)}\n{done.stdout}{done.stderr}")
        if not server.alive():
            raise Abort(f"{server.name} died during wrk {op} -c{connections}; log:\n{server.log_tail()}")
        try:
            parsed = parse_wrk(done.stdout)
        except ValueError as error:
            raise Abort(f"cannot read wrk's output ({error}):\n{done.stdout}{done.stderr}") from None
        point = Point(label or server.name, op, connections, cpu_s=cpu, duration_s=duration,
                      others_cores=max(others, 0.0), waited_s=waited, **parsed)
        flag = f"  <-- {point.error_text()}" if point.errors else ""
        if point.disturbed:
            flag += f"  <-- other processes used {point.others_cores:.2f} cores"
        print(f"  {point.server:<30} {op:<20} c={connections:<3} {point.rps:9.1f} req/s  "
              f"p50 {point.p50_ms:8.2f} ms  p99 {point.p99_ms:8.2f} ms  "
              f"server CPU {cpu / duration:4.0%}{flag}", flush=True)
        return point


# -- the servers ----------------------------------------------------------------------------

def mock_ready(url: str):
    client = Client(url)

    def check():
        answer = client.call("GetVersion", envelope(f'<GetVersion xmlns="{NS}"/>'), timeout=5)
        return answer.status_code == 200 and b"GetVersionResult" in answer.content
    return check


def serve_command(port: int, db: str, options: list[str]) -> list[str]:
    return [sys.executable, "-m", "mockserver.cli", "serve", "--port", str(port), "--db", db,
            "--access-log", "off", *options]


def serve_options(server: str | None) -> list[str]:
    """``--server NAME`` only when asked for: serve had no such option before granian came."""
    return ["--server", server] if server else []


def mock_http_server(server: str | None) -> str:
    """The HTTP server the mock runs on, so its Bugs_Load meets the right static floor:
    ``--server`` when given, else the default serve's --help names for --server, else waitress
    (serve without a --server option)."""
    if server:
        return server
    done = subprocess.run([sys.executable, "-m", "mockserver.cli", "serve", "--help"], capture_output=True,
                          text=True, timeout=60, cwd=ROOT, env=clean_env())
    text = " ".join(done.stdout.split())           # help lines wrap anywhere
    if "--server" not in text:
        return "waitress"
    match = re.search(r"--server\b[^\[]*\[env \w+, default (\w+)\]", text)
    if match is None or match.group(1) not in HTTP_SERVERS:
        raise Abort("cannot read the default of serve's --server from its --help: pass --server NAME")
    return match.group(1)


def start_mock(db: str, log_dir: Path, options: list[str], name: str = MOCK) -> tuple[Server, str]:
    port = free_port()
    server = Server(name, serve_command(port, db, options), log_dir / f"mock-{port}.log", env=clean_env())
    url = f"http://127.0.0.1:{port}"
    wait_ready(server, mock_ready(url), 60, "answering GetVersion")
    return server, url


def start_spyne(response_file: Path, log_dir: Path) -> tuple[Server, str]:
    port = free_port()
    server = Server(SPYNE, [sys.executable, str(HERE / "bare_spyne.py"), "--response", str(response_file),
                            "--port", str(port), "--threads", str(SERVER_THREADS)],
                    log_dir / "bare-spyne.log", env=clean_env())
    url = f"http://127.0.0.1:{port}"

    def check():
        return requests.get(url + "/", timeout=5).status_code == 404
    wait_ready(server, check, 60, "listening")
    return server, url


def granian_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("granian") is not None


def start_floor(http_server: str, responses: dict[str, Path], log_dir: Path) -> tuple[Server, str]:
    """The static floor (benchmarks/static_floor.py) on ``http_server``, answering ``responses``."""
    port = free_port()
    cmd = [sys.executable, str(HERE / "static_floor.py"), "--server", http_server, "--port", str(port),
           "--threads", str(FLOOR_THREADS[http_server])]
    for op, path in responses.items():
        cmd += ["--response", f"{op}={path}"]
    server = Server(FLOORS[http_server], cmd, log_dir / f"floor-{http_server}.log", env=clean_env())
    url = f"http://127.0.0.1:{port}"

    def check():
        return requests.get(url + "/", timeout=5).status_code == 404
    wait_ready(server, check, 60, "listening")
    return server, url


def check_static(server: Server, url: str, op: str, body: bytes, expected: bytes, miss: bytes | None = None):
    """A static server answers ``body`` with exactly the mock's bytes, and ``miss`` (the same
    call for another id) with 404: the XPath really selects."""
    client = Client(url)
    answer = client.call(op, body)
    if answer.status_code != 200 or answer.content != expected:
        raise Abort(f"{server.name} did not answer the mock's {op} response: HTTP {answer.status_code}, "
                    f"{len(answer.content):,} bytes: {answer.content[:300]!r}\nits log:\n{server.log_tail()}")
    if miss is not None:
        answer = client.call(op, miss)
        if answer.status_code != 404:
            raise Abort(f"{server.name} answered HTTP {answer.status_code} to {op} for another id "
                        f"(its stub must not match it): {miss[:600]!r}")


def wiremock_jar() -> Path:
    build = TOOLS / "node_modules" / "wiremock" / "build"
    jars = sorted(build.glob("wiremock-standalone-*.jar"))
    if not jars:
        npm = shutil.which("npm")
        if npm is None:
            raise Abort("WireMock is not installed and npm is missing: install Node.js/npm "
                        "(apt-get install npm), or pass --skip-wiremock")
        print(f"installing WireMock: npm install --prefix {TOOLS.relative_to(ROOT)} wiremock", flush=True)
        try:
            done = subprocess.run([npm, "install", "--prefix", str(TOOLS), "wiremock"],
                                  capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            raise Abort("npm install wiremock took more than 10 minutes") from None
        jars = sorted(build.glob("wiremock-standalone-*.jar"))
        if done.returncode != 0 or not jars:
            raise Abort(f"npm install --prefix {TOOLS} wiremock failed (exit {done.returncode}):\n"
                        f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return jars[-1]


def java_version() -> str:
    if shutil.which("java") is None:
        raise Abort("java is not installed (WireMock needs Java 11+): apt-get install "
                    "openjdk-17-jre-headless, or pass --skip-wiremock")
    done = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
    return (done.stderr or done.stdout).splitlines()[0].strip()


def wiremock_version(jar: Path) -> str:
    done = subprocess.run(["java", "-jar", str(jar), "--version"], capture_output=True, text=True, timeout=60)
    lines = [line.strip() for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return lines[-1] if done.returncode == 0 and lines else jar.stem.replace("wiremock-standalone-", "")


def wiremock_stub(response: bytes, xpath: str | None = None) -> dict:
    """A WireMock 3 JSON mapping answering ``response``: ``POST /psws/psws.asmx``, and the
    body matched by ``xpath`` when given."""
    request = {"method": "POST", "url": SERVICE_PATH}
    if xpath:
        request["bodyPatterns"] = [{"matchesXPath": xpath}]
    return {"request": request,
            "response": {"status": 200, "base64Body": base64.b64encode(response).decode(),
                         "headers": {"Content-Type": "text/xml; charset=utf-8"}}}


def wiremock_command(jar: Path, root: Path, stubs: dict[str, dict], port: int, journal: bool = True) -> list[str]:
    """Writes ``stubs`` (file stem: mapping) into ``root``/mappings; WireMock's command line."""
    (root / "mappings").mkdir(parents=True, exist_ok=True)
    (root / "__files").mkdir(exist_ok=True)
    for stem, stub in stubs.items():
        (root / "mappings" / f"{stem}.json").write_text(json.dumps(stub))
    cmd = ["java", "-jar", str(jar), "--port", str(port), "--root-dir", str(root), "--disable-banner"]
    return cmd if journal else cmd + ["--no-request-journal"]


def start_wiremock(jar: Path, name: str, stubs: dict[str, dict], work: Path,
                   journal: bool = True) -> tuple[Server, str]:
    port = free_port()
    slug = re.sub(r"\W+", "-", name.lower()).strip("-")
    root = work / f"{slug}-{port}"            # a directory of its own: only its own stubs load
    server = Server(name, wiremock_command(jar, root, stubs, port, journal), work / f"{root.name}.log")
    url = f"http://127.0.0.1:{port}"

    def check():
        answer = requests.get(url + "/__admin/mappings", timeout=5)
        return answer.status_code == 200 and answer.json().get("meta", {}).get("total") == len(stubs)
    wait_ready(server, check, 120, f"GET /__admin/mappings listing {len(stubs)} stub(s)")
    return server, url


# -- the lxml floor --------------------------------------------------------------------------

def _format_date(value: datetime) -> str:
    text = "%04d-%02d-%02dT%02d:%02d:%02d" % (value.year, value.month, value.day,
                                              value.hour, value.minute, value.second)
    millis = value.microsecond // 1000
    return text + (".%03d" % millis).rstrip("0") if millis else text


def wire_strings(fields, row: dict) -> list:
    """A row as (tag, text) or (tag, [member texts]) pairs in the registry's order, with the
    wire's conventions: unset value types as .NET defaults, unset strings left out."""
    from mockserver.registry import Xsd

    defaults = {Xsd.INT: "0", Xsd.DECIMAL: "0", Xsd.DATETIME: "0001-01-01T00:00:00", Xsd.BOOLEAN: "false"}
    out = []
    for f in fields:
        tag = f"{{{NS}}}{f.name}"
        value = row.get(f.name)
        if value is None:
            if f.xsd in defaults:
                out.append((tag, defaults[f.xsd]))
        elif isinstance(value, list):
            member = f"{{{NS}}}{'int' if f.xsd is Xsd.ARRAY_OF_INT else 'string'}"
            out.append((tag, member, ["" if v is None else str(v) for v in value]))
        elif isinstance(value, datetime):
            out.append((tag, _format_date(value)))
        elif isinstance(value, bool):
            out.append((tag, "true" if value else "false"))
        elif isinstance(value, Decimal):
            out.append((tag, str(value)))
        elif f.double_encoded:
            out.append((tag, value.replace("&", "&amp;").replace("<", "&#60;").replace(">", "&#62;")))
        else:
            out.append((tag, str(value)))
    return out


def lxml_page(rows: list[list]) -> bytes:
    """The Bugs_LoadByCriteriaResponse envelope, built element by element and serialised."""
    sub = etree.SubElement
    env = etree.Element(f"{{{SOAP11}}}Envelope", nsmap={"soap": SOAP11, "xsi": XSI, "xsd": XSD})
    body = sub(env, f"{{{SOAP11}}}Body")
    response = sub(body, f"{{{NS}}}Bugs_LoadByCriteriaResponse", nsmap={None: NS})
    result = sub(response, f"{{{NS}}}Bugs_LoadByCriteriaResult")
    bug_tag = f"{{{NS}}}Bug"
    for row in rows:
        bug = sub(result, bug_tag)
        for item in row:
            element = sub(bug, item[0])
            if len(item) == 2:
                element.text = item[1]
            else:
                for text in item[2]:
                    sub(element, item[1]).text = text
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")


def median_ms(call, runs: int, warmup: int = 5) -> tuple[float, list[float]]:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times


def floor(db: Path, proj_id: int, dept_id: int, runs: int, mock_page: bytes) -> dict:
    from mockserver.domain import clock
    from mockserver.domain.condition import parse_condition
    from mockserver.domain.service import QacService
    from mockserver.domain.sorting import parse_sorting
    from mockserver.registry import REGISTRY
    from mockserver.store import Store
    from mockserver.store.where import compile_where

    store = Store(str(db))
    try:
        entity = REGISTRY.entity("Bug")
        fields = REGISTRY.complex_type("Bug").fields
        qac = QacService(store)
        caller = qac.authenticate({"AppCode": APP_CODE, "DeptId": dept_id, "ProjId": proj_id,
                                   "UserId": ADMIN_ID, "PassCode": PASSWORD, "ProjIds": None},
                                  REGISTRY.operation("Bugs_LoadByCriteria"))
        # The 200 rows, read once, as the domain hands them to the SOAP layer.
        rows = qac.load_by_criteria(caller, entity, CONDITION, "", PAGE, 1)
        if len(rows) != PAGE:
            raise Abort(f"the floor's page holds {len(rows)} rows, not {PAGE}")
        prepared = [wire_strings(fields, row) for row in rows]
        page = lxml_page(prepared)
        floor_ms, _ = median_ms(lambda: lxml_page(prepared), runs)
        formatted_ms, _ = median_ms(lambda: lxml_page([wire_strings(fields, r) for r in rows]), runs)

        def sql():
            tree = parse_condition(entity, CONDITION, clock.now())
            where = compile_where(tree)
            return store.load_page(entity, [proj_id], parse_sorting(entity, ""), PAGE, 0, where)
        sql_ms, _ = median_ms(sql, runs)
        plan = store.page_ids_plan(entity, [proj_id], parse_sorting(entity, ""),
                                   compile_where(parse_condition(entity, CONDITION, clock.now())))
    finally:
        store.close()
    mock_root, floor_root = etree.fromstring(mock_page), etree.fromstring(page)
    return {"floor_ms": floor_ms, "formatted_ms": formatted_ms, "sql_ms": sql_ms, "runs": runs,
            "bytes": len(page), "mock_bytes": len(mock_page), "plan": plan,
            "elements": sum(1 for _ in floor_root.iter()), "mock_elements": sum(1 for _ in mock_root.iter()),
            "same_tree": etree.tostring(mock_root, method="c14n") == etree.tostring(floor_root, method="c14n")}


# -- cold start and memory --------------------------------------------------------------------

def time_to_answer(name: str, cmd: list[str], check, log_path: Path, env: dict | None = None) -> float:
    """Seconds from launching ``cmd`` to the first ``check()`` that holds, polled every 5 ms."""
    started = time.perf_counter()
    server = Server(name, cmd, log_path, env=env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if check():
                    return time.perf_counter() - started
            except requests.RequestException:
                pass
            if not server.alive():
                raise Abort(f"{name} exited with code {server.proc.returncode}:\n{server.log_tail()}")
            time.sleep(0.005)
        raise Abort(f"{name} did not answer within 120 s:\n{server.log_tail()}")
    finally:
        server.stop()


def cold_start(log_dir: Path, options: list[str]) -> float:
    """The mock on :memory: (the default dataset built in memory), to its first GetVersion."""
    port = free_port()
    return time_to_answer("mock (cold start)", serve_command(port, ":memory:", options),
                          mock_ready(f"http://127.0.0.1:{port}"), log_dir / f"cold-{port}.log", clean_env())


def wiremock_cold_start(jar: Path, stub: dict, body: bytes, expected: bytes, work: Path) -> float:
    """WireMock with the XPath Bugs_Load stub, to its first Bugs_Load answered with the stub's bytes."""
    port = free_port()
    cmd = wiremock_command(jar, work / "wiremock-cold", {"bugs_load": stub}, port)
    client = Client(f"http://127.0.0.1:{port}")

    def check():
        answer = client.call("Bugs_Load", body, timeout=5)
        return answer.status_code == 200 and answer.content == expected
    return time_to_answer("WireMock (cold start)", cmd, check, work / f"wiremock-cold-{port}.log")


def memory_series(seeded: Path, work: Path, wrk: Wrk, bug_id: int, target: int, warm_calls: int,
                  slice_s: float, options: list[str], connections: int = 8) -> dict:
    db = work / "rss.db"
    shutil.copy(seeded, db)
    server, url = start_mock(str(db), work, options, "mock (memory)")
    try:
        body = body_load(bug_id)
        Client(url).expect("Bugs_Load", body, b"Bugs_LoadResult")
        rss, hwm = server.memory_kb()
        series = [(0, rss, hwm)]
        total = errors = 0
        warm = None
        print(f"  start: VmRSS {rss / 1024:.1f} MB", flush=True)
        while total < target:
            point = wrk.run(server, url, "Bugs_Load", body, connections, slice_s, label="mock (memory)")
            total += point.requests
            errors += point.errors
            rss, hwm = server.memory_kb()
            series.append((total, rss, hwm))
            if warm is None and total >= warm_calls:
                warm = (total, rss)
            print(f"    {total:>8,} calls: VmRSS {rss / 1024:6.1f} MB, VmHWM {hwm / 1024:6.1f} MB", flush=True)
    finally:
        server.stop()
    final_calls, final_rss, final_hwm = series[-1]
    return {"series": series, "warm": warm, "final_calls": final_calls, "final_rss": final_rss,
            "peak": max(h for _, _, h in series), "errors": errors, "connections": connections,
            "target": target, "warm_calls": warm_calls}


# -- the run -------------------------------------------------------------------------------------

@dataclass
class Setup:
    bug_id: int = 0
    update_bug: int = 0
    criteria_project: dict = field(default_factory=dict)
    bodies: dict = field(default_factory=dict)
    load_response: bytes = b""
    criteria_response: bytes = b""
    bug_fields: int = 0
    spyne_fields: int = 0
    spyne_same_values: bool = False
    sizes: dict = field(default_factory=dict)
    not_round_trippable: dict = field(default_factory=dict)


def prepare(client: Client) -> Setup:
    """Find the ids and projects the bodies need, build every body and check each answers 200."""
    s = Setup()
    login = client.expect("GetLoginInfo", body_login(), b"GetLoginInfoResult")
    projects = [{child.tag.split("}")[1]: child.text for child in p}
                for p in etree.fromstring(login).iter(f"{{{NS}}}Project")]
    # The first Bug of FamilyAlbum is the one Bugs_Load reads.
    first = client.expect("Bugs_LoadByCriteria", body_criteria(FAMILY_ALBUM, DEPT, page_size=50), b"<BugId>")
    ids = [int(i) for i in re.findall(rb"<BugId>(\d+)</BugId>", first)]
    s.bug_id = ids[0]
    # A project whose page of 200 is full (the seed puts generated defects in its own projects).
    for project in projects:
        proj_id, dept_id = int(project["ProjId"]), int(project["DeptId"])
        answer = client.call("Bugs_LoadByCriteria", body_criteria(proj_id, dept_id))
        if answer.status_code == 200 and answer.content.count(b"<BugId>") == PAGE:
            s.criteria_project = {"ProjId": proj_id, "DeptId": dept_id, "ProjName": project.get("ProjName")}
            break
    else:
        raise Abort(f"no project of {ADMIN_EMAIL} holds {PAGE} defects: was the database seeded "
                    f"with --scale {SEED_SCALE}?")
    s.bodies = {
        "GetLoginInfo": body_login(),
        "Bugs_Load": body_load(s.bug_id),
        "Bugs_Add": body_add(),
        "Bugs_LoadByCriteria": body_criteria(s.criteria_project["ProjId"], s.criteria_project["DeptId"]),
    }
    s.load_response = client.expect("Bugs_Load", s.bodies["Bugs_Load"], b"Bugs_LoadResult")
    s.bug_fields = len(load_result(s.load_response))
    client.expect("Bugs_Add", s.bodies["Bugs_Add"], b"Bugs_AddResult")
    # Bugs_Update sends a Bug back as Bugs_Load gave it. Preferably another Bug than Bugs_Load's,
    # so that updates never change what Bugs_Load answers; but a Bug with an empty-string
    # member cannot make the round trip: Bugs_Load writes it as an empty element, which
    # Bugs_Update refuses. Such Bugs are skipped (and named in the report).
    for bug_id in [i for i in ids if i != s.bug_id] + [s.bug_id]:
        answer = s.load_response if bug_id == s.bug_id else \
            client.expect("Bugs_Load", body_load(bug_id), b"Bugs_LoadResult")
        empty = [etree.QName(e).localname for e in load_result(answer)
                 if len(e) == 0 and not (e.text or "")]
        if empty:
            s.not_round_trippable[bug_id] = empty
            continue
        s.update_bug = bug_id
        s.bodies["Bugs_Update"] = body_update(answer)
        break
    else:
        raise Abort(f"no Bug of FamilyAlbum can be sent back by Bugs_Update: {s.not_round_trippable}")
    client.expect("Bugs_Update", s.bodies["Bugs_Update"], b"Bugs_UpdateResponse")
    s.criteria_response = client.expect("Bugs_LoadByCriteria", s.bodies["Bugs_LoadByCriteria"], b"<BugId>")
    if s.criteria_response.count(b"<BugId>") != PAGE:
        raise Abort(f"Bugs_LoadByCriteria returned {s.criteria_response.count(b'<BugId>')} defects, not {PAGE}")
    for op in MOCK_OPS:
        s.sizes[op] = (len(s.bodies[op]), len(client.call(op, s.bodies[op]).content))
    return s


def check_spyne(url: str, setup: Setup):
    answer = Client(url).expect("Bugs_Load", setup.bodies["Bugs_Load"], b"Bugs_LoadResult")
    root = etree.fromstring(answer)
    if etree.QName(root).localname != "Envelope" or etree.QName(root).namespace != SOAP11:
        raise Abort(f"bare spyne did not answer a SOAP 1.1 envelope: {answer[:300]!r}")
    theirs, ours = load_result(answer), load_result(setup.load_response)
    setup.spyne_fields = len(theirs)
    if len(theirs) != len(ours):
        raise Abort(f"bare spyne's Bug has {len(theirs)} fields, the mock's {len(ours)}")
    texts = lambda result: [(etree.QName(e).localname, "".join(e.itertext())) for e in result]  # noqa: E731
    setup.spyne_same_values = texts(theirs) == texts(ours)
    setup.sizes["spyne"] = len(answer)


def seed_database(work: Path) -> tuple[Path, str]:
    """A database made by ``qacmock seed --scale SEED_SCALE``, and seed's summary of it."""
    print(f"seeding {SEED_SCALE} defects", flush=True)
    seeded = work / "seeded.db"
    try:
        done = subprocess.run([sys.executable, "-m", "mockserver.cli", "seed", "--db", str(seeded),
                               "--scale", str(SEED_SCALE)], capture_output=True, text=True,
                              timeout=600, cwd=ROOT, env=clean_env())
    except subprocess.TimeoutExpired:
        raise Abort("qacmock seed took more than 10 minutes") from None
    if done.returncode != 0:
        raise Abort(f"qacmock seed failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return seeded, (done.stdout + done.stderr).strip().splitlines()[-1].rsplit(": ", 1)[-1]


@dataclass
class Target:
    """A running server, its base URL and the seconds of its unrecorded warm-up run."""
    server: Server
    url: str
    warmup: int


def interleave(wrk: Wrk, targets: list[Target], op: str, body: bytes, connections: list[int],
               duration: int) -> list[Point]:
    """Each target warmed up, then, for each connection count, each target in turn: points that
    are compared run close together, so a drift of the machine hits all of them alike."""
    for t in targets:
        wrk.run(t.server, t.url, op, body, 8, t.warmup, label=f"{t.server.name} (warm-up)")
    return [wrk.run(t.server, t.url, op, body, c, duration) for c in connections for t in targets]


def start_floors(setup: Setup, responses: dict[str, Path], work: Path, stack) -> list[tuple[Server, str]]:
    """A static floor on each HTTP server the mock can run on, checked to answer the mock's bytes."""
    floors = []
    for name in HTTP_SERVERS:
        if name == "granian" and not granian_installed():
            print("  granian is not installed: no static floor on granian", flush=True)
            continue
        server, url = start_floor(name, responses, work)
        stack.callback(server.stop)
        check_static(server, url, "Bugs_Load", setup.bodies["Bugs_Load"], setup.load_response)
        check_static(server, url, "Bugs_LoadByCriteria", setup.bodies["Bugs_LoadByCriteria"],
                     setup.criteria_response)
        floors.append((server, url))
    return floors


def start_load_wiremocks(jar: Path, setup: Setup, work: Path, stack) -> list[tuple[Server, str]]:
    """WireMock's Bugs_Load stubs: XPath-matched (the goal's), URL-only, URL-only without journal."""
    load, miss = setup.bodies["Bugs_Load"], body_load(setup.bug_id + 1)
    xpath = wiremock_stub(setup.load_response, XPATHS["Bugs_Load"].format(setup.bug_id))
    url_only = wiremock_stub(setup.load_response)
    started = []
    for name, stub, journal, other in ((WIREMOCK_XPATH, xpath, True, miss), (WIREMOCK, url_only, True, None),
                                       (WIREMOCK_NJ, url_only, False, None)):
        server, url = start_wiremock(jar, name, {"bugs_load": stub}, work, journal)
        stack.callback(server.stop)
        check_static(server, url, "Bugs_Load", load, setup.load_response, other)
        started.append((server, url))
    return started


def start_criteria_wiremock(jar: Path, setup: Setup, work: Path, stack) -> tuple[Server, str]:
    """WireMock with one XPath stub answering the mock's 200-defect page (its own instance, as
    the Bugs_Load stubs had, so no other stub is tried first)."""
    body, project = setup.bodies["Bugs_LoadByCriteria"], setup.criteria_project
    stub = wiremock_stub(setup.criteria_response, XPATHS["Bugs_LoadByCriteria"].format(1))
    server, url = start_wiremock(jar, WIREMOCK_XPATH, {"bugs_loadbycriteria": stub}, work)
    stack.callback(server.stop)
    check_static(server, url, "Bugs_LoadByCriteria", body, setup.criteria_response,
                 body_criteria(project["ProjId"], project["DeptId"], page_number=2))
    return server, url


def cold_starts(count: int, work: Path, options: list[str], jar: Path | None, setup: Setup) -> tuple[list, list]:
    """The mock's and (with ``jar``) WireMock's cold starts, in turn."""
    mock, wiremock = [], []
    stub = wiremock_stub(setup.load_response, XPATHS["Bugs_Load"].format(setup.bug_id))
    for _ in range(count):
        mock.append(cold_start(work, options))
        line = f"  mock {mock[-1]:.3f} s"
        if jar is not None:
            wiremock.append(wiremock_cold_start(jar, stub, setup.bodies["Bugs_Load"], setup.load_response, work))
            line += f", WireMock {wiremock[-1]:.3f} s"
        print(line, flush=True)
    return mock, wiremock


def run(args) -> dict:
    quick = args.quick
    duration = args.duration if args.duration is not None else (1 if quick else 8)
    warmup = 1 if quick else 2               # wrk takes whole seconds
    # WireMock's XPath stub answered 354 req/s in its first 2 s at 8 connections and 1,278 over
    # the next 20 s (and 585 -> 1,317 at 1 connection): a short warm-up flatters the mock.
    jvm_warmup = 5 if quick else 20
    connections = [int(c) for c in args.connections.split(",")]
    runs = 10 if quick else 50
    starts = 3 if quick else 5
    rss_target, rss_warm, rss_slice = (5_000, 1_000, 1) if quick else (100_000, 10_000, 5)
    options = serve_options(args.server)
    info = {"started": datetime.now(), "duration": duration, "connections": connections,
            "warmup": warmup, "jvm_warmup": jvm_warmup, "quick": quick, "runs": runs,
            "wiremock": not args.skip_wiremock, "wrk_timeout": args.wrk_timeout,
            "server_option": args.server, "mock_server": mock_http_server(args.server),
            "git": git_state(), "sources": source_digest()}

    with tempfile.TemporaryDirectory(prefix="qacmock-perf-") as tmp, contextlib.ExitStack() as stack:
        work = Path(tmp)
        quiet_wait = args.quiet_wait if args.quiet_wait is not None else (5 if quick else 60)
        info["quiet_wait"] = quiet_wait
        wrk = Wrk(args.wrk_timeout, work, quiet_wait, 60 if quick else 600)
        info["wrk"] = wrk.version
        jar = None
        if not args.skip_wiremock:
            info["java"] = java_version()
            jar = wiremock_jar()
            info["wiremock_version"] = wiremock_version(jar)
            info["wiremock_jar"] = str(jar.relative_to(ROOT)) if jar.is_relative_to(ROOT) else str(jar)

        seeded, info["seed_log"] = seed_database(work)
        shutil.copy(seeded, work / "mock.db")

        print(f"starting the mock ({info['mock_server']}) and checking every request body", flush=True)
        mock, mock_url = start_mock(str(work / "mock.db"), work, options)
        stack.callback(mock.stop)
        setup = prepare(Client(mock_url))
        info["setup"] = setup
        responses = {"Bugs_Load": work / "bugs_load_response.xml",
                     "Bugs_LoadByCriteria": work / "bugs_loadbycriteria_response.xml"}
        responses["Bugs_Load"].write_bytes(setup.load_response)
        responses["Bugs_LoadByCriteria"].write_bytes(setup.criteria_response)
        print(f"  Bugs_Load reads Bug {setup.bug_id}; Bugs_Update rewrites Bug {setup.update_bug}; "
              f"LoadByCriteria pages project {setup.criteria_project}", flush=True)

        shutil.copy(seeded, work / "mock-one-thread.db")
        mock_one, mock_one_url = start_mock(str(work / "mock-one-thread.db"), work, options + ["--threads", "1"],
                                            MOCK_ONE)
        stack.callback(mock_one.stop)
        shutil.copy(seeded, work / "mock-workers.db")
        mock_workers, mock_workers_url = start_mock(str(work / "mock-workers.db"), work,
                                                    options + ["--workers", "2"], MOCK_WORKERS)
        stack.callback(mock_workers.stop)
        spyne, spyne_url = start_spyne(responses["Bugs_Load"], work)
        stack.callback(spyne.stop)
        check_spyne(spyne_url, setup)
        floors = start_floors(setup, responses, work, stack)
        info["floors"] = [server.name for server, _ in floors]
        wiremocks = start_load_wiremocks(jar, setup, work, stack) if jar else []

        print("Bugs_Load: mock, bare spyne, static floors and WireMock in turn", flush=True)
        mock_target, mock_one_target = Target(mock, mock_url, warmup), Target(mock_one, mock_one_url, warmup)
        targets = [mock_target, mock_one_target, Target(mock_workers, mock_workers_url, warmup),
                   Target(spyne, spyne_url, warmup)]
        targets += [Target(server, url, warmup) for server, url in floors]
        targets += [Target(server, url, jvm_warmup) for server, url in wiremocks]
        points = interleave(wrk, targets, "Bugs_Load", setup.bodies["Bugs_Load"], connections, duration)
        for server, _ in [(mock_workers, None), (spyne, None)] + wiremocks:
            server.stop()

        print(f"Bugs_LoadByCriteria ({PAGE} defects): mock, static floors and WireMock in turn", flush=True)
        targets = [mock_target, mock_one_target] + [Target(server, url, warmup) for server, url in floors]
        if jar:
            targets.append(Target(*start_criteria_wiremock(jar, setup, work, stack), jvm_warmup))
        points += interleave(wrk, targets, "Bugs_LoadByCriteria", setup.bodies["Bugs_LoadByCriteria"],
                             connections, duration)
        for target in targets[1:]:
            target.server.stop()

        print("the mock's other operations", flush=True)
        for op in MOCK_OPS:
            if op not in ("Bugs_Load", "Bugs_LoadByCriteria"):
                points += interleave(wrk, [mock_target], op, setup.bodies[op], connections, duration)
        info["mock_log_lines"] = len(mock.log_path.read_text(errors="replace").splitlines())
        mock.stop()

        print(f"lxml floor and SQL, median of {runs}", flush=True)
        shutil.copy(seeded, work / "floor.db")
        fl = floor(work / "floor.db", setup.criteria_project["ProjId"], setup.criteria_project["DeptId"], runs,
                   setup.criteria_response)
        print(f"  floor {fl['floor_ms']:.2f} ms (with value formatting {fl['formatted_ms']:.2f} ms), "
              f"SQL {fl['sql_ms']:.2f} ms", flush=True)

        print(f"cold start x{starts}" + (", the mock and WireMock in turn" if jar else ""), flush=True)
        colds, wiremock_colds = cold_starts(starts, work, options, jar, setup)

        print(f"memory: Bugs_Load until {rss_target:,} calls", flush=True)
        memory = memory_series(seeded, work, wrk, setup.bug_id, rss_target, rss_warm, rss_slice, options)
    info["finished"] = datetime.now()
    info["sources_changed"] = source_digest() != info["sources"]
    return {"info": info, "points": points, "floor": fl, "cold": colds, "wiremock_cold": wiremock_colds,
            "memory": memory}


# -- the report ------------------------------------------------------------------------------

def find(points, server, op, c) -> Point | None:
    return next((p for p in points if p.server == server and p.op == op and p.connections == c), None)


def verdict(ok: bool) -> str:
    return "met" if ok else "**NOT met**"


def ratios(results) -> list[tuple[str, str, str, str]]:
    """(what, measured, target, verdict) rows."""
    points, info = results["points"], results["info"]
    rows = []
    for c in info["connections"]:
        mock = find(points, MOCK, "Bugs_Load", c)
        for other, key, informative in ((SPYNE, "spyne", False), (WIREMOCK, "wiremock", False),
                                        (WIREMOCK_NJ, "wiremock", True)):
            theirs = find(points, other, "Bugs_Load", c)
            if mock is None:
                continue
            if theirs is None:
                if not informative and not info["wiremock"] or other == WIREMOCK:
                    rows.append((f"Bugs_Load req/s, mock / {other}, {c} conn.", "not measured (skipped)",
                                 f"≥ {TARGETS[key]:.1f}", "—"))
                continue
            ratio = mock.rps / theirs.rps
            flagged = " (a run had errors)" if mock.errors or theirs.errors else ""
            rows.append((f"Bugs_Load req/s, mock / {other}, {c} conn.",
                         f"{mock.rps:,.0f} / {theirs.rps:,.0f} = **{ratio:.2f}**{flagged}",
                         f"≥ {TARGETS[key]:.1f}" + (" (information)" if informative else ""),
                         ("met" if ratio >= TARGETS[key] else "not met") if informative
                         else verdict(ratio >= TARGETS[key])))
    fl = results["floor"]
    lbc = find(points, MOCK, "Bugs_LoadByCriteria", 1)
    if lbc is not None:
        bound = 2 * fl["floor_ms"] + fl["sql_ms"]
        rows.append(("Bugs_LoadByCriteria (200 defects) p50, 1 conn., vs 2×floor + SQL",
                     f"{lbc.p50_ms:.1f} ms vs {bound:.1f} ms (**{lbc.p50_ms / bound:.2f}×**)",
                     "≤ 2×floor + SQL", verdict(lbc.p50_ms <= bound)))
    mem = results["memory"]
    quick_note = (f" (quick run: {mem['final_calls']:,} calls, not 100,000)"
                  if mem["target"] < 100_000 else "")
    rows.append((f"Peak RSS (VmHWM) over {mem['final_calls']:,} Bugs_Load calls",
                 f"{mem['peak'] / 1024:.1f} MB{quick_note}", f"< {TARGETS['rss_mb']:.0f} MB",
                 verdict(mem["peak"] / 1024 < TARGETS["rss_mb"])))
    if mem["warm"]:
        growth = (mem["final_rss"] - mem["warm"][1]) / 1024
        rows.append((f"RSS growth after warm-up ({mem['warm'][0]:,} → {mem['final_calls']:,} calls)",
                     f"{growth:+.1f} MB{quick_note}", f"none (≤ {TARGETS['growth_mb']:.0f} MB of noise)",
                     verdict(growth <= TARGETS["growth_mb"])))
    cold = results["cold"]
    rows.append((f"Cold start, worst of {len(cold)}", f"{max(cold):.3f} s (median {statistics.median(cold):.3f} s)",
                 f"< {TARGETS['cold_s']:.0f} s", verdict(max(cold) < TARGETS["cold_s"])))
    return rows


def ratio_goal(what: str, ours: Point | None, theirs: Point | None, target: float) -> tuple:
    """(what, measured, target, verdict) for ours.rps / theirs.rps ≥ target."""
    if ours is None or theirs is None:
        return what, "not measured", f"≥ {target:g}×", "—"
    ratio = ours.rps / theirs.rps
    flagged = " (a run had errors)" if ours.errors or theirs.errors else ""
    flagged += " (disturbed)" if ours.disturbed or theirs.disturbed else ""
    return (what, f"{ours.rps:,.0f} / {theirs.rps:,.0f} = **{ratio:.2f}×**{flagged}", f"≥ {target:g}×",
            verdict(ratio >= target))


def goals(results) -> list[tuple[str, str, str, str]]:
    """Issue 19's goals, each from this run's points at the same connection count: (goal,
    measured, target, verdict) rows."""
    points, info = results["points"], results["info"]
    conns, floor_name = info["connections"], FLOORS[info["mock_server"]]
    rows = [ratio_goal(f"Bugs_Load, mock / {WIREMOCK_XPATH}, {c} conn.", find(points, MOCK, "Bugs_Load", c),
                       find(points, WIREMOCK_XPATH, "Bugs_Load", c), GOALS["wiremock_xpath"]) for c in conns]
    rows += [ratio_goal(f"Bugs_Load, mock / {floor_name} (the mock's server), {c} conn.",
                        find(points, MOCK, "Bugs_Load", c), find(points, floor_name, "Bugs_Load", c),
                        GOALS["floor"]) for c in conns]
    rows += [ratio_goal(f"Bugs_LoadByCriteria ({PAGE} defects), mock / {WIREMOCK_XPATH} ({PAGE}-defect "
                        f"page), {c} conn.", find(points, MOCK, "Bugs_LoadByCriteria", c),
                        find(points, WIREMOCK_XPATH, "Bugs_LoadByCriteria", c), GOALS["lbc_wiremock"])
             for c in conns]
    rows += [write_goal(points, op, c) for op in ("Bugs_Add", "Bugs_Update") for c in conns]
    rows.append(p99_goal(points))
    rows.append(cold_goal(results["cold"], results["wiremock_cold"]))
    return rows


def write_goal(points, op: str, c: int) -> tuple:
    """req/s against WRITES_BASELINE: another run than this one."""
    what = f"{op} req/s, this run / {WRITES_BASELINE_COMMIT}'s report, {c} conn."
    target = f"≥ {GOALS['writes']:g}× (\"3× today's\")"
    ours, base = find(points, MOCK, op, c), WRITES_BASELINE[op].get(c)
    if ours is None or base is None:
        return what, "not measured" if ours is None else f"{ours.rps:,.0f} (no baseline at {c} conn.)", target, "—"
    ratio = ours.rps / base
    return (what, f"{ours.rps:,.0f} / {base:,.0f} = **{ratio:.2f}×**", target, verdict(ratio >= GOALS["writes"]))


def p99_goal(points) -> tuple:
    c, limit = GOALS["p99_connections"], GOALS["p99_ms"]
    load = find(points, MOCK, "Bugs_Load", c)
    what, target = f"Bugs_Load p99, mock, {c} conn.", f"< {limit:g} ms"
    if load is None:
        return what, f"not measured (--connections has no {c})", target, "—"
    flagged = " (disturbed)" if load.disturbed else ""
    return what, f"**{load.p99_ms:.2f} ms**{flagged}", target, verdict(load.p99_ms < limit)


def cold_goal(mock: list[float], wiremock: list[float]) -> tuple:
    what = f"Cold start, median of {len(mock)}, mock / WireMock (XPath stub)"
    target = f"≤ {GOALS['cold_vs_wiremock']:g}×"
    if not wiremock:
        return what, f"{statistics.median(mock):.3f} s / not measured", target, "—"
    ours, theirs = statistics.median(mock), statistics.median(wiremock)
    return (what, f"{ours:.3f} s / {theirs:.3f} s = **{ours / theirs:.2f}×**", target,
            verdict(ours / theirs <= GOALS["cold_vs_wiremock"]))


def source_digest() -> str:
    """SHA-256 of mockserver/'s Python sources: did the code change during the run?"""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "mockserver").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def git_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=ROOT, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "mockserver"], capture_output=True,
                               text=True, cwd=ROOT, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"`{head}`" + (" with uncommitted changes in mockserver/" if dirty else "")


def floor_setup(info) -> str:
    floors = [name for name, label in FLOORS.items() if label in info["floors"]]
    missing = [name for name in HTTP_SERVERS if name not in floors]
    return ("- Static floors (`benchmarks/static_floor.py`): a WSGI app that reads the request body and "
            "answers the mock's exact Bugs_Load or Bugs_LoadByCriteria response bytes (chosen by "
            "SOAPAction), with `Content-Type: text/xml; charset=utf-8`, on "
            + " and on ".join(f"{name} ({FLOOR_THREADS[name]} {'thread' if FLOOR_THREADS[name] == 1 else 'threads'}"
                              + (", 1 worker process, 1 runtime thread, asyncio loop" if name == "granian"
                                 else "") + ")" for name in floors)
            + ": what the HTTP server does returning the same bytes with no work."
            + (f" Not measured: {', '.join(missing)} (not installed)." if missing else ""))


def wiremock_setup(setup: Setup) -> list[str]:
    load_xpath = XPATHS["Bugs_Load"].format(setup.bug_id)
    page_xpath = XPATHS["Bugs_LoadByCriteria"].format(1)
    return [
        "- WireMock: `java -jar wiremock-standalone.jar --port P --root-dir DIR --disable-banner`, one "
        "stub per instance (WireMock 3 JSON mapping in `DIR/mappings`), each answering the mock's exact "
        "response bytes with `Content-Type: text/xml; charset=utf-8`:",
        f"  - `{WIREMOCK_XPATH}`, what a WireMock user would set up instead of the mock: `POST "
        f"/psws/psws.asmx` with the body pattern `matchesXPath` `{load_xpath}` (Bugs_Load) or "
        f"`{page_xpath}` (Bugs_LoadByCriteria, answering the {PAGE}-defect page; an instance of its "
        f"own). Before measuring, the same call with BugId {setup.bug_id + 1} / PageNumber 2 was "
        "checked to answer 404. Request journal on (WireMock's default). The goals use these.",
        f"  - `{WIREMOCK}`: `POST /psws/psws.asmx` matched on method and URL only, WireMock's defaults "
        f"(request journal on and unbounded); `{WIREMOCK_NJ}` adds `--no-request-journal` (WireMock 3's "
        "name for disabling it). For comparison; the old ratio targets below use the first.",
    ]


def goals_section(results) -> list[str]:
    info = results["info"]
    served = (f"`--server {info['server_option']}`, not serve's default" if info["server_option"]
              else "serve's default")
    return [
        "## Goals (issue 19)",
        "",
        f"The mock runs on {info['mock_server']} ({served}); its static floor is the one on the same "
        "server. Each ratio divides two points of this run measured in turn at the same connection count; "
        "every connection count is reported (no best-of). The Bugs_Add and Bugs_Update baselines are "
        f"the req/s of `docs/performance.md` as committed at {WRITES_BASELINE_COMMIT} (another run, on "
        "the machine its report names), so those two ratios also carry that run's noise, and the "
        "difference between the two machines when they differ.",
        "",
        "| Goal | Measured | Target | |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in goals(results)),
        "",
    ]


def report(results, command: str, image: str) -> str:
    info, points, fl, mem = results["info"], results["points"], results["floor"], results["memory"]
    setup: Setup = info["setup"]
    elapsed = (info["finished"] - info["started"]).total_seconds()
    lines = [
        "# Performance",
        "",
    ]
    if info["quick"]:
        lines += ["> **Quick smoke run** (`--quick`): short points and few repetitions; the figures "
                  "only show that the harness works. Run without `--quick` for the real report.", ""]
    lines += [
        f"Generated by `{command}` on {info['started']:%Y-%m-%d %H:%M} ({elapsed / 60:.1f} min).",
        "",
        f"- Machine: {machine()}.",
        f"- qacmock: commit {info['git']} at the start; mockserver/ sources SHA-256 "
        f"`{info['sources'][:12]}`"
        + (" — **they changed during the run**: the servers started later (cold starts, memory "
           "series) may run other code than the first ones." if info["sources_changed"] else ", unchanged during the run.")
        + "",
        f"- Load generator: {info['wrk']}, one thread (`wrk -t1 -cN -d{info['duration']:g}s --latency "
        f"--timeout {info['wrk_timeout']:g}s`), Lua script `benchmarks/wrk/soap.lua`.",
    ]
    if info["wiremock"]:
        lines += [f"- WireMock {info['wiremock_version']} standalone (`{info['wiremock_jar']}`, npm package "
                  f"`wiremock`) on {info['java']}."]
    lines += [
        "",
        "**Read with care:** the machine has 2 cores and wrk runs on the same machine, so the load "
        "generator takes CPU from the server under test; nothing is pinned. The `server CPU` column "
        "is the user+system CPU time of the server's process and its children (granian answers from "
        "a worker process) over the point's duration (100% = one core): "
        "a Python server holding the GIL cannot use much more than one core; WireMock's JVM can use "
        "both. `Other CPU` is what every other process on the machine used meanwhile (cores, from "
        "/proc/stat user+system time, minus the server, wrk and this harness; kernel threads such as "
        "ksoftirqd count as others); before each point the harness waits for the server to go idle "
        f"and (up to {info['quiet_wait']:g} s, 10 min in all) for other processes to use "
        f"under {BUSY_LIMIT} cores. Figures are relative to each other in this run, not absolute capacities.",
        "",
        "## Setup",
        "",
        "- The mock: `python -m mockserver.cli serve --port P --db FILE --access-log off"
        + (f" --server {info['server_option']}`" if info["server_option"] else "`")
        + f", otherwise defaults ({info['mock_server']}"
        + ("" if info["server_option"] else " (serve's default)")
        + f", {SERVER_THREADS} threads, journal of 1,000 calls without bodies, admin API "
        f"on), on a copy of a database made by `qacmock seed --scale {SEED_SCALE}` ({info['seed_log']}).",
        f"- SOAP 1.1, `Content-Type: text/xml; charset=utf-8`, `SOAPAction: \"{NS}<Op>\"`; every body "
        "was checked to answer HTTP 200 before it was measured. Each server × operation had an "
        f"unrecorded {info['warmup']:g} s warm-up run at 8 connections ({info['jvm_warmup']:g} s for each WireMock).",
        f"- `GetLoginInfo`: {ADMIN_EMAIL}, AppCode empty. `Bugs_Load`: Bug {setup.bug_id} of FamilyAlbum "
        f"({FAMILY_ALBUM}), {setup.bug_fields} members on the wire. `Bugs_Add`: Title + StatusCode Active. "
        f"`Bugs_Update`: the full Bug {setup.update_bug} as Bugs_Load returns it, sent back"
        + (" (the Bugs_Load Bug itself; measured after the Bugs_Load points, it moves only "
           "DateUpdated)" if setup.update_bug == setup.bug_id else "")
        + (f"; FamilyAlbum Bugs {', '.join(map(str, setup.not_round_trippable))} could not be used: "
           f"Bugs_Load answers their empty-string members "
           f"({', '.join(sorted({m for ms in setup.not_round_trippable.values() for m in ms}))}) as empty "
           f"elements, which Bugs_Update refuses" if setup.not_round_trippable else "") + ". "
        f"`Bugs_LoadByCriteria`: condition `BugId > 0` (opGT, entity-encoded), no sorting (BugId), "
        f"page 1 of {PAGE} in project {setup.criteria_project['ProjName']} ({setup.criteria_project['ProjId']}; "
        f"the seed puts its generated defects in the generated projects, FamilyAlbum holds only "
        f"the hand-written few).",
        "- Request / response sizes (bytes): " + ", ".join(
            f"{op} {setup.sizes[op][0]:,} / {setup.sizes[op][1]:,}" for op in MOCK_OPS)
        + f"; bare spyne's Bugs_Load answer {setup.sizes.get('spyne', 0):,}.",
        f"- Bare spyne (`benchmarks/bare_spyne.py`): one `Bugs_Load` in {NS}, plain "
        f"`spyne.protocol.soap.Soap11` in and out, the mock's spyne `Bug` model filled once from "
        f"the captured Bugs_Load answer, waitress with {SERVER_THREADS} threads; no authentication, "
        f"database, journal or logging. Its Bug has {setup.spyne_fields} members "
        f"(the mock's: {setup.bug_fields}); values identical: {'yes' if setup.spyne_same_values else 'no'}.",
    ]
    lines += [floor_setup(info)]
    if info["wiremock"]:
        lines += wiremock_setup(setup)
    else:
        lines += ["- WireMock: skipped (`--skip-wiremock`)."]
    lines += [
        "",
        "## Results",
        "",
        f"![Bugs_Load and Bugs_LoadByCriteria throughput by server, the mock's p50 per operation, "
        f"and RSS over calls]({image})",
        "",
        f"{info['duration']:g} s per point. Latencies from wrk's latency distribution.",
        "",
        "| Server | Operation | Conn. | req/s | p50 ms | p99 ms | Requests | Server CPU | Other CPU | Errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    order = {name: i for i, name in enumerate(SERVER_ORDER)}
    ops = {op: i for i, op in enumerate(MOCK_OPS)}
    for p in sorted(points, key=lambda p: (order.get(p.server, 9), ops.get(p.op, 9), p.connections)):
        cpu = p.cpu_s / p.duration_s if p.duration_s else float("nan")
        other = f"**{p.others_cores:.2f}**" if p.disturbed else f"{p.others_cores:.2f}"
        lines.append(f"| {p.server} | {p.op} | {p.connections} | {p.rps:,.1f} | {p.p50_ms:.2f} | "
                     f"{p.p99_ms:.2f} | {p.requests:,} | {cpu:.0%} | {other} | {p.error_text()} |")
    errored = [p for p in points if p.errors]
    lines += ["", ("Runs with errors: " + "; ".join(f"{p.server} {p.op} at {p.connections} "
                                                     f"({p.error_text().strip('*')})" for p in errored)
                   if errored else "No run had a non-2xx answer or a socket error."), ""]
    disturbed = [p for p in points if p.disturbed]
    lines += [(f"**{len(disturbed)} point(s) ran while other processes used more than {BUSY_LIMIT} "
               f"cores** (bold in `Other CPU`): " + "; ".join(f"{p.server} {p.op} at {p.connections}"
                                                              for p in disturbed) + ". Their figures are "
               "understated.") if disturbed else
              f"No point ran while other processes used more than {BUSY_LIMIT} cores.", ""]

    lines += goals_section(results)
    lines += ["## Ratios and targets", "", "| Ratio | Measured | Target | |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in ratios(results)]

    bound = 2 * fl["floor_ms"] + fl["sql_ms"]
    lbc = find(points, MOCK, "Bugs_LoadByCriteria", 1)
    lines += [
        "",
        "## The lxml floor for a 200-defect page",
        "",
        f"In-process, median of {fl['runs']} runs after 5 warm-up runs. The 200 rows of the "
        f"LoadByCriteria page above are read once (`QacService.load_by_criteria` on the seeded "
        f"database) and turned into strings with the wire's conventions; the floor builds the "
        f"`Bugs_LoadByCriteriaResponse` envelope with `etree.Element`/`SubElement` per member and "
        f"serialises it with `etree.tostring(xml_declaration=True, encoding='utf-8')`. SQL is what "
        f"`benchmarks/load_by_criteria.py` times: parsing the condition, compiling it and "
        f"`Store.load_page` (200 rows of about 130 columns into dicts).",
        "",
        "| | ms |",
        "|---|---:|",
        f"| lxml floor (values already strings) | {fl['floor_ms']:.2f} |",
        f"| lxml floor including formatting the values | {fl['formatted_ms']:.2f} |",
        f"| SQL (condition + `Store.load_page`) | {fl['sql_ms']:.2f} |",
        f"| floor + SQL | {fl['floor_ms'] + fl['sql_ms']:.2f} |",
        f"| 2 × floor + SQL (target) | {bound:.2f} |",
        f"| the mock, whole HTTP call, p50 at 1 connection | {lbc.p50_ms:.2f} |" if lbc else "| the mock | — |",
        "",
        f"The floor's document: {fl['bytes']:,} bytes, {fl['elements']:,} elements; the mock's answer: "
        f"{fl['mock_bytes']:,} bytes, {fl['mock_elements']:,} elements (same XML infoset, compared in "
        f"canonical form: {'yes' if fl['same_tree'] else 'no'}). Page query plan: "
        f"`{' / '.join(fl['plan'])}`.",
        "",
        "## Cold start",
        "",
        "The mock: `python -m mockserver.cli serve --db :memory: --access-log off` (the default dataset "
        "built in memory), from `Popen` to the first `GetVersion` answered 200. WireMock: `java -jar "
        "wiremock-standalone.jar` with the XPath Bugs_Load stub, from `Popen` to the first Bugs_Load "
        "answered with the stub's bytes. Polled every 5 ms; the two started in turn.",
        "",
        "| Server | Starts | Median | Best | Worst | Target |",
        "|---|---:|---:|---:|---:|---|",
        f"| mock | {len(results['cold'])} | {statistics.median(results['cold']):.3f} s | {min(results['cold']):.3f} s "
        f"| {max(results['cold']):.3f} s | < 1 s: {verdict(max(results['cold']) < 1)} |",
    ]
    if results["wiremock_cold"]:
        colds = results["wiremock_cold"]
        lines += [f"| WireMock | {len(colds)} | {statistics.median(colds):.3f} s | {min(colds):.3f} s "
                  f"| {max(colds):.3f} s | — |"]
    lines += [
        "",
        "## Memory over calls",
        "",
        f"A fresh mock (same settings, a fresh copy of the seeded database) answering `Bugs_Load` "
        f"with wrk at {mem['connections']} connections in consecutive slices until {mem['target']:,} "
        f"calls; VmRSS and VmHWM read from `/proc/<pid>/status` after each slice. "
        f"{mem['errors']} errors over the series.",
        "",
        "| Calls | VmRSS MB | VmHWM MB |",
        "|---:|---:|---:|",
    ]
    series = mem["series"]
    shown = sorted({0, 1, len(series) - 1} | {round(i * (len(series) - 1) / 10) for i in range(11)})
    warm_index = next((i for i, (n, _, _) in enumerate(series) if mem["warm"] and n == mem["warm"][0]), None)
    if warm_index is not None:
        shown = sorted(set(shown) | {warm_index})
    for i in shown:
        calls, rss, hwm = series[i]
        mark = " (after warm-up)" if i == warm_index else (" (start)" if i == 0 else "")
        lines.append(f"| {calls:,}{mark} | {rss / 1024:.1f} | {hwm / 1024:.1f} |")
    growth = (mem["final_rss"] - mem["warm"][1]) / 1024 if mem["warm"] else float("nan")
    lines += [
        "",
        f"Peak (VmHWM) {mem['peak'] / 1024:.1f} MB; final RSS {mem['final_rss'] / 1024:.1f} MB after "
        f"{mem['final_calls']:,} calls; growth after warm-up ({mem['warm'][0] if mem['warm'] else 0:,} calls) "
        f"{growth:+.1f} MB.",
        "",
    ]
    return "\n".join(lines)


# (format, colour) per server: one server looks the same in every panel.
STYLES = {MOCK: ("o-", "C0"), MOCK_ONE: ("o--", "C7"), MOCK_WORKERS: ("o:", "C8"), SPYNE: ("s-", "C1"),
          FLOORS["waitress"]: ("D:", "C2"),
          FLOORS["granian"]: ("d:", "C3"), WIREMOCK_XPATH: ("^-", "C4"), WIREMOCK: ("<--", "C5"),
          WIREMOCK_NJ: ("v--", "C6")}


def throughput_panel(ax, points, op: str, conns: list[int], title: str):
    """req/s against connections, one line per server measured at every connection count."""
    import matplotlib.ticker

    for server in SERVER_ORDER:
        ys = [find(points, server, op, c) for c in conns]
        if all(ys):
            style, colour = STYLES[server]
            ax.plot(conns, [p.rps for p in ys], style, color=colour, label=server)
    ax.set_xscale("log", base=2)
    ax.set_xticks(conns, [str(c) for c in conns])
    ax.set_xlabel("connections")
    ax.set_ylabel("requests / s (log scale)")
    ax.set_yscale("log")           # WireMock and the floors are an order of magnitude above the mock
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_title(title)
    ax.legend(fontsize="small")
    ax.grid(True, which="both", alpha=0.3)


def latency_panel(ax, points, conns: list[int]):
    width = 0.8 / len(conns)
    for i, c in enumerate(conns):
        values = [(find(points, MOCK, op, c) or Point(MOCK, op, c, 0, float("nan"), 0, 0, 0, {})).p50_ms
                  for op in MOCK_OPS]
        ax.bar([x + (i - (len(conns) - 1) / 2) * width for x in range(len(MOCK_OPS))], values, width,
               label=f"{c} conn.")
    ax.set_xticks(range(len(MOCK_OPS)), [op.replace("Bugs_", "Bugs_\n") for op in MOCK_OPS])
    ax.set_yscale("log")
    ax.set_ylabel("p50 latency, ms")
    ax.set_title("The mock: p50 per operation")
    ax.legend()
    ax.grid(True, axis="y", which="both", alpha=0.3)


def memory_panel(ax, mem):
    calls = [n for n, _, _ in mem["series"]]
    ax.plot(calls, [r / 1024 for _, r, _ in mem["series"]], ".-", label="VmRSS")
    ax.plot(calls, [h / 1024 for _, _, h in mem["series"]], "--", label="VmHWM (peak)")
    if mem["warm"]:
        ax.axvline(mem["warm"][0], color="grey", linestyle=":", label="end of warm-up")
    ax.axhline(TARGETS["rss_mb"], color="red", linestyle=":", label=f"{TARGETS['rss_mb']:.0f} MB target")
    ax.set_ylim(0, max(TARGETS["rss_mb"], mem["peak"] / 1024) * 1.1)
    ax.set_xlabel("Bugs_Load calls")
    ax.set_ylabel("MB")
    ax.set_title(f"The mock's memory ({mem['connections']} connections)")
    ax.legend(loc="lower right")
    ax.grid(True, alpha=0.3)


def plot(results, path: Path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points, info = results["points"], results["info"]
    conns = info["connections"]
    fig, axes = plt.subplots(2, 2, figsize=(15, 11))
    throughput_panel(axes[0][0], points, "Bugs_Load", conns, "Bugs_Load throughput")
    throughput_panel(axes[0][1], points, "Bugs_LoadByCriteria", conns,
                     f"Bugs_LoadByCriteria ({PAGE} defects) throughput")
    latency_panel(axes[1][0], points, conns)
    memory_panel(axes[1][1], results["memory"])
    fig.suptitle(f"qacmock performance, {info['started']:%Y-%m-%d}" + (" (quick smoke run)" if info["quick"] else ""))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


ANALYSIS = "## Analysis\n\n<!-- analysis -->\n"


def write(results, out: Path, command: str):
    image = out.with_suffix(".png")
    try:
        plot(results, image)
    except ImportError:
        raise Abort("matplotlib is missing: .venv/bin/pip install -e '.[bench]'") from None
    text = report(results, command, image.name)
    analysis = ANALYSIS
    if out.exists():
        existing = out.read_text(encoding="utf-8")
        match = re.search(r"^## Analysis\b", existing, re.M)
        if match:
            analysis = existing[match.start():]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text.rstrip("\n") + "\n\n" + analysis, encoding="utf-8")
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--duration", type=int, default=None,
                        help="whole seconds per measured point (default 8; 1 with --quick)")
    parser.add_argument("--connections", default="1,8,32", help="comma-separated wrk connection counts")
    parser.add_argument("--quick", action="store_true", help="a short smoke run (figures not for comparison)")
    parser.add_argument("--skip-wiremock", action="store_true", help="do not run WireMock (no Java/npm needed)")
    parser.add_argument("--server", choices=HTTP_SERVERS, default=None,
                        help="pass --server NAME to the mock's serve (default: not passed, serve's own "
                             "default); the goal's static floor is on the same server")
    parser.add_argument("--wrk-timeout", type=float, default=10.0,
                        help="wrk's per-request timeout in seconds (default 10; slower answers count as errors)")
    parser.add_argument("--quiet-wait", type=float, default=None,
                        help="before each point, wait up to this many seconds for other processes to "
                             f"use under {BUSY_LIMIT} cores (default 60, 5 with --quick; 10 minutes in "
                             "all at most, 1 with --quick; 0 does not wait)")
    parser.add_argument("--out", default=str(OUTPUT.relative_to(ROOT)), help="Markdown report to write")
    args = parser.parse_args()
    try:
        if not all(c.strip().isdigit() and int(c) > 0 for c in args.connections.split(",")):
            raise Abort(f"--connections {args.connections!r}: give positive whole numbers, e.g. 1,8,32")
        if args.duration is not None and args.duration <= 0:
            raise Abort("--duration must be positive")
        signal.signal(signal.SIGTERM, _interrupted)
        command = ".venv/bin/python benchmarks/performance.py" + "".join(f" {a}" for a in sys.argv[1:])
        results = run(args)
        out = Path(args.out) if Path(args.out).is_absolute() else ROOT / args.out
        text = write(results, out, command)
    except Abort as error:
        _stop_all()
        sys.stderr.write(f"\nperformance.py: {error}\n")
        sys.exit(1)
    except KeyboardInterrupt:
        _stop_all()
        sys.stderr.write("\nperformance.py: interrupted; every server it started is stopped\n")
        sys.exit(130)
    finally:
        _stop_all()
    print()
    print(text)
    print(f"written: {out} and {out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
