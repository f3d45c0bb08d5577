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
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["contracts"]:
        # The contract kit has its own command line (and passes the rest on to pytest).
        from contracts.cli import main as contracts_main

        return contracts_main(argv[1:], prog="qacmock contracts")
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
    serve.add_argument("--no-admin", action="store_true",
                       default=_env("QACMOCK_NO_ADMIN", "").lower() in ("1", "true", "yes"),
                       help="disable the admin API under /__admin/ (QACMOCK_NO_ADMIN=1)")
    serve.add_argument("--admin-token", default=_env("QACMOCK_ADMIN_TOKEN", None),
                       help="require 'Authorization: Bearer TOKEN' on the admin API (QACMOCK_ADMIN_TOKEN)")

    seed = commands.add_parser(
        "seed", help="create a database with generated data, or from a scenario or export file",
        description="Create a SQLite database: the default scenario (seed_data/default.json) at a "
                    "scale, or a scenario / export file of your own. The same seed and the same "
                    "Faker version give the same rows.")
    seed.add_argument("--db", required=True, help="SQLite database file to create")
    seed.add_argument("--seed", type=int, default=None,
                      help="random seed of the generated items (default: the scenario's)")
    seed.add_argument("--scale", default="default",
                      help="small, default, large (100,000 defects) or a number of defects (default: default)")
    seed.add_argument("--from", dest="source", default=None,
                      help="a scenario file (like seed_data/default.json) or a file written by 'qacmock export'")
    seed.add_argument("--replace", action="store_true", help="delete the database file first if it exists")

    export = commands.add_parser("export", help="write a database's whole content as JSON",
                                 description="Write every row of a database as JSON, to keep scenario "
                                             "data in a repository; 'qacmock seed --from FILE' loads it back.")
    export.add_argument("--db", required=True, help="SQLite database file to read")
    export.add_argument("--out", required=True, help="JSON file to write ('-' for standard output)")

    digest = commands.add_parser("digest", help="print the SHA-256 of a database's content",
                                 description="Print the SHA-256 of every row of every table: two "
                                             "databases with the same digest hold the same data.")
    digest.add_argument("--db", required=True, help="SQLite database file to read")

    commands.add_parser("wsdl", help="print the WSDL the service serves")
    commands.add_parser("fields", help="list every field of every item type with its provenance")
    commands.add_parser("contracts", add_help=False,
                        help="the contract kit: 'contracts run --url URL' tests an endpoint, "
                             "'contracts diff A B' compares two recordings (see 'qacmock contracts -h')")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "serve":
        from .server import serve as run

        run(args.db, args.host, args.port, args.threads, admin=not args.no_admin,
            admin_token=args.admin_token)
    elif args.command == "seed":
        return _seed(args)
    elif args.command == "export":
        return _export(args)
    elif args.command == "digest":
        from .seed import digest as content_digest

        store = _existing_store("digest", args.db)
        if store is None:
            return 2
        sys.stdout.write(content_digest(store) + "\n")
        store.close()
    elif args.command == "wsdl":
        from .soap.wsdl import WsdlDocument

        sys.stdout.buffer.write(WsdlDocument().render("http://localhost:8080/psws/psws.asmx"))
    elif args.command == "fields":
        from .registry.report import provenance_report

        sys.stdout.write(provenance_report())
    return 0


def _seed(args) -> int:
    import json
    from pathlib import Path

    from .registry import REGISTRY
    from .seed import build, check, default_dataset
    from .seed.progress import Progress
    from .store import Store

    path = Path(args.db)
    if path.exists() and not args.replace:
        sys.stderr.write(f"qacmock seed: {path} already exists; use --replace to start over\n")
        return 2
    try:
        scenario = (json.loads(Path(args.source).read_text(encoding="utf-8"))
                    if args.source else default_dataset())
    except (OSError, ValueError) as e:
        sys.stderr.write(f"qacmock seed: cannot read {args.source}: {e}\n")
        return 2
    try:
        check(scenario, args.scale)     # before --replace deletes anything
    except ValueError as e:
        sys.stderr.write(f"qacmock seed: {args.source or 'the default scenario'}: {e}\n")
        return 2
    _remove_database(path)
    store = Store(str(path))
    try:
        build(store, scenario, args.scale, args.seed, Progress())
    except (ValueError, KeyError, TypeError) as e:
        store.close()
        _remove_database(path)
        detail = f"missing key {e}" if isinstance(e, KeyError) else str(e)
        sys.stderr.write(f"qacmock seed: {args.source or 'the default scenario'}: {detail}\n")
        return 2
    counts = {e.table: store.count_rows(e.table) for e in REGISTRY.exposed_entities}
    store.close()
    logging.getLogger("qacmock").info(
        "%s: %s", path, ", ".join(f"{n:,} {t}" for t, n in counts.items()))
    return 0


def _existing_store(command: str, db: str):
    """The store of an existing database file, or None after saying it does not exist (a
    Store would create an empty one)."""
    from pathlib import Path

    from .store import Store

    if not Path(db).is_file():
        sys.stderr.write(f"qacmock {command}: {db} does not exist\n")
        return None
    return Store(db)


def _remove_database(path):
    from pathlib import Path

    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _export(args) -> int:
    import json
    from pathlib import Path

    from .seed import EXPORT_FORMAT

    store = _existing_store("export", args.db)
    if store is None:
        return 2
    text = json.dumps({"format": EXPORT_FORMAT, "version": 1, "tables": store.dump()},
                      indent=1, ensure_ascii=False)
    store.close()
    if args.out == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
