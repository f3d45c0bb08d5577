"""The store caches what authentication, rights and custom fields read (issue 19); a change to
those tables from anywhere ends the cache at once: a SOAP call, SQL on the served file from
another program, a snapshot restored."""
from __future__ import annotations

import sqlite3

import requests

from .helpers import FAMILY_ALBUM, NS, auth_xml, envelope, fault_text, post_raw, start_serve, stop_serve

READER = 25316
LOAD = f'<Bugs_Load xmlns="{NS}">{auth_xml(user_id=READER)}<BugId>1</BugId></Bugs_Load>'
RIGHT = ("DELETE FROM GroupRights WHERE ProjId = ? AND Area = 'Defects' AND Right = 'Read' "
         "AND GroupId IN (SELECT GroupId FROM GroupMembers WHERE UserId = ?)")


def load_as_reader(url) -> str | None:
    """None when the reader may load the defect, else the fault's text."""
    response = post_raw(url, envelope(LOAD), "1.1", "Bugs_Load")
    return None if response.status_code == 200 else fault_text(response.content)


def test_a_right_taken_away_by_another_program_applies_at_the_next_call(tmp_path):
    db = tmp_path / "served.sqlite"
    proc, url, _ = start_serve(tmp_path, "--db", str(db), "--access-log", "off")
    base = url.split("/psws")[0]
    try:
        assert load_as_reader(url) is None
        assert load_as_reader(url) is None                       # now from the cache
        requests.post(base + "/__admin/snapshots", json={"name": "before"}, timeout=10).raise_for_status()
        with sqlite3.connect(db) as other:                       # another program, on the file
            rows = other.execute("SELECT * FROM GroupRights WHERE ProjId = ? AND Area = 'Defects' AND "
                                 "Right = 'Read' AND GroupId IN (SELECT GroupId FROM GroupMembers WHERE "
                                 "UserId = ?)", (FAMILY_ALBUM, READER)).fetchall()
            assert rows
            other.execute(RIGHT, (FAMILY_ALBUM, READER))
        assert "lacks the Read right for Defects" in load_as_reader(url)
        requests.post(base + "/__admin/snapshots/before/restore", timeout=10).raise_for_status()
        with sqlite3.connect(db) as other:
            # As many changes elsewhere as the rights lost: had the restore put the counter back,
            # it would now read what the cache saw while the right was gone.
            other.executemany("INSERT INTO Settings VALUES (?, 'x')", [(f"k{n}",) for n in range(len(rows))])
        assert load_as_reader(url) is None                       # the restored right is seen
        with sqlite3.connect(db) as other:
            other.execute(RIGHT, (FAMILY_ALBUM, READER))
        assert "lacks the Read right" in load_as_reader(url)
        with sqlite3.connect(db) as other:
            other.executemany("INSERT INTO GroupRights VALUES (?, ?, ?, ?)", rows)
        assert load_as_reader(url) is None
    finally:
        stop_serve(proc)


def test_the_cache_stays_bounded_whatever_ids_clients_send():
    """A UserId that names no one is cached too (as None): a client sending ever new ids must
    not grow the cache without end."""
    from mockserver.store.database import DIRECTORY_CACHE_SIZE, Store

    store = Store()
    for user_id in range(3 * DIRECTORY_CACHE_SIZE):
        assert store.user(10_000_000 + user_id) is None
    assert len(store._directory_cache) <= DIRECTORY_CACHE_SIZE + 1


def test_within_one_call_a_write_on_the_same_connection_is_seen_at_once():
    """A call reads the directory's version once (Store.one_call), not once per read; a write
    on the store's own connection in that call must still end the cache at once."""
    from mockserver.seed import build, default_dataset
    from mockserver.store.database import Store

    store = Store()
    build(store, default_dataset())
    with store.one_call():
        assert ("Defects", "Read") in store.rights(READER, FAMILY_ALBUM)
        with store.transaction():
            store.db.conn.execute(RIGHT, (FAMILY_ALBUM, READER))
        assert ("Defects", "Read") not in store.rights(READER, FAMILY_ALBUM)
    assert ("Defects", "Read") not in store.rights(READER, FAMILY_ALBUM)
