"""The ``qacmock`` command."""
from __future__ import annotations

import argparse
import logging
import os
import sys

from . import __version__, conformance_command
from .failures import CommandFailure

# server.py's SERVERS, the default first: spelled out so that --help does not import the servers
# (tests/test_operations.py keeps the two the same).
_SERVER_CHOICES = ("granian", "waitress")


def _env(name: str, default):
    return os.environ.get(name, default)


def _whole(low: int, high: int | None = None):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} is below {low}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"{value} is above {high}")
        return value
    return parse


_PORT = _whole(0, 65535)
# control/journal.MAX_SIZE, not imported: that module pulls in the registry, which most commands
# do not need. tests/test_journal.py checks they agree.
JOURNAL_MAX_SIZE = 10_000_000


class JsonLines(logging.Formatter):
    """Every log line as one JSON object (with --access-log json): access lines are JSON already,
    the others are wrapped, so a log collector reads the whole stream as JSON lines."""

    def format(self, record) -> str:
        import json

        if record.name == "qacmock.access":
            return record.getMessage()
        line = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 3600 seconds")
    return value


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:
        from .stopping import catch_early

        catch_early()       # before anything slow: a stop signal is never lost
    if argv[:1] == ["contracts"]:
        # The contract kit has its own command line (and passes the rest on to pytest).
        from contracts.cli import main as contracts_main

        return contracts_main(argv[1:], prog="qacmock contracts")
    args = parse(argv)
    level = args.log_level.upper() if args.command == "serve" else "INFO"
    if args.command == "serve" and args.access_log == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonLines())
        logging.basicConfig(level=level, handlers=[handler])
    else:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return _command(args)
    except CommandFailure as error:
        sys.stderr.write(f"qacmock {args.command}: {error}\n")
        return 2


def _command(args) -> int:
    if args.command == "serve":
        from .server import serve as run

        return run(args.db, args.host, args.port, args.threads, workers=args.workers, admin=not args.no_admin,
            admin_token=args.admin_token, shutdown_timeout=args.shutdown_timeout,
            journal_size=args.journal_size, journal_bodies=args.journal_bodies,
            max_body=args.max_body, max_attachment=args.max_attachment, access_log=args.access_log,
            strict=args.strict, server=args.server)
    elif args.command == "health":
        return _health(args)
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
    elif args.command == "conformance":
        return conformance_command.run(args)
    elif args.command == "wsdl":
        from .soap.wsdl import WsdlDocument

        sys.stdout.buffer.write(WsdlDocument().render("http://localhost:8080/psws/psws.asmx"))
    elif args.command == "fields":
        from .registry.report import provenance_report

        sys.stdout.write(provenance_report())
    elif args.command == "operations":
        from .registry.report import operations_page, operations_report, recorded_operations

        missing = [d for d in args.kit_record or () if not os.path.isdir(d)]
        if missing:
            print(f"qacmock operations: no directory {missing[0]}", file=sys.stderr)
            return 2
        if not args.kit_record:
            sys.stdout.write(operations_report())
        else:
            sys.stdout.write(operations_page(set().union(*(recorded_operations(d) for d in args.kit_record))))
    return 0


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line, with serve's options completed from their environment variables."""
    parser, serve_options = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve_options.resolve(args)
    return args


def build_parser() -> tuple[argparse.ArgumentParser, "_Options"]:
    parser = argparse.ArgumentParser(prog="qacmock", description="A mock of QAComplete's psws.asmx SOAP service.")
    parser.add_argument("--version", action="version", version=f"qacmock {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the SOAP service",
                                description="Serve psws.asmx and the admin API. Every option can also "
                                            "be set by the environment variable named in its help; "
                                            "an option given on the command line wins. SIGTERM "
                                            "stops the server gracefully.")
    option = _Options(serve)
    option("--host", "QACMOCK_HOST", "127.0.0.1", "interface to listen on (0.0.0.0 in a container)")
    option("--port", "QACMOCK_PORT", "8080", "port; 0 picks a free one", type=_PORT)
    option("--db", "QACMOCK_DB", ":memory:",
           "SQLite database file, created with the default data when empty; :memory: forgets "
           "everything on exit")
    option("--server", "QACMOCK_SERVER", _SERVER_CHOICES[0],
           "HTTP server: granian (HTTP in Rust, the faster) or waitress (pure Python)",
           type=_lower, choices=_SERVER_CHOICES)
    option("--threads", "QACMOCK_THREADS", "8",
           "Python threads running calls (per process); 1 is the fastest for plain traffic, but a "
           "delay rule or a client sending its body slowly then holds up every other call",
           type=_whole(1))
    option("--workers", "QACMOCK_WORKERS", "1",
           "worker processes sharing the port, a --db file and the admin API's state (journal, "
           "fault rules, snapshots, clock)", type=_whole(1))
    option("--no-admin", "QACMOCK_NO_ADMIN", None, "disable the admin API under /__admin/", switch=True)
    option("--admin-token", "QACMOCK_ADMIN_TOKEN", None,
           "require 'Authorization: Bearer TOKEN' on the admin API")
    option("--journal-size", "QACMOCK_JOURNAL_SIZE", "1000",
           "SOAP calls the request journal keeps, newest last; 0 turns it off",
           type=_whole(0, JOURNAL_MAX_SIZE))
    option("--journal-bodies", "QACMOCK_JOURNAL_BODIES", None,
           "keep request and response bodies in the journal", switch=True)
    option("--max-body", "QACMOCK_MAX_BODY", str(10 * 1024 * 1024),
           "largest SOAP request accepted, in bytes; larger ones get 413", type=_whole(1))
    option("--max-attachment", "QACMOCK_MAX_ATTACHMENT", str(10 * 1024 * 1024),
           "largest file Attachments_Add accepts, in bytes (the body limit applies first, and base64 "
           "makes a file a third larger)", type=_whole(0))
    option("--access-log", "QACMOCK_ACCESS_LOG", "text",
           "one line per SOAP call (operation, user, project, status, ms, fault): text, json or off",
           type=_lower, choices=("text", "json", "off"))
    option("--strict", "QACMOCK_STRICT", None,
           "answer requests the real service tolerates but the contract does not describe (members "
           "out of order, dates with offsets, ...) with a fault naming the rule; see "
           "'qacmock conformance rules'", switch=True)
    option("--shutdown-timeout", "QACMOCK_SHUTDOWN_TIMEOUT", "10",
           "on SIGTERM, seconds to let calls in flight finish", type=_seconds)
    option("--log-level", "QACMOCK_LOG_LEVEL", "info", "debug, info, warning or error",
           type=_lower, choices=("debug", "info", "warning", "error"))

    health = commands.add_parser(
        "health", help="exit 0 when a local qacmock answers (a container health check)",
        description="Ask a running qacmock whether it is ready: GET /__admin/health, or the WSDL "
                    "when the admin API is off. Exit 0 when ready, 1 otherwise. Reads the same "
                    "environment variables as serve.")
    health.add_argument("--url", default=None,
                        help="base URL (default http://$QACMOCK_HOST:$QACMOCK_PORT, with 127.0.0.1 "
                             "for an unset or wildcard host)")
    health.add_argument("--timeout", type=_seconds, default=3.0, help="seconds to wait (default 3)")

    seed = commands.add_parser(
        "seed", help="create a database with generated data, or from a scenario or export file",
        description="Create a SQLite database: the default scenario (seed_data/default.json) at a "
                    "scale, or a scenario / export file of your own. The same seed and the same "
                    "Faker version give the same rows.")
    _db_argument(seed, "SQLite database file to create")
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
    _db_argument(export, "SQLite database file to read")
    export.add_argument("--out", required=True, help="JSON file to write ('-' for standard output)")

    digest = commands.add_parser("digest", help="print the SHA-256 of a database's content",
                                 description="Print the SHA-256 of every row of every table: two "
                                             "databases with the same digest hold the same data.")
    _db_argument(digest, "SQLite database file to read")

    commands.add_parser("wsdl", help="print the WSDL the service serves")
    commands.add_parser("fields", help="list every field of every item type with its provenance")
    operations = commands.add_parser(
        "operations", help="list every operation of the vendor's reference: served or not, and whether a "
                           "contract-kit run (recorded with --record DIR) exercises it")
    operations.add_argument("--kit-record", metavar="DIR", action="append",
                            help="a directory 'qacmock contracts run --record' wrote (repeat for several runs)")
    conformance_command.add_parser(commands)
    commands.add_parser("contracts", add_help=False,
                        help="the contract kit: 'contracts run --url URL' tests an endpoint, "
                             "'contracts diff A B' compares two recordings (see 'qacmock contracts -h')")

    return parser, option


def _db_argument(parser, text: str):
    # In the container QACMOCK_DB names the served file, so 'qacmock export' needs no --db there.
    env = os.environ.get("QACMOCK_DB", "").strip()
    if env and env != ":memory:":
        parser.add_argument("--db", default=env, help=f"{text} (default $QACMOCK_DB: {env})")
    else:
        parser.add_argument("--db", required=True, help=f"{text} (or set QACMOCK_DB)")


class _Options:
    """serve's options, each with an environment variable named in --help. A variable is read
    only when its option is not given on the command line, and only for serve, so a stray
    value (Kubernetes sets QACMOCK_PORT=tcp://... for a Service named qacmock) never stops
    an explicit option or another command."""

    def __init__(self, parser):
        self.parser = parser
        self.options: list[tuple[str, str, str | None, object]] = []

    def __call__(self, flag: str, env: str, default: str | None, text: str, switch: bool = False,
                 type=str, choices=None):
        dest = flag.lstrip("-").replace("-", "_")
        if switch:
            self.parser.add_argument(flag, action="store_const", const=True, default=None,
                                     help=f"{text} [env {env}=1]")
            self.options.append((dest, env, None, _switch))
            return
        shown = f"default {default}" if default is not None else "default none"
        self.parser.add_argument(flag, default=None, type=type, choices=choices,
                                 help=f"{text} [env {env}, {shown}]")
        self.options.append((dest, env, default, _chosen(type, choices)))

    def resolve(self, args):
        """Fill the options not given on the command line from their variables or defaults."""
        for dest, env, default, convert in self.options:
            if getattr(args, dest) is not None:
                continue
            raw = os.environ.get(env)
            if raw is None:
                value = False if convert is _switch else (default if default is None else convert(default))
            else:
                try:
                    value = convert(raw)
                except argparse.ArgumentTypeError as error:
                    self.parser.error(f"{env}: {error}")
            setattr(args, dest, value)


def _switch(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("", "0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not 1/true/yes/on or 0/false/no/off")


def _chosen(convert, choices):
    def parse(text: str):
        value = convert(text)
        if choices is not None and value not in choices:
            raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(choices)}")
        return value
    return parse


def _lower(text: str) -> str:
    return text.strip().lower()


def _health(args) -> int:
    import urllib.request

    try:
        port = _PORT(_env("QACMOCK_PORT", "8080")) if not args.url else None
        no_admin = _switch(_env("QACMOCK_NO_ADMIN", ""))
    except argparse.ArgumentTypeError as error:
        sys.stderr.write(f"qacmock health: {error} (from QACMOCK_PORT / QACMOCK_NO_ADMIN)\n")
        return 1
    host = _env("QACMOCK_HOST", "").strip()
    if host in ("", "0.0.0.0", "::", "[::]"):       # listening everywhere: loopback answers
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    url = (args.url or f"http://{host}:{port}").rstrip("/") + (
        "/psws/psws.asmx?WSDL" if no_admin else "/__admin/health")
    try:
        request = urllib.request.Request(url)
    except ValueError as error:
        sys.stderr.write(f"qacmock health: {url}: {error}\n")
        return 1
    token = _env("QACMOCK_ADMIN_TOKEN", None)
    if token and not no_admin:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:
            response.read()
    except Exception as error:      # any failure means "not healthy"; say which
        sys.stderr.write(f"qacmock health: {request.full_url}: {error}\n")
        return 1
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
