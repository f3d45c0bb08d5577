"""Where one SOAP call's time goes, stage by stage, in process (the WSGI callable, no sockets).

    .venv/bin/python benchmarks/breakdown.py [--calls 1500] [--rounds 5] [--out FILE]

For Bugs_Load, Bugs_Add, Bugs_Update (Bug 1 as Bugs_Load gives it, sent back) and a 200-item
Bugs_LoadByCriteria page, on two mocks built side by side on the default data: the direct path
(soap/direct.py) and every call through spyne (``QacMock(direct=False)``, the path before issue
19). Rounds alternate between them, so machine noise falls on both alike.

- Per call: the median over rounds of the mean time of ``--calls`` calls, without a profiler.
- Stages: the shares of one cProfile run, each stage the cumulative time of the function that
  does it; "SQL" is the time in sqlite3's own methods (part of "auth" and "domain"). The
  profiler slows Python code more than C code, so shares are indicative; the per-call times
  are not profiled. HTTP (granian or waitress) comes on top: docs/performance.md measures it.

Results go to docs/benchmarks/breakdown.md.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from mockserver.app import QacMock  # noqa: E402

from common import machine  # noqa: E402

OUTPUT = ROOT / "docs" / "benchmarks" / "breakdown.md"
NS = "http://www.pragmaticsw.com/"
AUTH = ("<AuthenticationData><AppCode>agSPEnt</AppCode><DeptId>7154</DeptId><ProjId>{proj}</ProjId>"
        "<UserId>25315</UserId><PassCode>p@ssword</PassCode></AuthenticationData>")
MOBILE_APP = 10401

# stage -> (file suffix, function name) whose cumulative time it is; order is nesting-free.
STAGES = {
    "parse envelope": ("soap/wsgi.py", "_parse"),
    "inspect (conformance)": ("soap/inspection.py", "envelope"),
    "vet values": ("soap/request.py", "check_operation_element"),
    "read arguments": ("soap/direct.py", "read_arguments"),
    "spyne: read arguments": ("spyne/server/_base.py", "get_in_object"),
    "authenticate": ("domain/service.py", "authenticate"),
    "write answer": ("soap/direct.py", "_response"),
    "spyne: write answer": ("spyne/server/_base.py", "get_out_string_pull"),
    "journal + findings": ("control/journal.py", "record"),
}
HANDLER = ("soap/service.py", "_run")
SQL_METHODS = ("execute", "executemany", "fetchall", "fetchone", "commit")


def envelope(inner: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/'
            f'soap/envelope/"><soap:Body>{inner}</soap:Body></soap:Envelope>').encode()


def call(app, operation: str, body: bytes) -> bytes:
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/psws/psws.asmx", "CONTENT_TYPE": "text/xml; charset=utf-8",
               "HTTP_SOAPACTION": f'"{NS}{operation}"', "CONTENT_LENGTH": str(len(body)),
               "wsgi.input": io.BytesIO(body), "SERVER_NAME": "localhost", "SERVER_PORT": "80",
               "wsgi.url_scheme": "http", "REMOTE_ADDR": "127.0.0.1"}
    status = []
    answer = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    if not status[0].startswith("200"):
        raise SystemExit(f"{operation} answered {status[0]}: {answer[:500]!r}")
    return answer


def requests_for(app) -> dict[str, bytes]:
    auth = AUTH.format(proj=10372)
    load = envelope(f'<Bugs_Load xmlns="{NS}">{auth}<BugId>1</BugId></Bugs_Load>')
    loaded = etree.fromstring(call(app, "Bugs_Load", load)).find(f".//{{{NS}}}Bugs_LoadResult")
    loaded.tag = f"{{{NS}}}Bug"
    bug = etree.tostring(loaded, encoding=str)
    return {
        "Bugs_Load": load,
        "Bugs_Add": envelope(f'<Bugs_Add xmlns="{NS}">{auth}<Bug><Title>breakdown</Title>'
                             f'<StatusCode>Active</StatusCode></Bug><SendEmailAlert>N</SendEmailAlert></Bugs_Add>'),
        "Bugs_Update": envelope(f'<Bugs_Update xmlns="{NS}">{auth}{bug}<SendEmailAlert>N</SendEmailAlert>'
                                f'</Bugs_Update>'),
        "Bugs_LoadByCriteria": envelope(
            f'<Bugs_LoadByCriteria xmlns="{NS}">{AUTH.format(proj=MOBILE_APP)}<Condition></Condition>'
            f'<Sorting></Sorting><PageSize>200</PageSize><PageNumber>1</PageNumber></Bugs_LoadByCriteria>'),
    }


def per_call(app, operation: str, body: bytes, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call(app, operation, body)
    return (time.perf_counter() - start) / calls


def stages(app, operation: str, body: bytes, calls: int) -> dict[str, float]:
    """Each stage's share of the profiled time."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(calls):
        call(app, operation, body)
    profile.disable()
    stats = pstats.Stats(profile).stats
    total = sum(tt for (_, _, _), (_, _, tt, _, _) in stats.items())

    def cumulative(suffix, name):
        return sum(ct for (path, _, func), (_, _, _, ct, _) in stats.items()
                   if func == name and path.replace("\\", "/").endswith(suffix))

    shares = {stage: cumulative(*where) for stage, where in STAGES.items()}
    sql = sum(tt for (path, _, func), (_, _, tt, _, _) in stats.items()
              if path == "~" and any(f"'{m}' of 'sqlite3." in func for m in SQL_METHODS))
    shares["domain (handler, after auth)"] = cumulative(*HANDLER) - shares["authenticate"]
    shares["other (HTTP front, dispatch, spyne context)"] = total - sum(shares.values())
    shares["of which SQL"] = sql
    return {stage: value / total for stage, value in shares.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args()
    started = time.perf_counter()
    apps = {"direct": QacMock(":memory:", access_log="off"),
            "through spyne": QacMock(":memory:", access_log="off", direct=False)}
    bodies = {path: requests_for(app) for path, app in apps.items()}
    page = call(apps["direct"], "Bugs_LoadByCriteria", bodies["direct"]["Bugs_LoadByCriteria"])
    items = len(etree.fromstring(page).findall(f".//{{{NS}}}Bug"))
    times = {(path, op): [] for path in apps for op in bodies["direct"]}
    for _ in range(args.rounds):
        for op in bodies["direct"]:
            calls = args.calls if op != "Bugs_LoadByCriteria" else max(1, args.calls // 20)
            for path, app in apps.items():
                per_call(app, op, bodies[path][op], calls // 10)          # warm
                times[(path, op)].append(per_call(app, op, bodies[path][op], calls))
    shares = {(path, op): stages(app, op, bodies[path][op], 300 if op != "Bugs_LoadByCriteria" else 20)
              for path, app in apps.items() for op in bodies["direct"]}

    lines = ["# Where a call's time goes", "",
             f"Generated by `.venv/bin/python benchmarks/breakdown.py` on {datetime.now():%Y-%m-%d %H:%M} "
             f"({time.perf_counter() - started:.0f} s), `--calls {args.calls} --rounds {args.rounds}`.", "",
             f"- Machine: {machine()}.",
             "- In process, through the WSGI callable (no sockets, no HTTP server), default data in memory, "
             "access log off, journal on (1,000 calls, no bodies). `direct` is the mock as served; "
             "`through spyne` is `QacMock(direct=False)`, every call through spyne's machinery (the path "
             "before issue 19). Both built side by side; rounds alternate.",
             f"- Bugs_LoadByCriteria: PageSize 200, no condition, project Mobile App ({MOBILE_APP}), whose "
             f"{items} defects of the default data make the page ({len(page):,} bytes).", "",
             "## Per call", "", "| Operation | direct µs | through spyne µs | ratio |", "|---|---:|---:|---:|"]
    for op in bodies["direct"]:
        fast, slow = (statistics.median(times[(path, op)]) * 1e6 for path in apps)
        lines.append(f"| {op} | {fast:,.0f} | {slow:,.0f} | {slow / fast:.2f}× |")
    stage_names = list(shares[("direct", "Bugs_Load")])
    lines += ["", "## Stages (share of the profiled time)", "",
              "| Stage | " + " | ".join(f"{op} {path}" for op in bodies["direct"] for path in apps) + " |",
              "|---|" + "---:|" * (len(apps) * len(bodies["direct"]))]
    for stage in stage_names:
        cells = [f"{shares[(path, op)][stage] * 100:.0f}%" if shares[(path, op)][stage] >= 0.005 else "–"
                 for op in bodies["direct"] for path in apps]
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    lines += ["", "\"of which SQL\" is part of authenticate and domain, not a stage of its own. The HTTP "
                  "server's own share (granian or waitress: parsing, threads, sockets) is not in these figures; "
                  "docs/performance.md measures the served mock against each server answering static bytes.", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
