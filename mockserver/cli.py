"""The ``qacmock`` command."""
from __future__ import annotations

import argparse
import logging
import os
import sys

from . import __version__


def _env(name: str, default):
    return os.environ.get(name, default)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="qacmock", description="A mock of QAComplete's psws.asmx SOAP service.")
    parser.add_argument("--version", action="version", version=f"qacmock {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the SOAP service",
                                description="Serve psws.asmx. Every option can also be set by its "
                                            "environment variable.")
    serve.add_argument("--host", default=_env("QACMOCK_HOST", "127.0.0.1"),
                       help="interface to listen on (QACMOCK_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=int(_env("QACMOCK_PORT", "8080")),
                       help="port (QACMOCK_PORT, default 8080; 0 picks a free one)")
    serve.add_argument("--db", default=_env("QACMOCK_DB", ":memory:"),
                       help="SQLite database file; created with the default data when empty "
                            "(QACMOCK_DB, default :memory:, which forgets everything on exit)")
    serve.add_argument("--threads", type=int, default=int(_env("QACMOCK_THREADS", "8")),
                       help="worker threads (QACMOCK_THREADS, default 8)")

    commands.add_parser("wsdl", help="print the WSDL the service serves")
    commands.add_parser("fields", help="list every field of every item type with its provenance")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "serve":
        from .server import serve as run

        run(args.db, args.host, args.port, args.threads)
    elif args.command == "wsdl":
        from .soap.wsdl import WsdlDocument

        sys.stdout.buffer.write(WsdlDocument().render("http://localhost:8080/psws/psws.asmx"))
    elif args.command == "fields":
        from .registry.report import provenance_report

        sys.stdout.write(provenance_report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
