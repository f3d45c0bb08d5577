"""The direct path (soap/direct.py) answers exactly as spyne did: two mocks on the same data, one
answering directly and one through spyne, get the same requests (a valid call of every operation
in both SOAP versions, then hypothesis' mutations of them) and must give byte-identical answers."""
from __future__ import annotations

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from mockserver.app import QacMock
from mockserver.registry import Xsd
from mockserver.soap import direct

from .conftest import LiveServer
from .helpers import envelope, post_raw
from . import test_fuzz
from .test_fuzz import OPERATIONS, SCALE, mutate, valid_call

# One worker, in file order: the checks of the stored data follow the calls that wrote it.
pytestmark = pytest.mark.xdist_group("direct")
FROZEN = "2026-06-01T12:00:00"


@pytest.fixture(scope="module")
def pair():
    """(direct, through spyne), on the same fresh data and a frozen clock."""
    servers = (LiveServer(QacMock(":memory:", access_log="off")),
               LiveServer(QacMock(":memory:", access_log="off", direct=False)))
    requests.put(servers[0].base + "/__admin/clock", json={"freeze": FROZEN}, timeout=10).raise_for_status()
    yield servers
    requests.put(servers[0].base + "/__admin/clock", json={"release": True}, timeout=10)
    for server in servers:
        server.close()


def assert_same_data(pair):
    """What each wrote, row by row: an answer can match while the stored values differ."""
    fast, spyne = (server.app.store.dump() for server in pair)
    for table in sorted(set(fast) | set(spyne)):
        assert fast.get(table) == spyne.get(table), table


def same_answer(pair, body: str, version: str, operation: str):
    fast, spyne = (post_raw(server.url, body, version, operation) for server in pair)
    assert (fast.status_code, fast.headers["Content-Type"], fast.content) == \
        (spyne.status_code, spyne.headers["Content-Type"], spyne.content), body[:2000]
    return fast


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_valid_call_of_every_operation_is_answered_the_same(pair, version):
    answered = 0
    for name in OPERATIONS:
        response = same_answer(pair, envelope(valid_call(name), version), version, name)
        answered += response.status_code == 200
    assert_same_data(pair)
    assert answered >= 30       # not only faults (ids such as 1 name nothing for many operations)


# The other spellings the vetting lets through, in every member of every operation.
OTHER_SPELLINGS = {Xsd.STRING: " a &amp; b\t", Xsd.INT: "+007", Xsd.DECIMAL: "-0001.50",
                   Xsd.DATETIME: "2026-01-02T03:04:05.1234567+02:00", Xsd.BOOLEAN: "1"}


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_other_lexical_forms_are_read_the_same(pair, version, monkeypatch):
    monkeypatch.setattr(test_fuzz, "SAMPLE", {**test_fuzz.SAMPLE, **OTHER_SPELLINGS})
    for name in OPERATIONS:
        same_answer(pair, envelope(valid_call(name), version), version, name)
    assert_same_data(pair)


@pytest.mark.parametrize("version", ["1.1", "1.2"])
@settings(max_examples=max(1, int(300 * SCALE)), deadline=None, derandomize=SCALE == 1, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_calls_are_answered_the_same(pair, version, data):
    name = data.draw(st.sampled_from(OPERATIONS))
    root = etree.fromstring(valid_call(name))
    mutate(root, data)
    same_answer(pair, envelope(etree.tostring(root, encoding=str), version), version, name)


def test_after_the_mutations_both_hold_the_same_data(pair):
    assert_same_data(pair)


def test_most_operations_are_answered_directly():
    covered = [name for name in OPERATIONS if direct.covered(name)]
    assert len(OPERATIONS) - len(covered) == 2, sorted(set(OPERATIONS) - set(covered))
