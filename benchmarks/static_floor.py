"""The static-bytes floor for `benchmarks/performance.py`: an HTTP server answering captured bytes.

    .venv/bin/python benchmarks/static_floor.py --server waitress|granian --port PORT
        --response OPERATION=FILE [--response ...] [--threads 8]

A WSGI app that does no work: it reads the request body (every SOAP server must) and answers
the bytes of FILE, captured from the mock, for the operation the SOAPAction header names, with
`Content-Type: text/xml; charset=utf-8`. It runs on an HTTP server the mock runs on, set up
as `qacmock serve` sets it up: waitress with `--threads` threads, or granian's WSGI worker (one
process, one runtime thread on the asyncio loop, `--threads` blocking threads running the app;
here started by granian's own runner, so in a child process). What it reaches is the most that
server does for these bytes; issue 19 asks the mock for at least half of it.

Prints ``static floor serving ...`` when ready; stops on SIGTERM or SIGINT.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NS = "http://www.pragmaticsw.com/"
PATH = "/psws/psws.asmx"
# granian imports the app by name in its worker process: the responses reach it this way.
RESPONSES_ENV = "QACMOCK_STATIC_FLOOR_RESPONSES"
HEADERS = [("Content-Type", "text/xml; charset=utf-8")]


class StaticFloor:
    """Answers the captured bytes of the operation named by SOAPAction; 404 otherwise."""

    def __init__(self, responses: dict[str, bytes]):
        # Keyed by the whole SOAPAction header as clients send it, so a call costs one lookup.
        self.answers = {f'"{NS}{op}"': (body, [*HEADERS, ("Content-Length", str(len(body)))])
                        for op, body in responses.items()}

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length:
            environ["wsgi.input"].read(length)
        found = self.answers.get(environ.get("HTTP_SOAPACTION")) if environ.get("PATH_INFO") == PATH else None
        if found is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found\n"]
        body, headers = found
        start_response("200 OK", headers)
        return [body]


def read_responses(files: dict[str, str]) -> dict[str, bytes]:
    return {op: Path(path).read_bytes() for op, path in files.items()}


def _from_environment():
    files = os.environ.get(RESPONSES_ENV)
    return StaticFloor(read_responses(json.loads(files))) if files else None


# The app granian's worker imports (``static_floor:app``); None when the variable is unset.
app = _from_environment()


def serve_waitress(files: dict[str, str], host: str, port: int, threads: int):
    from waitress.server import create_server

    from common import serve_until_stopped

    server = create_server(StaticFloor(read_responses(files)), host=host, port=port, threads=threads,
                           ident="static-floor")
    serve_until_stopped(server, f"static floor serving at {{url}}{PATH} (waitress, {threads} threads; "
                                f"{', '.join(files)})")


def serve_granian(files: dict[str, str], host: str, port: int, threads: int):
    from granian import Granian
    from granian.constants import Interfaces, Loops

    os.environ[RESPONSES_ENV] = json.dumps(files)
    print(f"static floor serving at http://{host}:{port}{PATH} (granian, 1 worker, {threads} "
          f"blocking threads; {', '.join(files)})", flush=True)
    # granian handles SIGTERM and SIGINT itself: it stops its worker and returns.
    Granian("static_floor:app", address=host, port=port, interface=Interfaces.WSGI, workers=1,
            runtime_threads=1, blocking_threads=threads, loop=Loops.asyncio, working_dir=HERE,
            log_access=False, websockets=False).serve()


def response_argument(text: str) -> tuple[str, str]:
    op, sep, path = text.partition("=")
    if not sep or not op or not Path(path).is_file():
        raise argparse.ArgumentTypeError(f"{text!r}: give OPERATION=FILE with an existing FILE")
    return op, str(Path(path).resolve())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("waitress", "granian"), required=True)
    parser.add_argument("--response", type=response_argument, action="append", required=True,
                        help="OPERATION=FILE: the bytes answered to calls of OPERATION (repeatable)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8,
                        help="waitress threads, or granian blocking threads (default 8)")
    args = parser.parse_args()
    files = dict(args.response)
    if args.server == "waitress":
        serve_waitress(files, args.host, args.port, args.threads)
    else:
        serve_granian(files, args.host, args.port, args.threads)


if __name__ == "__main__":
    sys.exit(main())
