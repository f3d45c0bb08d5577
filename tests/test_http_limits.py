"""The HTTP server under careless and hostile clients (issue 17, point 2): an empty body sent
with "Expect: 100-continue" is answered; a body over the limit is refused from its
Content-Length without being read; stalled connections do not lock out a fresh client; the
journal keeps no more of a body than it shows."""
from __future__ import annotations

import socket
import time

import pytest
import requests

from mockserver.app import QacMock
from mockserver.control.journal import BODY_LIMIT
from mockserver.server import SERVERS

from .conftest import LiveServer
from .helpers import NS, auth_xml, envelope, post_raw


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request):
    """Each HTTP server ``qacmock serve --server`` offers."""
    live = LiveServer(QacMock(":memory:", journal_bodies=True, max_body=2 * 1024 * 1024), request.param)
    yield live
    live.close()


def raw_exchange(server, head: bytes, body: bytes = b"", timeout: float = 5) -> bytes:
    """Send a request head (and a body), read until the server closes or answers in full."""
    port = int(server.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(head + body)
        received = b""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            try:
                chunk = conn.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received and (b"</soap:Envelope>" in received or b"</soap12:Envelope>" in received):
                break
        return received


def test_expect_continue_with_an_empty_body_is_answered(server):
    """waitress 3.0.2 never answered this; a client that sends its body only after "100 Continue"
    and has none waited forever. The answer is the empty-body fault."""
    head = (b"POST /psws/psws.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=utf-8\r\n"
            b'SOAPAction: "http://www.pragmaticsw.com/GetVersion"\r\nExpect: 100-continue\r\n'
            b"Content-Length: 0\r\n\r\n")
    answer = raw_exchange(server, head)
    assert answer.startswith(b"HTTP/1.1 500"), answer[:200]
    assert b"The request body is empty" in answer


def test_expect_continue_with_a_body_gets_100_then_the_answer(server):
    body = envelope(f'<GetVersion xmlns="{NS}"/>').encode()
    head = (b"POST /psws/psws.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=utf-8\r\n"
            b'SOAPAction: "http://www.pragmaticsw.com/GetVersion"\r\nExpect: 100-continue\r\n'
            + f"Content-Length: {len(body)}\r\n\r\n".encode())
    port = int(server.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(head)
        assert conn.recv(100).startswith(b"HTTP/1.1 100 Continue")
        conn.sendall(body)
        answer = b""
        while b"GetVersionResult" not in answer:
            answer += conn.recv(65536)
    assert b"HTTP/1.1 200" in answer


def test_a_huge_declared_body_is_refused_before_it_is_sent(server):
    """A Content-Length of 1 GB with nothing after the head: the 413 comes at once (the server
    does not wait for, or buffer, the body), as a SOAP fault, and it is journaled."""
    head = (b"POST /psws/psws.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=utf-8\r\n"
            b'SOAPAction: "http://www.pragmaticsw.com/GetVersion"\r\nContent-Length: 1073741824\r\n\r\n')
    started = time.monotonic()
    answer = raw_exchange(server, head, timeout=10)
    assert time.monotonic() - started < 5
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"The request body is 1073741824 bytes; the limit is 2097152." in answer
    assert server.app.journal.entries(limit=1)[0].status == 413


def test_stalled_connections_do_not_lock_out_a_fresh_client(server):
    """150 connections that send half a request head and stop (waitress's default limit was 100,
    each kept for 120 s): a new client is still answered."""
    port = int(server.base.rsplit(":", 1)[1])
    stalled = []
    try:
        for _ in range(150):
            conn = socket.create_connection(("127.0.0.1", port), timeout=5)
            conn.sendall(b"POST /psws/psws.asmx HTTP/1.1\r\nHost: x\r\n")
            stalled.append(conn)
        response = post_raw(server.url, envelope(f'<GetVersion xmlns="{NS}"/>'), "1.1", "GetVersion")
        assert response.status_code == 200
    finally:
        for conn in stalled:
            conn.close()


def test_the_journal_keeps_a_big_body_cut_as_it_shows_it(server):
    """With bodies on, a request of 1.5 MB is kept as the API shows it: its first 512 KB."""
    padding = "x" * (1536 * 1024)
    body = envelope(f'<Bugs_Load xmlns="{NS}">{auth_xml()}<BugId>1</BugId><Pad>{padding}</Pad></Bugs_Load>')
    assert post_raw(server.url, body, "1.1", "Bugs_Load").status_code == 200
    entry = server.app.journal.entries(limit=1)[0]
    assert isinstance(entry.request, str)
    assert len(entry.request) < BODY_LIMIT + 100 and entry.request.endswith("more bytes]")
    shown = requests.get(server.base + "/__admin/journal", params={"limit": 1}, timeout=10).json()["entries"][0]
    assert shown["request"] == entry.request


def test_a_request_head_the_server_refuses_is_answered_400(server):
    """A Content-Length that is not a number never reaches the application. waitress's refusal
    is a SOAP 1.2 fault, as the Content-Type asked for; granian's (hyper's) is a bare 400, as
    the real service's HTTP.sys answers a malformed head before ASP.NET sees it [INFERRED]."""
    head = (b"POST /psws/psws.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml; charset=utf-8\r\n"
            b"Content-Length: ten\r\n\r\n")
    answer = raw_exchange(server, head)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    if server.kind == "waitress":
        assert b"Content-Type: application/soap+xml" in answer
        assert b"Content-Length is invalid" in answer and b"http://www.w3.org/2003/05/soap-envelope" in answer
    else:
        head, _, rest = answer.partition(b"\r\n\r\n")
        assert b"content-length: 0" in head.lower() and rest == b""


def test_a_chunked_body_is_read_whole(server):
    """A body sent chunked (no Content-Length) is read to its end and answered as any other."""
    body = envelope(f'<Bugs_Load xmlns="{NS}">{auth_xml()}<BugId>1</BugId></Bugs_Load>').encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 100]), body[i:i + 100]) for i in range(0, len(body), 100))
    head = (b"POST /psws/psws.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=utf-8\r\n"
            b'SOAPAction: "http://www.pragmaticsw.com/Bugs_Load"\r\nTransfer-Encoding: chunked\r\n\r\n')
    answer = raw_exchange(server, head, chunks + b"0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
    assert b"<BugId>1</BugId>" in answer


def test_a_chunked_body_over_the_limit_is_refused_unread(server):
    """Chunks past the limit: 413, the rest never read, and the call journaled."""
    head = (b"POST /psws/psws.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=utf-8\r\n"
            b'SOAPAction: "http://www.pragmaticsw.com/Bugs_Load"\r\nTransfer-Encoding: chunked\r\n\r\n')
    chunk = b"x" * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(40))     # 2.5 MB > 2 MB
    answer = raw_exchange(server, head, chunks, timeout=10)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"sent chunked, passed the limit of 2097152 bytes" in answer
    assert server.app.journal.entries(limit=1)[0].status == 413
