"""Issue 6: the control plane. The admin API under /__admin/ (health, reset, seed, named
snapshots, bearer token), the AdminClient, ``qacmock serve``'s admin options and the pytest
plugin, all driven over HTTP.

Every test here runs its own server: the session ``live`` server is shared by every module
and must not be reset, reseeded or restored.
"""
from __future__ import annotations

import functools
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import requests
import zeep

from mockserver import QACOMPLETE_VERSION, __version__
from mockserver.app import QacMock
from mockserver.control.client import AdminApiError, AdminClient
from mockserver.registry import REGISTRY
from mockserver.seed import build, default_dataset
from mockserver.store import Store

from .conftest import LiveServer
from .helpers import (
    json_error,
    BILLING, FAMILY_ALBUM, NS, SCREEN_SAVER, Soap, auth, auth_xml, envelope, post_raw, start_serve,
    stop_serve,
)

MOBILE_APP, PAYROLL = 10401, 11902
ALL_PROJECTS = [FAMILY_ALBUM, SCREEN_SAVER, BILLING, MOBILE_APP, PAYROLL]
ITEM_TYPES = {"Bug", "Release", "FunctionalSpec", "ProjectTask", "Test", "TestStep", "TestConfiguration",
              "TestSet", "TestSetItem", "TestRun", "TestRunItem", "TestRunResult", "Folder", "Notes",
              "Attachment", "TraceabilityLink", "Contact", "Audit", "TestCase", "ProjectPlan", "ProjectPlanTask",
              "AutomationHost", "AutomationTestItem", "AutomationSchedule", "AutomationRun"}
# The admin API's own environment variables must not leak into the subprocesses we start.
ADMIN_ENV = ("QACMOCK_URL", "QACMOCK_ADMIN_TOKEN", "QACMOCK_NO_ADMIN", "QACMOCK_PORT", "QACMOCK_DB")


# -- helpers ----------------------------------------------------------------------------------

@pytest.fixture
def server():
    """A private qacmock on the default data, with the admin API and no token."""
    live = LiveServer(QacMock(":memory:"))
    yield live
    live.close()


@pytest.fixture
def soap(server):
    return Soap(server.url, "1.1")


def admin_url(live, path: str) -> str:
    return f"{live.base}/__admin{path}"


def health(live, **kwargs) -> dict:
    response = requests.get(admin_url(live, "/health"), timeout=10, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def counts(live) -> dict:
    return health(live)["items"]


def post(live, path: str, **kwargs) -> requests.Response:
    return requests.post(admin_url(live, path), timeout=30, **kwargs)


def add_bug(soap: Soap, title: str, proj_id: int = FAMILY_ALBUM) -> int:
    return soap.service.Bugs_Add(AuthenticationData=auth(proj_id=proj_id),
                                 Bug=soap.new("Bug", Title=title, StatusCode="Active"),
                                 SendEmailAlert="N", NewNotes="")


def bugs(soap: Soap, proj_ids=None, condition: str = "") -> list:
    """Every Bug in the projects (all of them by default), by BugId."""
    proj_ids = ALL_PROJECTS if proj_ids is None else proj_ids
    items, number = [], 1
    while True:
        chunk = list(soap.service.Bugs_LoadByCriteria(auth(proj_ids=proj_ids), condition, "BugId",
                                                      200, number) or [])
        items += chunk
        if len(chunk) < 200:
            return items
        number += 1


def listing(soap: Soap, proj_ids=None) -> list[tuple]:
    return [(b.BugId, b.Title, b.StatusCode) for b in bugs(soap, proj_ids)]


def load_bug(soap: Soap, bug_id: int, proj_id: int = FAMILY_ALBUM):
    return soap.service.Bugs_Load(AuthenticationData=auth(proj_id=proj_id), BugId=bug_id)


@functools.cache
def expected_counts(scale="default", seed=None) -> dict:
    """What a fresh store holds after seeding the default scenario at ``scale``."""
    store = Store(":memory:")
    try:
        build(store, default_dataset(), scale, seed)
        return {e.type_name: store.count_rows(e.table) for e in REGISTRY.exposed_entities}
    finally:
        store.close()


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ADMIN_ENV}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def serve(tmp_path, *args, env=None):
    """``qacmock serve`` with no admin settings inherited from the environment."""
    return start_serve(tmp_path, *args, env=env or clean_env())


stop = stop_serve


def root_of(service_url: str) -> str:
    return service_url.split("/psws/")[0]


ADD_BUG_XML = envelope(f'<Bugs_Add xmlns="{NS}">{auth_xml()}<Bug><Title>over raw SOAP</Title>'
                       f"<StatusCode>Active</StatusCode></Bug><SendEmailAlert>N</SendEmailAlert>"
                       f"</Bugs_Add>")


# -- health -----------------------------------------------------------------------------------

def test_health_checks_in_parallel_with_calls_are_all_answered(server):
    """Health checks from many connections at once, while SOAP calls run: every one is answered.
    The counts once read the database outside the store's lock, and a check racing another on
    the one connection failed (500, 'bad parameter or other API misuse'; 2 of 20 checks in
    a CI run)."""
    statuses, load = [], envelope(f'<Bugs_Load xmlns="{NS}">{auth_xml()}<BugId>1</BugId></Bugs_Load>')

    def check(rounds):
        with requests.Session() as session:
            for _ in range(rounds):
                statuses.append(session.get(admin_url(server, "/health"), timeout=30).status_code)

    def call(rounds):
        for _ in range(rounds):
            statuses.append(post_raw(server.url, load, "1.1", "Bugs_Load").status_code)
    threads = [threading.Thread(target=check, args=(40,)) for _ in range(6)]
    threads += [threading.Thread(target=call, args=(40,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * len(statuses) and len(statuses) == 320


def test_health_reports_ready_versions_and_item_counts(server, soap):
    """GET /__admin/health: status ready, the mock's and QAComplete's versions (the latter as
    GetVersion answers it), and one count per item type that follows a Bugs_Add over SOAP."""
    response = requests.get(admin_url(server, "/health"), timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "ready"
    assert body["version"] == __version__
    assert body["qacomplete_version"] == QACOMPLETE_VERSION == soap.service.GetVersion()
    assert set(body["items"]) == ITEM_TYPES
    assert body["items"] == expected_counts()
    assert all(isinstance(n, int) and n > 0 for n in body["items"].values())

    add_bug(soap, "counted by health")
    after = counts(server)
    # The defect, and its "Added" entry in the audit history.
    assert after == {**body["items"], "Bug": body["items"]["Bug"] + 1, "Audit": body["items"]["Audit"] + 1}


# -- reset ------------------------------------------------------------------------------------

def test_reset_brings_back_exactly_the_starting_data(server, soap):
    """After Bugs_Add / Update / Delete over SOAP, POST /__admin/reset restores the data the
    server started with: the same listing, the same counts, the updated title put back and the
    deleted bug back."""
    start_counts, start_listing = counts(server), listing(soap)
    victim, renamed = start_listing[0][0], start_listing[1]
    original = load_bug(soap, renamed[0])

    new_ids = [add_bug(soap, f"added {i}") for i in range(3)]
    changed = soap.new("Bug", BugId=renamed[0], Title="Renamed before the reset", StatusCode="Active")
    soap.service.Bugs_Update(AuthenticationData=auth(), Bug=changed, SendEmailAlert="N")
    soap.service.Bugs_Delete(AuthenticationData=auth(), BugId=victim)
    assert load_bug(soap, renamed[0]).Title == "Renamed before the reset"
    assert counts(server)["Bug"] == start_counts["Bug"] + 2
    assert listing(soap) != start_listing

    response = post(server, "/reset")
    assert response.status_code == 200 and response.json() == {"status": "reset"}
    assert counts(server) == start_counts
    assert listing(soap) == start_listing
    restored = load_bug(soap, renamed[0])
    assert restored.Title == original.Title == renamed[1]
    assert load_bug(soap, victim).BugId == victim
    assert not {i for i, _, _ in listing(soap)} & (set(new_ids) - {i for i, _, _ in start_listing})


def test_reset_works_on_a_file_database_and_is_written_to_the_file(tmp_path):
    """QacMock(path) on a file (WAL): reset restores the starting data, and the restored data is
    what the file holds when the server is started on it again."""
    db = str(tmp_path / "qac.db")
    live = LiveServer(QacMock(db))
    try:
        soap = Soap(live.url, "1.1")
        start_counts, start_listing = counts(live), listing(soap)
        bug_id = start_listing[0][0]
        soap.service.Bugs_Update(AuthenticationData=auth(),
                                 Bug=soap.new("Bug", BugId=bug_id, Title="Changed on file",
                                              StatusCode="Active"),
                                 SendEmailAlert="N")
        add_bug(soap, "added on file")
        assert counts(live) != start_counts
        assert post(live, "/reset").status_code == 200
        assert counts(live) == start_counts
        assert listing(soap) == start_listing
        assert load_bug(soap, bug_id).Title == start_listing[0][1]
    finally:
        live.close()
        live.app.store.close()

    again = LiveServer(QacMock(db))
    try:
        assert counts(again) == start_counts
        assert listing(Soap(again.url, "1.1")) == start_listing
    finally:
        again.close()
        again.app.store.close()


# -- seed -------------------------------------------------------------------------------------

def test_seed_small_changes_counts_and_is_deterministic(server, soap):
    """POST /__admin/seed {"scale": "small", "seed": 3} replaces the data with the small scale's;
    the same seed twice gives the same items in Mobile App; another seed gives other items."""
    start = counts(server)
    response = post(server, "/seed", json={"scale": "small", "seed": 3})
    assert response.status_code == 200, response.text
    body = response.json()
    small = expected_counts("small", 3)
    assert body["items"] == small and body["version"] == __version__
    assert counts(server) == small != start
    # The generated projects hold 12 defects each at small scale, 60 by default.
    assert small["Bug"] == start["Bug"] - 2 * (60 - 12)
    first = listing(soap, [MOBILE_APP])
    assert len(first) == 12

    add_bug(soap, "thrown away by the next seed", MOBILE_APP)
    assert post(server, "/seed", json={"scale": "small", "seed": 3}).status_code == 200
    assert listing(soap, [MOBILE_APP]) == first
    assert counts(server) == small

    assert post(server, "/seed", json={"scale": "small", "seed": 4}).status_code == 200
    assert [t for _, t, _ in listing(soap, [MOBILE_APP])] != [t for _, t, _ in first]


def test_seed_answers_status_seeded(server):
    """A successful seed answers status "seeded" (with the new health), as reset answers "reset"."""
    body = post(server, "/seed", json={"scale": "small", "seed": 3}).json()
    assert body["status"] == "seeded"
    assert body["items"] == expected_counts("small", 3)


def test_seed_then_reset_returns_to_the_starting_data(server, soap):
    """Reseeding does not move what reset goes back to: the data the server started with."""
    start_counts, start_listing = counts(server), listing(soap)
    assert post(server, "/seed", json={"scale": 24, "seed": 9}).status_code == 200
    assert counts(server)["Bug"] == start_counts["Bug"] - 2 * 60 + 24
    assert post(server, "/reset").status_code == 200
    assert counts(server) == start_counts
    assert listing(soap) == start_listing


@pytest.mark.parametrize("body, named", [
    ({"scale": "huge"}, "huge"),
    ({"scale": "-3"}, "-3"),
    ({"scale": -3}, "negative"),
    ({"scale": 1.5}, "scale"),
    ({"scale": None}, "scale"),
    ({"scale": True}, "scale"),
    ({"scale": "small", "seed": "3"}, "seed"),
    ({"scale": "small", "seed": 2.5}, "seed"),
    ({"scale": "small", "seed": [3]}, "seed"),
], ids=["unknown-scale", "negative-string", "negative-int", "float-scale", "null-scale",
        "bool-scale", "string-seed", "float-seed", "list-seed"])
def test_seed_refuses_bad_options_with_400(server, body, named):
    """A bad scale or a non-integer seed is a 400 whose JSON error names the problem; the data
    is left as it was."""
    before = counts(server)
    message = json_error(post(server, "/seed", json=body), 400)
    assert named in message
    assert counts(server) == before


def test_seed_refuses_a_boolean_seed(server):
    """JSON true is not an integer seed: 400 like any other non-integer."""
    before = counts(server)
    response = post(server, "/seed", json={"scale": "small", "seed": True})
    assert "seed" in json_error(response, 400)
    assert counts(server) == before


@pytest.mark.parametrize("data, named", [
    (b"{not json", "not JSON"),
    (b'["small", 3]', "JSON object"),
    (b'"small"', "JSON object"),
    (b"42", "JSON object"),
], ids=["not-json", "array", "string", "number"])
def test_seed_refuses_a_body_that_is_not_a_json_object(server, data, named):
    """A body that is not JSON, or JSON but not an object, is a 400 saying so."""
    before = counts(server)
    response = post(server, "/seed", data=data, headers={"Content-Type": "application/json"})
    assert named in json_error(response, 400)
    assert counts(server) == before


def test_admin_body_over_the_limit_is_413(server):
    """Admin request bodies are limited to 1 MiB: a larger one is a 413 JSON error."""
    response = post(server, "/snapshots", data=b" " * (1024 * 1024 + 1))
    assert "1048576" in json_error(response, 413)


# -- snapshots --------------------------------------------------------------------------------

def test_snapshot_save_list_restore_overwrite_delete(server, soap):
    """Save (201 with name/created/bytes), list, restore (additions, updates and deletions after
    the snapshot are undone), overwrite a name, delete (then restore and delete are 404)."""
    assert requests.get(admin_url(server, "/snapshots"), timeout=10).json() == {"snapshots": []}
    before_id = add_bug(soap, "before the snapshot")

    response = post(server, "/snapshots", json={"name": "clean-1.0_a"})
    assert response.status_code == 201, response.text
    saved = response.json()
    assert set(saved) == {"name", "created", "bytes"}
    assert saved["name"] == "clean-1.0_a"
    assert isinstance(saved["bytes"], int) and saved["bytes"] > 0
    time.strptime(saved["created"], "%Y-%m-%dT%H:%M:%S")
    snap_counts, snap_listing = counts(server), listing(soap)

    assert post(server, "/snapshots", json={"name": "other"}).status_code == 201
    listed = requests.get(admin_url(server, "/snapshots"), timeout=10).json()["snapshots"]
    assert [s["name"] for s in listed] == ["clean-1.0_a", "other"]
    assert listed[0] == saved

    after_id = add_bug(soap, "after the snapshot")
    soap.service.Bugs_Delete(AuthenticationData=auth(), BugId=before_id)
    soap.service.Bugs_Update(AuthenticationData=auth(),
                             Bug=soap.new("Bug", BugId=snap_listing[0][0], Title="after", StatusCode="Closed"),
                             SendEmailAlert="N")
    response = post(server, "/snapshots/clean-1.0_a/restore")
    assert response.status_code == 200
    assert response.json() == {"status": "restored", "name": "clean-1.0_a"}
    assert counts(server) == snap_counts
    assert listing(soap) == snap_listing
    ids = {i for i, _, _ in listing(soap)}
    assert before_id in ids and after_id not in ids

    # Overwrite: the name now holds the later state; still one entry of that name.
    add_bug(soap, "in the overwritten snapshot")
    later_counts, later_listing = counts(server), listing(soap)
    assert post(server, "/snapshots", json={"name": "clean-1.0_a"}).status_code == 201
    listed = requests.get(admin_url(server, "/snapshots"), timeout=10).json()["snapshots"]
    assert sorted(s["name"] for s in listed) == ["clean-1.0_a", "other"]
    assert post(server, "/reset").status_code == 200
    assert post(server, "/snapshots/clean-1.0_a/restore").status_code == 200
    assert counts(server) == later_counts and listing(soap) == later_listing

    response = requests.delete(admin_url(server, "/snapshots/clean-1.0_a"), timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "deleted", "name": "clean-1.0_a"}
    listed = requests.get(admin_url(server, "/snapshots"), timeout=10).json()["snapshots"]
    assert [s["name"] for s in listed] == ["other"]
    assert "clean-1.0_a" in json_error(post(server, "/snapshots/clean-1.0_a/restore"), 404)
    assert "clean-1.0_a" in json_error(requests.delete(admin_url(server, "/snapshots/clean-1.0_a"),
                                                       timeout=10), 404)
    assert "never-saved" in json_error(post(server, "/snapshots/never-saved/restore"), 404)


@pytest.mark.parametrize("name", ["", "../x", "__started__", "__empty__", "a" * 65, "with space",
                                  ".hidden", "-dash", "a/b", None, 7],
                         ids=["empty", "dotdot", "started", "empty-internal", "65-chars", "space",
                              "leading-dot", "leading-dash", "slash", "null", "number"])
def test_invalid_snapshot_names_are_400(server, name):
    """Names are 1-64 letters, digits, '.', '_', '-', starting with a letter or digit: anything
    else is a 400, so the server's own snapshots (reset's, seed's) cannot be reached."""
    before = counts(server)
    json_error(post(server, "/snapshots", json={"name": name}), 400)
    assert requests.get(admin_url(server, "/snapshots"), timeout=10).json() == {"snapshots": []}
    assert counts(server) == before


def test_snapshot_without_a_name_is_400(server):
    """POST /__admin/snapshots with no body, or no name in it, is a 400."""
    assert "snapshot name" in json_error(post(server, "/snapshots"), 400)
    assert "snapshot name" in json_error(post(server, "/snapshots", json={}), 400)


@pytest.mark.parametrize("path", ["/snapshots/with%20space/restore", "/snapshots/__started__/restore",
                                  "/snapshots/__empty__/restore", "/snapshots/" + "a" * 65 + "/restore",
                                  "/snapshots/%2E%2E%2Fx/restore"])
def test_invalid_names_in_the_path_are_400(server, soap, path):
    """Restore and delete check the name in the path the same way; the server's own snapshots
    are not reachable by name (restoring __empty__ would wipe the data)."""
    before = counts(server)
    json_error(post(server, path), 400)
    json_error(requests.delete(admin_url(server, path.removesuffix("/restore")), timeout=10), 400)
    assert counts(server) == before
    assert post(server, "/reset").status_code == 200      # __started__ is still there


def test_a_64_character_name_is_accepted(server):
    """The longest valid name, 64 characters, is saved and restored."""
    name = "a" * 63 + "9"
    assert post(server, "/snapshots", json={"name": name}).status_code == 201
    assert post(server, f"/snapshots/{name}/restore").status_code == 200


@pytest.mark.parametrize("method, path", [
    ("GET", ""), ("GET", "/"), ("GET", "/nothing"), ("GET", "/reset"), ("PUT", "/reset"),
    ("POST", "/health"), ("GET", "/seed"), ("PUT", "/snapshots"), ("DELETE", "/snapshots"),
    ("GET", "/snapshots/x/restore"), ("POST", "/snapshots/x"), ("POST", "/snapshots/x/other"),
    ("PATCH", "/health"),
])
def test_unknown_endpoint_or_wrong_method_is_404_json(server, method, path):
    """Anything under /__admin that is not an endpoint (or not with that method) is a 404 JSON
    error pointing at /__admin/health."""
    response = requests.request(method, admin_url(server, path), timeout=10)
    message = json_error(response, 404)
    assert "/__admin/health" in message and method in message


def test_paths_that_only_start_like_admin_are_the_plain_404(server):
    """/__adminx is not the admin API: the server's plain text 404."""
    response = requests.get(server.base + "/__adminx/health", timeout=10)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/plain")


# -- restore under load -----------------------------------------------------------------------

def test_restore_while_soap_requests_run(server):
    """Threads run Bugs_Add and Bugs_LoadByCriteria over zeep in a loop while the main thread
    restores a snapshot again and again: no SOAP call faults, no admin call fails, and after the
    last restore the state is the snapshot's exactly (counts and ids)."""
    admin = AdminClient(server.url)
    soap = Soap(server.url, "1.1")
    add_bug(soap, "in the snapshot")
    admin.snapshot("base")
    snap_counts, snap_ids = admin.health()["items"], [b.BugId for b in bugs(soap)]

    clients = [Soap(server.url, "1.1") for _ in range(4)]
    # Until enough of both have interleaved, however loaded the machine is (a fixed time window
    # made this depend on the machine's speed); the deadline only stops a hung run.
    deadline = time.monotonic() + 120
    errors: list[str] = []
    calls = [0] * len(clients)
    done = threading.Event()

    def work(n: int, client: Soap):
        i = 0
        while not done.is_set() and time.monotonic() < deadline:
            try:
                add_bug(client, f"worker {n} bug {i}", [FAMILY_ALBUM, MOBILE_APP][n % 2])
                page = client.service.Bugs_LoadByCriteria(auth(proj_ids=ALL_PROJECTS), "", "BugId DESC",
                                                          20, 1)
                assert page and len(page) == 20
                calls[n] += 2
            except zeep.exceptions.Fault as fault:
                errors.append(f"worker {n}: fault {fault.code}: {fault.message}")
            except Exception as error:                      # noqa: BLE001 - any failure is reported
                errors.append(f"worker {n}: {error!r}")
            i += 1

    threads = [threading.Thread(target=work, args=(n, c), daemon=True) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    restores = 0
    try:
        while time.monotonic() < deadline and not (restores >= 10 and all(c >= 4 for c in calls)):
            assert admin.restore("base") == {"status": "restored", "name": "base"}
            restores += 1
            time.sleep(0.02)
    finally:
        done.set()
        for t in threads:
            t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors[:5]
    assert restores >= 10 and all(c >= 4 for c in calls), (restores, calls)
    add_bug(soap, "after the workers")
    assert admin.health()["items"] != snap_counts
    admin.restore("base")
    assert admin.health()["items"] == snap_counts
    assert [b.BugId for b in bugs(soap)] == snap_ids


def race(url: str, seconds: float, *actions) -> list[str]:
    """Run each action in its own thread, in a loop, until one fails or time is up."""
    failures: list[str] = []
    stop_at = time.monotonic() + seconds

    def loop(action):
        admin = AdminClient(url, timeout=5)
        while not failures and time.monotonic() < stop_at:
            try:
                action(admin)
            except Exception as error:                      # noqa: BLE001 - any failure is reported
                failures.append(repr(error))

    threads = [threading.Thread(target=loop, args=(a,), daemon=True) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return failures


# These two run on a subprocess server: the second crashes the process it runs in.
def test_overwriting_a_snapshot_while_it_is_restored_never_fails(tmp_path):
    """Saving a name again while other clients restore it: every call succeeds."""
    proc, url, log = serve(tmp_path)
    try:
        AdminClient(url).snapshot("x")
        failures = race(url, 2.0, lambda a: a.snapshot("x"), lambda a: a.restore("x"),
                        lambda a: a.restore("x"))
        alive = proc.poll() is None
    finally:
        stop(proc)
    assert alive, log.read_text()[-2000:]
    assert not failures, failures[:3]


def test_listing_snapshots_while_one_is_overwritten_never_fails(tmp_path):
    """Saving a name again while other clients list the snapshots: every call succeeds and the
    server keeps running."""
    proc, url, log = serve(tmp_path)
    try:
        AdminClient(url).snapshot("x")
        failures = race(url, 2.0, lambda a: a.snapshot("x"), lambda a: a.snapshots(),
                        lambda a: a.snapshots())
        alive = proc.poll() is None
    finally:
        stop(proc)
    assert alive, f"server died with {proc.returncode}"
    assert not failures, failures[:3]


def restore_if_there(admin: AdminClient, name: str):
    try:
        admin.restore(name)
    except AdminApiError as error:      # deleted in between: a 404 is the right answer
        if error.status != 404:
            raise


def test_deleting_a_snapshot_while_it_is_restored_never_fails(tmp_path):
    """Saving and deleting a name while other clients restore it: each restore either restores
    or is a 404, and the server keeps running."""
    proc, url, log = serve(tmp_path)
    try:
        failures = race(url, 2.0, lambda a: (a.snapshot("y"), a.delete_snapshot("y")),
                        lambda a: restore_if_there(a, "y"), lambda a: restore_if_there(a, "y"))
        alive = proc.poll() is None
    finally:
        stop(proc)
    assert alive, f"server died with {proc.returncode}"
    assert not failures, failures[:3]


# -- token ------------------------------------------------------------------------------------

def start_token_server():
    return LiveServer(QacMock(":memory:", admin_token="s3cret"))


@pytest.fixture
def token_server():
    live = start_token_server()
    yield live
    live.close()


@pytest.fixture(scope="module")
def locked_server():
    """A token server for the 401 tests, which must change nothing."""
    live = start_token_server()
    yield live
    live.close()


ADMIN_CALLS = [("GET", "/health"), ("POST", "/reset"), ("POST", "/seed"), ("GET", "/snapshots"),
               ("POST", "/snapshots"), ("POST", "/snapshots/x/restore"), ("DELETE", "/snapshots/x"),
               ("GET", "/nothing")]


@pytest.mark.parametrize("header", [None, "", "s3cret", "Bearer", "Bearer wrong", "Bearer s3cret2",
                                    "bearer s3cret", "Basic czNjcmV0", "Bearer  s3cret"],
                         ids=["none", "empty", "bare", "no-token", "wrong", "longer", "lowercase",
                              "basic", "two-spaces"])
def test_token_is_required_on_every_admin_call(locked_server, header):
    """With a token configured, every admin call (endpoint or not) without exactly
    'Bearer <token>' is a 401 JSON error, before anything is routed or changed."""
    headers = {"Authorization": header} if header is not None else {}
    for method, path in ADMIN_CALLS:
        response = requests.request(method, admin_url(locked_server, path), headers=headers,
                                    json={"name": "x", "scale": "small"}, timeout=10)
        assert "Bearer" in json_error(response, 401), (method, path)
    ok = requests.get(admin_url(locked_server, "/health"),
                      headers={"Authorization": "Bearer s3cret"}, timeout=10).json()
    assert ok["items"] == expected_counts()
    assert requests.get(admin_url(locked_server, "/snapshots"), timeout=10,
                        headers={"Authorization": "Bearer s3cret"}).json() == {"snapshots": []}


def test_the_right_token_opens_every_call_and_soap_needs_none(token_server):
    """'Authorization: Bearer s3cret' works on every endpoint; the SOAP service is not behind
    the admin token."""
    h = {"Authorization": "Bearer s3cret"}
    assert health(token_server, headers=h)["status"] == "ready"
    assert post(token_server, "/snapshots", json={"name": "t"}, headers=h).status_code == 201
    assert requests.get(admin_url(token_server, "/snapshots"), headers=h, timeout=10).json()["snapshots"]
    assert post_raw(token_server.url, ADD_BUG_XML, action="Bugs_Add").status_code == 200
    assert post(token_server, "/snapshots/t/restore", headers=h).status_code == 200
    assert post(token_server, "/seed", json={"scale": "small"}, headers=h).status_code == 200
    assert post(token_server, "/reset", headers=h).status_code == 200
    assert requests.delete(admin_url(token_server, "/snapshots/t"), headers=h, timeout=10).status_code == 200
    assert health(token_server, headers=h)["items"] == expected_counts()


def test_admin_client_sends_its_token(token_server):
    """AdminClient(token=...) works; without one (or with a wrong one) it raises AdminApiError
    with status 401 and the server's message."""
    good = AdminClient(token_server.base, token="s3cret")
    assert good.health()["status"] == "ready"
    assert good.snapshot("c")["name"] == "c"
    assert [s["name"] for s in good.snapshots()] == ["c"]
    assert good.restore("c") == {"status": "restored", "name": "c"}
    assert good.seed("small", 3)["items"] == expected_counts("small", 3)
    assert good.reset() == {"status": "reset"}
    assert good.delete_snapshot("c") == {"status": "deleted", "name": "c"}
    for bad in (AdminClient(token_server.base), AdminClient(token_server.base, token="wrong")):
        with pytest.raises(AdminApiError) as raised:
            bad.health()
        assert raised.value.status == 401
        assert "Bearer" in raised.value.message


def test_an_empty_token_means_no_token():
    """QacMock(admin_token="") behaves as no token: the API is usable, as the log line says."""
    live = LiveServer(QacMock(":memory:", admin_token=""))
    try:
        assert requests.get(admin_url(live, "/health"), timeout=10).status_code == 200
        assert AdminClient(live.base, token="").health()["status"] == "ready"
    finally:
        live.close()


# -- admin API disabled -----------------------------------------------------------------------

def test_admin_false_serves_the_plain_404_and_soap_still_works():
    """QacMock(admin=False): /__admin/... is the server's plain 404, as for any unknown path,
    and the SOAP service works."""
    live = LiveServer(QacMock(":memory:", admin=False))
    try:
        plain = requests.get(live.base + "/elsewhere", timeout=10)
        for method, path in (("GET", "/health"), ("POST", "/reset"), ("GET", "/snapshots")):
            response = requests.request(method, admin_url(live, path), timeout=10)
            assert response.status_code == 404
            assert response.headers["Content-Type"] == plain.headers["Content-Type"]
            assert response.content == plain.content
        with pytest.raises(AdminApiError) as raised:
            AdminClient(live.url).health()
        assert raised.value.status == 404
        added = post_raw(live.url, ADD_BUG_XML, action="Bugs_Add")
        assert added.status_code == 200 and b"Bugs_AddResult" in added.content
    finally:
        live.close()


@pytest.mark.parametrize("how", ["option", "env"])
def test_serve_no_admin(tmp_path, how):
    """`qacmock serve --no-admin` (or QACMOCK_NO_ADMIN=1): /__admin/health is the plain 404,
    SOAP works, and the log does not announce an admin API."""
    if how == "option":
        proc, url, log = serve(tmp_path, "--no-admin")
    else:
        proc, url, log = serve(tmp_path, env=clean_env(QACMOCK_NO_ADMIN="1"))
    try:
        root = root_of(url)
        response = requests.get(root + "/__admin/health", timeout=10)
        assert response.status_code == 404
        assert response.headers["Content-Type"].startswith("text/plain")
        assert response.content == requests.get(root + "/elsewhere", timeout=10).content
        added = post_raw(url, ADD_BUG_XML, action="Bugs_Add")
        assert added.status_code == 200 and b"Bugs_AddResult" in added.content
    finally:
        stop(proc)
    assert "admin API at" not in log.read_text()


def test_serve_applies_the_token_from_the_environment(tmp_path):
    """`qacmock serve` with QACMOCK_ADMIN_TOKEN=envtoken: the admin API needs that token, the log
    says a token is required, and SOAP needs none."""
    proc, url, log = serve(tmp_path, env=clean_env(QACMOCK_ADMIN_TOKEN="envtoken"))
    try:
        root = root_of(url)
        assert requests.get(root + "/__admin/health", timeout=10).status_code == 401
        assert requests.get(root + "/__admin/health", timeout=10,
                            headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = requests.get(root + "/__admin/health", timeout=10,
                          headers={"Authorization": "Bearer envtoken"})
        assert ok.status_code == 200 and ok.json()["status"] == "ready"
        assert AdminClient(url, token="envtoken").reset() == {"status": "reset"}
        assert post_raw(url, ADD_BUG_XML, action="Bugs_Add").status_code == 200
    finally:
        stop(proc)
    assert "admin API at" in log.read_text() and "(bearer token required)" in log.read_text()


def test_serve_admin_token_option_wins_over_the_environment(tmp_path):
    """--admin-token on the command line overrides QACMOCK_ADMIN_TOKEN."""
    proc, url, _ = serve(tmp_path, "--admin-token", "fromoption",
                         env=clean_env(QACMOCK_ADMIN_TOKEN="fromenv"))
    try:
        with pytest.raises(AdminApiError) as raised:
            AdminClient(url, token="fromenv").health()
        assert raised.value.status == 401
        assert AdminClient(url, token="fromoption").health()["status"] == "ready"
    finally:
        stop(proc)


# -- AdminClient ------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["", "/", "/psws/psws.asmx", "/psws/psws.asmx?WSDL", "/psws.asmx",
                                    "/__admin", "/__admin/health"])
def test_admin_client_accepts_the_root_or_the_service_url(server, soap, suffix):
    """AdminClient takes the server root or the service URL (http://host:port/psws/psws.asmx),
    and reaches the same admin API either way."""
    admin = AdminClient(server.base + suffix)
    assert admin.base == server.base + "/__admin"
    assert admin.health()["items"] == counts(server)
    add_bug(soap, "seen by the client")
    assert admin.health()["items"]["Bug"] == counts(server)["Bug"]
    assert admin.reset() == {"status": "reset"}
    assert admin.health()["items"] == expected_counts()


@pytest.mark.parametrize("suffix", ["/psWS.asmx", "/PSWS/PSWS.ASMX"])
def test_admin_client_accepts_the_other_spellings_of_the_service_url(server, suffix):
    """The service answers on /psWS.asmx and /PSWS/PSWS.ASMX too; the client accepts them."""
    assert requests.get(server.base + suffix + "?WSDL", timeout=10).status_code == 200
    assert AdminClient(server.base + suffix).health()["status"] == "ready"


def test_admin_client_raises_admin_api_error_with_the_message(server):
    """An error answer becomes AdminApiError with the HTTP status and the JSON error text."""
    admin = AdminClient(server.base)
    with pytest.raises(AdminApiError) as raised:
        admin.restore("missing")
    assert raised.value.status == 404 and "missing" in raised.value.message
    with pytest.raises(AdminApiError) as raised:
        admin.seed("enormous")
    assert raised.value.status == 400 and "enormous" in raised.value.message
    with pytest.raises(AdminApiError) as raised:
        admin.snapshot("../x")
    assert raised.value.status == 400


# -- pytest plugin ----------------------------------------------------------------------------

PLUGIN_TESTS = '''
import pytest
import requests

STARTED = {started!r}
ADD_BUG = {add_bug!r}
SERVICE = {service!r}


def add_bug():
    response = requests.post(SERVICE, data=ADD_BUG.encode(), timeout=10, headers={{
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": '"http://www.pragmaticsw.com/Bugs_Add"'}})
    assert response.status_code == 200, response.text


def test_first(qacmock_reset):
    assert qacmock_reset.health()["items"] == STARTED
    add_bug()
    add_bug()
    assert qacmock_reset.health()["items"]["Bug"] == STARTED["Bug"] + 2


def test_second_starts_from_the_seeded_data(qacmock_reset):
    assert qacmock_reset.health()["items"] == STARTED


def test_admin_snapshot(qacmock_admin):
    qacmock_admin.snapshot("plugin")
    add_bug()
    qacmock_admin.restore("plugin")
    assert qacmock_admin.health()["items"] == STARTED
    qacmock_admin.delete_snapshot("plugin")


@pytest.mark.usefixtures("qacmock_reset")
def test_usefixtures(qacmock_admin):
    assert qacmock_admin.health()["items"] == STARTED
'''


def run_pytest(tmp_path, *args, env=None) -> subprocess.CompletedProcess:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "mockserver.control.pytest_plugin",
                           "-p", "no:cacheprovider", "-q", "--rootdir", str(tmp_path),
                           "-c", str(tmp_path / "pytest.ini"), *args],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env=env or clean_env())


def test_pytest_plugin_fixtures_reset_and_drive_the_mock(server, soap, tmp_path):
    """A user's test file run with `-p mockserver.control.pytest_plugin --qacmock-url URL`:
    qacmock_reset starts each test from the seeded data, qacmock_admin drives snapshots."""
    started = counts(server)
    add_bug(soap, "left over from an earlier run")        # the first reset must undo this
    (tmp_path / "test_user.py").write_text(PLUGIN_TESTS.format(started=started, add_bug=ADD_BUG_XML,
                                                               service=server.url))
    result = run_pytest(tmp_path, "test_user.py", "--qacmock-url", server.url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
    assert counts(server) == started


def test_pytest_plugin_reads_url_and_token_from_the_environment(token_server, tmp_path):
    """QACMOCK_URL and QACMOCK_ADMIN_TOKEN stand in for --qacmock-url and --qacmock-token."""
    (tmp_path / "test_env.py").write_text(textwrap.dedent("""
        def test_health(qacmock_reset):
            assert qacmock_reset.health()["status"] == "ready"
    """))
    env = clean_env(QACMOCK_URL=token_server.base, QACMOCK_ADMIN_TOKEN="s3cret")
    result = run_pytest(tmp_path, "test_env.py", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    bad = run_pytest(tmp_path, "test_env.py", "--qacmock-token", "wrong", env=env)
    assert bad.returncode == 1 and "401" in bad.stdout


def test_pytest_plugin_without_url_starts_its_own_mock(tmp_path):
    """Without --qacmock-url (or QACMOCK_URL) the fixtures use a mock the plugin starts itself;
    an explicit -p of the plugin the package already registers is the same plugin, not a twin."""
    (tmp_path / "test_nourl.py").write_text(textwrap.dedent("""
        def test_needs_the_mock(qacmock_reset, qacmock):
            assert qacmock_reset.health()["status"] == "ready"
            assert qacmock.process is not None and qacmock.url.endswith("/psws/psws.asmx")
    """))
    result = run_pytest(tmp_path, "test_nourl.py")
    assert result.returncode == 0, result.stdout + result.stderr
