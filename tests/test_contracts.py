"""The contract kit (``contracts/``, ``qacmock contracts``) as a user runs it.

The kit runs, as a separate process, against qacmock serving a dataset unlike the default
one (other AppCode, IDs, emails, passwords, project and department names), which shows it
takes everything from GetLoginInfo and the WSDL and nothing from the mock. It must pass in
both SOAP versions, fail against a mock whose authentication fault says something else, and
``contracts diff`` must name that difference while finding none between two runs of the same
mock.
"""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lxml import etree

from contracts import cli as contracts_cli
from contracts.diff import compare, normalise_text, render
from contracts.recording import safe_name
from contracts.target import Settings
from mockserver.app import QacMock
from mockserver.domain.errors import AUTHENTICATION_FAILED, AuthenticationError
from mockserver.registry import REGISTRY
from mockserver.registry.report import operations_page, recorded_operations
from mockserver.seed import default_dataset

from .conftest import LiveServer

KIT_TESTS = Path(contracts_cli.TESTS_DIR)
FAULTS_FILE = KIT_TESTS / "test_faults.py"
ALTERED_AUTH_TEXT = "Credentials rejected by the altered mock."

# -- a dataset that shares nothing with the default one -----------------------------------
APP_CODE = "kitZ9code"
DEPARTMENTS = {7154: (4410, "Harbor Labs"), 8162: (4420, "Quay Systems")}
PROJECTS = {"FamilyAlbum": ("Lighthouse", 60015), "ScreenSaver": ("Tidepool", 60016),
            "Billing": ("Ledger", 60027), "Mobile App": ("Beacon", 60018), "Payroll": ("Wages", 60029)}
MAIN_PROJECT = "Lighthouse"
OWNER = {"email": "olga.owner@kit.invalid", "password": "Kit-owner#1"}
NOBODY = {"email": "nils.norights@kit.invalid", "password": "Kit-nobody#2"}


def contract_dataset() -> dict:
    """``seed_data/default.json`` with every identifier changed, references kept, and a user
    who belongs to the main project without any right in it; no generated items."""
    data = copy.deepcopy(default_dataset())
    data.pop("generate", None)
    data["app_code"] = APP_CODE
    project_ids = {p["ProjId"]: PROJECTS[p["ProjName"]][1] for p in data["projects"]}
    project_names = {old: new for old, (new, _) in PROJECTS.items()}
    for dept in data["departments"]:
        dept["DeptId"], dept["DeptName"] = DEPARTMENTS[dept["DeptId"]]
    for project in data["projects"]:
        project["ProjName"], project["ProjId"] = PROJECTS[project["ProjName"]]
        project["DeptId"] = DEPARTMENTS[project["DeptId"]][0]
    user_ids, emails = {}, {}
    for n, user in enumerate(data["users"]):
        new_email = ("olga.owner@kit.invalid" if user["Email"] == "admin@example.com"
                     else f"kit.{user['Email'].split('@')[0]}@kit.invalid")
        emails[user["Email"]] = new_email
        user_ids[user["UserId"]] = 91000 + 17 * n
        user.update(UserId=user_ids[user["UserId"]], Email=new_email,
                    Password=OWNER["password"] if new_email == OWNER["email"] else f"Kit-pw#{n}",
                    DeptId=DEPARTMENTS[user["DeptId"]][0], LastProjId=project_ids[user["LastProjId"]])
        if user["projects"] != "*":
            user["projects"] = [project_names[name] for name in user["projects"]]
    data["users"].append({"UserId": 91999, "FirstName": "Nils", "LastName": "Norights",
                          "Email": NOBODY["email"], "Password": NOBODY["password"],
                          "DeptId": DEPARTMENTS[7154][0], "LastProjId": PROJECTS["FamilyAlbum"][1],
                          "projects": [MAIN_PROJECT]})       # a member, in no security group
    for group in data["security_groups"]:
        group["members"] = [emails[m] for m in group["members"]]
        group["rights"] = {(k if k == "*" else project_names[k]): v for k, v in group["rights"].items()}
    for folder in data.get("folders", []):
        folder["project"] = project_names[folder["project"]]
    for item in data.get("items", []):
        item["project"] = project_names[item["project"]]
        item["as"] = emails[item["as"]]
        for name, value in item["values"].items():
            if name.endswith("UserId") and isinstance(value, int):
                item["values"][name] = user_ids[value]
    for change in data.get("updates", []):
        change["project"] = project_names[change["project"]]
        change["as"] = emails[change["as"]]
    return data


def test_the_contract_dataset_shares_no_identifier_with_the_default():
    default, altered = default_dataset(), contract_dataset()
    assert altered["app_code"] != default["app_code"] and "generate" not in altered
    for key, field in (("departments", "DeptId"), ("projects", "ProjId"), ("projects", "ProjName"),
                       ("users", "UserId"), ("users", "Email"), ("users", "Password")):
        assert not {r[field] for r in default[key]} & {r[field] for r in altered[key]}, (key, field)


# -- running the kit ------------------------------------------------------------------------
class KitRun:
    def __init__(self, done: subprocess.CompletedProcess, junit: Path, record: Path | None):
        self.code, self.output, self.record = done.returncode, done.stdout + done.stderr, record
        self.cases = {}         # "file::name" -> (outcome, message)
        if junit.exists():
            for case in etree.parse(str(junit)).iter("testcase"):
                outcome, message = "passed", ""
                for child in case:
                    if child.tag in ("failure", "error", "skipped"):
                        outcome, message = child.tag, child.get("message") or ""
                self.cases[f"{case.get('classname')}::{case.get('name')}"] = (outcome, message)

    def count(self, outcome: str) -> int:
        return sum(1 for o, _ in self.cases.values() if o == outcome)

    def with_outcome(self, outcome: str) -> dict:
        return {name: message for name, (o, message) in self.cases.items() if o == outcome}

    def explain(self) -> str:
        return self.output[-6000:]


def qacmock(*args, cwd, env=None, timeout=180) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QAC_")}
    return subprocess.run([sys.executable, "-m", "mockserver.cli", *map(str, args)], cwd=cwd,
                          env={**clean, **(env or {})}, capture_output=True, text=True, timeout=timeout)


def run_kit(url: str, work: Path, name: str, *pytest_args, soap="1.1", via_env=False,
            second_user=True, record=True) -> KitRun:
    """``qacmock contracts run`` as a separate process, credentials as arguments or QAC_*."""
    credentials = {"email": OWNER["email"], "password": OWNER["password"], "appcode": APP_CODE,
                   "project": MAIN_PROJECT}
    if second_user:
        credentials.update({"second-email": NOBODY["email"], "second-password": NOBODY["password"]})
    args, env = ["contracts", "run", "--url", url, "--soap", soap], {}
    for option, value in credentials.items():
        if via_env:
            env["QAC_" + option.upper().replace("-", "_")] = value
        else:
            args += [f"--{option}", value]
    record_dir = work / f"{name}-record" if record else None
    if record_dir:
        args += ["--record", record_dir]
    junit = work / f"{name}.xml"
    done = qacmock(*args, "--", f"--junitxml={junit}", "-p", "no:cacheprovider", *pytest_args, cwd=work, env=env)
    return KitRun(done, junit, record_dir)


@pytest.fixture(scope="module")
def kit_server():
    server = LiveServer(QacMock(":memory:", dataset=contract_dataset()))
    yield server
    server.close()


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("contracts")


@pytest.fixture(scope="module")
def full_runs(kit_server, work):
    """The whole kit: SOAP 1.1 at 127.0.0.1 (credentials in QAC_* variables) twice, SOAP 1.2 at
    localhost (credentials as arguments)."""
    localhost_url = kit_server.url.replace("127.0.0.1", "localhost")
    return {"1.1": run_kit(kit_server.url, work, "soap11", via_env=True),
            "1.1-again": run_kit(kit_server.url, work, "soap11-again", via_env=True),
            "1.2": run_kit(localhost_url, work, "soap12", soap="1.2")}


@pytest.mark.parametrize("run", ["1.1", "1.2"])
def test_the_kit_passes_against_a_mock_with_other_data(full_runs, run):
    result = full_runs[run]
    assert result.code == 0, result.explain()
    assert result.count("failure") == 0 and result.count("error") == 0, result.with_outcome("failure")
    assert result.count("passed") >= 40, result.cases
    assert any(name.startswith("contracts.tests.test_service") for name in result.with_outcome("passed"))
    assert "every item the run created was deleted, but for those kept below" in result.output
    assert any(name.startswith("contracts.tests.test_test_runs") for name in result.with_outcome("passed"))
    assert "kept 5 TestRuns (" in result.output


def test_the_operations_page_in_docs_is_current(full_runs):
    """docs/operations.md is what the kit's recorded runs (both SOAP versions) say: every operation
    of the reference, served or not, exercised by the kit or not."""
    kit = recorded_operations(full_runs["1.1"].record) | recorded_operations(full_runs["1.2"].record)
    page = Path(__file__).resolve().parents[1] / "docs" / "operations.md"
    assert page.read_text(encoding="utf-8") == operations_page(kit), (
        "docs/operations.md is out of date: regenerate it with qacmock operations after a recorded kit run "
        "(operations_page in mockserver/registry/report.py)")
    assert kit <= {op.name for op in REGISTRY.operations}


def test_writing_tests_run_against_localhost_and_the_second_user_tests_run(full_runs):
    """Addressed as http://localhost:PORT (and 127.0.0.1) the target is local: nothing is
    skipped for writes, items were added and deleted; with a second user, its tests run."""
    for result in (full_runs["1.1"], full_runs["1.2"]):
        skipped = result.with_outcome("skipped")
        assert not [m for m in skipped.values() if "allow-writes" in m], skipped
        assert not [m for m in skipped.values() if "second user" in m], skipped
        assert list(result.record.glob("*/*-*_Add.request.xml")), "no item was added"
        assert list(result.record.glob("*/*-*_Delete.request.xml")), "no item was deleted"


def test_transcripts_hold_no_credentials(full_runs):
    record = full_runs["1.1"].record
    text = "".join(p.read_text(encoding="utf-8") for p in record.glob("*/*.xml"))
    for secret in (OWNER["password"], NOBODY["password"], OWNER["email"], APP_CODE):
        assert secret not in text


def test_diff_of_two_runs_of_the_same_mock_finds_nothing(full_runs, work):
    """IDs, timestamps and run tags differ between the two runs; the normalisation absorbs them."""
    a, b = full_runs["1.1"].record, full_runs["1.1-again"].record
    done = qacmock("contracts", "diff", a, b, cwd=work)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr
    assert "no differences" in done.stdout
    report = compare(a, b)
    assert len(report.compared) >= 40 and not report.only_in_a and not report.only_in_b


def test_diff_of_soap_11_and_12_runs_differs_in_the_envelope(full_runs):
    report = compare(full_runs["1.1"].record, full_runs["1.2"].record)
    assert report.has_differences
    assert any(d.kind == "namespace" and d.path == "/" for d in report.differences)


# -- a mock that answers differently ----------------------------------------------------------
@pytest.fixture(scope="module")
def fault_runs(kit_server, work):
    """The fault tests against the mock, then against a second mock whose authentication
    fault text is changed (AuthenticationError's default text, patched while it runs)."""
    if not FAULTS_FILE.exists():
        pytest.skip("contracts/tests/test_faults.py is not there yet")
    normal = run_kit(kit_server.url, work, "faults-normal", str(FAULTS_FILE))
    altered_server = LiveServer(QacMock(":memory:", dataset=contract_dataset()))
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(AuthenticationError.__init__, "__defaults__", (ALTERED_AUTH_TEXT,))
            altered = run_kit(altered_server.url, work, "faults-altered", str(FAULTS_FILE))
    finally:
        altered_server.close()
    return normal, altered


def _authentication_shape_tests(run: KitRun) -> dict:
    return {name: outcome for name, (outcome, _) in run.cases.items()
            if "test_faults" in name and "authentication" in name}


def test_the_kit_fails_against_a_mock_with_another_authentication_fault(fault_runs):
    normal, altered = fault_runs
    assert normal.code == 0, normal.explain()
    assert altered.code == 1, altered.explain()
    failed = altered.with_outcome("failure")
    assert failed and all("test_faults" in name for name in failed), failed
    assert "authentication" in " ".join(failed).lower(), failed
    assert any(ALTERED_AUTH_TEXT in message or AUTHENTICATION_FAILED in message for message in failed.values())
    assert _authentication_shape_tests(normal) and set(_authentication_shape_tests(normal).values()) == {"passed"}


def test_diff_names_the_changed_fault_text(fault_runs, work):
    normal, altered = fault_runs
    done = qacmock("contracts", "diff", normal.record, altered.record, cwd=work)
    assert done.returncode == 1, done.stdout + done.stderr
    assert ALTERED_AUTH_TEXT in done.stdout and AUTHENTICATION_FAILED in done.stdout
    failed_tests = [name.split("::")[-1] for name in altered.with_outcome("failure")]
    assert any(name in done.stdout for name in failed_tests), done.stdout
    # Only the authentication faults changed.
    report = compare(normal.record, altered.record)
    assert not report.only_in_a and not report.only_in_b
    assert {d.path.rsplit("/", 1)[-1] for d in report.differences} == {"@Text"}, render(report)
    assert all(d.fault and d.kind == "value" and d.b == ALTERED_AUTH_TEXT for d in report.differences)


def test_diff_writes_markdown_and_json(fault_runs, work):
    normal, altered = fault_runs
    out = work / "diff.json"
    done = qacmock("contracts", "diff", normal.record, altered.record, "--format", "json", "--out", out, cwd=work)
    assert done.returncode == 1 and done.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["identical"] is False and data["summary"]["differ"] == len(data["tests"]) >= 1
    first = data["tests"][0]["differences"][0]
    assert first["part"] == "response" and first["fault"] and first["b"] == ALTERED_AUTH_TEXT
    done = qacmock("contracts", "diff", normal.record, altered.record, "--format", "markdown", cwd=work)
    assert done.returncode == 1 and done.stdout.startswith("# Contract run comparison")
    assert f"`{ALTERED_AUTH_TEXT}`" in done.stdout and "| Exchange | Part |" in done.stdout


# -- the diff on hand-written transcripts ----------------------------------------------------
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


def envelope(body: str, prefix: str = "soap") -> str:
    return (f'<{prefix}:Envelope xmlns:{prefix}="{SOAP}"><{prefix}:Body>{body}</{prefix}:Body>'
            f'</{prefix}:Envelope>')


def fault(text: str, details: str = "") -> str:
    return envelope(f'<soap:Fault><faultcode>soap:Client</faultcode><faultstring>Error</faultstring>'
                    f'<detail><Description Text="{text}"/>{details}</detail></soap:Fault>')


def write_run(root: Path, tests: dict) -> Path:
    """tests: name -> [(operation, request, response)]"""
    for test, exchanges in tests.items():
        folder = root / safe_name(test)
        folder.mkdir(parents=True)
        for n, (operation, request, response) in enumerate(exchanges, start=1):
            (folder / f"{n:03d}-{operation}.request.xml").write_text(request, encoding="utf-8")
            if response is not None:
                (folder / f"{n:03d}-{operation}.response.xml").write_text(response, encoding="utf-8")
    return root


def load_request(bug_id: int, tag: str) -> str:
    return envelope(f'<ns0:Bugs_Load xmlns:ns0="http://www.pragmaticsw.com/"><ns0:AuthenticationData>'
                    f'<ns0:UserId>25315</ns0:UserId><ns0:ProjIds><ns0:int>10372</ns0:int></ns0:ProjIds>'
                    f'</ns0:AuthenticationData><ns0:BugId>{bug_id}</ns0:BugId><ns0:Note>{tag}</ns0:Note>'
                    f'</ns0:Bugs_Load>', prefix="soap-env")


def bug(bug_id, tag, created, *, title="x", status="Active", resolved_by=25315, order=None, extra=""):
    members = [f"<BugId>{bug_id}</BugId>", f"<Title>  {tag}   {title}\n</Title>",
               f"<StatusCode>{status}</StatusCode>", f"<DateCreated>{created}</DateCreated>",
               "<DateClosed>0001-01-01T00:00:00</DateClosed>", f"<ResolvedBy>{resolved_by}</ResolvedBy>",
               f"<Url>http://host-{bug_id}.example:8080/psws/psws.asmx</Url>", extra]
    if order:
        members = [members[i] for i in order] + members[len(order):]
    return envelope('<Bugs_LoadResponse xmlns="http://www.pragmaticsw.com/"><Bugs_LoadResult>'
                    + "".join(members) + "</Bugs_LoadResult></Bugs_LoadResponse>")


def test_diff_normalises_ids_timestamps_tags_hosts_prefixes_and_whitespace(tmp_path):
    a = write_run(tmp_path / "a", {
        "t::load": [("Bugs_Load", load_request(101, "qacc0123456789"),
                     bug(101, "qacc0123456789", "2026-01-02T03:04:05.123"))],
        "t::fault": [("Bugs_Load", load_request(7, "qacc0123456789"),
                      fault("Bug 7 was not found in project 10372.", "<A>1</A><B>2</B>"))],
    })
    b = write_run(tmp_path / "b", {
        "t::load": [("Bugs_Load", load_request(98765, "qaccabcdef0123").replace("25315", "777001")
                     .replace("10372", "60015"),
                     bug(98765, "qaccabcdef0123", "2027-12-31T23:59:59", resolved_by=777001)
                     .replace("<Title>", "<Title>\n").replace('xmlns:soap=', 'xmlns:s12x=')
                     .replace("soap:", "s12x:"))],
        "t::fault": [("Bugs_Load", load_request(8, "qaccabcdef0123").replace("10372", "60015"),
                      fault("Bug 8 was not found in project 60015.", "<B>2</B><A>1</A>"))],
    })
    report = compare(a, b)
    assert not report.has_differences, render(report)


def test_diff_reports_values_structure_order_faults_and_missing_tests(tmp_path):
    created = "2026-01-02T03:04:05"
    a = write_run(tmp_path / "a", {
        "t::values": [("Bugs_Load", load_request(1, "qacc0123456789"), bug(1, "t", created))],
        "t::unset": [("Bugs_Load", load_request(1, "qacc0123456789"), bug(1, "t", "0001-01-01T00:00:00"))],
        "t::order": [("Bugs_Load", load_request(1, "qacc0123456789"), bug(1, "t", created))],
        "t::fault": [("Bugs_Load", load_request(1, "qacc0123456789"), fault("Authentication failed"))],
        "t::result": [("Bugs_Load", load_request(1, "qacc0123456789"), bug(1, "t", created))],
        "t::calls": [("Bugs_Load", load_request(1, "x"), bug(1, "t", created)),
                     ("Bugs_Delete", load_request(1, "x"), None)],
        "t::only_a": [("GetVersion", envelope("<GetVersion/>"), None)],
    })
    b = write_run(tmp_path / "b", {
        "t::values": [("Bugs_Load", load_request(1, "qacc0123456789"),
                       bug(1, "t", created, status="Closed", extra="<Extra>1</Extra>"))],
        "t::unset": [("Bugs_Load", load_request(1, "qacc0123456789"), bug(1, "t", created))],
        "t::order": [("Bugs_Load", load_request(1, "qacc0123456789"), bug(1, "t", created, order=[1, 0]))],
        "t::fault": [("Bugs_Load", load_request(1, "qacc0123456789"), fault("Authentication refused"))],
        "t::result": [("Bugs_Load", load_request(1, "qacc0123456789"), fault("Error"))],
        "t::calls": [("Bugs_Load", load_request(1, "x"), bug(1, "t", created))],
        "t::only_b": [("GetVersion", envelope("<GetVersion/>"), None)],
    })
    report = compare(a, b)
    by_test = report.by_test()
    assert report.only_in_a == ["t_only_a"] and report.only_in_b == ["t_only_b"]
    kinds = {test: {(d.kind, d.path.rsplit("/", 1)[-1]) for d in diffs} for test, diffs in by_test.items()}
    assert kinds["t_values"] == {("value", "StatusCode"), ("extra", "Extra")}
    assert kinds["t_unset"] == {("value", "DateCreated")}       # 0001-01-01 is not a timestamp
    assert kinds["t_order"] == {("order", "Bugs_LoadResult")}
    assert kinds["t_fault"] == {("value", "@Text")} and by_test["t_fault"][0].fault
    assert kinds["t_result"] == {("fault", "Body")}
    assert [(d.part, d.kind, d.a) for d in by_test["t_calls"]] == [("exchange", "missing", "Bugs_Delete")]
    text = render(report)
    assert "Authentication failed" in text and "Authentication refused" in text and "t_only_a" in text
    assert json.loads(render(report, "json"))["summary"] == {"compared": 6, "differ": 6, "only_in_a": 1,
                                                             "only_in_b": 1}
    assert render(report, "markdown").count("### ") == 6


def test_diff_text_normalisation():
    local = frozenset({"25315", "10372", "7"})
    assert normalise_text("user 25315 lacks Read in project 10372.", local_ids=local) == \
        "user {id} lacks Read in project {id}."
    assert normalise_text("Bug 7 was not found", local_ids=local) == "Bug {id} was not found"
    assert normalise_text("Bug 7 was not found") == "Bug 7 was not found"
    assert normalise_text("1-Fix ASAP", local_ids=local) == "1-Fix ASAP"
    assert normalise_text("PageSize 201 must be 1 to 200", local_ids=local) == "PageSize 201 must be 1 to 200"
    assert normalise_text("at 2026-11-23T07:35:00.09Z") == "at {timestamp}"
    assert normalise_text("2026-11-23T07:35:00+01:00") == "{timestamp}"
    assert normalise_text("0001-01-01T00:00:00") == "0001-01-01T00:00:00"
    assert normalise_text("see https://qa.example.com:8443/psws/x.asmx") == "see {host}/psws/x.asmx"
    assert normalise_text("qacc0a1b2c3d4e title") == "{tag} title"
    assert normalise_text("  two\n  lines ") == "two lines"
    assert normalise_text("12.5", local_ids=frozenset({"12", "5"})) == "12.5"
    assert normalise_text("p:Client", nsmap={"p": SOAP}) == "soap:Client"
    assert normalise_text("0", is_id=True) == "0" and normalise_text("42", is_id=True) == "{id}"
    assert normalise_text("42") == "42"


def test_diff_command_refuses_a_missing_folder(tmp_path):
    done = qacmock("contracts", "diff", tmp_path / "nope", tmp_path, cwd=tmp_path)
    assert done.returncode == 2 and "is not a folder" in done.stderr


# -- the run command and write safety -----------------------------------------------------------
def test_run_translates_options_to_the_plugin():
    parser = contracts_cli.build_parser()
    args, unknown = parser.parse_known_args(
        ["run", "--url", "http://h/psws/psws.asmx", "--email", "e", "--soap", "1.2", "--allow-writes",
         "--second-email", "s", "-k", "crud"])
    command = contracts_cli.pytest_args(args, unknown + ["test_faults.py::test_x", "--junitxml=r.xml"])
    assert command[:2] == ["-p", "contracts.plugin"]
    for option in ("--qac-url=http://h/psws/psws.asmx", "--qac-email=e", "--qac-soap=1.2",
                   "--qac-allow-writes", "--qac-second-email=s", "-k", "crud", "--junitxml=r.xml"):
        assert option in command
    assert not any(a.startswith("--qac-password") for a in command)     # left to QAC_PASSWORD
    assert str(KIT_TESTS / "test_faults.py") + "::test_x" in command
    assert str(KIT_TESTS) not in command                                 # a selection replaces the kit
    args, _ = parser.parse_known_args(["run", "--url", "u"])
    assert contracts_cli.pytest_args(args, [])[-1] == str(KIT_TESTS)


def test_run_needs_url_and_credentials(tmp_path):
    done = qacmock("contracts", "run", "--url", "http://localhost:1/psws/psws.asmx", cwd=tmp_path)
    assert done.returncode == 2
    assert "--email" in done.stderr and "QAC_PASSWORD" in done.stderr and "--url" not in done.stderr
    assert "contracts" in qacmock("--help", cwd=tmp_path).stdout


@pytest.mark.parametrize("url, local", [
    ("http://localhost:8080/psws/psws.asmx", True),
    ("http://127.0.0.1:8080/psws/psws.asmx", True),
    ("http://127.0.0.2/psws/psws.asmx", True),
    ("http://[::1]:8080/psws/psws.asmx", True),
    ("http://LOCALHOST/psws/psws.asmx", True),
    ("http://qa-server/psws/psws.asmx", False),
    ("http://qac.corp.lan/psws/psws.asmx", False),
    ("http://192.168.1.20/psws/psws.asmx", False),
    ("https://qacomplete.example.com/psws/psws.asmx", False),
])
def test_only_loopback_hosts_are_local(url, local):
    settings = Settings(url=url, email="e", password="p", app_code="a")
    assert settings.is_local is local
    assert settings.writes_allowed is local
    assert Settings(url=url, email="e", password="p", app_code="a", allow_writes=True).writes_allowed


PLUGIN_PROBE = textwrap.dedent('''
    import pytest

    @pytest.mark.writes
    def test_writes():
        pass

    @pytest.mark.second_user
    def test_second_user():
        pass

    def test_reads():
        pass
''')


def probe(tmp_path, url, *args, env=None) -> KitRun:
    (tmp_path / "test_probe.py").write_text(PLUGIN_PROBE, encoding="utf-8")
    junit = tmp_path / f"probe{len(list(tmp_path.glob('probe*.xml')))}.xml"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QAC_")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "contracts.plugin", "-p", "no:cacheprovider", "-q",
         f"--junitxml={junit}", "--rootdir", str(tmp_path), str(tmp_path / "test_probe.py"), *args],
        cwd=tmp_path, env={**clean, "QAC_URL": url, "QAC_EMAIL": "e", "QAC_PASSWORD": "p",
                           "QAC_APPCODE": "a", **(env or {})},
        capture_output=True, text=True, timeout=60)
    return KitRun(done, junit, None)


def test_the_plugin_skips_writing_tests_against_a_remote_host_unless_allowed(tmp_path):
    """None of these probe tests asks for the target, so nothing connects anywhere."""
    remote = "https://qacomplete.example.com/psws/psws.asmx"
    run = probe(tmp_path, remote)
    assert run.code == 0, run.explain()
    outcomes = {name.split("::")[-1]: outcome for name, (outcome, _) in run.cases.items()}
    assert outcomes == {"test_writes": "skipped", "test_second_user": "skipped", "test_reads": "passed"}
    assert "--qac-allow-writes" in run.with_outcome("skipped")["test_probe::test_writes"]

    allowed = probe(tmp_path, remote, "--qac-allow-writes", "--qac-second-email=s", env={"QAC_SECOND_PASSWORD": "x"})
    assert allowed.code == 0 and allowed.count("passed") == 3, allowed.explain()
    by_variable = probe(tmp_path, remote, env={"QAC_ALLOW_WRITES": "1"})
    assert by_variable.with_outcome("passed").keys() >= {"test_probe::test_writes"}
    local = probe(tmp_path, "http://localhost:9/psws/psws.asmx")
    assert local.with_outcome("passed").keys() >= {"test_probe::test_writes", "test_probe::test_reads"}
