"""``qacmock contracts``: run the contract kit against an endpoint, compare two recordings.

    qacmock contracts run --url URL [--email E --password P --appcode A ...] [-- pytest args]
    qacmock contracts diff DIR_A DIR_B [--format text|markdown|json] [--out FILE]

``run`` is pytest on the kit's own tests (``contracts/tests``) with ``-p contracts.plugin``;
each option becomes the plugin's ``--qac-*`` option, and an option left out is read by the
plugin from its ``QAC_*`` environment variable. Everything after ``--`` (and any option
``run`` does not know) goes to pytest unchanged. The exit code is pytest's.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# The option table lives with Settings, not in the plugin, so that this module (and
# 'contracts diff') never imports pytest.
from .target import OPTIONS, REQUIRED

TESTS_DIR = Path(__file__).resolve().parent / "tests"

# The plugin's options but --soap, which has its own choices here: (name, env, help).
RUN_OPTIONS = [(name, env, help_text) for name, env, _, help_text in OPTIONS if name != "soap"]


def build_parser(prog: str = "qacmock contracts") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, allow_abbrev=False,
        description="The contract kit: a pytest suite that runs unchanged against qacmock and against "
                    "a real QAComplete psws.asmx, and a diff of two runs' transcripts.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", allow_abbrev=False, help="run the kit's tests against an endpoint",
        description="Run the contract kit (pytest on contracts/tests with -p contracts.plugin). Every "
                    "option can also be set by its QAC_* environment variable. Arguments after '--' go "
                    "to pytest, e.g. -- -k crud --junitxml=report.xml. Writing tests are skipped against "
                    "a host that is not local unless --allow-writes is given.")
    for name, env, help_text in RUN_OPTIONS:
        run.add_argument(f"--{name}", default=None, help=f"{help_text} (env {env})")
    run.add_argument("--soap", choices=("1.1", "1.2"), default=None,
                     help="SOAP version (env QAC_SOAP, default 1.1)")
    run.add_argument("--allow-writes", action="store_true",
                     help="allow tests that create, change and delete items against a host that is not "
                          "local (env QAC_ALLOW_WRITES=1); what they create carries the run tag and is "
                          "deleted at the end")

    diff = commands.add_parser(
        "diff", help="compare the transcripts of two runs (--record)",
        description="Compare two folders written by 'contracts run --record' (or pytest --qac-record), "
                    "test by test and exchange by exchange, after normalising what legitimately differs "
                    "(IDs, timestamps, the run tag, hosts, namespace prefixes, whitespace). Exit 0 when "
                    "they agree, 1 when they differ, 2 on a usage error.")
    diff.add_argument("dir_a", help="the first recording (e.g. the real service)")
    diff.add_argument("dir_b", help="the second recording (e.g. qacmock)")
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                      help="output format (default text)")
    diff.add_argument("--out", default=None, help="write the report to this file instead of standard output")
    return parser


def main(argv=None, prog: str = "qacmock contracts") -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Everything after the first "--" belongs to pytest.
    if "--" in argv:
        cut = argv.index("--")
        ours, passthrough = argv[:cut], argv[cut + 1:]
    else:
        ours, passthrough = argv, []
    parser = build_parser(prog)
    args, unknown = parser.parse_known_args(ours)
    if args.command == "diff":
        if unknown:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        return _diff(args)
    return run_kit(args, unknown + passthrough)


def pytest_args(args, passthrough: list[str]) -> list[str]:
    """The pytest command line of a ``run``."""
    options = []
    for name, _, _ in RUN_OPTIONS:
        value = getattr(args, name.replace("-", "_"))
        if value is not None:
            options.append(f"--qac-{name}={value}")
    if args.soap:
        options.append(f"--qac-soap={args.soap}")
    if args.allow_writes:
        options.append("--qac-allow-writes")

    extra, selects_tests = [], False
    for arg in passthrough:
        path = _kit_path(arg)
        if path is not None:
            extra.append(path)
            selects_tests = True
        else:
            extra.append(arg)
    # The kit runs in one process, in order (its transcripts and clean-up rely on that): the
    # addopts of the checkout it lives in (xdist's -n) are not for it.
    command = ["-p", "contracts.plugin", "-o", "addopts="]
    if not any(a == "--rootdir" or a.startswith("--rootdir=") for a in passthrough):
        # Test IDs (and so transcript folder names) read contracts/tests/... wherever the kit
        # is installed, so recordings from two machines line up.
        command.append(f"--rootdir={TESTS_DIR.parent.parent}")
    if "no:cacheprovider" not in passthrough and not any(a.startswith("cache_dir=") for a in passthrough):
        # pytest's cache (--lf, --ff) in the working folder, never next to an installed kit.
        command += ["-o", f"cache_dir={Path.cwd() / '.pytest_cache'}"]
    return command + options + extra + ([] if selects_tests else [str(TESTS_DIR)])


def _kit_path(arg: str) -> str | None:
    """A test selection: a path to a .py file or folder (optionally ::node), here or in the kit.
    ``test_faults.py`` alone means the kit's file of that name."""
    if arg.startswith("-"):
        return None
    head, sep, node = arg.partition("::")
    if not (head.endswith(".py") or sep or Path(head).is_dir()):
        return None
    if Path(head).exists():
        return arg
    for base in (TESTS_DIR, TESTS_DIR.parent.parent):
        candidate = base / head
        if candidate.exists():
            return str(candidate) + sep + node
    return None


def run_kit(args, passthrough: list[str]) -> int:
    missing = [f"--{n}" for n in REQUIRED
               if getattr(args, n) is None and not os.environ.get(f"QAC_{n.upper()}")]
    if missing:
        sys.stderr.write(f"qacmock contracts run: needs {', '.join(missing)} "
                         f"(or {', '.join('QAC_' + m[2:].upper() for m in missing)})\n")
        return 2
    try:
        import pytest
    except ImportError:
        sys.stderr.write("qacmock contracts run: pytest is not installed; pip install 'qacmock[test]'\n")
        return 2
    return int(pytest.main(pytest_args(args, passthrough)))


def _diff(args) -> int:
    from .diff import compare, render

    for folder in (args.dir_a, args.dir_b):
        if not Path(folder).is_dir():
            sys.stderr.write(f"qacmock contracts diff: {folder} is not a folder\n")
            return 2
    report = compare(args.dir_a, args.dir_b)
    text = render(report, args.format)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 1 if report.has_differences else 0


if __name__ == "__main__":
    sys.exit(main())
