import threading

import pytest

from mockserver.app import QacMock
from mockserver.server import DEFAULT_SERVER, bind

from .helpers import Soap


class LiveServer:
    """``app`` served on a free loopback port by ``server`` (what ``qacmock serve`` uses unless
    told otherwise), in a thread of the test process."""

    def __init__(self, app: QacMock, server: str = DEFAULT_SERVER):
        self.app, self.kind = app, server
        self.runner = bind(app, "127.0.0.1", 0, server=server, timeout=5)
        self.base = f"http://127.0.0.1:{self.runner.effective_port}"
        self.url = self.base + "/psws/psws.asmx"
        self.thread = threading.Thread(target=self.runner.run, daemon=True)
        self.thread.start()

    def close(self):
        # The server's own graceful stop: calls in flight end, every connection is closed.
        self.runner.stop()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the test server did not stop"
        self.runner.close()


@pytest.fixture(scope="session")
def live():
    """qacmock on the embedded default data, served on a free loopback port."""
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
