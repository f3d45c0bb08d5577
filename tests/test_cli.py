"""`qacmock serve` as a user runs it: a separate process, a database file, a restart."""
import os
import subprocess
import sys
import time

import requests
from lxml import etree

from .helpers import NS, auth_xml, envelope, post_raw


def start(db_path, tmp_path):
    log = open(tmp_path / "serve.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver.cli", "serve", "--port", "0", "--db", str(db_path)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.time() + 20
    while time.time() < deadline:
        log.seek(0)
        for line in log.read().splitlines():
            if "serving psws.asmx at " in line:
                url = line.split("serving psws.asmx at ")[1].split(" ")[0]
                return proc, url
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    log.seek(0)
    raise AssertionError("qacmock serve did not start:\n" + log.read())


def stop(proc):
    proc.terminate()
    proc.wait(timeout=10)


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
