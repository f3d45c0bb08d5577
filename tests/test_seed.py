"""Issue 4: a realistic, deterministic default dataset and a generator that scales.

The generator is driven by seed_data/default.json's ``generate`` section into the projects
"Mobile App" (10401) and "Payroll" (11902); the hand-written fixtures stay in FamilyAlbum,
ScreenSaver and Billing. These tests read the generated rows straight from SQLite: they
check the generator's output, not the SOAP front (one live check at the end does that).
"""
from __future__ import annotations

import copy
import io
import json
import logging
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mockserver import cli
from mockserver.app import QacMock
from mockserver.registry import REGISTRY
from mockserver.seed import EXPORT_FORMAT, build, default_dataset, digest, scale_counts
from mockserver.seed import progress as progress_module
from mockserver.seed.progress import Progress
from mockserver.store import Store

from .conftest import LiveServer
from .helpers import Soap, auth

REPO = Path(__file__).resolve().parents[1]
SCENARIO_FILE = REPO / "seed_data" / "default.json"
COMMITTED_DIGEST = (REPO / "seed_data" / "default.sha256").read_text(encoding="utf-8").split()[0]

MOBILE_APP, PAYROLL = 10401, 11902
GENERATED = {"Mobile App": MOBILE_APP, "Payroll": PAYROLL}
HAND_WRITTEN = (10372, 10369, 11873)          # FamilyAlbum, ScreenSaver, Billing
ITEM_TYPES = ("Bug", "FunctionalSpec", "ProjectTask")
ALL_TYPES = ITEM_TYPES + ("Release",)
# Dates the store keeps as the record of what happened (not planned dates).
RECORD_DATES = ("DateCreated", "DateOpened", "DateUpdated", "DateClosed", "DateResolved",
                "ActStart", "ActFinish")


# -- helpers ---------------------------------------------------------------------------------
def scenario() -> dict:
    """A private copy of the default scenario (build must not see another test's edits)."""
    return copy.deepcopy(default_dataset())


def built(scale="default", seed=None, data=None) -> Store:
    store = Store(":memory:")
    build(store, data if data is not None else scenario(), scale, seed)
    return store


def rows(store: Store, sql: str, params=()) -> list[dict]:
    cursor = store.db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def table(type_name: str) -> str:
    return REGISTRY.entity(type_name).table


def generated_rows(store: Store, type_name: str) -> list[dict]:
    return rows(store, f'SELECT * FROM "{table(type_name)}" WHERE ProjId IN (?, ?)', (MOBILE_APP, PAYROLL))


def per_project_counts(store: Store) -> dict[int, dict[str, int]]:
    out = {}
    for proj in (MOBILE_APP, PAYROLL):
        counts = {t: rows(store, f'SELECT COUNT(*) AS n FROM "{table(t)}" WHERE ProjId = ?', (proj,))[0]["n"]
                  for t in ITEM_TYPES}
        for kind, key in (("Release", "releases"), ("Iteration", "iterations"), ("Build", "builds")):
            counts[key] = rows(store, "SELECT COUNT(*) AS n FROM Releases WHERE ProjId = ? AND ReleaseType = ?",
                               (proj, kind))[0]["n"]
        out[proj] = counts
    return out


def expected_tree(counts: dict) -> dict:
    """What scale_counts' numbers mean as rows: iterations per release, builds per iteration."""
    return {"Bug": counts["Bug"], "FunctionalSpec": counts["FunctionalSpec"],
            "ProjectTask": counts["ProjectTask"], "releases": counts["releases"],
            "iterations": counts["releases"] * counts["iterations"],
            "builds": counts["releases"] * counts["iterations"] * counts["builds"]}


def when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def qacmock(*args, cwd, check_rc=None) -> subprocess.CompletedProcess:
    """``qacmock ARGS`` as a user runs it: a separate process, stderr not a terminal."""
    done = subprocess.run([sys.executable, "-m", "mockserver.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if check_rc is not None:
        assert done.returncode == check_rc, (done.returncode, done.stdout, done.stderr)
    return done


def cli_digest(db: Path, cwd) -> str:
    return qacmock("digest", "--db", db, cwd=cwd, check_rc=0).stdout.strip()


def file_digest(db: Path) -> str:
    """The digest of a database file, read in-process (cheaper than a `qacmock digest` run)."""
    s = Store(str(db))
    try:
        return digest(s)
    finally:
        s.close()


def db_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".db" in p.name)


@pytest.fixture(scope="module")
def store():
    """The default dataset, built once for the read-only invariant tests."""
    s = built()
    yield s
    s.close()


@pytest.fixture(scope="module")
def generate():
    return default_dataset()["generate"]


@pytest.fixture(scope="module")
def window(generate):
    anchor = datetime.fromisoformat(generate["anchor"])
    return anchor - timedelta(days=generate["span_days"]), anchor


# -- 1. determinism --------------------------------------------------------------------------
def test_default_dataset_is_reproducible_and_matches_the_committed_digest():
    """Requirement: the default dataset is deterministic; two builds give the same digest,
    which is the one committed in seed_data/default.sha256."""
    first, second = built(), built()
    assert digest(first) == digest(second)
    assert digest(first) == COMMITTED_DIGEST, "seed_data/default.sha256 no longer describes the default dataset"


def test_packaged_scenario_is_the_repository_scenario():
    """Requirement: the committed digest describes what `qacmock seed` builds, so the packaged
    copy (mockserver/default_dataset.json) must be seed_data/default.json."""
    assert default_dataset() == json.loads(SCENARIO_FILE.read_text(encoding="utf-8"))


def test_a_different_seed_gives_a_different_digest():
    """Requirement: the seed drives generation; another seed gives other rows."""
    assert digest(built(seed=7)) != COMMITTED_DIGEST
    assert digest(built(seed=7)) != digest(built(seed=8))


def test_the_same_explicit_seed_gives_the_same_digest(generate):
    """Requirement: the same explicit seed twice gives the same rows; the scenario's own
    seed given explicitly is the default dataset."""
    assert digest(built(seed=7)) == digest(built(seed=7))
    assert digest(built(seed=generate["seed"])) == COMMITTED_DIGEST


def test_hand_written_fixtures_do_not_depend_on_scale_or_seed():
    """Requirement: generation stays in Mobile App and Payroll; the hand-written fixtures the
    other tests rely on are the same rows whatever the scale or seed."""
    def fixtures(s: Store):
        marks = ", ".join("?" for _ in HAND_WRITTEN)
        return {t: rows(s, f'SELECT * FROM "{table(t)}" WHERE ProjId IN ({marks}) ORDER BY 1', HAND_WRITTEN)
                for t in ALL_TYPES}
    default = fixtures(built())
    assert default["Bug"], "no hand-written bugs"
    assert fixtures(built("small")) == default
    assert fixtures(built(300, seed=7)) == default


# -- 2. generator invariants on the default dataset ----------------------------------------------
def test_counts_per_generated_project_match_the_scale(store, generate):
    """Requirement: each generated project holds scale_counts(generate, "default") items of every
    type and releases x iterations x builds in its release tree."""
    expected = expected_tree(scale_counts(generate, "default"))
    assert per_project_counts(store) == {MOBILE_APP: expected, PAYROLL: expected}


def test_release_tree_is_release_iteration_build(store, generate):
    """Requirement: releases are roots, every iteration's parent is a release of its project,
    every build's parent an iteration of its project; each parent has the scale's fan-out."""
    counts = scale_counts(generate, "default")
    releases = {r["Id"]: r for r in generated_rows(store, "Release")}
    children = Counter()
    for r in releases.values():
        parent = releases.get(r["ParentId"])
        if r["ReleaseType"] == "Release":
            assert r["ParentId"] is None
            continue
        assert parent is not None, r
        assert parent["ProjId"] == r["ProjId"]
        assert parent["ReleaseType"] == {"Iteration": "Release", "Build": "Iteration"}[r["ReleaseType"]], r
        children[r["ParentId"]] += 1
    for r in releases.values():
        fan_out = {"Release": counts["iterations"], "Iteration": counts["builds"], "Build": 0}[r["ReleaseType"]]
        assert children[r["Id"]] == fan_out, r
    # Titles follow the scenario's templates.
    titles = {r["Title"] for r in releases.values()}
    assert {"Release 1.0", "Sprint 1.1", "Build 1.1.1"} <= titles


@pytest.mark.parametrize("type_name", ["Bug", "Release"])
def test_date_created_is_never_after_date_updated(store, type_name):
    """Requirement: DateCreated <= DateUpdated for every item (generated and hand-written)."""
    all_rows = rows(store, f'SELECT * FROM "{table(type_name)}"')
    assert all_rows
    bad = [r for r in all_rows if not when(r["DateCreated"]) <= when(r["DateUpdated"])]
    assert not bad


def test_closed_bugs_carry_the_close_effects(store):
    """Requirement: a Closed bug has DateClosed == DateUpdated (closing is its last update),
    DateClosed >= DateCreated, ClosedBy and ResolvedBy, ActStart/ActFinish and PctComplete 100."""
    closed = [r for r in generated_rows(store, "Bug") if r["StatusCode"] == "Closed"]
    assert closed
    for r in closed:
        assert r["DateClosed"] is not None, r
        assert r["DateClosed"] == r["DateUpdated"], r
        assert when(r["DateClosed"]) >= when(r["DateCreated"]), r
        assert r["ClosedBy"] is not None and r["ResolvedBy"] is not None, r
        assert r["ActStart"] == r["ActFinish"] == r["DateClosed"], r
        assert r["PctComplete"] == 100, r


def test_open_bugs_are_not_closed_and_resolved_bugs_are_resolved(store):
    """Requirement: non-closed bugs have no DateClosed/ClosedBy; Resolved bugs have DateResolved
    (within their life) and ResolvedBy."""
    bugs = generated_rows(store, "Bug")
    not_closed = [r for r in bugs if r["StatusCode"] != "Closed"]
    assert not_closed
    for r in not_closed:
        assert r["DateClosed"] is None and r["ClosedBy"] is None, r
        assert r["PctComplete"] < 100, r
    resolved = [r for r in bugs if r["StatusCode"] == "Resolved"]
    assert resolved
    for r in resolved:
        assert r["DateResolved"] is not None and r["ResolvedBy"] is not None, r
        assert when(r["DateCreated"]) <= when(r["DateResolved"]) <= when(r["DateUpdated"]), r
    for r in bugs:
        if r["StatusCode"] in ("Active", "Reopened"):
            assert r["DateResolved"] is None and r["ResolvedBy"] is None, r


def test_the_user_who_closed_or_resolved_a_bug_is_its_last_updater(store):
    """Requirement: generated data looks like what the server writes; a status change that is the
    bug's last update records its caller both as UpdateUserId and as ClosedBy/ResolvedBy."""
    bugs = generated_rows(store, "Bug")
    mismatched = [(r["BugId"], r["StatusCode"], r["UpdateUserId"], r["ClosedBy"], r["ResolvedBy"])
                  for r in bugs
                  if (r["StatusCode"] == "Closed" and r["ClosedBy"] != r["UpdateUserId"])
                  or (r["StatusCode"] == "Resolved" and r["ResolvedBy"] != r["UpdateUserId"])]
    assert not mismatched


def test_item_record_dates_lie_within_the_span(store, window, generate):
    """Requirement: every record date of a generated defect (created, opened, updated, closed,
    resolved, actual start/finish) lies within [anchor - span_days, anchor]."""
    start, anchor = window
    bugs = generated_rows(store, "Bug")
    checked = 0
    for r in bugs:
        for name in RECORD_DATES:
            if r.get(name) is not None:
                assert start <= when(r[name]) <= anchor, (name, r["BugId"], r[name])
                checked += 1
    assert checked >= 3 * len(bugs)
    # The span is used, not just a corner of it.
    created = sorted(when(r["DateCreated"]) for r in bugs)
    assert created[-1] - created[0] > timedelta(days=generate["span_days"] / 2)


def test_release_dates_lie_within_the_span(store, window):
    """Requirement: all generated dates, releases' included, lie within [anchor - span_days, anchor]."""
    start, anchor = window
    outside = [(r["Title"], r["ProjId"], name, r[name])
               for r in generated_rows(store, "Release")
               for name in ("DateCreated", "DateUpdated", "EstStartDate", "EstFinishDate")
               if r[name] is not None and not start <= when(r[name]) <= anchor]
    assert not outside


def test_release_schedules_are_consistent(store, window):
    """Requirement: releases follow one another over the span ending at the anchor, each child
    within its parent's dates; past releases are Completed, the last one is In Progress."""
    start, anchor = window
    releases = {r["Id"]: r for r in generated_rows(store, "Release")}
    for r in releases.values():
        assert when(r["EstStartDate"]) <= when(r["EstFinishDate"]), r
        assert start.date() <= when(r["EstStartDate"]).date() and when(r["EstFinishDate"]) <= anchor, r
        assert when(r["DateCreated"]) <= anchor and when(r["DateUpdated"]) <= anchor, r
        parent = releases.get(r["ParentId"])
        if parent:
            assert when(parent["EstStartDate"]) <= when(r["EstStartDate"]), r
            assert when(r["EstFinishDate"]) <= when(parent["EstFinishDate"]), r
    for proj in (MOBILE_APP, PAYROLL):
        tops = sorted((r for r in releases.values() if r["ProjId"] == proj and r["ReleaseType"] == "Release"),
                      key=lambda r: r["EstStartDate"])
        assert [r["StatusCode"] for r in tops] == ["Completed"] * (len(tops) - 1) + ["In Progress"]


@pytest.mark.parametrize("type_name, begin, end", [("FunctionalSpec", "EstStart", "EstFinish"),
                                                   ("ProjectTask", "DateBegin", "DateDue")])
def test_planned_dates_are_ordered_and_near_the_span(store, window, generate, type_name, begin, end):
    """Requirement: planned dates (scenario 'schedule', days after creation, at midnight) are
    ordered and start within the span; they may fall after the anchor by at most the schedule."""
    start, anchor = window
    latest = max(high for _, high in generate["types"][type_name]["schedule"].values())
    items = generated_rows(store, type_name)
    assert items
    for r in items:
        b, e = when(r[begin]), when(r[end])
        assert b is not None and e is not None, r
        assert b <= e, r
        assert b.time() == e.time() == datetime.min.time(), r
        assert start.date() <= b.date() and e <= anchor + timedelta(days=latest), r


@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_choice_values_come_from_the_projects_choice_lists(store, type_name):
    """Requirement: every status/priority/severity/... value is in the item's project's choice
    list (ChoiceLists); a field whose list is empty stays unset."""
    entity = REGISTRY.entity(type_name)
    lists = {}
    for r in rows(store, "SELECT ProjId, ListName, Value FROM ChoiceLists WHERE EntityCode = ?",
                  (entity.entity_code,)):
        lists.setdefault((r["ProjId"], r["ListName"]), set()).add(r["Value"])
    fields = [f for f in entity.fields if f.choice_list]
    assert fields
    items = generated_rows(store, type_name)
    assert items
    for r in items:
        for f in fields:
            allowed = lists.get((r["ProjId"], f.choice_list), set())
            if allowed:
                assert r[f.name] in allowed, (type_name, f.name, r[f.name], sorted(allowed))
            else:
                assert r[f.name] in (None, ""), (type_name, f.name, r[f.name])


@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_user_references_are_project_members(store, type_name):
    """Requirement: every user reference (assignee, owner, creator, updater, closer...) is a member
    of the item's project (ProjectMembers) or NULL, for generated and hand-written items."""
    members = {}
    for r in rows(store, "SELECT ProjId, UserId FROM ProjectMembers"):
        members.setdefault(r["ProjId"], set()).add(r["UserId"])
    fields = [f.name for f in REGISTRY.entity(type_name).fields if f.references == "User" and f.stored]
    assert fields
    set_refs = 0
    for r in rows(store, f'SELECT * FROM "{table(type_name)}"'):
        for name in fields:
            if r[name] is not None:
                assert r[name] in members[r["ProjId"]], (type_name, name, r[name], r["ProjId"])
                set_refs += 1
    assert set_refs
    # Assignments are spread over the members, not all on one person.
    generated = generated_rows(store, type_name)
    assignees = {r[fields[0]] for r in generated if r[fields[0]] is not None}
    assert len(assignees) > 1


def test_defects_exist_in_every_status_of_the_distribution(store, generate):
    """Requirement: every Bug status of the scenario's distribution occurs, in each generated
    project; so do all priorities, severities and how-found values overall."""
    distributions = generate["types"]["Bug"]["distributions"]
    bugs = generated_rows(store, "Bug")
    for proj in (MOBILE_APP, PAYROLL):
        statuses = {r["StatusCode"] for r in bugs if r["ProjId"] == proj}
        assert statuses == set(distributions["StatusCode"]), proj
    for name, weights in distributions.items():
        assert {r[name] for r in bugs} == set(weights), name


@pytest.mark.parametrize("type_name", ITEM_TYPES + ("Release",))
def test_titles_are_present_bounded_and_varied(store, type_name):
    """Requirement: titles are non-empty, within the field's max length, capitalised, and varied
    (more than half of them distinct)."""
    entity = REGISTRY.entity(type_name)
    limit = entity.fields_by_name[entity.title_field].max_length
    items = generated_rows(store, type_name)
    titles = [r[entity.title_field] for r in items]
    assert titles
    for t in titles:
        assert t and t.strip() == t, t
        assert len(t) <= limit, t
        assert t[0].isupper() or t[0].isdigit(), t
        assert "{" not in t and "}" not in t, t
    if type_name == "Release":
        # Release trees are numbered alike in each project; within one, every title is unique.
        for proj in (MOBILE_APP, PAYROLL):
            mine = [r["Title"] for r in items if r["ProjId"] == proj]
            assert len(set(mine)) == len(mine)
    else:
        assert len(set(titles)) > len(titles) / 2


def test_text_fields_are_varied_prose(store):
    """Requirement: realistic data; descriptions and steps are Faker prose, not one repeated text."""
    bugs = generated_rows(store, "Bug")
    descriptions = [r["Description"] for r in bugs]
    assert all(d and d.strip() for d in descriptions)
    assert sum(len(d.split()) for d in descriptions) / len(descriptions) > 10
    assert len(set(descriptions)) > len(descriptions) / 2
    assert all(r["StepsToRepro"] for r in bugs)


# -- 3. scales -----------------------------------------------------------------------------------
@pytest.mark.parametrize("scale", ["small", "default", "large"])
def test_named_scales_are_the_scenarios(generate, scale):
    """Requirement: small / default / large are the scenario's named scales."""
    assert scale_counts(generate, scale) == generate["scales"][scale]
    assert scale_counts(generate, "large")["Bug"] * len(generate["projects"]) == 100_000


@pytest.mark.parametrize("scale", [1000, "1000"])
def test_a_number_of_defects_is_split_over_the_projects(generate, scale):
    """Requirement: a number is the defects in all: 1000 gives 500 per project; requirements,
    tasks, tests, test sets, configurations and contacts keep the default scale's proportions to defects;
    the release tree and the number of test runs stay as by default."""
    default = generate["scales"]["default"]
    counts = scale_counts(generate, scale)
    assert counts["Bug"] == 500
    assert counts["FunctionalSpec"] == round(default["FunctionalSpec"] * 500 / default["Bug"]) == 167
    assert counts["ProjectTask"] == round(default["ProjectTask"] * 500 / default["Bug"]) == 250
    for key in ("releases", "iterations", "builds"):
        assert counts[key] == default[key]
    assert scale_counts(generate, 300) == {**default, "Bug": 150, "FunctionalSpec": 50, "ProjectTask": 75,
                                           "Test": 60, "TestSet": 10, "TestConfiguration": 8, "Contact": 25}
    assert scale_counts(generate, 0)["Bug"] == 0


def test_an_unknown_scale_is_refused_with_the_choices(generate):
    """Requirement: an unknown scale raises ValueError naming it and what is accepted."""
    with pytest.raises(ValueError) as e:
        scale_counts(generate, "huge")
    message = str(e.value)
    assert "huge" in message
    for name in ("small", "default", "large", "number"):
        assert name in message
    with pytest.raises(ValueError, match="negative"):
        scale_counts(generate, -5)


def test_small_scale_builds_fewer_items_than_default(generate, store):
    """Requirement: build at scale "small" gives the small counts, fewer than default."""
    small = built("small")
    expected = expected_tree(scale_counts(generate, "small"))
    counts = per_project_counts(small)
    assert counts == {MOBILE_APP: expected, PAYROLL: expected}
    default = per_project_counts(store)
    for proj in (MOBILE_APP, PAYROLL):
        for key, n in counts[proj].items():
            assert n < default[proj][key] or n == default[proj][key] == 0 or key == "builds", key
        assert sum(counts[proj].values()) < sum(default[proj].values())
    assert digest(small) != COMMITTED_DIGEST


def test_a_numeric_scale_builds_its_counts():
    """Requirement: build at a number of defects writes that many (300 -> 150 per project)."""
    s = built(300)
    counts = per_project_counts(s)
    assert counts[MOBILE_APP]["Bug"] == counts[PAYROLL]["Bug"] == 150
    assert counts[MOBILE_APP]["FunctionalSpec"] == 50 and counts[MOBILE_APP]["ProjectTask"] == 75


# -- 4. the command line ---------------------------------------------------------------------------
def test_cli_seed_creates_the_default_dataset(tmp_path):
    """Requirement: `qacmock seed --db X` writes the default dataset: its digest is the committed one,
    and it reports what it wrote."""
    db = tmp_path / "qac.db"
    done = qacmock("seed", "--db", db, cwd=tmp_path, check_rc=0)
    assert db.is_file()
    assert cli_digest(db, tmp_path) == COMMITTED_DIGEST
    assert str(db) in done.stderr and "Bugs" in done.stderr


def test_cli_seed_refuses_an_existing_file_unless_replace(tmp_path):
    """Requirement: seeding onto an existing file exits 2 naming it and leaves it unchanged;
    --replace starts over."""
    db = tmp_path / "qac.db"
    qacmock("seed", "--db", db, "--scale", "small", cwd=tmp_path, check_rc=0)
    before = db.read_bytes()
    refused = qacmock("seed", "--db", db, cwd=tmp_path, check_rc=2)
    assert str(db) in refused.stderr and "--replace" in refused.stderr
    assert db.read_bytes() == before
    assert file_digest(db) == digest(built("small"))
    qacmock("seed", "--db", db, "--replace", cwd=tmp_path, check_rc=0)
    assert file_digest(db) == COMMITTED_DIGEST


def test_cli_replace_keeps_the_old_database_when_the_new_data_is_refused(tmp_path):
    """A typo in --from or --scale must not cost the database --replace would have replaced."""
    db = tmp_path / "qac.db"
    qacmock("seed", "--db", db, "--scale", "small", cwd=tmp_path, check_rc=0)
    before = db.read_bytes()
    (tmp_path / "bad.json").write_text("[]")
    refused = qacmock("seed", "--db", db, "--replace", "--from", tmp_path / "bad.json", cwd=tmp_path, check_rc=2)
    assert "JSON object" in refused.stderr
    refused = qacmock("seed", "--db", db, "--replace", "--scale", "hueg", cwd=tmp_path, check_rc=2)
    assert "hueg" in refused.stderr
    assert db.read_bytes() == before


def test_cli_scale_is_refused_where_nothing_is_generated(tmp_path):
    """--scale applies to a scenario's generate section; an export or a scenario without one
    is loaded as it is, so asking for a scale there is an error, not silently ignored."""
    db, out = tmp_path / "qac.db", tmp_path / "export.json"
    qacmock("seed", "--db", db, "--scale", "small", cwd=tmp_path, check_rc=0)
    qacmock("export", "--db", db, "--out", out, cwd=tmp_path, check_rc=0)
    refused = qacmock("seed", "--db", tmp_path / "b.db", "--from", out, "--scale", "large", cwd=tmp_path, check_rc=2)
    assert "export" in refused.stderr and not (tmp_path / "b.db").exists()
    scenario = json.loads(SCENARIO_FILE.read_text())
    del scenario["generate"]
    (tmp_path / "plain.json").write_text(json.dumps(scenario))
    refused = qacmock("seed", "--db", tmp_path / "c.db", "--from", tmp_path / "plain.json", "--scale", "small",
                      cwd=tmp_path, check_rc=2)
    assert "generate" in refused.stderr


@pytest.mark.parametrize("args, scale, seed", [
    (["--scale", "small"], "small", None),
    (["--scale", "300"], 300, None),
    (["--seed", "7"], "default", 7),
])
def test_cli_seed_scales_and_seeds(tmp_path, generate, args, scale, seed):
    """Requirement: --scale small|N and --seed give the expected counts, and the same rows as build."""
    db = tmp_path / "qac.db"
    qacmock("seed", "--db", db, *args, cwd=tmp_path, check_rc=0)
    s = Store(str(db))
    try:
        expected = expected_tree(scale_counts(generate, scale))
        assert per_project_counts(s) == {MOBILE_APP: expected, PAYROLL: expected}
        assert digest(s) == digest(built(scale, seed))
    finally:
        s.close()
    if seed is not None:
        assert file_digest(db) != COMMITTED_DIGEST


def test_cli_seed_with_an_unknown_scale_exits_2_and_leaves_nothing(tmp_path):
    """Requirement: --scale nonsense exits 2 with a message and no database file is left behind."""
    db = tmp_path / "qac.db"
    done = qacmock("seed", "--db", db, "--scale", "nonsense", cwd=tmp_path)
    assert done.returncode == 2
    assert "nonsense" in done.stderr and "small" in done.stderr
    assert "Traceback" not in done.stderr
    assert db_files(tmp_path) == []


def test_cli_export_and_seed_from_the_export_round_trip(tmp_path):
    """Requirement: export X, seed Y from it, export Y: byte-identical JSON and equal digests."""
    x, y = tmp_path / "x.db", tmp_path / "y.db"
    first, second = tmp_path / "x.json", tmp_path / "y.json"
    qacmock("seed", "--db", x, "--scale", "300", "--seed", "3", cwd=tmp_path, check_rc=0)
    qacmock("export", "--db", x, "--out", first, cwd=tmp_path, check_rc=0)
    exported = json.loads(first.read_text(encoding="utf-8"))
    assert exported["format"] == EXPORT_FORMAT and "Bugs" in exported["tables"]
    # Attached files' bytes, kept outside the database, travel in the export too.
    assert exported["tables"]["_files"] and exported["tables"]["AttachmentFiles"]
    qacmock("seed", "--db", y, "--from", first, cwd=tmp_path, check_rc=0)
    qacmock("export", "--db", y, "--out", second, cwd=tmp_path, check_rc=0)
    assert first.read_bytes() == second.read_bytes()
    assert file_digest(x) == file_digest(y)


def test_cli_export_to_standard_output(tmp_path):
    """Requirement: `--out -` writes the export to standard output."""
    db, out = tmp_path / "qac.db", tmp_path / "out.json"
    qacmock("seed", "--db", db, "--scale", "small", cwd=tmp_path, check_rc=0)
    qacmock("export", "--db", db, "--out", out, cwd=tmp_path, check_rc=0)
    done = qacmock("export", "--db", db, "--out", "-", cwd=tmp_path, check_rc=0)
    assert done.stdout == out.read_text(encoding="utf-8")
    assert json.loads(done.stdout)["format"] == EXPORT_FORMAT
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("command", [["export", "--out", "out.json"], ["digest"]])
def test_cli_export_and_digest_of_a_missing_database_exit_2(tmp_path, command):
    """Requirement: export (and digest) of a missing database exit 2 naming it, creating nothing."""
    done = qacmock(command[0], "--db", "missing.db", *command[1:], cwd=tmp_path)
    assert done.returncode == 2
    assert "missing.db" in done.stderr and "does not exist" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _write_scenario(path: Path, change) -> Path:
    data = json.loads(SCENARIO_FILE.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _rename_mobile_app(data):
    for p in data["projects"]:
        if p["ProjName"] == "Mobile App":
            p["ProjName"] = "Mobile Web"
    for u in data["users"]:
        if isinstance(u["projects"], list):
            u["projects"] = ["Mobile Web" if n == "Mobile App" else n for n in u["projects"]]
    data["generate"]["projects"] = ["Mobile Web" if n == "Mobile App" else n for n in data["generate"]["projects"]]


def test_cli_seed_from_a_user_scenario_with_another_seed(tmp_path):
    """Requirement: `seed --from` a user scenario uses it: another generate seed, other rows,
    the same rows as build on that scenario."""
    source = _write_scenario(tmp_path / "mine.json", lambda d: d["generate"].update(seed=99))
    db = tmp_path / "qac.db"
    qacmock("seed", "--db", db, "--from", source, cwd=tmp_path, check_rc=0)
    expected = digest(built(data=json.loads(source.read_text(encoding="utf-8"))))
    assert file_digest(db) == expected != COMMITTED_DIGEST


def test_cli_seed_from_a_user_scenario_with_a_renamed_project(tmp_path, generate):
    """Requirement: `seed --from` a user scenario reflects its changes (a renamed project gets
    the generated items)."""
    source = _write_scenario(tmp_path / "mine.json", _rename_mobile_app)
    db = tmp_path / "qac.db"
    qacmock("seed", "--db", db, "--from", source, "--scale", "small", cwd=tmp_path, check_rc=0)
    s = Store(str(db))
    try:
        names = {r["ProjId"]: r["ProjName"] for r in rows(s, "SELECT ProjId, ProjName FROM Projects")}
        assert names[MOBILE_APP] == "Mobile Web" and "Mobile App" not in names.values()
        assert per_project_counts(s)[MOBILE_APP]["Bug"] == scale_counts(generate, "small")["Bug"]
    finally:
        s.close()


def test_cli_seed_from_a_scenario_without_generate_writes_only_the_fixtures(tmp_path):
    """Requirement: a scenario without a 'generate' section gives only its hand-written items."""
    source = _write_scenario(tmp_path / "mine.json", lambda d: d.pop("generate"))
    db = tmp_path / "qac.db"
    qacmock("seed", "--db", db, "--from", source, cwd=tmp_path, check_rc=0)
    s = Store(str(db))
    try:
        for t in ALL_TYPES:
            assert rows(s, f'SELECT COUNT(*) AS n FROM "{table(t)}" WHERE ProjId IN (?, ?)',
                        (MOBILE_APP, PAYROLL))[0]["n"] == 0, t
        assert s.count_rows("Bugs") == len([i for i in default_dataset()["items"] if i["type"] == "Bug"])
    finally:
        s.close()


@pytest.mark.parametrize("content", [None, "this is { not json", b"\xff\xfe\x00"], ids=["missing", "not-json", "not-utf8"])
def test_cli_seed_from_an_unreadable_file_exits_2(tmp_path, content):
    """Requirement: `seed --from` a missing or non-JSON file exits 2 with a message naming it,
    leaving no database behind."""
    source = tmp_path / "scenario.json"
    if isinstance(content, str):
        source.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        source.write_bytes(content)
    done = qacmock("seed", "--db", tmp_path / "qac.db", "--from", source, cwd=tmp_path)
    assert done.returncode == 2
    assert "cannot read" in done.stderr and str(source) in done.stderr
    assert "Traceback" not in done.stderr
    assert db_files(tmp_path) == []


def test_cli_seed_from_json_that_is_not_a_scenario_exits_2(tmp_path):
    """Requirement: a JSON object that is not a scenario exits 2 without a traceback or a database."""
    source = tmp_path / "scenario.json"
    source.write_text('{"hello": 1}', encoding="utf-8")
    done = qacmock("seed", "--db", tmp_path / "qac.db", "--from", source, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert db_files(tmp_path) == []


def test_cli_seed_from_a_json_array_exits_2(tmp_path):
    """Requirement: `seed --from` a file that is JSON but not a scenario exits 2 with a message
    and leaves no database behind."""
    source = tmp_path / "scenario.json"
    source.write_text("[]", encoding="utf-8")
    done = qacmock("seed", "--db", tmp_path / "qac.db", "--from", source, cwd=tmp_path)
    assert (done.returncode, "Traceback" in done.stderr, db_files(tmp_path)) == (2, False, [])


def test_cli_seed_from_an_inconsistent_export_exits_2(tmp_path):
    """Requirement: `seed --from` an export it cannot load exits 2 with a message and leaves no
    database behind (an empty one would later be filled with the default data by serve)."""
    source = tmp_path / "x.db"
    export = tmp_path / "x.json"
    qacmock("seed", "--db", source, "--scale", "small", cwd=tmp_path, check_rc=0)
    qacmock("export", "--db", source, "--out", export, cwd=tmp_path, check_rc=0)
    data = json.loads(export.read_text(encoding="utf-8"))
    data["tables"]["Projects"] = [p for p in data["tables"]["Projects"] if p["ProjId"] != MOBILE_APP]
    export.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "y.db"
    done = qacmock("seed", "--db", target, "--from", export, cwd=tmp_path)
    assert (done.returncode, "Traceback" in done.stderr, target.exists()) == (2, False, False)


# -- progress -------------------------------------------------------------------------------------
def test_cli_quick_run_prints_only_its_summary(tmp_path):
    """Requirement: off a terminal, a run under a second shows no progress, only the summary line."""
    db = tmp_path / "qac.db"
    done = qacmock("seed", "--db", db, "--scale", "small", cwd=tmp_path, check_rc=0)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "qacmock:" in lines[0] and str(db) in lines[0]
    assert "Bugs" in lines[0] and "Releases" in lines[0] and "%" not in lines[0]
    assert done.stdout == ""


class FakeStream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


def _run_progress(stream, total=100, step=1):
    p = Progress(stream=stream)
    p.start("items", total)
    for _ in range(0, total, step):
        p.advance(step)
    p.finish()
    return p


def test_progress_is_silent_for_quick_runs(caplog):
    """Requirement: anything that finishes within QUIET_FOR (1 s) shows nothing, tty or not."""
    caplog.set_level(logging.INFO, logger="qacmock.seed")
    for tty in (True, False):
        stream = FakeStream(tty)
        _run_progress(stream)
        assert stream.getvalue() == ""
    assert caplog.records == []


def test_progress_logs_plain_percentages_off_a_terminal(monkeypatch, caplog):
    """Requirement: off a terminal, a longer run logs plain percentage lines every 10 %, then a
    summary, through the qacmock.seed logger, and writes nothing to the stream itself."""
    monkeypatch.setattr(progress_module, "QUIET_FOR", 0)
    caplog.set_level(logging.INFO, logger="qacmock.seed")
    stream = FakeStream(False)
    _run_progress(stream, total=200, step=4)
    assert stream.getvalue() == ""
    messages = [r.getMessage() for r in caplog.records if r.name == "qacmock.seed"]
    assert messages[:-1] == [f"items: {n * 20} of 200 ({n * 10}%)" for n in range(1, 11)]
    assert messages[-1].startswith("items: 200 written in ")
    assert all("\r" not in m for m in messages)


def test_progress_draws_a_bar_on_a_terminal(monkeypatch, caplog):
    """Requirement: on a terminal a longer run draws a \\r-redrawn bar, ended by a newline."""
    monkeypatch.setattr(progress_module, "QUIET_FOR", 0)
    caplog.set_level(logging.INFO, logger="qacmock.seed")
    stream = FakeStream(True)
    _run_progress(stream, total=1000, step=250)
    out = stream.getvalue()
    assert out.startswith("\r") and out.endswith("\n")
    last = out.rstrip("\n").split("\r")[-1]
    assert last == f"items  [{'#' * 30}] 1,000/1,000"
    messages = [r.getMessage() for r in caplog.records if r.name == "qacmock.seed"]
    assert len(messages) == 1 and messages[0].startswith("items: 1,000 written in ")
    assert not any("%" in m for m in messages)


def test_progress_disabled_shows_nothing(monkeypatch, caplog):
    """Requirement: build's default (Progress(enabled=False)) never writes or logs."""
    monkeypatch.setattr(progress_module, "QUIET_FOR", 0)
    caplog.set_level(logging.INFO, logger="qacmock.seed")
    stream = FakeStream(True)
    p = Progress(stream=stream, enabled=False)
    p.start("items", 10)
    p.advance(10)
    p.finish()
    assert stream.getvalue() == "" and caplog.records == []


def test_cli_seed_logs_progress_for_a_longer_run(tmp_path, monkeypatch, caplog, capsys):
    """Requirement: `qacmock seed` wires progress in: off a terminal a run past QUIET_FOR logs
    percentage lines (QUIET_FOR set to 0 to stand in for a long run)."""
    monkeypatch.setattr(progress_module, "QUIET_FOR", 0)
    caplog.set_level(logging.INFO)
    db = tmp_path / "qac.db"
    assert cli.main(["seed", "--db", str(db), "--scale", "300"]) == 0
    messages = [r.getMessage() for r in caplog.records if r.name == "qacmock.seed"]
    assert any(m.endswith("(100%)") for m in messages), messages
    assert any("%" in m for m in messages[:-1])
    assert "written in" in messages[-1]
    assert "\r" not in capsys.readouterr().err


# -- 5. a live server on a seeded database ---------------------------------------------------
def test_live_server_serves_the_generated_data(tmp_path):
    """Requirement: a database made by `qacmock seed --scale small` is served as is: admin sees the
    generated bugs of Mobile App with LoadByCriteria, and a Closed one loads with DateClosed and
    ClosedBy (and its name)."""
    db = tmp_path / "qac.db"
    qacmock("seed", "--db", db, "--scale", "small", cwd=tmp_path, check_rc=0)
    s = Store(str(db))
    try:
        counts = {t: s.count_rows(table(t)) for t in ALL_TYPES}
        generated = rows(s, "SELECT BugId, Title, StatusCode, DateClosed, ClosedBy FROM Bugs WHERE ProjId = ?",
                         (MOBILE_APP,))
    finally:
        s.close()
    closed = next(r for r in generated if r["StatusCode"] == "Closed")

    app = QacMock(str(db))
    server = LiveServer(app)
    try:
        soap = Soap(server.url, "1.1")
        page = soap.service.Bugs_LoadByCriteria(auth(proj_id=MOBILE_APP), "", "BugId", 100, 1)
        assert sorted((b.BugId, b.Title) for b in page) == sorted((r["BugId"], r["Title"]) for r in generated)
        assert len(page) == 12

        bug = soap.service.Bugs_Load(auth(proj_id=MOBILE_APP), closed["BugId"])
        assert bug.StatusCode == "Closed"
        assert bug.DateClosed == datetime.fromisoformat(closed["DateClosed"])
        assert bug.ClosedBy == closed["ClosedBy"] and bug.ClosedByName
        assert bug.PctComplete == 100
    finally:
        server.close()
        app.store.close()
    # Serving a seeded database does not seed it again (only LastProjId of the caller changes).
    s = Store(str(db))
    try:
        assert {t: s.count_rows(table(t)) for t in ALL_TYPES} == counts
    finally:
        s.close()


def test_the_shipped_paragraphs_are_what_faker_gives_for_the_default_seed():
    """The default dataset's text pool ships with the package (no Faker import at start-up):
    it must stay what Faker draws, or the default data would change with it."""
    from mockserver.seed.generator import SHIPPED_PARAGRAPHS, faker_paragraphs

    shipped = json.loads(SHIPPED_PARAGRAPHS.read_text(encoding="utf-8"))
    assert (shipped["seed"], shipped["count"]) == (default_dataset()["generate"]["seed"],
                                                   default_dataset()["generate"]["paragraphs"])
    assert shipped["paragraphs"] == faker_paragraphs(shipped["seed"], shipped["count"])


def test_starting_on_the_default_data_imports_neither_faker_nor_spyne_applications():
    code = ("import sys; from mockserver.app import QacMock; app = QacMock(':memory:'); "
            "print('faker' in sys.modules, app.soap.front._spyne is None)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]
