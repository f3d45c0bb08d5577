"""``qacmock conformance``: how a client's requests deviate from the contract, from a running mock.

    qacmock conformance report --url http://localhost:8080 --format junit --output conformance.xml
    qacmock conformance rules
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .failures import CommandFailure

# Spelled here, not imported from soap.findings (which loads spyne): the parser stays light for
# serve, whose signal handlers wait for it. tests/test_conformance.py checks they agree.
FORMATS = ("text", "markdown", "junit")
FAIL_ON = ("refused", "tolerated", "note", "never")


def add_parser(commands):
    conformance = commands.add_parser(
        "conformance", help="report how the requests a mock received deviate from the contract",
        description="Every request a mock answers is checked against the served WSDL and the vendor's "
                    "rules; 'report' fetches the findings of a running mock, 'rules' lists the rules.")
    actions = conformance.add_subparsers(dest="action", required=True)
    report = actions.add_parser("report", help="the findings of a running mock, as text, Markdown or JUnit XML",
                                description="Exit 1 when a finding is at --fail-on or more serious, so a CI "
                                            "step fails on the deviations it cares about.")
    report.add_argument("--url", default="http://127.0.0.1:8080",
                        help="the mock's base URL (default http://127.0.0.1:8080)")
    report.add_argument("--token", default=None, help="its admin token, if it has one (or QACMOCK_ADMIN_TOKEN)")
    report.add_argument("--format", choices=FORMATS, default="text", help="text (default), markdown or junit")
    report.add_argument("--output", default="-", help="file to write ('-', the default, for standard output)")
    report.add_argument("--fail-on", choices=FAIL_ON, default="refused",
                        help="the least serious severity that fails (exit 1, and a failed JUnit case): "
                             "refused (default), tolerated, note or never")
    for name in ("operation", "severity", "rule"):
        report.add_argument(f"--{name}", default=None, help=f"only these {name}s (comma-separated)")
    report.add_argument("--clear", action="store_true", help="forget the findings once they are written")
    rules = actions.add_parser("rules", help="list every rule: id, severity, what it finds, where it rests")
    rules.add_argument("--format", choices=("text", "markdown"), default="text")


def run(args) -> int:
    if args.action == "rules":
        sys.stdout.write(rules_listing(args.format))
        return 0
    from .control.client import AdminApiError, AdminClient
    from .control.conformance_report import failing, render

    admin = AdminClient(args.url, args.token or os.environ.get("QACMOCK_ADMIN_TOKEN") or None)
    try:
        report = admin.conformance(args.operation, args.severity, args.rule)
        if args.clear:
            admin.clear_conformance()
    except AdminApiError as error:
        raise CommandFailure(f"{admin.base}/conformance answered {error}") from None
    except (OSError, ValueError) as error:
        raise CommandFailure(f"no qacmock admin API answers at {args.url} ({getattr(error, 'reason', error)})") \
            from None
    text = render(report, args.format, args.fail_on)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandFailure(f"cannot write {args.output}: {error.strerror or error}") from None
    return 1 if failing(report, args.fail_on) else 0


def rules_listing(fmt: str) -> str:
    from .soap.findings import RULES

    if fmt == "markdown":
        lines = ["| Rule | Severity | What | Reference |", "|---|---|---|---|"]
        lines += [f"| `{r.id}` | {r.severity} | {r.title} | {r.reference.replace('|', '/')} |" for r in RULES.values()]
        return "\n".join(lines) + "\n"
    return "".join(f"{r.id} [{r.severity}]: {r.title}\n    {r.reference}\n" for r in RULES.values())
