"""LoadByCriteria at 10,000 and 100,000 defects: the whole HTTP call and the SQL alone.

    .venv/bin/python benchmarks/load_by_criteria.py [--rows 10000,100000] [--calls 60]

Builds a database in a temporary directory (the default dataset plus generated defects
in FamilyAlbum), serves it with waitress as ``qacmock serve`` does, and times two
queries from the issue: a selective AND of LIKE, IN and a date bound sorted by date, and
a plain equality on an indexed field. Results go to docs/benchmarks/load-by-criteria.md.
"""
from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockserver.app import QacMock  # noqa: E402
from mockserver.domain import clock  # noqa: E402
from mockserver.domain.condition import parse_condition  # noqa: E402
from mockserver.domain.sorting import parse_sorting  # noqa: E402
from mockserver.registry import REGISTRY  # noqa: E402
from mockserver.waitress_server import make_server  # noqa: E402
from mockserver.store.where import compile_where  # noqa: E402

from common import machine  # noqa: E402

NS = "http://www.pragmaticsw.com/"
PROJECT, ADMIN, DEPT = 10372, 25315, 7154
ASSIGNEES = (25315, 25316, 25317, 24661)
STATUSES = ("Active", "Reopened", "Resolved", "Closed")
WORDS = ("album", "photo", "upload", "crash", "slow", "button", "page", "login", "export", "video",
         "cover", "share", "print", "zoom", "sync", "cache", "menu", "label", "timeout", "layout")
OUTPUT = ROOT / "docs" / "benchmarks" / "load-by-criteria.md"


def selective_condition(since: datetime) -> str:
    return f"""<Conditions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xmlns:xsd="http://www.w3.org/2001/XMLSchema" Operation="opAND">
 <Conditions Operation="opLIKE">
  <Items Type="tField"><Value xsi:type="xsd:string">Title</Value></Items>
  <Items Type="tString"><Value xsi:type="xsd:string">%error%</Value></Items></Conditions>
 <Conditions Operation="opIN">
  <Items Type="tField"><Value xsi:type="xsd:string">StatusCode</Value></Items>
  <Items Type="tArray"><Value xsi:type="xsd:string">Active</Value><Value xsi:type="xsd:string">Reopened</Value></Items></Conditions>
 <Conditions Operation="opGTE">
  <Items Type="tField"><Value xsi:type="xsd:string">DateCreated</Value></Items>
  <Items Type="tDate"><Value xsi:type="xsd:dateTime">{since:%Y-%m-%dT%H:%M:%S}</Value></Items></Conditions>
</Conditions>"""


def assignee_condition(user_id: int) -> str:
    return f"""<Conditions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xmlns:xsd="http://www.w3.org/2001/XMLSchema" Operation="opEQU">
 <Items Type="tField"><Value xsi:type="xsd:string">AssigneeUserId</Value></Items>
 <Items Type="tConst"><Value xsi:type="xsd:int">{user_id}</Value></Items></Conditions>"""


def envelope(condition: str, sorting: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
            f'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            f'<Bugs_LoadByCriteria xmlns="{NS}"><AuthenticationData><AppCode>agSPEnt</AppCode>'
            f'<DeptId>{DEPT}</DeptId><ProjId>{PROJECT}</ProjId><UserId>{ADMIN}</UserId>'
            f'<PassCode>p@ssword</PassCode></AuthenticationData>'
            f'<Condition><![CDATA[{condition}]]></Condition><Sorting>{sorting}</Sorting>'
            f'<PageSize>200</PageSize><PageNumber>1</PageNumber></Bugs_LoadByCriteria>'
            f'</soap:Body></soap:Envelope>').encode()


def add_defects(path: str, count: int, rng: random.Random, start: datetime):
    """Defects written straight into the table: realistic spread, built in seconds."""
    rows = []
    for _ in range(count):
        created = start + timedelta(seconds=rng.randrange(2 * 365 * 86400))
        words = rng.sample(WORDS, 4)
        if rng.random() < 0.05:
            words[rng.randrange(4)] = rng.choice(("error", "Error", "errors", "ERROR"))
        status = rng.choices(STATUSES, weights=(30, 10, 20, 40))[0]
        stamp = created.strftime("%Y-%m-%dT%H:%M:%S.000")
        rows.append((" ".join(words).capitalize(), status, rng.choice(ASSIGNEES), stamp, stamp, stamp,
                     ADMIN, PROJECT, "3-Medium", "2-Fix Soon", 0))
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            'INSERT INTO Bugs (Title, StatusCode, AssigneeUserId, DateCreated, DateOpened, DateUpdated, '
            'UpdateUserId, ProjId, SeverityCode, PriorityCode, PctComplete) '
            'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', rows)
    conn.close()


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(app: QacMock, url: str, name: str, condition: str, sorting: str, calls: int) -> dict:
    entity = REGISTRY.entity("Bug")
    body = envelope(condition, sorting)
    session = requests.Session()
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}Bugs_LoadByCriteria"'}
    http, sql, returned = [], [], 0
    for i in range(calls + 5):
        t0 = time.perf_counter()
        response = session.post(url, data=body, headers=headers)
        elapsed = time.perf_counter() - t0
        assert response.status_code == 200, response.text[:500]
        if i >= 5:       # warm-up calls are not counted
            http.append(elapsed * 1000)
        returned = response.content.count(b"<BugId>")
    for i in range(calls + 5):
        # The SQL part: the compiled query the service runs, timed in-process.
        t0 = time.perf_counter()
        tree = parse_condition(entity, condition, clock.now())
        where = compile_where(tree)
        rows = app.store.load_page(entity, [PROJECT], parse_sorting(entity, sorting), 200, 0, where)
        elapsed = time.perf_counter() - t0
        if i >= 5:
            sql.append(elapsed * 1000)
    plan = app.store.page_ids_plan(entity, [PROJECT], parse_sorting(entity, sorting), where)
    assert len(rows) == returned
    return {"name": name, "returned": returned, "plan": plan,
            "http_p50": percentile(http, 50), "http_p95": percentile(http, 95),
            "sql_p50": percentile(sql, 50), "sql_p95": percentile(sql, 95)}


def run(row_counts: list[int], calls: int) -> list[tuple[int, list[dict]]]:
    rng = random.Random(20261123)
    start = datetime.now().replace(microsecond=0) - timedelta(days=2 * 365)
    since = datetime.now().replace(microsecond=0) - timedelta(days=365)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.db")
        QacMock(path).store.close()              # schema and default dataset
        loaded = 0
        for target in row_counts:
            add_defects(path, target - loaded, rng, start)
            loaded = target
            app = QacMock(path)
            app.store.analyze()
            server = make_server(app, "127.0.0.1", 0)
            thread = threading.Thread(target=server.run, daemon=True)
            thread.start()
            url = f"http://127.0.0.1:{server.effective_port}/psws/psws.asmx"
            try:
                results.append((target, [
                    measure(app, url, "LIKE '%error%' AND StatusCode IN (Active, Reopened) AND "
                            "DateCreated >= 1 year ago, DateCreated DESC", selective_condition(since),
                            "DateCreated DESC", calls),
                    measure(app, url, "AssigneeUserId = 25317, by BugId", assignee_condition(25317),
                            "", calls),
                ]))
            finally:
                def stop():
                    for channel in list(server._map.values()):   # kept-alive connections too
                        channel.close()
                server.trigger.pull_trigger(stop)
                thread.join(timeout=5)
                server.task_dispatcher.shutdown()
                app.store.close()
    return results


def report(results, calls: int) -> str:
    lines = [
        "# LoadByCriteria benchmark",
        "",
        f"Generated by `.venv/bin/python benchmarks/load_by_criteria.py` on {datetime.now():%Y-%m-%d}.",
        f"Machine: {machine()}.",
        "",
        f"Each figure is over {calls} calls after 5 warm-up calls, one client, keep-alive. "
        "*HTTP* is the whole `Bugs_LoadByCriteria` call (request parsing, authentication, the "
        "query, 200 Bug objects serialised); *SQL* is parsing the condition, compiling it and "
        "running the page query (`Store.load_page`) in-process on the same database. "
        "Page size 200, project FamilyAlbum.",
        "",
        "| Rows | Query | Returned | HTTP p50 ms | HTTP p95 ms | SQL p50 ms | SQL p95 ms |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for rows, measured in results:
        for m in measured:
            lines.append(f"| {rows:,} | {m['name']} | {m['returned']} | {m['http_p50']:.1f} | "
                         f"{m['http_p95']:.1f} | {m['sql_p50']:.1f} | {m['sql_p95']:.1f} |")
    if len(results) >= 2:
        (small, first), (large, last) = results[0], results[-1]
        lines += ["", f"Growth from {small:,} to {large:,} rows (SQL p50):", ""]
        for a, b in zip(first, last):
            lines.append(f"- {a['name']}: {b['sql_p50'] / a['sql_p50']:.2f}x")
    lines += ["", "Query plans (the page-id subquery) at the largest size:", ""]
    for m in results[-1][1]:
        lines.append(f"- {m['name']}: `{' / '.join(m['plan'])}`")
    lines += [
        "",
        "## Reading the figures",
        "",
        "- The equality on an indexed field reads 200 index entries in id order whatever the "
        "table size: its SQL time is flat. Most of it is building 200 rows of ~130 columns "
        "(Python), not SQLite.",
        "- The LIKE/IN/date query walks the date index newest first; the status is in that "
        "index, so rows of other statuses are skipped unread, and only the remaining rows are "
        "read for the `LIKE '%error%'` test (which no index can serve). It stops at 200 "
        "matches. With few rows, fewer than 200 match in the whole year, so the walk covers "
        "the whole range; with many rows it covers as many rows as it takes to find 200. Its "
        "growth is therefore that of the rows scanned per match found, not of the table.",
        "- The whole HTTP call is dominated by building and serialising 200 `Bug` objects "
        "with spyne, the same for both queries; that is issue 7's subject "
        "(docs/performance.md once it exists).",
    ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000",
                        help="comma-separated defect counts, ascending (default 10000,100000)")
    parser.add_argument("--calls", type=int, default=60, help="timed calls per query (default 60)")
    parser.add_argument("--out", default=str(OUTPUT), help="Markdown report to write")
    args = parser.parse_args()
    results = run([int(n) for n in args.rows.split(",")], args.calls)
    text = report(results, args.calls)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
