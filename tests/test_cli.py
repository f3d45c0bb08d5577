"""`qacmock serve` as a user runs it: a separate process, a database file, a restart."""
import subprocess
import sys

import requests
from lxml import etree

from .helpers import NS, auth_xml, envelope, post_raw, start_serve, stop_serve


def start(db_path, tmp_path):
    proc, url, _ = start_serve(tmp_path, "--db", str(db_path))
    return proc, url


stop = stop_serve


ADD_BUG = ('<Bugs_Add xmlns="http://www.pragmaticsw.com/">' + auth_xml() +
           "<Bug><Title>Survives a restart</Title><StatusCode>Active</StatusCode></Bug>"
           "<SendEmailAlert>N</SendEmailAlert></Bugs_Add>")


def result_text(response) -> str:
    return etree.fromstring(response.content).find(f".//{{{NS}}}Bugs_AddResult").text


def test_serve_creates_default_data_and_keeps_it_across_restarts(tmp_path):
    db = tmp_path / "qac.db"
    proc, url = start(db, tmp_path)
    try:
        assert requests.get(url + "?WSDL", timeout=5).status_code == 200
        added = post_raw(url, envelope(ADD_BUG), action="Bugs_Add")
        assert added.status_code == 200, added.text
        bug_id = result_text(added)
    finally:
        stop(proc)

    proc, url = start(db, tmp_path)
    try:
        load = ('<Bugs_Load xmlns="http://www.pragmaticsw.com/">' + auth_xml() +
                f"<BugId>{bug_id}</BugId></Bugs_Load>")
        loaded = post_raw(url, envelope(load), action="Bugs_Load")
        assert loaded.status_code == 200, loaded.text
        title = etree.fromstring(loaded.content).find(f".//{{{NS}}}Title").text
        assert title == "Survives a restart"
    finally:
        stop(proc)


def test_serve_help_names_every_option_with_its_environment_variable():
    out = subprocess.run([sys.executable, "-m", "mockserver.cli", "serve", "--help"],
                         capture_output=True, text=True, check=True).stdout
    for option, variable in (("--host", "QACMOCK_HOST"), ("--port", "QACMOCK_PORT"),
                             ("--db", "QACMOCK_DB"), ("--threads", "QACMOCK_THREADS")):
        assert option in out and variable in out


def test_operations_lists_every_operation_of_the_reference():
    """`qacmock operations`: one row per operation of the vendor's reference (129 documented, 3
    inferred, 3 internal) and of its pages beyond the reference's index (6), saying which the mock
    serves: all but the internal ones; the served ones match the WSDL."""
    done = subprocess.run([sys.executable, "-m", "mockserver.cli", "operations"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    rows = [line.split("|")[1:-1] for line in done.stdout.splitlines() if line.startswith("| `")]
    statuses = [r[2].strip() for r in rows]
    assert (len(rows), statuses.count("DOC"), statuses.count("PAGES"), statuses.count("INTERNAL")) == (141, 129, 6, 3)
    served = {r[0].strip().strip("`") for r in rows if r[3].strip() == "yes"}
    assert served == {r[0].strip().strip("`") for r in rows if r[2].strip() != "INTERNAL"}
    wsdl = subprocess.run([sys.executable, "-m", "mockserver.cli", "wsdl"], capture_output=True, timeout=60).stdout
    ops = {op.get("name") for op in etree.fromstring(wsdl).iter("{http://schemas.xmlsoap.org/wsdl/}operation")}
    assert served == ops
    assert done.stdout.startswith("Served: 129 of the reference's 129 documented operations")


def test_operations_with_a_missing_kit_record_exits_2_with_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mockserver.cli", "operations", "--kit-record",
                           str(tmp_path / "nope")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == f"qacmock operations: no directory {tmp_path / 'nope'}"


# -- mistakes get one line and a non-zero exit ---------------------------------------------------

def qacmock(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "mockserver.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=60, cwd=cwd)


def one_line(done) -> str:
    """The error, checked to be a single line (no traceback) after spyne's start-up chatter."""
    lines = [line for line in done.stderr.splitlines() if " INFO " not in line]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_a_database_of_another_program_is_refused_untouched(tmp_path):
    import hashlib
    import sqlite3

    other = tmp_path / "app.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO customers (name) VALUES ('Ada')")
    before = hashlib.sha256(other.read_bytes()).hexdigest()
    for command in (("serve", "--port", "0", "--db", other), ("digest", "--db", other),
                    ("export", "--db", other, "--out", tmp_path / "x.json")):
        done = qacmock(*command)
        assert done.returncode == 2
        assert one_line(done) == (f"qacmock {command[0]}: {other} is a SQLite database of another program; "
                                  f"qacmock leaves it untouched (give a new file, or one qacmock made)")
    assert hashlib.sha256(other.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]


def test_files_that_are_no_database_or_in_no_folder_are_one_line(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_text("not a database")
    done = qacmock("serve", "--port", "0", "--db", garbage)
    assert done.returncode == 2 and one_line(done) == (
        f"qacmock serve: {garbage} cannot be opened as a SQLite database (file is not a database)")
    done = qacmock("digest", "--db", garbage)
    assert done.returncode == 2 and one_line(done).startswith(f"qacmock digest: {garbage} cannot be opened")
    missing = tmp_path / "no" / "such" / "q.db"
    done = qacmock("serve", "--port", "0", "--db", missing)
    assert done.returncode == 2 and one_line(done) == (
        f"qacmock serve: {missing}: the folder {missing.parent} does not exist")


def test_a_database_qacmock_made_is_marked_and_opens_again(tmp_path):
    """qacmock's files carry SQLite's application_id "QMCK", so they are told from others."""
    import sqlite3

    db = tmp_path / "q.db"
    assert qacmock("seed", "--db", db, "--scale", "small").returncode == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x514D434B
    done = qacmock("digest", "--db", db)
    assert done.returncode == 0 and len(done.stdout.strip()) == 64


def test_ports_hosts_and_urls_that_cannot_work_are_one_line(tmp_path):
    import socket

    done = qacmock("serve", "--port", "99999")
    assert done.returncode == 2 and "argument --port: 99999 is above 65535" in done.stderr.splitlines()[-1]
    assert "Traceback" not in done.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = qacmock("serve", "--port", port)
    assert done.returncode == 2 and one_line(done) == (
        f"qacmock serve: cannot listen on 127.0.0.1:{port}: Address already in use")
    done = qacmock("serve", "--port", "0", "--host", "nohost.invalid")
    assert done.returncode == 2 and one_line(done) == (
        "qacmock serve: cannot listen on nohost.invalid:0: the host name does not resolve")
    done = qacmock("health", "--url", "notaurl")
    assert done.returncode == 1 and one_line(done).startswith("qacmock health: notaurl/__admin/health: unknown url type")
