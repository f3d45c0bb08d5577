"""The README's "Default users" table against seed_data/default.json and against the live server.

Expectations come from the README table only (so an inaccurate README fails here); the dataset
is used to cross-check the table and to turn project names into ids.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import zeep
from lxml import etree

from mockserver.registry import Area
from mockserver.seed import default_dataset

from .helpers import auth, fault_text

README = Path(__file__).resolve().parents[1] / "README.md"
HEADER = ["Email", "Password", "UserId", "Department", "Projects", "Rights", "Use it for"]
RIGHTS = ("Read", "Add", "Update", "Delete")
ALL_AREAS = tuple(a.value for a in Area)
DATASET = default_dataset()
PROJECT_IDS = {p["ProjName"]: p["ProjId"] for p in DATASET["projects"]}


# -- the README table ---------------------------------------------------------------------------------

def markdown_tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every pipe table of a Markdown text, as (header cells, body rows of cells)."""
    def cells(line: str) -> list[str]:
        inner = line.strip()[1:-1] if line.strip().endswith("|") else line.strip()[1:]
        return [c.strip().strip("`").strip() for c in re.split(r"(?<!\\)\|", inner)]

    lines = text.splitlines()
    tables = []
    i = 0
    while i < len(lines) - 1:
        if (lines[i].lstrip().startswith("|")
                and re.fullmatch(r"\s*\|?(\s*:?-{3,}:?\s*\|)+\s*(:?-{3,}:?\s*)?", lines[i + 1])):
            header, body = cells(lines[i]), []
            i += 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                body.append(cells(lines[i]))
                i += 1
            tables.append((header, body))
        else:
            i += 1
    return tables


def parse_rights(cell: str) -> dict[str, frozenset[str]]:
    """'all areas: Read' / 'Defects: Read, Add; Releases: Read' / 'none' -> {area: rights}."""
    granted = {area: set() for area in ALL_AREAS}
    if cell.strip().lower() == "none":
        return {a: frozenset(r) for a, r in granted.items()}
    for clause in re.split(r";|<br\s*/?>", cell):
        if not clause.strip():
            continue
        scope, sep, rights = clause.partition(":")
        assert sep, f"rights clause without 'area: rights': {clause!r}"
        rights = {r.strip() for r in rights.split(",")}
        assert rights <= set(RIGHTS), f"unknown right in {clause!r}"
        scope = scope.strip()
        areas = ALL_AREAS if scope.lower() == "all areas" else [a.strip() for a in scope.split(",")]
        for area in areas:
            assert area in granted, f"unknown area {area!r} in {clause!r}"
            granted[area] |= rights
    return {a: frozenset(r) for a, r in granted.items()}


@dataclass(frozen=True)
class Row:
    email: str
    password: str
    user_id: int
    dept_name: str
    dept_id: int
    projects: tuple[str, ...]
    rights: dict
    use_for: str

    def has(self, area: str, right: str) -> bool:
        return right in self.rights[area]

    def __str__(self):
        return self.email


def readme_rows() -> list[Row]:
    tables = [body for header, body in markdown_tables(README.read_text(encoding="utf-8"))
              if header == HEADER]
    assert len(tables) == 1, f"README.md needs exactly one table headed {' | '.join(HEADER)}"
    rows = []
    for cells in tables[0]:
        assert len(cells) == len(HEADER), f"malformed row: {cells}"
        email, password, user_id, department, projects, rights, use_for = cells
        dept = re.fullmatch(r"(?P<name>.+?)\s*\((?P<id>\d+)\)", department)
        assert dept, f"Department must read 'Name (DeptId)': {department!r}"
        rows.append(Row(email, password, int(user_id), dept["name"], int(dept["id"]),
                        tuple(p.strip() for p in projects.split(",") if p.strip()),
                        parse_rights(rights), use_for))
    return rows


ROWS = readme_rows()


def project_ids(row: Row) -> dict[int, str]:
    unknown = set(row.projects) - set(PROJECT_IDS)
    assert not unknown, f"{row}: projects not in the dataset: {unknown}"
    return {PROJECT_IDS[name]: name for name in row.projects}


def readme_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(" | ".join(HEADER))
    section_start = text.rfind("\n## ", 0, start)
    section_end = text.find("\n## ", start)
    return text[section_start:section_end if section_end != -1 else len(text)]


# -- the table against the dataset ----------------------------------------------------------------

def dataset_rights(user: dict) -> dict[int, dict[str, frozenset[str]]]:
    """{ProjId: {area: rights}} over the user's member projects, from the security groups."""
    member = (set(PROJECT_IDS) if user["projects"] == "*" else set(user["projects"]))
    result = {}
    for name in member:
        areas = {area: set() for area in ALL_AREAS}
        for group in DATASET["security_groups"]:
            if user["Email"].lower() not in {m.lower() for m in group["members"]}:
                continue
            for project, by_area in group["rights"].items():
                if project not in ("*", name):
                    continue
                for area, rights in by_area.items():
                    for a in (ALL_AREAS if area == "*" else [area]):
                        areas[a] |= set(rights)
        result[PROJECT_IDS[name]] = {a: frozenset(r) for a, r in areas.items()}
    return result


def test_table_has_one_row_per_dataset_user():
    """Every user of default.json has a row, and every row is a user of default.json."""
    table = [r.email.lower() for r in ROWS]
    assert len(table) == len(set(table)), "a user appears twice in the README table"
    assert set(table) == {u["Email"].lower() for u in DATASET["users"]}


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_row_matches_dataset(row):
    """Each row's password, UserId, department, projects and rights are those of default.json."""
    user = next(u for u in DATASET["users"] if u["Email"].lower() == row.email.lower())
    departments = {d["DeptId"]: d["DeptName"] for d in DATASET["departments"]}
    assert row.password == user["Password"]
    assert row.user_id == user["UserId"]
    assert (row.dept_id, row.dept_name) == (user["DeptId"], departments[user["DeptId"]])
    expected_projects = set(PROJECT_IDS) if user["projects"] == "*" else set(user["projects"])
    assert set(row.projects) == expected_projects
    assert len(row.projects) == len(set(row.projects))
    for proj_id, rights in dataset_rights(user).items():
        assert rights == row.rights, f"rights of {row} in project {proj_id}"


def test_section_names_the_app_code_and_every_project():
    section = readme_section()
    assert f"`{DATASET['app_code']}`" in section
    for project in DATASET["projects"]:
        assert f"{project['ProjName']} ({project['ProjId']})" in section


# -- the table against the server ---------------------------------------------------------------------

def user_auth(row: Row, proj_id: int) -> dict:
    return auth(user_id=row.user_id, password=row.password, proj_id=proj_id, dept_id=row.dept_id)


def outcome(soap, call, *args) -> tuple[bool, object]:
    """(True, result) if the call answers, (False, fault text) if it faults."""
    try:
        return True, call(*args)
    except zeep.exceptions.Fault:
        return False, fault_text(etree.tostring(soap.last_response))


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_login_info_returns_the_user_and_exactly_the_listed_projects(soap, row):
    info = soap.service.GetLoginInfo("", row.email, row.password)
    assert info.UserId == row.user_id
    assert info.AppCode == "agSPEnt"
    listed = {p.ProjId: p.ProjName for p in info.Projects.Project} if info.Projects else {}
    assert listed == project_ids(row)


NOT_LISTED = [(row, proj_id) for row in ROWS
              for proj_id in sorted(set(PROJECT_IDS.values()) - {PROJECT_IDS.get(p) for p in row.projects})]


@pytest.mark.parametrize("row, proj_id", NOT_LISTED, ids=[f"{r}-{p}" for r, p in NOT_LISTED])
def test_project_not_listed_is_denied(soap, row, proj_id):
    """A call in a project the table does not list for the user is refused: not a member."""
    ok, text = outcome(soap, soap.service.Bugs_LoadByCriteria, user_auth(row, proj_id), "", "", 1, 1)
    assert not ok, f"{row} could read defects in project {proj_id}"
    assert "Access is denied" in text and str(proj_id) in text, text


@dataclass(frozen=True)
class ItemArea:
    area: str
    prefix: str
    type_name: str
    status: str
    extra_reads: tuple[str, ...] = ()   # areas whose Read the operations also need


ITEM_AREAS = [
    ItemArea("Defects", "Bugs", "Bug", "Active"),
    ItemArea("Releases", "Releases", "Release", "Awaiting Start", extra_reads=("Defects",)),
    ItemArea("Requirements", "FunctionalSpecs", "FunctionalSpec", "Draft"),
    ItemArea("Agile Tasks", "ProjectTasks", "ProjectTask", "Not Started"),
    ItemArea("Test Library", "Tests", "Test", "New"),
    ItemArea("Test Sets", "TestSets", "TestSet", "New"),
]


def allowed(row: Row, item_area: ItemArea, right: str) -> bool:
    return row.has(item_area.area, right) and all(row.has(a, "Read") for a in item_area.extra_reads)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_rights_in_listed_projects_are_the_tables(soap11, row):
    """In every listed project and item area, LoadByCriteria answers exactly when the table grants
    Read, Add exactly when it grants Add (and the item is deleted again, by the user when the table
    grants Delete); in the first listed project, Bugs_GetStatuses answers exactly when it grants
    Read on Defects and Manage Choice Lists. SOAP 1.1 only: rights do not depend on the SOAP version."""
    soap = soap11
    service = soap.service
    last_project = service.GetLoginInfo("", row.email, row.password).ProjId
    mismatches = []

    def check(what, expected, ok, result, right):
        if ok != expected:
            mismatches.append(f"{what}: table says {'allowed' if expected else 'denied'}, server "
                              f"{'allowed it' if ok else f'faulted: {result}'}")
        elif not ok and not ("Access is denied" in (result or "") and right in (result or "")):
            mismatches.append(f"{what}: denied, but not for lack of {right}: {result}")

    try:
        for proj_id, proj_name in project_ids(row).items():
            user = user_auth(row, proj_id)
            for item_area in ITEM_AREAS:
                where = f"{row} in {proj_name} ({proj_id}), {item_area.area}"
                ok, result = outcome(soap, getattr(service, f"{item_area.prefix}_LoadByCriteria"),
                                     user, "", "", 1, 1)
                check(f"{where}: {item_area.prefix}_LoadByCriteria", allowed(row, item_area, "Read"),
                      ok, result, "Read")

                title = f"Seed users {row.user_id} {item_area.type_name} {uuid.uuid4().hex[:8]}"
                item = soap.new(item_area.type_name, Title=title, StatusCode=item_area.status)
                ok, result = outcome(soap, getattr(service, f"{item_area.prefix}_Add"), user, item, "N", "")
                check(f"{where}: {item_area.prefix}_Add", allowed(row, item_area, "Add"), ok, result, "Add")
                if ok:
                    deleter = user if allowed(row, item_area, "Delete") else auth(proj_id=proj_id)
                    getattr(service, f"{item_area.prefix}_Delete")(deleter, result)

            if proj_name == row.projects[0]:   # once per user: Manage Choice Lists
                ok, result = outcome(soap, service.Bugs_GetStatuses, user)
                check(f"{row} in {proj_name} ({proj_id}): Bugs_GetStatuses",
                      row.has("Defects", "Read") and row.has("Manage Choice Lists", "Read"), ok, result, "Read")
    finally:
        # Leave LoginInfo.ProjId as it was: the last project is the one of the last allowed call.
        readable = next((a for a in ITEM_AREAS if allowed(row, a, "Read")), None)
        if last_project and readable is not None:
            outcome(soap, getattr(service, f"{readable.prefix}_LoadByCriteria"),
                    user_auth(row, last_project), "", "", 1, 1)
    assert not mismatches, "\n".join(mismatches)
    assert service.GetLoginInfo("", row.email, row.password).ProjId == last_project
