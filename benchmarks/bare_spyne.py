"""The baseline for `benchmarks/performance.py`: spyne alone answering `Bugs_Load`.

    .venv/bin/python benchmarks/bare_spyne.py --response FILE [--port 0] [--threads 8]

A spyne Application with one operation, `Bugs_Load(AuthenticationData, BugId)` in the
namespace http://www.pragmaticsw.com/, plain `spyne.protocol.soap.Soap11` in and out, served
by waitress with the mock's thread count. It answers every call with the same Bug: the
`Bugs_LoadResult` of a Bugs_Load response captured from the mock (FILE), read once at
start-up into the mock's own spyne `Bug` model (`mockserver.soap.models.model_for`), so
fields and values are the mock's. No authentication, no database, no journal, no logging:
what is left is what spyne and waitress cost for the same request and answer.

Prints ``bare spyne serving at http://HOST:PORT/psws/psws.asmx`` when ready; stops on
SIGTERM or SIGINT.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from mockserver import spyne_compat  # noqa: E402  (before spyne: Python 3.12+)
from spyne import Application, Integer32, ServiceBase, rpc  # noqa: E402
from spyne.protocol.soap import Soap11  # noqa: E402
from spyne.server.wsgi import WsgiApplication  # noqa: E402
from spyne.util.xml import get_xml_as_object  # noqa: E402
from waitress.server import create_server  # noqa: E402

from common import serve_until_stopped  # noqa: E402

from mockserver.soap.models import model_for  # noqa: E402

del spyne_compat      # imported for its side effect only

NS = "http://www.pragmaticsw.com/"
PATH = "/psws/psws.asmx"


def read_bug(response_file: Path):
    """The Bug of a captured Bugs_Load response, as an instance of the mock's spyne model."""
    root = etree.fromstring(response_file.read_bytes())
    result = root.find(f".//{{{NS}}}Bugs_LoadResult")
    if result is None:
        raise SystemExit(f"bare_spyne: {response_file} holds no Bugs_LoadResult")
    return get_xml_as_object(result, model_for("Bug")), len(result)


def application(bug) -> Application:
    bug_model = model_for("Bug")

    class Service(ServiceBase):
        @rpc(model_for("AuthenticationData"), Integer32, _args=("AuthenticationData", "BugId"),
             _returns=bug_model, _operation_name="Bugs_Load")
        def Bugs_Load(ctx, authentication, bug_id):  # noqa: N802 (the wire's name)
            return bug

    return Application([Service], tns=NS, name="Service", in_protocol=Soap11(), out_protocol=Soap11())


class OnlyOnePath:
    """The WSGI app on the mock's path; 404 elsewhere."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == PATH:
            return self.app(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--response", required=True, type=Path,
                        help="a Bugs_Load response captured from the mock (the Bug to answer)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (default 8, as the mock)")
    args = parser.parse_args()

    logging.basicConfig(level=logging.WARNING)
    bug, fields = read_bug(args.response)
    server = create_server(OnlyOnePath(WsgiApplication(application(bug))), host=args.host,
                           port=args.port, threads=args.threads, ident="bare-spyne")
    serve_until_stopped(server, f"bare spyne serving at {{url}}{PATH} ({fields} Bug fields, "
                                f"{args.threads} threads)")


if __name__ == "__main__":
    main()
