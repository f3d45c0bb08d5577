"""The container image without Docker: the Dockerfile read statically, then the image's
filesystem rebuilt in a clean virtualenv and run the way the container runs it.

The static tests parse Dockerfile, .dockerignore, docs/ci.md and the CI recipes in docs/ci/
(PyYAML is not a dependency, so a small parser reads the YAML subset the recipes use). The
tests marked ``slow`` share one module-scoped build: a clean virtualenv (the image's Python),
exactly the files the Dockerfile COPYs (honouring .dockerignore, symlinks kept as Docker keeps
them) in a temporary root, the Dockerfile's own ``pip install`` of them, and its ``rm -rf``
of the sources. ENTRYPOINT + CMD and the HEALTHCHECK command then run from that virtualenv's
bin, with the Dockerfile's ENV, a minimal environment and an empty working directory, so
nothing can come from this checkout. ``pytest -m "not slow"`` runs the static part only.
"""
from __future__ import annotations

import itertools
import json
import os
import posixpath
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import zeep

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
CI_DOC = ROOT / "docs" / "ci.md"
RECIPES = ROOT / "docs" / "ci"
GITHUB, GITLAB, COMPOSE = (RECIPES / "github-actions.yml", RECIPES / "gitlab-ci.yml",
                           RECIPES / "docker-compose.yml")
PLUGIN = "mockserver.control.pytest_plugin"


# -- reading a Dockerfile -------------------------------------------------------------------

@dataclass
class Instruction:
    name: str           # upper case: FROM, RUN, ...
    args: str           # everything after the name, continuation lines joined
    line: int           # where it starts

    @property
    def exec_form(self) -> list[str] | None:
        return exec_form(self.args)


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions, as Docker reads them: ``\\`` continues a line, comment lines (also inside
    a continuation, and parser directives) and blank lines are dropped."""
    instructions, pending, start = [], None, 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("#") and stripped.lower().startswith("# escape="):
            raise ValueError("an escape directive is not supported by this parser")
        if not stripped or stripped.startswith("#"):
            continue
        if pending is None:
            pending, start = "", number
        line = raw.rstrip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        words = (pending + line).strip().split(None, 1)
        instructions.append(Instruction(words[0].upper(), words[1].strip() if len(words) > 1 else "", start))
        pending = None
    if pending is not None:
        raise ValueError(f"line {start}: the file ends inside a continuation")
    return instructions


def exec_form(args: str) -> list[str] | None:
    """The JSON array of an exec-form instruction, or None for the shell form."""
    if not args.startswith("["):
        return None
    try:
        value = json.loads(args)
    except ValueError:
        return None
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


def split_options(args: str) -> tuple[dict[str, str], str]:
    """Leading ``--name=value`` options (HEALTHCHECK, COPY) and the rest."""
    options = {}
    while match := re.match(r"--([a-z-]+)(?:=(\S*))?\s*", args):
        options[match.group(1)] = match.group(2) or ""
        args = args[match.end():]
    return options, args


def key_values(args: str) -> dict[str, str]:
    """ENV and LABEL pairs: ``K=V K2="v 2"``, or the old single ``K value``."""
    words = shlex.split(args)
    if words and "=" not in words[0]:
        return {words[0]: args.split(None, 1)[1].strip()}
    pairs = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep:
            raise ValueError(f"not KEY=VALUE: {word!r}")
        pairs[key] = value
    return pairs


class Dockerfile:
    def __init__(self, path: Path):
        self.instructions = parse_dockerfile(path.read_text(encoding="utf-8"))

    def all(self, name: str) -> list[Instruction]:
        return [i for i in self.instructions if i.name == name]

    def one(self, name: str) -> Instruction:
        found = self.all(name)
        assert len(found) == 1, f"expected one {name}, found {len(found)}"
        return found[0]

    @property
    def env(self) -> dict[str, str]:
        env = {}
        for instruction in self.all("ENV"):
            env.update(key_values(instruction.args))
        return env

    @property
    def labels(self) -> dict[str, str]:
        labels = {}
        for instruction in self.all("LABEL"):
            labels.update(key_values(instruction.args))
        return labels

    def healthcheck(self) -> tuple[dict[str, str], list[str] | None]:
        options, rest = split_options(self.one("HEALTHCHECK").args)
        word, _, command = rest.partition(" ")
        assert word.upper() == "CMD", f"HEALTHCHECK must run a command, not {rest!r}"
        return options, exec_form(command.strip())

    def workdir_at(self, instruction: Instruction) -> str:
        workdir = "/"
        for i in self.instructions:
            if i is instruction:
                return workdir
            if i.name == "WORKDIR":
                workdir = posixpath.normpath(posixpath.join(workdir, i.args))
        raise ValueError("not an instruction of this Dockerfile")

    @property
    def final_workdir(self) -> str:
        workdir = "/"
        for i in self.all("WORKDIR"):
            workdir = posixpath.normpath(posixpath.join(workdir, i.args))
        return workdir

    @property
    def volumes(self) -> list[str]:
        return [v for i in self.all("VOLUME") for v in (exec_form(i.args) or i.args.split())]

    def copies(self) -> list[tuple[list[str], str]]:
        """(sources relative to the build context, absolute destination) per COPY/ADD."""
        result = []
        for instruction in self.instructions:
            if instruction.name not in ("COPY", "ADD"):
                continue
            options, rest = split_options(instruction.args)
            assert "from" not in options, "a multi-stage COPY --from is not mirrored by this test"
            words = exec_form(rest) or rest.split()
            sources, dest = words[:-1], words[-1]
            absolute = posixpath.normpath(posixpath.join(self.workdir_at(instruction), dest))
            if dest.endswith("/") or dest in (".", "./") or len(sources) > 1:
                absolute = absolute.rstrip("/") + "/"       # a directory: sources go into it
            result.append((sources, absolute))
        return result

    def dependencies_install(self) -> Instruction:
        """The RUN that installs the dependencies alone (``pip install -r``), before the sources."""
        runs = [i for i in self.all("RUN") if re.search(r"\bpip install\b.*\s-r\s", i.args)]
        assert len(runs) == 1, f"expected one RUN with pip install -r, found {len(runs)}"
        return runs[0]

    def pip_install(self) -> tuple[Instruction, list[str], list[str], list[str]]:
        """The RUN with ``pip install`` of the package: (instruction, pip's options, its targets
        resolved in the image, paths that RUN removes with ``rm -rf``)."""
        runs = [i for i in self.all("RUN") if re.search(r"\bpip install\b", i.args)
                and not re.search(r"\bpip install\b.*\s-r\s", i.args)]
        assert len(runs) == 1, f"expected one RUN with pip install of the package, found {len(runs)}"
        run = runs[0]
        options, targets, removed = [], [], []
        for segment in re.split(r"&&|;", run.args):
            words = shlex.split(segment)
            if words[:2] == ["pip", "install"] or words[1:4] == ["-m", "pip", "install"]:
                rest = words[words.index("install") + 1:]
                options = [w for w in rest if w.startswith("-")]
                targets = [posixpath.normpath(posixpath.join(self.workdir_at(run), w))
                           for w in rest if not w.startswith("-")]
            elif words[:1] == ["rm"]:
                paths = [w for w in words[1:] if not w.startswith("-")]
                assert all(p.startswith("/") for p in paths), f"rm of a relative path: {segment!r}"
                removed += paths
        return run, options, targets, removed


def test_the_dockerfile_parser_reads_continuations_comments_and_exec_forms():
    text = ("# syntax=docker/dockerfile:1\n"
            "FROM python:3.11-slim AS base\n"
            "\n"
            "ENV A=1 \\\n"
            "    # a comment inside a continuation\n"
            "    B=\"two words\"\n"
            "ENV OLD style value\n"
            "HEALTHCHECK --interval=5s --timeout=2s \\\n"
            "    CMD [\"qacmock\", \"health\"]\n"
            "CMD qacmock serve\n"
            "ENTRYPOINT [\"qacmock\"]\n")
    instructions = parse_dockerfile(text)
    assert [i.name for i in instructions] == ["FROM", "ENV", "ENV", "HEALTHCHECK", "CMD", "ENTRYPOINT"]
    assert instructions[1].line == 4
    assert key_values(instructions[1].args) == {"A": "1", "B": "two words"}
    assert key_values(instructions[2].args) == {"OLD": "style value"}
    options, rest = split_options(instructions[3].args)
    assert options == {"interval": "5s", "timeout": "2s"} and rest == 'CMD ["qacmock", "health"]'
    assert instructions[4].exec_form is None
    assert instructions[5].exec_form == ["qacmock"]
    with pytest.raises(ValueError):
        parse_dockerfile("RUN echo \\\n")


# -- what the CLI says ----------------------------------------------------------------------

def _cli_help(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QACMOCK_")}
    result = subprocess.run([sys.executable, "-m", "mockserver.cli", *args, "--help"], capture_output=True,
                            text=True, env=env, timeout=60, check=True)
    return " ".join(result.stdout.split())


@pytest.fixture(scope="module")
def serve_env_vars() -> dict[str, str | None]:
    """Every ``[env QACMOCK_X, default D]`` (D; "none" when unset) or ``[env QACMOCK_X=1]``
    (None: a flag) in ``qacmock serve --help``."""
    found = re.findall(r"\[env (QACMOCK_[A-Z_]+)(?:=1|, default ([^\]]+))\]", _cli_help("serve"))
    variables = {name: (default or None) for name, default in found}
    assert {"QACMOCK_HOST", "QACMOCK_PORT", "QACMOCK_DB"} <= set(variables), variables
    return variables


@pytest.fixture(scope="module")
def plugin_env_vars() -> set[str]:
    """The environment variables the pytest plugin's options read, from their help."""
    import importlib

    helps = []

    class Group:
        def addoption(self, *names, **kwargs):
            helps.append(kwargs.get("help", ""))

    class Parser:
        def getgroup(self, *args, **kwargs):
            return Group()

    importlib.import_module(PLUGIN).pytest_addoption(Parser())
    names = set(re.findall(r"\benv (QACMOCK_[A-Z_]+)", " ".join(helps)))
    assert "QACMOCK_URL" in names
    return names


@pytest.fixture(scope="module")
def health_timeout() -> float:
    """How long ``qacmock health`` waits by default."""
    match = re.search(r"--timeout TIMEOUT seconds to wait \(default ([\d.]+)\)", _cli_help("health"))
    assert match, "qacmock health --help no longer names its default timeout"
    return float(match.group(1))


def seconds(text: str) -> float:
    """A Docker / compose duration: 5s, 1m30s, 500ms."""
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", str(text))
    assert parts and "".join(n + u for n, u in parts) == str(text), f"not a duration: {text!r}"
    return sum(float(n) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[u] for n, u in parts)


@pytest.fixture(scope="module")
def df() -> Dockerfile:
    return Dockerfile(DOCKERFILE)


# -- the Dockerfile, statically --------------------------------------------------------------

def test_base_image_is_python_311_slim_in_one_stage(df):
    assert [i.args for i in df.all("FROM")] == ["python:3.11-slim"]
    assert df.instructions[0].name == "FROM"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert "3.11" in requires or "<3.12" in requires


def test_runs_as_a_non_root_user_that_the_image_creates(df):
    user = df.all("USER")
    assert user, "no USER: the server would run as root"
    name = user[-1].args.split(":")[0]
    assert name not in ("root", "0"), name
    assert not (name.isdigit() and int(name) == 0)
    creates = [i for i in df.all("RUN") if re.search(rf"\buseradd\b.*\s{re.escape(name)}\s*($|&&)", i.args)]
    assert creates, f"no RUN useradd creates {name!r}"
    uid = re.search(r"--uid\s+(\d+)", creates[0].args)
    assert uid and int(uid.group(1)) >= 1000, "the user should have a fixed, unprivileged uid"
    # The entrypoint runs as that user: nothing after USER switches back.
    assert df.instructions.index(user[-1]) < df.instructions.index(df.one("ENTRYPOINT"))


def test_port_volume_and_database_agree(df):
    assert df.one("EXPOSE").args.split() == ["8080"]
    assert df.volumes == ["/data"]
    env = df.env
    assert env.get("QACMOCK_PORT") == "8080", "the server must listen on the EXPOSEd port"
    assert env.get("QACMOCK_HOST") == "0.0.0.0", "in a container the server must listen on every interface"
    assert env.get("PYTHONUNBUFFERED") == "1"
    db = env.get("QACMOCK_DB", "")
    assert posixpath.dirname(db) == "/data", f"QACMOCK_DB {db!r} is not in the /data volume"
    assert df.all("USER"), "no USER"
    user = df.all("USER")[-1].args.split(":")[0]
    owned = [i for i in df.all("RUN") if re.search(rf"\bchown\s+(-\S+\s+)*{re.escape(user)}(:\S+)?\s+/data\b", i.args)]
    assert owned, "the /data volume must belong to the user the server runs as"
    # The directory is prepared (and chowned) before VOLUME declares it.
    assert df.instructions.index(owned[0]) < df.instructions.index(df.one("VOLUME"))


def test_healthcheck_is_qacmock_health_in_exec_form_with_every_timing(df, health_timeout):
    options, command = df.healthcheck()
    assert command == ["qacmock", "health"], "HEALTHCHECK must be the exec form CMD [\"qacmock\", \"health\"]"
    assert set(options) >= {"interval", "timeout", "start-period", "start-interval", "retries"}, options
    assert seconds(options["interval"]) >= 1
    assert seconds(options["start-period"]) >= 5
    # Healthy within a second of ready: checks run every second while the container starts.
    assert seconds(options["start-interval"]) <= 1
    assert int(options["retries"]) >= 1
    # Docker must not kill the check before the command's own timeout reports.
    assert seconds(options["timeout"]) > health_timeout


INIT = ["tini", "--"]


def test_entrypoint_and_cmd_are_exec_forms_so_sigterm_reaches_qacmock(df):
    """tini is PID 1 and passes SIGTERM on to qacmock from the first instant; it is installed
    from Debian's packages before the entry point names it."""
    assert df.one("ENTRYPOINT").exec_form == INIT + ["qacmock"]
    assert df.one("CMD").exec_form == ["serve"]
    assert df.one("STOPSIGNAL").args == "SIGTERM"
    installs = [i for i in df.all("RUN") if re.search(r"apt-get install .*\btini\b", i.args)]
    assert installs and "rm -rf /var/lib/apt/lists" in installs[0].args


def test_every_env_name_is_a_qacmock_serve_variable(df, serve_env_vars):
    python_settings = {"PYTHONUNBUFFERED"}
    unknown = set(df.env) - set(serve_env_vars) - python_settings
    assert not unknown, f"ENV names no 'qacmock serve' option reads: {sorted(unknown)}"


def test_oci_labels_match_the_package(df):
    labels = df.labels
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert labels["org.opencontainers.image.title"] == project["name"]
    assert labels["org.opencontainers.image.version"] == project["version"]
    assert labels["org.opencontainers.image.licenses"] == project["license"]["text"]
    assert labels["org.opencontainers.image.description"]
    assert labels["org.opencontainers.image.source"].startswith("https://")


def test_header_comment_has_a_quick_start():
    header = []
    for line in DOCKERFILE.read_text().splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    text = "\n".join(header)
    assert "docker build -t qacmock ." in text
    assert re.search(r"docker run .*-p 8080:8080 .*qacmock", text)


def test_pip_install_is_a_regular_install_without_cache_of_what_was_copied(df):
    run, options, targets, removed = df.pip_install()
    assert "--no-cache-dir" in options
    assert not {"-e", "--editable", "--user"} & set(options)
    assert len(targets) == 1
    copied_to = {dest.rstrip("/") for _, dest in df.copies()}
    assert targets[0] in copied_to, f"pip installs {targets[0]}, which no COPY fills"
    assert targets[0] in removed, "the sources should be removed once installed"
    assert df.instructions.index(run) > max(df.instructions.index(i) for i in df.all("COPY"))
    # The dependencies come from their own layer (see the next test).
    assert "--no-deps" in options


def test_dependencies_are_installed_in_a_layer_only_pyproject_changes(df, tmp_path):
    """Only pyproject.toml is copied before the dependencies' RUN, so a change to the sources
    reuses that layer; the RUN's one-liner lists exactly pyproject's dependencies."""
    deps = df.dependencies_install()
    before = [i for i in df.all("COPY") if df.instructions.index(i) < df.instructions.index(deps)]
    assert [i.args.split() for i in before] == [["pyproject.toml", "./"]]
    command = next(segment for segment in re.split(r"&&", deps.args) if "tomllib" in segment)
    script = shlex.split(command.split(">")[0])
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    listed = subprocess.run([sys.executable, *script[1:]], cwd=tmp_path, capture_output=True, text=True,
                            check=True).stdout.split("\n")
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert [line for line in listed if line] == expected


# -- .dockerignore and the COPY list ---------------------------------------------------------

def _glob_regex(pattern: str) -> re.Pattern:
    """A .dockerignore pattern (Go's filepath.Match plus ``**``) as a regular expression."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i + 1)
            out, i = out + "[" + pattern[i + 1:end].replace("!", "^", 1) + "]", end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


class DockerIgnore:
    def __init__(self, text: str):
        self.rules = []
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            pattern = posixpath.normpath(line.lstrip("!").strip()).lstrip("/")
            self.rules.append((negate, _glob_regex(pattern)))

    def ignored(self, path: str) -> bool:
        """As Docker decides: the last rule matching the path or one of its parents wins."""
        parts = path.strip("/").split("/")
        candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
        ignored = False
        for negate, regex in self.rules:
            if any(regex.match(c) for c in candidates):
                ignored = not negate
        return ignored


@pytest.fixture(scope="module")
def dockerignore() -> DockerIgnore:
    path = ROOT / ".dockerignore"
    assert path.is_file(), "no .dockerignore: the checkout's .venv and .git would be sent to the daemon"
    return DockerIgnore(path.read_text())


def test_the_dockerignore_matcher():
    rules = DockerIgnore("*\n!src\n**/__pycache__\n*.md\n!README.md\n")
    assert rules.ignored(".venv/bin/python")
    assert not rules.ignored("src/a.py")
    assert rules.ignored("src/pkg/__pycache__/a.pyc")
    assert rules.ignored("CHANGES.md") and not rules.ignored("README.md")
    assert DockerIgnore("docs/*.md").ignored("docs/ci.md")
    assert not DockerIgnore("docs/*.md").ignored("docs/ci/x.md")
    assert DockerIgnore("**/*.db").ignored("a/b/c.db") and DockerIgnore("**/*.db").ignored("c.db")


def copy_plan(df: Dockerfile, ignore: DockerIgnore) -> list[tuple[Path, str]]:
    """(file in the checkout, absolute path in the image) for everything the COPYs bring in,
    as Docker does it: a directory's contents go into the destination, a file into a
    destination ending in '/', .dockerignore'd paths are not in the context."""
    plan = []
    for sources, dest in df.copies():
        for source in sources:
            matches = sorted(ROOT.glob(source)) if any(c in source for c in "*?[") else [ROOT / source]
            assert matches and all(m.exists() or m.is_symlink() for m in matches), f"COPY {source}: not in the checkout"
            for match in matches:
                rel = match.relative_to(ROOT).as_posix()
                assert not ignore.ignored(rel), f"COPY {rel}, but .dockerignore leaves it out of the context"
                if match.is_dir() and not match.is_symlink():
                    for dirpath, dirnames, filenames in os.walk(match):
                        for name in sorted(filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]):
                            path = Path(dirpath) / name
                            inner = path.relative_to(ROOT).as_posix()
                            if not ignore.ignored(inner):
                                plan.append((path, posixpath.join(dest, path.relative_to(match).as_posix())))
                else:
                    target = posixpath.join(dest, match.name) if dest.endswith("/") else dest
                    plan.append((match, target))
    return plan


def _tracked(path: str) -> list[str]:
    result = subprocess.run(["git", "ls-files", "-z", "--", path], cwd=ROOT, capture_output=True)
    if result.returncode != 0:
        pytest.skip("not a git checkout")
    return [p for p in result.stdout.decode().split("\0") if p]


def test_dockerignore_keeps_local_clutter_out_and_every_copied_file_in(df, dockerignore):
    for path in (".venv/bin/python", ".git/HEAD", ".pytest_cache/v/cache/nodeids", ".hypothesis/examples/x",
                 "qacmock.egg-info/PKG-INFO", "tests/test_smoke.py", "benchmarks/common.py",
                 "docs/benchmarks/seeding.md", "qacmock.db", "mockserver/__pycache__/app.cpython-311.pyc",
                 "mockserver/soap/__pycache__/x.pyc", "seed_data/local.db-wal"):
        assert dockerignore.ignored(path), f".dockerignore lets {path} into the build context"
    for sources, _ in df.copies():
        for source in sources:
            for tracked in _tracked(source):
                assert not dockerignore.ignored(tracked), f"{tracked} is COPYed but .dockerignore drops it"


def test_copy_brings_everything_the_package_build_needs(df, dockerignore):
    plan = copy_plan(df, dockerignore)
    in_image = {dest for _, dest in plan}
    run, _, targets, _ = df.pip_install()
    build = targets[0]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    needed = [posixpath.join(build, "pyproject.toml"), posixpath.join(build, pyproject["project"]["readme"])]
    for package, patterns in pyproject["tool"]["setuptools"]["package-data"].items():
        for pattern in patterns:
            needed.append(posixpath.join(build, package.replace(".", "/"), pattern))
    for include in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]:
        needed.append(posixpath.join(build, include.rstrip("*"), "__init__.py"))
    missing = [path for path in needed if path not in in_image]
    assert not missing, f"the build tree lacks {missing}"
    # A symlink (mockserver/default_dataset.json -> ../seed_data/default.json) is copied as a
    # symlink: what it points at must be copied too, or the package data is lost.
    for source, dest in plan:
        if source.is_symlink():
            target = posixpath.normpath(posixpath.join(posixpath.dirname(dest), os.readlink(source)))
            assert target in in_image, f"{dest} links to {target}, which no COPY brings into the image"


# -- docs/ci.md and README -------------------------------------------------------------------

def _ci_table() -> dict[str, list[str]]:
    rows = {}
    for line in CI_DOC.read_text().splitlines():
        match = re.match(r"\|\s*`(QACMOCK_[A-Z_]+)`\s*\|", line)
        if match:
            rows[match.group(1)] = [c.strip() for c in line.strip().strip("|").split("|")]
    return rows


def test_every_serve_variable_is_in_the_ci_docs_table_with_its_defaults(df, serve_env_vars):
    rows = _ci_table()
    missing = set(serve_env_vars) - set(rows)
    assert not missing, f"docs/ci.md's table lacks {sorted(missing)}"
    unknown = set(rows) - set(serve_env_vars)
    assert not unknown, f"docs/ci.md's table lists variables 'qacmock serve' does not read: {sorted(unknown)}"
    image_env = df.env
    for name, default in serve_env_vars.items():
        _, serve_default, in_image, meaning = rows[name]
        assert meaning, name
        if default is None:                      # a flag
            assert "unset" in serve_default and "`1`" in meaning, f"{name}: {rows[name]}"
        elif default == "none":
            assert serve_default == "none", f"{name}: {rows[name]}"
        else:
            assert serve_default == f"`{default}`", f"{name}: the docs say {serve_default}, --help says {default}"
        if name in image_env:
            assert in_image == f"`{image_env[name]}`", f"{name}: the docs say {in_image}, the Dockerfile {image_env[name]}"
        else:
            assert in_image == serve_default, f"{name}: the image does not set it, so its default is serve's"


def _links(markdown: str, base: Path) -> set[Path]:
    return {(base / target).resolve() for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", markdown)
            if not target.startswith("http")}


def test_ci_docs_link_the_recipes_and_cover_the_topics():
    text = CI_DOC.read_text()
    links = _links(text, CI_DOC.parent)
    for recipe in (GITHUB, GITLAB, COMPOSE, DOCKERFILE):
        assert recipe.resolve() in links, f"docs/ci.md does not link {recipe.relative_to(ROOT)}"
    for path in links:
        assert path.exists(), f"docs/ci.md links {path}, which does not exist"
    for needle in ("docker build", "docker run", "-p 8080:8080", "/data", "__admin/reset", PLUGIN,
                   "SIGTERM", "ghcr.io/your-org/qacmock:latest", "placeholder"):
        assert needle in text, f"docs/ci.md does not mention {needle!r}"


def test_readme_has_a_running_in_ci_section_after_the_admin_api():
    text = (ROOT / "README.md").read_text()
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert "Running in CI" in headings
    assert headings.index("Running in CI") == headings.index("Admin API") + 1
    section = text.split("## Running in CI", 1)[1].split("\n## ", 1)[0]
    assert "docker build" in section and "-p 8080:8080" in section
    links = _links(section, ROOT)
    for path in (CI_DOC, GITHUB, GITLAB, COMPOSE):
        assert path.resolve() in links, f"README's Running in CI does not link {path.relative_to(ROOT)}"
    assert all(p.exists() for p in links)


# -- the CI recipes, read with a YAML subset --------------------------------------------------

class MiniYaml:
    """The YAML the recipes use, without PyYAML: block mappings and sequences (also a sequence
    at its key's indentation), ``- key: value`` items, block scalars (``|``, ``>``, with ``-``/``+``),
    flow sequences, quoted and plain scalars, comments. Every scalar stays a string. Anything
    else (anchors, flow mappings, multi-line plain scalars) is a ValueError, and so is a plain
    scalar holding ": ", which YAML rejects or silently reads as a mapping (a classic way to
    break a `run:` or `script:` line)."""

    KEY = re.compile(r"""^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[A-Za-z0-9_.$/][A-Za-z0-9_.$/ -]*?)\s*:(?:\s+(.*))?$""")

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.i = 0

    @classmethod
    def load(cls, text: str):
        parser = cls(text)
        line = parser._next()
        node = parser._node(parser._indent(line)) if line is not None else None
        if parser._next() is not None:
            raise ValueError(f"line {parser.i + 1}: unexpected indentation")
        return node

    @staticmethod
    def _indent(line: str) -> int:
        if line.startswith("\t"):
            raise ValueError("tabs do not indent YAML")
        return len(line) - len(line.lstrip(" "))

    @staticmethod
    def _is_item(text: str) -> bool:
        return text == "-" or text.startswith("- ")

    def _next(self) -> str | None:
        while self.i < len(self.lines):
            stripped = self.lines[self.i].strip()
            if stripped and not stripped.startswith("#"):
                return self.lines[self.i]
            self.i += 1
        return None

    def _node(self, indent: int):
        return self._seq(indent) if self._is_item(self._next().strip()) else self._map(indent)

    def _map(self, indent: int) -> dict:
        result = {}
        while (line := self._next()) is not None and self._indent(line) >= indent:
            if self._indent(line) > indent:
                raise ValueError(f"line {self.i + 1}: bad indentation")
            text = line.strip()
            if self._is_item(text):
                break
            match = self.KEY.match(text)
            if not match:
                raise ValueError(f"line {self.i + 1}: expected 'key: value', got {text!r}")
            key = self._scalar(match.group(1))
            if key in result:
                raise ValueError(f"line {self.i + 1}: duplicate key {key!r}")
            self.i += 1
            result[key] = self._value(match.group(2) or "", indent, same_indent_seq=True)
        return result

    def _seq(self, indent: int) -> list:
        result = []
        while (line := self._next()) is not None and self._indent(line) == indent and self._is_item(line.strip()):
            after_dash = line[indent + 1:]
            content = after_dash.strip()
            if content and content[0] not in "|>\"'[{#" and self.KEY.match(content):
                # "- key: value": a mapping whose keys are aligned with this first one
                column = indent + 1 + len(after_dash) - len(after_dash.lstrip(" "))
                self.lines[self.i] = " " * column + content
                result.append(self._map(column))
            else:
                self.i += 1
                result.append(self._value(content, indent, same_indent_seq=False))
        if line is not None and self._indent(line) > indent:
            raise ValueError(f"line {self.i + 1}: bad indentation")
        return result

    def _value(self, rest: str, indent: int, same_indent_seq: bool):
        rest = self._strip_comment(rest.strip())
        if rest[:1] in ("|", ">"):
            return self._block(rest, indent)
        if rest[:1] in ("&", "*", "!", "{"):
            raise ValueError(f"line {self.i}: anchors, tags and flow mappings are not supported")
        if rest:
            return self._scalar(rest)
        line = self._next()
        if line is not None and self._indent(line) > indent:
            return self._node(self._indent(line))
        if same_indent_seq and line is not None and self._indent(line) == indent and self._is_item(line.strip()):
            return self._seq(indent)
        return None

    def _block(self, header: str, indent: int) -> str:
        if not re.fullmatch(r"[|>][-+]?", header):
            raise ValueError(f"line {self.i}: block scalar header {header!r} is not supported")
        lines, block_indent = [], None
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.strip():
                if self._indent(line) <= indent or (block_indent is not None and self._indent(line) < block_indent):
                    break
                block_indent = self._indent(line) if block_indent is None else block_indent
                lines.append(line[block_indent:])
            else:
                lines.append("")
            self.i += 1
        body = list(lines)
        while body and not body[-1]:
            body.pop()
        if header[0] == ">":
            text, paragraph = "", []
            for line in body + [""]:
                if line:
                    paragraph.append(line)
                else:
                    text += " ".join(paragraph) + "\n" if paragraph else "\n"
                    paragraph = []
            text = text[:-1] if text.endswith("\n") else text
        else:
            text = "\n".join(body)
        chomp = header[1:]
        if chomp == "+":
            return text + "\n" * (len(lines) - len(body) + 1)
        return text if chomp == "-" or not text else text + "\n"

    @staticmethod
    def _strip_comment(text: str) -> str:
        if text.startswith("#"):
            return ""
        if text[:1] in "\"'":
            return text
        return re.split(r"\s+#", text, maxsplit=1)[0].rstrip()

    def _scalar(self, text: str):
        if text[:1] == '"':
            match = re.match(r'"(?:[^"\\]|\\.)*"', text)
            value, rest = (json.loads(match.group(0)), text[match.end():]) if match else (None, text)
        elif text[:1] == "'":
            match = re.match(r"'(?:[^']|'')*'", text)
            value, rest = (match.group(0)[1:-1].replace("''", "'"), text[match.end():]) if match else (None, text)
        elif text[:1] == "[":
            if not text.endswith("]"):
                raise ValueError(f"line {self.i}: a flow sequence must end on its line: {text!r}")
            inner = text[1:-1].strip()
            return [self._scalar(part.strip()) for part in re.findall(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[^,]+', inner)
                    if part.strip()] if inner else []
        else:
            if re.search(r":(\s|$)", text) or text[:1] in "@`%,]}":
                # YAML reads "a: b" inside a plain scalar as a mapping, and errs
                raise ValueError(f"line {self.i}: quote or use a block scalar for {text!r}")
            return text
        if value is None or self._strip_comment(rest.strip()):
            raise ValueError(f"line {self.i}: bad quoted scalar {text!r}")
        return value


def test_the_yaml_subset_parser():
    text = """\
# a comment
top:
  plain: a value # a comment
  url: http://host:8080
  quoted: "8080:8080"
  single: 'it''s'
  flow: ["CMD", "qacmock", "health"]
  empty:
  list:
  - one
  - "two"
  nested:
    - name: svc
      alias: a
    - |
      line 1
        line 2
      # not a comment
    - >-
      folded
      text
  after: yes
last: >-
  --x 1
  --y 2
"""
    assert MiniYaml.load(text) == {
        "top": {"plain": "a value", "url": "http://host:8080", "quoted": "8080:8080", "single": "it's",
                "flow": ["CMD", "qacmock", "health"], "empty": None, "list": ["one", "two"],
                "nested": [{"name": "svc", "alias": "a"}, "line 1\n  line 2\n# not a comment\n", "folded text"],
                "after": "yes"},
        "last": "--x 1 --y 2"}
    for bad in ("a: 1\n  b: 2\n", "a: &anchor 1\n", "a: {b: 1}\n", "a: 1\na: 2\n", "a:\n\t- 1\n",
                "run: curl -H \"Authorization: Bearer x\" url\n",    # YAML: "mapping values are not allowed"
                "- echo \"a: b\"\n"):                                  # YAML: the mapping {'echo "a': 'b"'}
        with pytest.raises(ValueError):
            MiniYaml.load(bad)


@pytest.fixture(scope="module")
def recipes() -> dict[str, dict]:
    return {path.name: MiniYaml.load(path.read_text()) for path in (GITHUB, GITLAB, COMPOSE)}


IMAGE = "ghcr.io/your-org/qacmock:latest"


def test_recipes_say_the_image_name_is_a_placeholder_for_the_dockerfiles_image():
    for path in (GITHUB, GITLAB, COMPOSE):
        text = path.read_text()
        header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
        assert "placeholder" in header and "Dockerfile" in header and f"docker build -t {IMAGE} ." in header, \
            f"{path.name} must say the image name is a placeholder for the Dockerfile's image"


def test_recipes_name_only_real_variables(serve_env_vars, plugin_env_vars):
    known = set(serve_env_vars) | plugin_env_vars
    for path in (GITHUB, GITLAB, COMPOSE, CI_DOC):
        unknown = set(re.findall(r"\bQACMOCK_[A-Z_]+\b", path.read_text())) - known
        assert not unknown, f"{path.name} names variables neither qacmock serve nor the plugin reads: {unknown}"


def _health_url_check(script: str):
    assert re.search(r'curl .*"\$QACMOCK_URL/__admin/health"', script, flags=re.S), script
    assert "until " in script and "sleep" in script


def _port_mapping(entry: str) -> tuple[str, str]:
    host, _, container = str(entry).rpartition(":")
    return host, container


def github_job(recipes) -> dict:
    jobs = [job for job in recipes["github-actions.yml"]["jobs"].values() if "services" in job]
    assert len(jobs) == 1
    return jobs[0]


def github_wait_script(recipes) -> str:
    return next(step["run"] for step in github_job(recipes)["steps"] if "/__admin/health" in step.get("run", "")
                and "until" in step["run"])


def test_github_actions_recipe(df, recipes, serve_env_vars, health_timeout):
    job = github_job(recipes)
    service = job["services"]["qacmock"]
    assert service["image"] == IMAGE
    expose = df.one("EXPOSE").args
    host_port, container_port = _port_mapping(service["ports"][0])
    assert container_port == expose
    assert set(service.get("env", {})) <= set(serve_env_vars)
    options = shlex.split(service["options"])
    pairs = dict(zip(options[::2], options[1::2]))
    assert pairs["--health-cmd"] == " ".join(df.healthcheck()[1] or []) == "qacmock health"
    assert seconds(pairs["--health-timeout"]) > health_timeout
    assert seconds(pairs["--health-interval"]) > 0 and int(pairs["--health-retries"]) > 0
    assert job["env"]["QACMOCK_URL"] == f"http://localhost:{host_port}"
    steps = [step.get("run", "") for step in job["steps"]]
    wait = steps.index(github_wait_script(recipes))
    _health_url_check(steps[wait])
    tests = next(i for i, run in enumerate(steps) if f"pytest -p {PLUGIN}" in run)
    assert wait < tests


def gitlab_job(recipes) -> dict:
    jobs = [job for job in recipes["gitlab-ci.yml"].values() if isinstance(job, dict) and "services" in job]
    assert len(jobs) == 1
    return jobs[0]


def gitlab_wait_script(recipes) -> str:
    job = gitlab_job(recipes)
    return next(line for line in job.get("before_script", []) + job["script"]
                if "/__admin/health" in line and "until" in line)


def test_gitlab_ci_recipe(df, recipes, serve_env_vars, plugin_env_vars):
    job = gitlab_job(recipes)
    (service,) = job["services"]
    assert service["name"] == IMAGE
    alias = service["alias"]
    assert job["variables"]["QACMOCK_URL"] == f"http://{alias}:{df.one('EXPOSE').args}"
    assert {k for k in job["variables"] if k.startswith("QACMOCK_")} <= set(serve_env_vars) | plugin_env_vars
    lines = job.get("before_script", []) + job["script"]
    wait = lines.index(gitlab_wait_script(recipes))
    _health_url_check(lines[wait])
    tests = next(i for i, line in enumerate(lines) if f"pytest -p {PLUGIN}" in line)
    assert wait < tests


def test_compose_recipe(df, recipes, serve_env_vars, health_timeout):
    services = recipes["docker-compose.yml"]["services"]
    qacmock, tests = services["qacmock"], services["tests"]
    assert qacmock["image"] == IMAGE
    expose = df.one("EXPOSE").args
    assert [_port_mapping(p)[1] for p in qacmock["ports"]] == [expose]
    health = qacmock["healthcheck"]
    assert health["test"] in (["CMD", *(df.healthcheck()[1] or [])], ["CMD-SHELL", "qacmock health"])
    assert seconds(health["timeout"]) > health_timeout
    assert seconds(health["interval"]) > 0 and int(health["retries"]) > 0 and seconds(health["start_period"]) > 0
    (mount,) = qacmock["volumes"]
    name, _, path = mount.partition(":")
    assert [path] == df.volumes and name in recipes["docker-compose.yml"]["volumes"]
    assert set(qacmock.get("environment", {})) <= set(serve_env_vars)
    # Compose's stop must leave the server its whole shutdown timeout before SIGKILL.
    assert seconds(qacmock["stop_grace_period"]) > float(serve_env_vars["QACMOCK_SHUTDOWN_TIMEOUT"])
    assert tests["depends_on"]["qacmock"]["condition"] == "service_healthy"
    assert tests["environment"]["QACMOCK_URL"] == f"http://qacmock:{expose}"
    assert f"pytest -p {PLUGIN}" in tests["command"]


def test_the_recipes_pytest_plugin_exists():
    import importlib.util

    assert importlib.util.find_spec(PLUGIN) is not None


# -- the wait loops of the recipes, for real -------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WAIT_SHELLS = {
    # GitHub runs `run:` with bash; GitLab with bash when the image has it, else sh.
    "github": [["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]],
    "gitlab": [["bash", "-eo", "pipefail", "-c"], ["sh", "-e", "-c"]],
}


def run_wait_loops(recipes, url: str, wait_seconds: int, token: str | None = None):
    """(recipe, shell, exit code, output, seconds taken) per recipe wait loop and shell."""
    if shutil.which("curl") is None:
        pytest.skip("the recipes' wait loops need curl")
    scripts = {"github": github_wait_script(recipes), "gitlab": gitlab_wait_script(recipes)}
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "QACMOCK_URL": url, "WAIT_SECONDS": str(wait_seconds)}
    if token is not None:
        env["QACMOCK_ADMIN_TOKEN"] = token
    results = []
    for recipe, script in scripts.items():
        for shell in WAIT_SHELLS[recipe]:
            if shutil.which(shell[0]) is None:
                continue
            started = time.monotonic()
            done = subprocess.run([*shell, script], env=env, capture_output=True, text=True,
                                  timeout=wait_seconds * 5 + 20)
            results.append((recipe, shell[0], done.returncode, done.stdout + done.stderr,
                            time.monotonic() - started))
    assert {r[0] for r in results} == {"github", "gitlab"}
    return results


def test_recipe_wait_loops_give_up_when_nothing_answers(recipes):
    for recipe, shell, code, output, took in run_wait_loops(recipes, f"http://127.0.0.1:{free_port()}", 1):
        assert code != 0, f"{recipe} ({shell}) waited on nothing and succeeded:\n{output}"
        assert "not healthy" in output
        assert took < 30


# -- the image's filesystem, in a clean virtualenv (slow) -------------------------------------

@dataclass
class Image:
    rootfs: Path            # "/" of the image, for the paths the Dockerfile names
    venv: Path              # the image's Python
    dockerfile: Dockerfile

    def path(self, image_path: str) -> Path:
        return self.rootfs / image_path.lstrip("/")

    def command(self, argv: list[str]) -> list[str]:
        """An exec-form command as the container runs it: argv[0] found on the image's PATH.
        The init in front (tini, a Debian package this rebuild cannot install) only passes
        signals on; the command after it is what runs here."""
        if argv[:len(INIT)] == INIT:
            argv = argv[len(INIT):]
        program = self.venv / "bin" / argv[0]
        assert program.is_file(), f"{argv[0]} is not installed in the image's bin"
        return [str(program), *argv[1:]]


@dataclass
class Container:
    """One run of the image: its own empty volume (mounted at the Dockerfile's VOLUME), and the
    container's environment: the Dockerfile's ENV, with the port, the host and the database
    moved into the test's temporary directory."""
    image: Image
    volume: Path
    port: int
    extra: dict

    @property
    def env(self) -> dict[str, str]:
        (mount,) = self.image.dockerfile.volumes
        df_env = self.image.dockerfile.env
        home = self.image.path("/home/qacmock")
        home.mkdir(parents=True, exist_ok=True)
        env = {"PATH": str(self.image.venv / "bin"), "HOME": str(home), **df_env,
               "QACMOCK_HOST": "127.0.0.1", "QACMOCK_PORT": str(self.port),
               "QACMOCK_DB": str(self.volume / posixpath.relpath(df_env["QACMOCK_DB"], mount))}
        env.update(self.extra)
        return env

    @property
    def db(self) -> Path:
        return Path(self.env["QACMOCK_DB"])

    @property
    def cwd(self) -> Path:
        """The final WORKDIR: the volume when it is the volume, else its place in the root."""
        workdir = self.image.dockerfile.final_workdir
        (mount,) = self.image.dockerfile.volumes
        path = self.volume if workdir == mount else self.image.path(workdir)
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def health(self, **env_changes) -> subprocess.CompletedProcess:
        """The HEALTHCHECK command, as Docker runs it inside the container; a value of None in
        ``env_changes`` removes that variable."""
        env = {k: v for k, v in {**self.env, **env_changes}.items() if v is not None}
        return subprocess.run(self.image.command(self.image.dockerfile.healthcheck()[1]), cwd=self.cwd,
                              env=env, capture_output=True, text=True, timeout=30)


@pytest.fixture(scope="module")
def image(tmp_path_factory, df, dockerignore) -> Image:
    base = tmp_path_factory.mktemp("image")
    rootfs, venv = base / "rootfs", base / "venv"
    # The image's Python: a clean venv, not sharing this checkout's site-packages.
    python = shutil.which("python3.11") or sys.executable
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()
    # The COPYs, into the image's root; symlinks stay symlinks, as Docker copies them.
    for source, dest in copy_plan(df, dockerignore):
        target = rootfs / dest.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    # The Dockerfile's RUN pip install (pip's cache allowed, to keep this fast), then its rm -rf.
    _, options, targets, removed = df.pip_install()
    # The dependencies' layer (checked on its own above) is what --no-deps relies on: here pip
    # installs the dependencies along with the package instead.
    options = [o for o in options if o not in ("--no-cache-dir", "--no-deps")]
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *options,
                           *(str(rootfs / t.lstrip("/")) for t in targets)],
                          capture_output=True, text=True, timeout=600, cwd=str(base))
    assert done.returncode == 0, f"pip install of the COPYed tree failed:\n{done.stdout}{done.stderr}"
    for path in removed:
        shutil.rmtree(rootfs / path.lstrip("/"))
    return Image(rootfs, venv, df)


@pytest.fixture
def container(image, tmp_path):
    """A factory of Containers of the image; ``start()`` runs its ENTRYPOINT + CMD."""
    started, numbers = [], itertools.count()

    def make(**extra) -> Container:
        return Container(image, tmp_path / f"volume-{next(numbers)}", free_port(), extra)

    def start(box: Container) -> subprocess.Popen:
        box.volume.mkdir(exist_ok=True)
        dockerfile = image.dockerfile
        log = open(box.volume.parent / f"serve-{box.port}.log", "w")
        proc = subprocess.Popen(image.command(dockerfile.one("ENTRYPOINT").exec_form + dockerfile.one("CMD").exec_form),
                                cwd=box.cwd, env=box.env, stdout=log, stderr=subprocess.STDOUT)
        proc.log_path = Path(log.name)
        log.close()
        started.append(proc)
        return proc

    make.start = start
    yield make
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def output(proc) -> str:
    return proc.log_path.read_text(errors="replace")


def running(container, **extra) -> tuple[Container, subprocess.Popen]:
    """A container started and waited for with its own health check (bounded)."""
    box = container(**extra)
    proc = container.start(box)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if box.health().returncode == 0:
            return box, proc
        assert proc.poll() is None, f"qacmock serve exited with {proc.returncode}:\n{output(proc)}"
        time.sleep(0.2)
    raise AssertionError(f"the health check did not pass within 30 s:\n{output(proc)}")


@pytest.mark.slow
def test_the_image_runs_the_installed_package_not_this_checkout(image, container):
    box = container()
    probe = ("import importlib.resources, json, mockserver, contracts;"
             "data = importlib.resources.files('mockserver').joinpath('default_dataset.json');"
             "print(json.dumps([mockserver.__file__, contracts.__file__, data.is_file()]))")
    done = subprocess.run(image.command(["python", "-c", probe]), cwd=box.cwd, env=box.env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    mockserver_file, contracts_file, packaged = json.loads(done.stdout)
    site_packages = next((image.venv / "lib").glob("python3.*/site-packages"))
    assert Path(mockserver_file).is_relative_to(site_packages)
    assert Path(contracts_file).is_relative_to(site_packages)
    assert packaged, "mockserver/default_dataset.json is not in the installed package"
    assert not (site_packages / "mockserver" / "default_dataset.json").is_symlink()
    # No editable install, no path file leading back to the checkout or the build tree.
    for pth in site_packages.glob("*.pth"):
        text = pth.read_text(errors="replace")
        assert str(ROOT) not in text and str(image.rootfs) not in text, f"{pth.name} points at {text!r}"
    assert not list(site_packages.glob("__editable__*"))
    # The Dockerfile's rm -rf left no source tree behind.
    for target in image.dockerfile.pip_install()[2]:
        assert not image.path(target).exists()


@pytest.mark.slow
def test_entrypoint_healthcheck_soap_and_graceful_stop(container):
    box = container()
    before = box.health()
    assert before.returncode == 1, f"healthy before the server started: {before.stdout}{before.stderr}"
    assert "/__admin/health" in before.stderr

    assert not box.db.exists()
    proc = container.start(box)
    deadline = time.monotonic() + 30
    while box.health().returncode != 0:
        assert proc.poll() is None, f"qacmock serve exited with {proc.returncode}:\n{output(proc)}"
        assert time.monotonic() < deadline, f"the health check did not pass within 30 s:\n{output(proc)}"
        time.sleep(0.2)

    # A SOAP call, with zeep, as a client of the container makes it.
    version = zeep.Client(f"{box.base}/psws/psws.asmx?WSDL").service.GetVersion()
    status = requests.get(f"{box.base}/__admin/health", timeout=10).json()
    assert status["status"] == "ready"
    assert version == status["qacomplete_version"]
    assert box.db.is_file() and box.db.parent == box.volume, f"the database is not in the volume: {box.db}"

    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"SIGTERM did not stop qacmock within 10 s:\n{output(proc)}") from None
    assert code == 0, output(proc)
    assert "qacmock stopped" in output(proc)
    assert box.db.is_file() and box.db.stat().st_size > 0
    assert not Path(f"{box.db}-wal").exists(), "the WAL was not checkpointed on SIGTERM"

    after = box.health()
    assert after.returncode == 1, "healthy after the server stopped"


@pytest.mark.slow
def test_recipe_wait_loops_succeed_against_the_running_image(container, recipes):
    box, _ = running(container)
    for recipe, shell, code, out, took in run_wait_loops(recipes, box.base, 5):
        assert code == 0, f"{recipe} ({shell}) did not see a healthy qacmock:\n{out}"
        assert "is ready" in out
        assert took < 10


@pytest.mark.slow
def test_healthcheck_sends_the_admin_token(container, recipes):
    box, _ = running(container, QACMOCK_ADMIN_TOKEN="s3cret-token")
    assert requests.get(f"{box.base}/__admin/health", timeout=10).status_code == 401
    without = box.health(QACMOCK_ADMIN_TOKEN=None)
    assert without.returncode == 1 and "401" in without.stderr
    assert box.health(QACMOCK_ADMIN_TOKEN="wrong").returncode == 1
    for recipe, shell, code, out, _ in run_wait_loops(recipes, box.base, 5, token="s3cret-token"):
        assert code == 0, f"{recipe} ({shell}) with the token:\n{out}"
    for recipe, shell, code, out, _ in run_wait_loops(recipes, box.base, 1):
        assert code != 0, f"{recipe} ({shell}) passed without the token the server requires"


@pytest.mark.slow
def test_healthcheck_reads_the_wsdl_when_the_admin_api_is_off(container):
    box, _ = running(container, QACMOCK_NO_ADMIN="1")
    assert requests.get(f"{box.base}/__admin/health", timeout=10).status_code == 404
    # The same container without QACMOCK_NO_ADMIN asks the (absent) admin API: unhealthy.
    assert box.health(QACMOCK_NO_ADMIN=None).returncode == 1
