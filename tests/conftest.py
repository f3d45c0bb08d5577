import threading

import pytest

from mockserver.app import QacMock
from mockserver.server import GracefulServer, make_server

from .helpers import Soap


class LiveServer:
    def __init__(self, app: QacMock):
        self.app = app
        self.server = make_server(app, "127.0.0.1", 0)
        self.graceful = GracefulServer(self.server, timeout=5)
        self.base = f"http://127.0.0.1:{self.server.effective_port}"
        self.url = self.base + "/psws/psws.asmx"
        self.thread = threading.Thread(target=self.graceful.run, daemon=True)
        self.thread.start()

    def close(self):
        # The server's own stop: its loop closes every connection, then the worker threads end.
        self.graceful.stop()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the test server did not stop"


@pytest.fixture(scope="session")
def live():
    """qacmock on the embedded default data, served by waitress on a free loopback port."""
    server = LiveServer(QacMock(":memory:"))
    yield server
    server.close()


@pytest.fixture(scope="session", params=["1.1", "1.2"], ids=["soap11", "soap12"])
def soap(request, live):
    """A zeep client of the live server, once per SOAP version."""
    return Soap(live.url, request.param)


@pytest.fixture(scope="session")
def soap11(live):
    return Soap(live.url, "1.1")
