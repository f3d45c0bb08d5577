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
