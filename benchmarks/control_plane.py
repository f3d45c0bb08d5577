"""What the control plane costs: start-up, and the journal + fault-rule + access-log work
on every SOAP call.

    .venv/bin/python benchmarks/control_plane.py [--starts 10] [--calls 400] [--rounds 7]

1. Cold start: from launching ``qacmock serve`` (a new process, default dataset in memory)
   to the first successful GetVersion answer, polled every 5 ms.
2. Per-call overhead on Bugs_Load, three configurations side by side in one run, rounds
   interleaved so machine noise falls on all alike:
   All three are entry points into one mock (same store, spyne application and SOAP front),
   called in turn, each call timed on its own:
   - bare: the SOAP front alone (no journal, no rule check, no access log);
   - journal+rules: the journal on (1,000 entries) and one fault rule that never matches
     (so the rule list is searched on every call), access log off;
   - everything: the same plus the access log (text, written to a file).
   Measured in-process through the WSGI callable (the work itself, no sockets) and over HTTP
   with one keep-alive client (what a user sees).

Results go to docs/benchmarks/control-plane.md.
"""
from __future__ import annotations

import argparse
import io
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from mockserver.app import QacMock  # noqa: E402
from mockserver.control.calls import ControlledFront  # noqa: E402
from mockserver.waitress_server import make_server  # noqa: E402

from common import machine  # noqa: E402

OUTPUT = ROOT / "docs" / "benchmarks" / "control-plane.md"
NS = "http://www.pragmaticsw.com/"
GET_VERSION = (f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
               f'<GetVersion xmlns="{NS}"/></s:Body></s:Envelope>').encode()
BUGS_LOAD = (f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
             f'<Bugs_Load xmlns="{NS}"><AuthenticationData><AppCode>agSPEnt</AppCode><DeptId>7154</DeptId>'
             f'<ProjId>10372</ProjId><UserId>25315</UserId><PassCode>p@ssword</PassCode>'
             f'</AuthenticationData><BugId>{{bug}}</BugId></Bugs_Load></s:Body></s:Envelope>')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cold_start() -> float:
    port = free_port()
    env = {**os.environ, "QACMOCK_ACCESS_LOG": "off"}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "mockserver.cli", "serve", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                answer = requests.post(f"http://127.0.0.1:{port}/psws/psws.asmx", data=GET_VERSION,
                                       headers={"Content-Type": "text/xml; charset=utf-8",
                                                "SOAPAction": f'"{NS}GetVersion"'}, timeout=5)
                if answer.status_code == 200 and b"GetVersionResult" in answer.content:
                    return time.perf_counter() - started
            except requests.ConnectionError:
                pass
            if proc.poll() is not None:
                raise SystemExit("qacmock serve exited before answering")
            time.sleep(0.005)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def make_apps(log_path: str) -> tuple[QacMock, dict]:
    """Three WSGI callables over ONE mock (same store, same spyne application, same SOAP
    front), so they differ only by the control plane's work."""
    mock = QacMock(journal_size=1000, access_log="off", admin=False)
    mock.rules.add({"action": "soap_fault", "operation": "Bugs_Delete", "user": "nobody"})
    front = mock.soap.front
    handler = logging.FileHandler(log_path)
    access = logging.getLogger("qacmock.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    return mock, {"bare": front,
                  "journal+rules": ControlledFront(front, mock.journal, mock.rules, "off"),
                  "everything": ControlledFront(front, mock.journal, mock.rules, "text")}


def wsgi_call(app, body: bytes):
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/psws/psws.asmx", "QUERY_STRING": "",
               "CONTENT_TYPE": "text/xml; charset=utf-8", "CONTENT_LENGTH": str(len(body)),
               "HTTP_SOAPACTION": f'"{NS}Bugs_Load"', "wsgi.input": io.BytesIO(body),
               "wsgi.url_scheme": "http", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
               "REMOTE_ADDR": "127.0.0.1"}
    status = []
    chunks = app(environ, lambda s, h, e=None: status.append(s))
    payload = b"".join(chunks)
    if not status[0].startswith("200"):
        raise SystemExit(f"Bugs_Load failed: {status[0]} {payload[-400:]!r}")


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def overhead(mock: QacMock, apps: dict, calls: int, rounds: int) -> dict[str, dict[str, list[float]]]:
    """Per round, ``calls`` calls of each configuration in turn (A B C A B C ...), each timed on
    its own; a round's figure is the median call. Drift and noise fall on all alike."""
    body = BUGS_LOAD.format(bug=first_bug(mock)).encode()
    servers, sessions = {}, {}
    for name, app in apps.items():
        server = make_server(app, "127.0.0.1", 0, threads=4)
        servers[name] = server
        threading.Thread(target=server.run, daemon=True).start()
        sessions[name] = requests.Session()
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}Bugs_Load"'}

    def http_call(name):
        url = f"http://127.0.0.1:{servers[name].effective_port}/psws/psws.asmx"
        answer = sessions[name].post(url, data=body, headers=headers, timeout=10)
        if answer.status_code != 200:
            raise SystemExit(f"Bugs_Load over HTTP failed: {answer.status_code}")

    paths = {"wsgi": lambda name: wsgi_call(apps[name], body), "http": http_call}
    results = {path: {n: [] for n in apps} for path in paths}
    for path, call in paths.items():
        for _ in range(50):                  # warm-up: caches in spyne, SQLite, connections
            for name in apps:
                call(name)
        for _ in range(rounds):
            samples = {n: [] for n in apps}
            for _ in range(calls):
                for name in apps:
                    samples[name].append(timed(lambda: call(name)))
            for name in apps:
                results[path][name].append(statistics.median(samples[name]))
    for server in servers.values():
        server.close()
    return results


def first_bug(app: QacMock) -> int:
    return app.store.db.execute("SELECT MIN(BugId) FROM Bugs WHERE ProjId = 10372").fetchone()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=10, help="cold starts measured (default 10)")
    parser.add_argument("--calls", type=int, default=400, help="Bugs_Load calls per round (default 400)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--out", default=str(OUTPUT))
    args = parser.parse_args()

    starts = [cold_start() for _ in range(args.starts)]
    with tempfile.TemporaryDirectory() as tmp:
        mock, apps = make_apps(f"{tmp}/access.log")
        results = overhead(mock, apps, args.calls, args.rounds)
        journaled = mock.journal.settings()
        logged = sum(1 for _ in open(f"{tmp}/access.log"))

    lines = [
        "# Control plane: start-up and per-call overhead",
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {machine()} by `benchmarks/control_plane.py "
        f"--starts {args.starts} --calls {args.calls} --rounds {args.rounds}`.",
        "",
        "## Cold start",
        "",
        "From launching `qacmock serve` (new process, default dataset built in memory) to the "
        "first successful `GetVersion`:",
        "",
        "| Starts | Median | Best | Worst | Target |",
        "|---:|---:|---:|---:|---|",
        f"| {len(starts)} | {statistics.median(starts):.3f} s | {min(starts):.3f} s | {max(starts):.3f} s "
        f"| < 1 s: {'met' if max(starts) < 1 else 'NOT met'} |",
        "",
        "## Journal, fault rules and access log on `Bugs_Load`",
        "",
        "Three entry points into ONE mock (same store, spyne application and SOAP front): `bare` "
        "is the SOAP front alone; `journal+rules` adds the journal (1,000 entries) and one fault "
        "rule that never matches, so the rule list is searched on every call; `everything` also "
        "writes a text access-log line to a file. Calls alternate between the three; each is "
        f"timed on its own. Milliseconds per call: the median of {args.rounds} rounds' median "
        f"call, {args.calls} calls per configuration per round (min–max of the round medians); "
        "overheads are against `bare`.",
        "",
        "| Path | bare | journal+rules | overhead | everything | overhead |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for path, label in (("wsgi", "in-process WSGI call (no sockets)"), ("http", "HTTP, one keep-alive client")):
        cells, base = [], statistics.median(results[path]["bare"])
        for name in ("bare", "journal+rules", "everything"):
            times = results[path][name]
            cells.append(f"{statistics.median(times):.3f} ({min(times):.3f}–{max(times):.3f})")
            if name != "bare":
                cells.append(f"{statistics.median(times) / base - 1:+.1%}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    worst = max(statistics.median(results[p]["journal+rules"]) / statistics.median(results[p]["bare"]) - 1
                for p in ("wsgi", "http"))
    lines += [
        "",
        f"Target: the journal and fault-rule checks add under 5% to a `Bugs_Load` call: "
        f"{'met' if worst < 0.05 else 'NOT met'} (worst path {worst:+.1%}).",
    ]
    lines += [
        "",
        f"The mock recorded {journaled['entries']:,} journal entries "
        f"({journaled['dropped']:,} older ones dropped by the ring) and wrote {logged:,} access-log lines.",
        "",
    ]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
