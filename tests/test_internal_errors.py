"""An unexpected failure inside the server is a soap:Server fault, logged, with no internals."""
import logging

import pytest
from lxml import etree

from mockserver.app import QacMock

from .conftest import LiveServer
from .helpers import SOAP11, SOAP12, auth_xml, envelope, fault_text, post_raw


@pytest.fixture
def broken():
    server = LiveServer(QacMock(":memory:"))
    with server.app.store.transaction():
        # A store that no longer matches the registry: reads of agile tasks now fail in SQLite.
        server.app.store.db.conn.execute('DROP VIEW "v_ProjectTasks"')
    yield server
    server.close()


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_unexpected_error_is_a_server_fault_without_internals(broken, version, caplog):
    body = envelope('<ProjectTasks_Load xmlns="http://www.pragmaticsw.com/">' + auth_xml() +
                    "<TaskId>1</TaskId></ProjectTasks_Load>", version)
    with caplog.at_level(logging.ERROR, logger="qacmock.faults"):
        response = post_raw(broken.url, body, version, action="ProjectTasks_Load")
    assert response.status_code == 500
    root = etree.fromstring(response.content)
    if version == "1.1":
        assert root.findtext(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault/faultcode") == "soap:Server"
        assert root.findtext(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault/faultactor") == "psWS.InternalException"
    else:
        fault = root.find(f"{{{SOAP12}}}Body/{{{SOAP12}}}Fault")
        assert fault.findtext(f"{{{SOAP12}}}Code/{{{SOAP12}}}Value") == "soap:Receiver"
        assert fault.findtext(f"{{{SOAP12}}}Node") == "psWS.InternalException"
    text = fault_text(response.content)
    assert "reference" in text
    for leak in (b"Traceback", b"sqlite", b"v_ProjectTasks", b".py"):
        assert leak not in response.content
    # The reference in the fault finds the full story in the server log.
    reference = text.split("reference ")[1].split(";")[0]
    assert any(reference in r.getMessage() and r.exc_info for r in caplog.records)
