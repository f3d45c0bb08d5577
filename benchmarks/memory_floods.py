"""Memory of a qacmock under element floods (issue 17): RSS of a `qacmock serve` process at
start, after one 9.6 MB envelope of 2.4 million empty elements, at the peak of four such
envelopes in parallel, and after them; and how long another client's GetVersion takes, alone
and during the four floods.

    .venv/bin/python benchmarks/memory_floods.py [--port 8811] [--out docs/benchmarks/memory-floods.md]

Linux only (reads /proc/PID/status). Each flood is refused at the parser's element limit
(mockserver/soap/wsgi.py); what is measured is what building that much of the tree costs, and
how much of it the server gives back (mockserver/control/calls.py, give_back_memory).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from common import machine

NS = "http://www.pragmaticsw.com/"
AUTH = ("<AuthenticationData><AppCode>agSPEnt</AppCode><DeptId>7154</DeptId><ProjId>10372</ProjId>"
        "<UserId>25315</UserId><PassCode>p@ssword</PassCode></AuthenticationData>")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8811)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs" / "benchmarks"
                                             / "memory-floods.md"))
    args = parser.parse_args()
    lines = []
    qacmock = Path(sys.executable).with_name("qacmock")
    proc = subprocess.Popen([str(qacmock), "serve", "--port", str(args.port), "--access-log", "off"],
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{args.port}/psws/psws.asmx"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(url + "?WSDL", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)

        def rss() -> int:
            for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) // 1024
            return 0
        body = (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/'
                f'soap/envelope/"><soap:Body><Bugs_Load xmlns="{NS}">{AUTH}<BugId>1</BugId>'
                + "<x/>" * 2_400_000 + "</Bugs_Load></soap:Body></soap:Envelope>").encode()
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}Bugs_Load"'}

        def flood():
            requests.post(url, data=body, headers=headers, timeout=120)
        lines.append(f"- at start: {rss()} MB RSS")
        started = time.monotonic()
        flood()
        lines.append(f"- one {len(body) / 1e6:.1f} MB flood: answered in {time.monotonic() - started:.2f} s, "
                     f"{rss()} MB RSS after")
        version = (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/'
                   f'soap/envelope/"><soap:Body><GetVersion xmlns="{NS}"/></soap:Body></soap:Envelope>').encode()

        def get_version_ms() -> float:
            started = time.perf_counter()
            requests.post(url, data=version, timeout=60, headers={
                "Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}GetVersion"'})
            return (time.perf_counter() - started) * 1000
        alone = sorted(get_version_ms() for _ in range(20))
        threads = [threading.Thread(target=flood) for _ in range(4)]
        for thread in threads:
            thread.start()
        peak, during = 0, []
        while any(t.is_alive() for t in threads):
            peak = max(peak, rss())
            during.append(get_version_ms())
        lines.append(f"- four in parallel: {peak} MB RSS at the peak, {rss()} MB after")
        during.sort()
        lines.append(f"- another client's GetVersion: median {alone[len(alone) // 2]:.1f} ms, slowest {alone[-1]:.1f} ms "
                     f"alone; median {during[len(during) // 2]:.1f} ms, slowest {during[-1]:.1f} ms during the four "
                     f"floods ({len(during)} calls)")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    report = "\n".join(["# Memory under element floods", "", f"Machine: {machine()}.", "",
                         "`.venv/bin/python benchmarks/memory_floods.py`: RSS of one `qacmock serve` process.", "",
                         *lines, ""])
    Path(args.out).write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
